"""The PostgreSQL schema: the same components and versions as SQLite's, in PostgreSQL's types.

Each component's migrations mirror :mod:`salescore.adapters.sqlite.schema`
one for one, so a component's version means the same tables on both. Text
keys use the ``"C"`` collation (byte order, as Python sorts); documents are
``jsonb``; money is ``numeric`` or integer minor units and quantities integer
steps (``bigint``), never float; dates are ISO text, as on SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import cast

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
from salescore.adapters.postgres.connection import PgConnection
from salescore.adapters.postgres.reservation import RESERVE_LINE_FUNCTION
from salescore.adapters.sqlite.receivables import ENTRIES_BY_ORDER, index_settlements_by_date
from salescore.adapters.sqlite.schema import Component

__all__ = ["COMPONENTS", "LOCK_KEY"]

# The advisory lock key (``SaLs``) held while the schema is checked and migrated.
LOCK_KEY = 0x53614C73

PgMigration = Callable[[PgConnection], None]
KEY = 'TEXT COLLATE "C"'


def _run(*statements: str) -> PgMigration:
    def migrate(conn: PgConnection) -> None:
        for statement in statements:
            conn.execute(statement)

    return migrate


def document_tables(collections: Iterable[Collection[object]]) -> PgMigration:
    """One document table (id, jsonb data) per collection, with an index per searched field."""
    statements: list[str] = []
    for col in collections:
        statements.append(f"CREATE TABLE {col.name} (id {KEY} PRIMARY KEY, data JSONB NOT NULL)")
        statements.extend(
            f"CREATE INDEX {col.name}_by_{field} ON {col.name} ((data -> '{field}'))"
            for field in col.indexes
        )
    return _run(*statements)


price_register = _run(
    f"""CREATE TABLE price_register (
        price_type {KEY} NOT NULL, product {KEY} NOT NULL,
        characteristic {KEY} NOT NULL DEFAULT '', effective TEXT NOT NULL,
        amount NUMERIC NOT NULL, currency TEXT NOT NULL, minor_units INTEGER NOT NULL,
        PRIMARY KEY (price_type, product, characteristic, effective))""",
    "CREATE INDEX price_register_by_date ON price_register (price_type, effective)",
)

_ACCOUNT = f"""account_key {KEY} NOT NULL, partner_id {KEY} NOT NULL,
    counterparty_id {KEY}, organization_id {KEY}, contract_id {KEY},
    currency TEXT NOT NULL, minor_units INTEGER NOT NULL"""

settlement_tables = _run(
    f"""CREATE TABLE settlement_entries (
        id {KEY} PRIMARY KEY, kind TEXT NOT NULL, {_ACCOUNT},
        order_id {KEY} NOT NULL, document_id {KEY} NOT NULL,
        posted_on TEXT NOT NULL, due_date TEXT NOT NULL,
        amount_minor BIGINT NOT NULL, manager TEXT)""",
    "CREATE INDEX settlement_entries_by_account ON settlement_entries(account_key)",
    "CREATE INDEX settlement_entries_by_partner ON settlement_entries(partner_id)",
    f"""CREATE TABLE settlement_payments (
        id {KEY} PRIMARY KEY, {_ACCOUNT},
        received_on TEXT NOT NULL, amount NUMERIC NOT NULL, paid_currency TEXT NOT NULL,
        paid_minor_units INTEGER NOT NULL, rate NUMERIC, manual TEXT NOT NULL)""",
    "CREATE INDEX settlement_payments_by_account ON settlement_payments(account_key)",
    "CREATE INDEX settlement_payments_by_partner ON settlement_payments(partner_id)",
    f"""CREATE TABLE settlement_allocations (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_key {KEY} NOT NULL,
        partner_id {KEY} NOT NULL, measure TEXT NOT NULL, source_id {KEY} NOT NULL,
        entry_id {KEY} NOT NULL REFERENCES settlement_entries(id),
        allocated_on TEXT NOT NULL, amount_minor BIGINT NOT NULL, manual INTEGER NOT NULL)""",
    "CREATE INDEX settlement_allocations_by_account ON settlement_allocations(account_key)",
    "CREATE INDEX settlement_allocations_by_partner ON settlement_allocations(partner_id)",
)

reservation_tables = _run(
    f"""CREATE TABLE reservation_units (product_id {KEY} PRIMARY KEY, code TEXT NOT NULL,
        name TEXT NOT NULL, scale INTEGER NOT NULL)""",
    f"""CREATE TABLE reservation_entries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        product_id {KEY} NOT NULL REFERENCES reservation_units(product_id),
        warehouse_id {KEY} NOT NULL,
        source_kind TEXT NOT NULL, source_order {KEY} NOT NULL, source_line {KEY} NOT NULL,
        source_date TEXT NOT NULL,
        target_kind TEXT NOT NULL, target_order {KEY} NOT NULL, target_line {KEY} NOT NULL,
        target_date TEXT NOT NULL,
        quantity BIGINT NOT NULL CHECK (quantity > 0),
        operation TEXT NOT NULL, document TEXT NOT NULL, at TEXT NOT NULL)""",
    "CREATE INDEX reservation_entries_by_stock "
    "ON reservation_entries (product_id, warehouse_id, seq)",
    "CREATE INDEX reservation_entries_by_source ON reservation_entries (source_order)",
    "CREATE INDEX reservation_entries_by_target ON reservation_entries (target_order)",
    f"""CREATE TABLE reservation_balances (
        product_id {KEY} NOT NULL, warehouse_id {KEY} NOT NULL, kind TEXT NOT NULL,
        order_id {KEY} NOT NULL, line_id {KEY} NOT NULL, expected_on TEXT NOT NULL,
        quantity BIGINT NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (product_id, warehouse_id, kind, order_id, line_id, expected_on))""",
    "CREATE INDEX reservation_balances_by_order ON reservation_balances (order_id, line_id)",
    f"""CREATE TABLE reservation_claims (
        order_id {KEY} NOT NULL, line_id {KEY} NOT NULL,
        product_id {KEY} NOT NULL, warehouse_id {KEY} NOT NULL,
        quantity BIGINT NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,
        unit_scale INTEGER NOT NULL, planned_shipment TEXT NOT NULL, order_date TEXT NOT NULL,
        priority INTEGER NOT NULL, supply TEXT NOT NULL, PRIMARY KEY (order_id, line_id))""",
)

order_tables = _run(
    f"""CREATE TABLE quotes (id {KEY} PRIMARY KEY, partner_id {KEY} NOT NULL,
        previous_id {KEY}, version INTEGER NOT NULL, data JSONB NOT NULL)""",
    "CREATE INDEX quotes_by_partner ON quotes (partner_id)",
    f"""CREATE TABLE orders (id {KEY} PRIMARY KEY, organization_id {KEY} NOT NULL,
        year INTEGER NOT NULL, partner_id {KEY} NOT NULL, version INTEGER NOT NULL,
        data JSONB NOT NULL)""",
    "CREATE INDEX orders_by_organization_year ON orders (organization_id, year)",
    "CREATE INDEX orders_by_partner ON orders (partner_id)",
)

shipment_tables = _run(
    *(
        statement
        for table in ("shipments", "customer_returns")
        for statement in (
            f"""CREATE TABLE {table} (id {KEY} PRIMARY KEY, partner_id {KEY} NOT NULL,
                on_date TEXT NOT NULL, version INTEGER NOT NULL, data JSONB NOT NULL)""",
            f"CREATE INDEX {table}_by_partner ON {table} (partner_id, on_date, id)",
        )
    ),
    f"""CREATE TABLE shipment_links (document_id {KEY} NOT NULL, kind TEXT NOT NULL,
        order_id {KEY} NOT NULL, shipment_id {KEY} NOT NULL,
        PRIMARY KEY (kind, document_id, order_id, shipment_id))""",
    "CREATE INDEX shipment_links_by_order ON shipment_links (order_id, kind)",
    "CREATE INDEX shipment_links_by_shipment ON shipment_links (shipment_id, kind)",
    f"""CREATE TABLE return_requests (id {KEY} PRIMARY KEY, version INTEGER NOT NULL,
        data JSONB NOT NULL)""",
)

posted_documents = _run(
    f"""CREATE TABLE posted_documents (kind TEXT NOT NULL, id {KEY} NOT NULL,
        party_id {KEY} NOT NULL, on_date TEXT NOT NULL, version INTEGER NOT NULL,
        data JSONB NOT NULL, PRIMARY KEY (kind, id))""",
    "CREATE INDEX posted_documents_by_party ON posted_documents (kind, party_id, on_date, id)",
)


def reference_revision(collections: Iterable[Collection[object]]) -> PgMigration:
    """As on SQLite: every write to the reference tables among ``collections`` renews
    the random token in ``reference_revision`` (one trigger per statement)."""
    return _run(
        "CREATE TABLE IF NOT EXISTS reference_revision "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL)",
        f"{_RENEW_REFERENCE}",
        "CREATE OR REPLACE FUNCTION salescore_renew_reference() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {_RENEW_REFERENCE}; RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER {c.name}_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {c.name} FOR EACH STATEMENT EXECUTE FUNCTION salescore_renew_reference()"
            for c in collections
            if c in REFERENCE
        ),
    )


_RENEW_REFERENCE = (
    "INSERT INTO reference_revision (id, token) VALUES (1, gen_random_uuid()::text) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)


def _settlements_by_date(conn: PgConnection) -> None:
    """Migration 3 of the settlements, as on SQLite, with 64-bit ``BIGINT`` amounts."""
    index_settlements_by_date(cast(sqlite3.Connection, conn), integer="BIGINT")


COMPONENTS: tuple[Component, ...] = (
    Component(
        "parties",
        (document_tables(PARTIES), reference_revision(PARTIES), document_tables(PARTIES_BANKING)),
    ),
    Component("agreements", (document_tables(AGREEMENTS), reference_revision(AGREEMENTS))),
    Component("pricing", (document_tables(PRICING), price_register, reference_revision(PRICING))),
    Component(
        "receivables",
        # Migration 4: the entries indexed by order, as SQLite's migration 6.
        (
            document_tables(RECEIVABLES),
            settlement_tables,
            _settlements_by_date,
            _run(ENTRIES_BY_ORDER),
        ),
    ),
    Component("reservation", (reservation_tables,)),
    # PostgreSQL's own (SQLite has no server functions): a reserve for a line in one step.
    # Migration 2 replaces the function's body with today's, which takes the line's lock
    # before it reads the line's reserve (CREATE OR REPLACE: a new database runs both).
    Component("reservation_functions", (_run(RESERVE_LINE_FUNCTION), _run(RESERVE_LINE_FUNCTION))),
    Component("discounts", (document_tables(DISCOUNTS), reference_revision(DISCOUNTS))),
    Component("orders", (order_tables,)),
    Component("shipments", (shipment_tables, posted_documents)),
    Component("crm", (document_tables(CRM), document_tables(CRM_TASKS))),
    Component("retail", (document_tables(RETAIL),)),
    Component("delivery", (document_tables(DELIVERY),)),
    Component("selfservice", (document_tables(SELFSERVICE),)),
)
