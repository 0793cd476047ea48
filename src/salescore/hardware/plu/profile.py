"""What a label-printing scale model (or its vendor's loader) accepts in a PLU file.

A label-printing scale [весы с печатью этикеток] keeps its own product table
and prints labels offline. The shop loads the table through the vendor's
loader program, usually from a CSV (or Excel) file. Scale models differ in how
many PLUs they hold, how long a name may be, and the file's code page, column
order, separator and decimal separator. A :class:`ScaleProfile` names these
limits; two profiles come with the library:

* :data:`GENERIC_CSV`: UTF-8, ``,`` between fields, ``.`` in decimals, English
  headers: a neutral exchange file.
* :data:`SHTRIH_PRINT_CSV`: shaped after the Mertech / Shtrih-Print style of
  loader: cp1251, ``;`` between fields, ``,`` in decimals, Russian headers.
  Its limits and column titles were **not checked against a real loader**:
  check them against your scale's manual and make your own profile with
  :func:`attrs.evolve` where they differ.

>>> SHTRIH_PRINT_CSV.encoding, SHTRIH_PRINT_CSV.separator, SHTRIH_PRINT_CSV.decimal_separator
('cp1251', ';', ',')
>>> attrs.evolve(SHTRIH_PRINT_CSV, name="my-scale", name_length=56).name_length
56
"""

from __future__ import annotations

import codecs
from decimal import Decimal

import attrs

from salescore.errors import InvalidInputError

__all__ = ["FIELDS", "GENERIC_CSV", "SHTRIH_PRINT_CSV", "ScaleProfile"]

#: The fields of a PLU record, each of which a profile puts in exactly one column.
FIELDS = (
    "plu",
    "item_code",
    "name",
    "price",
    "sold_by",
    "shelf_life_days",
    "layout",
    "label",
    "group",
)


@attrs.frozen
class ScaleProfile:
    """A scale model's limits and the shape of the PLU file its loader reads.

    Attributes:
        name: the profile's name.
        max_plu: the highest PLU number the scale stores (PLU numbers start at 1).
        name_length: the longest product name the scale prints, in characters.
        encoding: the file's code page (a Python codec name such as ``cp1251``).
        columns: the fields of :data:`FIELDS` in file order, each exactly once.
        headers: the header row's titles in the same order, or ``None`` for a
            file without a header row.
        separator: the character between fields.
        decimal_separator: the character between roubles and kopecks.
        sold_by_codes: how the file writes "sold by weight" and "sold by piece".
        max_weight: the heaviest weight one label must encode, in kg (the
            scale's capacity); a price barcode must hold the price of this much.
        max_label: the highest label template number.
        max_shelf_life_days: the longest shelf life the scale takes.
        replacement: what a character outside the code page becomes (never
            dropped: hazard H6).
        line_terminator: the end of each line.
    """

    name: str
    max_plu: int
    name_length: int
    encoding: str
    columns: tuple[str, ...]
    headers: tuple[str, ...] | None
    separator: str = ","
    decimal_separator: str = "."
    sold_by_codes: tuple[str, str] = ("kg", "pc")
    max_weight: Decimal = Decimal("15")
    max_label: int = 99
    max_shelf_life_days: int = 999
    replacement: str = "?"
    line_terminator: str = "\r\n"

    def __attrs_post_init__(self) -> None:
        problems: list[str] = []
        if sorted(self.columns) != sorted(FIELDS):
            problems.append(f"columns must name each of {', '.join(FIELDS)} exactly once")
        if self.headers is not None and len(self.headers) != len(self.columns):
            problems.append("headers must give one title per column")
        if len(self.separator) != 1 or self.separator in '"\r\n0123456789-':
            problems.append(f"the separator {self.separator!r} must be one non-digit character")
        if self.decimal_separator not in (".", ","):
            problems.append("the decimal separator must be '.' or ','")
        if self.decimal_separator == self.separator:
            problems.append("the separator and the decimal separator must differ")
        if len(set(self.sold_by_codes)) != 2 or "" in self.sold_by_codes:
            problems.append("the weight and piece codes must be two different non-empty codes")
        if self.max_plu < 1 or self.name_length < 1 or self.max_label < 1:
            problems.append("max_plu, name_length and max_label must be at least 1")
        weight: object = self.max_weight
        if not isinstance(weight, Decimal) or not weight > 0:
            problems.append("max_weight must be a positive Decimal (kg)")
        try:
            codecs.lookup(self.encoding)
            self.replacement.encode(self.encoding)
        except (LookupError, UnicodeEncodeError):
            problems.append(
                f"{self.encoding!r} must be a codec that can write {self.replacement!r}"
            )
        if problems:
            raise InvalidInputError(
                f"scale profile {self.name!r}: " + "; ".join(problems), profile=self.name
            )


#: A neutral exchange file: UTF-8, comma-separated, decimal point, English headers.
GENERIC_CSV = ScaleProfile(
    name="generic-csv",
    max_plu=99999,
    name_length=64,
    encoding="utf-8",
    columns=FIELDS,
    headers=FIELDS,
)

#: Shaped after Mertech / Shtrih-Print style loaders [загрузка товаров в весы Штрих-Принт]:
#: cp1251, ``;``, decimal comma, Russian headers. Limits and titles are **unverified**.
SHTRIH_PRINT_CSV = ScaleProfile(
    name="shtrih-print-csv",
    max_plu=4000,
    name_length=28,
    encoding="cp1251",
    columns=FIELDS,
    headers=(
        "Номер PLU",
        "Код товара",
        "Наименование",
        "Цена",
        "Тип товара",
        "Срок годности",
        "Формат штрихкода",
        "Номер этикетки",
        "Группа",
    ),
    separator=";",
    decimal_separator=",",
    sold_by_codes=("1", "2"),
)
