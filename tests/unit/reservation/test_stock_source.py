"""The stock source for price lists: on hand, free and available on a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salescore.adapters.memory import MemoryStore
from salescore.money import KG, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    LedgerStockSource,
    LineId,
    OrderId,
    ReserveClaim,
    StockMeasure,
    expect_receipt,
    receive,
    reserve_from_stock,
)

AT = datetime(2026, 3, 1, tzinfo=UTC)
CM, BEANS = ProductId("CM-100"), ProductId("BEANS-ARABICA")
MAIN, STORE = WarehouseId("MAIN"), WarehouseId("STORE-1")


def test_each_measure_sums_the_chosen_warehouses_per_product() -> None:
    with MemoryStore().unit_of_work() as uow:
        ledger = uow.stock_ledger
        receive(ledger, CM, MAIN, Quantity(10), document="GR", at=AT)
        receive(ledger, CM, STORE, Quantity(3), document="GR", at=AT)
        receive(ledger, BEANS, MAIN, Quantity("2.5", KG), document="GR", at=AT)
        claim = ReserveClaim(
            OrderId("SO-1"), LineId("1"), CM, MAIN, Quantity(4), date(2026, 3, 9), date(2026, 3, 1)
        )
        reserve_from_stock(ledger, claim, document="SO-1", at=AT)
        expect_receipt(ledger, CM, MAIN, Quantity(6), date(2026, 3, 8), document="PO", at=AT)
        products, both, on = [CM, BEANS], [MAIN, STORE], date(2026, 3, 7)

        def figures(measure: StockMeasure, day: date = on) -> dict[ProductId, Quantity]:
            return dict(LedgerStockSource(ledger, measure).balances(products, both, day))

        assert figures(StockMeasure.ON_HAND) == {CM: Quantity(13), BEANS: Quantity("2.5", KG)}
        assert figures(StockMeasure.FREE) == {CM: Quantity(9), BEANS: Quantity("2.5", KG)}
        assert figures(StockMeasure.AVAILABLE)[CM] == Quantity(9)
        assert figures(StockMeasure.AVAILABLE, date(2026, 3, 8))[CM] == Quantity(15)
        only_store = LedgerStockSource(ledger).balances([CM], [STORE], on)
        assert only_store == {CM: Quantity(3)}
