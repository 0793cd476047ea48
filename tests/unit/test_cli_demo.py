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
    # the six of the sample company and the carrier the delivery section adds
    assert conn.execute("SELECT count(*) FROM partners").fetchone()[0] == 7
    conn.close()


def test_demo_sells_one_order_from_proposal_to_confirmed_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", str(tmp_path / "demo.sqlite")]) == 0
    orders = capsys.readouterr().out.split("== Orders ==\n")[1]
    assert "KP-1 (revision 1) of 2026-03-02: replaced" in orders
    assert "KP-1/2 (revision 2) of 2026-03-03: accepted" in orders
    assert "ORG-1-2026-000001 from KP-1/2, to pay" in orders
    # Prices take VAT on at 22 % (general, 2026): CM-100 12,000.00 x 1.22 x 1.25 = 18,300.00;
    # BEANS-ARABICA 1,180.00 x 1.22 x 1.4 = 2,015.44 (both general category).
    # CM-100: 5 x 18,300.00 = 91,500.00 - 27.088 % = 66,714.48; x 22/122 = 12,030.48
    # BEANS: 10 x 2,015.44 = 20,154.40 - 7 % - 3 % (1,973.12) = 18,181.28; x 22/122 = 3,278.59
    assert "18300.00  24785.52  66714.48  22 %      included    12030.48" in orders
    assert "2015.44   1973.12  18181.28  22 %      included     3278.59" in orders
    # 66,714.48 + 18,181.28 = 84,895.76 = 69,586.69 + 15,309.07
    assert (
        "Total without VAT 69586.69 RUB + VAT [НДС] 15309.07 RUB = total with VAT 84895.76 RUB"
    ) in orders
    # NET-30: everything 30 days after the shipment on 10 March
    assert "84895.76 RUB on 2026-04-09" in orders
    assert "on 2026-03-04: waiting for securing" in orders


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


def test_demo_rings_one_receipt_once_and_prints_its_qr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from salescore.hardware.escpos.qr import qr_text

    assert main(["demo", "--db", str(tmp_path / "demo.sqlite")]) == 0
    devices = capsys.readouterr().out.split("== Devices ==\n")[1]
    # 2 x 45.50 + 0.347 x 899.90 (= 312.27) - 3.27 = 400.00, paid 500.00 in cash
    assert "total 400.00, change 100.00" in devices
    assert "repeated=True, same document 2; receipts in the fiscal storage: 1" in devices
    # the QR holds what a Russian receipt's QR holds: time, sum, FN, document, sign, kind
    payload = "t=20260304T1230&s=400.00&fn=9999078900001234&i=2&fp=1013904226&n=1"
    for row in qr_text(payload, quiet=1).splitlines():
        if row.strip():
            assert row.strip() in devices


def test_the_readme_demo_on_a_postgresql_url_prints_the_sqlite_demo_report(
    tmp_path: Path, postgres_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from salescore.adapters.postgres.testing import fresh_database

    url = fresh_database(postgres_server, "demo")
    assert main(["demo", "--store", url, "--pdf", str(tmp_path / "upd.pdf")]) == 0
    on_postgres = capsys.readouterr().out
    assert main(["demo", "--db", str(tmp_path / "demo.sqlite")]) == 0
    on_sqlite = capsys.readouterr().out

    def report(out: str) -> str:
        return out.split("\n(stored in ")[0]

    assert f"(stored in {url})" in on_postgres
    assert "ORG-1-2026-000001 from KP-1/2, to pay" in on_postgres
    assert report(on_postgres) == report(on_sqlite)
    assert (tmp_path / "upd.pdf").read_bytes().startswith(b"%PDF")
    store = open_store(url)  # the company stayed in the database
    with store.unit_of_work(read_only=True) as uow:
        assert len(uow.partners) == 7
    store.close()
