"""A PostgreSQL connection that speaks the SQL the SQLite adapters write.

The repositories of :mod:`salescore.adapters.sqlite` are written in the SQL
both databases agree on; this wrapper runs them on psycopg: it turns ``?``
placeholders into ``%s``, keeps a statement that may fail (an INSERT) from
aborting the whole transaction by a savepoint around it (SQLite carries on
after a failed statement, PostgreSQL does not), and turns driver errors into
salescore errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any, cast

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from salescore.adapters.stores import read_only_refusal
from salescore.errors import ConcurrencyError, ConflictError, StorageError

__all__ = ["LOCK_SLOTS", "PgConnection", "defer_lock", "translate_sql", "translated_error"]

LOCK_SLOTS = 256
"""Each kind of lock a unit of work takes (settlement accounts, order lines' reserves,
documents read for writing) is taken on one of this many hashed slots (a power of two):
however many accounts, lines or documents a unit of work touches, it holds at most this
many locks of a kind. (One lock per account ran the server out of shared memory,
``max_locks_per_transaction``, beyond about ten thousand accounts.)"""

# The few statements whose SQLite spelling PostgreSQL does not accept.
_STATEMENTS = {"BEGIN IMMEDIATE": "BEGIN"}
# Statements without an answer, sent with the next statement that has one.
_WAITING = ("BEGIN", "SAVEPOINT", "RELEASE")


@lru_cache(maxsize=512)
def translate_sql(sql: str) -> str:
    """``sql`` with psycopg's placeholders (``?`` -> ``%s``, a literal ``%`` doubled)."""
    sql = _STATEMENTS.get(sql, sql)
    return sql.replace("%", "%%").replace("?", "%s")


