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

The data is random with a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from _timing import best_times

from salescore.receivables import AgingPolicy, age_columns, sweep

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


def main() -> None:
    bench_aging()
    bench_allocation()


if __name__ == "__main__":
    main()
