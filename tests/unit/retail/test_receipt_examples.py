"""A receipt's figures as a buyer, a cashier and the back office read them: lines, VAT per
rate, explanations, records, refunds. Every figure is computed by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest
from tests.unit.retail._fixtures import BREAD, CHEESE, DAY, golden_receipt, rub

from salescore.errors import RetailError
from salescore.explain import Explanation, Step
from salescore.money import KG, Quantity
from salescore.parties import Product, ProductId
from salescore.retail import (
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptStatus,
    RetailLine,
    RetailPayment,
    RetailReceipt,
    compose_lines,
    compose_return,
)
from salescore.tax import VatCategory, russian_vat_rates

AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
RATES = russian_vat_rates()
MATCHES = Product(ProductId("MATCHES"), "Matches", vat_category=VatCategory.EXEMPT)
EXPORT = Product(ProductId("EXPORT"), "Export tea", vat_category=VatCategory.ZERO)


def sale(
    lines: tuple[RetailLine, ...], *payments: RetailPayment, receipt_id: str = "R-7"
) -> RetailReceipt:
    return RetailReceipt(
        receipt_id, ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1", AT, lines, payments
    )


def cash(amount: str) -> RetailPayment:
    return RetailPayment(PaymentKind.CASH, rub(amount))


def card(amount: str) -> RetailPayment:
    return RetailPayment(PaymentKind.CARD, rub(amount))


def discounted_lines() -> tuple[RetailLine, ...]:
    """Bread 2 × 45.50 less 1.00 by rule AUTO-1, cheese 1.250 kg × 129.90, 5.00 off the receipt.

    After the bread's own discount the lines weigh 90.00 and 162.38 (252.38): 5.00 × 90.00 /
    252.38 = 1.783… and 5.00 × 162.38 / 252.38 = 3.216… floor to 1.78 and 3.21, and the kopeck
    left goes to the larger remainder: 1.78 and 3.22.
    """
    return compose_lines(
        [
            PricedItem(BREAD, Quantity(2), rub("45.50"), rub("1.00"), ("AUTO-1",)),
            PricedItem(CHEESE, Quantity("1.250", KG), rub("129.90"), marking_code="0104"),
        ],
        receipt_discount=rub("5.00"),
        vat_rates=RATES,
        on=DAY,
    )


def test_a_line_s_own_discount_and_its_share_of_the_receipt_discount_are_kept_apart() -> None:
    bread, cheese = discounted_lines()
    assert (bread.gross, bread.discount, bread.receipt_discount) == (
        rub("91.00"),
        rub("1.00"),
        rub("1.78"),
    )
    assert bread.net == rub("88.22")  # 91.00 − 1.00 − 1.78
    assert bread.all_discounts == rub("2.78")
    assert bread.vat == rub("15.91")  # 88.22 × 22 / 122 = 15.908…
    assert bread.rule_ids == ("AUTO-1",)
    assert (cheese.receipt_discount, cheese.net) == (rub("3.22"), rub("159.16"))
    assert cheese.vat == rub("14.47")  # 159.16 × 10 / 110 = 14.469…
    assert cheese.marking_code == "0104"
    assert [(x.line_no, x.product_id, x.name, x.unit_price) for x in (bread, cheese)] == [
        (1, "BREAD", "Bread", rub("45.50")),
        (2, "CHEESE", "Cheese", rub("129.90")),
    ]
    receipt = sale((bread, cheese), cash("250.00"))
    assert receipt.gross == rub("253.38")
    assert receipt.discount == rub("6.00")  # 1.00 own + 5.00 on the receipt
    assert receipt.total == rub("247.38")
    assert receipt.vat == rub("30.38")  # 15.91 + 14.47
    assert receipt.paid == rub("250.00")
    assert receipt.change == rub("2.62")


def test_a_receipt_discount_of_zero_or_none_leaves_every_line_at_its_sum() -> None:
    items = [PricedItem(BREAD, Quantity(2), rub("45.50"))]
    for discount in (None, rub("0.00")):
        (line,) = compose_lines(items, receipt_discount=discount, vat_rates=RATES, on=DAY)
        assert (line.receipt_discount, line.net) == (rub("0.00"), rub("91.00"))


def test_a_receipt_discount_of_the_whole_sum_makes_the_receipt_free() -> None:
    lines = compose_lines(
        [PricedItem(BREAD, Quantity(1), rub("45.50"))],
        receipt_discount=rub("45.50"),
        vat_rates=RATES,
        on=DAY,
    )
    assert [(x.receipt_discount, x.net, x.vat) for x in lines] == [
        (rub("45.50"), rub("0.00"), rub("0.00"))
    ]


def test_a_weighed_sum_is_rounded_half_up_to_the_kopeck() -> None:
    # 0.125 kg × 0.20 = 0.025 → 0.03 (half up; half even would give 0.02)
    # 0.135 kg × 0.10 = 0.0135 → 0.01 (not up: only from half a kopeck)
    lines = compose_lines(
        [
            PricedItem(CHEESE, Quantity("0.125", KG), rub("0.20")),
            PricedItem(CHEESE, Quantity("0.135", KG), rub("0.10")),
        ],
        vat_rates=RATES,
        on=DAY,
    )
    assert [x.gross for x in lines] == [rub("0.03"), rub("0.01")]


def test_a_receipt_in_two_currencies_or_with_a_negative_discount_is_refused() -> None:
    from salescore.money import Money

    with pytest.raises(
        RetailError,
        match=r"^CHEESE is priced in EUR, the receipt in RUB: one receipt takes one currency$",
    ):
        compose_lines(
            [
                PricedItem(BREAD, Quantity(1), rub("45.50")),
                PricedItem(CHEESE, Quantity(1, KG), Money("9.90", "EUR")),
            ],
            vat_rates=RATES,
            on=DAY,
        )
    with pytest.raises(RetailError, match=r"between 0 and the lines' sum 45\.50 RUB"):
        compose_lines(
            [PricedItem(BREAD, Quantity(1), rub("45.50"))],
            receipt_discount=rub("-1.00"),
            vat_rates=RATES,
            on=DAY,
        )
    with pytest.raises(RetailError, match="at least one line: scan a product first"):
        compose_lines([], vat_rates=RATES, on=DAY)


def test_a_line_whose_discounts_exceed_its_sum_is_refused() -> None:
    def line(discount: str, receipt_discount: str) -> RetailLine:
        return RetailLine(
            1, BREAD.id, "Bread", Quantity(1), rub("45.50"), rub("45.50"),
            rub(discount), rub(receipt_discount), "22", rub("0.00"),
        )  # fmt: skip

    assert line("45.00", "0.50").net == rub("0.00")  # exactly the sum: allowed
    for discount, receipt_discount in (("45.00", "0.51"), ("-0.01", "0.00"), ("0.00", "-0.01")):
        with pytest.raises(RetailError, match="cannot be negative nor exceed the line's sum"):
            line(discount, receipt_discount)


def test_a_payment_must_be_positive() -> None:
    assert cash("0.01").amount == rub("0.01")
    for amount in ("0.00", "-1.00"):
        with pytest.raises(RetailError, match="must be positive"):
            cash(amount)


def test_payments_must_cover_the_total_and_card_payments_must_not_exceed_it() -> None:
    lines = discounted_lines()  # 247.38
    exact_card = sale(lines, card("247.38"))
    assert exact_card.change == rub("0.00")
    assert exact_card.paid_by(PaymentKind.CARD) == rub("247.38")
    assert exact_card.paid_by(PaymentKind.CASH) == rub("0.00")
    with pytest.raises(RetailError, match=r"payments 247\.37 RUB are less .* take 0\.01 RUB more"):
        sale(lines, card("200.00"), cash("47.37"))
    with pytest.raises(RetailError, match="only cash can give change"):
        sale(lines, card("247.39"))
    with pytest.raises(RetailError, match="needs an id"):
        sale(lines, cash("250.00"), receipt_id="")
    with pytest.raises(RetailError, match="has no lines"):
        sale((), cash("250.00"))


def test_vat_by_rate_adds_the_lines_of_one_rate() -> None:
    lines = compose_lines(
        [
            PricedItem(BREAD, Quantity(2), rub("45.50")),
            PricedItem(CHEESE, Quantity("1.250", KG), rub("129.90")),
            PricedItem(BREAD, Quantity(1), rub("45.50")),
        ],
        vat_rates=RATES,
        on=DAY,
    )
    # 91.00 × 22/122 = 16.409… → 16.41; 45.50 × 22/122 = 8.204… → 8.20; together 24.61.
    # 162.38 × 10/110 = 14.761… → 14.76.
    assert sale(lines, cash("300.00")).vat_by_rate() == {
        "22": (rub("136.50"), rub("24.61")),
        "10": (rub("162.38"), rub("14.76")),
    }


def test_a_line_explains_its_sum_discounts_and_vat() -> None:
    bread, cheese = discounted_lines()
    assert bread.explain() == Explanation(
        "line 1: Bread",
        (
            Step(
                "2 pcs × 45.50, rounded half up to the kopeck",
                "91.00 RUB",
                "the outlet's retail price",
            ),
            Step("the line's discount", "−1.00 RUB", "AUTO-1"),
            Step(
                "its share of the receipt discount (largest remainder by the lines' sums after "
                "their own discounts)",
                "−1.78 RUB",
            ),
            Step("the line's final sum", "88.22 RUB"),
            Step("VAT 22% in it: 88.22 × 22 / 122, half up", "15.91 RUB", "the VAT table"),
        ),
    )
    # No own discount: no step for it.
    assert [s.description for s in cheese.explain().steps][1:3] == [
        "its share of the receipt discount (largest remainder by the lines' sums after "
        "their own discounts)",
        "the line's final sum",
    ]


def test_a_line_without_vat_or_at_zero_says_so_without_a_computation() -> None:
    lines = compose_lines(
        [
            PricedItem(MATCHES, Quantity(3), rub("2.00")),
            PricedItem(EXPORT, Quantity(1), rub("9.00")),
        ],
        vat_rates=RATES,
        on=DAY,
    )
    assert [x.vat_rate for x in lines] == ["none", "0"]
    assert [x.explain().steps for x in lines] == [
        (
            Step(
                "3 pcs × 2.00, rounded half up to the kopeck",
                "6.00 RUB",
                "the outlet's retail price",
            ),
            Step("the line's final sum", "6.00 RUB"),
            Step("VAT без НДС", "0.00 RUB", "the VAT table"),
        ),
        (
            Step(
                "1 pcs × 9.00, rounded half up to the kopeck",
                "9.00 RUB",
                "the outlet's retail price",
            ),
            Step("the line's final sum", "9.00 RUB"),
            Step("VAT 0%", "0.00 RUB", "the VAT table"),
        ),
    ]


def test_a_receipt_explains_its_lines_total_payments_and_change() -> None:
    lines = discounted_lines()
    receipt = sale(lines, card("200.00"), cash("50.00"))
    explanation = receipt.explain()
    assert explanation.subject == "sale R-7"
    assert explanation.steps == (
        Step("Bread", "88.22 RUB", detail=lines[0].explain()),
        Step("Cheese", "159.16 RUB", detail=lines[1].explain()),
        Step("total", "247.38 RUB"),
        Step("paid by card", "200.00 RUB"),
        Step("paid by cash", "50.00 RUB"),
        Step("change", "2.62 RUB"),
    )
    # Paid exactly: no change step.
    exact = sale(lines, cash("247.38")).explain()
    assert [s.description for s in exact.steps][2:] == ["total", "paid by cash"]


def test_a_receipt_s_records_give_one_row_per_line_with_every_amount() -> None:
    receipt = golden_receipt()
    records = receipt.to_records()
    assert records[1] == {
        "receipt": "R-1",
        "kind": "sale",
        "status": "pending",
        "at": AT,
        "line": 2,
        "product_id": "CHEESE",
        "quantity": Decimal("1.250"),
        "unit": "kg",
        "price": Decimal("129.90"),
        "gross": Decimal("162.38"),
        "discount": Decimal("0.00"),
        "receipt_discount": Decimal("3.20"),
        "net": Decimal("159.18"),
        "vat_rate": "10",
        "vat": Decimal("14.47"),
        "currency": "RUB",
    }
    assert [r["line"] for r in records] == [1, 2]
    html = receipt._repr_html_()
    assert "sale R-1: 248.38 RUB (pending)" in html
    assert "159.18" in html


def test_a_sale_counts_plus_a_return_minus_and_a_cancelled_receipt_not_at_all() -> None:
    sold = golden_receipt()
    back = compose_return("V-1", sold, {1: Decimal(1)}, shift_id="S-1", at=LATER)
    assert (sold.sign, back.sign) == (1, -1)
    assert sold.counts
    assert not attrs.evolve(sold, status=ReceiptStatus.CANCELLED).counts
    assert attrs.evolve(sold, status=ReceiptStatus.FISCAL).counts


def test_a_return_names_its_sale_shift_cashier_and_card() -> None:
    sold = golden_receipt()  # card 0001, shift S-1
    back = compose_return(
        "V-1", sold, {2: Decimal("0.250")}, shift_id="S-2", at=LATER, cashier="boris"
    )
    assert (back.id, back.kind, back.original_id) == ("V-1", ReceiptKind.RETURN, "R-1")
    assert (back.outlet_id, back.workplace_id, back.shift_id, back.at) == (
        "SHOP-1",
        "POS-1",
        "S-2",
        LATER,
    )
    assert (back.cashier, back.card_number, back.status) == ("boris", "0001", ReceiptStatus.PENDING)
    # 0.250 of 1.250 kg of a line that paid 159.18: 159.18 / 5 = 31.836 → 31.84; its gross
    # 0.250 × 129.90 = 32.475 → 32.48, so 0.64 of discounts, all of the receipt discount's
    # share: 3.20 / 5 = 0.64. VAT 31.84 × 10/110 = 2.894… → 2.89.
    (line,) = back.lines
    assert (line.line_no, line.quantity, line.unit_price) == (
        2,
        Quantity("0.250", KG),
        rub("129.90"),
    )
    assert (line.gross, line.discount, line.receipt_discount, line.net, line.vat) == (
        rub("32.48"),
        rub("0.00"),
        rub("0.64"),
        rub("31.84"),
        rub("2.89"),
    )
    assert (line.vat_rate, line.product_id, line.name) == ("10", "CHEESE", "Cheese")
    assert back.payments == (cash("31.84"),)


def test_a_return_keeps_the_sold_line_s_rules_and_marking_code() -> None:
    sold = sale(discounted_lines(), cash("250.00"))
    back = compose_return(
        "V-1", sold, {1: Decimal(1), 2: Decimal("1.250")}, shift_id="S-1", at=LATER
    )
    assert [(x.rule_ids, x.marking_code) for x in back.lines] == [(("AUTO-1",), ""), ((), "0104")]
    # One of two breads that paid 88.22: 44.11, of a gross of 45.50, so 1.39 of discounts of
    # which half the receipt discount's share (1.78 / 2 = 0.89) and 0.50 the line's own.
    assert (back.lines[0].net, back.lines[0].receipt_discount, back.lines[0].discount) == (
        rub("44.11"),
        rub("0.89"),
        rub("0.50"),
    )
    assert back.cashier == ""
    assert back.total == rub("203.27")  # 44.11 + 159.16


def test_only_a_sale_that_counts_can_be_returned() -> None:
    sold = golden_receipt()
    back = compose_return("V-1", sold, {1: Decimal(1)}, shift_id="S-1", at=LATER)
    cancelled = attrs.evolve(sold, status=ReceiptStatus.CANCELLED)
    for receipt in (back, cancelled):
        with pytest.raises(RetailError, match="is not a sale that counts"):
            compose_return("V-2", receipt, {1: Decimal(1)}, shift_id="S-1", at=LATER)


def test_a_return_of_nothing_is_refused() -> None:
    sold = golden_receipt()
    with pytest.raises(RetailError, match=r"line 1 \(BREAD\): 0 cannot be returned; sold 2"):
        compose_return("V-1", sold, {1: Decimal(0)}, shift_id="S-1", at=LATER)
    with pytest.raises(RetailError, match="needs at least one line to return"):
        compose_return("V-1", sold, {}, shift_id="S-1", at=LATER)


def test_cancelled_returns_and_returns_of_other_sales_leave_the_line_to_return() -> None:
    sold = golden_receipt("R-1")
    other = golden_receipt("R-2")
    cancelled = attrs.evolve(
        compose_return("V-1", sold, {1: Decimal(2)}, shift_id="S-1", at=LATER),
        status=ReceiptStatus.CANCELLED,
    )
    elsewhere = compose_return("V-2", other, {1: Decimal(2)}, shift_id="S-1", at=LATER)
    # Both breads can still be returned, at the line's whole sum 89.20.
    back = compose_return(
        "V-3", sold, {1: Decimal(2)}, earlier=[cancelled, elsewhere], shift_id="S-1", at=LATER
    )
    assert back.total == rub("89.20")


def test_a_card_payment_under_one_rouble_goes_back_to_the_card() -> None:
    lines = compose_lines([PricedItem(BREAD, Quantity(1), rub("45.50"))], vat_rates=RATES, on=DAY)
    sold = sale(lines, card("0.50"), cash("45.00"))
    back = compose_return("V-1", sold, {1: Decimal(1)}, shift_id="S-1", at=LATER)
    assert back.payments == (card("0.50"), cash("45.00"))


def test_a_card_refund_the_sale_never_took_is_not_taken_off_the_card_again() -> None:
    # The sale was paid in cash; an earlier return was paid back by card (recorded so by hand).
    sold = golden_receipt()
    by_card = RetailReceipt(
        "V-1", ReceiptKind.RETURN, "SHOP-1", "POS-1", "S-1", LATER,
        compose_return("V-0", sold, {1: Decimal(1)}, shift_id="S-1", at=LATER).lines,
        (card("44.60"),), original_id="R-1",
    )  # fmt: skip
    back = compose_return("V-2", sold, {1: Decimal(1)}, earlier=[by_card], shift_id="S-1", at=LATER)
    assert back.payments == (cash("44.60"),)


def test_a_line_s_discount_step_names_every_rule_behind_it() -> None:
    (line,) = compose_lines(
        [PricedItem(BREAD, Quantity(1), rub("45.50"), rub("4.55"), ("AUTO-1", "CARD-5"))],
        vat_rates=RATES,
        on=DAY,
    )
    assert line.explain().steps[1] == Step("the line's discount", "−4.55 RUB", "AUTO-1, CARD-5")


def test_a_retail_line_s_sum_includes_its_vat() -> None:
    bread, _ = discounted_lines()
    assert bread.vat_included
    assert (bread.with_vat, bread.without_vat) == (rub("88.22"), rub("72.31"))  # 88.22 − 15.91
