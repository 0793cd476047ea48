"""Weight and price EAN-13 codes of weighed goods (prefixes 20–29, restricted circulation).

A label-printing scale puts the weight (or the price) into the barcode. The
layout is a shop setting, written as a 13-character pattern: the prefix
digits, ``I`` for the item code (PLU), ``W`` for the weight in grams or ``P``
for the price in kopecks, and ``C`` for the check digit. The common
``21IIIIIWWWWWC`` is item 00123 at 1.250 kg in ``2100123012503``.

Weights and prices are exact decimals, never floats:

>>> layout = EmbeddedLayout.parse("21IIIIIWWWWWC")
>>> decode_embedded("2100123012503", layout)
EmbeddedCode(item='00123', weight=Decimal('1.250'), price=None)
>>> encode_embedded("00123", Decimal("1.25"), layout)
'2100123012503'
>>> decode_embedded("2300042049905", EmbeddedLayout.parse("23IIIIIPPPPPC")).price
Decimal('49.90')
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from salescore.errors import InvalidInputError
from salescore.hardware.codes.ean import complete_gtin, is_valid_gtin

__all__ = ["EmbeddedCode", "EmbeddedLayout", "decode_embedded", "encode_embedded"]

_PATTERN = re.compile(r"^(2[0-9])(I+)(W+|P+)C$")


@attrs.frozen
class EmbeddedLayout:
    """Where the item and the weight (or price) sit in a restricted-circulation EAN-13.

    Attributes:
        prefix: the two leading digits (20–29) that mark the layout.
        item_digits: length of the item code.
        value_kind: ``"W"`` weight or ``"P"`` price.
        value_digits: length of the value.
        decimals: decimal places of the value (3 for grams → kg, 2 for kopecks → roubles).
    """

    prefix: str
    item_digits: int
    value_kind: str
    value_digits: int
    decimals: int

    @classmethod
    def parse(cls, pattern: str, decimals: int | None = None) -> EmbeddedLayout:
        """A layout from a pattern such as ``21IIIIIWWWWWC`` or ``23IIIIIPPPPPC``."""
        match = _PATTERN.match(pattern)
        if match is None or len(pattern) != 13:
            raise InvalidInputError(
                f"weight-barcode pattern {pattern!r} must be 13 characters: a prefix 20..29, "
                "I… for the item, W… (weight) or P… (price), and C",
                pattern=pattern,
            )
        prefix, items, value = match.groups()
        kind = value[0]
        return cls(
            prefix,
            len(items),
            kind,
            len(value),
            decimals if decimals is not None else (3 if kind == "W" else 2),
        )


@attrs.frozen
class EmbeddedCode:
    """A decoded weight or price barcode: the item and exactly one of weight or price."""

    item: str
    weight: Decimal | None
    price: Decimal | None


def decode_embedded(code: str, layout: EmbeddedLayout) -> EmbeddedCode:
    """Read the item and the weight or price out of ``code``.

    Raises:
        InvalidInputError: wrong length, prefix or check digit.
    """
    if len(code) != 13 or not is_valid_gtin(code):
        raise InvalidInputError(
            f"{code!r} is not a valid EAN-13 (length or check digit)", code=code
        )
    if not code.startswith(layout.prefix):
        raise InvalidInputError(
            f"{code!r} does not start with the layout's prefix {layout.prefix}", code=code
        )
    start = len(layout.prefix)
    item = code[start : start + layout.item_digits]
    digits = code[start + layout.item_digits : start + layout.item_digits + layout.value_digits]
    value = Decimal(digits).scaleb(-layout.decimals)
    if layout.value_kind == "W":
        return EmbeddedCode(item, value, None)
    return EmbeddedCode(item, None, value)


def encode_embedded(item: str, value: Decimal | int, layout: EmbeddedLayout) -> str:
    """The EAN-13 for ``item`` with ``value`` (kg or roubles), check digit included.

    Raises:
        InvalidInputError: the item or value does not fit, or the value has
            more decimals than the layout holds (it is never rounded silently).
    """
    raw: object = value  # callers without type checking may pass a float
    if not isinstance(raw, Decimal | int) or isinstance(raw, bool):
        raise InvalidInputError(f"the value must be a Decimal, got {value!r}", value=value)
    if not item.isdigit() or len(item) != layout.item_digits:
        raise InvalidInputError(
            f"item code must be {layout.item_digits} digits, got {item!r}", item=item
        )
    units = Decimal(value).scaleb(layout.decimals)
    if units != units.to_integral_value() or units < 0 or units >= 10**layout.value_digits:
        raise InvalidInputError(
            f"value {value} does not fit {layout.value_digits} digits "
            f"with {layout.decimals} decimals",
            value=value,
        )
    digits = f"{int(units):0{layout.value_digits}d}"
    return complete_gtin(layout.prefix + item + digits)
