"""The SQLite schema: components, each with its own list of migrations.

Each context's tables form a *component* with an ordered tuple of
migrations; the store records the version of every component in
``salescore_schema`` and applies what is missing when it opens a file. A
file whose component is newer than this code knows is refused with
:class:`~salescore.errors.SchemaVersionError` instead of being misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from salescore.adapters.collections import (
    AGREEMENTS,
    CRM,
    CRM_TASKS,
    DELIVERY,
    DISCOUNTS,
    PARTIES,
    PARTIES_BANKING,
    PRICING,
    RECEIVABLES,
    REFERENCE,
    RETAIL,
    SELFSERVICE,
    Collection,
)
from salescore.adapters.sqlite.orders import create_order_tables
from salescore.adapters.sqlite.pricing import create_price_register
from salescore.adapters.sqlite.receivables import (
    create_settlement_tables,
    drop_allocation_partner_index,
    index_entries_by_order,
    index_settlements_by_date,
    plain_allocation_rows,
)
from salescore.adapters.sqlite.reservation_schema import create_reservation_tables
from salescore.adapters.sqlite.shipments import create_posted_documents, create_shipment_tables
from salescore.errors import SchemaVersionError

__all__ = [
    "APPLICATION_ID",
    "COMPONENTS",
    "Component",
    "Migration",
    "document_tables",
    "migrate_components",
    "reference_revision",
]

# PRAGMA application_id marks a file as salescore's ("SaLs"), so a foreign
# SQLite database is refused instead of being written into.
APPLICATION_ID = 0x53614C73

Migration = Callable[[sqlite3.Connection], None]


@attrs.frozen
class Component:
    """A named group of tables with ordered migrations (version = migrations applied).

    A migration takes the store's connection (SQLite's, or PostgreSQL's in
    :mod:`salescore.adapters.postgres.schema`).
    """

    name: str
    migrations: tuple[Callable[[Any], None], ...]

    @property
    def version(self) -> int:
        """The version this code writes."""
        return len(self.migrations)


def migrate_components(conn: Any, components: Iterable[Component], where: str) -> None:
    """Bring every component's tables to the version this code writes, inside the
    caller's transaction (SQLite's or PostgreSQL's connection: the SQL is the same).

    Raises:
        SchemaVersionError: a component is newer in ``where`` than this code knows.
    """
    stored = dict(conn.execute("SELECT component, version FROM salescore_schema"))
    for component in components:
        have = int(stored.get(component.name, 0))
        if have > component.version:
            raise SchemaVersionError(
                f"{where!r}: component {component.name!r} is at schema version "
                f"{have}, newer than this salescore knows ({component.version}); "
                "upgrade salescore to open it",
                path=where,
                component=component.name,
                stored=have,
                known=component.version,
            )
        for migration in component.migrations[have:]:
            migration(conn)
        conn.execute(
            "INSERT INTO salescore_schema(component, version) VALUES (?, ?) "
            "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
            (component.name, component.version),
        )


def document_tables(collections: Iterable[Collection[object]]) -> Migration:
    """A migration creating one document table (id, JSON data) per collection, with indexes."""
    collections = tuple(collections)

    def migrate(conn: sqlite3.Connection) -> None:
        for col in collections:
            conn.execute(
                f"CREATE TABLE {col.name} (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID"
            )
            for field in col.indexes:
                conn.execute(
                    f"CREATE INDEX {col.name}_by_{field} ON {col.name} "
                    f"(json_extract(data, '$.{field}'))"
                )

    return migrate


def reference_revision(collections: Iterable[Collection[object]]) -> Migration:
    """A migration making every write to the reference tables among ``collections``
    renew the token in ``reference_revision`` (one row, created if missing).

    The token is random: a write undone by a rollback never gives back a token
    that stood for other data. Triggers renew it, so a write by any connection
    or process, salescore's or not, is seen; a write puts the row back if it
    was deleted.
    """
    names = [c.name for c in collections if c in REFERENCE]

    def migrate(conn: sqlite3.Connection) -> None:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS reference_revision "
            "(id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL)"
        )
        conn.execute(f"{RENEW_REFERENCE};")
        for name in names:
            for event in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    f"CREATE TRIGGER {name}_revision_{event.lower()} AFTER {event} ON {name} "
                    f"BEGIN {RENEW_REFERENCE}; END"
                )

    return migrate


RENEW_REFERENCE = (
    "INSERT INTO reference_revision (id, token) VALUES (1, hex(randomblob(16))) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)


COMPONENTS: tuple[Component, ...] = (
    Component(
        "parties",
        (document_tables(PARTIES), reference_revision(PARTIES), document_tables(PARTIES_BANKING)),
    ),
    Component("agreements", (document_tables(AGREEMENTS), reference_revision(AGREEMENTS))),
    Component(
        "pricing",
        (document_tables(PRICING), create_price_register, reference_revision(PRICING)),
    ),
    Component(
        "receivables",
        (
            document_tables(RECEIVABLES),
            create_settlement_tables,
            index_settlements_by_date,
            plain_allocation_rows,
            drop_allocation_partner_index,
            index_entries_by_order,
        ),
    ),
    Component("reservation", (create_reservation_tables,)),
    Component("discounts", (document_tables(DISCOUNTS), reference_revision(DISCOUNTS))),
    Component("orders", (create_order_tables,)),
    Component("shipments", (create_shipment_tables, create_posted_documents)),
    Component("crm", (document_tables(CRM), document_tables(CRM_TASKS))),
    Component("retail", (document_tables(RETAIL),)),
    Component("delivery", (document_tables(DELIVERY),)),
    Component("selfservice", (document_tables(SELFSERVICE),)),
)
