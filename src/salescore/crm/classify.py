"""Classifications (H7): ABC, XYZ and the BCG matrix, for products or clients.

**ABC** [ABC-анализ] ranks items by a measure (revenue or margin) and
classes them by their cumulative share of the total: A while the cumulative
share is at most the A threshold (80 % by default, the boundary included),
B while it is at most the B threshold (95 %), C after that. Items with zero
or negative measure are C and do not count in the total.

>>> from decimal import Decimal
>>> result = abc({"P1": 500, "P2": 300, "P3": 100, "P4": 60, "P5": 40})
>>> [(r.key, r.cls) for r in result.rows]
[('P1', 'A'), ('P2', 'A'), ('P3', 'B'), ('P4', 'C'), ('P5', 'C')]

**XYZ** [XYZ-анализ] classes items by the coefficient of variation of
their monthly sales (population standard deviation ÷ mean): X up to 10 %,
Y up to 25 %, Z above (or when the mean is not above zero). The class is
decided exactly, comparing ``cv²`` without a square root.

>>> [(r.key, r.cls, r.cv) for r in xyz({"flat": [10, 10, 10], "wavy": [8, 12]}).rows]
[('flat', 'X', Decimal('0.0000')), ('wavy', 'Y', Decimal('0.2000'))]

The **ABC/XYZ table** crosses the two: nine cells from AX (much and steady)
to CZ (little and erratic), each with its items.

>>> table = abc_xyz(result, xyz({"P1": [50, 50], "P2": [20, 40], "P3": [1, 9]}))
>>> [(c.abc, c.xyz, c.keys) for c in table.cells if c.keys]
[('A', 'X', ('P1',)), ('A', 'Z', ('P2',)), ('B', 'Z', ('P3',))]
>>> table.unmatched
('P4', 'P5')

**BCG** [матрица БКГ] places each item by market growth (this period's sales
against the previous period's) and relative market share (its sales ÷ the
largest competitor's — the registered competitors' figure when given,
otherwise the largest other item of the set): stars, question marks, cash
cows, dogs.

All arithmetic runs exactly or in the library's decimal context, so the
caller's context never changes a class or a figure.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import CrmError
from salescore.money import Money
from salescore.money._context import CTX, EXACT
from salescore.records import Record, html_table

__all__ = [
    "AbcResult",
    "AbcRow",
    "AbcXyzCell",
    "AbcXyzTable",
    "BcgItem",
    "BcgQuadrant",
    "BcgResult",
    "BcgRow",
    "XyzResult",
    "XyzRow",
    "abc",
    "abc_xyz",
    "bcg",
    "monthly_series",
    "xyz",
]

_FOUR = Decimal("0.0001")


def _number(value: object, what: str) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise CrmError(
            f"{what} must be a Decimal, an int, a decimal string or Money, got {value!r}",
            value=value,
        )
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CrmError(f"{what} must be a finite number, got {value!r}", value=value)
    return number


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal(0)
    return CTX.divide(part, whole).quantize(_FOUR, "ROUND_HALF_UP", CTX)


def _thresholds(first: object, second: object, names: str) -> tuple[Decimal, Decimal]:
    low, high = _number(first, names), _number(second, names)
    if not 0 < low < high:
        raise CrmError(
            f"the {names} thresholds must rise above zero ({low} < {high} expected): "
            "give them as fractions such as Decimal('0.80')",
            thresholds=(low, high),
        )
    return low, high


@attrs.frozen
class AbcRow:
    """One item of an ABC analysis, in rank order."""

    key: str
    value: Decimal
    share: Decimal
    """Its share of the positive total, to four places."""
    cumulative: Decimal
    """The cumulative share up to and including it, to four places."""
    cls: str
    """"A", "B" or "C"."""


@attrs.frozen
class AbcResult:
    """An ABC analysis [ABC-анализ]."""

    rows: tuple[AbcRow, ...]
    a: Decimal
    b: Decimal
    total: Decimal

    def of(self, cls: str) -> tuple[str, ...]:
        """The keys of class ``cls`` in rank order."""
        return tuple(r.key for r in self.rows if r.cls == cls)

    def to_records(self) -> list[Record]:
        """One row per item."""
        return [
            {"key": r.key, "value": r.value, "share": r.share, "cumulative": r.cumulative,
             "class": r.cls}
            for r in self.rows
        ]  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"ABC (A ≤ {self.a}, B ≤ {self.b})")


def abc(
    values: Mapping[str, Decimal | int | str | Money],
    *,
    a: Decimal | str = Decimal("0.80"),
    b: Decimal | str = Decimal("0.95"),
) -> AbcResult:
    """ABC classes of ``values`` (key -> revenue or margin), thresholds as fractions.

    Ties are ranked by key, so the result does not depend on the mapping's order.
    """
    low, high = _thresholds(a, b, "ABC")
    codes = sorted({v.currency.code for v in values.values() if isinstance(v, Money)})
    if len(codes) > 1:
        raise CrmError(
            f"ABC values are money in {', '.join(codes)}: convert them to one currency first",
            currencies=codes,
        )
    if high > 1:
        raise CrmError(f"the B threshold {high} is above 1 (100 %): give a fraction up to 1")
    items = sorted(((str(k), _number(v, f"the value of {k!r}")) for k, v in values.items()),
                   key=lambda kv: (kv[1].copy_negate(), kv[0]))  # fmt: skip
    total = Decimal(0)
    for _, value in items:
        if value > 0:
            total = EXACT.add(total, value)
    a_limit, b_limit = EXACT.multiply(low, total), EXACT.multiply(high, total)
    rows = []
    cumulative = Decimal(0)
    for key, value in items:
        if value > 0:
            cumulative = EXACT.add(cumulative, value)
            cls = "A" if cumulative <= a_limit else "B" if cumulative <= b_limit else "C"
        else:
            cls = "C"
        rows.append(AbcRow(key, value, _ratio(max(value, Decimal(0)), total),
                           _ratio(cumulative, total), cls))  # fmt: skip
    return AbcResult(tuple(rows), low, high, total)


@attrs.frozen
class XyzRow:
    """One item of an XYZ analysis."""

    key: str
    months: int
    mean: Decimal
    """Mean monthly sales, to four places."""
    cv: Decimal | None
    """Coefficient of variation to four places; None when the mean is not above zero."""
    cls: str
    """"X", "Y" or "Z"."""


@attrs.frozen
class XyzResult:
    """An XYZ analysis [XYZ-анализ]."""

    rows: tuple[XyzRow, ...]
    x: Decimal
    y: Decimal

    def of(self, cls: str) -> tuple[str, ...]:
        """The keys of class ``cls``."""
        return tuple(r.key for r in self.rows if r.cls == cls)

    def to_records(self) -> list[Record]:
        """One row per item."""
        return [
            {"key": r.key, "months": r.months, "mean": r.mean, "cv": r.cv, "class": r.cls}
            for r in self.rows
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"XYZ (X ≤ {self.x}, Y ≤ {self.y})")


def xyz(
    monthly: Mapping[str, Sequence[Decimal | int | str]],
    *,
    x: Decimal | str = Decimal("0.10"),
    y: Decimal | str = Decimal("0.25"),
) -> XyzResult:
    """XYZ classes from each key's monthly sales (give a zero for a month without sales).

    Rows are in key order.
    """
    low, high = _thresholds(x, y, "XYZ")
    low2, high2 = EXACT.multiply(low, low), EXACT.multiply(high, high)
    rows = []
    for key in sorted(monthly):
        series = [_number(v, f"a monthly sale of {key!r}") for v in monthly[key]]
        n = len(series)
        if not n:
            raise CrmError(f"{key!r} has no month of sales: give at least one month")
        s1 = s2 = Decimal(0)
        for v in series:
            s1 = EXACT.add(s1, v)
            s2 = EXACT.add(s2, EXACT.multiply(v, v))
        mean = CTX.divide(s1, Decimal(n)).quantize(_FOUR, "ROUND_HALF_UP", CTX)
        if s1 <= 0:
            rows.append(XyzRow(key, n, mean, None, "Z"))
            continue
        # cv² = (n·Σv² − (Σv)²) / (Σv)², exact; the class compares without a root
        spread = EXACT.subtract(EXACT.multiply(Decimal(n), s2), EXACT.multiply(s1, s1))
        square = EXACT.multiply(s1, s1)
        cls = (
            "X"
            if spread <= EXACT.multiply(low2, square)
            else "Y"
            if spread <= EXACT.multiply(high2, square)
            else "Z"
        )
        cv = CTX.sqrt(CTX.divide(spread, square))
        rows.append(XyzRow(key, n, mean, cv.quantize(_FOUR, "ROUND_HALF_UP", CTX), cls))
    return XyzResult(tuple(rows), low, high)


@attrs.frozen
class AbcXyzCell:
    """One cell of the ABC/XYZ table: the items in ABC class ``abc`` and XYZ class ``xyz``,
    in ABC rank order."""

    abc: str
    xyz: str
    keys: tuple[str, ...]


@attrs.frozen
class AbcXyzTable:
    """The ABC/XYZ table [ABC/XYZ-анализ]: nine cells, AX first, CZ last (row by row).

    Attributes:
        cells: the nine cells, rows A, B, C and columns X, Y, Z.
        unmatched: keys in only one of the two analyses, sorted.
    """

    cells: tuple[AbcXyzCell, ...]
    unmatched: tuple[str, ...]

    def cell(self, abc: str, xyz: str) -> AbcXyzCell:
        """The cell of ``abc`` (A, B, C) and ``xyz`` (X, Y, Z)."""
        for c in self.cells:
            if c.abc == abc and c.xyz == xyz:
                return c
        raise CrmError(
            f"the ABC/XYZ table has no cell {abc}{xyz}: classes are A, B, C and X, Y, Z",
            abc=abc,
            xyz=xyz,
        )

    def to_records(self) -> list[Record]:
        """One row per cell: classes, number of items and the items."""
        return [
            {"abc": c.abc, "xyz": c.xyz, "items": len(c.keys), "keys": ", ".join(c.keys)}
            for c in self.cells
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="ABC/XYZ table")


def abc_xyz(abc_result: AbcResult, xyz_result: XyzResult) -> AbcXyzTable:
    """The ABC/XYZ table of the items present in both analyses; items in only one of them
    are listed in ``unmatched`` (analyse the same set of items to have none)."""
    xyz_of = {r.key: r.cls for r in xyz_result.rows}
    abc_keys = {r.key for r in abc_result.rows}
    cells: dict[tuple[str, str], list[str]] = {(a, x): [] for a in "ABC" for x in "XYZ"}
    for row in abc_result.rows:
        if row.key in xyz_of:
            cells[row.cls, xyz_of[row.key]].append(row.key)
    unmatched = sorted(abc_keys.symmetric_difference(xyz_of))
    return AbcXyzTable(
        tuple(AbcXyzCell(a, x, tuple(keys)) for (a, x), keys in cells.items()), tuple(unmatched)
    )


def monthly_series(
    lines: Iterable[tuple[str, date, Decimal | Money]], first: date, months: int
) -> dict[str, list[Decimal]]:
    """Sales lines ``(key, day, amount)`` summed per key and month, ``months`` months from
    the month of ``first``; months without sales are zeros, lines outside are skipped."""
    if months < 1:
        raise CrmError(f"give at least one month, not {months}")
    base = first.year * 12 + first.month - 1
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * months)
    for key, day, amount in lines:
        slot = day.year * 12 + day.month - 1 - base
        if 0 <= slot < months:
            row = sums[key]
            row[slot] = EXACT.add(row[slot], amount.amount if isinstance(amount, Money) else amount)
    return dict(sums)


class BcgQuadrant(enum.Enum):
    """The four places of the BCG matrix."""

    STAR = "star"
    """High growth, high relative share [звезда]."""
    QUESTION_MARK = "question_mark"
    """High growth, low relative share [трудный ребенок]."""
    CASH_COW = "cash_cow"
    """Low growth, high relative share [дойная корова]."""
    DOG = "dog"
    """Low growth, low relative share [собака]."""


def _sales(value: Decimal | int | str | Money) -> Decimal:
    return _number(value, "a BCG item's sales")


def _optional_sales(value: Decimal | int | str | Money | None) -> Decimal | None:
    return None if value is None else _number(value, "a competitor's sales")


@attrs.frozen
class BcgItem:
    """An item's sales for the BCG matrix.

    Attributes:
        key: the product or client.
        sales: this period's sales.
        previous: the previous period's sales.
        competitor: the largest competitor's sales in the same market, when registered.
    """

    key: str
    sales: Decimal = attrs.field(converter=_sales)
    previous: Decimal = attrs.field(converter=_sales)
    competitor: Decimal | None = attrs.field(default=None, converter=_optional_sales)


@attrs.frozen
class BcgRow:
    """An item placed on the BCG matrix."""

    key: str
    growth: Decimal | None
    """(sales − previous) ÷ previous to four places; None when there were no previous sales."""
    share: Decimal | None
    """Sales ÷ the leader's to four places; None when the leader sold nothing."""
    quadrant: BcgQuadrant
    sales: Decimal


