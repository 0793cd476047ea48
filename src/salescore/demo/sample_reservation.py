"""Sample stock for the demo: receipts at the sample company's warehouses.

>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.parties import ProductId, WarehouseId
>>> with MemoryStore().unit_of_work() as uow:
...     load_sample_stock(uow)
...     uow.stock_ledger.position(ProductId("CM-100"), WarehouseId("MAIN")).free
Quantity('12', 'pcs')
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from salescore.adapters.repositories import Repositories
from salescore.money import KG, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import expect_receipt, receive

__all__ = ["SAMPLE_AT", "load_sample_stock"]

# The sample company lives on a fixed day, so the demo prints the same every run.
SAMPLE_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

_RECEIPTS = (
    ("CM-100", "MAIN", Quantity(12)),
    ("CM-300", "MAIN", Quantity(4)),
    ("GR-10", "STORE-1", Quantity(20)),
    ("BEANS-ARABICA", "MAIN", Quantity("50.000", KG)),
    ("FILTERS", "MAIN", Quantity(500)),
)


def load_sample_stock(uow: Repositories) -> None:
    """Receive the sample goods and expect 10 more coffee makers on 16 March."""
    for product, warehouse, quantity in _RECEIPTS:
        receive(
            uow.stock_ledger,
            ProductId(product),
            WarehouseId(warehouse),
            quantity,
            document="GR-0001",
            at=SAMPLE_AT,
        )
    expect_receipt(
        uow.stock_ledger,
        ProductId("CM-100"),
        WarehouseId("MAIN"),
        Quantity(10),
        date(2026, 3, 16),
        document="PO-0001",
        at=SAMPLE_AT,
    )
