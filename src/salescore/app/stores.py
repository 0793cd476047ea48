"""Opening a store by URL: the application's one entry to storage.

The URL's scheme names the store class in the ``salescore.stores`` plugin
registry (the same :class:`~salescore.plugins.PluginRegistry` devices use):
``memory:``, ``sqlite:PATH`` and ``postgresql://…`` come with salescore, and a
package can register another store under its own scheme.

>>> store = open_store("memory:")
>>> type(store).__name__
'MemoryStore'
>>> type(open_store("sqlite::memory:")).__name__
'SqliteStore'
>>> store_registry().names()
('memory', 'postgres', 'postgresql', 'sqlite')
"""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

from salescore.adapters.stores import Store, UnitOfWork
from salescore.errors import InvalidInputError, UnknownPluginError
from salescore.plugins import PluginRegistry

__all__ = ["STORE_GROUP", "Store", "UnitOfWork", "open_store", "store_registry"]

STORE_GROUP = "salescore.stores"

# salescore's own stores, also declared in pyproject.toml: listed here so that a
# source checkout that was never installed still opens them.
_BUILT_IN = (
    EntryPoint("memory", "salescore.adapters.memory:MemoryStore", STORE_GROUP),
    EntryPoint("sqlite", "salescore.adapters.sqlite:SqliteStore", STORE_GROUP),
    EntryPoint("postgresql", "salescore.adapters.postgres:PostgresStore", STORE_GROUP),
    EntryPoint("postgres", "salescore.adapters.postgres:PostgresStore", STORE_GROUP),
)

_FORMS = (
    "use 'memory:', 'sqlite:PATH', 'sqlite::memory:', 'postgresql://USER@HOST/DB' "
    "or a path ending in .sqlite, .sqlite3 or .db"
)


def _is_store(loaded: object) -> str:
    if not isinstance(loaded, type) or not all(
        callable(getattr(loaded, method, None)) for method in ("open", "unit_of_work", "close")
    ):
        return f"{loaded!r} is not a store class (open, unit_of_work and close)"
    return ""


def store_registry() -> PluginRegistry[type[Store]]:
    """The store classes installed, by URL scheme."""
    found: PluginRegistry[type[Store]] = PluginRegistry.from_entry_points(
        STORE_GROUP, extra=_BUILT_IN
    )
    return PluginRegistry(found.group, {n: found._entries[n] for n in found.names()}, _is_store)


def open_store(url: str | Path, registry: PluginRegistry[type[Store]] | None = None) -> Store:
    """A store for ``url``.

    ``memory:`` is an in-memory store; ``sqlite:PATH`` (or a bare path ending in
    ``.sqlite``, ``.sqlite3`` or ``.db``) is an SQLite file; ``sqlite::memory:`` an
    in-memory SQLite database; ``postgresql://…`` (a libpq URL) a PostgreSQL
    database (the ``postgres`` extra). Another scheme is looked up in ``registry``
    (the installed ``salescore.stores`` plugins by default).

    >>> open_store("sqlite:")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: store 'sqlite:' names no file: ...
    >>> open_store("mongo://db")
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: unknown store 'mongo://db': use 'memory:', ...
    """
    text = str(url)
    scheme, colon, _ = text.partition(":")
    if not colon or len(scheme) < 2:  # no scheme, or a Windows drive letter
        if text.endswith((".sqlite", ".sqlite3", ".db")):
            scheme, text = "sqlite", f"sqlite:{text}"
        else:
            raise InvalidInputError(f"unknown store {text!r}: {_FORMS}", value=text)
    stores = registry if registry is not None else store_registry()
    try:
        cls = stores.get(scheme)
    except UnknownPluginError:
        raise InvalidInputError(
            f"unknown store {text!r}: {_FORMS}; installed store schemes: "
            f"{', '.join(stores.names())}",
            value=text,
        ) from None
    return cls.open(text)
