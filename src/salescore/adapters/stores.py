"""The store protocol every storage adapter implements, and the rules its units of work share.

A *store* is opened from a URL (:meth:`Store.open`), gives units of work
(:meth:`Store.unit_of_work`) and is closed once (:meth:`Store.close`). A unit
of work is one transaction: a ``with`` block whose changes are kept only by
:meth:`UnitOfWork.commit`. Every store behaves the same way:

* a unit of work opened inside another one *in the same thread* is refused
  with :class:`~salescore.errors.UnitOfWorkError` (a second transaction on the
  same connection would either deadlock or silently join the first);
* ``unit_of_work(read_only=True)`` takes no write lock and refuses writes with
  :class:`~salescore.errors.UnitOfWorkError`;
* ``close()`` closes every connection the store opened, in every thread.

A third-party store subclasses :class:`UnitOfWork` (its repositories come from
a :class:`~salescore.adapters.repositories.Backend`), implements :class:`Store`
and registers its class in the ``salescore.stores`` entry-point group under its
URL scheme; :func:`salescore.app.stores.open_store` then finds it.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from types import TracebackType
from typing import ClassVar, Protocol, Self, runtime_checkable

from salescore.adapters.repositories import Repositories
from salescore.errors import UnitOfWorkError

__all__ = ["NestingGuard", "Store", "UnitOfWork", "read_only_refusal"]


class UnitOfWork(Repositories):
    """One transaction of a store, with every repository as an attribute."""

    read_only: bool = False

    @abstractmethod
    def __enter__(self) -> Self: ...

    @abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    @abstractmethod
    def commit(self) -> None:
        """Keep every change made so far."""

    @abstractmethod
    def rollback(self) -> None:
        """Discard every change since the last commit."""


@runtime_checkable
class Store(Protocol):
    """A place units of work keep their data in: memory, a SQLite file, a PostgreSQL server.

    ``name`` is the URL scheme the store answers to (``memory``, ``sqlite``,
    ``postgresql``); :meth:`open` builds a store from such a URL.
    """

    name: ClassVar[str]

    @classmethod
    def open(cls, url: str) -> Store:
        """The store a URL of this store's scheme names."""
        ...

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; use it in a ``with`` block."""
        ...

    def close(self) -> None:
        """Close every connection the store holds; the store is not used afterwards."""
        ...


class NestingGuard:
    """Remembers, per thread, whether a unit of work of one store is open."""

    def __init__(self, store_name: str) -> None:
        self._local = threading.local()
        self._store_name = store_name

    def enter(self) -> None:
        """Mark this thread's unit of work open, or refuse a second one."""
        if getattr(self._local, "open", False):
            raise UnitOfWorkError(
                f"a unit of work of this {self._store_name} store is already open in this "
                "thread; units of work do not nest: finish (commit) the outer one first, or "
                "pass the outer unit of work down instead of opening another",
                store=self._store_name,
            )
        self._local.open = True

    def leave(self) -> None:
        """Mark this thread's unit of work closed."""
        self._local.open = False


def read_only_refusal(store_name: str, what: str) -> UnitOfWorkError:
    """The error a write inside a read-only unit of work raises."""
    return UnitOfWorkError(
        f"{what}: this unit of work of the {store_name} store is read-only; "
        "open it with store.unit_of_work() (read_only=False) to write",
        store=store_name,
        operation=what,
    )
