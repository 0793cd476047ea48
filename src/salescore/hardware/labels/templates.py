"""Price tags and labels from templates (G2) [ценники и этикетки].

A template is a label size and a list of elements — text, EAN-13, Code 128,
DataMatrix — whose content is a ``str.format`` pattern over named values
(``"{name}"``, ``"{price} ₽/{unit}"``). Rendering fills the values in and
builds ZPL through :class:`~salescore.hardware.labels.zpl.ZplLabel`, so every
value is escaped and the label is UTF-8 (``^CI28``). Money and decimals are
written exactly — never through a float — with the template's decimal
separator.

>>> from decimal import Decimal
>>> from salescore.money import Money
>>> zpl = PRICE_TAG_58X40.render(
...     {"name": "Хлеб бородинский", "price": Money("45.50", "RUB"), "unit": "шт",
...      "barcode": "4600439931256"})
>>> b"^CI28" in zpl and "45,50".encode() in zpl
True
>>> PRICE_TAG_58X40.render({"name": "Хлеб"})
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: label template 'price-tag-58x40' needs values for: ...
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from decimal import Decimal

import attrs

from salescore.errors import InvalidInputError
from salescore.hardware.labels.zpl import ZplLabel
from salescore.money import Money

__all__ = [
    "PRICE_TAG_58X40",
    "WEIGHT_LABEL_58X60",
    "BarcodeElement",
    "LabelTemplate",
    "TextElement",
    "format_value",
]

LabelValue = str | int | Decimal | Money


@attrs.frozen
class TextElement:
    """Text at ``(x, y)`` in dots; ``block`` wraps it into ``lines`` lines of that width."""

    x: int
    y: int
    content: str
    height: int = 30
    block: int | None = None
    lines: int = 1


@attrs.frozen
class BarcodeElement:
    """A barcode at ``(x, y)``: ``kind`` is ``ean13``, ``code128`` or ``datamatrix``."""

    x: int
    y: int
    content: str
    kind: str = "ean13"
    height: int = 60

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("ean13", "code128", "datamatrix"):
            raise InvalidInputError(
                f"unknown barcode kind {self.kind!r}: use ean13, code128 or datamatrix"
            )


def format_value(value: LabelValue, decimal_separator: str = ",") -> str:
    """A value as printed: money and decimals exactly, with the given separator.

    >>> format_value(Decimal("1.250")), format_value(Money("89.9", "RUB"))
    ('1,250', '89,90')
    >>> format_value(Decimal("1E+2"))  # plain digits, never an exponent
    '100'
    """
    if isinstance(value, float | bool):
        raise InvalidInputError(f"label values must be str, int, Decimal or Money, got {value!r}")
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_separator)
    return str(value)


@attrs.frozen
class LabelTemplate:
    """A named label layout.

    Attributes:
        width, length: label size in dots (8 dots per mm at 203 dpi).
        elements: what to print where.
        decimal_separator: how decimals and money are written.
    """

    name: str
    width: int
    length: int
    elements: tuple[TextElement | BarcodeElement, ...]
    decimal_separator: str = ","

    def fields(self) -> set[str]:
        """The value names the template uses."""
        names: set[str] = set()
        for element in self.elements:
            for _, field, _, _ in string.Formatter().parse(element.content):
                if field is not None:
                    if not field.isidentifier():
                        raise InvalidInputError(
                            f"label template {self.name!r}: {{{field}}} is not a plain value name"
                        )
                    names.add(field)
        return names

    def render(self, values: Mapping[str, LabelValue], copies: int = 1) -> bytes:
        """The ZPL for one label (``copies`` times) with ``values`` filled in.

        Raises:
            InvalidInputError: a value is missing or a float, or a barcode is invalid.
        """
        missing = sorted(self.fields() - values.keys())
        if missing:
            raise InvalidInputError(
                f"label template {self.name!r} needs values for: {', '.join(missing)}",
                missing=missing,
            )
        text = {key: format_value(value, self.decimal_separator) for key, value in values.items()}
        label = ZplLabel(self.width, self.length)
        for element in self.elements:
            content = element.content.format_map(text)
            if isinstance(element, TextElement):
                label.text(
                    element.x,
                    element.y,
                    content,
                    height=element.height,
                    block=element.block,
                    lines=element.lines,
                )
            elif element.kind == "ean13":
                label.ean13(element.x, element.y, content, height=element.height)
            elif element.kind == "code128":
                label.code128(element.x, element.y, content, height=element.height)
            else:
                label.datamatrix(element.x, element.y, content)
        label.quantity(copies)
        return label.build()


#: A 58 × 40 mm shelf price tag: name (two lines), price per unit, EAN-13.
PRICE_TAG_58X40 = LabelTemplate(
    "price-tag-58x40",
    width=464,
    length=320,
    elements=(
        TextElement(16, 16, "{name}", height=28, block=432, lines=2),
        TextElement(16, 90, "{price} ₽/{unit}", height=64),
        BarcodeElement(60, 180, "{barcode}", height=80),
    ),
)

#: A 58 × 60 mm label for weighed goods: name, weight, price per kg, total, weight EAN-13.
WEIGHT_LABEL_58X60 = LabelTemplate(
    "weight-label-58x60",
    width=464,
    length=480,
    elements=(
        TextElement(16, 16, "{name}", height=28, block=432, lines=2),
        TextElement(16, 90, "Вес: {weight} кг", height=30),
        TextElement(16, 130, "Цена за кг: {price_per_kg} ₽", height=30),
        TextElement(16, 170, "Сумма: {total} ₽", height=48),
        TextElement(16, 230, "Упаковано: {packed}", height=24),
        BarcodeElement(60, 280, "{barcode}", height=100),
    ),
)
