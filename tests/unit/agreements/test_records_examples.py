"""A deviation as a typed record and as a notebook table."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.agreements.test_resolution import MAR, VOLGA, book, individual, typical

from salescore.agreements import Deviation, DeviationKind, Severity, Terms, TermsQuery
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


def test_resolved_terms_are_one_record_per_term_with_where_it_comes_from() -> None:
    base = typical(
        "TA", terms=Terms(manual_discount_limit_percent=Decimal(5), delivery_lead_days=3)
    )
    own = individual("IA", base, terms=Terms(manual_discount_limit_percent=Decimal(7)))
    resolved = book(base, own).resolve(TermsQuery(VOLGA, MAR))
    records = {r["term"]: r for r in resolved.to_records()}
    assert records["manual_discount_limit_percent"] == {
        "term": "manual_discount_limit_percent",
        "label": "manual discount limit, %",
        "value": Decimal(7),
        "source": "overridden",
        "agreement_id": "IA",
        "via_id": "TA",
        "replaced": Decimal(5),
    }
    assert records["delivery_lead_days"] == {
        "term": "delivery_lead_days",
        "label": "delivery lead time, working days",
        "value": 3,
        "source": "inherited",
        "agreement_id": "TA",
        "via_id": "IA",
        "replaced": None,
    }
    assert records["currency"]["source"] == "open"
    assert resolved._repr_html_().startswith(
        "<table><caption>terms of individual agreement &#x27;IA&#x27; (IA)</caption>"
    )
