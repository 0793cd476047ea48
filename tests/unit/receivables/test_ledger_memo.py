"""A ledger asked about ever new dates keeps a bounded memo of what was allocated by then."""

from __future__ import annotations

import tracemalloc
from datetime import date, timedelta

import pytest

from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    allocate_payments,
)

DAY0 = date(2026, 1, 1)


def _ledger(size: int) -> SettlementLedger:
    entries = [
        SettlementEntry(f"E{n}", EntryKind.SHIPMENT, SettlementAccount(f"P{n % 50}", "RUB"),
                        f"SO-{n}", f"S{n}", DAY0 + timedelta(days=n % 300),
                        DAY0 + timedelta(days=n % 300 + 10), Money("100.00", "RUB"))
        for n in range(size)
    ]  # fmt: skip
    payments = [
        Payment(f"PAY{n}", SettlementAccount(f"P{n % 50}", "RUB"),
                DAY0 + timedelta(days=n % 300 + 5), Money("70.00", "RUB"))
        for n in range(size)
    ]  # fmt: skip
    return SettlementLedger(entries, payments, allocate_payments(entries, payments))


def _open_total(ledger: SettlementLedger, on: date) -> int:
    return sum(item.open.minor_units for item in ledger.open_items(on))


# Seconds to a minute on a loaded machine (3,000 entries over 160 dates, traced): the fast
# examples of which dates are kept are in test_ledger_memo_examples.py.
@pytest.mark.slow
def test_answers_on_many_dates_equal_a_fresh_ledgers_and_memory_stays_bounded() -> None:
    ledger = _ledger(3_000)
    days = [DAY0 + timedelta(days=d) for d in range(0, 320, 2)]
    expected = {on: _open_total(_ledger(3_000), on) for on in days[:3] + days[-3:]}
    for on in days[:16]:  # warm up: the memo full
        _open_total(ledger, on)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        found = {on: _open_total(ledger, on) for on in days}
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert {on: found[on] for on in expected} == expected
    # One date's totals are about 3,000 entries and payments; 160 of them kept would be
    # tens of megabytes, the bounded memo keeps ALLOCATED_DATES_KEPT.
    assert grown < 4 * 1024 * 1024
    # The most recently used date is kept: asked again, the same answer.
    assert _open_total(ledger, days[-1]) == found[days[-1]]
