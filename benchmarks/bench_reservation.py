"""Reserve operations per second on a SQLite file, one writer and four concurrent writers.

Each reserve is one unit of work (``BEGIN IMMEDIATE`` ... ``COMMIT``) reserving
one unit of a product from free stock for a new order line, as a clerk's
click would. The four writers are separate processes, each with its own
``SqliteStore``, reserving the same product, so they queue for the write
lock exactly as real clerks would.

The floor (``raw_reserve_loop``) does the same reads and writes with raw
``sqlite3``; ``reserve_vs_raw_sqlite`` is the library's rate over the floor's.
Reserving a whole order of ten lines in one unit of work shows what batching
saves: one transaction and one commit per order instead of per line.

Run alone: ``python benchmarks/bench_reservation.py``. Prints ``metric NAME VALUE`` lines.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from _timing import best_times, peak_rss_mib

from salescore.adapters.sqlite import SqliteStore
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId, ReserveClaim, receive, reserve_from_stock

AT = datetime(2026, 3, 1, tzinfo=UTC)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")
ONE_WRITER_RESERVES = 3_000
PER_WRITER_RESERVES = 1_000
WRITERS = 4
ORDER_LINES = 10


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


def reserve_orders(store: SqliteStore, name: str, orders: int, lines: int) -> None:
    """``orders`` orders of ``lines`` lines, each order reserved in one unit of work."""
    for i in range(orders):
        with store.unit_of_work() as uow:
            for n in range(lines):
                claim = ReserveClaim(
                    OrderId(f"{name}-{i}"),
                    LineId(str(n)),
                    CM,
                    MAIN,
                    Quantity(1),
                    date(2026, 3, 9),
                    date(2026, 3, 1),
                )
                reserve_from_stock(uow.stock_ledger, claim, document=name, at=AT)
            uow.commit()


def raw_reserve_loop(path: Path, name: str, count: int) -> None:
    """The floor: what one reserve must do, written with raw ``sqlite3`` on the same file.

    Per reserve, as the library does: one ``BEGIN IMMEDIATE`` transaction reading
    what the line already holds, taking one unit from free stock with the
    conditional update, adding it to the line's reserve, appending the ledger
    entry, saving the line's claim, and committing. Same pragmas as the store.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    key = "product_id = ? AND warehouse_id = ? AND kind = ? AND order_id = ? AND line_id = ? "
    key += "AND expected_on = ?"
    at = AT.isoformat()
    for i in range(count):
        order = f"{name}-{i}"
        conn.execute("BEGIN IMMEDIATE")
        held = conn.execute(
            f"SELECT quantity FROM reservation_balances WHERE {key}",
            (CM, MAIN, "reserved", order, "1", ""),
        ).fetchone()
        lacking = 1 - (0 if held is None else held[0])
        left = conn.execute(
            f"UPDATE reservation_balances SET quantity = quantity - ? WHERE {key} "
            "AND quantity - ? >= 0 RETURNING quantity",
            (lacking, CM, MAIN, "free", "", "", "", lacking),
        ).fetchone()
        if left is None:
            raise SystemExit("the floor ran out of stock")
        conn.execute(
            "INSERT INTO reservation_balances (product_id, warehouse_id, kind, order_id, "
            "line_id, expected_on, quantity) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity",
            (CM, MAIN, "reserved", order, "1", "", lacking),
        )
        conn.execute(
            "INSERT INTO reservation_entries (product_id, warehouse_id, source_kind, "
            "source_order, source_line, source_date, target_kind, target_order, "
            "target_line, target_date, quantity, operation, document, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                CM,
                MAIN,
                "free",
                "",
                "",
                "",
                "reserved",
                order,
                "1",
                "",
                lacking,
                "reserve_from_stock",
                name,
                at,
            ),
        )
        conn.execute(
            "INSERT OR REPLACE INTO reservation_claims (order_id, line_id, product_id, "
            "warehouse_id, quantity, unit_code, unit_name, unit_scale, planned_shipment, "
            "order_date, priority, supply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order,
                "1",
                CM,
                MAIN,
                1,
                "pcs",
                "piece",
                0,
                "2026-03-09",
                "2026-03-01",
                0,
                "from_stock",
            ),
        )
        conn.execute("COMMIT")
    conn.close()


def writer(path: Path, name: str, count: int, start: Any) -> None:
    store = SqliteStore(path)  # opened before the clock starts
    start.wait()
    reserve_loop(store, name, count)
    store.close()


def one_writer(path: Path) -> tuple[float, float, float]:
    """Reserves per second: the library, the raw floor, and whole orders per unit of work."""
    store = SqliteStore(path)
    rounds = iter(range(1_000_000))

    def library() -> None:
        reserve_loop(store, f"LIB{next(rounds)}", ONE_WRITER_RESERVES)

    def floor() -> None:
        raw_reserve_loop(path, f"RAW{next(rounds)}", ONE_WRITER_RESERVES)

    def batched() -> None:
        reserve_orders(store, f"ORD{next(rounds)}", ONE_WRITER_RESERVES // ORDER_LINES, ORDER_LINES)

    lib_s, raw_s, batch_s = best_times([library, floor, batched], rounds=3)
    store.close()
    return ONE_WRITER_RESERVES / lib_s, ONE_WRITER_RESERVES / raw_s, ONE_WRITER_RESERVES / batch_s


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
        library, floor, batched = one_writer(single)
        print(f"metric sqlite_reserves_per_s_1_writer {library:.0f}")
        print(f"metric raw_sqlite_reserves_per_s_1_writer {floor:.0f}")
        print(f"metric reserve_vs_raw_sqlite {library / floor:.2f}")
        print(f"metric sqlite_reserved_lines_per_s_{ORDER_LINES}_line_orders {batched:.0f}")
        multi = Path(tmp) / "four.sqlite"
        prepare(multi)
        print(f"metric sqlite_reserves_per_s_{WRITERS}_writers {four_writers(multi):.0f}")
    print(f"metric peak_rss_mib_reservation {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
