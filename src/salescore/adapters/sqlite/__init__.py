"""Embedded SQLite storage (stdlib ``sqlite3``): the default store.

A file (or ``":memory:"``) holds every collection; the adapter creates and
versions the schema itself. Amounts are stored as exact decimal text, never
as REAL. A unit of work is one SQLite transaction, begun with
``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing late.

>>> from salescore.parties import Partner, PartnerId
>>> store = SqliteStore(":memory:")
>>> with store.unit_of_work() as uow:
...     uow.partners.add(Partner(PartnerId("P1"), "Acme"))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     [p.name for p in uow.partners.all()]
['Acme']
"""

from salescore.adapters.sqlite.schema import APPLICATION_ID, COMPONENTS, Component
from salescore.adapters.sqlite.store import SqliteRepository, SqliteStore, SqliteUnitOfWork

__all__ = [
    "APPLICATION_ID",
    "COMPONENTS",
    "Component",
    "SqliteRepository",
    "SqliteStore",
    "SqliteUnitOfWork",
]
