"""Receivables at scale: aging a million open items, allocating 100 000 payments.

Run alone: ``python benchmarks/bench_receivables.py``. Prints ``metric NAME VALUE``:

* ``aging_1m_s`` — :func:`salescore.receivables.age_columns` over 1 000 000 open
  items into five buckets grouped by partner (goal: under 3 s on one core);
* ``aging_handwritten_1m_s`` — the floor: the same aging as a hand-written loop
  over plain tuples, measured in the same run;
* ``aging_slowdown_vs_handwritten`` — the library's time over the floor (goal: ≤ 2);
* ``allocation_100k_over_1m_s`` — automatic allocation (:func:`salescore.receivables.sweep`)
  of 100 000 payments over 1 000 000 schedule stages of 10 000 accounts
  (goal: under 10 s).

What a user calls, from a stored ledger (an SQLite file) to the report:

* ``aging_store_1m_s`` — :func:`salescore.app.receivables.age_receivables_from_store`
  on 1 000 000 open items (5 000 partners, 50 managers, allocations and payments
  replayed up to the date), the docs' policy (30/60/90 calendar days) grouped
  by manager and partner, cold cache;
* ``aging_store_floor_1m_s`` — the floor: raw ``sqlite3`` reading the same rows
  (open amount per entry after the allocations up to the date, open credit per
  payment) and bucketing them with plain loops; the two results are compared;
* ``aging_store_vs_floor`` — the library over the floor (goal: at most 2);
* ``aging_second_date_share`` — the same report on the next day, started from
  the first date's cached sums, over the first run (goal: at most 0.05);
* ``peak_rss_mib_aging_store`` — peak memory of the process that only reads
  and ages (goal: under 250 MiB);
* ``allocation_store_100k_over_1m_s`` —
  :func:`salescore.app.receivables.reallocate_all`: 100 000 payments over
  1 000 000 schedule stages read from an SQLite file, allocated and written
  back, in one unit of work, committed (goal: under 5 s on a calm machine);
* ``allocation_store_floor_s`` — the floor: raw ``sqlite3`` doing the same reads
  and writes with plain loops around the same kernel
  (:func:`salescore.receivables.allocate_rows`); the stored rows of the two are
  compared;
* ``allocation_store_vs_floor`` — the library over the floor;
* ``allocation_store_per_account_objects_s`` — the same through
  :func:`salescore.receivables.reallocate` account by account (value objects),
  timed on a tenth of the accounts and multiplied by ten.

``python benchmarks/bench_receivables.py --items 100000`` runs a smaller size.
The data is random with a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from _timing import best_times, peak_rss_mib

from salescore.adapters.sqlite import SqliteStore
from salescore.app.receivables import age_receivables_from_store, reallocate_all
from salescore.money import Currency, Money
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
    age_columns,
    reallocate,
    sweep,
)
from salescore.receivables.allocation import PaymentRow, allocate_rows

ITEMS = 1_000_000
PARTNERS = 5_000
ACCOUNTS = 10_000
PAYMENTS = 100_000


def handwritten_aging(rows: list[tuple[str, int, int]], as_of: int) -> dict[str, list[int]]:
    """The floor: one loop, an if-chain for the five buckets, a dict of lists."""
    result: dict[str, list[int]] = {}
    for partner, due, amount in rows:
        days = as_of - due
        if days <= 0:
            index = 0
        elif days <= 30:
            index = 1
        elif days <= 60:
            index = 2
        elif days <= 90:
            index = 3
        else:
            index = 4
        row = result.get(partner)
        if row is None:
            row = result[partner] = [0, 0, 0, 0, 0]
        row[index] += amount
    return result


def bench_aging() -> None:
    rng = random.Random(42)
    as_of = date(2026, 3, 31).toordinal()
    names = [f"P{n:05d}" for n in range(PARTNERS)]
    keys = [names[rng.randrange(PARTNERS)] for _ in range(ITEMS)]
    dues = [as_of + rng.randint(-200, 60) for _ in range(ITEMS)]
    amounts = [rng.randint(1, 10_000_000) for _ in range(ITEMS)]
    rows = list(zip(keys, dues, amounts, strict=True))
    policy = AgingPolicy.default()

    results: dict[str, object] = {}

    def by_library() -> None:
        results["library"] = age_columns(keys, dues, amounts, as_of, policy)

    def by_hand() -> None:
        results["floor"] = handwritten_aging(rows, as_of)

    library_s, floor_s = best_times([by_library, by_hand], rounds=5)
    library, floor = results["library"], results["floor"]
    if library != floor:
        raise SystemExit("the library and the hand-written floor disagree")
    print(f"metric aging_1m_s {library_s:.3f}")
    print(f"metric aging_handwritten_1m_s {floor_s:.3f}")
    print(f"metric aging_slowdown_vs_handwritten {library_s / floor_s:.2f}")


def bench_allocation() -> None:
    rng = random.Random(7)
    start_day = date(2025, 1, 1).toordinal()
    stages_per_account = ITEMS // ACCOUNTS
    payments_per_account = PAYMENTS // ACCOUNTS
    rows = []  # (account, posted, due, tie, order, amount)
    for account in range(ACCOUNTS):
        for n in range(stages_per_account):
            posted = start_day + rng.randrange(365)
            order = f"SO-{account}-{n // 4}"
            rows.append(
                (
                    account,
                    posted,
                    posted + rng.choice((0, 14, 30, 60)),
                    f"{order}/{n}",
                    order,
                    rng.randint(1_000, 1_000_000),
                )
            )
    pays = []  # (account, date, tie, amount, scope)
    for account in range(ACCOUNTS):
        for n in range(payments_per_account):
            scope = f"SO-{account}-{n}" if n == 0 else None  # one hand allocation per account
            pays.append(
                (
                    account,
                    start_day + rng.randrange(400),
                    f"PAY-{account}-{n}",
                    rng.randint(10_000, 5_000_000),
                    scope,
                )
            )

    def run() -> int:
        items_by: dict[int, list[tuple[int, int, str, str, int]]] = defaultdict(list)
        for account, posted, due, tie, order, amount in rows:
            items_by[account].append((posted, due, tie, order, amount))
        credits_by: dict[int, list[tuple[int, str, int, str | None, bool]]] = defaultdict(list)
        for account, day, tie, amount, scope in pays:
            credits_by[account].append((day, tie, amount, scope, False))
        matched = 0
        for account, items in items_by.items():
            matched += len(sweep(items, credits_by.get(account, [])))
        return matched

    counted: list[int] = []
    (seconds,) = best_times([lambda: counted.append(run())], rounds=1)
    matched = counted[-1]
    print(f"metric allocation_100k_over_1m_s {seconds:.3f}")
    print(f"metric allocation_matches {matched}")


STORE_START = date(2025, 1, 1)
STORE_AS_OF = date(2025, 12, 31)
STORE_POLICY = AgingPolicy.from_bounds((30, 60, 90))
STORE_GROUPS = ("manager", "partner")
PAYMENTS_PER_PARTNER = 4


def build_store(path: Path, items: int) -> None:
    """A ledger of ``items`` shipments over 5 000 partners, 40 % partly paid, stored
    through the library (entries, payments, allocations) in chunks."""
    rng = random.Random(11)
    store = SqliteStore(path)
    accounts = [SettlementAccount(f"P{n:05d}", "RUB") for n in range(PARTNERS)]
    pay_days = [
        [STORE_START + timedelta(rng.randrange(400)) for _ in range(PAYMENTS_PER_PARTNER)]
        for _ in accounts
    ]
    paid: dict[tuple[int, int], int] = defaultdict(int)
    allocations: dict[int, list[Allocation]] = defaultdict(list)
    chunk = 50_000
    for first in range(0, items, chunk):
        entries = []
        for n in range(first, min(items, first + chunk)):
            p = rng.randrange(PARTNERS)
            posted = STORE_START + timedelta(rng.randrange(365))
            amount = rng.randint(1_000, 1_000_000)
            entry = SettlementEntry(
                f"E{n}",
                EntryKind.SHIPMENT,
                accounts[p],
                f"SO-{n // 4}",
                f"SH-{n // 2}",
                posted,
                posted + timedelta(rng.choice((0, 14, 30, 60))),
                Money.from_minor(amount, "RUB"),
                f"M{p % 50:02d}",
            )
            entries.append(entry)
            if rng.random() < 0.4:
                k = rng.randrange(PAYMENTS_PER_PARTNER)
                units = rng.randint(1, amount - 1)
                paid[p, k] += units
                allocations[p].append(
                    Allocation(
                        Measure.ACTUAL,
                        f"PAY-{p}-{k}",
                        entry.id,
                        max(posted, pay_days[p][k]),
                        Money.from_minor(units, "RUB"),
                    )
                )
        with store.unit_of_work() as uow:
            uow.settlements.add_entries(entries)
            uow.commit()
    with store.unit_of_work() as uow:
        for p, account in enumerate(accounts):
            for k, day in enumerate(pay_days[p]):
                units = paid[p, k] + rng.randint(1, 50_000)  # a little is left as credit
                payment = Payment(f"PAY-{p}-{k}", account, day, Money.from_minor(units, "RUB"))
                uow.settlements.add_payment(payment)
            uow.settlements.replace_allocations(account, allocations[p])
        uow.commit()
    store.close()


def floor_aging(path: Path, as_of: date) -> dict[tuple[str, ...], list[int]]:
    """The floor: raw ``sqlite3`` and plain loops doing the library's work.

    Open amount of each debt entry posted by ``as_of`` after the allocations made
    by then; open credit of each payment received by then (its settled amount
    less its automatic allocations; the data has no hand allocations, which is
    checked) and of each return; buckets by an if-chain on days overdue; one row
    of five bucket sums and the credit per (manager, partner, currency).
    """
    conn = sqlite3.connect(path)
    on = as_of.isoformat()
    at = as_of.toordinal()
    rows: dict[tuple[str, ...], list[int]] = {}
    bucket_of: dict[str, int] = {}
    for manager, partner, cur, due, left in conn.execute(
        "SELECT e.manager, e.partner_id, e.currency, e.due_date, e.amount_minor - "
        "coalesce((SELECT sum(a.amount_minor) FROM settlement_allocations a "
        "WHERE a.entry_id = e.id AND a.measure = 'actual' AND a.allocated_on <= ?), 0) "
        "FROM settlement_entries e WHERE e.kind <> 'schedule' AND e.amount_minor > 0 "
        "AND +e.posted_on <= ?",  # + : scan the table, not the posting-date index
        (on, on),
    ):
        if not left:
            continue
        index = bucket_of.get(due)
        if index is None:
            days = at - date.fromisoformat(due).toordinal()
            if days <= 0:
                index = 0
            elif days <= 30:
                index = 1
            elif days <= 60:
                index = 2
            elif days <= 90:
                index = 3
            else:
                index = 4
            bucket_of[due] = index
        key = (manager or "", partner, cur)
        row = rows.get(key)
        if row is None:
            row = rows[key] = [0, 0, 0, 0, 0, 0]
        row[index] += left
    for partner, cur, manual, left in conn.execute(
        "SELECT p.partner_id, p.currency, p.manual, p.settled_minor - "
        "coalesce((SELECT sum(a.amount_minor) FROM settlement_allocations a "
        "WHERE a.source_id = p.id AND a.measure = 'actual' AND a.manual = 0 "
        "AND a.allocated_on <= ?), 0) FROM settlement_payments p WHERE +p.received_on <= ? "
        "UNION ALL SELECT e.partner_id, e.currency, '[]', -e.amount_minor - "
        "coalesce((SELECT sum(a.amount_minor) FROM settlement_allocations a "
        "WHERE a.source_id = e.id AND a.measure = 'actual' AND a.manual = 0 "
        "AND a.allocated_on <= ?), 0) FROM settlement_entries e WHERE e.kind <> 'schedule' "
        "AND e.amount_minor < 0 AND +e.posted_on <= ?",
        (on, on, on, on),
    ):
        if manual != "[]":
            raise SystemExit("the floor handles no hand allocations")
        if left:
            row = rows.setdefault(("", partner, cur), [0, 0, 0, 0, 0, 0])
            row[5] += left
    conn.close()
    return rows


def report_rows(report: AgingReport) -> dict[tuple[str, ...], list[int]]:
    """The report's figures in minor units, keyed as the floor keys them."""
    return {
        (*line.group, line.currency.code): [
            *(m.minor_units for m in line.buckets),
            line.credit.minor_units,
        ]
        for line in report.lines
    }


