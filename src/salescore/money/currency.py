"""Currencies: an ISO 4217 code and its number of minor units.

>>> Currency.of("RUB")
Currency(code='RUB', minor_units=2)
>>> Currency.of("jpy").minor_units
0
>>> Currency.of("XYZ")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: unknown currency code 'XYZ': use an ISO 4217 code ...
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs
from babel.numbers import get_currency_precision, list_currencies

from salescore.errors import InvalidInputError
from salescore.money._context import QUANTA

__all__ = ["Currency", "as_currency"]


def _check_code(_instance: object, _attribute: object, value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise InvalidInputError(
            f"currency code must be three capital letters, got {value!r}", value=value
        )


def _check_minor_units(_instance: object, _attribute: object, value: int) -> None:
    if not 0 <= value <= 8:
        raise InvalidInputError(f"minor units must be 0..8, got {value!r}", value=value)


@attrs.frozen(order=False, cache_hash=True)
class Currency:
    """A currency. Compare and hash by value; build known ones with :meth:`of`.

    Attributes:
        code: ISO 4217 code, e.g. ``"RUB"``.
        minor_units: digits after the decimal point (2 for RUB, 0 for JPY).
    """

    code: str = attrs.field(validator=_check_code)
    minor_units: int = attrs.field(default=2, validator=_check_minor_units)

    @staticmethod
    def of(code: str) -> Currency:
        """The ISO 4217 currency ``code`` with its minor units from the CLDR (babel).

        The same code always gives the same (cached) object. The cache is keyed
        by the normalised code and holds known ISO codes only, so it stays
        bounded (a few hundred entries) whatever spellings a caller passes.
        """
        if not isinstance(code, str):
            raise InvalidInputError(
                f"a currency code must be a string such as 'RUB', got {type(code).__name__}",
                value=code,
            )
        normalized = code.strip().upper()
        known = _BY_CODE.get(normalized)
        if known is not None:
            return known
        if normalized not in _known_codes():
            raise InvalidInputError(
                f"unknown currency code {code!r}: use an ISO 4217 code such as 'RUB', 'USD' "
                f"or 'EUR', or build Currency({normalized!r}, minor_units=2) yourself",
                value=code,
            )
        currency = Currency(normalized, int(get_currency_precision(normalized)))
        return _BY_CODE.setdefault(normalized, currency)

    @property
    def quantum(self) -> Decimal:
        """The smallest amount: ``Decimal('0.01')`` for two minor units."""
        return QUANTA[self.minor_units]

    def __str__(self) -> str:
        return self.code


def as_currency(value: Currency | str) -> Currency:
    """``value`` itself when a :class:`Currency`, else :meth:`Currency.of` its code.

    The converter of every ``currency`` field that accepts a code:

    >>> as_currency("rub") is Currency.of("RUB")
    True
    """
    return value if isinstance(value, Currency) else Currency.of(value)


# Known ISO codes only (normalised), so bounded by the ISO 4217 list.
_BY_CODE: dict[str, Currency] = {}


@functools.cache
def _known_codes() -> frozenset[str]:
    return frozenset(list_currencies())
