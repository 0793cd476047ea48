"""The reservation ledger on PostgreSQL: a batch of moves is one statement.

The SQLite ledger writes a batch as a savepoint, a conditional ``UPDATE`` per
bucket stock is taken from, an upsert per bucket stock goes to, an ``INSERT``
per entry and a release: on a server each statement is a round trip, nine
for one reserve. Here one statement does it all (data-modifying common table
expressions over arrays): it takes the stock where enough is left (the
balance rows' locks order concurrent takers, so nothing is oversold), and
only if every take succeeded adds to the target buckets and appends the
entries. The savepoint around it, the deletion of emptied balances and the
order line's claim travel with the next statement that is answered
(:meth:`~salescore.adapters.postgres.connection.PgConnection.defer`). A
reserve from stock is three round trips: read the line's reserve (with
``BEGIN``), write the batch, and save the claim with ``COMMIT``.

A reserve for an order line from free stock is one step here
(:class:`~salescore.reservation.ports.OneStepReserve`): the server function
``salescore_reserve_line``, created with the schema, reads the line's reserve,
works out what it lacks, then runs the statements this ledger sends for a
one-move batch (take from free stock where enough is left: the free balance
row's lock orders concurrent takers; add to the line's reserve; append the
entry) and for the line's claim
(:data:`~salescore.adapters.sqlite.reservation.SAVE_CLAIM`), their values
taken from the function's parameters: one statement whose plans the server
keeps per connection. With ``BEGIN`` before it and
``COMMIT`` after it is two round trips.

An order line's reserve is read under a transaction advisory lock on the line
(on one of :data:`~salescore.adapters.postgres.connection.LOCK_SLOTS` hashed slots),
taken before the read, by the server function and by :meth:`PostgresStockLedger.balance`
alike. Two writers reserving for the same line at once take turns: the second
reads the reserve the first committed, so a line is never reserved beyond what
it needs (without the lock both read the reserve before either wrote, and both
added what the line lacked).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import cast

from salescore.adapters.postgres.connection import LOCK_SLOTS, PgConnection, defer_lock
from salescore.adapters.sqlite.reservation import (
    _KEY,
    SAVE_CLAIM,
    SqliteStockLedger,
    _bucket_params,
    claim_params,
)
from salescore.errors import ConcurrencyError
from salescore.money import Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.ledger import check_units, from_units, insufficient, net_deltas, to_units
from salescore.reservation.model import (
    Bucket,
    BucketKind,
    LedgerEntry,
    Move,
    Operation,
    ReserveClaim,
)

__all__ = ["LINE_LOCK_KEY", "RESERVE_LINE_FUNCTION", "PostgresStockLedger"]

LINE_LOCK_KEY = 0x53615276
"""The first key of the advisory locks on order lines' reserves (``SaRv``)."""

# The line's lock: its product, warehouse, order and line ids joined by chr(31) are the
# name defer_lock hashes into a slot; the server function hashes the same text.
_TARGET_SLOT = (
    "hashtext(concat_ws(chr(31), p_product, p_warehouse, p_target_order, p_target_line)) "
    f"& {LOCK_SLOTS - 1}"
)

