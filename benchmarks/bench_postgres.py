"""Reserves per second on PostgreSQL with 1, 4 and 16 writers on different products.

Each reserve is one unit of work reserving one unit of a product from free
stock for a new order line, as a clerk's click would. Each writer is a
separate process with its own ``PostgresStore`` reserving its own product,
so the writers contend for the server, not for one balance row (SQLite's
single writer lock would serialise them all). The server is a throwaway one
started here (``initdb`` + ``pg_ctl``, default durability: fsync on).

The 10,000,000-item in-database aging of the issue is not measured yet.

Run alone: ``python benchmarks/bench_postgres.py``. Prints ``metric NAME VALUE`` lines,
or a reason and nothing else when no PostgreSQL server can be started.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, date, datetime
from typing import Any

from salescore.errors import StorageError
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId, ReserveClaim, receive, reserve_from_stock

AT = datetime(2026, 3, 1, tzinfo=UTC)
MAIN = WarehouseId("MAIN")
RESERVES = {1: 1_200, 4: 600, 16: 200}  # per writer
CTX = multiprocessing.get_context("fork")


def writer(url: str, product: ProductId, count: int, start: Any, done: Any) -> None:
    from salescore.adapters.postgres import PostgresStore

    store = PostgresStore(url, min_size=1, max_size=1)
    start.wait(120)  # a barrier: every writer connected, then all go at once
    for i in range(count):
        claim = ReserveClaim(
            OrderId(f"{product}-{i}"), LineId("1"), product, MAIN, Quantity(1),
            date(2026, 3, 9), date(2026, 3, 1),
        )  # fmt: skip
        with store.unit_of_work() as uow:
            reserve_from_stock(uow.stock_ledger, claim, document=product, at=AT)
            uow.commit()
    store.close()
    done.put(count)


def rate(url: str, writers: int) -> float:
    from salescore.adapters.postgres import PostgresStore

    products = [ProductId(f"W{writers}-{n}") for n in range(writers)]
    store = PostgresStore(url)
    with store.unit_of_work() as uow:
        for product in products:
            receive(uow.stock_ledger, product, MAIN, Quantity(1_000_000), document="GR", at=AT)
        uow.commit()
    store.close()
    start, done = CTX.Barrier(writers + 1), CTX.Queue()
    count = RESERVES[writers]
    procs = [
        CTX.Process(target=writer, args=(url, product, count, start, done)) for product in products
    ]
    for proc in procs:
        proc.start()
    start.wait(120)
    began = time.perf_counter()
    total = sum(int(done.get(timeout=600)) for _ in procs)
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join(30)
    return total / elapsed


def main() -> None:
    try:
        from salescore.adapters.postgres.testing import throwaway_server

        server = throwaway_server(durable=True)
        url = server.__enter__()
    except (ImportError, StorageError) as exc:
        print(f"skipped: no PostgreSQL server can be started here ({exc})")
        return
    try:
        for writers in (1, 4, 16):
            print(f"metric pg_reserves_per_s_{writers} {rate(url, writers):.0f}")
    finally:
        server.__exit__(None, None, None)


if __name__ == "__main__":
    main()