def age_from_store(path: Path) -> None:
    """Run in a process of its own, so that its peak memory is the aging's alone."""
    store = SqliteStore(path)
    results: dict[str, AgingReport | dict[tuple[str, ...], list[int]]] = {}
    caches: list[AgingCache] = []

    def report(on: date, cache: AgingCache) -> AgingReport:
        with store.unit_of_work(immediate=False) as uow:
            return age_receivables_from_store(
                uow, on, policy=STORE_POLICY, group_by=STORE_GROUPS, cache=cache
            )

    def first() -> None:
        caches[:] = [AgingCache()]  # one cache alive, as a store has
        results["library"] = report(STORE_AS_OF, caches[-1])

    def floor() -> None:
        results["floor"] = floor_aging(path, STORE_AS_OF)

    def second() -> None:
        results["second"] = report(STORE_AS_OF + timedelta(days=1), caches[-1])

    def second_full() -> None:
        results["second_full"] = report(STORE_AS_OF + timedelta(days=1), AgingCache())

    first_s, floor_s = best_times([first, floor], rounds=3)
    library = results["library"]
    assert isinstance(library, AgingReport)
    if report_rows(library) != results["floor"]:
        raise SystemExit("the library and the raw sqlite3 floor disagree")
    second_s = float("inf")
    for _ in range(3):
        first()  # a warm cache on the first date, then time the next day
        (took,) = best_times([second], rounds=1)
        second_s = min(second_s, took)
    second_full()
    if results["second"] != results["second_full"]:
        raise SystemExit("the incremental report differs from a full one")
    lines = len(library.lines)
    print(f"metric aging_store_report_lines {lines}")
    print(f"metric aging_store_1m_s {first_s:.3f}")
    print(f"metric aging_store_floor_1m_s {floor_s:.3f}")
    print(f"metric aging_store_vs_floor {first_s / floor_s:.2f}")
    print(f"metric aging_second_date_s {second_s:.3f}")
    print(f"metric aging_second_date_share {second_s / first_s:.3f}")
    print(f"metric peak_rss_mib_aging_store {peak_rss_mib():.1f}")
    store.close()


