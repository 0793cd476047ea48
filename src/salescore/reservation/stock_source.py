"""Stock figures for price lists: on hand, free, or available on a date.

A price list [прайс-лист] can show stock beside prices. :class:`LedgerStockSource`
reads the reservation ledger and answers ``balances(products, warehouse_ids,
on)`` with one quantity per product, summed over the warehouses; it fits the
pricing context's ``StockSource`` protocol.

>>> from datetime import date, datetime, timezone
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.money import Quantity
>>> from salescore.parties import ProductId, WarehouseId
>>> from salescore.reservation.operations import expect_receipt, receive
>>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
>>> cm, main, store_1 = ProductId("CM-100"), WarehouseId("MAIN"), WarehouseId("STORE-1")
>>> with MemoryStore().unit_of_work() as uow:
...     _ = receive(uow.stock_ledger, cm, main, Quantity(4), document="GR", at=at)
...     _ = receive(uow.stock_ledger, cm, store_1, Quantity(1), document="GR", at=at)
...     _ = expect_receipt(uow.stock_ledger, cm, main, Quantity(10), date(2026, 3, 5),
...                        document="PO", at=at)
...     source = LedgerStockSource(uow.stock_ledger)
...     source.balances([cm, ProductId("NEW")], [main, store_1], date(2026, 3, 5))
{'CM-100': Quantity('15', 'pcs')}
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.model import StockPosition, zero
from salescore.reservation.ports import StockLedger

__all__ = ["LedgerStockSource", "StockMeasure"]


class StockMeasure(enum.Enum):
    """Which stock figure a price list shows."""

    ON_HAND = "on_hand"
    """Physically at the warehouses, reserved or not."""
    FREE = "free"
    """On hand and not reserved."""
    AVAILABLE = "available"
    """Free plus receipts expected on or before the date [доступно]."""


@attrs.frozen
class LedgerStockSource:
    """Stock per product from the reservation ledger, for price lists.

    Attributes:
        ledger: the stock ledger of an open unit of work.
        measure: the figure to give (availability on the date by default).
    """

    ledger: StockLedger
    measure: StockMeasure = StockMeasure.AVAILABLE

    def _figure(self, position: StockPosition, on: date) -> Quantity:
        if self.measure is StockMeasure.ON_HAND:
            return position.on_hand
        if self.measure is StockMeasure.FREE:
            return position.free
        return position.available_on(on)

    def balances(
        self, products: Iterable[ProductId], warehouse_ids: Iterable[WarehouseId], on: date
    ) -> Mapping[ProductId, Quantity]:
        """One quantity per product, summed over ``warehouse_ids``.

        On hand and free stock are today's figures (the ledger keeps current
        balances); ``on`` decides which expected receipts count as available.
        Products the ledger has never seen are absent from the answer.
        """
        warehouses = tuple(warehouse_ids)
        result: dict[ProductId, Quantity] = {}
        for product_id in products:
            unit = self.ledger.unit_of(product_id)
            if unit is None:
                continue
            total = zero(unit)
            for warehouse_id in warehouses:
                total += self._figure(self.ledger.position(product_id, warehouse_id), on)
            result[product_id] = total
        return result
