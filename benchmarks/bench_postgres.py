"""PostgreSQL at scale: reserves with many writers, bulk loading, aging 10,000,000 items.

Run alone: ``python benchmarks/bench_postgres.py`` (``--only reserves`` or
``--only aging``; ``--items N`` for a smaller ledger). It starts a throwaway
server (``initdb`` + ``pg_ctl``) configured for durable commits, as a
deployment is (``fsync``, ``synchronous_commit`` and ``full_page_writes`` on,
the defaults), and prints ``metric NAME VALUE`` lines, with ``#`` lines
stating the durability and the machine's load, or a reason and nothing else
when no PostgreSQL server can be started.

Reserves (each one unit of work reserving one unit of a product from free
stock for a new order line, as a clerk's click would; each writer a separate
process with its own store reserving its own product, so the writers contend
for the database, not for one balance row):

* ``pg_reserves_per_s_1``, ``_4``, ``_16`` — reserves per second with 1, 4 and
  16 writers (goal: 16 writers at least 2x one writer), best of two rounds;
* ``pg_reserves_scaling_16`` — the 16-writer rate over the one-writer rate;
* ``sqlite_reserves_per_s_1``, ``_4``, ``_16`` and ``sqlite_reserves_scaling_16``
  — the same writers on one SQLite file with the same durability (WAL,
  ``synchronous = FULL``: every commit is on disk before it returns; the
  store's default ``NORMAL`` may lose the last commits on a power cut);
* ``pg_reserves_per_statement_per_s_1``, ``_16`` — the baseline in the same run:
  the same reserves through the statement-per-step ledger the SQLite adapter
  writes (:class:`~salescore.adapters.sqlite.reservation.SqliteStockLedger` on
  the same connection: six round trips a reserve, against two);
* ``pg_reserves_vs_per_statement_1``, ``_16`` — the library's ledger over the baseline.

A durable commit waits for the disk (an ``fdatasync`` of the WAL, a few
milliseconds on this machine's virtual disk, though at times a fraction of
one: a ``#`` line gives each run's rate with the flush time measured just
before it), so one writer mostly waits.
PostgreSQL flushes the commits of writers that arrive together with one
``fdatasync`` (group commit), so more writers overlap that wait until the
two cores are busy; SQLite lets one writer in at a time, each commit its own
flush, so more writers are no faster.

Aging (the ledger of ``bench_receivables.py``: shipments over 5,000 partners and
50 managers, 40 % partly paid by four payments per partner; 30/60/90 calendar
days, grouped by manager and partner, cold cache):

* ``pg_copy_rows_per_s`` — entries, payments and allocations of the first
  1,000,000 items written through :mod:`salescore.adapters.postgres.bulk` (``COPY``);
* ``pg_aging_1m_s`` — the report computed in the database on 1,000,000 items;
* ``pg_aging_python_1m_s`` — the Python path on the same items (every open item
  read into Python and bucketed there); the two reports are compared;
* ``pg_aging_in_database_speedup_1m`` — the Python path's time over the database's;
* ``pg_aging_10m_s`` — the report in the database on 10,000,000 items (the first
  million repeated server-side under other ids, so every figure is ten times
  the 1,000,000-item report's: checked).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _timing import peak_rss_mib, settle_disk

from salescore.adapters.sqlite import SqliteStore
from salescore.errors import StorageError
from salescore.money import Money, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import (
    AgingCache,
    AgingPolicy,
    AgingReport,
    Allocation,
    EntryKind,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
)
from salescore.reservation import LineId, OrderId, ReserveClaim, receive, reserve_from_stock

AT = datetime(2026, 3, 1, tzinfo=UTC)
MAIN = WarehouseId("MAIN")
RESERVES = {1: 2_000, 4: 800, 16: 250}  # per writer: a few seconds each on a calm machine
CTX = multiprocessing.get_context("fork")

PARTNERS = 5_000
PAYMENTS_PER_PARTNER = 4
START = date(2025, 1, 1)
AS_OF = date(2025, 12, 31)
POLICY = AgingPolicy.from_bounds((30, 60, 90))
GROUPS = ("manager", "partner")
ITEMS = 1_000_000
COPIES = 10  # 10,000,000 items for pg_aging_10m_s


# --- reserves ----------------------------------------------------------------------


class DurableSqliteStore(SqliteStore):
    """A SQLite store whose commits are on disk when they return (WAL, ``synchronous = FULL``)."""

    def _open(self) -> sqlite3.Connection:
        conn = super()._open()
        conn.execute("PRAGMA synchronous = FULL")
        return conn


def open_writer_store(url: str) -> Any:
    if url.startswith("sqlite:"):
        return DurableSqliteStore(url.removeprefix("sqlite:"), timeout=600)
    from salescore.adapters.postgres import PostgresStore

    return PostgresStore(url, min_size=1, max_size=1)


def writer(
    url: str, product: ProductId, count: int, per_statement: bool, start: Any, done: Any
) -> None:
    from salescore.adapters.sqlite.reservation import SqliteStockLedger

    store = open_writer_store(url)
    start.wait(120)  # a barrier: every writer connected, then all go at once
    for i in range(count):
        claim = ReserveClaim(
            OrderId(f"{product}-{i}"), LineId("1"), product, MAIN, Quantity(1),
            date(2026, 3, 9), date(2026, 3, 1),
        )  # fmt: skip
        with store.unit_of_work() as uow:
            ledger = SqliteStockLedger(uow) if per_statement else uow.stock_ledger
            report = reserve_from_stock(ledger, claim, document=product, at=AT)
            uow.commit()
        assert len(report.entries) == 1
    store.close()
    done.put(count)


def rate(url: str, writers: int, tag: str, per_statement: bool = False) -> float:
    products = [ProductId(f"{tag}-W{writers}-{n}") for n in range(writers)]
    store = open_writer_store(url)
    with store.unit_of_work() as uow:
        for product in products:
            receive(uow.stock_ledger, product, MAIN, Quantity(1_000_000), document="GR", at=AT)
        uow.commit()
    store.close()
    start, done = CTX.Barrier(writers + 1), CTX.Queue()
    count = RESERVES[writers]
    procs = [
        CTX.Process(target=writer, args=(url, product, count, per_statement, start, done))
        for product in products
    ]
    for proc in procs:
        proc.start()
    start.wait(120)
    began = time.perf_counter()
    total = sum(int(done.get(timeout=600)) for _ in procs)
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join(30)
        if proc.exitcode != 0:
            raise SystemExit(f"a writer failed with exit code {proc.exitcode}")
    return total / elapsed


def durability(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        settings = [
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
            for name in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")
        ]
    return " ".join(settings)


def flush_latency_ms(folder: str, flushes: int = 20) -> float:
    """The median time of one ``fdatasync`` of an 8 kB write in ``folder``, as a commit's.

    A durable commit waits for one: on a virtual disk it varies from a fraction of
    a millisecond to several from one minute to the next, and one writer's rate with it.
    """
    path = os.path.join(folder, "flush")
    times = []
    with open(path, "wb") as file:
        for _ in range(flushes):
            file.write(b"\0" * 8192)
            file.flush()
            began = time.perf_counter()
            os.fdatasync(file.fileno())
            times.append(time.perf_counter() - began)
    os.unlink(path)
    return sorted(times)[flushes // 2] * 1000


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def reserves(url: str) -> None:
    folder = tempfile.mkdtemp(prefix="salescore-bench-")
    sqlite_url = f"sqlite:{folder}/reserves.sqlite"
    print(f"# PostgreSQL: {durability(url)}; SQLite: WAL, synchronous=FULL")
    print(f"# load average before the reserves (1, 5, 15 min; {os.cpu_count()} cores): {load()}")
    best: dict[tuple[str, int], float] = {}
    shapes = [("pg", w) for w in (1, 4, 16)] + [("sqlite", w) for w in (1, 4, 16)]
    shapes += [("pg_per_statement", 1), ("pg_per_statement", 16)]
    for round_ in range(2):
        for kind, writers in shapes:
            flush_ms = flush_latency_ms(folder)
            found = rate(
                sqlite_url if kind == "sqlite" else url,
                writers,
                f"R{round_}{kind}",
                per_statement=kind == "pg_per_statement",
            )
            best[kind, writers] = max(best.get((kind, writers), 0.0), found)
            print(f"# round {round_ + 1}, {kind}, {writers} writers: {found:.0f} reserves/s "
                  f"(a disk flush took {flush_ms:.2f} ms just before)")  # fmt: skip
    shutil.rmtree(folder)
    for kind in ("pg", "sqlite"):
        for writers in (1, 4, 16):
            print(f"metric {kind}_reserves_per_s_{writers} {best[kind, writers]:.0f}")
        print(f"metric {kind}_reserves_scaling_16 {best[kind, 16] / best[kind, 1]:.2f}")
    for writers in (1, 16):
        print(f"metric pg_reserves_per_statement_per_s_{writers} "
              f"{best['pg_per_statement', writers]:.0f}")  # fmt: skip
    for writers in (1, 16):
        ratio = best["pg", writers] / best["pg_per_statement", writers]
        print(f"metric pg_reserves_vs_per_statement_{writers} {ratio:.2f}")
    print(f"# load average after the reserves: {load()}")


# --- aging -------------------------------------------------------------------------


def ledger(items: int) -> tuple[list[SettlementEntry], list[Payment], list[Any]]:
    """``items`` shipments, the payments and the allocations of bench_receivables' store."""
    rng = random.Random(11)
    accounts = [SettlementAccount(f"P{n:05d}", "RUB") for n in range(PARTNERS)]
    pay_days = [
        [START + timedelta(rng.randrange(400)) for _ in range(PAYMENTS_PER_PARTNER)]
        for _ in accounts
    ]
    paid: dict[tuple[int, int], int] = defaultdict(int)
    entries: list[SettlementEntry] = []
    allocations: list[tuple[SettlementAccount, Allocation]] = []
    for n in range(items):
        p = rng.randrange(PARTNERS)
        posted = START + timedelta(rng.randrange(365))
        amount = rng.randint(1_000, 1_000_000)
        due = posted + timedelta(rng.choice((0, 14, 30, 60)))
        entries.append(
            SettlementEntry(f"E{n}", EntryKind.SHIPMENT, accounts[p], f"SO-{n // 4}",
                            f"SH-{n // 2}", posted, due, Money.from_minor(amount, "RUB"),
                            f"M{p % 50:02d}")
        )  # fmt: skip
        if rng.random() < 0.4:
            k = rng.randrange(PAYMENTS_PER_PARTNER)
            units = rng.randint(1, amount - 1)
            paid[p, k] += units
            allocation = Allocation(
                Measure.ACTUAL, f"PAY-{p}-{k}", f"E{n}", max(posted, pay_days[p][k]),
                Money.from_minor(units, "RUB"),
            )  # fmt: skip
            allocations.append((accounts[p], allocation))
    payments = [  # a little of each is left as credit
        Payment(f"PAY-{p}-{k}", account, day,
                Money.from_minor(paid[p, k] + rng.randint(1, 50_000), "RUB"))
        for p, account in enumerate(accounts)
        for k, day in enumerate(pay_days[p])
    ]  # fmt: skip
    return entries, payments, allocations