_KEY_COLUMNS = "product_id, warehouse_id, kind, order_id, line_id, expected_on"
_RECORD = f"""
WITH d (product_id, warehouse_id, kind, order_id, line_id, expected_on, units) AS (
    SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                         ?::bigint[])),
take AS (
    UPDATE reservation_balances b SET quantity = b.quantity + d.units FROM d
    WHERE d.units < 0 AND b.product_id = d.product_id AND b.warehouse_id = d.warehouse_id
      AND b.kind = d.kind AND b.order_id = d.order_id AND b.line_id = d.line_id
      AND b.expected_on = d.expected_on AND b.quantity + d.units >= 0
    RETURNING b.quantity),
ok AS (SELECT (SELECT count(*) FROM take) = (SELECT count(*) FROM d WHERE units < 0) AS ok),
put AS (
    INSERT INTO reservation_balances ({_KEY_COLUMNS}, quantity)
    SELECT {_KEY_COLUMNS}, units FROM d, ok WHERE ok.ok AND d.units > 0
    ON CONFLICT ({_KEY_COLUMNS})
    DO UPDATE SET quantity = reservation_balances.quantity + excluded.quantity),
entries AS (
    INSERT INTO reservation_entries (product_id, warehouse_id, source_kind, source_order,
        source_line, source_date, target_kind, target_order, target_line, target_date,
        quantity, operation, document, at)
    SELECT m.p, m.w, m.sk, m.so, m.sl, m.sd, m.tk, m.tor, m.tl, m.td, m.q, ?, ?, ?
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::bigint[])
         WITH ORDINALITY AS m (p, w, sk, so, sl, sd, tk, tor, tl, td, q, n), ok
    WHERE ok.ok ORDER BY m.n
    RETURNING seq)
SELECT ok.ok, ARRAY(SELECT seq FROM entries ORDER BY seq),
       (SELECT count(*) FROM take WHERE quantity = 0) FROM ok
"""
# The common batch, one move from one kept bucket to another (a reserve, a release, a
# move between reserves): the same statement with plain values, which the server plans
# as two index lookups instead of joins over arrays.
_RECORD_ONE = f"""
WITH take AS (
    UPDATE reservation_balances SET quantity = quantity + ?::bigint
    WHERE {_KEY} AND quantity + ?::bigint >= 0
    RETURNING quantity),
put AS (
    INSERT INTO reservation_balances ({_KEY_COLUMNS}, quantity)
    SELECT ?, ?, ?, ?, ?, ?, ?::bigint FROM take
    ON CONFLICT ({_KEY_COLUMNS})
    DO UPDATE SET quantity = reservation_balances.quantity + excluded.quantity),
entries AS (
    INSERT INTO reservation_entries (product_id, warehouse_id, source_kind, source_order,
        source_line, source_date, target_kind, target_order, target_line, target_date,
        quantity, operation, document, at)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::bigint, ?, ?, ? FROM take
    RETURNING seq)
SELECT count(*) = 1, ARRAY(SELECT seq FROM entries), count(*) FILTER (WHERE quantity = 0)
FROM take
"""


def _fill(statement: str, values: Sequence[str]) -> str:
    """``statement`` with its ``?`` placeholders replaced by ``values``, in order."""
    parts = statement.split("?")  # (a count that differs fails at import: strict)
    return "".join(part + value for part, value in zip(parts, [*values, ""], strict=True))


# The function's parameters in the order of the ledger's statements' placeholders.
_SOURCE = ("p_source_kind", "p_source_order", "p_source_line", "p_source_expected")
_TARGET = ("p_target_kind", "p_target_order", "p_target_line", "p_target_expected")
_CLAIM = ("c_order", "c_line", "c_product", "c_warehouse", "c_quantity", "c_unit_code",
          "c_unit_name", "c_unit_scale", "c_planned", "c_ordered", "c_priority",
          "c_supply")  # fmt: skip
_FREE_KEY = _fill(_KEY, ("p_product", "p_warehouse", *_SOURCE))
# The statements the ledger sends, with the function's values: the one-move batch of
# record() (take, put, entry) and SAVE_CLAIM, so both ledgers write with the same SQL.
_MOVE = _fill(
    _RECORD_ONE,
    ("(-wanted)", "p_product", "p_warehouse", *_SOURCE, "(-wanted)",
     "p_product", "p_warehouse", *_TARGET, "wanted",
     "p_product", "p_warehouse", *_SOURCE, *_TARGET, "wanted", "p_operation", "p_document",
     "p_at"),
)  # fmt: skip
RESERVE_LINE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION salescore_reserve_line(
    p_product TEXT, p_warehouse TEXT,
    p_source_kind TEXT, p_source_order TEXT, p_source_line TEXT, p_source_expected TEXT,
    p_target_kind TEXT, p_target_order TEXT, p_target_line TEXT, p_target_expected TEXT,
    p_need BIGINT, p_asked BIGINT, p_operation TEXT, p_document TEXT, p_at TEXT,
    c_order TEXT, c_line TEXT, c_product TEXT, c_warehouse TEXT, c_quantity BIGINT,
    c_unit_code TEXT, c_unit_name TEXT, c_unit_scale INTEGER, c_planned TEXT, c_ordered TEXT,
    c_priority INTEGER, c_supply TEXT,
    OUT held BIGINT, OUT wanted BIGINT, OUT free BIGINT, OUT seq BIGINT)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    taken BOOLEAN;
    seqs BIGINT[];
    emptied BIGINT;