def build_stages(path: Path, items: int) -> list[SettlementAccount]:
    """Schedule stages and payments as :func:`bench_allocation` draws them, stored."""
    rng = random.Random(7)
    accounts = [SettlementAccount(f"A{n:05d}", "RUB") for n in range(ACCOUNTS * items // ITEMS)]
    stages = items // len(accounts)
    payments = PAYMENTS // ACCOUNTS
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        for n, account in enumerate(accounts):
            entries = []
            for k in range(stages):
                posted = STORE_START + timedelta(rng.randrange(365))
                entries.append(
                    SettlementEntry(
                        f"S-{n}-{k}",
                        EntryKind.SCHEDULE,
                        account,
                        f"SO-{n}-{k // 4}",
                        f"SO-{n}-{k // 4}",
                        posted,
                        posted + timedelta(rng.choice((0, 14, 30, 60))),
                        Money.from_minor(rng.randint(1_000, 1_000_000), "RUB"),
                    )
                )
            uow.settlements.add_entries(entries)
            for k in range(payments):
                day = STORE_START + timedelta(rng.randrange(400))
                amount = Money.from_minor(rng.randint(10_000, 5_000_000), "RUB")
                uow.settlements.add_payment(Payment(f"PAY-{n}-{k}", account, day, amount))
        uow.commit()
    store.close()
    return accounts


def floor_allocation(path: Path) -> int:
    """The floor: raw ``sqlite3`` around the library's kernel doing the library's work.

    In one transaction: every account's entries (dates as ordinals computed by
    SQLite) and payments in receiving order, read with plain loops; the kernel
    :func:`salescore.receivables.allocate_rows` on each account; the old
    allocations deleted and the new ones inserted with the table's indexes
    dropped and built again after the rows are in; commit. The data has no hand
    allocations, which is checked. Returns the number of allocations stored.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    day = "CAST(julianday({}) - 1721424.5 AS INTEGER)"
    measure_of = {kind.value: kind.measure for kind in EntryKind}
    paid: dict[str, list[PaymentRow]] = defaultdict(list)
    accounts: dict[str, SettlementAccount] = {}
    for key, partner, code, minor, pid, received, settled, manual in conn.execute(
        f"SELECT account_key, partner_id, currency, minor_units, id, {day.format('received_on')}, "
        "settled_minor, manual FROM settlement_payments ORDER BY account_key, received_on, id"
    ):
        if manual != "[]":
            raise SystemExit("the floor handles no hand allocations")
        if key not in accounts:
            accounts[key] = SettlementAccount(partner, Currency(code, minor))
        paid[key].append((pid, received, settled, ()))
    iso: dict[int, str] = {}

    def rows() -> Iterator[tuple[object, ...]]:
        for key, group in groupby(
            conn.execute(
                f"SELECT account_key, id, kind, order_id, {day.format('posted_on')}, "
                f"{day.format('due_date')}, amount_minor FROM settlement_entries "
                "ORDER BY account_key"
            ),
            itemgetter(0),
        ):
            account = accounts[key]
            entries = [(r[1], measure_of[r[2]], r[3], r[4], r[5], r[6]) for r in group]
            for measure, source, entry, on, units, manual in allocate_rows(
                account, entries, paid[key]
            ):
                text = iso.get(on)
                if text is None:
                    text = iso[on] = date.fromordinal(on).isoformat()
                yield (
                    key,
                    account.partner_id,
                    measure.value,
                    source,
                    entry,
                    text,
                    units,
                    int(manual),
                )

    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'settlement_allocations' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.execute("DELETE FROM settlement_allocations")
    stored = conn.executemany(
        "INSERT INTO settlement_allocations (account_key, partner_id, measure, source_id, "
        "entry_id, allocated_on, amount_minor, manual) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    ).rowcount
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    return stored


def stored_allocations(path: Path) -> str:
    """A digest of the stored allocations, row by row in their order (no list held)."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for row in conn.execute(
            "SELECT account_key, partner_id, measure, source_id, entry_id, allocated_on, "
            "amount_minor, manual FROM settlement_allocations ORDER BY rowid"
        ):
            digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def allocate_in_store(path: Path, accounts: list[SettlementAccount]) -> None:
    """What a user calls: reallocate every account, read from and written to the file
    in one unit of work (:func:`salescore.app.receivables.reallocate_all`); beside it,
    the raw ``sqlite3`` floor around the same kernel (:func:`floor_allocation`) and the
    same through :func:`salescore.receivables.reallocate` account by account (value
    objects), on a tenth of the accounts."""
    store = SqliteStore(path)
    counted: list[int] = []
    stored: dict[str, str] = {}

    def run() -> None:
        with store.unit_of_work() as uow:
            counted.append(reallocate_all(uow))
            uow.commit()

    def floor() -> None:
        counted.append(floor_allocation(path))

    def per_account() -> None:
        with store.unit_of_work() as uow:
            for account in accounts[: len(accounts) // 10]:
                reallocate(uow.settlements, account)
            uow.commit()

    run()  # every timed run replaces a full table, as a user's reallocation does
    library_peak = peak_rss_mib()  # before the floor runs in this process
    seconds, floor_s = best_times([run, floor], rounds=2)
    stored["floor"] = stored_allocations(path)  # the floor ran last
    run()
    stored["library"] = stored_allocations(path)
    if stored["library"] != stored["floor"] or len(set(counted)) != 1:
        raise SystemExit("the library and the raw sqlite3 floor stored different allocations")
    (tenth,) = best_times([per_account], rounds=1)
    print(f"metric allocation_store_stages {len(accounts) * (ITEMS // ACCOUNTS)}")
    print(f"metric allocation_store_100k_over_1m_s {seconds:.3f}")
    print(f"metric allocation_store_floor_s {floor_s:.3f}")
    print(f"metric allocation_store_vs_floor {seconds / floor_s:.2f}")
    print(f"metric allocation_store_per_account_objects_s {tenth * 10:.3f}")
    print(f"metric allocation_store_matches {counted[-1]}")
    print(f"metric peak_rss_mib_allocation_store {library_peak:.1f}")
    store.close()


def bench_aging_store(items: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite"
        here = Path(__file__)
        # Built and aged in processes of their own: neither inflates the other's memory.
        for step in ("--build", "--age"):
            subprocess.run(
                [sys.executable, str(here), step, str(path), "--items", str(items)], check=True
            )


def bench_allocation_store(items: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stages.sqlite"
        subprocess.run(
            [sys.executable, str(Path(__file__)), "--allocate", str(path), "--items", str(items)],
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--build", type=Path)
    parser.add_argument("--age", type=Path)
    parser.add_argument("--allocate", type=Path)
    parser.add_argument("--only", choices=("kernels", "store", "allocation"))
    args = parser.parse_args()
    if args.build:
        build_store(args.build, args.items)
        return
    if args.age:
        age_from_store(args.age)
        return
    if args.allocate:
        allocate_in_store(args.allocate, build_stages(args.allocate, args.items))
        return
    if args.only in (None, "kernels"):
        bench_aging()
        bench_allocation()
        print(f"metric peak_rss_mib_receivables_kernels {peak_rss_mib():.1f}")
    if args.only in (None, "store"):
        bench_aging_store(args.items)
    if args.only in (None, "allocation"):
        bench_allocation_store(args.items)


if __name__ == "__main__":
    main()
