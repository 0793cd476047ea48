"""Shared fixtures and the ``--update-goldens`` option.

The ``store`` fixture runs a test against every storage adapter: memory, SQLite
(in memory and in a file) and PostgreSQL (a throwaway server this session
starts with ``initdb`` + ``pg_ctl``, and stops at the end).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresStore
from salescore.adapters.postgres.testing import find_binaries, throwaway_server
from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store

STORES = ["memory", "sqlite-memory", "sqlite-file", "postgresql"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the expected results of golden scenario files from the current code",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server for this session (skips without binaries,
    or fails when ``SALESCORE_REQUIRE_POSTGRES`` is set, as ``.ci/run`` sets it)."""
    if find_binaries() is None:
        reason = "no PostgreSQL binaries: apt-get install postgresql (.ci/run does)"
        if os.environ.get("SALESCORE_REQUIRE_POSTGRES"):
            pytest.fail(f"{reason}; SALESCORE_REQUIRE_POSTGRES is set: no PostgreSQL test skips")
        pytest.skip(reason)
    with throwaway_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A salescore database with every table empty (truncated, not recreated: fast)."""
    return empty_postgres_database(postgres_server)


def empty_postgres_database(postgres_server: str) -> str:
    """The URL of the server's ``contract`` database with the salescore schema and every
    table empty (truncated, not recreated: fast); for a test that needs it empty more
    than once, as a state machine does for each example."""
    url = postgres_server.rsplit("/", 1)[0] + "/contract"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = 'contract'").fetchone() is None:
            conn.execute("CREATE DATABASE contract")
    PostgresStore(url, min_size=1).close()  # creates the schema the first time
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'salescore_schema'"
            )
        ]
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    return url


RACE_WRITERS = 8
"""How many writers the race tests run at once (a PostgreSQL store pools as many)."""


def open_test_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A new empty store of ``kind``, one of :data:`STORES`."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite-memory":
        return SqliteStore(":memory:")
    if kind == "sqlite-file":
        return SqliteStore(tmp_path / f"{request.fixturename}.sqlite")
    # The pool may open a connection for each of the race tests' writers.
    return PostgresStore(request.getfixturevalue("postgres_url"), min_size=1, max_size=RACE_WRITERS)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every storage adapter in turn: the contract suite runs against each."""
    opened = open_test_store(request.param, request, tmp_path)
    yield opened
    opened.close()


@pytest.fixture(params=["memory", "sqlite-file", "postgresql"])
def race_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every store several threads write at once, each unit of work on its own
    connection (SQLite in memory has one connection for all, so it is left out)."""
    opened = open_test_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def race(*writers: Callable[[], object]) -> list[object]:
    """Run ``writers`` in threads released at the same moment; what each returned or
    raised (an exception object), in the order they finished."""
    start = threading.Barrier(len(writers))
    outcomes: list[object] = []

    def run(writer: Callable[[], object]) -> None:
        start.wait(10)
        try:
            outcomes.append(writer())
        except Exception as exc:  # the test looks at what each writer met
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
