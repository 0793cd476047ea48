"""Shared fixtures and the ``--update-goldens`` option."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store


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


@pytest.fixture(params=["memory", "sqlite-memory", "sqlite-file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every storage adapter in turn: the contract suite runs against each."""
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "sqlite-memory":
        sqlite_store = SqliteStore(":memory:")
        yield sqlite_store
        sqlite_store.close()
    else:
        sqlite_store = SqliteStore(tmp_path / "contract.sqlite")
        yield sqlite_store
        sqlite_store.close()
