"""Quantities with units.

A :class:`Unit` knows how many decimals its quantities may carry: pieces are
whole (scale 0), kilograms have grams (scale 3). Quantities of different units
never mix silently; converting needs an explicit factor and rounding.

>>> from decimal import Decimal
>>> Quantity("2.5", KG) + Quantity("0.125", KG)
Quantity('2.625', 'kg')
>>> Quantity("1.5", PIECE)
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: 1.5 has more decimals than unit 'pcs' allows (0)
>>> Quantity(3, BOX).convert(PIECE, Decimal(12))
Quantity('36', 'pcs')
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from salescore.errors import InvalidAmountError, InvalidInputError
from salescore.money._context import BOUNDED, CTX, EXACT, QUANTA, check_bound
from salescore.money.money import AmountLike, to_decimal
from salescore.money.rounding import Rounding

__all__ = ["BOX", "KG", "LITRE", "PIECE", "Quantity", "Unit"]


def _check_scale(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
        raise InvalidInputError(
            f"a unit's scale (decimals of its quantities) must be 0..9, got {value!r}",
            value=value,
        )


@attrs.frozen
class Unit:
    """A unit of measure [единица измерения].

    Attributes:
        code: short code, e.g. ``"pcs"``, ``"kg"``.
        name: name for people.
        scale: decimals a quantity in this unit may carry, 0..9.
    """

    code: str
    name: str = ""
    scale: int = attrs.field(default=0, validator=_check_scale)

    def __str__(self) -> str:
        return self.code


PIECE = Unit("pcs", "piece", 0)
KG = Unit("kg", "kilogram", 3)
LITRE = Unit("l", "litre", 3)
BOX = Unit("box", "box", 0)


def _quantum(unit: Unit) -> Decimal:
    return QUANTA[unit.scale]


def _quantity_value(value: AmountLike) -> Decimal:
    return to_decimal(value, "quantity")


@attrs.frozen(order=False, repr=False)
class Quantity:
    """An amount of a unit; arithmetic only within one unit."""

    value: Decimal = attrs.field(converter=_quantity_value)
    unit: Unit = PIECE

    def __attrs_post_init__(self) -> None:
        value = check_bound(self.value, "quantity")
        exact = value.quantize(_quantum(self.unit), decimal.ROUND_DOWN, CTX)
        if exact != self.value:
            raise InvalidInputError(
                f"{self.value} has more decimals than unit {self.unit.code!r} allows "
                f"({self.unit.scale})",
                value=self.value,
            )
        object.__setattr__(self, "value", exact)

    @classmethod
    def of(cls, value: AmountLike, unit: Unit, rounding: Rounding = Rounding.HALF_UP) -> Quantity:
        """A quantity rounded to the unit's scale with ``rounding``."""
        exact = check_bound(to_decimal(value, "quantity"), "quantity")
        return cls(exact.quantize(_quantum(unit), rounding._value_, CTX), unit)

    def _same(self, other: Quantity) -> None:
        if self.unit != other.unit:
            raise InvalidInputError(
                f"cannot combine {other.unit.code} with {self.unit.code}: convert first",
                left=self.unit.code,
                right=other.unit.code,
            )

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        self._same(other)
        return Quantity(self._bounded(BOUNDED.add, other), self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        self._same(other)
        return Quantity(self._bounded(BOUNDED.subtract, other), self.unit)

    def __neg__(self) -> Quantity:
        return Quantity(BOUNDED.minus(self.value), self.unit)

    def _bounded(
        self, operation: Callable[[Decimal, Decimal], Decimal], other: Quantity
    ) -> Decimal:
        try:
            return operation(self.value, other.value)
        except decimal.Overflow:
            raise InvalidAmountError(
                f"combining {self} and {other} gives a quantity beyond what salescore "
                "supports: quantities must be below 10^18 in absolute value",
                value=self.value,
            ) from None

    def __lt__(self, other: Quantity) -> bool:
        self._same(other)
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        self._same(other)
        return self.value <= other.value

    def __gt__(self, other: Quantity) -> bool:
        self._same(other)
        return self.value > other.value

    def __ge__(self, other: Quantity) -> bool:
        self._same(other)
        return self.value >= other.value

    def is_zero(self) -> bool:
        """True for zero."""
        return self.value == 0

    def convert(
        self, unit: Unit, factor: AmountLike, rounding: Rounding = Rounding.HALF_UP
    ) -> Quantity:
        """This quantity in ``unit``, where one of ``self.unit`` is ``factor`` of ``unit``."""
        try:
            value = EXACT.multiply(self.value, to_decimal(factor, "factor"))
        except decimal.Overflow:
            raise InvalidAmountError(
                f"converting {self} by {factor} gives a quantity beyond what salescore "
                "supports: quantities must be below 10^18 in absolute value",
                value=self.value,
            ) from None
        return Quantity.of(value, unit, rounding)

    def __repr__(self) -> str:
        return f"Quantity('{self.value}', '{self.unit.code}')"

    def __str__(self) -> str:
        return f"{self.value} {self.unit.code}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Quantity, (str(self.value), self.unit))
