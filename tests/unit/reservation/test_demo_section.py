"""The demo's reservation section tells the reassignment story on the stored data."""

from __future__ import annotations

from salescore.adapters.sqlite import SqliteStore
from salescore.demo.report import run_demo
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId


def test_the_demo_reserves_for_an_order_and_gives_part_to_the_urgent_one() -> None:
    store = SqliteStore(":memory:")
    report = run_demo(store)
    assert "3 CM-100@MAIN: reserve SO-1/1 -> reserve SO-2/1" in report
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(ProductId("CM-100"), WarehouseId("MAIN"))
    store.close()
    assert position.reserved_for(OrderId("SO-1"), LineId("1")) == Quantity(7)
    assert position.reserved_for(OrderId("SO-2"), LineId("1")) == Quantity(5)
    assert position.free == Quantity(0)
