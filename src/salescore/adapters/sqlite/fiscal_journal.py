"""The fiscal journal in SQLite: survives a crash or a restart of the POS.

Each :meth:`SqliteFiscalJournal.record` is committed before it returns, so
the expected fiscal document number is on disk before the driver sends
"close" to the device. The adapter opens its own connection and keeps its own
table ``fiscal_journal``; amounts are exact decimal text.

A file journal runs in SQLite's write-ahead-log mode with ``synchronous =
FULL``: a commit is one append to the log and one ``fsync`` of it, durable
when it returns (a power cut after it loses nothing). The rollback-journal
mode SQLite starts in syncs the journal, the database and the directory on
every commit: three and more ``fsync`` calls for the same guarantee, which
on an ordinary disk made the journal the slowest part of a receipt.

A write with ``durable=False`` is committed without the ``fsync``
(``synchronous = NORMAL`` for that commit): other connections and a
restarted program see it, a power cut may take it back, and the next
durable write forces it to disk with its own (the log is written in order).
A Shtrih-M receipt so makes one ``fsync``: its "closing" entry, before
"close" is sent.

>>> from decimal import Decimal
>>> from salescore.hardware.fiscal import JournalEntry, JournalState, PaymentSplit
>>> journal = SqliteFiscalJournal(":memory:")
>>> journal.record(JournalEntry("r-1", JournalState.CLOSING, Decimal("10.00"), 7))
>>> journal.get("r-1").expected_document
7
>>> journal.close()
"""

from __future__ import annotations

import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

from salescore.errors import StorageError
from salescore.hardware.fiscal import JournalEntry, JournalState, PaymentSplit

__all__ = ["SqliteFiscalJournal"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fiscal_journal (
    receipt_id        TEXT PRIMARY KEY,
    seq               INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('started', 'closing', 'done', 'cancelled')),
    total             TEXT NOT NULL,
    expected_document INTEGER,
    document_number   INTEGER,
    fiscal_sign       INTEGER,
    change            TEXT NOT NULL,
    task_id           TEXT,
    payments          TEXT NOT NULL DEFAULT '',
    not_before        TEXT,
    document_type     INTEGER NOT NULL DEFAULT 3
)
"""

_ADDED_COLUMNS = (
    ("payments", "TEXT NOT NULL DEFAULT ''"),
    ("not_before", "TEXT"),
    ("document_type", "INTEGER NOT NULL DEFAULT 3"),
)
"""Columns added after the first release: added to an older table when it is opened."""

_COLUMNS = (
    "receipt_id, state, total, expected_document, document_number, fiscal_sign, change, "
    "task_id, payments, not_before, document_type"
)


class SqliteFiscalJournal:
    """A :class:`~salescore.hardware.fiscal.FiscalJournal` in an SQLite file.

    Args:
        path: the database file (may be the application's main SQLite file:
            the table name is the adapter's own), or ``":memory:"``.
    """

    _log_ordered = False
    """The file is in write-ahead-log mode: a write may skip its ``fsync``
    (``durable=False``) and be forced to disk by the next durable one. Off
    elsewhere (memory, a file system without the log, subclasses): every
    write is then durable."""

    def __init__(self, path: str | Path) -> None:
        try:
            self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            if str(path) != ":memory:":
                # One fsync per commit (of the log), durable all the same; see the module.
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
                self._log_ordered = mode is not None and str(mode[0]).lower() == "wal"
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute(_SCHEMA)
            present = {row[1] for row in self._conn.execute("PRAGMA table_info(fiscal_journal)")}
            for name, kind in _ADDED_COLUMNS:
                if name not in present:
                    self._conn.execute(f"ALTER TABLE fiscal_journal ADD COLUMN {name} {kind}")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the fiscal journal at {path}: {exc}") from exc
        self._lock = threading.Lock()

    def get(self, receipt_id: str) -> JournalEntry | None:
        """The entry for ``receipt_id``, or ``None``."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM fiscal_journal WHERE receipt_id = ?", (receipt_id,)
            ).fetchone()
        return None if row is None else _entry(row)

    def record(self, entry: JournalEntry, *, durable: bool = True) -> None:
        """Insert or replace the entry, committed (and on disk, ``durable``) on return."""
        values = (
            entry.receipt_id,
            entry.state.value,
            str(entry.total),
            entry.expected_document,
            entry.document_number,
            entry.fiscal_sign,
            str(entry.change),
            entry.task_id,
            _split_text(entry.payments),
            entry.not_before,
            entry.document_type,
        )
        lazy = not durable and self._log_ordered
        with self._lock:
            try:
                if lazy:
                    self._conn.execute("PRAGMA synchronous = NORMAL")
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(
                    f"INSERT INTO fiscal_journal (seq, {_COLUMNS}) VALUES "
                    "((SELECT COALESCE(MAX(seq), 0) + 1 FROM fiscal_journal), "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (receipt_id) DO UPDATE SET state = excluded.state, "
                    "total = excluded.total, expected_document = excluded.expected_document, "
                    "document_number = excluded.document_number, "
                    "fiscal_sign = excluded.fiscal_sign, change = excluded.change, "
                    "task_id = excluded.task_id, payments = excluded.payments, "
                    "not_before = excluded.not_before, "
                    "document_type = excluded.document_type",
                    values,
                )
                self._conn.execute("COMMIT")
            except Exception as exc:  # sqlite3's, or a salescore error from another driver
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StorageError(
                    f"cannot record receipt {entry.receipt_id!r} in the fiscal journal: {exc}"
                ) from exc
            finally:
                if lazy:
                    self._conn.execute("PRAGMA synchronous = FULL")

    def unfinished(self) -> list[JournalEntry]:
        """Entries still started or closing, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM fiscal_journal "
                "WHERE state IN ('started', 'closing') ORDER BY seq"
            ).fetchall()
        return [_entry(row) for row in rows]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _split_text(split: PaymentSplit) -> str:
    return ";".join(f"{kind}={amount}" for kind, amount in split)


def _split(text: object) -> PaymentSplit:
    if not text:
        return ()
    pairs = (item.partition("=") for item in str(text).split(";"))
    return tuple((kind, Decimal(amount)) for kind, _, amount in pairs)


def _entry(row: tuple[object, ...]) -> JournalEntry:
    (
        receipt_id,
        state,
        total,
        expected,
        number,
        sign,
        change,
        task_id,
        payments,
        not_before,
        document_type,
    ) = row
    return JournalEntry(
        receipt_id=str(receipt_id),
        state=JournalState(state),
        total=Decimal(str(total)),
        expected_document=None if expected is None else int(str(expected)),
        document_number=None if number is None else int(str(number)),
        fiscal_sign=None if sign is None else int(str(sign)),
        change=Decimal(str(change)),
        task_id=None if task_id is None else str(task_id),
        payments=_split(payments),
        not_before=None if not_before is None else str(not_before),
        document_type=int(str(document_type)),
    )