BEGIN
    -- the line's lock first: a second writer of the same line reads what the first wrote
    PERFORM pg_advisory_xact_lock({LINE_LOCK_KEY}, {_TARGET_SLOT});
    SELECT quantity INTO held FROM reservation_balances
    WHERE {_fill(_KEY, ("p_product", "p_warehouse", *_TARGET))};
    held := coalesce(held, 0);
    wanted := coalesce(p_asked, greatest(p_need - held, 0));
    IF wanted <= 0 OR wanted > p_need - held THEN
        RETURN;  -- the line lacks nothing, or less than asked: nothing is written
    END IF;
    {_MOVE} INTO taken, seqs, emptied;
    IF NOT taken THEN  -- too little free stock: what is there, and no entry
        SELECT quantity INTO free FROM reservation_balances WHERE {_FREE_KEY};
        free := coalesce(free, 0);
        RETURN;
    END IF;
    IF emptied > 0 THEN  -- an emptied balance is deleted, as on SQLite
        DELETE FROM reservation_balances WHERE {_FREE_KEY} AND quantity = 0;
    END IF;
    seq := seqs[1];
    {_fill(SAVE_CLAIM, _CLAIM)};  -- the order line's claim
END
$$
"""
"""The server function a reserve for an order line from free stock is (created by the schema)."""
_RESERVE_LINE = "SELECT * FROM salescore_reserve_line(" + ", ".join("?" * 27) + ")"
_DELETE_EMPTIED = (
    f"DELETE FROM reservation_balances WHERE ({_KEY_COLUMNS}) IN (SELECT * FROM unnest("
    "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])) AND quantity = 0"
)


class _ShortError(Exception):
    """A take found too little stock: the batch is undone, then the shortage is worded."""


def _columns(rows: Sequence[Sequence[object]], width: int) -> list[list[object]]:
    return [[row[i] for row in rows] for i in range(width)]


class PostgresStockLedger(SqliteStockLedger):
    """A :class:`~salescore.reservation.ports.StockLedger` writing each batch in one statement."""

    def record(
        self, moves: Sequence[Move], operation: Operation, document: str, at: datetime
    ) -> tuple[LedgerEntry, ...]:
        if not moves:
            return ()
        new_units = check_units(moves, self._known_units({m.product_id for m in moves}))
        net = net_deltas(moves)
        deltas = [
            (key, units)
            for key, delta in net.items()
            if (units := to_units(delta)) != 0  # moved in and out within the batch
        ]
        balances = [(p, w, *_bucket_params(bucket), units) for (p, w, bucket), units in deltas]
        entries = [
            (m.product_id, m.warehouse_id, *_bucket_params(m.source), *_bucket_params(m.target),
             to_units(m.quantity))
            for m in moves
        ]  # fmt: skip
        signs = sorted(row[6] > 0 for row in balances)
        if len(moves) == 1 and not new_units and signs == [False, True]:
            source, target = sorted(balances, key=lambda row: row[6])
            statement = _RECORD_ONE
            params: tuple[object, ...] = (
                source[6], *source[:6], source[6], *target, *entries[0], operation.value,
                document, at.isoformat(),
            )  # fmt: skip
        else:
            statement = _RECORD
            params = (*_columns(balances, 7), operation.value, document, at.isoformat(),
                      *_columns(entries, 11))  # fmt: skip
        # One take refused changes nothing: a savepoint is needed only to undo new units
        # or the takes that succeeded before another was refused.
        undo = bool(new_units) or sum(row[6] < 0 for row in balances) > 1
        try:
            with self._uow.savepoint("reservation_record") if undo else nullcontext():
                self._inserted.update(new_units)
                for product_id, unit in new_units.items():
                    self._execute(
                        "INSERT INTO reservation_units (product_id, code, name, scale) "
                        "VALUES (?, ?, ?, ?)",
                        (product_id, unit.code, unit.name, unit.scale),
                    )
                ok, seqs, emptied = self._execute(statement, params).fetchone()
                if not ok:
                    raise _ShortError
                if emptied:  # balances taken to zero are deleted, as on SQLite
                    conn = cast(PgConnection, self._uow.connection)
                    taken = [row[:6] for row in balances if row[6] < 0]
                    conn.defer(_DELETE_EMPTIED, _columns(taken, 6))
        except _ShortError:
            for key, units in deltas:
                held = self._held(key)
                if units < 0 and held + units < 0:
                    wanted = -net[key]
                    raise insufficient(*key, wanted, from_units(held, wanted.unit)) from None
            # Stock came back between the refused take and this look: the take failed all
            # the same, on figures that are gone.
            raise ConcurrencyError(  # pragma: no cover - a race of two statements
                f"{document}: the stock changed while it was taken; run the unit of work again"
            ) from None
        return tuple(
            LedgerEntry(int(seq), move, operation, document, at)
            for seq, move in zip(seqs, moves, strict=True)
        )

    def balance(
        self, product_id: ProductId, warehouse_id: WarehouseId, bucket: Bucket, unit: Unit
    ) -> Quantity:
        """The bucket's quantity; an order line's reserve is read under the line's lock
        (sent with the read, in one round trip), which the writer holds until it ends."""
        if bucket.kind is BucketKind.RESERVED and not self._uow.read_only:
            name = "\x1f".join((product_id, warehouse_id, bucket.order_id, bucket.line_id))
            defer_lock(self._uow.connection, LINE_LOCK_KEY, name)
        return super().balance(product_id, warehouse_id, bucket, unit)

    def save_claim(self, claim: ReserveClaim) -> None:
        """Save the order line's claim with the next statement (or the commit)."""
        cast(PgConnection, self._uow.connection).defer(SAVE_CLAIM, claim_params(claim))

    def reserve_line(
        self, claim: ReserveClaim, quantity: Quantity | None, document: str, at: datetime
    ) -> tuple[Quantity, LedgerEntry | None] | None:
        """Reserve what the line lacks (or ``quantity``) from free stock in one statement."""
        unit = claim.unit
        if (quantity is not None and (quantity.unit != unit or quantity.value <= 0)) or (
            self._known_units({claim.product_id}).get(claim.product_id) != unit
        ):
            return None  # the steps one by one word what is wrong
        free_bucket = Bucket.free()
        operation = Operation.RESERVE_FROM_STOCK
        held, wanted, free, seq = self._execute(
            _RESERVE_LINE,
            (
                claim.product_id, claim.warehouse_id, *_bucket_params(free_bucket),
                *_bucket_params(claim.bucket), to_units(claim.quantity),
                None if quantity is None else to_units(quantity), operation.value, document,
                at.isoformat(), *claim_params(claim),
            ),
        ).fetchone()  # fmt: skip
        if seq is None:
            if free is None:  # nothing written: the caller words why, if anything is wrong
                return from_units(held, unit), None
            asked = from_units(wanted, unit)
            if free < wanted:
                raise insufficient(
                    claim.product_id, claim.warehouse_id, free_bucket, asked,
                    from_units(free, unit),
                )  # fmt: skip
            raise ConcurrencyError(  # pragma: no cover - a race of two statements
                f"{document}: the stock changed while it was taken; run the unit of work again"
            )
        move = Move(claim.product_id, claim.warehouse_id, free_bucket, claim.bucket,
                    from_units(wanted, unit))  # fmt: skip
        return from_units(held, unit), LedgerEntry(int(seq), move, operation, document, at)
