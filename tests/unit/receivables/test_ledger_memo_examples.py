"""The ledger's memo of allocation totals: the most recently used dates are kept (fast examples).

:data:`ALLOCATED_DATES_KEPT` promises a bounded memo that lets the least recently
used date go first; the slow test beside it (``test_ledger_memo.py``) checks the memory
over many dates, these check which dates are kept and that answers stay right.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from salescore.money import Money
from salescore.receivables import (
    ALLOCATED_DATES_KEPT,
    EntryKind,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    allocate_payments,
)

ACC = SettlementAccount("CAFE", "RUB")
DAY0 = date(2026, 3, 1)
# E1 100.00 posted 1 March; PAY 30.00 on 3 March and PAY2 50.00 on 5 March pay it.
ENTRIES = [
    SettlementEntry("E1", EntryKind.SHIPMENT, ACC, "SO-1", "S1", DAY0, DAY0, Money("100.00", "RUB"))
]
PAYMENTS = [
    Payment("PAY", ACC, date(2026, 3, 3), Money("30.00", "RUB")),
    Payment("PAY2", ACC, date(2026, 3, 5), Money("50.00", "RUB")),
]


def _ledger() -> SettlementLedger:
    return SettlementLedger(ENTRIES, PAYMENTS, allocate_payments(ENTRIES, PAYMENTS))


def _open(ledger: SettlementLedger, on: date) -> str:
    return str(sum(i.open.amount for i in ledger.open_items(on)))


def _kept(ledger: SettlementLedger) -> list[int]:
    """The days after DAY0 whose totals the memo keeps, least recently used first."""
    return [(on - DAY0).days for on, _ in ledger._allocated_memo]


def test_the_memo_keeps_the_most_recently_used_dates_and_lets_the_oldest_go() -> None:
    ledger = _ledger()
    days = range(ALLOCATED_DATES_KEPT)
    for day in days:
        ledger.open_items(DAY0 + timedelta(day))
    assert _kept(ledger) == list(days)  # exactly as many as it may keep
    ledger.open_items(DAY0)  # day 0 used again: now the most recent
    ledger.open_items(DAY0 + timedelta(ALLOCATED_DATES_KEPT))  # one more: day 1 goes
    assert _kept(ledger) == [*range(2, ALLOCATED_DATES_KEPT), 0, ALLOCATED_DATES_KEPT]


def test_answers_are_right_whether_or_not_the_date_is_in_the_memo() -> None:
    ledger = _ledger()
    # 100.00 open until 3 March, 70.00 until 5 March, 20.00 from then on.
    expected = {0: "100.00", 2: "70.00", 3: "70.00", 4: "20.00", 9: "20.00"}
    for _ in range(2):  # the second round answers from the memo (or after it let dates go)
        for day in [0, 2, 3, 4, 9, *range(10, 10 + ALLOCATED_DATES_KEPT)]:
            got = _open(ledger, DAY0 + timedelta(day))
            assert got == expected.get(day, "20.00"), day


def test_planned_and_actual_totals_of_one_date_are_kept_apart() -> None:
    stage = SettlementEntry("P1", EntryKind.SCHEDULE, ACC, "SO-1", "SO-1", DAY0, DAY0,
                            Money("40.00", "RUB"))  # fmt: skip
    entries = [*ENTRIES, stage]
    ledger = SettlementLedger(entries, PAYMENTS, allocate_payments(entries, PAYMENTS))
    on = date(2026, 3, 3)
    # PAY's 30.00 pays E1 (actual) and P1 (planned) alike.
    assert [str(i.open.amount) for i in ledger.open_items(on, Measure.ACTUAL)] == ["70.00"]
    assert [str(i.open.amount) for i in ledger.open_items(on, Measure.PLANNED)] == ["10.00"]
    assert [str(i.open.amount) for i in ledger.open_items(on, Measure.ACTUAL)] == ["70.00"]
    assert sorted(m.value for _, m in ledger._allocated_memo) == ["actual", "planned"]


class _OtherThreadLetsGo(OrderedDict[Any, Any]):
    """A memo another thread trims at the worst moment: it lets a date go just before this
    thread marks it used, and empties the memo just before this thread trims it."""

    def move_to_end(self, key: Any, last: bool = True) -> None:
        del self[key]  # the other thread let this date go
        super().move_to_end(key, last)  # KeyError, as a thread would meet it

    def popitem(self, last: bool = True) -> tuple[Any, Any]:
        self.clear()  # the other thread emptied the memo
        return super().popitem(last)  # KeyError


def test_answers_stay_right_when_another_thread_lets_memo_dates_go_meanwhile() -> None:
    ledger = _ledger()
    ledger._allocated_memo = _OtherThreadLetsGo()
    on = date(2026, 3, 3)
    assert _open(ledger, on) == "70.00"  # computed; stored with nothing to trim
    assert _open(ledger, on) == "70.00"  # found, but let go before it is marked used
    for day in range(10, 11 + ALLOCATED_DATES_KEPT):  # one date over the bound at the end
        assert _open(ledger, DAY0 + timedelta(day)) == "20.00"
