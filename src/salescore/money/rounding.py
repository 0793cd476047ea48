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
from salescore.money._context import decimal_context

__all__ = ["Rounding", "round_to_step"]


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


def round_to_step(value: Decimal, step: Decimal, rounding: Rounding) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.01, 1, 10, 0.05 …).

    The result has the exponent of ``step`` (``round_to_step(x, Decimal("0.10"))``
    keeps two decimals).

    Raises:
        InvalidAmountError: if ``step`` is not positive.
    """
    if not step > 0:
        raise InvalidAmountError(f"rounding step must be positive, got {step}", step=step)
    with decimal.localcontext(decimal_context()) as ctx:
        ctx.rounding = rounding.value
        units = (value / step).to_integral_value()
        return (units * step).quantize(step)
