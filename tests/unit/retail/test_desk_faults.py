"""The golden shift under injected device faults: exactly one fiscal receipt per sale,
and a report that still balances with the register's fiscal storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from salescore.adapters.sqlite import SqliteStore
from salescore.app.retail import CashierDesk, Scan
from salescore.demo.sample_retail import SHOP, SHOP_STORE, load_sample_shop
from salescore.errors import CashShiftError, DeviceError
from salescore.hardware.shtrih.simulator import ShtrihFault
from salescore.money import Money
from salescore.parties import ProductId
from salescore.retail import ReceiptStatus, RetailSalesReport
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


def desk_of(
    store: SqliteStore, rig: Rig, clock: FixedClock, *, restarted: bool = False
) -> CashierDesk:
    driver = rig.new_driver() if restarted else rig.driver
    return CashierDesk(store, SHOP.id, "POS-1", driver, clock=clock)


def sell_golden(desk: CashierDesk) -> str:
    sale = desk.sell(
        [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
        rub("300.00"),
        receipt_discount=rub("5.00"),
        receipt_id="R-1",
    )
    assert sale.total == rub("248.38")
    return sale.id


def assert_golden_report(report: RetailSalesReport, store: SqliteStore) -> None:
    assert report.is_balanced, report.discrepancies
    assert report.revenue == rub("203.78")
    with store.unit_of_work(read_only=True) as uow:
        bread = uow.stock_ledger.position(ProductId("BREAD"), SHOP_STORE).free.value
    assert bread == Decimal(99)


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (ShtrihFault.DROPPED_ACK, 0x85),
        (ShtrihFault.GARBLED_ACK, 0x80),
        (ShtrihFault.CORRUPTED_CHECKSUM, 0x85),
        (ShtrihFault.LOST_FRAME, 0x80),
        (ShtrihFault.POWER_LOSS_AFTER_CLOSE, None),
    ],
    ids=lambda v: v.value if isinstance(v, ShtrihFault) else hex(v) if v else "any",
)
def test_the_golden_shift_survives_a_device_fault(
    store: SqliteStore, fault: ShtrihFault, code: int | None
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as rig:
        desk = desk_of(store, rig, clock)
        desk.open_shift()
        rig.simulator.inject(fault, on=code)
        sale_id = sell_golden(desk)
        assert rig.simulator.armed == {}  # the fault did fire
        clock.advance(timedelta(minutes=5))
        desk.return_goods(sale_id, {1: 1})
        report = desk.close_shift()
        assert rig.receipts == 2
        assert_golden_report(report, store)


def test_a_register_lost_after_close_leaves_the_sale_pending_until_it_is_settled(
    store: SqliteStore,
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as rig:
        desk = desk_of(store, rig, clock)
        desk.open_shift()
        rig.simulator.inject(ShtrihFault.NO_REPLY, on=0x85)
        with pytest.raises(DeviceError) as caught:
            sell_golden(desk)
        assert caught.value.details["outcome"].value == "unknown"
        assert [r.id for r in desk.pending()] == ["R-1"]
        with pytest.raises(CashShiftError, match="settle_pending"):
            desk.close_shift()
        # The register comes back; the POS restarts and settles the pending receipt.
        rig.simulator.silent = False
        desk = desk_of(store, rig, clock, restarted=True)
        settled = desk.settle_pending()
        assert [(r.id, r.status) for r in settled] == [("R-1", ReceiptStatus.FISCAL)]
        assert rig.receipts == 1
        desk.return_goods("R-1", {1: 1})
        report = desk.close_shift()
        assert rig.receipts == 2
        assert_golden_report(report, store)


def test_a_receipt_left_open_on_the_register_is_printed_once_when_settled(
    store: SqliteStore,
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as rig:
        desk = desk_of(store, rig, clock)
        desk.open_shift()
        rig.simulator.inject(ShtrihFault.NO_REPLY, on=0x80)
        with pytest.raises(DeviceError):
            sell_golden(desk)
        rig.simulator.silent = False
        desk = desk_of(store, rig, clock, restarted=True)
        settled = desk.settle_pending()
        with store.unit_of_work(read_only=True) as uow:
            status = uow.retail_receipts.get("R-1").status
        if settled:  # the driver finished the same receipt
            assert status is ReceiptStatus.FISCAL
            assert rig.receipts == 1
        else:  # the register cancelled it: the goods are back in stock
            assert status is ReceiptStatus.CANCELLED
            assert rig.receipts == 0
        report = desk.close_shift()
        assert report.is_balanced, report.discrepancies


def test_a_sale_refused_for_paper_is_cancelled_and_rung_again_once(store: SqliteStore) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as rig:
        desk = desk_of(store, rig, clock)
        desk.open_shift()
        rig.simulator.inject(ShtrihFault.PAPER_OUT)
        with pytest.raises(DeviceError) as caught:
            sell_golden(desk)
        assert caught.value.details["outcome"].value == "cancelled"
        with store.unit_of_work(read_only=True) as uow:
            assert uow.retail_receipts.get("R-1").status is ReceiptStatus.CANCELLED
            bread = uow.stock_ledger.position(ProductId("BREAD"), SHOP_STORE).free.value
        assert bread == Decimal(100)  # the goods are back
        rig.simulator.device.load_paper()
        sale = desk.sell(
            [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
            rub("300.00"),
            receipt_discount=rub("5.00"),
        )
        desk.return_goods(sale.id, {1: 1})
        report = desk.close_shift()
        assert rig.receipts == 2
        assert_golden_report(report, store)
