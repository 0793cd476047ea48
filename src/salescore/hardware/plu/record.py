"""The PLU table a label-printing scale prints from [таблица PLU весов с печатью этикеток].

Each :class:`PluRecord` is one product the scale knows: its PLU number (the key
the operator types), the item code that goes into the label's weight barcode,
the name, the price per kg (or per piece for piece goods) in whole kopecks, the
shelf life, the barcode layout (a weight or price EAN-13 layout of
:mod:`salescore.hardware.codes.weight`), the label template number and an
optional group.

A record refuses wrong types at once (a float price, an item code that is not
digits). Everything that depends on the scale model or on the other records —
duplicates, ranges, name length, whether the price fits the barcode — is
checked for the whole table at once by :meth:`PluTable.issues`, which reports
every problem as an :class:`~salescore.errors.Issue`:

>>> from decimal import Decimal
>>> from salescore.hardware.codes import EmbeddedLayout
>>> from salescore.hardware.plu.profile import SHTRIH_PRINT_CSV
>>> weight = EmbeddedLayout.parse("21IIIIIWWWWWC")
>>> table = PluTable([
...     PluRecord(1, "00123", "Сыр Российский", Decimal("689.90"), layout=weight),
...     PluRecord(1, "00124", "Колбаса докторская", Decimal("0"), layout=weight),
... ])
>>> for issue in table.issues(SHTRIH_PRINT_CSV):
...     print(issue.path, issue.code)
records[1] price_not_positive
records[1] duplicate_plu
>>> table.issues(SHTRIH_PRINT_CSV)[1].message
'PLU 1 is also used by records[0]; give each product its own PLU number'
>>> PluRecord(2, "00125", "Хлеб", 45.5, layout=weight)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
salescore.errors.InvalidAmountError: PLU 2: the price must be a Decimal in whole kopecks, ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal, localcontext

import attrs

from salescore.errors import InvalidAmountError, InvalidInputError, Issue, raise_for_issues
from salescore.hardware.codes.weight import EmbeddedLayout
from salescore.hardware.plu.profile import ScaleProfile
from salescore.money import Rounding, round_to_step
from salescore.money._context import decimal_context

__all__ = ["PluRecord", "PluTable", "SoldBy", "label_price"]

_KOPECK = Decimal("0.01")


class SoldBy(enum.Enum):
    """Whether the price is per kilogram (weighed goods) or per piece."""

    WEIGHT = "weight"
    PIECE = "piece"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen
class PluRecord:
    """One product in a label-printing scale's table.

    Attributes:
        plu: the PLU number the operator types on the scale.
        item_code: the digits the label's barcode carries for this product
            (zero-padded to the layout's item length in the barcode).
        name: the product name as printed; Cyrillic is welcome.
        price: roubles per kg (per piece for piece goods), in whole kopecks.
        layout: where item code and weight (or price) sit in the label's EAN-13.
        sold_by: per kg or per piece.
        shelf_life_days: days from packing to "use by"; 0 prints none.
        label: the scale's label template number.
        group: an optional group or department number.

    Raises:
        InvalidInputError: a value has the wrong type or form.
        InvalidAmountError: the price is a float or has fractions of a kopeck.
    """

    plu: int
    item_code: str
    name: str
    price: Decimal
    layout: EmbeddedLayout
    sold_by: SoldBy = SoldBy.WEIGHT
    shelf_life_days: int = 0
    label: int = 1
    group: int | None = None

    def __attrs_post_init__(self) -> None:
        raw: object = self.price  # callers without type checking may pass a float
        if (
            not isinstance(raw, Decimal | int)
            or isinstance(raw, bool)
            or not Decimal(raw).is_finite()
            or Decimal(raw) != Decimal(raw).quantize(_KOPECK)
        ):
            raise InvalidAmountError(
                f"PLU {self.plu}: the price must be a Decimal in whole kopecks, got {raw!r}; "
                "pass Decimal('45.50'), never a float",
                plu=self.plu,
                value=raw,
            )
        object.__setattr__(self, "price", Decimal(raw).quantize(_KOPECK))
        ints = {"plu": self.plu, "shelf_life_days": self.shelf_life_days, "label": self.label}
        wrong = [name for name, value in ints.items() if not _is_int(value)]
        if self.group is not None and not _is_int(self.group):
            wrong.append("group")
        if wrong:
            raise InvalidInputError(
                f"PLU {self.plu!r}: {', '.join(wrong)} must be whole numbers", plu=self.plu
            )
        code: object = self.item_code
        if not isinstance(code, str) or not code.isascii() or not code.isdigit():
            raise InvalidInputError(
                f"PLU {self.plu}: the item code must be digits, got {code!r}", plu=self.plu
            )
        name: object = self.name
        if not isinstance(name, str):
            raise InvalidInputError(f"PLU {self.plu}: the name must be text", plu=self.plu)
        layout: object = self.layout
        sold_by: object = self.sold_by
        if not isinstance(layout, EmbeddedLayout) or not isinstance(sold_by, SoldBy):
            raise InvalidInputError(
                f"PLU {self.plu}: layout must be an EmbeddedLayout and sold_by a SoldBy",
                plu=self.plu,
            )

    @property
    def barcode_item(self) -> str:
        """The item code as the barcode carries it, zero-padded to the layout's length."""
        return self.item_code.zfill(self.layout.item_digits)


def label_price(record: PluRecord, quantity: Decimal | int) -> Decimal:
    """The price of ``quantity`` kg (or pieces) of ``record``, rounded half up to kopecks.

    >>> from salescore.hardware.codes import EmbeddedLayout
    >>> price_layout = EmbeddedLayout.parse("23IIIIPPPPPPC")
    >>> cheese = PluRecord(1, "123", "Сыр", Decimal("689.90"), price_layout)
    >>> label_price(cheese, Decimal("0.347"))
    Decimal('239.40')
    """
    with localcontext(decimal_context()):
        amount = record.price * quantity
    return round_to_step(amount, _KOPECK, Rounding.HALF_UP)


def _fits(value: Decimal, layout: EmbeddedLayout) -> bool:
    limit: int = 10**layout.value_digits
    with localcontext(decimal_context()):
        return value.scaleb(layout.decimals) < limit


def _record_issues(record: PluRecord, path: str, profile: ScaleProfile) -> Iterator[Issue]:
    who = f"PLU {record.plu} (item {record.item_code})"
    if not 1 <= record.plu <= profile.max_plu:
        yield Issue(
            "plu_out_of_range",
            f"{who}: {profile.name} holds PLU numbers 1..{profile.max_plu}",
            path,
        )
    if len(record.item_code) > record.layout.item_digits:
        yield Issue(
            "item_code_does_not_fit_barcode",
            f"{who}: the barcode layout holds {record.layout.item_digits} item digits; "
            "shorten the item code or choose a layout with more item digits",
            path,
        )
    name = record.name
    if not name.strip():
        yield Issue("name_empty", f"{who}: the name is empty", path)
    if len(name) > profile.name_length:
        yield Issue(
            "name_too_long",
            f"{who}: the name has {len(name)} characters, {profile.name} prints "
            f"{profile.name_length}; shorten it",
            path,
        )
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in name):
        yield Issue(
            "name_control_character",
            f"{who}: the name holds a control character (a line break or tab?); remove it",
            path,
        )
    lost = sorted({char for char in name if not _encodable(char, profile.encoding)})
    if lost:
        yield Issue(
            "name_not_encodable",
            f"{who}: {profile.encoding} has no {''.join(lost)!r}; "
            f"the scale will print {profile.replacement!r} instead",
            path,
            severity="warning",
        )
    yield from _price_issues(record, who, path, profile)
    if not 0 <= record.shelf_life_days <= profile.max_shelf_life_days:
        yield Issue(
            "shelf_life_out_of_range",
            f"{who}: the shelf life must be 0..{profile.max_shelf_life_days} days, "
            f"got {record.shelf_life_days}",
            path,
        )
    if not 1 <= record.label <= profile.max_label:
        yield Issue(
            "label_out_of_range",
            f"{who}: label templates are numbered 1..{profile.max_label}, got {record.label}",
            path,
        )
    if record.group is not None and record.group < 0:
        yield Issue("group_out_of_range", f"{who}: the group must not be negative", path)


