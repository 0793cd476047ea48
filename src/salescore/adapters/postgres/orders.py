"""Orders on PostgreSQL: numbered under a lock on the organization's year.

The SQLite order repository finds the next number by reading the year's
highest; SQLite's single writer makes two clerks take turns. On PostgreSQL
both would read the same highest number and the second insert would be
refused. :meth:`PostgresOrderRepository.next_id` first takes a transaction
advisory lock on the organization's year (sent with the read, one round
trip): the second clerk waits until the first commits or rolls back, then
reads the number the first took.
"""

from __future__ import annotations

from salescore.adapters.postgres.connection import defer_lock
from salescore.adapters.sqlite.orders import SqliteOrderRepository
from salescore.orders import OrderId
from salescore.parties import OrganizationId

__all__ = ["NUMBERING_LOCK_KEY", "PostgresOrderRepository"]

NUMBERING_LOCK_KEY = 0x53614E6F
"""The first key of the advisory locks on an organization's year of order numbers (``SaNo``)."""


class PostgresOrderRepository(SqliteOrderRepository):
    """Orders as on SQLite; the next number is read under the organization's year's lock."""

    def next_id(self, organization_id: OrganizationId, year: int) -> OrderId:
        defer_lock(self._uow.connection, NUMBERING_LOCK_KEY, f"{organization_id}\x1f{year}")
        return super().next_id(organization_id, year)
