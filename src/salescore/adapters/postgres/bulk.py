"""Bulk loading into PostgreSQL through ``COPY … FROM STDIN``: many rows in one stream.

An ``INSERT`` per row costs a round trip and a statement each; ``COPY``
streams every row of a batch in one command, which is what the server is
fastest at. The settlement ledger uses these functions itself when a batch
is large (:meth:`PostgresSettlementLedger.add_entries` from
:data:`COPY_THRESHOLD` entries on, and the whole-ledger reallocation of
:func:`~salescore.app.receivables.reallocate_all`), and
:func:`~salescore.app.receivables.import_settlements` loads a whole ledger
through them. They write inside the caller's unit of work: nothing is kept
before it commits, and a duplicate id fails the whole batch with
:class:`~salescore.errors.ConflictError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import psycopg

from salescore.adapters.codec import to_plain
from salescore.adapters.postgres.connection import PgConnection, translated_error
from salescore.receivables.ledger import Allocation, Payment, SettlementAccount, SettlementEntry

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = [
    "COPY_THRESHOLD",
    "copy_allocations",
    "copy_entries",
    "copy_payments",
    "copy_rows",
]

COPY_THRESHOLD = 200
"""From this many rows on, the settlement ledger writes a batch with ``COPY``."""

_ACCOUNT = ("partner_id", "counterparty_id", "organization_id", "contract_id")
ENTRY_COLUMNS = (
    "id", "kind", "account_key", *_ACCOUNT, "currency", "minor_units",
    "order_id", "document_id", "posted_on", "due_date", "amount_minor", "manager",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "id", "account_key", *_ACCOUNT, "currency", "minor_units", "received_on", "amount",
    "paid_currency", "paid_minor_units", "rate", "manual", "settled_minor",
)  # fmt: skip
ALLOCATION_COLUMNS = (
    "account_key", "partner_id", "measure", "source_id", "entry_id", "allocated_on",
    "amount_minor", "manual",
)  # fmt: skip


def _account(account: SettlementAccount) -> tuple[Any, ...]:
    return (
        account.key,
        account.partner_id,
        account.counterparty_id,
        account.organization_id,
        account.contract_id,
        account.currency.code,
        account.currency.minor_units,
    )


def entry_row(e: SettlementEntry) -> tuple[Any, ...]:
    """The ``settlement_entries`` row of an entry, in :data:`ENTRY_COLUMNS` order."""
    return (
        e.id,
        e.kind.value,
        *_account(e.account),
        e.order_id,
        e.document_id,
        e.posted_on.isoformat(),
        e.due_date.isoformat(),
        e.amount.minor_units,
        e.manager,
    )


def payment_row(p: Payment) -> tuple[Any, ...]:
    """The ``settlement_payments`` row of a payment, in :data:`PAYMENT_COLUMNS` order."""
    return (
        p.id,
        *_account(p.account),
        p.received_on.isoformat(),
        p.amount.amount,
        p.amount.currency.code,
        p.amount.currency.minor_units,
        p.rate,
        json.dumps(to_plain(p.manual), sort_keys=True),
        p.settled.minor_units,
    )


def allocation_row(account: SettlementAccount, a: Allocation) -> tuple[Any, ...]:
    """The ``settlement_allocations`` row of an allocation, in :data:`ALLOCATION_COLUMNS` order."""
    return (
        account.key,
        account.partner_id,
        a.measure.value,
        a.source_id,
        a.entry_id,
        a.allocated_on.isoformat(),
        a.amount.minor_units,
        int(a.manual),
    )


def copy_rows(
    conn: PgConnection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Stream ``rows`` into ``table`` with one ``COPY``; the number of rows written.

    ``rows`` must not read through ``conn`` while they are produced (the
    connection is busy with the copy): materialise such rows first.

    Raises:
        ConflictError: a row repeats a stored key (nothing of the batch is kept
            if the caller's savepoint or transaction is rolled back).
        StorageError: any other refusal of the server.
    """
    conn.flush()
    count = 0
    try:
        with (
            conn.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
    except psycopg.Error as exc:
        raise translated_error(exc, f"COPY {table}") from exc
    return count


def _conn(uow: SqliteUnitOfWork) -> PgConnection:
    return cast(PgConnection, uow.connection)


def copy_entries(uow: SqliteUnitOfWork, entries: Iterable[SettlementEntry]) -> int:
    """Write settlement entries with ``COPY`` in ``uow`` (no reallocation: see
    :func:`~salescore.app.receivables.import_settlements`); the number written."""
    return copy_rows(_conn(uow), "settlement_entries", ENTRY_COLUMNS, map(entry_row, entries))


def copy_payments(uow: SqliteUnitOfWork, payments: Iterable[Payment]) -> int:
    """Write payments with ``COPY`` in ``uow``, unallocated; the number written."""
    return copy_rows(_conn(uow), "settlement_payments", PAYMENT_COLUMNS, map(payment_row, payments))


def copy_allocations(
    uow: SqliteUnitOfWork, allocations: Iterable[tuple[SettlementAccount, Allocation]]
) -> int:
    """Append allocations (each with its account) with ``COPY`` in ``uow``; the number written."""
    rows = (allocation_row(account, a) for account, a in allocations)
    return copy_rows(_conn(uow), "settlement_allocations", ALLOCATION_COLUMNS, rows)
