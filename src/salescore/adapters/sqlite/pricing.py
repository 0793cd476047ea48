"""The SQLite price register: a real table, "as of" lookups by an index seek.

Amounts are exact decimal text with the currency code and its minor units;
dates are ISO text, which sorts like dates. The primary key
``(price_type, product, characteristic, effective)`` makes "the latest record
not after a date" one B-tree seek (``ORDER BY effective DESC LIMIT 1``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from salescore.adapters.sqlite._sql import in_chunks
from salescore.money import Currency, Money
from salescore.parties import ProductId
from salescore.pricing import PriceRecord, PriceTypeId
from salescore.pricing.register import no_such_record

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = ["SqlitePriceRegister", "create_price_register"]

_COLUMNS = "price_type, product, characteristic, effective, amount, currency, minor_units"


def create_price_register(conn: sqlite3.Connection) -> None:
    """Migration: the ``price_register`` table and its date index."""
    conn.execute(
        """
        CREATE TABLE price_register (
            price_type TEXT NOT NULL,
            product TEXT NOT NULL,
            characteristic TEXT NOT NULL DEFAULT '',  -- '' when the price is for the product
            effective TEXT NOT NULL,                  -- ISO date
            amount TEXT NOT NULL,                     -- exact decimal text, never REAL
            currency TEXT NOT NULL,
            minor_units INTEGER NOT NULL,
            PRIMARY KEY (price_type, product, characteristic, effective)
        ) WITHOUT ROWID
        """
    )
    conn.execute("CREATE INDEX price_register_by_date ON price_register (price_type, effective)")


def _record(row: tuple[Any, ...]) -> PriceRecord:
    price_type, product, characteristic, effective, amount, code, minor_units = row
    return PriceRecord(
        PriceTypeId(price_type),
        ProductId(product),
        date.fromisoformat(effective),
        Money(amount, Currency(code, int(minor_units))),
        characteristic or None,
    )


class SqlitePriceRegister:
    """A :class:`~salescore.pricing.ports.PriceRegister` over the ``price_register`` table."""

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors("price_register"):
            return self._uow.connection.execute(sql, params)

    def register(self, record: PriceRecord) -> None:
        price = record.price
        self._execute(
            f"INSERT INTO price_register ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (price_type, product, characteristic, effective) DO UPDATE SET "
            "amount = excluded.amount, currency = excluded.currency, "
            "minor_units = excluded.minor_units",
            (
                record.price_type_id,
                record.product_id,
                record.characteristic or "",
                record.effective.isoformat(),
                str(price.amount),
                price.currency.code,
                price.currency.minor_units,
            ),
        )

    def remove(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        effective: date,
        characteristic: str | None = None,
    ) -> None:
        cursor = self._execute(
            "DELETE FROM price_register WHERE price_type = ? AND product = ? "
            "AND characteristic = ? AND effective = ?",
            (price_type_id, product_id, characteristic or "", effective.isoformat()),
        )
        if cursor.rowcount == 0:
            raise no_such_record(price_type_id, product_id, effective, characteristic)

    def price_as_of(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        on: date,
        characteristic: str | None = None,
    ) -> PriceRecord | None:
        row = self._execute(
            f"SELECT {_COLUMNS} FROM price_register WHERE price_type = ? AND product = ? "
            "AND characteristic = ? AND effective <= ? ORDER BY effective DESC LIMIT 1",
            (price_type_id, product_id, characteristic or "", on.isoformat()),
        ).fetchone()
        return None if row is None else _record(row)

    def history(
        self, price_type_id: PriceTypeId, product_id: ProductId, characteristic: str | None = None
    ) -> list[PriceRecord]:
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM price_register WHERE price_type = ? AND product = ? "
            "AND characteristic = ? ORDER BY effective",
            (price_type_id, product_id, characteristic or ""),
        ).fetchall()
        return [_record(row) for row in rows]

    def prices_as_of(
        self,
        price_type_ids: Iterable[PriceTypeId],
        on: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        ids = list(dict.fromkeys(price_type_ids))
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = []
        # SQLite takes the bare columns of a max() aggregate from the row holding the maximum.
        for products, where in _product_filters(product_ids):
            rows += self._execute(
                "SELECT price_type, product, characteristic, max(effective), amount, currency, "
                f"minor_units FROM price_register WHERE price_type IN ({marks}) {where}"
                "AND effective <= ? GROUP BY price_type, product, characteristic "
                "ORDER BY price_type, product, characteristic",
                (*ids, *products, on.isoformat()),
            ).fetchall()
        if product_ids is not None:  # chunks of products: put the price types together again
            rows.sort(key=lambda row: (row[0], row[1], row[2]))
        return [_record(row) for row in rows]

    def records_between(
        self,
        price_type_ids: Iterable[PriceTypeId],
        since: date,
        until: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        ids = list(dict.fromkeys(price_type_ids))
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = []
        for products, where in _product_filters(product_ids):
            rows += self._execute(
                f"SELECT {_COLUMNS} FROM price_register WHERE price_type IN ({marks}) {where}"
                "AND effective BETWEEN ? AND ? "
                "ORDER BY effective, price_type, product, characteristic",
                (*ids, *products, since.isoformat(), until.isoformat()),
            ).fetchall()
        if product_ids is not None:
            rows.sort(key=lambda row: (row[3], row[0], row[1], row[2]))
        return [_record(row) for row in rows]


def _product_filters(
    product_ids: Iterable[ProductId] | None,
) -> Iterator[tuple[tuple[str, ...], str]]:
    """The product filter of a price register query: ``(ids to bind, "AND product IN (…) ")``.

    One empty filter when ``product_ids`` is None; none at all (no query) when
    it is empty; else one per chunk of :func:`~salescore.adapters.sqlite._sql.in_chunks`.
    """
    if product_ids is None:
        yield (), ""
        return
    for chunk, marks in in_chunks(product_ids):
        yield chunk, f"AND product IN ({marks}) "
