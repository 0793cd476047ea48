"""Real concurrent writers on one SQLite file: no overselling, and a killed writer harms nothing.

Several processes, each with two threads and its own ``SqliteStore``, race
to reserve the same scarce stock. Then a writer is killed with SIGKILL while
it holds an open write transaction; the others must go on and the file must
stay consistent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from salescore.adapters.sqlite import SqliteStore
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
    reserve_from_stock,
)

pytestmark = pytest.mark.slow

# fork: the children run functions of this test module, which spawn could not import.
CTX = multiprocessing.get_context("fork")
AT = datetime(2026, 3, 1, tzinfo=UTC)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")
STOCK = 40
PROCESSES, THREADS, ATTEMPTS = 3, 2, 12


def claim(order: str, need: int) -> ReserveClaim:
    return ReserveClaim(
        OrderId(order), LineId("1"), CM, MAIN, Quantity(need), date(2026, 3, 9), date(2026, 3, 1)
    )


def prepare(path: Path) -> None:
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, MAIN, Quantity(STOCK), document="GR-1", at=AT)
        uow.commit()
    store.close()


def reserve_many(store: SqliteStore, name: str, start: Any, out: list[tuple[Any, ...]]) -> None:
    """Reserve 1-3 units for fresh order lines, ATTEMPTS times; record every outcome."""
    start.wait(10)
    for i in range(ATTEMPTS):
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
    store.close()  # this thread's connection


def process_worker(path: Path, worker: int, start: Any, results: Any) -> None:
    """One process: its own store, shared by its threads (one connection per thread)."""
    store = SqliteStore(path)
    out: list[tuple[Any, ...]] = []
    threads = [
        threading.Thread(target=reserve_many, args=(store, f"P{worker}T{t}", start, out))
        for t in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(out)


def audit(path: Path) -> tuple[Quantity, int, bool]:
    """Reserved total, count of reserve entries, and whether balances match the entries."""
    store = SqliteStore(path)
    with store.unit_of_work(immediate=False) as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        entries = uow.stock_ledger.entries()
        consistent = uow.stock_ledger.balances() == derive_balances(entries)
    store.close()
    reserves = sum(1 for e in entries if e.operation is Operation.RESERVE_FROM_STOCK)
    assert position.on_hand == Quantity(STOCK)
    return position.reserved_total, reserves, consistent


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_racing_processes_and_threads_never_reserve_more_than_stock(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite"
    prepare(path)
    start = CTX.Event()
    results = CTX.Queue()
    workers = [
        CTX.Process(target=process_worker, args=(path, n, start, results)) for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [item for _ in workers for item in results.get(timeout=60)]
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == 0

    assert [o for o in outcomes if o[0] == "error"] == []
    assert len(outcomes) == PROCESSES * THREADS * ATTEMPTS
    granted = sum(o[1] for o in outcomes if o[0] == "reserved")
    refused = [o for o in outcomes if o[0] == "refused"]
    assert refused, "the stock was meant to run out"
    assert all(asked > free for _, _, asked, free in refused)
    reserved, reserve_entries, consistent = audit(path)
    assert reserved == Quantity(granted)
    assert granted <= STOCK
    assert reserve_entries == len(outcomes) - len(refused)
    assert consistent
    # First come, first served: once refused, a request was larger than what was left.
    assert STOCK - granted < 3


def hold_write_transaction(path: Path, ready: Any) -> None:
    """Reserve inside an open transaction, tell the parent, and hang until killed."""
    store = SqliteStore(path)
    uow = store.unit_of_work()
    uow.__enter__()
    reserve_from_stock(uow.stock_ledger, claim("KILLED", 5), document="KILLED", at=AT)
    ready.set()
    time.sleep(60)


def test_a_writer_killed_mid_transaction_leaves_the_file_consistent(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    prepare(path)
    ready = CTX.Event()
    victim = CTX.Process(target=hold_write_transaction, args=(path, ready))
    victim.start()
    try:
        assert ready.wait(20), "the victim never opened its transaction"
        out: list[tuple[Any, ...]] = []
        go = threading.Event()
        go.set()
        # Opening the store waits for the write lock too (it checks the schema).
        survivor = threading.Thread(
            target=lambda: reserve_many(SqliteStore(path), "AFTER", go, out)
        )
        survivor.start()
        time.sleep(0.5)
        assert survivor.is_alive(), "the survivor should wait for the victim's write lock"
        assert out == []
    finally:
        if victim.pid is not None:
            os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
    survivor.join(30)

    assert victim.exitcode == -signal.SIGKILL
    assert not survivor.is_alive()
    assert [o[0] for o in out] == ["reserved"] * ATTEMPTS
    reserved, reserve_entries, consistent = audit(path)
    assert reserved == Quantity(sum(o[1] for o in out))
    assert reserve_entries == ATTEMPTS
    assert consistent
    assert integrity(path) == "ok"
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        assert uow.stock_ledger.entries(order_id=OrderId("KILLED")) == []
        assert uow.stock_ledger.claim(OrderId("KILLED"), LineId("1")) is None
    store.close()