def translated_error(exc: psycopg.Error, where: str) -> Exception:
    """The salescore error for a driver error raised while doing ``where``."""
    diag = exc.diag
    if isinstance(exc, pg_errors.UniqueViolation):
        table = diag.table_name or where
        return ConflictError(
            f"{table}: {diag.message_detail or exc}; give another id, "
            "or replace the stored one (save)",
            table=table,
        )
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return read_only_refusal("postgresql", where)
    if isinstance(exc, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
        return ConcurrencyError(
            f"{where}: another transaction changed the same rows ({diag.message_primary}); "
            "run the unit of work again",
        )
    return StorageError(
        f"PostgreSQL cannot do {where}: {str(exc).strip()}. Is the server up and the database "
        "salescore's? Check the URL and the server log.",
        operation=where,
    )


class PgConnection:
    """The subset of :class:`sqlite3.Connection` the shared repositories use, on psycopg.

    Statements whose answer nobody reads (``BEGIN``, ``SAVEPOINT``, ``RELEASE``
    and what :meth:`defer` is given) wait and travel with the next statement
    that is answered, as one query of several statements with the values bound
    by the client: one round trip to the server instead of several (psycopg's
    pipeline mode did the same in more client time). A statement sent alone is
    bound and prepared by the server. A waiting statement's error is raised by
    that next statement.
    """

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self._savepoints = 0
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._pending_begin = False  # BEGIN waits: the server is not in a transaction yet

    @property
    def in_transaction(self) -> bool:
        """True inside BEGIN ... COMMIT/ROLLBACK (also after a failed statement)."""
        return self._pending_begin or self.raw.info.transaction_status != TransactionStatus.IDLE

    def _track(self, sql: str) -> None:
        head = sql.lstrip()[:12].upper()
        if head.startswith("SAVEPOINT"):
            self._savepoints += 1
        elif head.startswith("RELEASE"):
            self._savepoints -= 1
        elif head.startswith(("COMMIT", "BEGIN")) or head == "ROLLBACK":
            self._savepoints = 0

    def defer(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Send ``sql`` with the next answered statement (or commit); its result is not read."""
        self._pending.append((translate_sql(sql), tuple(params)))

    def flush(self) -> None:
        """Send every waiting statement now."""
        if self._pending:
            try:
                self._send(None)
            except psycopg.Error as exc:
                raise translated_error(exc, "waiting statements") from exc

    def _send(self, query: str | None, params: tuple[Any, ...] = ()) -> psycopg.Cursor[Any] | None:
        """Run the waiting statements and then ``query`` (if any) in one round trip."""
        pending, self._pending, self._pending_begin = self._pending, [], False
        if not pending:
            return None if query is None else self.raw.execute(query, params)
        if query is not None:
            pending.append((query, params))
        # One simple-protocol query of several statements, the values bound here; the
        # cursor is left on the last statement's result.
        client = psycopg.ClientCursor(self.raw)
        client.execute("; ".join(client.mogrify(sql, values) for sql, values in pending))
        while client.nextset():
            pass
        return client

    @contextmanager
    def _guarded(self, sql: str) -> Iterator[None]:
        """A savepoint around a write outside any savepoint, so its failure is its own."""
        guard = (
            self._savepoints == 0
            and self.in_transaction
            and self.raw.info.transaction_status != TransactionStatus.INERROR
            and sql.lstrip()[:6].upper() == "INSERT"
            and "ON CONFLICT" not in sql  # an upsert does not fail on a known key
        )
        if not guard:
            yield
            return
        self._pending.append(("SAVEPOINT salescore_statement", ()))
        try:
            yield
        except BaseException:
            if self.raw.info.transaction_status == TransactionStatus.INERROR:
                with suppress(psycopg.Error):  # gone with an earlier waiting statement's error
                    self.raw.execute("ROLLBACK TO SAVEPOINT salescore_statement")
            raise
        self._pending.append(("RELEASE SAVEPOINT salescore_statement", ()))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        """Run one statement; the cursor answers fetchone, fetchall, rowcount and iteration."""
        query = translate_sql(sql)
        head = query.lstrip()[:10].upper()
        if not params and head.startswith(_WAITING):
            return self._wait(query, head)
        rollback = head.startswith("ROLLBACK") and " TO " not in query.upper()
        if rollback:
            self._pending.clear()  # whatever waits would be undone at once
        if self._pending_begin and (
            rollback
            or (head.startswith("COMMIT") and all(q.startswith(_WAITING) for q, _ in self._pending))
        ):  # the server never began, or nothing was written: nothing to end
            self._pending.clear()
            self._pending_begin = False
            self._track(query)
            return self.raw.cursor()
        try:
            with self._guarded(query):
                cursor = self._send(query, tuple(params))
        except psycopg.Error as exc:
            raise translated_error(exc, sql.split("(")[0][:60]) from exc
        self._track(query)
        assert cursor is not None
        return cursor

    def _wait(self, query: str, head: str) -> psycopg.Cursor[Any]:
        if head.startswith("BEGIN"):
            self._pending_begin = True
        self._pending.append((query, ()))
        self._track(query)
        return self.raw.cursor()  # answers nothing, as the statement has no answer

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for every row."""
        query = translate_sql(sql)
        try:
            with self._guarded(query):
                self.flush_raw()
                self.raw.cursor().executemany(query, rows)
        except psycopg.Error as exc:
            raise translated_error(exc, sql.split("(")[0][:60]) from exc

    def flush_raw(self) -> None:
        """:meth:`flush` without error translation (the caller translates)."""
        if self._pending:
            self._send(None)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def defer_lock(connection: object, key: int, name: str) -> None:
    """Lock ``name`` of the kind ``key`` until the transaction ends, sent with the next
    statement: a transaction advisory lock on ``key`` and the name's hashed slot (one of
    :data:`LOCK_SLOTS`; two names in one slot simply take turns).

    A writer that reads something and writes what it read back (a count, a
    document's state) takes the lock before the read: a second writer waits
    for the first to end and then reads what it committed, as SQLite's single
    writer would. ``connection`` is the unit of work's connection (a
    :class:`PgConnection`).
    """
    cast(PgConnection, connection).defer(
        "SELECT pg_advisory_xact_lock(?, hashtext(?) & ?)", (key, name, LOCK_SLOTS - 1)
    )
