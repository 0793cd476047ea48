"""CRM at scale: the funnel of a million deals, ABC/XYZ of a million sales lines.

Run alone: ``python benchmarks/bench_crm.py``. Prints ``metric NAME VALUE``:

* ``funnel_1m_s`` — :func:`salescore.crm.funnel` over 1 000 000 closed and open
  deals of one four-stage process kind;
* ``funnel_vs_floor`` — its time over a hand-written loop doing the same counting
  (reached, passed, entered, left, days, lost per stage) over the same deals (goal: ≤ 2);
* ``abc_xyz_1m_s`` — :func:`salescore.crm.monthly_series`, :func:`salescore.crm.abc`
  and :func:`salescore.crm.xyz` over 1 000 000 sales lines of 10 000 products in
  twelve months;
* ``abc_xyz_vs_floor`` — its time over a hand-written loop doing the same: Decimal
  sums per product and month, the ranking and cumulative shares, cv² against the
  thresholds (goal: ≤ 2);
* ``peak_rss_mib_crm`` — the process's peak memory.

The data is random with a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from _timing import best_times, peak_rss_mib

from salescore.crm import (
    Deal,
    DealId,
    DealStatus,
    ProcessKind,
    Stage,
    StageVisit,
    abc,
    funnel,
    monthly_series,
    xyz,
)
from salescore.money import Money
from salescore.parties import PartnerId

DEALS = 1_000_000
LINES = 1_000_000
PRODUCTS = 10_000
STAGES = ("lead", "qualification", "proposal", "negotiation")
KIND = ProcessKind("B2B", "wholesale", tuple(Stage(s) for s in STAGES))
START = date(2026, 1, 1)


def make_deals() -> list[Deal]:
    """Deals sharing their (immutable) visit paths: a path per furthest stage and outcome."""
    rng = random.Random(7)
    amount = Money("1000.00", "RUB")
    paths: dict[tuple[int, int], tuple[StageVisit, ...]] = {}
    deals = []
    for n in range(DEALS):
        opened = rng.randrange(300)
        furthest = rng.randrange(len(STAGES))
        outcome = rng.randrange(3)  # 0 open, 1 won, 2 lost
        key = (opened * 10 + furthest, outcome)
        visits = paths.get(key)
        if visits is None:
            day = START + timedelta(days=opened)
            built = []
            for i in range(furthest + 1):
                left = day + timedelta(days=3) if i < furthest or outcome else None
                built.append(StageVisit(STAGES[i], day, left))
                day += timedelta(days=3)
            visits = paths[key] = tuple(built)
        status = (DealStatus.OPEN, DealStatus.WON, DealStatus.LOST)[outcome]
        closed = visits[-1].left if outcome else None
        deals.append(
            Deal(DealId(f"D{n}"), PartnerId("P"), KIND.kind_id, "m", amount,
                 visits[0].entered, visits, status, closed, "price" if outcome == 2 else None)
        )  # fmt: skip
    return deals


def floor_funnel(deals: list[Deal], start: date, end: date) -> tuple[list[int], ...]:
    """The floor: the same counts as the library's funnel, in one hand-written loop."""
    index = {name: i for i, name in enumerate(STAGES)}
    count = len(STAGES)
    furthest_of = [0] * (count + 1)
    lost_at = [0] * count
    entered = [0] * count
    left = [0] * count
    days = [0] * count
    open_status = DealStatus.OPEN
    won_status = DealStatus.WON
    for deal in deals:
        if deal.kind_id != "B2B":
            continue
        furthest = 0
        for visit in deal.visits:
            i = index[visit.stage]
            if i > furthest:
                furthest = i
            if start <= visit.entered <= end:
                entered[i] += 1
            if visit.left is not None and start <= visit.left <= end:
                left[i] += 1
                days[i] += (visit.left - visit.entered).days
        if deal.status is open_status or deal.closed is None:
            continue
        if not start <= deal.closed <= end:
            continue
        if deal.status is won_status:
            furthest_of[count] += 1
        else:
            furthest_of[furthest] += 1
            lost_at[index[deal.visits[-1].stage]] += 1
    reached = [sum(furthest_of[i:]) for i in range(count + 1)]
    return reached, entered, left, days, lost_at


