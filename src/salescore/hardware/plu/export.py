"""The PLU table as a CSV file for a scale vendor's loader, and back.

:func:`to_csv` writes a table in a :class:`~salescore.hardware.plu.profile.ScaleProfile`'s
shape: its code page, column order, separator and decimal separator. It writes
only a table without errors for that profile, so a file that reaches the scale
never holds a duplicate PLU or a price its barcode cannot carry. The output is
deterministic: the same table always gives the same bytes. A character the
code page lacks becomes the profile's replacement, visibly, and is never
dropped (hazard H6); the table's issues warn about it beforehand.

:func:`from_csv` reads such a file back; for names within the code page the
round trip is exact.

>>> from decimal import Decimal
>>> from salescore.hardware.codes import EmbeddedLayout
>>> from salescore.hardware.plu.profile import SHTRIH_PRINT_CSV
>>> from salescore.hardware.plu.record import PluRecord, PluTable
>>> table = PluTable([PluRecord(1, "123", "Сыр «Российский»", Decimal("689.9"),
...                             EmbeddedLayout.parse("21IIIIIWWWWWC"), shelf_life_days=30)])
>>> data = to_csv(table, SHTRIH_PRINT_CSV)
>>> header, row = data.decode("cp1251").splitlines()
>>> header.split(";")[:4]
['Номер PLU', 'Код товара', 'Наименование', 'Цена']
>>> row
'1;123;Сыр «Российский»;689,90;1;30;21IIIIIWWWWWC;1;'
>>> from_csv(data, SHTRIH_PRINT_CSV) == table
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from salescore.errors import InvalidInputError, Issue, raise_for_issues
from salescore.hardware.codes.weight import EmbeddedLayout
from salescore.hardware.plu.profile import ScaleProfile
from salescore.hardware.plu.record import PluRecord, PluTable, SoldBy

__all__ = ["from_csv", "layout_pattern", "to_csv"]

_INT = re.compile(r"-?[0-9]+")
_LAYOUT = re.compile(r"([0-9A-Z]{13})(?:/([0-9]))?")


def layout_pattern(layout: EmbeddedLayout) -> str:
    """The layout as a pattern; decimals other than the default follow a slash.

    >>> layout_pattern(EmbeddedLayout.parse("23IIIIPPPPPPC"))
    '23IIIIPPPPPPC'
    >>> layout_pattern(EmbeddedLayout.parse("23IIIIPPPPPPC", decimals=0))
    '23IIIIPPPPPPC/0'
    """
    pattern = (
        layout.prefix + "I" * layout.item_digits + layout.value_kind * layout.value_digits + "C"
    )
    default = 3 if layout.value_kind == "W" else 2
    return pattern if layout.decimals == default else f"{pattern}/{layout.decimals}"


def _cells(record: PluRecord, profile: ScaleProfile) -> dict[str, str]:
    weight_code, piece_code = profile.sold_by_codes
    return {
        "plu": str(record.plu),
        "item_code": record.item_code,
        "name": record.name,
        "price": str(record.price).replace(".", profile.decimal_separator),
        "sold_by": weight_code if record.sold_by is SoldBy.WEIGHT else piece_code,
        "shelf_life_days": str(record.shelf_life_days),
        "layout": layout_pattern(record.layout),
        "label": str(record.label),
        "group": "" if record.group is None else str(record.group),
    }


def _encode(text: str, profile: ScaleProfile) -> bytes:
    replacement = profile.replacement.encode(profile.encoding)
    out = bytearray()
    for char in text:
        try:
            out += char.encode(profile.encoding)
        except UnicodeEncodeError:
            out += replacement
    return bytes(out)


def to_csv(table: PluTable, profile: ScaleProfile) -> bytes:
    """The table as the profile's CSV file, ready for the vendor's loader.

    Raises:
        IssuesError: the table has errors for this profile (warnings do not stop it).
    """
    table.raise_for_issues(profile)
    text = io.StringIO()
    writer = csv.writer(
        text,
        delimiter=profile.separator,
        quotechar='"',
        quoting=csv.QUOTE_MINIMAL,
        lineterminator=profile.line_terminator,
    )
    if profile.headers is not None:
        writer.writerow(profile.headers)
    for record in table:
        cells = _cells(record, profile)
        writer.writerow([cells[column] for column in profile.columns])
    return _encode(text.getvalue(), profile)


def _int(text: str) -> int:
    if _INT.fullmatch(text) is None:
        raise ValueError("a whole number")
    return int(text)


def _price(profile: ScaleProfile) -> Callable[[str], Decimal]:
    sep = re.escape(profile.decimal_separator)
    pattern = re.compile(rf"-?[0-9]+(?:{sep}[0-9]{{1,2}})?")

    def parse(text: str) -> Decimal:
        if pattern.fullmatch(text) is None:
            raise ValueError(f"roubles and kopecks such as 45{profile.decimal_separator}50")
        return Decimal(text.replace(profile.decimal_separator, "."))

    return parse


def _sold_by(profile: ScaleProfile) -> Callable[[str], SoldBy]:
    weight_code, piece_code = profile.sold_by_codes

    def parse(text: str) -> SoldBy:
        if text == weight_code:
            return SoldBy.WEIGHT
        if text == piece_code:
            return SoldBy.PIECE
        raise ValueError(f"{weight_code!r} (by weight) or {piece_code!r} (by piece)")

    return parse


def _layout(text: str) -> EmbeddedLayout:
    match = _LAYOUT.fullmatch(text)
    if match is None:
        raise ValueError("a barcode pattern such as 21IIIIIWWWWWC")
    pattern, decimals = match.groups()
    try:
        return EmbeddedLayout.parse(pattern, None if decimals is None else int(decimals))
    except InvalidInputError as exc:
        raise ValueError("a barcode pattern such as 21IIIIIWWWWWC") from exc


def _item_code(text: str) -> str:
    if not text.isascii() or not text.isdigit():
        raise ValueError("digits")
    return text


def _group(text: str) -> int | None:
    return None if text == "" else _int(text)


def _parsers(profile: ScaleProfile) -> dict[str, Callable[[str], object]]:
    return {
        "plu": _int,
        "item_code": _item_code,
        "name": str,
        "price": _price(profile),
        "sold_by": _sold_by(profile),
        "shelf_life_days": _int,
        "layout": _layout,
        "label": _int,
        "group": _group,
    }


def _rows(text: str, profile: ScaleProfile) -> Iterator[tuple[int, Sequence[str]]]:
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=profile.separator, quotechar='"', strict=True
    )
    try:
        for row in reader:
            if row:
                yield reader.line_num, row
    except csv.Error as exc:
        raise InvalidInputError(
            f"PLU file ({profile.name}), line {reader.line_num}: {exc}; "
            "check the quotes around names",
            line=reader.line_num,
        ) from exc


def from_csv(data: bytes, profile: ScaleProfile) -> PluTable:
    """A PLU table read from a file in the profile's shape.

    The header row (if the profile has one) must match the profile's titles;
    a UTF-8 byte order mark (as Excel writes) is skipped.
    Every cell that cannot be read is reported, not only the first. The table
    is returned as read: check it with :meth:`PluTable.issues`.

    Raises:
        InvalidInputError: the bytes are not in the profile's code page, or
            the header row differs.
        IssuesError: cells could not be read; ``issues`` lists each by line and column.
    """
    what = f"PLU file ({profile.name})"
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{what}: byte {exc.start} is not {profile.encoding}; "
            "was the file saved in another code page?",
            position=exc.start,
        ) from exc
    if text.startswith("\ufeff"):  # Excel saves "CSV UTF-8" with a byte order mark
        text = text[1:]
    rows = list(_rows(text, profile))
    titles = profile.headers if profile.headers is not None else profile.columns
    if profile.headers is not None:
        if not rows or tuple(rows[0][1]) != profile.headers:
            found = rows[0][1] if rows else []
            raise InvalidInputError(
                f"{what}: the header row must be {profile.separator.join(profile.headers)!r}, "
                f"got {profile.separator.join(found)!r}",
                header=tuple(found),
            )
        rows = rows[1:]
    parsers = _parsers(profile)
    issues: list[Issue] = []
    records: list[PluRecord] = []
    for line, row in rows:
        if len(row) != len(profile.columns):
            issues.append(
                Issue(
                    "wrong_column_count",
                    f"{len(row)} fields, expected {len(profile.columns)}",
                    f"line {line}",
                )
            )
            continue
        values: dict[str, Any] = {}
        for column, title, cell in zip(profile.columns, titles, row, strict=True):
            try:
                values[column] = parsers[column](cell)
            except ValueError as exc:
                issues.append(
                    Issue("unreadable_cell", f"{cell!r} is not {exc}", f"line {line}, {title}")
                )
        if len(values) == len(profile.columns):
            records.append(PluRecord(**values))
    raise_for_issues(issues, what)
    return PluTable(records)
