"""Real concurrent writers on one database: no overselling, and a killed writer harms nothing.

Several processes, each with its threads and its own store, race to reserve
the same scarce stock, on one SQLite file and on one PostgreSQL database
(sixteen processes there: the store meant for many). Then a writer is killed
with SIGKILL while it holds an open write transaction; the others must go on
and the data must stay consistent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import race

from salescore.adapters.postgres.testing import fresh_database
from salescore.app.stores import Store, open_store
from salescore.errors import InsufficientStockError
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    LineId,
    Operation,
    OrderId,
    ReserveClaim,
    derive_balances,
    receive,
    reserve_from_orders,
    reserve_from_stock,
)

pytestmark = pytest.mark.slow

# fork: the children run functions of this test module, which spawn could not import.
CTX = multiprocessing.get_context("fork")
AT = datetime(2026, 3, 1, tzinfo=UTC)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")
STOCK = 40
# (processes, threads per process, attempts per thread)
SHAPES = {"sqlite": (3, 2, 12), "postgresql": (16, 1, 6)}
ATTEMPTS = 12


def claim(order: str, need: int) -> ReserveClaim:
    return ReserveClaim(
        OrderId(order), LineId("1"), CM, MAIN, Quantity(need), date(2026, 3, 9), date(2026, 3, 1)
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each store meant for several processes."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'race.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_server"), "race")


def prepare(url: str) -> None:
    store = open_store(url)
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, MAIN, Quantity(STOCK), document="GR-1", at=AT)
        uow.commit()
    store.close()


def reserve_many(
    store: Store, name: str, start: Any, out: list[tuple[Any, ...]], attempts: int = ATTEMPTS
) -> None:
    """Reserve 1-3 units for fresh order lines, ``attempts`` times; record every outcome."""
    start.wait(10)
    for i in range(attempts):
        need = 1 + (i + len(name)) % 3
        try:
            with store.unit_of_work() as uow:
                reserve_from_stock(
                    uow.stock_ledger, claim(f"{name}-{i}", need), document=name, at=AT
                )
                uow.commit()
            out.append(("reserved", need))
        except InsufficientStockError as exc:
            out.append(("refused", need, exc.details["asked"].value, exc.details["free"].value))
        except Exception as exc:  # anything else is a failure the parent reports
            out.append(("error", repr(exc)))


def process_worker(url: str, worker: int, start: Any, results: Any) -> None:
    """One process: its own store, shared by its threads (one connection per thread)."""
    store = open_store(url)
    _, threads_per_process, attempts = SHAPES[url.split(":")[0]]
    out: list[tuple[Any, ...]] = []
    threads = [
        threading.Thread(target=reserve_many, args=(store, f"P{worker}T{t}", start, out, attempts))
        for t in range(threads_per_process)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()  # every thread's connection
    results.put(out)


def audit(url: str) -> tuple[Quantity, int, bool]:
    """Reserved total, count of reserve entries, and whether balances match the entries."""
    store = open_store(url)
    with store.unit_of_work(read_only=True) as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        entries = uow.stock_ledger.entries()
        consistent = uow.stock_ledger.balances() == derive_balances(entries)
    store.close()
    reserves = sum(1 for e in entries if e.operation is Operation.RESERVE_FROM_STOCK)
    assert position.on_hand == Quantity(STOCK)
    return position.reserved_total, reserves, consistent


def integrity(url: str) -> str:
    if not url.startswith("sqlite:"):
        return "ok"  # PostgreSQL checks its own pages; the audit checks the ledger
    conn = sqlite3.connect(url.removeprefix("sqlite:"))
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_racing_processes_and_threads_never_reserve_more_than_stock(url: str) -> None:
    prepare(url)
    processes, threads, attempts = SHAPES[url.split(":")[0]]
    start = CTX.Event()
    results = CTX.Queue()
    workers = [
        CTX.Process(target=process_worker, args=(url, n, start, results)) for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [item for _ in workers for item in results.get(timeout=60)]
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == 0

    assert [o for o in outcomes if o[0] == "error"] == []
    assert len(outcomes) == processes * threads * attempts
    granted = sum(o[1] for o in outcomes if o[0] == "reserved")
    refused = [o for o in outcomes if o[0] == "refused"]
    assert refused, "the stock was meant to run out"
    assert all(asked > free for _, _, asked, free in refused)
    reserved, reserve_entries, consistent = audit(url)
    assert reserved == Quantity(granted)
    assert granted <= STOCK
    assert reserve_entries == len(outcomes) - len(refused)
    assert consistent
    # First come, first served: once refused, a request was larger than what was left.
    assert STOCK - granted < 3


def hold_write_transaction(url: str, ready: Any) -> None:
    """Reserve inside an open transaction, tell the parent, and hang until killed."""
    store = open_store(url)
    uow = store.unit_of_work()
    uow.__enter__()
    reserve_from_stock(uow.stock_ledger, claim("KILLED", 5), document="KILLED", at=AT)
    ready.set()
    time.sleep(60)


def test_a_writer_killed_mid_transaction_leaves_the_data_consistent(url: str) -> None:
    prepare(url)
    ready = CTX.Event()
    victim = CTX.Process(target=hold_write_transaction, args=(url, ready))
    victim.start()
    try:
        assert ready.wait(20), "the victim never opened its transaction"
        out: list[tuple[Any, ...]] = []
        go = threading.Event()
        go.set()
        # SQLite: opening the store waits for the write lock too (it checks the schema);
        # PostgreSQL: the survivor waits for the victim's lock on the stock's balance row.
        survivor = threading.Thread(target=lambda: reserve_many(open_store(url), "AFTER", go, out))
        survivor.start()
        time.sleep(0.5)
        assert survivor.is_alive(), "the survivor should wait for the victim's lock"
        assert out == []
    finally:
        if victim.pid is not None:
            os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
    survivor.join(30)

    assert victim.exitcode == -signal.SIGKILL
    assert not survivor.is_alive()
    assert [o[0] for o in out] == ["reserved"] * ATTEMPTS
    reserved, reserve_entries, consistent = audit(url)
    assert reserved == Quantity(sum(o[1] for o in out))
    assert reserve_entries == ATTEMPTS
    assert consistent
    assert integrity(url) == "ok"
    store = open_store(url)
    with store.unit_of_work() as uow:
        assert uow.stock_ledger.entries(order_id=OrderId("KILLED")) == []
        assert uow.stock_ledger.claim(OrderId("KILLED"), LineId("1")) is None
    store.close()


def _reserve_same_line(store: Store, how: str, name: str) -> Decimal:
    """Reserve what the one shared line lacks, in a unit of work of its own; how much moved."""
    with store.unit_of_work() as uow:
        line = claim("SAME", SAME_NEED)
        if how == "stock":
            report = reserve_from_stock(uow.stock_ledger, line, document=name, at=AT)
        else:
            report = reserve_from_orders(
                uow.stock_ledger, line, document=name, at=AT, donors=[OrderId("DONOR")]
            )
        uow.commit()
    return sum((e.move.quantity.value for e in report.entries), Decimal(0))


SAME_NEED = 5


@pytest.mark.parametrize("how", ["stock", "orders"])
def test_racing_writers_never_reserve_one_line_beyond_its_need(url: str, how: str) -> None:
    """Eight writers at once reserve what the same order line lacks: only one finds it
    lacking; the others see its reserve once the first commits, and move nothing."""
    prepare(url)
    if how == "orders":  # the stock is held by another order, the donor
        store = open_store(url)
        with store.unit_of_work() as uow:
            reserve_from_stock(uow.stock_ledger, claim("DONOR", STOCK), document="D", at=AT)
            uow.commit()
        store.close()
    stores = [open_store(url) for _ in range(8)]  # opened before the writers start
    told = race(
        *[lambda s=s, n=n: _reserve_same_line(s, how, f"W{n}") for n, s in enumerate(stores)]
    )
    for writer_store in stores:
        writer_store.close()

    assert sorted(map(str, told)) == ["0"] * 7 + [str(SAME_NEED)]  # an error shows as itself
    store = open_store(url)
    with store.unit_of_work(read_only=True) as uow:
        held = uow.stock_ledger.balance(CM, MAIN, claim("SAME", SAME_NEED).bucket, Quantity(1).unit)
        assert held == Quantity(SAME_NEED)
        assert uow.stock_ledger.position(CM, MAIN).reserved_total == Quantity(
            STOCK if how == "orders" else SAME_NEED
        )
    store.close()
