"""The in-memory store, its unit of work and its document repository."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from salescore.adapters.codec import to_plain
from salescore.adapters.collections import REFERENCE, Collection
from salescore.adapters.memory._delete import DELETE
from salescore.adapters.memory.orders import MemoryOrderRepository, MemoryQuoteRepository
from salescore.adapters.memory.pricing import MemoryPriceRegister
from salescore.adapters.memory.receivables import InMemorySettlementLedger
from salescore.adapters.memory.reservation import MemoryStockLedger
from salescore.adapters.memory.shipments import (
    MemoryPostedDocuments,
    MemoryReturnRepository,
    MemoryReturnRequestRepository,
    MemoryShipmentRepository,
)
from salescore.adapters.stores import NestingGuard, UnitOfWork, read_only_refusal
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.shipments.ports import PostedDocument, PostedKind

__all__ = ["MemoryRepository", "MemoryStore", "MemoryUnitOfWork"]

T = TypeVar("T")
D = TypeVar("D", bound=PostedDocument)


_REFERENCE_NAMES = frozenset(c.name for c in REFERENCE)


class MemoryStore:
    """Keeps every collection in dictionaries of this process.

    One unit of work at a time, read-only ones included (a lock): the
    isolation is serializable. Threads may share the store; a thread waits
    for the unit of work of another. ``close()`` has nothing to release.
    """

    name: ClassVar[str] = "memory"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._nesting = NestingGuard(self.name)
        self.tables: dict[str, dict[Any, Any]] = {}
        self._closed = False
        self.reference_token = uuid.uuid4().hex

    @classmethod
    def open(cls, url: str) -> MemoryStore:
        """A new, empty store for the URL ``memory:``."""
        return cls()

    def unit_of_work(self, *, read_only: bool = False) -> MemoryUnitOfWork:
        """A new unit of work; use it in a ``with`` block.

        Args:
            read_only: refuse every write (with :class:`~salescore.errors.UnitOfWorkError`).
        """
        return MemoryUnitOfWork(self, read_only=read_only)

    def close(self) -> None:
        """Refuse further units of work (as every store does once closed)."""
        self._closed = True

    def table(self, name: str) -> dict[Any, Any]:
        """The dictionary behind collection ``name`` (created on first use)."""
        return self.tables.setdefault(name, {})

    def renew_reference(self) -> None:
        """Give the reference data a new token (see ``reference_revision``)."""
        self.reference_token = uuid.uuid4().hex


class MemoryUnitOfWork(UnitOfWork):
    """All-or-nothing changes to a :class:`MemoryStore`, kept as an undo log."""

    def __init__(self, store: MemoryStore, *, read_only: bool = False) -> None:
        self.store = store
        self.read_only = read_only
        self._undo: list[Callable[[], None]] = []
        self._active = False
        super().__init__(self)

    # Backend
    def documents(self, collection: Collection[T]) -> MemoryRepository[T]:
        """A document repository over ``collection`` bound to this unit of work."""
        return MemoryRepository(self, collection)

    def open_price_register(self) -> MemoryPriceRegister:
        """The price register bound to this unit of work."""
        return MemoryPriceRegister(self)

    def open_settlement_ledger(self) -> InMemorySettlementLedger:
        """The settlement ledger bound to this unit of work."""
        return InMemorySettlementLedger(self)

    def open_stock_ledger(self) -> MemoryStockLedger:
        """The reservation ledger bound to this unit of work."""
        return MemoryStockLedger(self)

    def open_quotes(self) -> MemoryQuoteRepository:
        """The commercial proposals bound to this unit of work."""
        return MemoryQuoteRepository(self)

    def open_orders(self) -> MemoryOrderRepository:
        """The sales orders bound to this unit of work."""
        return MemoryOrderRepository(self)

    def open_shipments(self) -> MemoryShipmentRepository:
        """The posted shipments bound to this unit of work."""
        return MemoryShipmentRepository(self)

    def open_customer_returns(self) -> MemoryReturnRepository:
        """The posted client returns bound to this unit of work."""
        return MemoryReturnRepository(self)

    def open_return_requests(self) -> MemoryReturnRequestRepository:
        """The return requests bound to this unit of work."""
        return MemoryReturnRequestRepository(self)

    def open_posted(self, kind: PostedKind[D]) -> MemoryPostedDocuments[D]:
        """The posted documents of ``kind`` bound to this unit of work."""
        return MemoryPostedDocuments(self, kind)

    def reference_revision(self) -> str:
        """The reference data's token: renewed by every write to them (a rolled-back
        write too: a new token only makes a session read them again)."""
        self.check_active()
        return self.store.reference_token

    def check_active(self) -> None:
        """Refuse to work outside the ``with`` block."""
        if not self._active:
            raise StorageError(
                "the unit of work is not open: use it as `with store.unit_of_work() as uow:`"
            )

    def record_undo(self, action: Callable[[], None]) -> None:
        """Remember how to revert one change (refused, and reverted, when read-only)."""
        self._undo.append(action)
        if self.read_only:
            raise read_only_refusal(self.store.name, "write")

    def table(self, name: str) -> dict[Any, Any]:
        """The dictionary behind ``name``, once the unit of work is open."""
        self.check_active()
        return self.store.table(name)

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        """Set ``table[key]`` (or delete it when ``value`` is :data:`DELETE`), undoably."""
        previous = table.get(key, DELETE)

        def undo() -> None:
            if previous is DELETE:
                table.pop(key, None)
            else:
                table[key] = previous

        if value is DELETE:
            table.pop(key, None)
        else:
            table[key] = value
        self.record_undo(undo)

    def __enter__(self) -> Self:
        if self.store._closed:
            raise StorageError("the memory store is closed; open a new one with open_store()")
        self.store._nesting.enter()
        try:
            self.store._lock.acquire()
        except BaseException:
            self.store._nesting.leave()
            raise
        self._active = True
        self._undo = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._active = False
            self.store._lock.release()
            self.store._nesting.leave()

    def commit(self) -> None:
        """Keep every change made so far (a read-only unit of work keeps none)."""
        self.check_active()
        if self.read_only:
            self.rollback()
        self._undo = []

    def rollback(self) -> None:
        """Revert every change since the last commit, newest first."""
        while self._undo:
            self._undo.pop()()


class MemoryRepository(Generic[T]):
    """A :class:`~salescore.ports.Repository` over a dictionary."""

    def __init__(self, uow: MemoryUnitOfWork, collection: Collection[T]) -> None:
        self._uow = uow
        self._collection = collection

    @property
    def _rows(self) -> dict[Any, T]:
        return self._uow.table(self._collection.name)

    def _put(self, key: Any, entity: T) -> None:
        self._uow.put(self._rows, key, entity)
        if self._collection.name in _REFERENCE_NAMES:
            # Renewed on the write and again on its undo: a token never stands
            # for two states of the reference data.
            store = self._uow.store
            store.renew_reference()
            self._uow.record_undo(store.renew_reference)

    def _check_type(self, entity: object) -> None:
        if not isinstance(entity, self._collection.type):
            raise TypeError(
                f"{self._collection.name} keeps {self._collection.type.__name__}, "
                f"not {type(entity).__name__}"
            )

    def add(self, entity: T) -> None:
        self._check_type(entity)
        key = getattr(entity, "id")  # noqa: B009 - every entity has an id; the type says nothing
        if key in self._rows:
            raise ConflictError(
                f"{self._collection.name}: id {key!r} already exists; use save() to replace it",
                id=key,
            )
        self._put(key, entity)

    def save(self, entity: T) -> None:
        self._check_type(entity)
        self._put(getattr(entity, "id"), entity)  # noqa: B009

    def get(self, id: Any) -> T:
        found = self._rows.get(id)
        if found is None:
            raise NotFoundError(f"{self._collection.name}: no entity with id {id!r}", id=id)
        return found

    def find(self, id: Any) -> T | None:
        return self._rows.get(id)

    def all(self) -> list[T]:
        rows = self._rows
        return [rows[key] for key in sorted(rows)]

    def find_many(self, ids: Iterable[Any]) -> list[T]:
        rows = self._rows
        return [rows[key] for key in sorted(set(ids)) if key in rows]

    def find_by(self, field: str, value: object, **also: object) -> list[T]:
        wanted = {field: value, **also}
        for name in wanted:
            if name not in self._collection.indexes:
                raise StorageError(
                    f"{self._collection.name} cannot be searched by {name!r}; "
                    f"searchable fields: {', '.join(self._collection.indexes) or 'none'}"
                )
        plain = [(name, to_plain(v)) for name, v in wanted.items()]
        return [e for e in self.all() if all(to_plain(getattr(e, name)) == v for name, v in plain)]

    def remove(self, id: Any) -> None:
        rows = self._rows
        if id not in rows:
            raise NotFoundError(f"{self._collection.name}: no entity with id {id!r}", id=id)
        self._put(id, DELETE)

    def __len__(self) -> int:
        return len(self._rows)
