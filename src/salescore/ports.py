"""Cross-cutting ports: the clock and the unit of work.

The domain core never reads the wall clock and never opens storage: it is
given a :class:`Clock` (or plain dates) and works inside a
:class:`UnitOfWork` that the application opens from a store adapter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar, runtime_checkable

__all__ = ["Clock", "Repository", "UnitOfWork"]

K_contra = TypeVar("K_contra", contravariant=True)
T = TypeVar("T")


@runtime_checkable
class Clock(Protocol):
    """Tells the current date and time. Inject it; never call ``date.today()``."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...

    def today(self) -> date:
        """The current date in the clock's time zone."""
        ...


class UnitOfWork(Protocol):
    """One business transaction: every change in it is committed together or not at all.

    Used as a context manager. Leaving the block without :meth:`commit`, or with
    an exception, rolls every change back.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit of work permanent."""
        ...

    def rollback(self) -> None:
        """Discard every change made since the last commit."""
        ...


class Repository(Protocol[K_contra, T]):
    """Stores entities of one kind by id, inside a unit of work.

    Every entity has an ``id`` attribute. Adapters implement this for memory
    and SQLite (PostgreSQL is planned); the contract test suite holds them to
    the same behaviour.
    """

    def add(self, entity: T) -> None:
        """Store a new entity; :class:`~salescore.errors.ConflictError` if its id exists."""
        ...

    def save(self, entity: T) -> None:
        """Store an entity, replacing one with the same id."""
        ...

    def get(self, id: K_contra) -> T:
        """The entity with ``id``; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, id: K_contra) -> T | None:
        """The entity with ``id``, or None."""
        ...

    def all(self) -> list[T]:
        """Every entity, ordered by id."""
        ...

    def find_many(self, ids: Iterable[K_contra]) -> list[T]:
        """The entities with these ids, ordered by id; ids not stored are left out."""
        ...

    def find_by(self, field: str, value: object, **also: object) -> list[T]:
        """Entities whose top-level ``field`` equals ``value``, ordered by id.

        Each keyword of ``also`` is one more field that must equal its value
        (``find_by("client_segment_id", None, kind=AgreementKind.TYPICAL)``):
        the store filters on all of them together, so only the entities
        asked for are read and decoded. Every field must be searchable.
        """
        ...

    def remove(self, id: K_contra) -> None:
        """Delete the entity with ``id``; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def __len__(self) -> int: ...
