"""Core values: allocation and money arithmetic against plain Decimal.

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

    a, b = Money("10.25", "RUB"), Money("3.10", "RUB")
    da, db = Decimal("10.25"), Decimal("3.10")
    money_adds = per_second(lambda: a + b, 200_000)
    decimal_adds = per_second(lambda: da + db, 200_000)
    print(f"metric money_adds_per_s {money_adds:.0f}")
    print(f"metric money_add_slowdown_vs_decimal {decimal_adds / money_adds:.2f}")


if __name__ == "__main__":
    main()
