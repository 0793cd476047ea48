"""PostgreSQL storage (psycopg 3 and its pool; the ``postgres`` extra).

The store for many processes and machines: the same collections, schema
components and versions as SQLite, created and migrated by the adapter.
Install with ``pip install 'salescore[postgres]'`` and open it with
``open_store("postgresql://user@host/db")``.
"""

from __future__ import annotations

try:
    import psycopg  # noqa: F401
    import psycopg_pool  # noqa: F401
except ImportError as exc:  # pragma: no cover - the extra is part of the dev install
    from salescore.errors import MissingExtraError

    raise MissingExtraError(
        "the PostgreSQL store needs the 'postgres' extra: pip install 'salescore[postgres]'",
        extra="postgres",
    ) from exc

from salescore.adapters.postgres.connection import LOCK_SLOTS
from salescore.adapters.postgres.fiscal_journal import PostgresFiscalJournal
from salescore.adapters.postgres.schema import COMPONENTS
from salescore.adapters.postgres.store import (
    PostgresRepository,
    PostgresSettlementLedger,
    PostgresStore,
    PostgresUnitOfWork,
)

__all__ = [
    "COMPONENTS",
    "LOCK_SLOTS",
    "PostgresFiscalJournal",
    "PostgresRepository",
    "PostgresSettlementLedger",
    "PostgresStore",
    "PostgresUnitOfWork",
]
