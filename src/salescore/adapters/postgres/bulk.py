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
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, cast

import psycopg

from salescore.adapters.codec import to_plain
from salescore.adapters.postgres.connection import PgConnection, translated_error
from salescore.adapters.sqlite.receivables import _account_values as _account
from salescore.adapters.sqlite.receivables import entry_row
from salescore.adapters.sqlite.store import SqliteUnitOfWork
from salescore.receivables.ledger import Allocation, Payment, SettlementAccount, SettlementEntry

__all__ = [
    "ALLOCATION_COLUMNS",
    "COPY_THRESHOLD",
    "ENTRY_COLUMNS",
    "PAYMENT_COLUMNS",
    "TYPES",
    "allocation_row",
    "copy_allocations",
    "copy_entries",
    "copy_payments",
    "copy_rows",
    "entry_row",
    "payment_row",
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


# The server's type of every column (the binary COPY format needs them).
TYPES = {
    "settlement_entries": [
        "int4" if c == "minor_units" else "int8" if c == "amount_minor" else "text"
        for c in ENTRY_COLUMNS
    ],
    "settlement_payments": [
        {"minor_units": "int4", "paid_minor_units": "int4", "settled_minor": "int8",
         "amount": "numeric", "rate": "numeric"}.get(c, "text")
        for c in PAYMENT_COLUMNS
    ],
    "settlement_allocations": [
        {"amount_minor": "int8", "manual": "int4"}.get(c, "text") for c in ALLOCATION_COLUMNS
    ],
}  # fmt: skip


def copy_rows(
    conn: PgConnection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    types: Sequence[str] | None = None,
) -> int:
    """Stream ``rows`` into ``table`` with one ``COPY``; the number of rows written.

    With the columns' server ``types`` (``"text"``, ``"int8"`` …) the rows
    travel in the binary format, which the server reads faster. ``rows`` must
    not read through ``conn`` while they are produced (the connection is busy
    with the copy): materialise such rows first.

    Raises:
        ConflictError: a row repeats a stored key (nothing of the batch is kept
            if the caller's savepoint or transaction is rolled back).
        StorageError: any other refusal of the server.
    """
    conn.flush()
    count = 0
    try:
        binary = " (FORMAT BINARY)" if types is not None else ""
        with (
            conn.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{binary}") as copy,
        ):
            if types is not None:
                copy.set_types(list(types))
            for row in rows:
                copy.write_row(row)
                count += 1
    except psycopg.Error as exc:
        raise translated_error(exc, f"COPY {table}") from exc
    return count


def _conn(uow: SqliteUnitOfWork) -> PgConnection:
    return cast(PgConnection, uow.connection)


def _entry_rows(entries: Iterable[SettlementEntry]) -> Iterator[tuple[Any, ...]]:
    """:func:`entry_row` of each entry, an account's and a date's columns made once."""
    accounts: dict[int, tuple[SettlementAccount, tuple[Any, ...]]] = {}
    days: dict[date, str] = {}
    for e in entries:
        found = accounts.get(id(e.account))
        if found is None:
            found = accounts[id(e.account)] = (e.account, _account(e.account))  # kept alive
        posted = days.get(e.posted_on) or days.setdefault(e.posted_on, e.posted_on.isoformat())
        due = days.get(e.due_date) or days.setdefault(e.due_date, e.due_date.isoformat())
        yield (e.id, e.kind.value, *found[1], e.order_id, e.document_id, posted, due,
               e.amount.minor_units, e.manager)  # fmt: skip


def copy_entries(uow: SqliteUnitOfWork, entries: Iterable[SettlementEntry]) -> int:
    """Write settlement entries with ``COPY`` in ``uow`` (no reallocation: see
    :func:`~salescore.app.receivables.import_settlements`); the number written."""
    table = "settlement_entries"
    return copy_rows(_conn(uow), table, ENTRY_COLUMNS, _entry_rows(entries), TYPES[table])


def copy_payments(uow: SqliteUnitOfWork, payments: Iterable[Payment]) -> int:
    """Write payments with ``COPY`` in ``uow``, unallocated; the number written."""
    table = "settlement_payments"
    rows = map(payment_row, payments)
    return copy_rows(_conn(uow), table, PAYMENT_COLUMNS, rows, TYPES[table])


def copy_allocations(
    uow: SqliteUnitOfWork, allocations: Iterable[tuple[SettlementAccount, Allocation]]
) -> int:
    """Append allocations (each with its account) with ``COPY`` in ``uow``; the number written."""
    table = "settlement_allocations"
    rows = (allocation_row(account, a) for account, a in allocations)
    return copy_rows(_conn(uow), table, ALLOCATION_COLUMNS, rows, TYPES[table])