def make_lines() -> list[tuple[str, date, Decimal]]:
    rng = random.Random(11)
    names = [f"SKU{n:05d}" for n in range(PRODUCTS)]
    amounts = [Decimal(rng.randrange(100, 100_000)).scaleb(-2) for _ in range(1000)]
    days = [START + timedelta(days=d) for d in range(365)]
    return [
        (names[rng.randrange(PRODUCTS)], days[rng.randrange(365)], amounts[rng.randrange(1000)])
        for _ in range(LINES)
    ]


def floor_abc_xyz(lines: list[tuple[str, date, Decimal]]) -> tuple[dict[str, str], dict[str, str]]:
    """The floor: Decimal sums per product and month, ABC by cumulative share, XYZ by cv²."""
    sums: dict[str, list[Decimal]] = {}
    zero = Decimal(0)
    for key, day, amount in lines:
        row = sums.get(key)
        if row is None:
            row = sums[key] = [zero] * 12
        row[day.month - 1] += amount
    totals = {k: sum(v, zero) for k, v in sums.items()}
    ranked = sorted(totals.items(), key=lambda kv: (kv[1].copy_negate(), kv[0]))
    whole = sum(totals.values(), zero)
    a_limit, b_limit = whole * Decimal("0.80"), whole * Decimal("0.95")
    abc_classes = {}
    cumulative = zero
    for key, value in ranked:
        cumulative += value
        abc_classes[key] = "A" if cumulative <= a_limit else "B" if cumulative <= b_limit else "C"
    x2, y2 = Decimal("0.01"), Decimal("0.0625")
    xyz_classes = {}
    for key, series in sums.items():
        s1 = sum(series, zero)
        s2 = sum((v * v for v in series), zero)
        spread = 12 * s2 - s1 * s1
        square = s1 * s1
        xyz_classes[key] = "X" if spread <= x2 * square else "Y" if spread <= y2 * square else "Z"
    return abc_classes, xyz_classes


def main() -> None:
    deals = make_deals()
    start, end = START, START + timedelta(days=400)
    result = funnel(deals, KIND, start=start, end=end)
    floor = floor_funnel(deals, start, end)
    assert [s.reached for s in result.stages] == floor[0][:-1], "the floor counts differently"
    assert [s.entered for s in result.stages] == floor[1]
    library_s, floor_s = best_times(
        [
            lambda: funnel(deals, KIND, start=start, end=end),
            lambda: floor_funnel(deals, start, end),
        ],
        rounds=3,
    )
    print(f"metric funnel_1m_s {library_s:.3f}")
    print(f"metric funnel_floor_1m_s {floor_s:.3f}")
    print(f"metric funnel_vs_floor {library_s / floor_s:.2f}")
    deals.clear()  # free the memory before the sales lines

    lines = make_lines()

    def library() -> tuple[dict[str, str], dict[str, str]]:
        series = monthly_series(lines, START, 12)
        ranked = abc({k: sum(v, Decimal(0)) for k, v in series.items()})
        classes = xyz(series)
        return {r.key: r.cls for r in ranked.rows}, {r.key: r.cls for r in classes.rows}

    assert library() == floor_abc_xyz(lines), "the floor classes differently"
    library_s, floor_s = best_times([library, lambda: floor_abc_xyz(lines)], rounds=3)
    print(f"metric abc_xyz_1m_s {library_s:.3f}")
    print(f"metric abc_xyz_floor_1m_s {floor_s:.3f}")
    print(f"metric abc_xyz_vs_floor {library_s / floor_s:.2f}")
    print(f"metric peak_rss_mib_crm {peak_rss_mib():.0f}")


if __name__ == "__main__":
    main()
