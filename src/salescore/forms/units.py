"""Units of measure as Russian forms print them: the OKEI code [код по ОКЕИ] and the
national symbol [условное обозначение (национальное)].

salescore's own unit codes (``pcs``, ``kg`` ...) are short English codes; a УПД, a
ТОРГ-12 or a счёт-фактура prints ``шт`` with code ``796`` instead. A unit this table does
not know prints its own code as the symbol and leaves the OKEI code empty, which the
forms allow ("при наличии").

>>> national_unit("pcs")
NationalUnit(okei='796', symbol='шт')
>>> national_unit("bag")
NationalUnit(okei='', symbol='bag')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["NATIONAL_UNITS", "NationalUnit", "national_unit"]


@attrs.frozen
class NationalUnit:
    """A unit as a Russian form prints it.

    Attributes:
        okei: the code of the all-Russian classifier of units (ОКЕИ), or ``""``.
        symbol: the national symbol (``шт``, ``кг``).
    """

    okei: str
    symbol: str


NATIONAL_UNITS: Mapping[str, NationalUnit] = MappingProxyType(
    {
        "pcs": NationalUnit("796", "шт"),
        "kg": NationalUnit("166", "кг"),
        "g": NationalUnit("163", "г"),
        "t": NationalUnit("168", "т"),
        "l": NationalUnit("112", "л"),
        "m": NationalUnit("006", "м"),
        "m2": NationalUnit("055", "м2"),
        "m3": NationalUnit("113", "м3"),
        "box": NationalUnit("778", "упак"),
        "pair": NationalUnit("715", "пар"),
        "set": NationalUnit("839", "компл"),
        "h": NationalUnit("356", "ч"),
    }
)
"""salescore's unit codes with their OKEI code and national symbol."""


def national_unit(code: str) -> NationalUnit:
    """How a form prints the unit ``code``: known codes by OKEI, others as they are."""
    return NATIONAL_UNITS.get(code) or NationalUnit("", code)
