"""Delivery planning at scale: 10,000 directives packed into trips.

Run alone: ``python benchmarks/bench_delivery.py``. Prints ``metric NAME VALUE``:

* ``delivery_plan_10k_s`` — :func:`salescore.delivery.pack` of 10 000 directives
  (1-3 lines each, weights and volumes per unit, a tenth of them chilled) onto a
  fleet of 20 vehicles bound by weight and volume, two of them refrigerated;
  2 % of the directives are larger than any vehicle and are split by whole units;
* ``delivery_plan_vs_floor`` — its time over a hand-written first-fit-decreasing
  loop doing the same work on the same directives: Decimal weights and volumes
  per directive, the same order (dominant share, then position), first fit over
  open trips in both measures with the cargo check, a new trip on the vehicle
  with the fewest trips, and whole-unit splits of what fits no vehicle (goal: ≤ 3);
* ``delivery_trips_10k`` — the number of trips (the library and the floor agree);
* ``peak_rss_mib_delivery`` — the process's peak memory.

The data is random with a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import decimal
import random
from decimal import Decimal

from _timing import best_times, peak_rss_mib

from salescore.delivery import Directive, DirectiveLine, Vehicle, VehicleId, pack

DIRECTIVES = 10_000
ZERO = Decimal(0)


def make_fleet() -> list[Vehicle]:
    fleet = []
    for i in range(20):
        chilled = i < 2
        fleet.append(
            Vehicle(
                VehicleId(f"V{i:02d}"),
                capacity_kg=Decimal((1000, 1500, 3000, 5000)[i % 4]),
                capacity_m3=Decimal((9, 12, 18, 30)[i % 4]),
                carries=frozenset({"general", "chilled"} if chilled else {"general"}),
            )
        )
    return fleet


def make_directives() -> list[Directive]:
    rng = random.Random(20)
    found = []
    for n in range(DIRECTIVES):
        chilled = rng.random() < 0.1
        big = rng.random() < 0.02
        lines = []
        for j in range(rng.randint(1, 3)):
            units = rng.randint(300, 500) if big else rng.randint(1, 40)
            lines.append(
                DirectiveLine(
                    f"P{n % 500}-{j}",
                    Decimal(units),
                    unit_kg=Decimal(rng.randint(50, 2500)) / 100,
                    unit_m3=Decimal(rng.randint(1, 60)) / 1000,
                    cargo="chilled" if chilled and j == 0 else "general",
                )
            )
        found.append(Directive(f"D{n}", tuple(lines)))
    return found


class _Bin:
    __slots__ = ("carries", "loads", "room_kg", "room_m3")

    def __init__(self, room_kg: Decimal, room_m3: Decimal, carries: frozenset[str]) -> None:
        self.room_kg, self.room_m3, self.carries = room_kg, room_m3, carries
        self.loads: list[str] = []


def floor_pack(directives: list[Directive], fleet: list[Vehicle]) -> int:
    """The floor: first-fit decreasing in two measures, by hand; returns the trip count."""
    ctx = decimal.Context(prec=34, rounding=decimal.ROUND_FLOOR)
    trucks = [(v.id, v.capacity_kg or ZERO, v.capacity_m3 or ZERO, v.carries) for v in fleet]
    max_kg = max(t[1] for t in trucks)
    max_m3 = max(t[2] for t in trucks)
    sized = []
    for i, d in enumerate(directives):
        rows = [(x.quantity, x.unit_kg or ZERO, x.unit_m3 or ZERO, x.cargo) for x in d.lines]
        kg = sum((q * w for q, w, _, _ in rows), ZERO)
        m3 = sum((q * u for q, _, u, _ in rows), ZERO)
        share = max(ctx.divide(kg, max_kg), ctx.divide(m3, max_m3))
        sized.append((-share, i, kg, m3, frozenset(c for *_, c in rows), d.id, rows))
    sized.sort(key=lambda s: (s[0], s[1]))
    bins: list[_Bin] = []
    count = {t[0]: 0 for t in trucks}

    def place(kg: Decimal, m3: Decimal, cargo: frozenset[str], load: str) -> bool:
        for b in bins:
            if kg <= b.room_kg and m3 <= b.room_m3 and cargo <= b.carries:
                b.room_kg -= kg
                b.room_m3 -= m3
                b.loads.append(load)
                return True
        best = None
        for t in trucks:
            fits = cargo <= t[3] and kg <= t[1] and m3 <= t[2]
            if fits and (best is None or count[t[0]] < count[best[0]]):
                best = t
        if best is None:
            return False
        count[best[0]] += 1
        bins.append(_Bin(best[1] - kg, best[2] - m3, best[3]))
        bins[-1].loads.append(load)
        return True

    for _, _, kg, m3, cargo, name, rows in sized:
        if place(kg, m3, cargo, name):
            continue
        carriers = [t for t in trucks if cargo <= t[3]]
        truck = max(carriers, key=lambda t: (t[1], t[2]))
        rest = rows
        while True:
            kg = sum((q * w for q, w, _, _ in rest), ZERO)
            m3 = sum((q * u for q, _, u, _ in rest), ZERO)
            if any(kg <= t[1] and m3 <= t[2] for t in carriers):
                break
            room_kg, room_m3 = truck[1], truck[2]
            left = []
            for q, w, u, c in rest:
                by_kg = ctx.divide(room_kg, w).to_integral_value(decimal.ROUND_FLOOR)
                by_m3 = ctx.divide(room_m3, u).to_integral_value(decimal.ROUND_FLOOR)
                fit = max(min(q, by_kg, by_m3), ZERO)
                room_kg -= fit * w
                room_m3 -= fit * u
                if fit < q:
                    left.append((q - fit, w, u, c))
            count[truck[0]] += 1
            bins.append(_Bin(room_kg, room_m3, truck[3]))
            bins[-1].loads.append(name)
            rest = left
        if rest:
            place(kg, m3, frozenset(c for *_, c in rest), name)
    return len(bins)


def main() -> None:
    fleet = make_fleet()
    directives = make_directives()
    trips_lib = len(pack(directives, fleet).trips)
    trips_floor = floor_pack(directives, fleet)
    assert trips_lib == trips_floor, (trips_lib, trips_floor)
    lib, floor = best_times(
        [lambda: pack(directives, fleet), lambda: floor_pack(directives, fleet)], rounds=3
    )
    print(f"metric delivery_plan_10k_s {lib:.3f}")
    print(f"metric delivery_plan_vs_floor {lib / floor:.2f}")
    print(f"metric delivery_trips_10k {trips_lib}")
    print(f"metric peak_rss_mib_delivery {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
