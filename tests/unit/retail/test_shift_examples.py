"""A shift's figures from its receipts: the retail sales report, its reconciliation with the
register, the cash in the drawer and the shift's own states. Figures by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest
from tests.unit.retail._fixtures import BREAD, CHEESE, DAY, golden_receipt, rub

from salescore.errors import CashShiftError
from salescore.money import KG, Money, Quantity
from salescore.retail import (
    CashShift,
    Discrepancy,
    PaymentKind,
    PaymentTotal,
    PricedItem,
    ProductSold,
    ReceiptKind,
    ReceiptStatus,
    RegisterTotals,
    ReportSource,
    RetailPayment,
    RetailReceipt,
    RetailSalesReport,
    ShiftStatus,
    TakingsHandover,
    VatTotal,
    cash_in_drawer,
    compose_lines,
    compose_return,
    sales_report,
)
from salescore.tax import russian_vat_rates

RATES = russian_vat_rates()


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def bread_by_card(receipt_id: str, when: datetime) -> RetailReceipt:
    """One bread, 45.50, paid by card; VAT 45.50 × 22/122 = 8.204… → 8.20."""
    lines = compose_lines([PricedItem(BREAD, Quantity(1), rub("45.50"))], vat_rates=RATES, on=DAY)
    return RetailReceipt(
        receipt_id, ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1", when, lines,
        (RetailPayment(PaymentKind.CARD, rub("45.50")),),
    )  # fmt: skip


def shift_receipts() -> list[RetailReceipt]:
    """Two sales, two returns and two cancelled sales (which count nowhere).

    R-1 (10:15): the golden sale, bread 89.20 (VAT 16.09) and cheese 159.18 (VAT 14.47), paid
    300.00 in cash, 51.62 change: 248.38 cash kept. V-1 (11:00): one bread of R-1 back,
    44.60 in cash (VAT 8.04). R-2 (12:00): one bread, 45.50 by card (VAT 8.20). V-2 (12:30):
    that bread back, 45.50 to the card.
    """
    first = golden_receipt("R-1")
    second = bread_by_card("R-2", at(12))
    return [
        attrs.evolve(golden_receipt("R-0"), at=at(8), status=ReceiptStatus.CANCELLED),
        first,
        compose_return("V-1", first, {1: Decimal(1)}, shift_id="S-1", at=at(11)),
        second,
        compose_return("V-2", second, {1: Decimal(1)}, shift_id="S-1", at=at(12, 30)),
        attrs.evolve(bread_by_card("R-3", at(13)), status=ReceiptStatus.CANCELLED),
    ]


def report(register: RegisterTotals | None = None, *, final: bool = True) -> RetailSalesReport:
    return sales_report(
        "Z-1",
        outlet_id="SHOP-1",
        warehouse_id="STORE-1",
        receipts=shift_receipts(),
        currency="RUB",
        shift_id="S-1",
        final=final,
        register=register,
    )


def test_the_sales_report_adds_sales_and_takes_off_returns_per_product() -> None:
    z = report()
    assert (z.id, z.outlet_id, z.warehouse_id, z.shift_id) == ("Z-1", "SHOP-1", "STORE-1", "S-1")
    assert (z.source, z.final, z.currency) == (ReportSource.SHIFT, True, "RUB")
    # The cancelled receipts at 08:00 and 13:00 are left out of the period too.
    assert (z.start, z.end) == (at(10, 15), at(12, 30))
    assert (z.sales_receipts, z.return_receipts) == (2, 2)
    # Bread: sold 2 + 1, returned 1 + 1, revenue 89.20 + 45.50 − 44.60 − 45.50 = 44.60.
    assert z.products == (
        ProductSold("BREAD", "Bread", "pcs", Decimal(3), Decimal(2), rub("44.60")),
        ProductSold("CHEESE", "Cheese", "kg", Decimal("1.250"), Decimal(0), rub("159.18")),
    )
    assert [p.net_quantity for p in z.products] == [Decimal(1), Decimal("1.250")]


def test_the_sales_report_splits_takings_by_payment_kind_and_vat_by_rate() -> None:
    z = report()
    assert z.payments == (
        PaymentTotal(PaymentKind.CASH, rub("248.38"), rub("44.60")),
        PaymentTotal(PaymentKind.CARD, rub("45.50"), rub("45.50")),
    )
    assert (z.sales, z.returns, z.revenue) == (rub("293.88"), rub("90.10"), rub("203.78"))
    assert z.paid_by(PaymentKind.CASH) == rub("203.78")  # 248.38 − 44.60
    assert z.paid_by(PaymentKind.CARD) == rub("0.00")  # 45.50 − 45.50
    # 10 %: the cheese, 159.18 with 14.47 VAT. 22 %: 89.20 + 45.50 − 44.60 − 45.50 = 44.60
    # with 16.09 + 8.20 − 8.04 − 8.20 = 8.05 VAT.
    assert z.vat == (
        VatTotal("10", rub("159.18"), rub("14.47")),
        VatTotal("22", rub("44.60"), rub("8.05")),
    )
    assert z.vat_total == rub("22.52")


def test_a_report_leaves_out_a_payment_kind_nothing_was_paid_by() -> None:
    z = sales_report(
        "X-1", outlet_id="SHOP-1", warehouse_id="STORE-1", receipts=[golden_receipt()],
        currency="RUB", final=False,
    )  # fmt: skip
    assert z.payments == (PaymentTotal(PaymentKind.CASH, rub("248.38"), rub("0.00")),)
    assert (z.shift_id, z.final, z.register, z.discrepancies) == (None, False, None, ())
    assert not z.is_balanced  # the register was not read


def test_a_report_of_no_receipts_has_no_period_and_no_figures() -> None:
    z = sales_report("Z-0", outlet_id="SHOP-1", warehouse_id="STORE-1", receipts=[], currency="RUB")
    assert (z.start, z.end, z.products, z.payments, z.vat) == (None, None, (), (), ())
    assert (z.sales_receipts, z.return_receipts, z.revenue) == (0, 0, rub("0.00"))


def test_a_register_that_agrees_balances_the_report() -> None:
    agreeing = RegisterTotals(
        Decimal("293.88"), Decimal("90.10"), Decimal("203.78"), Decimal("0.00"), 4
    )
    z = report(agreeing)
    assert z.register == agreeing
    assert z.discrepancies == ()
    assert z.is_balanced


def test_each_figure_the_register_disagrees_on_is_listed() -> None:
    register = RegisterTotals(
        Decimal("293.89"), Decimal("90.00"), Decimal("200.00"), Decimal("3.78"), 5
    )
    z = report(register)
    assert z.discrepancies == (
        Discrepancy("sales", Decimal("293.88"), Decimal("293.89")),
        Discrepancy("returns", Decimal("90.10"), Decimal("90.00")),
        Discrepancy("cash", Decimal("203.78"), Decimal("200.00")),
        Discrepancy("card", Decimal("0.00"), Decimal("3.78")),
        Discrepancy("receipts", Decimal(4), Decimal(5)),
    )
    assert not z.is_balanced
    assert [str(d) for d in z.discrepancies][-1] == "receipts: receipts 4, register 5"


def test_a_register_that_does_not_tell_payments_is_compared_on_the_rest() -> None:
    # The cancelled receipts do not count among the register's receipts either: 4.
    z = report(RegisterTotals(Decimal("293.88"), Decimal("90.10"), None, None, 4))
    assert z.discrepancies == ()
    assert z.is_balanced


def test_a_receipt_in_another_currency_is_refused() -> None:
    lines = compose_lines(
        [PricedItem(CHEESE, Quantity(1, KG), Money("9.90", "EUR"))], vat_rates=RATES, on=DAY
    )
    euro = RetailReceipt(
        "R-9", ReceiptKind.SALE, "SHOP-1", "POS-1", "S-1", at(10), lines,
        (RetailPayment(PaymentKind.CASH, Money("10.00", "EUR")),),
    )  # fmt: skip
    with pytest.raises(CashShiftError, match=r"^receipt 'R-9' is in EUR, the report in RUB$"):
        sales_report(
            "Z-1", outlet_id="SHOP-1", warehouse_id="STORE-1", receipts=[euro], currency="RUB"
        )


def test_the_report_s_records_give_products_then_payments_then_vat() -> None:
    records = report().to_records()
    assert [(r["section"], r["key"]) for r in records] == [
        ("product", "BREAD"),
        ("product", "CHEESE"),
        ("payment", "cash"),
        ("payment", "card"),
        ("vat", "10"),
        ("vat", "22"),
    ]
    assert records[1] == {
        "section": "product",
        "key": "CHEESE",
        "name": "Cheese",
        "sold": Decimal("1.250"),
        "returned": Decimal(0),
        "unit": "kg",
        "amount": Decimal("159.18"),
        "vat": None,
        "currency": "RUB",
    }
    assert records[2] == {
        "section": "payment",
        "key": "cash",
        "name": "cash",
        "sold": None,
        "returned": None,
        "unit": None,
        "amount": Decimal("203.78"),
        "vat": None,
        "currency": "RUB",
    }
    assert records[5] == {
        "section": "vat",
        "key": "22",
        "name": "VAT 22",
        "sold": None,
        "returned": None,
        "unit": None,
        "amount": Decimal("44.60"),
        "vat": Decimal("8.05"),
        "currency": "RUB",
    }


def test_the_report_s_caption_says_its_kind_revenue_and_whether_it_balances() -> None:
    agreeing = RegisterTotals(
        Decimal("293.88"), Decimal("90.10"), Decimal("203.78"), Decimal("0.00"), 4
    )
    assert "retail sales report Z-1 (SHOP-1): revenue 203.78 RUB balanced" in (
        report(agreeing)._repr_html_()
    )
    short = RegisterTotals(Decimal("293.88"), Decimal("90.10"), None, None, 5)
    html = report(short, final=False)._repr_html_()
    assert "X report Z-1 (SHOP-1): revenue 203.78 RUB receipts: receipts 4, register 5" in html
    assert "159.18" in html


def test_the_drawer_holds_the_cash_kept_less_cash_paid_back_and_handed_over() -> None:
    receipts = shift_receipts()
    # 248.38 kept by R-1 (300.00 less 51.62 change) − 44.60 paid back by V-1; the card
    # receipts and the cancelled ones (R-0 took cash) hold no cash.
    assert cash_in_drawer(receipts, [], "RUB") == rub("203.78")
    handovers = [
        TakingsHandover("H-1", "S-1", "SHOP-1", rub("100.00"), at(14)),
        TakingsHandover("H-2", "S-1", "SHOP-1", rub("3.78"), at(15)),
    ]
    assert cash_in_drawer(receipts, handovers, "RUB") == rub("100.00")


def test_a_handover_s_record_names_its_shift_amount_and_cash_desk() -> None:
    handover = TakingsHandover("H-1", "S-1", "SHOP-1", rub("203.78"), at(21), register_document=7)
    assert handover.cash_desk == "main"
    assert handover.to_records() == [
        {
            "id": "H-1",
            "shift_id": "S-1",
            "outlet_id": "SHOP-1",
            "amount": Decimal("203.78"),
            "currency": "RUB",
            "at": at(21),
            "cash_desk": "main",
        }
    ]
    assert "takings hand-over H-1" in handover._repr_html_()


def test_a_shift_closes_once_and_then_refuses_to_sell() -> None:
    shift = CashShift("S-1", "SHOP-1", "POS-1", at(9), "anna", 1, 1)
    assert shift.is_open
    shift.require_open()
    closed = shift.closed(at(21), 12)
    assert (closed.status, closed.closed_at, closed.close_document) == (
        ShiftStatus.CLOSED,
        at(21),
        12,
    )
    assert not closed.is_open
    with pytest.raises(
        CashShiftError,
        match=r"^shift 'S-1' at SHOP-1/POS-1 is closed \(2026-03-02 21:00:00\+00:00\); "
        "open a new shift to sell$",
    ):
        closed.require_open()
    with pytest.raises(CashShiftError, match="open a new shift to sell"):
        closed.closed(at(22), 13)


def test_a_register_s_receipts_we_do_not_have_show_against_zero_figures() -> None:
    # The register made a sale of 45.50 and a return of 1.00 (cash), 2.00 by card, that
    # salescore never recorded: every figure differs from our 0.00.
    register = RegisterTotals(Decimal("45.50"), Decimal("1.00"), Decimal("44.50"), Decimal(2), 2)
    z = sales_report(
        "Z-1", outlet_id="SHOP-1", warehouse_id="STORE-1", receipts=[], currency="RUB",
        register=register,
    )  # fmt: skip
    assert [str(d) for d in z.discrepancies] == [
        "sales: receipts 0.00, register 45.50",
        "returns: receipts 0.00, register 1.00",
        "cash: receipts 0.00, register 44.50",
        "card: receipts 0.00, register 2",
        "receipts: receipts 0, register 2",
    ]


def test_a_report_is_final_unless_told_and_counts_sales_and_returns_apart() -> None:
    first = golden_receipt("R-1")
    receipts = [
        first,
        bread_by_card("R-2", at(12)),
        compose_return("V-1", first, {1: Decimal(1)}, shift_id="S-1", at=at(13)),
    ]
    z = sales_report(
        "Z-2", outlet_id="SHOP-1", warehouse_id="STORE-1", receipts=receipts, currency="RUB"
    )
    assert z.final
    assert (z.sales_receipts, z.return_receipts) == (2, 1)


def test_the_caption_lists_every_difference_with_the_register() -> None:
    register = RegisterTotals(Decimal("300.00"), Decimal("90.10"), None, None, 5)
    html = report(register)._repr_html_()
    assert (
        "revenue 203.78 RUB sales: receipts 293.88, register 300.00; "
        "receipts: receipts 4, register 5" in html
    )