@attrs.frozen
class BcgResult:
    """The BCG matrix [матрица БКГ]."""

    rows: tuple[BcgRow, ...]
    growth_threshold: Decimal
    share_threshold: Decimal

    def to_records(self) -> list[Record]:
        """One row per item."""
        return [
            {"key": r.key, "sales": r.sales, "growth": r.growth, "share": r.share,
             "quadrant": r.quadrant.value}
            for r in self.rows
        ]  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="BCG matrix")


def bcg(
    items: Sequence[BcgItem],
    *,
    growth_threshold: Decimal | str = Decimal("0.10"),
    share_threshold: Decimal | str = Decimal(1),
) -> BcgResult:
    """The BCG quadrant of each item (high growth: at least ``growth_threshold``; high share:
    at least ``share_threshold``; both boundaries inclusive)."""
    growth_at = _number(growth_threshold, "the growth threshold")
    share_at = _number(share_threshold, "the share threshold")
    if share_at <= 0:
        raise CrmError(f"the share threshold must be above zero, got {share_at}")
    keys = [i.key for i in items]
    for key in keys:
        if keys.count(key) > 1:
            raise CrmError(f"item {key!r} is given twice: give each item once")
    rows = []
    for item in items:
        if item.competitor is not None:
            leader = item.competitor
        else:
            others = [i.sales for i in items if i is not item]
            leader = max(others) if others else Decimal(0)
        high_share = item.sales >= EXACT.multiply(share_at, leader)
        rise = EXACT.subtract(item.sales, item.previous)
        if item.previous > 0:
            high_growth = rise >= EXACT.multiply(growth_at, item.previous)
            growth = _ratio(rise, item.previous)
        else:
            high_growth, growth = item.sales > 0, None
        quadrant = (
            (BcgQuadrant.STAR if high_share else BcgQuadrant.QUESTION_MARK)
            if high_growth
            else (BcgQuadrant.CASH_COW if high_share else BcgQuadrant.DOG)
        )
        share = _ratio(item.sales, leader) if leader > 0 else None
        rows.append(BcgRow(item.key, growth, share, quadrant, item.sales))
    return BcgResult(tuple(rows), growth_at, share_at)
