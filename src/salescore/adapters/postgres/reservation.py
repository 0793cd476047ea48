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
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from salescore.adapters.postgres.connection import PgConnection
from salescore.adapters.sqlite.reservation import (
    SAVE_CLAIM,
    SqliteStockLedger,
    _bucket_params,
    claim_params,
)
from salescore.reservation.ledger import check_units, from_units, insufficient, net_deltas, to_units
from salescore.reservation.model import LedgerEntry, Move, Operation, ReserveClaim

__all__ = ["PostgresStockLedger"]

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
SELECT ok.ok, ARRAY(SELECT seq FROM entries ORDER BY seq) FROM ok
"""
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
        try:
            with self._uow.savepoint("reservation_record") as conn:
                self._inserted.update(new_units)
                for product_id, unit in new_units.items():
                    self._execute(
                        "INSERT INTO reservation_units (product_id, code, name, scale) "
                        "VALUES (?, ?, ?, ?)",
                        (product_id, unit.code, unit.name, unit.scale),
                    )
                ok, seqs = self._execute(
                    _RECORD,
                    (*_columns(balances, 7), operation.value, document, at.isoformat(),
                     *_columns(entries, 11)),
                ).fetchone()  # fmt: skip
                if not ok:
                    raise _ShortError
                emptied = [row[:6] for row in balances if row[6] < 0]
                if emptied:
                    cast(PgConnection, conn).defer(_DELETE_EMPTIED, _columns(emptied, 6))
        except _ShortError:
            for key, units in deltas:
                held = self._held(key)
                if units < 0 and held + units < 0:
                    wanted = -net[key]
                    raise insufficient(*key, wanted, from_units(held, wanted.unit)) from None
            raise  # pragma: no cover - stock came back in between: the take failed all the same
        return tuple(
            LedgerEntry(int(seq), move, operation, document, at)
            for seq, move in zip(seqs, moves, strict=True)
        )

    def save_claim(self, claim: ReserveClaim) -> None:
        """Save the order line's claim with the next statement (or the commit)."""
        cast(PgConnection, self._uow.connection).defer(SAVE_CLAIM, claim_params(claim))
