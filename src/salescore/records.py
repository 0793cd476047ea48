"""Typed records for notebooks and data frames, and the one HTML table of salescore.

Every report and result of salescore has ``to_records()``: a list of rows,
each a plain ``dict`` from column name to a typed value that
``pandas.DataFrame(...)`` and ``polars.DataFrame(...)`` take as it is:

* amounts are :class:`~decimal.Decimal` (never text, never float, never
  ``Money``): a money column is a Decimal beside a ``currency`` column
  holding the currency code;
* dates are :class:`~datetime.date` (timestamps :class:`~datetime.datetime`);
* enums are their values (``"advance"``, ``"block"``), ids are ``str``;
* a cell with no value is ``None``.

The same rows are shown as an HTML table when a notebook displays a result
(``_repr_html_``), through :func:`html_table`, which escapes every header,
cell and caption. Functions returning several results (a list of
allocations, the deviations of a sale) are turned into one displayable
:class:`Table` by :func:`table`.

>>> from datetime import date
>>> from decimal import Decimal
>>> rows = [{"partner": "<script>", "due": date(2026, 3, 2), "total": Decimal("10.50")}]
>>> print(html_table(rows, caption="aging & more").replace("><", ">\\n<"))
<table>
<caption>aging &amp; more</caption>
<thead>
<tr>
<th>partner</th>
<th>due</th>
<th>total</th>
</tr>
</thead>
<tbody>
<tr>
<td>&lt;script&gt;</td>
<td>2026-03-02</td>
<td style="text-align: right">10.50</td>
</tr>
</tbody>
</table>
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeAlias, runtime_checkable

import attrs

__all__ = [
    "Record",
    "RecordValue",
    "SupportsRecords",
    "Table",
    "cell",
    "columns_of",
    "html_table",
    "table",
]

RecordValue: TypeAlias = str | int | bool | Decimal | date | datetime | None
"""The types a record's cell may hold (``datetime`` is a ``date`` too)."""

Record: TypeAlias = dict[str, RecordValue]
"""One row: column name -> typed value."""


@runtime_checkable
class SupportsRecords(Protocol):
    """Anything with ``to_records()``: every report and result of salescore."""

    def to_records(self) -> list[Record]:
        """The rows, typed (see the module's documentation)."""
        ...


def cell(value: object) -> RecordValue:
    """``value`` as a typed record cell.

    Numbers, dates and ``None`` stay what they are; an enum becomes its
    value, an id (a ``str`` subtype) a plain ``str``; a set becomes its
    sorted members joined by ", ", a tuple or list its members in order, a
    mapping ``key: value`` pairs; anything else its text.

    >>> import enum
    >>> class Kind(enum.Enum):
    ...     ADVANCE = "advance"
    >>> cell(Kind.ADVANCE), cell(frozenset({"B", "A"})), cell(("Q10", "Q50")), cell(None)
    ('advance', 'A, B', 'Q10, Q50', None)
    >>> cell({"MACHINES": Decimal(3)}), cell(Decimal("1.50")), cell(date(2026, 1, 31))
    ('MACHINES: 3', Decimal('1.50'), datetime.date(2026, 1, 31))
    """
    if value is None or isinstance(value, bool | int | Decimal | date):
        return value
    if isinstance(value, enum.Enum):
        return cell(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(_text(cell(v)) for v in value))
    if isinstance(value, tuple | list):
        return ", ".join(_text(cell(v)) for v in value)
    if isinstance(value, Mapping):
        pairs = sorted((str(k), _text(cell(v))) for k, v in value.items())
        return ", ".join(f"{k}: {v}" for k, v in pairs)
    return str(value)


def _text(value: RecordValue) -> str:
    """A cell as text for a table: "" for None, plain digits for a Decimal."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def columns_of(records: Iterable[Mapping[str, object]]) -> list[str]:
    """Every column of ``records``, in order of first appearance.

    >>> columns_of([{"a": 1}, {"a": 2, "b": 3}])
    ['a', 'b']
    """
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record))
    return list(seen)


def html_table(
    records: Sequence[Mapping[str, RecordValue]],
    *,
    caption: str = "",
    columns: Sequence[str] | None = None,
) -> str:
    """An HTML table of ``records``; every header, cell and the caption escaped.

    Args:
        records: the rows; a row without a column shows an empty cell.
        caption: the table's title ("" for none).
        columns: the columns in order (default: :func:`columns_of` the rows),
            so that a table with no rows still shows its header.

    Numbers (Decimal, int) are aligned right, Decimals in plain digits;
    dates are ISO dates; ``None`` is an empty cell.
    """
    names = list(columns) if columns is not None else columns_of(records)
    head = "".join(f"<th>{html.escape(name)}</th>" for name in names)
    body = []
    for record in records:
        cells = []
        for name in names:
            value = record.get(name)
            numeric = isinstance(value, Decimal | int) and not isinstance(value, bool)
            style = ' style="text-align: right"' if numeric else ""
            cells.append(f"<td{style}>{html.escape(_text(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@attrs.frozen
class Table:
    """Rows of several results as one value: a data frame's input and a notebook table.

    Attributes:
        caption: the title shown above the table.
        columns: the column names, in order.
        rows: one tuple of cells per row, in column order.
    """

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[RecordValue, ...], ...]

    @classmethod
    def of(cls, records: Iterable[Mapping[str, RecordValue]], caption: str = "") -> Table:
        """The table of ``records`` (a column missing from a row is ``None`` there)."""
        rows = list(records)
        names = tuple(columns_of(rows))
        return cls(caption, names, tuple(tuple(r.get(n) for n in names) for r in rows))

    def to_records(self) -> list[Record]:
        """One dict per row."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=self.caption, columns=self.columns)


def table(results: Iterable[SupportsRecords], caption: str = "") -> Table:
    """The records of several results (allocations, deviations, ledger entries) as one table.

    >>> @attrs.frozen
    ... class Paid:
    ...     order: str
    ...     amount: Decimal
    ...     def to_records(self) -> list[Record]:
    ...         return [{"order": self.order, "amount": self.amount}]
    >>> t = table([Paid("SO-1", Decimal("30.00")), Paid("SO-2", Decimal("70.00"))], "paid")
    >>> sum(r["amount"] for r in t.to_records())
    Decimal('100.00')
    """
    return Table.of((r for result in results for r in result.to_records()), caption)
