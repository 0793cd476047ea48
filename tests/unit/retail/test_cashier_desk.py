"""A whole shift at the cashier's desk on the Shtrih-M simulator: the golden scenario
of the retail issue, figures computed by hand in the comments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from salescore.adapters.sqlite import SqliteStore
from salescore.app.retail import CashierDesk, Scan
from salescore.demo.sample_retail import SHOP, SHOP_STORE, load_sample_shop
from salescore.errors import CashShiftError, InvalidAmountError, RetailError
from salescore.money import KG, Money, Quantity
from salescore.parties import ProductId
from salescore.retail import PaymentKind, ReceiptStatus, RetailPayment, ShiftStatus
from salescore.testing import FixedClock
from salescore.testing.devices import Rig, shtrih_rig

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "shop.sqlite")
    with store.unit_of_work() as uow:
        load_sample_shop(uow)
        uow.commit()
    yield store
    store.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    with shtrih_rig() as rig:
        yield rig


def desk_of(store: SqliteStore, rig: Rig, clock: FixedClock) -> CashierDesk:
    return CashierDesk(store, SHOP.id, "POS-1", rig.driver, clock=clock, cashier="anna")


def stock(store: SqliteStore, product: str, unit: object = None) -> Decimal:
    with store.unit_of_work(read_only=True) as uow:
        return uow.stock_ledger.position(ProductId(product), SHOP_STORE).free.value


def test_the_golden_shift_agrees_with_the_register_s_z_report(store: SqliteStore, rig: Rig) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    desk = desk_of(store, rig, clock)
    shift = desk.open_shift()
    assert shift.register_shift == 1

    clock.advance(timedelta(minutes=75))
    sale = desk.sell(
        [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
        rub("300.00"),
        receipt_discount=rub("5.00"),
    )
    # 2 × 45.50 = 91.00; 1.250 × 129.90 = 162.375 → 162.38; 5.00 split 91.00 : 162.38
    # floors to 1.79 + 3.20, the kopeck left to the larger remainder (0.57 vs 0.43): 1.80.
    assert [x.receipt_discount.amount for x in sale.lines] == [Decimal("1.80"), Decimal("3.20")]
    assert sale.total == rub("248.38")
    assert sale.change == rub("51.62")
    # VAT: 89.20 × 22/122 = 16.09 (bread, general 22 % in 2026); 159.18 × 10/110 = 14.47.
    assert [(x.vat_rate, x.vat.amount) for x in sale.lines] == [
        ("22", Decimal("16.09")),
        ("10", Decimal("14.47")),
    ]
    assert sale.status is ReceiptStatus.FISCAL
    assert sale.fiscal_document is not None

    clock.advance(timedelta(minutes=20))
    back = desk.return_goods(sale.id, {1: 1})
    # one of two breads: the line paid 89.20 for 2, so one is paid back 44.60 in cash.
    assert back.total == rub("44.60")
    assert back.payments == (RetailPayment(PaymentKind.CASH, rub("44.60")),)
    assert back.lines[0].vat.amount == Decimal("8.04")  # 44.60 × 22/122 = 8.0426

    x = desk.x_report()
    assert not x.final
    assert x.revenue == rub("203.78")
    assert x.is_balanced, x.discrepancies

    clock.advance(timedelta(hours=8))
    report = desk.close_shift()
    assert desk.shift is not None
    assert desk.shift.status is ShiftStatus.CLOSED
    # The register's fiscal storage: one sale of 248.38, one return of 44.60.
    assert report.register is not None
    assert report.register.sales == Decimal("248.38")
    assert report.register.returns == Decimal("44.60")
    assert report.register.receipts == 2
    assert report.discrepancies == ()
    assert report.is_balanced
    assert report.sales == rub("248.38")
    assert report.returns == rub("44.60")
    assert report.revenue == rub("203.78")
    assert report.paid_by(PaymentKind.CASH) == rub("203.78")
    sold = {p.product_id: p for p in report.products}
    assert (sold["BREAD"].sold, sold["BREAD"].returned, sold["BREAD"].revenue) == (
        Decimal(2),
        Decimal(1),
        rub("44.60"),  # 89.20 − 44.60
    )
    assert (sold["CHEESE"].net_quantity, sold["CHEESE"].revenue) == (
        Decimal("1.250"),
        rub("159.18"),
    )
    vat = {v.rate: v for v in report.vat}
    assert (vat["22"].amount, vat["22"].vat) == (rub("44.60"), rub("8.05"))  # 16.09 − 8.04
    assert (vat["10"].amount, vat["10"].vat) == (rub("159.18"), rub("14.47"))
    # The stock at the store: 100 bread − 2 + 1; 20 kg cheese − 1.250.
    assert stock(store, "BREAD") == Decimal(99)
    assert stock(store, "CHEESE") == Decimal("18.750")

    handover = desk.hand_over_takings()
    assert handover.amount == rub("203.78")
    with pytest.raises(CashShiftError, match=r"drawer holds 0\.00 RUB"):
        desk.hand_over_takings(rub("0.01"))
    assert rig.receipts == 2


def test_a_sale_without_an_open_shift_is_refused_and_nothing_is_printed(
    store: SqliteStore, rig: Rig
) -> None:
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    with pytest.raises(CashShiftError, match="no cash shift is open"):
        desk.sell(["BREAD"], rub("100.00"))
    assert rig.receipts == 0


def test_payments_short_of_the_total_are_refused_before_anything_is_recorded(
    store: SqliteStore, rig: Rig
) -> None:
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    with pytest.raises(RetailError, match=r"take 0\.50 RUB more"):
        desk.sell(["BREAD"], rub("45.00"))
    assert desk.pending() == []
    assert stock(store, "BREAD") == Decimal(100)
    assert rig.receipts == 0


def test_a_mixed_payment_and_a_weight_barcode(store: SqliteStore, rig: Rig) -> None:
    from salescore.hardware.codes.weight import EmbeddedLayout

    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    desk = CashierDesk(
        store,
        SHOP.id,
        "POS-1",
        rig.driver,
        clock=clock,
        weight_layout=EmbeddedLayout.parse("21IIIIIWWWWWC"),
    )
    desk.open_shift()
    # 2100123012503: PLU 00123 (cheese) at 1.250 kg = 162.38; milk 89.90; total 252.28.
    sale = desk.sell(
        ["2100123012503", "4600000000022"],
        [
            RetailPayment(PaymentKind.CARD, rub("200.00")),
            RetailPayment(PaymentKind.CASH, rub("100.00")),
        ],
    )
    assert sale.lines[0].quantity == Quantity("1.250", KG)
    assert sale.total == rub("252.28")
    assert sale.paid_by(PaymentKind.CASH) == rub("52.28")
    assert sale.change == rub("47.72")
    report = desk.close_shift()
    assert report.register is not None
    assert (report.register.cash, report.register.card) == (Decimal("52.28"), Decimal("200.00"))
    assert report.is_balanced


def test_a_marking_code_finds_its_product_and_is_kept_on_the_line(
    store: SqliteStore, rig: Rig
) -> None:
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    code = "0104600000000046215Sn1pQ\x1d93AbCd"  # GTIN of the juice, serial, crypto tail
    sale = desk.sell([Scan(code)], rub("200.00"))
    assert (sale.lines[0].product_id, sale.lines[0].marking_code) == ("JUICE", code)
    assert sale.total == rub("119.00")


def test_takings_handed_over_during_the_shift_leave_the_z_report_balanced(
    store: SqliteStore, rig: Rig
) -> None:
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    desk.sell(["TEA", "TEA"], rub("1000.00"))  # 498.00, change 502.00
    first = desk.hand_over_takings(rub("400.00"), cash_desk="safe")
    assert first.register_document is not None  # the register's cash withdrawal
    with pytest.raises(CashShiftError, match=r"drawer holds 98\.00 RUB"):
        desk.hand_over_takings(rub("100.00"))
    report = desk.close_shift()
    assert report.is_balanced, report.discrepancies
    assert desk.hand_over_takings().amount == rub("98.00")


def test_a_restarted_desk_goes_on_numbering_after_a_refused_and_a_named_receipt(
    store: SqliteStore, rig: Rig
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    desk = desk_of(store, rig, clock)
    shift = desk.open_shift()
    first = desk.sell(["BREAD"], rub("50.00"))
    with pytest.raises(RetailError):
        desk.sell(["BREAD"], rub("1.00"))  # refused: takes no number
    desk.sell(["BREAD"], rub("50.00"), receipt_id=f"{shift.id}/R5")
    again = desk_of(store, rig, clock)  # the POS restarts
    third = again.sell(["BREAD"], rub("50.00"))
    assert first.id.endswith("/R1")
    assert third.id.endswith("/R6")
    assert rig.receipts == 3


def test_a_second_desk_of_the_workplace_cannot_open_a_second_shift(
    store: SqliteStore, rig: Rig
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    before = desk_of(store, rig, clock)  # started before the shift was opened
    shift = desk_of(store, rig, clock).open_shift()
    with pytest.raises(CashShiftError, match="already open"):
        before.open_shift()
    assert desk_of(store, rig, clock).shift == shift  # a restarted desk takes it up


def test_a_price_barcode_is_refused_rather_than_sold_as_one_unit(
    store: SqliteStore, rig: Rig
) -> None:
    from salescore.hardware.codes.weight import EmbeddedLayout, encode_embedded

    layout = EmbeddedLayout.parse("21IIIIIPPPPPC")
    desk = CashierDesk(
        store, SHOP.id, "POS-1", rig.driver,
        clock=FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)), weight_layout=layout,
    )  # fmt: skip
    desk.open_shift()
    with pytest.raises(RetailError, match="carries a price, not a weight"):
        desk.sell([encode_embedded("00123", Decimal("162.38"), layout)], rub("200.00"))
    assert rig.receipts == 0


def test_a_receipt_the_register_made_outside_the_desk_shows_as_a_difference(
    store: SqliteStore, rig: Rig
) -> None:
    from salescore.testing.devices import sample_receipt

    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    desk.sell(["BREAD"], rub("50.00"))  # 45.50
    rig.driver.process_check(sample_receipt("by-hand"))  # 400.00 cash, not through the desk
    report = desk.close_shift()
    assert not report.is_balanced
    assert {(d.figure, d.ours, d.register) for d in report.discrepancies} == {
        ("sales", Decimal("45.50"), Decimal("445.50")),
        ("cash", Decimal("45.50"), Decimal("445.50")),
        ("receipts", Decimal(1), Decimal(2)),
    }
    assert "sales: receipts 45.50, register 445.50" in report._repr_html_()


def test_a_sale_of_a_closed_shift_is_returned_in_the_next_one_at_its_own_figures(
    store: SqliteStore, rig: Rig
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    desk = desk_of(store, rig, clock)
    desk.open_shift()
    sale = desk.sell(
        [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
        rub("300.00"),
        receipt_discount=rub("5.00"),
    )
    clock.advance(timedelta(hours=8))
    desk.close_shift()

    clock.advance(timedelta(hours=16))  # the buyer comes back the next morning
    desk.open_shift()
    back = desk.return_goods(sale.id, {1: 1})
    # The sale's own figures: the bread line paid 89.20 for 2 (91.00 less 1.80 of the
    # receipt discount), so one is 44.60 back, VAT 44.60 × 22/122 = 8.04.
    assert back.total == rub("44.60")
    assert back.lines[0].vat.amount == Decimal("8.04")
    assert back.shift_id != sale.shift_id
    assert stock(store, "BREAD") == Decimal(99)  # 100 − 2 + 1
    report = desk.close_shift()
    # The second shift holds only the return; the register agrees.
    assert (report.sales, report.returns, report.revenue) == (
        rub("0.00"),
        rub("44.60"),
        rub("-44.60"),
    )
    assert report.register is not None
    assert (report.register.sales, report.register.returns) == (Decimal(0), Decimal("44.60"))
    assert report.is_balanced, report.discrepancies
    # What is left of the line: one bread; a second return of two is refused.
    desk.open_shift()
    with pytest.raises(RetailError, match="left"):
        desk.return_goods(sale.id, {1: 2})


def test_a_sale_of_another_outlet_is_not_returned_here(store: SqliteStore, rig: Rig) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    desk = desk_of(store, rig, clock)
    desk.open_shift()
    sale = desk.sell([Scan("BREAD", Decimal(1))], rub("45.50"))
    with store.unit_of_work() as uow:
        uow.retail_receipts.add(attrs.evolve(sale, id="ELSEWHERE-1", outlet_id="SHOP-2"))
        uow.commit()
    with pytest.raises(RetailError, match=r"made at outlet 'SHOP-2'.*return it where it was sold"):
        desk.return_goods("ELSEWHERE-1", {1: 1})
    assert stock(store, "BREAD") == Decimal(99)


@pytest.mark.parametrize("quantity", [Decimal(-1), Decimal(0), Decimal("-0.001")])
def test_a_quantity_not_above_zero_is_refused_before_anything_is_printed(
    store: SqliteStore, rig: Rig, quantity: Decimal
) -> None:
    # A negative count would print a sale of negative goods; a return is a return receipt.
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    with pytest.raises(RetailError) as caught:
        desk.sell([Scan("BREAD", Decimal(2)), Scan("BREAD", quantity)], rub("200.00"))
    assert str(caught.value) == (
        f"scan 'BREAD': quantity {quantity} is not above zero; key how much is sold "
        "(a return is a return receipt)"
    )
    assert caught.value.details["code"] == "BREAD"
    assert desk.pending() == []
    assert stock(store, "BREAD") == Decimal(100)
    assert rig.receipts == 0


def test_a_quantity_that_is_no_number_is_refused_as_such(store: SqliteStore, rig: Rig) -> None:
    desk = desk_of(store, rig, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    desk.open_shift()
    with pytest.raises(InvalidAmountError, match=r"^scan 'BREAD': quantity must be finite"):
        desk.sell([Scan("BREAD", Decimal("NaN"))], rub("200.00"))
    assert rig.receipts == 0
