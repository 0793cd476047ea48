"""The PostgreSQL store: a connection pool, units of work as transactions, the shared SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any, ClassVar, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from salescore.adapters.collections import Collection
from salescore.adapters.postgres.aging import open_group_sums
from salescore.adapters.postgres.bulk import (
    ALLOCATION_COLUMNS,
    COPY_THRESHOLD,
    TYPES,
    copy_entries,
    copy_payments,
    copy_rows,
)
from salescore.adapters.postgres.connection import (
    LOCK_SLOTS,
    PgConnection,
    defer_lock,
    translated_error,
)
from salescore.adapters.postgres.orders import PostgresOrderRepository
from salescore.adapters.postgres.reservation import PostgresStockLedger
from salescore.adapters.postgres.schema import COMPONENTS, LOCK_KEY
from salescore.adapters.postgres.shipments import (
    PostgresPostedDocuments,
    PostgresReturnRepository,
    PostgresShipmentRepository,
)
from salescore.adapters.sqlite.pricing import SqlitePriceRegister, _record
from salescore.adapters.sqlite.receivables import SqliteSettlementLedger, _entry_rows
from salescore.adapters.sqlite.schema import Component, migrate_components
from salescore.adapters.sqlite.store import SqliteRepository, SqliteStore, SqliteUnitOfWork
from salescore.adapters.stores import NestingGuard
from salescore.errors import StorageError
from salescore.parties import ProductId
from salescore.pricing import PriceRecord, PriceTypeId
from salescore.receivables.aging import OpenGroupSums
from salescore.receivables.allocation import AllocationRow, EntryRow
from salescore.receivables.ledger import (
    Allocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
)
from salescore.receivables.ports import CreditPosition
from salescore.shipments.ports import PostedDocument, PostedKind

__all__ = [
    "DOCUMENT_LOCK_KEY",
    "PostgresRepository",
    "PostgresSettlementLedger",
    "PostgresStore",
    "PostgresUnitOfWork",
]

T = TypeVar("T")
D = TypeVar("D", bound=PostedDocument)

DOCUMENT_LOCK_KEY = 0x53614463
"""The first key of the advisory locks on documents read for writing (``SaDc``)."""


def _configure(conn: psycopg.Connection[Any]) -> None:
    # Documents come back as the JSON text the codec reads, as from SQLite.
    conn.adapters.register_loader("jsonb", TextLoader)
    conn.adapters.register_loader("json", TextLoader)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore:
    """A salescore database on a PostgreSQL server, shared by processes and machines.

    Args:
        url: a libpq URL, ``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``.
        min_size, max_size: connections the pool keeps open and may open.
        timeout: seconds to wait for the server (and for a free connection).
        components: the schema components to create and check (all by default).

    Isolation is PostgreSQL's READ COMMITTED. Stock is taken by one conditional
    ``UPDATE … WHERE quantity + delta >= 0`` (the balance row's lock orders the
    takers), and a settlement account is locked (a transaction advisory lock on
    its hashed slot, :data:`LOCK_SLOTS`) before it is read for allocation, so
    neither can be oversold or over-allocated by concurrent writers. A read-only unit of work is a
    ``READ ONLY`` transaction. Threads may share the store: each unit of work
    takes a connection from the pool; :meth:`close` closes the pool.

    Raises:
        StorageError: the server cannot be reached.
        SchemaVersionError: the database was written by a newer salescore.
    """

    name: ClassVar[str] = "postgresql"

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 8,
        timeout: float = 30.0,
        components: tuple[Component, ...] = COMPONENTS,
    ) -> None:
        self.url = url
        self.path = _redacted(url)  # what messages name
        self.components = components
        self._nesting = NestingGuard(self.name)
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True},  # units of work issue BEGIN/COMMIT themselves
            configure=_configure,
            open=False,
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout as exc:
            self._pool.close()
            raise StorageError(
                f"cannot connect to PostgreSQL at {self.path} within {timeout:g} s; "
                "is the server running and the URL right (user, host, port, database)?",
                path=self.path,
            ) from exc
        try:
            with self._connection() as conn:
                self._migrate(cast(PgConnection, conn))
        except BaseException:
            self._pool.close()
            raise

    @classmethod
    def open(cls, url: str) -> PostgresStore:
        """The store for a ``postgresql://`` (or ``postgres://``) URL."""
        return cls(url)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._pool.closed:
            raise StorageError(
                f"the PostgreSQL store {self.path} is closed; open a new one with open_store()",
                path=self.path,
            )
        try:
            with self._pool.connection() as raw:
                # The shared repositories call it as they call sqlite3: same subset.
                yield cast(sqlite3.Connection, PgConnection(raw))
        except PoolTimeout as exc:
            raise StorageError(
                f"no free PostgreSQL connection to {self.path}: all {self._pool.max_size} are "
                "busy; raise max_size or finish units of work sooner",
                path=self.path,
            ) from exc

    @contextmanager
    def _translate_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise translated_error(exc, action) from exc

    def _migrate(self, conn: PgConnection) -> None:
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (LOCK_KEY,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS salescore_schema "
                '(component TEXT COLLATE "C" PRIMARY KEY, version INTEGER NOT NULL)'
            )
            migrate_components(conn, self.components, self.path)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def unit_of_work(self, *, read_only: bool = False) -> PostgresUnitOfWork:
        """A unit of work (one transaction on a pooled connection); use it in a ``with`` block.

        Args:
            read_only: a ``READ ONLY`` transaction: no locks taken, every write
                refused with :class:`~salescore.errors.UnitOfWorkError`.
        """
        return PostgresUnitOfWork(self, read_only=read_only)

    def close(self) -> None:
        """Close the pool and every connection in it."""
        self._pool.close()


