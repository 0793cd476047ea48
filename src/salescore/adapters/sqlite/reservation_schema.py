"""The SQLite tables of the reservation ledger (component ``reservation``).

Quantities are integers of the unit's smallest step; the balance table is a
running total of the entry table, kept in the same transaction.
"""

from __future__ import annotations

import sqlite3

__all__ = ["create_reservation_tables"]


def create_reservation_tables(conn: sqlite3.Connection) -> None:
    """Migration 1 of the ``reservation`` component."""
    conn.execute(
        "CREATE TABLE reservation_units (product_id TEXT PRIMARY KEY, code TEXT NOT NULL, "
        "name TEXT NOT NULL, scale INTEGER NOT NULL) WITHOUT ROWID"
    )
    conn.execute(
        """CREATE TABLE reservation_entries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            product_id TEXT NOT NULL REFERENCES reservation_units(product_id),
            warehouse_id TEXT NOT NULL,
            source_kind TEXT NOT NULL, source_order TEXT NOT NULL, source_line TEXT NOT NULL,
            source_date TEXT NOT NULL,
            target_kind TEXT NOT NULL, target_order TEXT NOT NULL, target_line TEXT NOT NULL,
            target_date TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            operation TEXT NOT NULL,
            document TEXT NOT NULL,
            at TEXT NOT NULL)"""
    )
    conn.execute(
        "CREATE INDEX reservation_entries_by_stock "
        "ON reservation_entries (product_id, warehouse_id, seq)"
    )
    conn.execute("CREATE INDEX reservation_entries_by_source ON reservation_entries (source_order)")
    conn.execute("CREATE INDEX reservation_entries_by_target ON reservation_entries (target_order)")
    conn.execute(
        """CREATE TABLE reservation_balances (
            product_id TEXT NOT NULL, warehouse_id TEXT NOT NULL, kind TEXT NOT NULL,
            order_id TEXT NOT NULL, line_id TEXT NOT NULL, expected_on TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            PRIMARY KEY (product_id, warehouse_id, kind, order_id, line_id, expected_on)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        "CREATE INDEX reservation_balances_by_order ON reservation_balances (order_id, line_id)"
    )
    conn.execute(
        """CREATE TABLE reservation_claims (
            order_id TEXT NOT NULL, line_id TEXT NOT NULL,
            product_id TEXT NOT NULL, warehouse_id TEXT NOT NULL,
            quantity INTEGER NOT NULL, unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,
            unit_scale INTEGER NOT NULL,
            planned_shipment TEXT NOT NULL, order_date TEXT NOT NULL,
            priority INTEGER NOT NULL, supply TEXT NOT NULL,
            PRIMARY KEY (order_id, line_id)) WITHOUT ROWID"""
    )
