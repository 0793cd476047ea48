"""Quotes and orders in SQLite: one row per document, JSON data, optimistic versions.

The version is a column, so a stale update is refused by the ``UPDATE ... WHERE
version = ?`` itself, inside the unit of work's transaction.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from salescore.adapters.codec import dumps, dumps_with, loads
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.orders import FrozenPrices, Order, OrderId, Quote, QuoteId
from salescore.orders.ports import (
    ORDER_NUMBER_DIGITS,
    is_numbered_order_id,
    next_order_id,
    order_number_prefix,
    stale_version,
)
from salescore.parties import OrganizationId, PartnerId

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = ["SqliteOrderRepository", "SqliteQuoteRepository", "create_order_tables"]

D = TypeVar("D", Quote, Order)


def create_order_tables(conn: sqlite3.Connection) -> None:
    """Migration 1 of the ``orders`` component."""
    conn.execute(
        "CREATE TABLE quotes (id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, "
        "previous_id TEXT, version INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX quotes_by_partner ON quotes (partner_id)")
    conn.execute(
        "CREATE TABLE orders (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, "
        "year INTEGER NOT NULL, partner_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "data TEXT NOT NULL) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX orders_by_organization_year ON orders (organization_id, year)")
    conn.execute("CREATE INDEX orders_by_partner ON orders (partner_id)")


class _Versioned(Generic[D]):
    _table: str
    _kind: str
    _type: type[D]

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow
        # What this unit of work wrote, by id: (version, document). A read of the
        # same version gives the same frozen value back without decoding its JSON.
        self._written: dict[str, tuple[int, D]] = {}
        # The JSON text of the frozen prices written last: an update that keeps
        # them (a transition) writes the same text without encoding it again.
        self._prices: tuple[FrozenPrices, str] | None = None

    def _dumps(self, document: D) -> str:
        prices = document.prices
        if prices is None:
            return dumps(document)
        kept = self._prices
        if kept is not None and kept[0] is prices:
            text = kept[1]
        else:
            text = dumps(prices)
            self._prices = (prices, text)
        return dumps_with(attrs.evolve(document, prices=None), {"prices": text})

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors(self._table):
            return self._uow.connection.execute(sql, params)

    def _columns(self, document: D) -> dict[str, Any]:
        raise NotImplementedError

    def add(self, document: D) -> D:
        stored = attrs.evolve(document, version=1)
        columns = {
            "id": document.id,
            **self._columns(stored),
            "version": 1,
            "data": self._dumps(stored),
        }
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        try:
            self._execute(
                f"INSERT INTO {self._table} ({names}) VALUES ({marks})", tuple(columns.values())
            )
        except (StorageError, ConflictError) as exc:  # ConflictError: another driver's
            if isinstance(exc, ConflictError) or isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise ConflictError(
                    f"{self._kind} {document.id!r} exists already; give another number",
                    id=document.id,
                ) from None
            raise
        self._written[stored.id] = (1, stored)
        return stored

    def update(self, document: D) -> D:
        stored = attrs.evolve(document, version=document.version + 1)
        fields: dict[str, Any] = self._columns(stored)
        sets = ", ".join(f"{name} = ?" for name in fields)
        cursor = self._execute(
            f"UPDATE {self._table} SET {sets}, version = ?, data = ? WHERE id = ? AND version = ?",
            (*fields.values(), stored.version, self._dumps(stored), document.id, document.version),
        )
        if cursor.rowcount == 0:
            row = self._execute(
                f"SELECT version FROM {self._table} WHERE id = ?", (document.id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no {self._kind} {document.id!r} to update", id=document.id)
            raise stale_version(self._kind, document.id, document.version, int(row[0]))
        self._written[stored.id] = (stored.version, stored)
        return stored

    def find(self, key: str) -> D | None:
        row = self._execute(
            f"SELECT version, data FROM {self._table} WHERE id = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        written = self._written.get(key)
        if written is not None and written[0] == row[0]:
            return written[1]
        return loads(row[1], self._type)

    def get(self, key: str) -> D:
        found = self.find(key)
        if found is None:
            raise NotFoundError(f"no {self._kind} {key!r}", id=key)
        return found


class SqliteQuoteRepository(_Versioned[Quote]):
    """:class:`~salescore.orders.ports.QuoteRepository` in SQLite."""

    _table = "quotes"
    _kind = "quote"
    _type = Quote

    def _columns(self, document: Quote) -> dict[str, Any]:
        return {"partner_id": document.header.partner_id, "previous_id": document.previous_id}

    def versions(self, quote_id: QuoteId) -> list[Quote]:
        chain = [self.get(quote_id)]
        while chain[-1].previous_id is not None:
            chain.append(self.get(chain[-1].previous_id))
        return chain[::-1]


_FIRST_ROWS = 16
"""How many of a year's highest order ids next_id reads before it reads them all."""


class SqliteOrderRepository(_Versioned[Order]):
    """:class:`~salescore.orders.ports.OrderRepository` in SQLite."""

    _table = "orders"
    _kind = "order"
    _type = Order

    def _columns(self, document: Order) -> dict[str, Any]:
        return {
            "organization_id": document.header.organization_id,
            "year": document.on.year,
            "partner_id": document.header.partner_id,
        }

    def next_id(self, organization_id: OrganizationId, year: int) -> OrderId:
        prefix = order_number_prefix(organization_id, year)
        # Down the primary key from the highest possible number: the first numbered id
        # met is the highest. Ids given by hand in between are passed over; should the
        # first rows hold no numbered one, the rest of the year is read.
        sql = "SELECT id FROM orders WHERE id >= ? AND id <= ? ORDER BY id DESC"
        bounds = (prefix, prefix + "9" * ORDER_NUMBER_DIGITS)
        rows = self._execute(f"{sql} LIMIT {_FIRST_ROWS}", bounds).fetchall()
        if len(rows) == _FIRST_ROWS and not any(is_numbered_order_id(r[0], prefix) for r in rows):
            rows = self._execute(sql, bounds).fetchall()
        highest = next((r[0] for r in rows if is_numbered_order_id(r[0], prefix)), None)
        return next_order_id(organization_id, year, highest)

    def of_partner(self, partner_id: PartnerId) -> list[Order]:
        rows = self._execute(
            "SELECT data FROM orders WHERE partner_id = ? ORDER BY id", (partner_id,)
        ).fetchall()
        return [loads(row[0], Order) for row in rows]
