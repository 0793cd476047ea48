"""The fiscal journal in PostgreSQL: every record committed before it returns.

The same statements as :class:`~salescore.adapters.sqlite.fiscal_journal.SqliteFiscalJournal`
on the server's table ``fiscal_journal`` (totals ``numeric``, numbers ``bigint``).
"""

from __future__ import annotations

import threading

import psycopg

from salescore.adapters.postgres.connection import PgConnection
from salescore.adapters.sqlite.fiscal_journal import _ADDED_COLUMNS, SqliteFiscalJournal
from salescore.errors import StorageError

__all__ = ["PostgresFiscalJournal"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fiscal_journal (
    receipt_id        TEXT COLLATE "C" PRIMARY KEY,
    seq               BIGINT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('started', 'closing', 'done', 'cancelled')),
    total             NUMERIC NOT NULL,
    expected_document BIGINT,
    document_number   BIGINT,
    fiscal_sign       BIGINT,
    change            NUMERIC NOT NULL,
    task_id           TEXT,
    payments          TEXT NOT NULL DEFAULT '',
    not_before        TEXT,
    document_type     BIGINT NOT NULL DEFAULT 3
)
"""


class PostgresFiscalJournal(SqliteFiscalJournal):
    """A :class:`~salescore.hardware.fiscal.FiscalJournal` on a PostgreSQL server.

    Args:
        url: a libpq URL, ``postgresql://USER@HOST:PORT/DATABASE``.
    """

    def __init__(self, url: str) -> None:
        try:
            raw = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StorageError(f"cannot open the fiscal journal at {url}: {exc}") from exc
        conn = PgConnection(raw)
        conn.execute(_SCHEMA)
        for name, kind in _ADDED_COLUMNS:  # a table of an older release gains what it lacks
            conn.execute(f"ALTER TABLE fiscal_journal ADD COLUMN IF NOT EXISTS {name} {kind}")
        self._conn = conn  # type: ignore[assignment]  # the subset of sqlite3 it uses
        self._lock = threading.Lock()
