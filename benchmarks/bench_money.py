"""Money arithmetic against plain Decimal doing the same work.

Run alone: ``python benchmarks/bench_money.py``. Prints ``metric NAME VALUE`` lines.

* ``money_add_vs_decimal``: ``Money + Money`` (same currency) over 1,000 pairs,
  against ``Decimal + Decimal`` of the same amounts.
* ``money_mul_vs_decimal``: ``Money.multiply(factor, Rounding.HALF_UP)`` over the
  same pairs with Decimal factors, against ``(amount * factor).quantize(0.01,
  ROUND_HALF_UP)`` of the same values — the product rounded to kopecks.

Both loops are written alike (one ``for`` over a list of pairs), so the ratio is
the cost of the money operation over the Decimal one. Money's arithmetic runs in
the library's decimal context whatever the caller's; the baseline runs in the
default context, which is exact for these values.

What the baseline leaves out, reviewed: ``Money + Money`` also checks the
currencies, adds in a context of its own (the caller's precision, rounding and
traps never change the sum; 10^18 or more is refused) and builds a new frozen
value. The Decimal operator reads the thread's context instead, and an explicit
context's ``add`` method, which is what a Decimal program needs for the same
guarantee, costs about twice the operator (a Python-level call with its
arguments parsed as a tuple). So beside the goal's figure:

* ``money_add_vs_context_add``: the same ``Money + Money`` against
  ``ctx.add(a, b)`` in a bounded context like Money's — the part of the cost
  that is the value object itself.

And the floor of any value type written in Python, to read the goal against:

* ``money_add_floor_vs_decimal``: the cheapest ``+`` a Python class can have
  that returns a new value: ``_Floor`` below, a slotted class whose
  ``__add__`` only adds the amounts with the Decimal operator and fills a new
  instance (``object.__new__`` and two slot stores). It does less than Money
  (no currency check, the thread's context, no bound, not frozen), so Money
  cannot go below it. ``money_add_vs_floor`` is Money over it: what Money's
  guarantees cost.
"""

from __future__ import annotations

import itertools
import random
from decimal import ROUND_HALF_UP, Decimal

from _timing import best_times

from salescore.money import Money, Rounding
from salescore.money._context import BOUNDED

PAIRS = 1_000  # small enough to stay in cache: steadier on a busy machine

_new = object.__new__


class _Floor:
    """The cheapest addable value: no checks, no context of its own, not frozen."""

    __slots__ = ("amount", "currency")
    amount: Decimal
    currency: str

    def __add__(self, other: _Floor) -> _Floor:
        result = _new(_Floor)
        result.amount = self.amount + other.amount
        result.currency = self.currency
        return result


def _floor(amount: Decimal) -> _Floor:
    value = _new(_Floor)
    value.amount, value.currency = amount, "RUB"
    return value


def main() -> None:
    rng = random.Random(17)
    money = [Money.from_minor(rng.randrange(-(10**9), 10**9), "RUB") for _ in range(PAIRS + 1)]
    factors = [Decimal(rng.randrange(1, 10**6)).scaleb(-4) for _ in range(PAIRS)]
    money_pairs = list(itertools.pairwise(money))
    decimal_pairs = [(a.amount, b.amount) for a, b in money_pairs]
    money_factors = list(zip(money, factors, strict=False))
    decimal_factors = [(a.amount, f) for a, f in money_factors]
    kopeck, half_up = Decimal("0.01"), Rounding.HALF_UP
    # The library's own context for sums (exact, overflowing at 10^18): the same work.
    add = BOUNDED.add

    def money_add() -> None:
        for a, b in money_pairs:
            a + b

    def decimal_add() -> None:
        for a, b in decimal_pairs:
            a + b

    def context_add() -> None:
        for a, b in decimal_pairs:
            add(a, b)

    floor_pairs = [(_floor(a), _floor(b)) for a, b in decimal_pairs]

    def floor_add() -> None:
        for a, b in floor_pairs:
            a + b

    def money_mul() -> None:
        for a, f in money_factors:
            a.multiply(f, half_up)

    def decimal_mul() -> None:
        for a, f in decimal_factors:
            (a * f).quantize(kopeck, ROUND_HALF_UP)

    # Same results, so the two sides do the same work.
    assert [(a + b).amount for a, b in money_pairs] == [a + b for a, b in decimal_pairs]
    assert [a.multiply(f, half_up).amount for a, f in money_factors] == [
        (a * f).quantize(kopeck, ROUND_HALF_UP) for a, f in decimal_factors
    ]

    assert [(a + b).amount for a, b in money_pairs] == [add(a, b) for a, b in decimal_pairs]
    assert [(a + b).amount for a, b in money_pairs] == [(a + b).amount for a, b in floor_pairs]

    times = best_times(
        [money_add, decimal_add, money_mul, decimal_mul, context_add, floor_add], rounds=25
    )
    t_money_add, t_decimal_add, t_money_mul, t_decimal_mul, t_context_add, t_floor_add = times
    ns = 1e9 / PAIRS
    print(f"metric money_add_ns {t_money_add * ns:.1f}")
    print(f"metric decimal_add_ns {t_decimal_add * ns:.1f}")
    print(f"metric money_add_vs_decimal {t_money_add / t_decimal_add:.2f}")
    print(f"metric context_add_ns {t_context_add * ns:.1f}")
    print(f"metric money_add_vs_context_add {t_money_add / t_context_add:.2f}")
    print(f"metric money_add_floor_ns {t_floor_add * ns:.1f}")
    print(f"metric money_add_floor_vs_decimal {t_floor_add / t_decimal_add:.2f}")
    print(f"metric money_add_vs_floor {t_money_add / t_floor_add:.2f}")
    print(f"metric money_mul_ns {t_money_mul * ns:.1f}")
    print(f"metric decimal_mul_ns {t_decimal_mul * ns:.1f}")
    print(f"metric money_mul_vs_decimal {t_money_mul / t_decimal_mul:.2f}")


if __name__ == "__main__":
    main()
