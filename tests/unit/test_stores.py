"""Opening stores by URL, a third party's store, and the PostgreSQL store's own promises."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import ClassVar

import psycopg
import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresStore
from salescore.adapters.postgres.testing import fresh_database
from salescore.adapters.sqlite import SqliteStore
from salescore.adapters.stores import Store
from salescore.app.stores import STORE_GROUP, open_store, store_registry
from salescore.errors import InvalidInputError, SchemaVersionError, StorageError
from salescore.money import Currency, Money
from salescore.parties import ProductId
from salescore.plugins import PluginRegistry
from salescore.pricing import PriceRecord, PriceTypeId


class ThirdPartyStore(MemoryStore):
    """A store another package could register under its own scheme."""

    name: ClassVar[str] = "thirdparty"
    opened: ClassVar[list[str]] = []

    @classmethod
    def open(cls, url: str) -> ThirdPartyStore:
        cls.opened.append(url)
        return cls()


def test_urls_choose_the_store(tmp_path: Path) -> None:
    assert isinstance(open_store("memory:"), MemoryStore)
    sqlite = open_store(f"sqlite:{tmp_path / 'a.sqlite'}")
    assert isinstance(sqlite, SqliteStore)
    sqlite.close()
    bare = open_store(tmp_path / "b.db")
    assert isinstance(bare, SqliteStore)
    bare.close()


def test_every_built_in_store_satisfies_the_protocol(tmp_path: Path) -> None:
    assert isinstance(MemoryStore(), Store)
    assert isinstance(SqliteStore(":memory:"), Store)
    assert set(store_registry().names()) >= {"memory", "sqlite", "postgresql", "postgres"}


def test_a_third_party_store_is_found_through_the_entry_point_group() -> None:
    entry = EntryPoint("thirdparty", f"{__name__}:ThirdPartyStore", STORE_GROUP)
    registry: PluginRegistry[type[Store]] = PluginRegistry.from_entry_points(
        STORE_GROUP, extra=[entry]
    )
    store = open_store("thirdparty://anywhere", registry)
    assert isinstance(store, ThirdPartyStore)
    assert ThirdPartyStore.opened == ["thirdparty://anywhere"]


def test_an_unknown_scheme_names_the_forms_and_the_installed_schemes() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown store 'mongo://x'.*postgresql"):
        open_store("mongo://x")
    with pytest.raises(InvalidInputError, match="names no file"):
        open_store("sqlite:")


def test_an_unreachable_server_is_a_storage_error_naming_the_url_without_password() -> None:
    with pytest.raises(StorageError, match=r"cannot connect to PostgreSQL at .*:\*\*\*@") as info:
        PostgresStore("postgresql://u:secret@127.0.0.1:1/db", timeout=1)
    assert "secret" not in str(info.value)


def test_postgres_url_opens_the_postgres_store(postgres_url: str) -> None:
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    store.close()


def test_a_database_written_by_a_newer_salescore_is_refused(postgres_server: str) -> None:
    url = fresh_database(postgres_server, "newer")
    PostgresStore(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE salescore_schema SET version = 99 WHERE component = 'pricing'")
    with pytest.raises(SchemaVersionError, match="'pricing' is at schema version 99"):
        PostgresStore(url)


def test_money_is_numeric_in_postgres_and_reads_back_exactly(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    price = Money(Decimal("1234567890123.4567"), Currency("XAU", 4))
    with store.unit_of_work() as uow:
        uow.price_register.register(
            PriceRecord(PriceTypeId("T"), ProductId("X"), date(2026, 1, 1), price)
        )
        uow.commit()
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute(
            "SELECT pg_typeof(amount)::text, amount::text FROM price_register"
        ).fetchone()
    assert row == ("numeric", "1234567890123.4567")
    with store.unit_of_work(read_only=True) as uow:
        found = uow.price_register.prices_as_of([PriceTypeId("T")], date(2026, 2, 1))
    assert [r.price for r in found] == [price]
    store.close()
