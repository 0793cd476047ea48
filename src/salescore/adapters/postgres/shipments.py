"""Shipments and returns on PostgreSQL: what an order or a shipment has left, read under a lock.

Posting a shipment reads the order's shipments to know what each line has
left to ship; posting a return reads the shipment's returns to know what can
still come back. SQLite's single writer makes two clerks take turns. On
PostgreSQL both would read the same figures and both post: the goods would
leave twice (and the client owe twice), or come back twice (and be refunded
twice). In a writing unit of work, an order's shipments are read under a
transaction advisory lock on the order, and a shipment's returns under one on
the shipment (:data:`EXECUTION_LOCK_KEY`, sent with the read): the second clerk
waits, then reads what the first committed and is refused if nothing is left.
"""

from __future__ import annotations

from salescore.adapters.postgres.connection import defer_lock
from salescore.adapters.sqlite.shipments import SqliteReturnRepository, SqliteShipmentRepository
from salescore.orders import OrderId
from salescore.shipments import CustomerReturn, Shipment, ShipmentId

__all__ = ["EXECUTION_LOCK_KEY", "PostgresReturnRepository", "PostgresShipmentRepository"]

EXECUTION_LOCK_KEY = 0x53614578
"""The first key of the advisory locks on what an order or a shipment has left (``SaEx``)."""


class PostgresShipmentRepository(SqliteShipmentRepository):
    """Shipments as on SQLite; an order's are read under the order's lock when writing."""

    def of_order(self, order_id: OrderId) -> list[Shipment]:
        if not self._uow.read_only:
            defer_lock(self._uow.connection, EXECUTION_LOCK_KEY, f"order\x1f{order_id}")
        return super().of_order(order_id)


class PostgresReturnRepository(SqliteReturnRepository):
    """Returns as on SQLite; a shipment's are read under the shipment's lock when writing."""

    def of_shipment(self, shipment_id: ShipmentId) -> list[CustomerReturn]:
        if shipment_id and not self._uow.read_only:
            defer_lock(self._uow.connection, EXECUTION_LOCK_KEY, f"shipment\x1f{shipment_id}")
        return super().of_shipment(shipment_id)
