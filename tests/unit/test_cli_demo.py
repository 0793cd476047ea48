"""The demo and the command line, as a new user meets them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from salescore.app import open_store
from salescore.cli import main
from salescore.errors import InvalidInputError


def test_demo_creates_the_database_and_prints_the_sample_company(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Volga Kazan LLC" in out
    assert "Wholesale" in out
    assert "4 clients, 5 counterparties, 6 products." in out
    # The discounts section prices a sample order through agreement, price type and discounts.
    assert "through the whole chain" in out
    assert "1. agreement = IA-VOLGA-KZN" in out
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM partners").fetchone()[0] == 6
    conn.close()


def test_demo_can_run_twice_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "salescore", "demo", "--db", str(db)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_a_library_error_becomes_exit_code_1_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "dir.sqlite"
    bad.mkdir()
    assert main(["demo", "--db", str(bad)]) == 1
    assert "exists and is not a file" in capsys.readouterr().err


def test_open_store_understands_urls_and_refuses_others() -> None:
    assert type(open_store("memory:")).__name__ == "MemoryStore"
    with pytest.raises(InvalidInputError, match="unknown store"):
        open_store("mysql://x")
    with pytest.raises(InvalidInputError, match="names no file"):
        open_store("sqlite:  ")
