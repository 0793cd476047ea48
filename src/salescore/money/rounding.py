"""Rounding modes and rounding to a step.

Rounding is always explicit in salescore: every function that drops digits
takes a :class:`Rounding` and says so in its name or arguments.

>>> from decimal import Decimal
>>> round_to_step(Decimal("123.456"), Decimal("0.01"), Rounding.HALF_UP)
Decimal('123.46')
>>> round_to_step(Decimal("1234"), Decimal("10"), Rounding.UP)
Decimal('1240')
>>> round_to_step(Decimal("-2.5"), Decimal("1"), Rounding.HALF_UP)
Decimal('-3')
"""

from __future__ import annotations

import decimal
import enum
from decimal import Decimal

from salescore.errors import InvalidAmountError
from salescore.money._context import EXACT

__all__ = ["Rounding", "decimal_places", "round_to_step"]


class Rounding(enum.Enum):
    """How to drop digits. Values are the :mod:`decimal` rounding constants.

    ``UP`` and ``DOWN`` are away from and towards zero; ``CEILING`` and ``FLOOR``
    towards plus and minus infinity; ``HALF_UP`` is commercial rounding (0.5 away
    from zero); ``HALF_EVEN`` is banker's rounding.
    """

    HALF_UP = decimal.ROUND_HALF_UP
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    HALF_DOWN = decimal.ROUND_HALF_DOWN
    UP = decimal.ROUND_UP
    DOWN = decimal.ROUND_DOWN
    CEILING = decimal.ROUND_CEILING
    FLOOR = decimal.ROUND_FLOOR


# The fraction left after integer division, as a proxy that every rounding
# mode treats alike: below, at or above one half.
_BELOW_HALF, _HALF, _ABOVE_HALF = Decimal("0.25"), Decimal("0.5"), Decimal("0.75")
# Quotients of value / step up to this many digits are supported.
_QUOTIENT_DIGITS = 40


def round_to_step(value: Decimal, step: Decimal, rounding: Rounding) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.01, 1, 10, 0.05 …).

    The result has the exponent of ``step`` (``round_to_step(x, Decimal("0.10"))``
    keeps two decimals). The rounding is exact: it looks at the exact
    remainder of ``value / step``, whatever the digits of either, and the
    caller's decimal context plays no part.

    Raises:
        InvalidAmountError: if ``step`` is not positive, either number is not
            finite, or ``value / step`` has more than 40 digits.
    """
    numbers: tuple[tuple[str, object], ...] = (("value", value), ("rounding step", step))
    for what, number in numbers:
        if not isinstance(number, Decimal) or not number.is_finite():
            raise InvalidAmountError(f"{what} must be a finite Decimal, got {number!r}")
    if not step > 0:
        raise InvalidAmountError(f"rounding step must be positive, got {step}", step=step)
    if value and value.adjusted() - step.adjusted() >= _QUOTIENT_DIGITS:
        raise InvalidAmountError(
            f"{value} is too large to round to a step of {step}: the number of steps would "
            f"have more than {_QUOTIENT_DIGITS} digits; use a coarser step",
            value=value,
            step=step,
        )
    units = EXACT.divide_int(value, step)
    remainder = EXACT.subtract(value, EXACT.multiply(units, step))
    if remainder:
        twice = EXACT.multiply(remainder, 2).copy_abs()
        fraction = _BELOW_HALF if twice < step else _HALF if twice == step else _ABOVE_HALF
        proxy = EXACT.add(units, fraction.copy_sign(value))
        units = proxy.to_integral_value(rounding._value_, EXACT)
    return EXACT.multiply(units, step).quantize(step, context=EXACT)


def decimal_places(value: Decimal) -> int:
    """The decimals ``value`` needs, trailing zeros dropped (exact, context-free).

    ``decimal_places(x) <= 2`` says that ``x`` is a whole number of kopecks,
    however large or small its exponent.

    >>> [decimal_places(Decimal(text)) for text in ("12.50", "1E+1000", "0.000", "5E-9")]
    [1, 0, 0, 9]
    """
    checked: object = value
    if not isinstance(checked, Decimal) or not checked.is_finite():
        raise InvalidAmountError(f"expected a finite Decimal, got {value!r}", value=value)
    _sign, digits, exponent = value.as_tuple()
    places = -int(exponent)
    if places <= 0 or not any(digits):
        return 0
    for digit in reversed(digits):
        if digit or not places:
            break
        places -= 1
    return places
