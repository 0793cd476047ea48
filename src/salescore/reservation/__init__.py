"""Stock, reservation and reserve reassignment (D2, D7).

Goods of a product at a warehouse are free, reserved for an order line, or
expected on a date; every change is an entry of an append-only ledger, and a
reserve above free stock is refused inside the storage transaction.
"""

from salescore.reservation.availability import LineSupply, assess_line
from salescore.reservation.ledger import derive_balances
from salescore.reservation.model import (
    Bucket,
    BucketKind,
    Holding,
    LedgerEntry,
    LineId,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    StockPosition,
    SupplyOption,
)
from salescore.reservation.operations import (
    MoveReport,
    expect_receipt,
    receive,
    release_all,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
    ship,
)
from salescore.reservation.policy import DonorPolicy, LatestShipmentFirst
from salescore.reservation.ports import OneStepReserve, StockLedger
from salescore.reservation.stock_source import LedgerStockSource, StockMeasure

__all__ = [
    "Bucket",
    "BucketKind",
    "DonorPolicy",
    "Holding",
    "LatestShipmentFirst",
    "LedgerEntry",
    "LedgerStockSource",
    "LineId",
    "LineSupply",
    "Move",
    "MoveReport",
    "OneStepReserve",
    "Operation",
    "OrderId",
    "ReserveClaim",
    "StockLedger",
    "StockMeasure",
    "StockPosition",
    "SupplyOption",
    "assess_line",
    "derive_balances",
    "expect_receipt",
    "receive",
    "release_all",
    "release_excess",
    "reserve_from_orders",
    "reserve_from_stock",
    "ship",
]
