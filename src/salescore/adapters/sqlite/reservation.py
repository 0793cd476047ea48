"""The reservation ledger in SQLite: an append-only entry table and running balances.

Quantities are kept as integers of the unit's smallest step (pieces, grams),
so sums are exact and never REAL. Every batch is written under a savepoint
inside the unit of work's ``BEGIN IMMEDIATE`` transaction: the stock check
and the write happen while this connection holds the database's write lock,
so concurrent reservers queue instead of overselling. Taking stock is a
conditional ``UPDATE ... WHERE quantity + delta >= 0``, the statement a
PostgreSQL adapter would also use, where it takes a row lock on the balance.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salescore.money import PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.ledger import (
    check_units,
    from_units,
    insufficient,
    net_deltas,
    to_units,
)
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
    zero,
)
from salescore.reservation.ports import BalanceKey

if TYPE_CHECKING:  # the unit of work builds this ledger: no import cycle at run time
    from salescore.adapters.sqlite.store import SqliteStore, SqliteUnitOfWork

# A product's unit, once committed, never changes and is never deleted, so each
# store remembers the units it has read: one query less per operation.
_UNIT_CACHE: weakref.WeakKeyDictionary[SqliteStore, dict[ProductId, Unit]] = (
    weakref.WeakKeyDictionary()
)

__all__ = ["SqliteStockLedger"]


def _bucket_params(bucket: Bucket) -> tuple[str, str, str, str]:
    on = "" if bucket.expected_on is None else bucket.expected_on.isoformat()
    return (bucket.kind.value, bucket.order_id, bucket.line_id, on)


def _bucket(kind: str, order_id: str, line_id: str, on: str) -> Bucket:
    return Bucket(BucketKind(kind), order_id, line_id, date.fromisoformat(on) if on else None)


_KEY = "product_id = ? AND warehouse_id = ? AND kind = ? AND order_id = ? AND line_id = ? " + (
    "AND expected_on = ?"
)
_ENTRY_COLUMNS = (
    "e.seq, e.product_id, e.warehouse_id, e.source_kind, e.source_order, e.source_line, "
    "e.source_date, e.target_kind, e.target_order, e.target_line, e.target_date, e.quantity, "
    "e.operation, e.document, e.at, u.code, u.name, u.scale"
)


class SqliteStockLedger:
    """A :class:`~salescore.reservation.ports.StockLedger` in the unit of work's transaction."""

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow
        # Units this ledger inserted may still be rolled back: they are never cached.
        self._inserted: set[ProductId] = set()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._uow.connection.execute(sql, params)
        except sqlite3.DatabaseError:  # (another driver's errors arrive translated)
            # A plain try costs nothing on the hot path; the store words the error
            # (its context manager re-raises it as StorageError).
            with self._uow.store._translate_errors("reservation ledger"):
                raise
            raise

    def _known_units(self, products: set[ProductId]) -> dict[ProductId, Unit]:
        cache = _UNIT_CACHE.setdefault(self._uow.store, {})
        known = {p: cache[p] for p in products if p in cache}
        missing = sorted(products - known.keys())
        if not missing:
            return known
        rows = self._execute(
            f"SELECT product_id, code, name, scale FROM reservation_units "
            f"WHERE product_id IN ({', '.join('?' * len(missing))})",
            missing,
        ).fetchall()
        for p, code, name, scale in rows:
            product_id, unit = ProductId(p), Unit(code, name, scale)
            known[product_id] = unit
            if product_id not in self._inserted:
                cache[product_id] = unit
        return known

    def _held(self, key: BalanceKey) -> int:
        product_id, warehouse_id, bucket = key
        row = self._execute(
            f"SELECT quantity FROM reservation_balances WHERE {_KEY}",
            (product_id, warehouse_id, *_bucket_params(bucket)),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def record(
        self, moves: Sequence[Move], operation: Operation, document: str, at: datetime
    ) -> tuple[LedgerEntry, ...]:
        if not moves:
            return ()
        new_units = check_units(moves, self._known_units({m.product_id for m in moves}))
        deltas = net_deltas(moves)
        written = []
        with self._uow.savepoint("reservation_record"):
            self._inserted.update(new_units)
            for product_id, unit in new_units.items():
                self._execute(
                    "INSERT INTO reservation_units (product_id, code, name, scale) "
                    "VALUES (?, ?, ?, ?)",
                    (product_id, unit.code, unit.name, unit.scale),
                )
            for key, delta in deltas.items():
                self._apply(key, delta)
            at_text = at.isoformat()
            for move in moves:
                cursor = self._execute(
                    "INSERT INTO reservation_entries (product_id, warehouse_id, source_kind, "
                    "source_order, source_line, source_date, target_kind, target_order, "
                    "target_line, target_date, quantity, operation, document, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                    (
                        move.product_id,
                        move.warehouse_id,
                        *_bucket_params(move.source),
                        *_bucket_params(move.target),
                        to_units(move.quantity),
                        operation.value,
                        document,
                        at_text,
                    ),
                )
                seq = int(cursor.fetchone()[0])
                written.append(LedgerEntry(seq, move, operation, document, at))
        return tuple(written)

    def _apply(self, key: BalanceKey, delta: Quantity) -> None:
        product_id, warehouse_id, bucket = key
        params = (product_id, warehouse_id, *_bucket_params(bucket))
        units = to_units(delta)
        if units == 0:  # moved in and out within the batch
            return
        if units > 0:
            self._execute(
                "INSERT INTO reservation_balances (product_id, warehouse_id, kind, order_id, "
                "line_id, expected_on, quantity) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (product_id, warehouse_id, kind, order_id, line_id, expected_on) "
                "DO UPDATE SET quantity = reservation_balances.quantity + excluded.quantity",
                (*params, units),
            )
            return
        # The check and the take are one statement: it holds under any concurrency.
        left = self._execute(
            f"UPDATE reservation_balances SET quantity = quantity + ? "
            f"WHERE {_KEY} AND quantity + ? >= 0 RETURNING quantity",
            (units, *params, units),
        ).fetchone()
        if left is None:
            held = from_units(self._held(key), delta.unit)
            raise insufficient(product_id, warehouse_id, bucket, -delta, held)
        if left[0] == 0:
            self._execute(f"DELETE FROM reservation_balances WHERE {_KEY}", params)

    def balance(
        self, product_id: ProductId, warehouse_id: WarehouseId, bucket: Bucket, unit: Unit
    ) -> Quantity:
        return from_units(self._held((product_id, warehouse_id, bucket)), unit)

    def unit_of(self, product_id: ProductId) -> Unit | None:
        return self._known_units({product_id}).get(product_id)

    def position(
        self, product_id: ProductId, warehouse_id: WarehouseId, unit: Unit | None = None
    ) -> StockPosition:
        unit = self.unit_of(product_id) or unit or PIECE
        free = zero(unit)
        reserved: dict[tuple[OrderId, LineId], Quantity] = {}
        expected: dict[date, Quantity] = {}
        rows = self._execute(
            "SELECT kind, order_id, line_id, expected_on, quantity FROM reservation_balances "
            "WHERE product_id = ? AND warehouse_id = ? ORDER BY kind, order_id, line_id, "
            "expected_on",
            (product_id, warehouse_id),
        )
        for kind, order_id, line_id, on, units in rows:
            quantity = from_units(units, unit)
            if kind == BucketKind.FREE.value:
                free = quantity
            elif kind == BucketKind.RESERVED.value:
                reserved[(OrderId(order_id), LineId(line_id))] = quantity
            else:
                expected[date.fromisoformat(on)] = quantity
        return StockPosition(product_id, warehouse_id, unit, free, reserved, expected)

    def holdings(
        self,
        *,
        order_id: OrderId | None = None,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
    ) -> list[Holding]:
        where, params = _filters(
            "b.kind = 'reserved'",
            {"b.order_id": order_id, "b.product_id": product_id, "b.warehouse_id": warehouse_id},
        )
        rows = self._execute(
            f"SELECT b.quantity, u.code, u.name, u.scale, {_CLAIM_COLUMNS} "
            "FROM reservation_balances b "
            "JOIN reservation_units u ON u.product_id = b.product_id "
            "JOIN reservation_claims c ON c.order_id = b.order_id AND c.line_id = b.line_id "
            f"WHERE {where} ORDER BY b.order_id, b.line_id",
            params,
        )
        return [Holding(_claim(row[4:]), from_units(row[0], Unit(*row[1:4]))) for row in rows]

    def save_claim(self, claim: ReserveClaim) -> None:
        self._execute(SAVE_CLAIM, claim_params(claim))

    def claim(self, order_id: OrderId, line_id: LineId) -> ReserveClaim | None:
        row = self._execute(
            f"SELECT {_CLAIM_COLUMNS} FROM reservation_claims c "
            "WHERE c.order_id = ? AND c.line_id = ?",
            (order_id, line_id),
        ).fetchone()
        return None if row is None else _claim(row)

    def entries(
        self,
        *,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
        order_id: OrderId | None = None,
    ) -> list[LedgerEntry]:
        where, params = _filters(
            "1 = 1", {"e.product_id": product_id, "e.warehouse_id": warehouse_id}
        )
        if order_id is not None:
            where += " AND (e.source_order = ? OR e.target_order = ?)"
            params += [order_id, order_id]
        rows = self._execute(
            f"SELECT {_ENTRY_COLUMNS} FROM reservation_entries e "
            "JOIN reservation_units u ON u.product_id = e.product_id "
            f"WHERE {where} ORDER BY e.seq",
            params,
        )
        return [_entry(row) for row in rows]

    def balances(self) -> Mapping[BalanceKey, Quantity]:
        rows = self._execute(
            "SELECT b.product_id, b.warehouse_id, b.kind, b.order_id, b.line_id, b.expected_on, "
            "b.quantity, u.code, u.name, u.scale FROM reservation_balances b "
            "JOIN reservation_units u ON u.product_id = b.product_id WHERE b.quantity > 0"
        )
        return {
            (ProductId(p), WarehouseId(w), _bucket(kind, o, ln, on)): from_units(
                units, Unit(code, name, scale)
            )
            for p, w, kind, o, ln, on, units, code, name, scale in rows
        }


