"""Processes paying the same client at once never over-allocate a payment or a debt.

Eight processes each record a payment to one client's account while the
others do; on SQLite the single writer makes them take turns, on PostgreSQL
the account's lock does. The stored allocations must equal what allocating
every payment at once computes (no allocation lost or made twice).
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from salescore.adapters.postgres.testing import fresh_database
from salescore.app.stores import open_store
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    post_entries,
    record_payment,
)
from salescore.receivables.allocation import allocate_payments

pytestmark = pytest.mark.slow

CTX = multiprocessing.get_context("fork")
ACC = SettlementAccount("CAFE", "RUB")
PROCESSES = 8
DEBTS = [f"SO-{n}" for n in range(4)]  # 4 x 100.00 owed; 8 x 75.00 paid


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'pay.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_server"), "payments")


def pay(url: str, n: int, start: Any, results: Any) -> None:
    store = open_store(url)
    start.wait(10)
    try:
        with store.unit_of_work() as uow:
            record_payment(
                uow.settlements, Payment(f"PAY-{n}", ACC, date(2026, 3, 3), Money("75.00", "RUB"))
            )
            uow.commit()
        results.put(("paid", n))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        store.close()


def debt(order: str) -> SettlementEntry:
    """100.00 owed for a shipment of ``order``."""
    shipped, due = date(2026, 3, 2), date(2026, 3, 16)
    return SettlementEntry(
        order, EntryKind.SHIPMENT, ACC, order, order, shipped, due, Money("100.00", "RUB")
    )


def test_concurrent_payments_to_one_client_are_never_over_allocated(url: str) -> None:
    store = open_store(url)
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [debt(order) for order in DEBTS])
        uow.commit()
    start, results = CTX.Event(), CTX.Queue()
    workers = [CTX.Process(target=pay, args=(url, n, start, results)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(10)
    assert sorted(outcomes) == [("paid", n) for n in range(PROCESSES)]

    with store.unit_of_work(read_only=True) as uow:
        entries = uow.settlements.entries(account=ACC)
        payments = uow.settlements.payments(account=ACC)
        stored = uow.settlements.allocations(account=ACC)
    store.close()
    assert len(payments) == PROCESSES
    assert stored == allocate_payments(entries, payments)
    per_entry: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    per_payment: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for allocation in stored:
        per_entry[(allocation.measure.value, allocation.entry_id)] += allocation.amount.amount
        per_payment[(allocation.measure.value, allocation.source_id)] += allocation.amount.amount
    assert per_entry
    assert all(total <= Decimal("100.00") for total in per_entry.values())
    assert all(total <= Decimal("75.00") for total in per_payment.values())
    # 400.00 owed, 600.00 paid: each measure allocates exactly the debt
    by_measure: dict[str, Decimal] = defaultdict(Decimal)
    for (measure, _), total in per_entry.items():
        by_measure[measure] += total
    assert set(by_measure.values()) == {Decimal("400.00")}
