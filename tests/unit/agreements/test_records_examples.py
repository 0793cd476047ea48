"""A deviation as a typed record and as a notebook table."""

from __future__ import annotations

from decimal import Decimal

from salescore.agreements import Deviation, DeviationKind, Severity
from salescore.money import Money
from salescore.parties import ProductId


def test_a_deviation_with_an_amount_is_one_typed_record() -> None:
    deviation = Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE,
        Severity.APPROVAL,
        "line 2: price below the reference",
        line=2,
        product_id=ProductId("CUP"),
        expected="120.00",
        actual="100.00",
        amount=Money("40.00", "RUB"),
    )
    assert deviation.to_records() == [
        {
            "kind": DeviationKind.PRICE_BELOW_REFERENCE.value,
            "severity": "approval",
            "line": 2,
            "product_id": "CUP",
            "expected": "120.00",
            "actual": "100.00",
            "amount": Decimal("40.00"),
            "currency": "RUB",
            "message": "line 2: price below the reference",
        }
    ]
    html = deviation._repr_html_()
    assert f"<caption>deviation: {DeviationKind.PRICE_BELOW_REFERENCE.value}</caption>" in html
    assert "<td>line 2: price below the reference</td>" in html


def test_a_deviation_that_costs_no_money_has_neither_amount_nor_currency() -> None:
    deviation = Deviation(DeviationKind.PRICE_BELOW_REFERENCE, Severity.WARNING, "a note")
    (record,) = deviation.to_records()
    assert (record["amount"], record["currency"], record["line"], record["product_id"]) == (
        None,
        None,
        None,
        None,
    )
    assert (record["severity"], record["expected"], record["actual"]) == ("warning", "", "")
