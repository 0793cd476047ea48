"""The demo's shipping section: shipped, partly returned, corrected, printed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from salescore.adapters.sqlite import SqliteStore
from salescore.cli import main
from salescore.demo.report import run_demo


def test_the_demo_ships_returns_one_unit_corrects_and_prints_the_upd_and_ukd() -> None:
    store = SqliteStore(":memory:")
    report = run_demo(store)
    store.close()
    section = report.split("== Shipping: a shipment, a return, a correction, the УПД ==\n")[1]
    section = section.split("\n== ")[0]
    # 3 CM-300 for 131,344.13 (129,190.95 at the 20 % conversion × 1.22 / 1.20): one returned
    # at a third, 131,344.13 / 3 = 43,781.38 (VAT × 22/122 = 7,895.00)
    assert "RTU-0001 of 2026-03-10: 131344.13 RUB" in section
    assert "1 CM-300 at the sale's price, 43781.38 RUB (VAT 7895.00 RUB)" in section
    # the written-off unit lowers the debt by the same again; the stock does not move
    assert "debt -43781.38 RUB, VAT -7895.00 RUB at 22%" in section
    assert "after the correction: 5 CM-300 free at MAIN, Volga Kazan owes 88781.87 RUB" in section
    assert "Универсальный передаточный документ № RTU-0001 от 10.03.2026" in section
    assert "Универсальный корректировочный документ № KR-0001 от 16.03.2026" in section


def test_the_demo_command_writes_the_upd_as_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", str(tmp_path / "demo.sqlite")]) == 0
    pdf = tmp_path / "demo-upd.pdf"
    assert f"(the УПД of RTU-0001 as PDF: {pdf})" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout.replace("\u00a0", " ")
        # the same 131,344.13 as the report's shipment line
        assert "Универсальный передаточный документ № RTU-0001 от 10.03.2026" in text
        assert "131 344.13" in text
