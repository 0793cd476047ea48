"""The SQLite store, its unit of work and its document repository."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from salescore.adapters.codec import dumps, loads, to_plain
from salescore.adapters.collections import Collection
from salescore.adapters.sqlite._sql import in_chunks
from salescore.adapters.sqlite.orders import SqliteOrderRepository, SqliteQuoteRepository
from salescore.adapters.sqlite.pricing import SqlitePriceRegister
from salescore.adapters.sqlite.receivables import SqliteSettlementLedger
from salescore.adapters.sqlite.reservation import SqliteStockLedger
from salescore.adapters.sqlite.schema import (
    APPLICATION_ID,
    COMPONENTS,
    Component,
    migrate_components,
)
from salescore.adapters.sqlite.shipments import (
    SqlitePostedDocuments,
    SqliteReturnRepository,
    SqliteReturnRequestRepository,
    SqliteShipmentRepository,
)
from salescore.adapters.stores import NestingGuard, UnitOfWork, read_only_refusal
from salescore.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StorageError,
)
from salescore.shipments.ports import PostedDocument, PostedKind

__all__ = ["SqliteRepository", "SqliteStore", "SqliteUnitOfWork"]

T = TypeVar("T")
D = TypeVar("D", bound=PostedDocument)


class SqliteStore:
    """A salescore database in one SQLite file (or in memory).

    Isolation is serializable: SQLite has one writer at a time, and a unit of
    work takes the write lock when it begins (``BEGIN IMMEDIATE``), so what it
    checked still holds when it commits. A read-only unit of work begins
    deferred and reads a snapshot (in WAL mode) without waiting for writers.
    Threads may share the store: each thread has its own connection (the
    in-memory database has one, shared under a lock); :meth:`close` closes
    them all.

    Args:
        path: a file path, or ``":memory:"`` for a private in-memory database.
        timeout: seconds a writer waits for another writer's lock before failing.
        components: the schema components to create and check (all by default).

    Raises:
        StorageError: the file is not a SQLite database, is corrupted, or
            belongs to other software.
        SchemaVersionError: the file was written by a newer salescore.
    """

    name: ClassVar[str] = "sqlite"

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        timeout: float = 30.0,
        components: tuple[Component, ...] = COMPONENTS,
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.components = components
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._shared_lock = threading.RLock()
        self._nesting = NestingGuard(self.name)
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._closed = False
        if self.path == ":memory:":
            # One connection for every thread: a second one would see another database.
            self._shared = self._open()
        with self._translate_errors("open"), self._connection() as conn:
            self._migrate(conn)

    @classmethod
    def open(cls, url: str) -> SqliteStore:
        """The store for ``sqlite:PATH`` (``sqlite::memory:`` for an in-memory database)."""
        path = url.removeprefix("sqlite:")
        if not path.strip():
            raise InvalidInputError(
                f"store {url!r} names no file: use 'sqlite:PATH' or 'sqlite::memory:'", value=url
            )
        return cls(path)

    # --- connections -------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self.timeout,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                # One connection per thread all the same; close() closes them from any thread.
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open SQLite database {self.path!r}: {exc}") from exc
        conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            journal = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if journal is None:  # pragma: no cover - sqlite always answers
                raise StorageError(f"{self.path!r}: cannot set the journal mode")
            conn.execute("PRAGMA synchronous = NORMAL")
        with self._opened_lock:
            self._opened.append(conn)
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise StorageError(
                f"the SQLite store {self.path!r} is closed; open a new one with open_store()",
                path=self.path,
            )
        if self._shared is not None:
            with self._shared_lock:
                yield self._shared
            return
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        yield conn

    @contextmanager
    def _translate_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if "readonly" in str(exc):  # PRAGMA query_only: a read-only unit of work
                raise read_only_refusal(self.name, action) from exc
            raise StorageError(
                f"{self.path!r} cannot be used ({action}): {exc}. Is it a salescore database? "
                "Restore it from a backup or point salescore at a new file.",
                path=self.path,
            ) from exc

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables):
                raise StorageError(
                    f"{self.path!r} is a SQLite database of other software "
                    f"(application id {app_id:#x}); salescore will not write into it",
                    path=self.path,
                )
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS salescore_schema "
                "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            migrate_components(conn, self.components, self.path)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def unit_of_work(self, *, read_only: bool = False, immediate: bool = True) -> SqliteUnitOfWork:
        """A unit of work (one transaction); use it in a ``with`` block.

        Args:
            read_only: begin deferred (no write lock: readers never wait for
                writers) and refuse every write with
                :class:`~salescore.errors.UnitOfWorkError`.
            immediate: take the write lock at the start (``BEGIN IMMEDIATE``), so
                checks made inside the unit of work still hold when it commits.
                False begins deferred but still allows writes.
        """
        return SqliteUnitOfWork(self, immediate=immediate and not read_only, read_only=read_only)

    def close(self) -> None:
        """Close every connection of this store, whichever thread opened it."""
        self._closed = True
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._shared = None


class SqliteUnitOfWork(UnitOfWork):
    """One SQLite transaction; leaving the block without commit rolls back."""

    def __init__(
        self, store: SqliteStore, *, immediate: bool = True, read_only: bool = False
    ) -> None:
        self.store = store
        self._immediate = immediate
        self.read_only = read_only
        self._conn: sqlite3.Connection | None = None
        self._connection_cm: Any = None
        super().__init__(self)

    # Backend
    def documents(self, collection: Collection[T]) -> SqliteRepository[T]:
        """A document repository over ``collection`` bound to this unit of work."""
        return SqliteRepository(self, collection)

    def open_price_register(self) -> SqlitePriceRegister:
        """The price register bound to this unit of work."""
        return SqlitePriceRegister(self)

    def open_settlement_ledger(self) -> SqliteSettlementLedger:
        """The settlement ledger bound to this unit of work."""
        return SqliteSettlementLedger(self)

    def open_stock_ledger(self) -> SqliteStockLedger:
        """The reservation ledger bound to this unit of work."""
        return SqliteStockLedger(self)

    def open_quotes(self) -> SqliteQuoteRepository:
        """The commercial proposals bound to this unit of work."""
        return SqliteQuoteRepository(self)

    def open_orders(self) -> SqliteOrderRepository:
        """The sales orders bound to this unit of work."""
        return SqliteOrderRepository(self)

    def open_shipments(self) -> SqliteShipmentRepository:
        """The posted shipments bound to this unit of work."""
        return SqliteShipmentRepository(self)

    def open_customer_returns(self) -> SqliteReturnRepository:
        """The posted client returns bound to this unit of work."""
        return SqliteReturnRepository(self)

    def open_return_requests(self) -> SqliteReturnRequestRepository:
        """The return requests bound to this unit of work."""
        return SqliteReturnRequestRepository(self)

    def open_posted(self, kind: PostedKind[D]) -> SqlitePostedDocuments[D]:
        """The posted documents of ``kind`` bound to this unit of work."""
        return SqlitePostedDocuments(self, kind)

    def reference_revision(self) -> str:
        """The token the reference tables' triggers renew (see the schema)."""
        with self.store._translate_errors("reference_revision"):
            row = self.connection.execute("SELECT token FROM reference_revision").fetchone()
        # No row (deleted by hand): a token never given again, so nothing is kept
        # under it; the next write to the reference tables puts the row back.
        return str(row[0]) if row is not None else f"unknown-{uuid.uuid4().hex}"

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, inside a transaction: after a commit or a rollback the
        next use begins the next transaction, so work is never done outside one."""
        conn = self._open_connection()
        if not conn.in_transaction:
            self._begin(conn)
        return conn

    @contextmanager
    def savepoint(self, name: str) -> Iterator[sqlite3.Connection]:
        """An all-or-nothing step inside the transaction, named ``name``.

        If the block raises, its writes are undone and the transaction goes on
        with what came before (unless SQLite has already rolled the whole
        transaction back); the error is raised again.
        """
        conn = self.connection
        with self.store._translate_errors(name):
            conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already
                with self.store._translate_errors(name):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            raise
        with self.store._translate_errors(name):
            conn.execute(f"RELEASE {name}")

    def _begin(self, conn: sqlite3.Connection) -> None:
        with self.store._translate_errors("begin"):
            conn.execute("BEGIN IMMEDIATE" if self._immediate else "BEGIN")

    def _set_read_only(self, conn: sqlite3.Connection, on: bool) -> None:
        with self.store._translate_errors("begin"):
            conn.execute(f"PRAGMA query_only = {int(on)}")

    def __enter__(self) -> Self:
        self.store._nesting.enter()
        try:
            self._connection_cm = self.store._connection()
            self._conn = self._connection_cm.__enter__()
            if self.read_only:
                self._set_read_only(self._conn, True)
            self._begin(self._conn)
        except BaseException:
            self._release()
            raise
        return self

    def _release(self) -> None:
        cm, self._connection_cm, conn, self._conn = self._connection_cm, None, self._conn, None
        try:
            if conn is not None and self.read_only:
                self._set_read_only(conn, False)
        finally:
            if cm is not None:
                cm.__exit__(None, None, None)
            self.store._nesting.leave()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._release()

    def commit(self) -> None:
        """Commit the transaction; the next use of the unit of work begins another."""
        conn = self._open_connection()
        if conn.in_transaction:
            with self.store._translate_errors("commit"):
                conn.execute("COMMIT")

    def _open_connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(
                "the unit of work is not open: use it as `with store.unit_of_work() as uow:`"
            )
        return self._conn

    def rollback(self) -> None:
        """Discard every change since the last commit."""
        conn = self._open_connection()
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class SqliteRepository(Generic[T]):
    """A :class:`~salescore.ports.Repository` keeping entities as JSON documents."""

    def __init__(self, uow: SqliteUnitOfWork, collection: Collection[T]) -> None:
        self._uow = uow
        self._collection = collection
        self._table = collection.name

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors(self._table):
            return self._uow.connection.execute(sql, params)

    def _check_type(self, entity: object) -> None:
        if not isinstance(entity, self._collection.type):
            raise TypeError(
                f"{self._table} keeps {self._collection.type.__name__}, not {type(entity).__name__}"
            )

    def add(self, entity: T) -> None:
        self._check_type(entity)
        key = str(getattr(entity, "id"))  # noqa: B009
        try:
            self._execute(
                f"INSERT INTO {self._table}(id, data) VALUES (?, ?)", (key, dumps(entity))
            )
        except (StorageError, ConflictError) as exc:  # ConflictError: another driver's
            if isinstance(exc, ConflictError) or isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise ConflictError(
                    f"{self._table}: id {key!r} already exists; use save() to replace it", id=key
                ) from None
            raise

    def save(self, entity: T) -> None:
        self._check_type(entity)
        key = str(getattr(entity, "id"))  # noqa: B009
        self._execute(
            f"INSERT INTO {self._table}(id, data) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET data = excluded.data",
            (key, dumps(entity)),
        )

    def find(self, id: Any) -> T | None:
        row = self._execute(f"SELECT data FROM {self._table} WHERE id = ?", (str(id),)).fetchone()
        return None if row is None else loads(row[0], self._collection.type)

    def get(self, id: Any) -> T:
        found = self.find(id)
        if found is None:
            raise NotFoundError(f"{self._table}: no entity with id {id!r}", id=id)
        return found

    def all(self) -> list[T]:
        rows = self._execute(f"SELECT data FROM {self._table} ORDER BY id").fetchall()
        return [loads(row[0], self._collection.type) for row in rows]

    def find_many(self, ids: Iterable[Any]) -> list[T]:
        found = []
        for keys, marks in in_chunks(ids):
            found += self._execute(
                f"SELECT data FROM {self._table} WHERE id IN ({marks}) ORDER BY id", keys
            ).fetchall()
        # Chunks come in id order, each sorted: the whole is sorted.
        return [loads(row[0], self._collection.type) for row in found]

    def _searched(self, fields: Iterable[str]) -> None:
        for field in fields:
            if field not in self._collection.indexes:
                raise StorageError(
                    f"{self._table} cannot be searched by {field!r}; "
                    f"searchable fields: {', '.join(self._collection.indexes) or 'none'}"
                )

    def _field_test(self, field: str, plain: object) -> tuple[str, tuple[Any, ...]]:
        """The SQL condition of ``field`` equal to ``plain`` (a JSON value) and its parameters."""
        if plain is None:
            return f"json_extract(data, '$.{field}') IS NULL", ()
        return f"json_extract(data, '$.{field}') = ?", (plain,)

    def find_by(self, field: str, value: object, **also: object) -> list[T]:
        wanted = {field: value, **also}
        self._searched(wanted)
        tests: list[str] = []
        params: tuple[Any, ...] = ()
        for name, v in wanted.items():
            test, more = self._field_test(name, to_plain(v))
            tests.append(test)
            params += more
        sql = f"SELECT data FROM {self._table} WHERE {' AND '.join(tests)} ORDER BY id"
        rows = self._execute(sql, params).fetchall()
        return [loads(row[0], self._collection.type) for row in rows]

    def remove(self, id: Any) -> None:
        cursor = self._execute(f"DELETE FROM {self._table} WHERE id = ?", (str(id),))
        if cursor.rowcount == 0:
            raise NotFoundError(f"{self._table}: no entity with id {id!r}", id=id)

    def __len__(self) -> int:
        return int(self._execute(f"SELECT count(*) FROM {self._table}").fetchone()[0])