def _price_issues(record: PluRecord, who: str, path: str, profile: ScaleProfile) -> Iterator[Issue]:
    layout = record.layout
    if record.price <= 0:
        yield Issue(
            "price_not_positive", f"{who}: the price must be positive, got {record.price}", path
        )
        return
    if layout.value_kind == "W":
        if record.sold_by is SoldBy.PIECE:
            yield Issue(
                "piece_goods_with_weight_layout",
                f"{who}: piece goods with a weight barcode would put a count where the till "
                "reads grams; give piece goods a price layout (P)",
                path,
            )
        elif not _fits(profile.max_weight, layout):
            yield Issue(
                "weight_does_not_fit_barcode",
                f"{who}: {profile.max_weight} kg does not fit the barcode's "
                f"{layout.value_digits}-digit weight field",
                path,
            )
        return
    quantity = 1 if record.sold_by is SoldBy.PIECE else profile.max_weight
    top = label_price(record, quantity)
    if not _fits(top, layout):
        largest = (Decimal(10**layout.value_digits) - 1).scaleb(-layout.decimals)
        yield Issue(
            "price_does_not_fit_barcode",
            f"{who}: {quantity} at {record.price} costs {top}, but the barcode's price field "
            f"holds at most {largest}; choose a layout with more price digits",
            path,
        )


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    else:
        return True


