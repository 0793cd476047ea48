"""Money invariants of retail receipts: the receipt discount and the refunds never lose
or invent a kopeck."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.strategies import context_setters, hostile_contexts, outcome, run_in_context

from salescore.money import KG, Money, Quantity
from salescore.parties import Product, ProductId
from salescore.retail import (
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptStatus,
    RetailPayment,
    RetailReceipt,
    compose_lines,
    compose_return,
    retail_analysis,
    sales_report,
)
from salescore.tax import VatCategory, VatRate, russian_vat_rates

RATES = russian_vat_rates()
DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 10, tzinfo=UTC)
PIECE_ITEM = Product(ProductId("P"), "Piece")
WEIGHT_ITEM = Product(ProductId("W"), "Weighed", unit=KG, vat_category=VatCategory.REDUCED)

prices = st.integers(min_value=1, max_value=500_000).map(lambda k: Money.from_minor(k, "RUB"))
items = st.one_of(
    st.builds(lambda q, p: PricedItem(PIECE_ITEM, Quantity(q), p), st.integers(1, 20), prices),
    st.builds(
        lambda g, p: PricedItem(WEIGHT_ITEM, Quantity(Decimal(g).scaleb(-3), KG), p),
        st.integers(1, 20_000),
        prices,
    ),
)


@given(st.lists(items, min_size=1, max_size=8), st.integers(min_value=0, max_value=100))
@example([PricedItem(PIECE_ITEM, Quantity(2), Money("45.50", "RUB"))], 100)
def test_the_receipt_discount_is_spread_to_the_kopeck(
    found: list[PricedItem], percent: int
) -> None:
    gross = sum(
        (Money.of(i.quantity.value * i.unit_price.amount, "RUB") for i in found),
        Money.zero("RUB"),
    )
    discount = Money.of(gross.amount * percent / 100, "RUB")
    lines = compose_lines(found, receipt_discount=discount, vat_rates=RATES, on=DAY)
    shares = [x.receipt_discount.amount for x in lines]
    assert sum(shares) == discount.amount
    assert sum(x.net.amount for x in lines) == gross.amount - discount.amount
    for line, share in zip(lines, shares, strict=True):
        if gross.amount:
            exact = discount.amount * line.gross.amount / gross.amount
            assert abs(share - exact) < Decimal("0.01")
        rate = VatRate.parse(line.vat_rate)
        assert line.vat == rate.vat_of(line.net, included=True)


@settings(deadline=None)
@given(
    st.lists(items, min_size=1, max_size=4),
    st.integers(min_value=0, max_value=30),
    st.data(),
)
def test_returning_a_sale_in_parts_pays_back_exactly_its_total(
    found: list[PricedItem], percent: int, data: st.DataObject
) -> None:
    gross = sum(
        (Money.of(i.quantity.value * i.unit_price.amount, "RUB") for i in found), Money.zero("RUB")
    )
    discount = Money.of(gross.amount * percent / 100, "RUB")
    lines = compose_lines(found, receipt_discount=discount, vat_rates=RATES, on=DAY)
    total = sum((x.net for x in lines), Money.zero("RUB"))
    sale = RetailReceipt(
        "S", ReceiptKind.SALE, "O", "W", "SH", AT, lines,
        (RetailPayment(PaymentKind.CASH, total + Money("0.01", "RUB")),),
        status=ReceiptStatus.FISCAL,
    )  # fmt: skip
    returns: list[RetailReceipt] = []
    for line in lines:
        step = Decimal(1).scaleb(-line.quantity.unit.scale)
        units = int(line.quantity.value / step)
        cuts = sorted(data.draw(st.sets(st.integers(1, units), max_size=3)) - {units})
        for low, high in zip([0, *cuts], [*cuts, units], strict=True):
            part = (high - low) * step
            returns.append(
                compose_return(
                    f"V{len(returns)}",
                    sale,
                    {line.line_no: part},
                    earlier=returns,
                    shift_id="SH",
                    at=AT,
                )
            )
    refunded = sum((r.total for r in returns), Money.zero("RUB"))
    assert refunded <= sale.total
    # A refund is clipped to its part's sum only where rounding would pay more
    # than the part is worth; then at most a kopeck per return stays unpaid.
    assert sale.total - refunded <= Money.from_minor(len(returns), "RUB")
    for line in lines:
        back = sum(
            (x.net for r in returns for x in r.lines if x.line_no == line.line_no),
            Money.zero("RUB"),
        )
        assert back <= line.net


@given(
    st.lists(items, min_size=1, max_size=5),
    st.integers(min_value=0, max_value=50),
    hostile_contexts(),
    context_setters,
)
def test_a_receipt_and_its_report_do_not_depend_on_the_caller_s_decimal_context(
    found: list[PricedItem], percent: int, context: decimal.Context, setter: str
) -> None:
    def compose() -> tuple[object, ...]:
        lines = compose_lines(found, vat_rates=RATES, on=DAY)
        base = sum((x.net for x in lines), Money.zero("RUB"))
        with decimal.localcontext(decimal.Context(prec=28)):
            discount = Money.of(base.amount * percent / 100, "RUB")
        lines = compose_lines(found, receipt_discount=discount, vat_rates=RATES, on=DAY)
        total = sum((x.net for x in lines), Money.zero("RUB"))
        sale = RetailReceipt(
            "S", ReceiptKind.SALE, "O", "W", "SH", AT, lines,
            (RetailPayment(PaymentKind.CASH, total + Money("1.00", "RUB")),),
        )  # fmt: skip
        report = sales_report("Z", outlet_id="O", warehouse_id="W", receipts=[sale], currency="RUB")
        analysis = retail_analysis([sale], "product")
        return lines, report, analysis

    assert run_in_context(context, setter, lambda: outcome(compose)) == outcome(compose)
