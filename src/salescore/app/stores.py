"""Opening a store by URL: the application's one entry to storage.

>>> store = open_store("memory:")
>>> type(store).__name__
'MemoryStore'
>>> type(open_store("sqlite::memory:")).__name__
'SqliteStore'
"""

from __future__ import annotations

from pathlib import Path

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.errors import InvalidInputError

__all__ = ["Store", "open_store"]

Store = MemoryStore | SqliteStore


def open_store(url: str | Path) -> Store:
    """A store for ``url``.

    ``memory:`` is an in-memory store; ``sqlite:PATH`` (or a bare path ending in
    ``.sqlite``, ``.sqlite3`` or ``.db``) is an SQLite file; ``sqlite::memory:`` an
    in-memory SQLite database.

    >>> open_store("sqlite:")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: store 'sqlite:' names no file: ...
    """
    text = str(url)
    forms = (
        "use 'memory:', 'sqlite:PATH', 'sqlite::memory:' or a path ending in "
        ".sqlite, .sqlite3 or .db"
    )
    if text == "memory:":
        return MemoryStore()
    if text.startswith("sqlite:"):
        path = text.removeprefix("sqlite:")
        if not path.strip():
            raise InvalidInputError(f"store {text!r} names no file: {forms}", value=text)
        return SqliteStore(path)
    if text.endswith((".sqlite", ".sqlite3", ".db")):
        return SqliteStore(text)
    raise InvalidInputError(f"unknown store {text!r}: {forms}", value=text)