SAVE_CLAIM = (
    "INSERT INTO reservation_claims (order_id, line_id, product_id, "
    "warehouse_id, quantity, unit_code, unit_name, unit_scale, planned_shipment, "
    "order_date, priority, supply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (order_id, line_id) DO UPDATE SET product_id = excluded.product_id, "
    "warehouse_id = excluded.warehouse_id, quantity = excluded.quantity, "
    "unit_code = excluded.unit_code, unit_name = excluded.unit_name, "
    "unit_scale = excluded.unit_scale, planned_shipment = excluded.planned_shipment, "
    "order_date = excluded.order_date, priority = excluded.priority, "
    "supply = excluded.supply"
)
"""Insert or replace an order line's claim (both dialects)."""


def claim_params(claim: ReserveClaim) -> tuple[object, ...]:
    """The parameters of :data:`SAVE_CLAIM` for ``claim``."""
    unit = claim.unit
    return (
        claim.order_id,
        claim.line_id,
        claim.product_id,
        claim.warehouse_id,
        to_units(claim.quantity),
        unit.code,
        unit.name,
        unit.scale,
        claim.planned_shipment.isoformat(),
        claim.order_date.isoformat(),
        claim.priority,
        claim.supply.value,
    )


def _filters(base: str, equal: Mapping[str, str | None]) -> tuple[str, list[str]]:
    """A WHERE clause: ``base`` and ``column = ?`` for every value given."""
    given = {column: value for column, value in equal.items() if value is not None}
    clause = " AND ".join([base, *(f"{column} = ?" for column in given)])
    return clause, list(given.values())


_CLAIM_COLUMNS = (
    "c.order_id, c.line_id, c.product_id, c.warehouse_id, c.quantity, c.unit_code, "
    "c.unit_name, c.unit_scale, c.planned_shipment, c.order_date, c.priority, c.supply"
)


def _claim(row: Sequence[Any]) -> ReserveClaim:
    (order_id, line_id, p, w, units, code, name, scale, ships, ordered, priority, supply) = row
    return ReserveClaim(
        OrderId(order_id),
        LineId(line_id),
        ProductId(p),
        WarehouseId(w),
        from_units(units, Unit(code, name, scale)),
        date.fromisoformat(ships),
        date.fromisoformat(ordered),
        priority,
        SupplyOption(supply),
    )


def _entry(row: Sequence[Any]) -> LedgerEntry:
    (seq, p, w, sk, so, sl, sd, tk, to, tl, td, units, operation, document, at) = row[:15]
    unit = Unit(*row[15:18])
    move = Move(
        ProductId(p),
        WarehouseId(w),
        _bucket(sk, so, sl, sd),
        _bucket(tk, to, tl, td),
        from_units(units, unit),
    )
    return LedgerEntry(seq, move, Operation(operation), document, datetime.fromisoformat(at))
