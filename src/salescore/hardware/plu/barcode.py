"""The barcode a label-printing scale prints for a PLU, and a check of a printed one.

A scale that weighs 0.347 kg of PLU 1 prints a restricted-circulation EAN-13
in the record's layout: the item code and the weight in grams, or the item
code and the price in kopecks (price per kg × weight, rounded half up to the
kopeck). :func:`label_barcode` gives the code the scale should print;
:func:`check_label_barcode` reads a printed (or scanned) code back with
:mod:`salescore.hardware.codes.weight` and reports every difference from the
record — the way to test a freshly loaded scale with a few labels.

>>> from decimal import Decimal
>>> from salescore.hardware.codes import EmbeddedLayout
>>> from salescore.hardware.plu.record import PluRecord
>>> cheese = PluRecord(1, "123", "Сыр", Decimal("689.90"), EmbeddedLayout.parse("21IIIIIWWWWWC"))
>>> label_barcode(cheese, Decimal("0.347"))
'2100123003471'
>>> check_label_barcode(cheese, "2100123003471", Decimal("0.347"))
[]
>>> [issue.code for issue in check_label_barcode(cheese, "2100124003470", Decimal("0.347"))]
['barcode_item_mismatch']
>>> [issue.code for issue in check_label_barcode(cheese, "2100123003488", Decimal("0.347"))]
['barcode_weight_mismatch']
"""

from __future__ import annotations

from decimal import Decimal

from salescore.errors import InvalidInputError, Issue
from salescore.hardware.codes.weight import decode_embedded, encode_embedded
from salescore.hardware.plu.record import PluRecord, SoldBy, label_price

__all__ = ["check_label_barcode", "label_barcode"]


def _checked_quantity(record: PluRecord, quantity: Decimal | int) -> Decimal:
    raw: object = quantity  # callers without type checking may pass a float
    if not isinstance(raw, Decimal | int) or isinstance(raw, bool) or not raw > 0:
        raise InvalidInputError(
            f"PLU {record.plu}: the quantity must be a positive Decimal, got {raw!r}",
            plu=record.plu,
        )
    value = Decimal(raw)
    if record.sold_by is SoldBy.PIECE and value != value.to_integral_value():
        raise InvalidInputError(
            f"PLU {record.plu} is sold by the piece; {value} is not a whole count",
            plu=record.plu,
        )
    return value


def label_barcode(record: PluRecord, quantity: Decimal | int) -> str:
    """The EAN-13 the scale prints for ``quantity`` kg (or pieces) of ``record``.

    Raises:
        InvalidInputError: the quantity is not positive (or not a whole count
            of pieces), has more decimals than the weight field (grams), or the
            value does not fit the layout; piece goods with a weight layout.
    """
    value = _checked_quantity(record, quantity)
    layout = record.layout
    if layout.value_kind == "W":
        if record.sold_by is SoldBy.PIECE:
            raise InvalidInputError(
                f"PLU {record.plu} is sold by the piece but has a weight barcode layout; "
                "give it a price layout (P)",
                plu=record.plu,
            )
        return encode_embedded(record.barcode_item, value, layout)
    return encode_embedded(record.barcode_item, label_price(record, value), layout)


def check_label_barcode(record: PluRecord, code: str, quantity: Decimal | int) -> list[Issue]:
    """Every way ``code`` differs from what the scale should print for ``record``.

    The code is decoded with the record's layout and compared with its item
    code and with the weight (weight layouts) or the price (price layouts).
    An empty list means the code is right.
    """
    value = _checked_quantity(record, quantity)
    where = f"PLU {record.plu}"
    try:
        decoded = decode_embedded(code, record.layout)
    except InvalidInputError as exc:
        return [Issue("barcode_unreadable", str(exc), where)]
    found: list[Issue] = []
    if decoded.item != record.barcode_item:
        found.append(
            Issue(
                "barcode_item_mismatch",
                f"the barcode names item {decoded.item}, the PLU table {record.barcode_item}",
                where,
            )
        )
    if decoded.weight is not None and decoded.weight != value:
        found.append(
            Issue(
                "barcode_weight_mismatch",
                f"the barcode says {decoded.weight} kg, the scale weighed {value} kg",
                where,
            )
        )
    if decoded.price is not None and decoded.price != (expected := label_price(record, value)):
        found.append(
            Issue(
                "barcode_price_mismatch",
                f"the barcode says {decoded.price}, {value} at {record.price} is {expected}",
                where,
            )
        )
    return found