def _as_records(records: Iterable[PluRecord]) -> tuple[PluRecord, ...]:
    found = tuple(records)
    for index, record in enumerate(found):
        if not isinstance(record, PluRecord):
            raise InvalidInputError(
                f"records[{index}] is {type(record).__name__}, not a PluRecord", index=index
            )
    return found


@attrs.frozen
class PluTable:
    """A scale's whole product table, in load order.

    The table itself accepts any records; :meth:`issues` checks them against a
    scale profile, all at once.
    """

    records: tuple[PluRecord, ...] = attrs.field(converter=_as_records)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[PluRecord]:
        return iter(self.records)

    def issues(self, profile: ScaleProfile) -> list[Issue]:
        """Every problem of the table for ``profile``: errors and warnings.

        Checked: PLU numbers in range and unique; item codes that fit the
        barcode and are unique within a barcode prefix (a scanned label names
        its product by prefix and item code); names present, short enough, free
        of control characters and in the profile's code page (a warning: the
        scale prints the replacement); prices positive and fitting the price
        field at the profile's ``max_weight`` (one piece for piece goods);
        shelf life, label and group.
        """
        found: list[Issue] = []
        first_plu: dict[int, int] = {}
        first_item: dict[tuple[str, int], int] = {}
        for index, record in enumerate(self.records):
            path = f"records[{index}]"
            found.extend(_record_issues(record, path, profile))
            earlier = first_plu.setdefault(record.plu, index)
            if earlier != index:
                found.append(
                    Issue(
                        "duplicate_plu",
                        f"PLU {record.plu} is also used by records[{earlier}]; "
                        "give each product its own PLU number",
                        path,
                    )
                )
            key = (record.layout.prefix, int(record.item_code))
            earlier = first_item.setdefault(key, index)
            if earlier != index:
                found.append(
                    Issue(
                        "duplicate_item_code",
                        f"PLU {record.plu}: item code {record.item_code} with prefix "
                        f"{record.layout.prefix} is also used by records[{earlier}]; a scanned "
                        "label could not tell the two products apart",
                        path,
                    )
                )
        return found

    def raise_for_issues(self, profile: ScaleProfile) -> None:
        """Raise :class:`~salescore.errors.IssuesError` if the table has errors for ``profile``."""
        raise_for_issues(self.issues(profile), f"PLU table for {profile.name}")

    def find(self, plu: int) -> PluRecord | None:
        """The first record with PLU number ``plu``, or ``None``."""
        return next((record for record in self.records if record.plu == plu), None)
