"""Shipments, returns and posted documents on PostgreSQL: what an order or a shipment
has left, read under a lock.

Posting a shipment reads the order's shipments to know what each line has
left to ship; a goods issue reads the order's earlier issues; a return reads
the shipment's returns to know what can still come back; a correction reads
the shipment's earlier corrections to start from its current figures.
SQLite's single writer makes two clerks take turns. On PostgreSQL both would
read the same figures and both post: the goods would leave twice (and the
client owe twice), come back twice (refunded twice), or a price or quantity
be corrected twice. In a writing unit of work, the documents of an order are
read under a transaction advisory lock on the order, and those of a shipment
under one on the shipment (:data:`EXECUTION_LOCK_KEY`, sent with the read;
taken again by the same transaction, a lock is simply held): the second clerk
waits, then reads what the first committed and is refused if nothing is left.
"""

from __future__ import annotations

from typing import TypeVar

from salescore.adapters.postgres.connection import defer_lock
from salescore.adapters.sqlite.shipments import (
    SqlitePostedDocuments,
    SqliteReturnRepository,
    SqliteShipmentRepository,
)
from salescore.adapters.sqlite.store import SqliteUnitOfWork
from salescore.orders import OrderId
from salescore.shipments import CustomerReturn, Shipment, ShipmentId
from salescore.shipments.ports import PostedDocument

__all__ = [
    "EXECUTION_LOCK_KEY",
    "PostgresPostedDocuments",
    "PostgresReturnRepository",
    "PostgresShipmentRepository",
]

D = TypeVar("D", bound=PostedDocument)

EXECUTION_LOCK_KEY = 0x53614578
"""The first key of the advisory locks on what an order or a shipment has left (``SaEx``)."""


def _lock(uow: SqliteUnitOfWork, kind: str, key: str) -> None:
    """Lock an order's (``kind`` "order") or a shipment's documents when writing."""
    if key and not uow.read_only:
        defer_lock(uow.connection, EXECUTION_LOCK_KEY, f"{kind}\x1f{key}")


class PostgresShipmentRepository(SqliteShipmentRepository):
    """Shipments as on SQLite; an order's are read under the order's lock when writing."""

    def of_order(self, order_id: OrderId) -> list[Shipment]:
        _lock(self._uow, "order", order_id)
        return super().of_order(order_id)


class PostgresReturnRepository(SqliteReturnRepository):
    """Returns as on SQLite; a shipment's are read under the shipment's lock when writing."""

    def of_shipment(self, shipment_id: ShipmentId) -> list[CustomerReturn]:
        _lock(self._uow, "shipment", shipment_id)
        return super().of_shipment(shipment_id)


class PostgresPostedDocuments(SqlitePostedDocuments[D]):
    """Corrections, goods issues and the other posted documents as on SQLite; an order's
    or a shipment's are read under its lock when writing."""

    def of_order(self, order_id: str) -> list[D]:
        _lock(self._uow, "order", order_id)
        return super().of_order(order_id)

    def of_shipment(self, shipment_id: str) -> list[D]:
        _lock(self._uow, "shipment", shipment_id)
        return super().of_shipment(shipment_id)
