"""Quotes and orders in memory, with optimistic versions (undoable within a unit of work)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from salescore.errors import ConflictError, NotFoundError
from salescore.orders import Order, OrderId, Quote, QuoteId
from salescore.orders.ports import (
    is_numbered_order_id,
    next_order_id,
    order_number_prefix,
    stale_version,
)
from salescore.parties import OrganizationId, PartnerId

if TYPE_CHECKING:
    from salescore.adapters.memory.store import MemoryUnitOfWork

__all__ = ["MemoryOrderRepository", "MemoryQuoteRepository"]

D = TypeVar("D", Quote, Order)


class _Versioned(Generic[D]):
    _table: str
    _kind: str

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[str, D]:
        return self._uow.table(self._table)

    def add(self, document: D) -> D:
        rows = self._rows
        if document.id in rows:
            raise ConflictError(
                f"{self._kind} {document.id!r} exists already; give another number",
                id=document.id,
            )
        stored = attrs.evolve(document, version=1)
        self._uow.put(rows, document.id, stored)
        return stored

    def update(self, document: D) -> D:
        rows = self._rows
        current = rows.get(document.id)
        if current is None:
            raise NotFoundError(f"no {self._kind} {document.id!r} to update", id=document.id)
        if current.version != document.version:
            raise stale_version(self._kind, document.id, document.version, current.version)
        stored = attrs.evolve(document, version=document.version + 1)
        self._uow.put(rows, document.id, stored)
        return stored

    def find(self, key: str) -> D | None:
        return self._rows.get(key)

    def get(self, key: str) -> D:
        found = self._rows.get(key)
        if found is None:
            raise NotFoundError(f"no {self._kind} {key!r}", id=key)
        return found


class MemoryQuoteRepository(_Versioned[Quote]):
    """:class:`~salescore.orders.ports.QuoteRepository` in memory."""

    _table = "quotes"
    _kind = "quote"

    def versions(self, quote_id: QuoteId) -> list[Quote]:
        chain = [self.get(quote_id)]
        while chain[-1].previous_id is not None:
            chain.append(self.get(chain[-1].previous_id))
        return chain[::-1]


class MemoryOrderRepository(_Versioned[Order]):
    """:class:`~salescore.orders.ports.OrderRepository` in memory."""

    _table = "orders"
    _kind = "order"

    def next_id(self, organization_id: OrganizationId, year: int) -> OrderId:
        prefix = order_number_prefix(organization_id, year)
        numbered = [key for key in self._rows if is_numbered_order_id(key, prefix)]
        return next_order_id(organization_id, year, max(numbered, default=None))

    def of_partner(self, partner_id: PartnerId) -> list[Order]:
        rows = self._rows
        return [rows[k] for k in sorted(rows) if rows[k].header.partner_id == partner_id]
