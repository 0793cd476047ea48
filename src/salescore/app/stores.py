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
    ``.sqlite``/``.db``) is an SQLite file; ``sqlite::memory:`` an in-memory
    SQLite database.
    """
    text = str(url)
    if text == "memory:":
        return MemoryStore()
    if text.startswith("sqlite:"):
        return SqliteStore(text.removeprefix("sqlite:") or ":memory:")
    if text.endswith((".sqlite", ".sqlite3", ".db")):
        return SqliteStore(text)
    raise InvalidInputError(
        f"unknown store {text!r}: use 'memory:', 'sqlite:PATH' or a path ending in .sqlite",
        value=text,
    )
