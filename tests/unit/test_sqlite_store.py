"""SQLite-specific behaviour: files that are not ours, newer schemas, corruption."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from salescore.adapters.sqlite import SqliteStore
from salescore.adapters.sqlite.receivables import SqliteSettlementLedger
from salescore.adapters.sqlite.schema import COMPONENTS, Component
from salescore.errors import SchemaVersionError, StorageError
from salescore.money import Money
from salescore.parties import Partner, PartnerId
from salescore.receivables import (
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    post_entries,
    record_payment,
)


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"definitely not sqlite" * 200)
    with pytest.raises(StorageError, match=r"junk\.sqlite"):
        SqliteStore(junk)


def test_a_database_of_other_software_is_not_written_into(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="other software"):
        SqliteStore(path)
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert tables == ["invoices"]


def test_a_newer_schema_is_refused_and_names_the_component(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE salescore_schema SET version = version + 5 WHERE component='parties'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError, match="'parties' is at schema version") as info:
        SqliteStore(path)
    assert info.value.details["component"] == "parties"


def test_reopening_a_file_keeps_the_data_and_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("P1"), "Acme"))
        uow.commit()
    store.close()
    again = SqliteStore(path)
    with again.unit_of_work() as uow:
        assert uow.partners.get(PartnerId("P1")).name == "Acme"
    again.close()


def test_a_corrupted_document_is_reported_as_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("P1"), "Acme"))
        uow.commit()
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE partners SET data = '{\"id\": 1}'")
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    with store.unit_of_work() as uow, pytest.raises(StorageError, match="cannot be read"):
        uow.partners.get(PartnerId("P1"))
    store.close()


def test_amounts_are_stored_as_exact_text_never_as_real(tmp_path: Path) -> None:
    from salescore.parties import Product, ProductId

    path = tmp_path / "exact.sqlite"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.products.add(Product(ProductId("X"), "Widget", weight_kg="0.1"))
        uow.commit()
    store.close()
    conn = sqlite3.connect(path)
    stored = conn.execute("SELECT json_extract(data, '$.weight_kg') FROM products").fetchone()[0]
    conn.close()
    assert stored == "0.1"


def test_a_file_from_before_bank_accounts_and_self_service_is_brought_up_to_date(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.sqlite"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("P1"), "Acme"))
        uow.commit()
    store.close()
    conn = sqlite3.connect(path)  # before: parties at version 2, no self-service
    conn.execute("DROP TABLE bank_accounts")
    for name in ("users", "sessions", "login_throttles", "audit", "purchase_plans"):
        conn.execute(f"DROP TABLE selfservice_{name}")
    conn.execute("UPDATE salescore_schema SET version = 2 WHERE component = 'parties'")
    conn.execute("DELETE FROM salescore_schema WHERE component = 'selfservice'")
    conn.commit()
    conn.close()
    again = SqliteStore(path)
    with again.unit_of_work() as uow:
        assert uow.partners.get(PartnerId("P1")).name == "Acme"
        assert uow.bank_accounts.all() == []
        assert uow.audit.all() == []
    again.close()
    conn = sqlite3.connect(path)
    versions = dict(conn.execute("SELECT component, version FROM salescore_schema"))
    conn.close()
    assert (versions["parties"], versions["selfservice"]) == (3, 1)


def _receivables_at(path: Path, version: int) -> SqliteStore:
    """A store whose receivables component is at ``version`` (as one made back then)."""
    older = tuple(
        Component(c.name, c.migrations[:version]) if c.name == "receivables" else c
        for c in COMPONENTS
    )
    return SqliteStore(path, components=older)


def test_a_ledger_from_before_plain_allocation_rows_keeps_its_allocations(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.sqlite"
    # Receivables at version 3: allocations with AUTOINCREMENT and a foreign key.
    store = _receivables_at(path, 3)
    acc = SettlementAccount("CAFE", "RUB")
    with store.unit_of_work() as uow:
        post_entries(
            uow.settlements,
            [
                SettlementEntry(f"E{n}", EntryKind.SHIPMENT, acc, f"SO-{n}", f"SH-{n}",
                                date(2026, 3, n), date(2026, 3, 10 + n), Money(100, "RUB"))
                for n in (1, 2)
            ],
        )  # fmt: skip
        record_payment(uow.settlements, Payment("P1", acc, date(2026, 3, 5), Money(150, "RUB")))
        uow.commit()
        before = uow.settlements.allocations()
    store.close()
    assert [(a.entry_id, a.amount) for a in before] == [
        ("E1", Money(100, "RUB")),  # the older entry first, then 50.00 of the next
        ("E2", Money(50, "RUB")),
    ]

    def table_sql() -> tuple[str, list[str]]:
        conn = sqlite3.connect(path)
        try:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'settlement_allocations'"
            ).fetchone()
            names = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'settlement_allocations' AND sql IS NOT NULL ORDER BY name"
            ).fetchall()
            return sql, [n for (n,) in names]
        finally:
            conn.close()

    old_sql, old_indexes = table_sql()
    assert "AUTOINCREMENT" in old_sql
    assert "REFERENCES" in old_sql

    again = SqliteStore(path)
    with again.unit_of_work() as uow:
        assert uow.settlements.allocations() == before  # rows and their order kept
        record_payment(uow.settlements, Payment("P2", acc, date(2026, 3, 6), Money(50, "RUB")))
        uow.commit()
        assert [a.source_id for a in uow.settlements.allocations()] == ["P1", "P1", "P2"]
    again.close()
    new_sql, new_indexes = table_sql()
    assert "AUTOINCREMENT" not in new_sql
    assert "REFERENCES" not in new_sql
    # Migration 5 drops the partner index: partners are found through the account index.
    assert new_indexes == [n for n in old_indexes if n != "settlement_allocations_by_partner"]
    assert len(old_indexes) == 5


def test_a_partners_allocations_are_read_through_the_account_index(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ledger.sqlite")
    acc = SettlementAccount("CAFE", "RUB")
    plans: list[str] = []
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [
            SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1", "SH-1", date(2026, 3, 2),
                            date(2026, 3, 16), Money(100, "RUB")),
        ])  # fmt: skip
        record_payment(uow.settlements, Payment("P1", acc, date(2026, 3, 3), Money(40, "RUB")))
        conn = uow.connection
        where, params = SqliteSettlementLedger._where("CAFE", None, "a")
        plans = [
            row[3]
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT a.seq FROM settlement_allocations a{where}", params
            )
        ]
        assert [a.amount for a in uow.settlements.allocations(partner_id="CAFE")] == [
            Money(40, "RUB")
        ]
    store.close()
    # Not a scan of the whole table: the range of the partner's account keys.
    assert any("settlement_allocations_by_account (account_key>? AND account_key<?)" in p
               for p in plans), plans  # fmt: skip


def test_an_orders_rows_are_read_through_the_order_index_an_older_store_gains(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.sqlite"
    store = _receivables_at(path, 5)  # no index of the entries by order
    acc = SettlementAccount("CAFE", "RUB")
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [
            SettlementEntry(f"E{n}", EntryKind.SHIPMENT, acc, f"SO-{n % 2}", f"SH-{n}",
                            date(2026, 3, 2), date(2026, 3, 16), Money(100, "RUB"))
            for n in (1, 2, 3)
        ])  # fmt: skip
        record_payment(uow.settlements, Payment("P1", acc, date(2026, 3, 3), Money(150, "RUB")))
        uow.commit()
    store.close()
    again = SqliteStore(path)
    with again.unit_of_work() as uow:
        assert [e.id for e in uow.settlements.entries(partner_id="CAFE", order_id="SO-1")] == [
            "E1",
            "E3",
        ]
        # SO-0's E2 was paid first (the same due date), then 50.00 of E1.
        assert [(a.entry_id, a.amount) for a in uow.settlements.allocations(order_id="SO-1")] == [
            ("E1", Money(50, "RUB"))
        ]
        plans = []
        entries_where = SqliteSettlementLedger._where("CAFE", acc, order_id="SO-1")
        allocations_where = SqliteSettlementLedger._where("CAFE", None, "a", "SO-1", "e")
        for sql, (where, params) in (
            ("SELECT id FROM settlement_entries", entries_where),
            (
                "SELECT e.id FROM settlement_allocations a "
                "JOIN settlement_entries e ON e.id = a.entry_id",
                allocations_where,
            ),
        ):
            plans += [
                row[3] for row in uow.connection.execute(f"EXPLAIN QUERY PLAN {sql}{where}", params)
            ]
    again.close()
    # The order's few rows, not the client's: the order index, the other filters checked.
    assert sum("settlement_entries_by_order (order_id=?)" in p for p in plans) == 2, plans