_SUFFIXED = {"id", "order_id", "document_id", "source_id", "entry_id"}


def repeat_ledger(url: str, copies: int) -> None:
    """Add ``copies - 1`` copies of every stored row under other ids, server-side."""
    import psycopg

    from salescore.adapters.postgres.bulk import (
        ALLOCATION_COLUMNS,
        ENTRY_COLUMNS,
        PAYMENT_COLUMNS,
    )

    with psycopg.connect(url, autocommit=True) as conn:
        for table, columns in (
            ("settlement_entries", ENTRY_COLUMNS),
            ("settlement_payments", PAYMENT_COLUMNS),
            ("settlement_allocations", ALLOCATION_COLUMNS),
        ):
            select = ", ".join(f"{c} || '-' || k" if c in _SUFFIXED else c for c in columns)
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table}, "
                f"generate_series(2, {copies}) AS k"
            )
        conn.execute("ANALYZE")


def scaled(report: AgingReport, factor: int) -> list[tuple[Any, ...]]:
    """Each row's group and figures (minor units) times ``factor``."""
    return [
        (line.group, *(m.minor_units * factor for m in (*line.buckets, line.credit)))
        for line in report.lines
    ]


def aging(server_url: str, items: int) -> None:
    import psycopg

    from salescore.adapters.postgres import PostgresStore
    from salescore.adapters.postgres.bulk import copy_allocations
    from salescore.adapters.postgres.testing import fresh_database
    from salescore.app.receivables import age_receivables_from_store

    url = fresh_database(server_url, "aging")
    entries, payments, allocations = ledger(items)
    store = PostgresStore(url, min_size=1, max_size=2)
    began = time.perf_counter()
    with store.unit_of_work() as uow:
        uow.settlements.add_entries(entries)  # COPY
        uow.settlements.add_payments(payments)  # COPY
        copy_allocations(uow, allocations)
        uow.commit()
    rows = len(entries) + len(payments) + len(allocations)
    print(f"metric pg_copy_rows_per_s {rows / (time.perf_counter() - began):.0f}")
    del entries, payments, allocations
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    options: dict[str, Any] = {"policy": POLICY, "group_by": GROUPS}

    def timed(in_database: bool) -> tuple[float, AgingReport]:
        with store.unit_of_work(read_only=True) as uow:
            start = time.perf_counter()
            report = age_receivables_from_store(
                uow, AS_OF, cache=AgingCache(), in_database=in_database, **options
            )
            return time.perf_counter() - start, report

    timed(True)  # warm the server's cache: both paths then read from memory
    sql_s, in_sql = min((timed(True) for _ in range(2)), key=lambda found: found[0])
    python_s, python = min((timed(False) for _ in range(2)), key=lambda found: found[0])
    if in_sql != python:
        raise SystemExit("the database's report differs from the Python path's")
    label = "1m" if items == ITEMS else f"{items}"
    print(f"metric pg_aging_{label}_s {sql_s:.2f}")
    print(f"metric pg_aging_python_{label}_s {python_s:.2f}")
    print(f"metric pg_aging_in_database_speedup_{label} {python_s / sql_s:.2f}")
    began = time.perf_counter()
    repeat_ledger(url, COPIES)
    print(f"metric pg_repeat_to_{COPIES}x_s {time.perf_counter() - began:.1f}")
    big_s, big = min((timed(True) for _ in range(2)), key=lambda found: found[0])
    if scaled(big, 1) != scaled(in_sql, COPIES):
        raise SystemExit(f"the {COPIES}x ledger's report is not {COPIES} times the first one")
    label = "10m" if items == ITEMS else f"{items * COPIES}"
    print(f"metric pg_aging_{label}_s {big_s:.2f}")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("reserves", "aging"))
    parser.add_argument("--items", type=int, default=ITEMS)
    args = parser.parse_args()
    try:
        from salescore.adapters.postgres.testing import throwaway_server

        server = throwaway_server(durable=True)
        url = server.__enter__()
    except (ImportError, StorageError) as exc:
        print(f"skipped: no PostgreSQL server can be started here ({exc})")
        return
    try:
        if args.only in (None, "reserves"):
            reserves(url)
        if args.only in (None, "aging"):
            aging(url, args.items)
        print(f"metric peak_rss_mib_postgres_client {peak_rss_mib():.1f}")
    finally:
        server.__exit__(None, None, None)
        settle_disk()  # the server's gigabytes written back now, not in the next script


if __name__ == "__main__":
    main()
