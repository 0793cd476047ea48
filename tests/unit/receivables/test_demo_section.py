"""The demo's receivables section on both adapters."""

from __future__ import annotations

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.demo.report import run_demo


def test_the_demo_shows_a_schedule_a_payment_an_aging_table_and_the_stop_list() -> None:
    report = run_demo(MemoryStore())
    section = report[report.index("== Receivables ==") :]
    assert "credit 50%, due 14 calendar day(s) after shipment = 50000.00 RUB on 2026-01-12" in (
        section
    )
    assert (
        "Payment PAY-0042 of 90000.00 RUB on 2026-01-30 "
        "(20000.00 allocated by hand to SO-1005, the rest automatically):"
    ) in section
    assert "15000.00 RUB to SO-1005 (SHIP-1005, due 2026-01-20) by hand" in section
    assert "50000.00 RUB to SO-1001 (SHIP-1001, due 2025-12-25) automatically" in section
    assert "TOTAL               RUB     0.00  109000.50  10000.00  48400.00  0.00  167400.50" in (
        section
    )
    assert "partner CAFE: block (limit L-CAFE: overdue days 70 > 30)" in section


def test_the_demo_gives_the_same_report_on_sqlite() -> None:
    store = SqliteStore(":memory:")
    try:
        assert run_demo(store) == run_demo(MemoryStore())
    finally:
        store.close()
