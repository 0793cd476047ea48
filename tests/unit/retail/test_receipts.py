"""Retail receipts on their own: payments, returns and explanations (figures by hand)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.unit.retail._fixtures import golden_lines, golden_receipt, rub

from salescore.errors import RetailError
from salescore.retail import (
    PaymentKind,
    ReceiptKind,
    RetailPayment,
    RetailReceipt,
    compose_return,
)

AT = datetime(2026, 3, 2, 11, tzinfo=UTC)


def test_a_receipt_explains_each_line_s_sum_and_vat() -> None:
    explanation = golden_receipt().explain()
    bread = explanation.steps[0].detail
    assert bread is not None
    assert [s.value for s in bread.steps] == ["91.00 RUB", "−1.80 RUB", "89.20 RUB", "16.09 RUB"]
    assert [s.value for s in explanation.steps[2:]] == ["248.38 RUB", "300.00 RUB", "51.62 RUB"]


def test_card_payments_above_the_total_are_refused() -> None:
    with pytest.raises(RetailError, match="only cash can give change"):
        RetailReceipt(
            "R-2", ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1", AT, golden_lines(),
            (RetailPayment(PaymentKind.CARD, rub("250.00")),),
        )  # fmt: skip


def test_a_mixed_payment_keeps_the_card_and_gives_change_from_cash() -> None:
    sale = RetailReceipt(
        "R-3", ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1", AT, golden_lines(),
        (
            RetailPayment(PaymentKind.CARD, rub("200.00")),
            RetailPayment(PaymentKind.CASH, rub("50.00")),
        ),
    )  # fmt: skip
    assert sale.change == rub("1.62")  # 250.00 − 248.38
    assert sale.paid_by(PaymentKind.CASH) == rub("48.38")
    # A return of the cheese (159.18) goes back to the card first: all of it.
    back = compose_return("V-1", sale, {2: Decimal("1.250")}, shift_id="S-1", at=AT)
    assert back.payments == (RetailPayment(PaymentKind.CARD, rub("159.18")),)
    # Then the bread (89.20): 40.82 is left on the card, 48.38 in cash.
    rest = compose_return("V-2", sale, {1: Decimal(2)}, earlier=[back], shift_id="S-1", at=AT)
    assert rest.payments == (
        RetailPayment(PaymentKind.CARD, rub("40.82")),
        RetailPayment(PaymentKind.CASH, rub("48.38")),
    )


def test_more_than_is_left_cannot_be_returned() -> None:
    sale = golden_receipt()
    first = compose_return("V-1", sale, {1: Decimal(1)}, shift_id="S-1", at=AT)
    with pytest.raises(RetailError, match="left 1"):
        compose_return("V-2", sale, {1: Decimal(2)}, earlier=[first], shift_id="S-1", at=AT)
    with pytest.raises(RetailError, match="has no line 9"):
        compose_return("V-2", sale, {9: Decimal(1)}, shift_id="S-1", at=AT)
    second = compose_return("V-2", sale, {1: Decimal(1)}, earlier=[first], shift_id="S-1", at=AT)
    assert first.total + second.total == rub("89.20")  # 44.60 + 44.60: the line's sum


def test_a_receipt_discount_above_the_lines_is_refused() -> None:
    from datetime import date

    from tests.unit.retail._fixtures import BREAD

    from salescore.money import Money, Quantity
    from salescore.retail import PricedItem, compose_lines
    from salescore.tax import russian_vat_rates

    with pytest.raises(RetailError, match=r"between 0 and the lines' sum 45\.50 RUB"):
        compose_lines(
            [PricedItem(BREAD, Quantity(1), Money("45.50", "RUB"))],
            receipt_discount=Money("46.00", "RUB"),
            vat_rates=russian_vat_rates(),
            on=date(2026, 3, 2),
        )
