"""Core values: splitting an amount into weighted parts (Money arithmetic is ``bench_money.py``).

Run alone: ``python benchmarks/bench_core.py``. Prints ``metric NAME VALUE`` lines.
"""

from __future__ import annotations

from decimal import Decimal

from _timing import per_second

from salescore.money import Money, allocate


def main() -> None:
    total = Money("123456.78", "RUB")
    weights = [Decimal(i % 17 + 1) for i in range(100)]
    allocations = per_second(lambda: allocate(total, weights), 2_000)
    print(f"metric allocate_100_parts_per_s {allocations:.0f}")


if __name__ == "__main__":
    main()
