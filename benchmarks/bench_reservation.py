"""Reserve operations per second on a SQLite file, one writer and four concurrent writers.

Each reserve is one unit of work (``BEGIN IMMEDIATE`` ... ``COMMIT``) reserving
one unit of a product from free stock for a new order line, as a clerk's
click would. The four writers are separate processes, each with its own
``SqliteStore``, reserving the same product, so they queue for the write
lock exactly as real clerks would.

Run alone: ``python benchmarks/bench_reservation.py``. Prints ``metric NAME VALUE`` lines.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from salescore.adapters.sqlite import SqliteStore
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId, ReserveClaim, receive, reserve_from_stock

AT = datetime(2026, 3, 1, tzinfo=UTC)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")
ONE_WRITER_RESERVES = 3_000
PER_WRITER_RESERVES = 1_000
WRITERS = 4


def prepare(path: Path) -> None:
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, MAIN, Quantity(1_000_000), document="GR-1", at=AT)
        uow.commit()
    store.close()


def reserve_loop(store: SqliteStore, name: str, count: int) -> None:
    """``count`` reserves of one unit, each its own unit of work."""
    for i in range(count):
        claim = ReserveClaim(
            OrderId(f"{name}-{i}"),
            LineId("1"),
            CM,
            MAIN,
            Quantity(1),
            date(2026, 3, 9),
            date(2026, 3, 1),
        )
        with store.unit_of_work() as uow:
            reserve_from_stock(uow.stock_ledger, claim, document=name, at=AT)
            uow.commit()


def writer(path: Path, name: str, count: int, start: Any) -> None:
    store = SqliteStore(path)  # opened before the clock starts
    start.wait()
    reserve_loop(store, name, count)
    store.close()


def one_writer(path: Path) -> float:
    store = SqliteStore(path)
    started = time.perf_counter()
    reserve_loop(store, "ONE", ONE_WRITER_RESERVES)
    rate = ONE_WRITER_RESERVES / (time.perf_counter() - started)
    store.close()
    return rate


def four_writers(path: Path) -> float:
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    workers = [
        ctx.Process(target=writer, args=(path, f"W{n}", PER_WRITER_RESERVES, start))
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.2)  # let every writer open its store before the clock starts
    started = time.perf_counter()
    start.set()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"writer {worker.name} failed with exit code {worker.exitcode}")
    return WRITERS * PER_WRITER_RESERVES / (time.perf_counter() - started)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        single = Path(tmp) / "one.sqlite"
        prepare(single)
        print(f"metric sqlite_reserves_per_s_1_writer {one_writer(single):.0f}")
        multi = Path(tmp) / "four.sqlite"
        prepare(multi)
        print(f"metric sqlite_reserves_per_s_{WRITERS}_writers {four_writers(multi):.0f}")


if __name__ == "__main__":
    main()