class PostgresUnitOfWork(SqliteUnitOfWork):
    """One PostgreSQL transaction; leaving the block without commit rolls back."""

    def __init__(self, store: PostgresStore, *, read_only: bool = False) -> None:
        # The SQLite unit of work's logic is the same; only BEGIN differs.
        super().__init__(cast(SqliteStore, store), immediate=False, read_only=read_only)

    def _begin(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN READ ONLY" if self.read_only else "BEGIN")

    def _set_read_only(self, conn: sqlite3.Connection, on: bool) -> None:
        """Nothing: the transaction itself is read-only."""

    def documents(self, collection: Collection[T]) -> PostgresRepository[T]:
        """A document repository over ``collection`` bound to this unit of work."""
        return PostgresRepository(self, collection)

    def open_price_register(self) -> PostgresPriceRegister:
        """The price register bound to this unit of work."""
        return PostgresPriceRegister(self)

    def open_settlement_ledger(self) -> PostgresSettlementLedger:
        """The settlement ledger bound to this unit of work."""
        return PostgresSettlementLedger(self)

    def open_stock_ledger(self) -> PostgresStockLedger:
        """The reservation ledger bound to this unit of work (a batch is one statement)."""
        return PostgresStockLedger(self)

    def open_orders(self) -> PostgresOrderRepository:
        """Sales orders bound to this unit of work (numbered under a lock)."""
        return PostgresOrderRepository(self)

    def open_shipments(self) -> PostgresShipmentRepository:
        """Shipments bound to this unit of work (an order's read under its lock)."""
        return PostgresShipmentRepository(self)

    def open_customer_returns(self) -> PostgresReturnRepository:
        """Customer returns bound to this unit of work (a shipment's read under its lock)."""
        return PostgresReturnRepository(self)

    def open_posted(self, kind: PostedKind[D]) -> PostgresPostedDocuments[D]:
        """Posted documents of ``kind`` bound to this unit of work (an order's or a
        shipment's read under its lock)."""
        return PostgresPostedDocuments(self, kind)


class PostgresRepository(SqliteRepository[T]):
    """Documents as ``jsonb``; searched fields are ``data -> 'field'`` (indexed).

    In a collection with ``locked_reads``, :meth:`find` (and ``get``) in a writing
    unit of work first takes a transaction advisory lock on the entity's id
    (:data:`DOCUMENT_LOCK_KEY` and the hashed table and id, sent with the read in
    one round trip): a second writer waits and then reads what the first committed.
    """

    def find(self, id: Any) -> T | None:
        if self._collection.locked_reads and not self._uow.read_only:
            defer_lock(self._uow.connection, DOCUMENT_LOCK_KEY, f"{self._table}\x1f{id}")
        return super().find(id)

    def _field_test(self, field: str, plain: object) -> tuple[str, tuple[Any, ...]]:
        if plain is None:
            return f"coalesce(data -> '{field}', 'null'::jsonb) = 'null'::jsonb", ()
        return f"data -> '{field}' = ?::jsonb", (json.dumps(plain),)


class PostgresPriceRegister(SqlitePriceRegister):
    """The price register; the latest price per product is a ``DISTINCT ON``."""

    def prices_as_of(
        self,
        price_type_ids: Iterable[PriceTypeId],
        on: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        ids = list(dict.fromkeys(price_type_ids))
        if not ids:
            return []
        where, params = "", cast(tuple[Any, ...], ())
        if product_ids is not None:
            products = sorted({str(p) for p in product_ids})
            if not products:
                return []
            where, params = "AND product = ANY(?) ", (products,)
        rows = self._execute(
            "SELECT DISTINCT ON (price_type, product, characteristic) price_type, product, "
            "characteristic, effective, amount, currency, minor_units FROM price_register "
            f"WHERE price_type = ANY(?) {where}AND effective <= ? "
            "ORDER BY price_type, product, characteristic, effective DESC",
            (ids, *params, on.isoformat()),
        ).fetchall()
        return [_record(row) for row in rows]


class PostgresSettlementLedger(SqliteSettlementLedger):
    """The settlement ledger; an account is locked before it is read for writing.

    A transaction advisory lock on the account's slot (released at commit or
    rollback) makes concurrent allocations to one client take turns, as SQLite's single
    writer does, so a payment is never allocated twice. Accounts are locked by
    :data:`LOCK_SLOTS` hashed slots, taken in slot order in one statement: a
    unit of work holds at most that many locks however many accounts it
    writes (one lock per account ran the server's lock table out of shared
    memory beyond about ten thousand accounts), and two writers never wait for
    each other in a cycle within one call. Large batches are written with
    ``COPY`` (:mod:`salescore.adapters.postgres.bulk`).
    """

    _ROWID = "ctid"
    _SEPARATOR = "chr(31)"
    _SCAN_HINT = ""
    _STREAM_ROWS = False
    _KEY_RANGE = False

    _ENTRY_ROW_COLUMNS = (
        "id, kind, order_id, posted_on::date - DATE '0001-01-01' + 1, "
        "due_date::date - DATE '0001-01-01' + 1, amount_minor"
    )

    def _entry_groups(self) -> Iterator[tuple[str, list[EntryRow]]]:
        # Under READ COMMITTED each statement reads its own snapshot: counts taken by one
        # statement could disagree with the rows of the next, so each row carries its key.
        rows = self._execute(
            f"SELECT {self._ENTRY_ROW_COLUMNS}, account_key FROM settlement_entries "
            "ORDER BY account_key"
        )
        for key, group in groupby(rows, itemgetter(6)):
            yield key, _entry_rows(group)

    def _lock(self, accounts: Iterable[SettlementAccount]) -> None:
        if self._uow.read_only:
            return
        keys = sorted({account.key for account in accounts})
        if not keys:
            return
        if len(keys) == 1:
            self._execute(
                "SELECT pg_advisory_xact_lock(?, hashtext(?) & ?)",
                (LOCK_KEY, keys[0], LOCK_SLOTS - 1),
            )
            return
        self._execute(
            "SELECT count(pg_advisory_xact_lock(?, slot)) FROM (SELECT DISTINCT "
            "hashtext(k) & ? AS slot FROM unnest(?::text[]) AS k ORDER BY slot) AS slots",
            (LOCK_KEY, LOCK_SLOTS - 1, keys),
        )

    def open_group_sums(
        self, as_of: date, measure: Measure, fields: Sequence[str], thresholds: Sequence[int]
    ) -> OpenGroupSums | None:
        """Aging sums per group and bucket, computed by the server
        (:func:`~salescore.adapters.postgres.aging.open_group_sums`)."""
        return open_group_sums(self, as_of, measure, fields, thresholds)

    def entries(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[SettlementEntry]:
        if account is not None:
            self._lock([account])
        return super().entries(partner_id=partner_id, account=account, order_id=order_id)

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        if account is not None:
            self._lock([account])
        return super().payments(partner_id=partner_id, account=account)

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        entries = list(entries)
        self._lock(e.account for e in entries)
        if len(entries) < COPY_THRESHOLD:
            super().add_entries(entries)
            return
        with self._uow.savepoint("add_entries"):  # all or nothing, as below the threshold
            copy_entries(self._uow, entries)
            self._renew_version()

    def add_payment(self, payment: Payment) -> None:
        self._lock([payment.account])
        super().add_payment(payment)

    def add_payments(self, payments: Iterable[Payment]) -> None:
        payments = list(payments)
        self._lock(p.account for p in payments)
        if len(payments) < COPY_THRESHOLD:
            super().add_payments(payments)
            return
        with self._uow.savepoint("add_payments"):
            copy_payments(self._uow, payments)
            self._renew_version()

    def credit_position(self, account: SettlementAccount) -> CreditPosition:
        self._lock([account])
        return super().credit_position(account)

    def open_rows(self, account: SettlementAccount) -> list[EntryRow]:
        self._lock([account])
        return super().open_rows(account)

    def add_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._lock([account])
        super().add_allocations(account, allocations)

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._lock([account])
        super().replace_allocations(account, allocations)

    def replace_all_allocations(
        self, allocations: Iterable[tuple[SettlementAccount, Sequence[AllocationRow]]]
    ) -> int:
        # The rows are read through this connection while they are computed: all are
        # computed first, then written by one COPY.
        iso: dict[int, str] = {}
        rows: list[tuple[Any, ...]] = []
        add = rows.append
        for account, found in allocations:
            key, partner = account.key, account.partner_id
            for measure, source, entry, day, units, manual in found:
                text = iso.get(day)
                if text is None:
                    text = iso[day] = date.fromordinal(day).isoformat()
                add((key, partner, measure.value, source, entry, text, units, int(manual)))
        with self._uow.savepoint("replace_all_allocations") as conn:
            conn.execute("DELETE FROM settlement_allocations")
            table = "settlement_allocations"
            copy_rows(cast(PgConnection, conn), table, ALLOCATION_COLUMNS, rows, TYPES[table])
        self._renew_version()
        return len(rows)
