"""The demo's receivables section on both adapters."""

from __future__ import annotations

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.demo import run_demo


def test_the_demo_shows_a_schedule_a_payment_an_aging_table_and_the_stop_list() -> None:
    report = run_demo(MemoryStore())
    section = report[report.index("== Receivables ==") :]
    assert "credit 70%, due 14 working day(s) after shipment = 70000.00 RUB on 2026-01-26" in (
        section
    )
    assert "30000.00 RUB to SO-1001 (SHIP-1001, due 2025-12-25) by hand" in section
    assert "TOTAL               RUB     0.00  64000.00  45000.50  28400.00  0.00  137400.50" in (
        section
    )
    assert "partner CAFE: block (limit L-CAFE: overdue days 63 > 30)" in section


def test_the_demo_gives_the_same_report_on_sqlite() -> None:
    store = SqliteStore(":memory:")
    try:
        assert run_demo(store) == run_demo(MemoryStore())
    finally:
        store.close()
