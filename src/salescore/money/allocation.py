"""Splitting an amount into parts that sum exactly to it.

Document discounts spread over lines, payment stages of a schedule and partial
payments all use :func:`allocate`. It works in whole minor units: each part
first gets the floor of its exact share, then the minor units left over go one
each to the parts with the largest remainders, ties to the lowest index. The
parts always sum to the total, and each is within one minor unit of its exact
share.

>>> from salescore.money import Money
>>> allocate(Money("100.00", "RUB"), [1, 1, 1])
(Money('33.34', 'RUB'), Money('33.33', 'RUB'), Money('33.33', 'RUB'))
>>> allocate(Money("-10.00", "RUB"), [3, 0, 1])
(Money('-7.50', 'RUB'), Money('0.00', 'RUB'), Money('-2.50', 'RUB'))
>>> allocate(Money("1.00", "RUB"), [1, -1])
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: weight 1 is negative (-1): weights must be zero or positive
"""

from __future__ import annotations

from collections.abc import Sequence

from salescore.errors import InvalidAmountError, InvalidInputError
from salescore.money._context import EXACT, WEIGHT_DIGITS
from salescore.money.money import AmountLike, Money, to_decimal

__all__ = ["allocate", "allocate_units"]


def allocate_units(total_units: int, weights: Sequence[AmountLike]) -> tuple[int, ...]:
    """Split a whole number of units by ``weights`` (largest remainder).

    The building block of :func:`allocate`, also usable for quantities
    (pieces over lines).

    >>> allocate_units(10, [1, 1, 1])
    (4, 3, 3)
    """
    if not weights:
        raise InvalidInputError("cannot allocate over no weights: give at least one weight")
    values = [to_decimal(w, f"weight {i}") for i, w in enumerate(weights)]
    for i, w in enumerate(values):
        if w < 0:
            raise InvalidInputError(
                f"weight {i} is negative ({w}): weights must be zero or positive",
                index=i,
                value=w,
            )
        if w and not -WEIGHT_DIGITS <= w.adjusted() < WEIGHT_DIGITS:
            raise InvalidAmountError(
                f"weight {i} ({w}) is out of range: a weight must be zero or between "
                f"1E-{WEIGHT_DIGITS} and 1E+{WEIGHT_DIGITS}; scale all weights alike",
                index=i,
                value=w,
            )
    # Scale the weights to integers so the whole split is exact integer
    # arithmetic; the scaling itself is exact (EXACT has unlimited precision),
    # and the bounds above keep the integers small.
    exponents = [int(w.as_tuple().exponent) for w in values if w]
    if not exponents:
        raise InvalidInputError("all weights are zero: at least one weight must be positive")
    exponent = min(exponents)
    ints = [int(w.scaleb(-exponent, EXACT)) if w else 0 for w in values]
    weight_sum = sum(ints)
    sign = -1 if total_units < 0 else 1
    units = abs(total_units)
    floors: list[int] = []
    remainders: list[int] = []
    for weight in ints:
        q, r = divmod(units * weight, weight_sum)
        floors.append(q)
        remainders.append(r)
    leftover = units - sum(floors)
    # Largest remainder first, ties to the lowest index: written out, not left to sort stability.
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return tuple(sign * f for f in floors)


def allocate(total: Money, weights: Sequence[AmountLike]) -> tuple[Money, ...]:
    """Split ``total`` into ``len(weights)`` parts proportional to ``weights``.

    Args:
        total: the amount to split; a negative total is split as its absolute
            value, then each part negated.
        weights: zero or positive numbers (Decimal, int or str), at least one
            positive. Zero weights get zero.

    Returns:
        The parts, in the order of ``weights``, summing exactly to ``total``.

    Raises:
        InvalidInputError: for no weights, a negative weight, or all-zero weights.
        InvalidAmountError: for a weight of 1E+36 or more, or a positive weight
            below 1E-36.
    """
    parts = allocate_units(total.minor_units, weights)
    return tuple(Money.from_minor(p, total.currency) for p in parts)
