"""VAT rates [ставки НДС] as effective-dated data, and VAT amounts of a line.

A product or an agreement names a :class:`VatCategory` (general, reduced, zero,
exempt, the simplified-system 5 % and 7 %); a :class:`VatRateTable` turns it into
the :class:`VatRate` in force on a date. The Russian table ships as data
(``ru_vat.toml``), not as constants in code:

>>> from datetime import date
>>> table = russian_vat_rates()
>>> table.rate(VatCategory.GENERAL, date(2025, 12, 31)).code
'20'
>>> table.rate(VatCategory.GENERAL, date(2026, 1, 1)).code
'22'
>>> table.rate(VatCategory.GENERAL, date(2026, 1, 1)).as_calculated().code
'22/122'

The VAT of an amount that includes it is ``amount × r / (100 + r)``, of an
amount without it ``amount × r / 100``, rounded half up to the currency's minor
units (once per line, after discounts):

>>> from salescore.money import Currency, Money, total
>>> rate = VatRate.parse("20")
>>> split = rate.split(Money("2400.00", "RUB"), included=True)
>>> split.without_vat, split.vat, split.with_vat
(Money('2000.00', 'RUB'), Money('400.00', 'RUB'), Money('2400.00', 'RUB'))
>>> VatRate.parse("22").split(Money("1000.00", "RUB"), included=False).with_vat
Money('1220.00', 'RUB')
>>> VatRate.parse("none").vat_of(Money("99.99", "RUB"), included=True)
Money('0.00', 'RUB')
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import attrs

from salescore.errors import TaxError
from salescore.money import Currency, Money, total
from salescore.money._context import CTX, decimal_context

__all__ = [
    "VatCategory",
    "VatLineFigures",
    "VatPeriod",
    "VatRate",
    "VatRateTable",
    "VatSplit",
    "VatTotals",
    "load_vat_rates",
    "russian_vat_rates",
]

_HUNDRED = Decimal(100)


class VatCategory(enum.Enum):
    """What a product or an agreement names; the table gives its rate on a date."""

    GENERAL = "general"
    """The general rate: 20 % until 2025-12-31, 22 % from 2026-01-01 in Russia."""
    REDUCED = "reduced"
    """The reduced rate (10 %: some foods, children's goods, medicines)."""
    ZERO = "zero"
    """0 % (export and the like)."""
    EXEMPT = "exempt"
    """Sold without VAT [без НДС]."""
    SIMPLIFIED_5 = "simplified_5"
    """5 % of a payer on the simplified tax system [УСН]."""
    SIMPLIFIED_7 = "simplified_7"
    """7 % of a payer on the simplified tax system [УСН]."""


def _percent(value: object) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < _HUNDRED:
        raise TaxError(
            f"a VAT percent must be a Decimal in 0..99, got {value!r}: write it as Decimal('22')",
            value=value,
        )
    ctx = decimal_context()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=ctx)
    return value.normalize(ctx)


def _calculated_base(percent: Decimal) -> str:
    """The denominator of a calculated rate (``122`` of 22/122), whatever the caller's context."""
    return str(CTX.add(_HUNDRED, percent))


@attrs.frozen
class VatSplit:
    """An amount split into its part without VAT, the VAT and the total with VAT."""

    without_vat: Money
    vat: Money
    with_vat: Money


@attrs.frozen
class VatRate:
    """One VAT rate: a percent (``None`` for "without VAT") and whether it is calculated.

    A *calculated* rate [расчетная ставка] such as 22/122 is the rate applied to an
    amount that already includes VAT (advances, agent sales); its VAT is the same
    ``r / (100 + r)`` share, and it is a distinct value on fiscal receipts and invoices.

    Attributes:
        percent: the rate in percent, ``None`` for an exempt sale.
        calculated: True for r/(100+r) rates.
    """

    percent: Decimal | None = attrs.field(converter=_percent)
    calculated: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.calculated and not self.percent:
            raise TaxError(
                f"a calculated VAT rate needs a positive percent, got {self.percent}",
                value=self.percent,
            )

    @classmethod
    def parse(cls, text: str) -> VatRate:
        """A rate from its code: ``"22"``, ``"22/122"``, ``"0"`` or ``"none"``.

        >>> VatRate.parse("10/110")
        VatRate(percent=Decimal('10'), calculated=True)
        """
        raw = str(text).strip().lower().removesuffix("%").strip()
        if raw in ("none", "without", "без ндс", "exempt"):
            return cls(None)
        head, sep, tail = raw.partition("/")
        try:
            percent = Decimal(head)
        except decimal.InvalidOperation:
            percent = None
        if (
            percent is None
            or not percent.is_finite()
            or (sep and (not 0 <= percent < _HUNDRED or tail != _calculated_base(percent)))
        ):
            raise TaxError(
                f"unknown VAT rate {text!r}: write a percent such as '22', a calculated "
                "rate such as '22/122', or 'none'",
                value=text,
            )
        return cls(percent, calculated=bool(sep))

    @property
    def code(self) -> str:
        """``"22"``, ``"22/122"``, ``"0"`` or ``"none"``."""
        if self.percent is None:
            return "none"
        text = format(self.percent, "f")
        return f"{text}/{_calculated_base(self.percent)}" if self.calculated else text

    @property
    def label(self) -> str:
        """How a printed form shows it: ``"22%"``, ``"22/122"``, ``"без НДС"``."""
        if self.percent is None:
            return "без НДС"
        return self.code if self.calculated else f"{self.code}%"

    def as_calculated(self) -> VatRate:
        """The calculated rate of this one (22 → 22/122); 0 % and none stay as they are."""
        if not self.percent:
            return self
        return VatRate(self.percent, calculated=True)

    def vat_of(self, amount: Money, *, included: bool) -> Money:
        """The VAT of ``amount``, rounded half up to minor units.

        Args:
            amount: a line's amount after discounts.
            included: True when ``amount`` includes VAT (price type "includes VAT"),
                False when VAT is charged on top of it.
        """
        if not self.percent:
            return Money.zero(amount.currency)
        if self.calculated and not included:
            raise TaxError(
                f"the calculated rate {self.code} applies to amounts that include VAT; "
                f"use the rate {format(self.percent, 'f')} for an amount without VAT",
                rate=self.code,
            )
        with decimal.localcontext(decimal_context()):
            base = self.percent + _HUNDRED if included else _HUNDRED
            vat = amount.amount * self.percent / base
        return Money.of(vat, amount.currency)

    def split(self, amount: Money, *, included: bool) -> VatSplit:
        """``amount`` as without VAT + VAT = with VAT (exact to the kopeck)."""
        vat = self.vat_of(amount, included=included)
        if included:
            return VatSplit(amount - vat, vat, amount)
        return VatSplit(amount, vat, amount + vat)

    def __str__(self) -> str:
        return self.label


class _HasVat(Protocol):
    @property
    def net(self) -> Money: ...
    @property
    def vat(self) -> Money: ...
    @property
    def vat_included(self) -> bool: ...


class VatLineFigures:
    """The VAT figures of a document line that carries ``net``, ``vat`` and
    ``vat_included``: mixed into the frozen lines of orders, shipments and returns
    so that each says the same thing the same way.

    >>> import attrs
    >>> @attrs.frozen
    ... class Line(VatLineFigures):
    ...     net: Money
    ...     vat: Money
    ...     vat_included: bool
    >>> line = Line(Money("1220.00", "RUB"), Money("220.00", "RUB"), True)
    >>> line.without_vat, line.with_vat
    (Money('1000.00', 'RUB'), Money('1220.00', 'RUB'))
    """

    __slots__ = ()

    @property
    def without_vat(self: _HasVat) -> Money:
        """The line amount without VAT."""
        return self.net - self.vat if self.vat_included else self.net

    @property
    def with_vat(self: _HasVat) -> Money:
        """The line amount with VAT: what the client pays for it."""
        return self.net if self.vat_included else self.net + self.vat


class _VatFigures(Protocol):
    @property
    def vat(self) -> Money: ...
    @property
    def without_vat(self) -> Money: ...
    @property
    def with_vat(self) -> Money: ...


class _HasVatLines(Protocol):
    @property
    def currency(self) -> Currency: ...
    @property
    def vat_lines(self) -> Sequence[_VatFigures]: ...


class VatTotals:
    """The VAT totals of a document: the sums of its ``vat_lines``, each line's VAT
    rounded once (mixed into orders, shipments and returns).

    A document using it has ``currency`` and ``vat_lines`` (lines with
    :class:`VatLineFigures`).
    """

    __slots__ = ()

    @property
    def vat(self: _HasVatLines) -> Money:
        """The VAT: the sum of the lines' VAT."""
        return total((x.vat for x in self.vat_lines), self.currency)

    @property
    def without_vat(self: _HasVatLines) -> Money:
        """The total without VAT."""
        return total((x.without_vat for x in self.vat_lines), self.currency)

    @property
    def with_vat(self: _HasVatLines) -> Money:
        """The total with VAT: what the client pays."""
        return total((x.with_vat for x in self.vat_lines), self.currency)


@attrs.frozen
class VatPeriod:
    """A category's rate from a date on (until the next period of the same category)."""

    category: VatCategory
    valid_from: dt.date
    rate: VatRate


@attrs.frozen
class VatRateTable:
    """Effective-dated VAT rates of one country.

    Attributes:
        country: ISO 3166 code of the country the rates belong to.
        periods: every category's periods, in any order.
    """

    country: str
    periods: tuple[VatPeriod, ...] = attrs.field(converter=tuple[VatPeriod, ...])
    _by_category: Mapping[VatCategory, tuple[VatPeriod, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        grouped: dict[VatCategory, list[VatPeriod]] = {}
        for period in self.periods:
            grouped.setdefault(period.category, []).append(period)
        by_category: dict[VatCategory, tuple[VatPeriod, ...]] = {}
        for category, items in grouped.items():
            items.sort(key=lambda p: p.valid_from)
            for earlier, later in itertools.pairwise(items):
                if earlier.valid_from == later.valid_from:
                    raise TaxError(
                        f"{self.country} VAT table: two rates of {category.value!r} "
                        f"from {later.valid_from}: keep one",
                        category=category.value,
                    )
            by_category[category] = tuple(items)
        object.__setattr__(self, "_by_category", by_category)

    def rate(self, category: VatCategory, on: dt.date) -> VatRate:
        """The rate of ``category`` in force on ``on`` (a shipment's or sale's date).

        Raises:
            TaxError: if the table has no rate of that category on that date.
        """
        found: VatPeriod | None = None
        for period in self._by_category.get(category, ()):
            if period.valid_from > on:
                break
            found = period
        if found is None:
            raise TaxError(
                f"{self.country} VAT table has no {category.value!r} rate on {on}: "
                "add a period that starts on or before that date",
                category=category.value,
                on=on,
            )
        return found.rate

    def categories(self) -> frozenset[VatCategory]:
        """The categories the table knows."""
        return frozenset(self._by_category)

    def changes(self) -> tuple[VatPeriod, ...]:
        """Every period in date order: when which category took which rate."""
        return tuple(sorted(self.periods, key=lambda p: (p.valid_from, p.category.value)))


def _period(row: Mapping[str, Any], where: str) -> VatPeriod:
    unknown = set(row) - {"category", "from", "percent"}
    if unknown:
        raise TaxError(f"{where}: unknown keys {sorted(unknown)}; use category, from, percent")
    try:
        category = VatCategory(row.get("category"))
    except ValueError:
        allowed = ", ".join(c.value for c in VatCategory)
        raise TaxError(
            f"{where}.category: {row.get('category')!r} is not one of {allowed}"
        ) from None
    valid_from = row.get("from")
    if not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        raise TaxError(f"{where}.from: expected a date such as 2026-01-01, got {valid_from!r}")
    percent = row.get("percent")
    if percent is None:
        return VatPeriod(category, valid_from, VatRate(None))
    if not isinstance(percent, str):
        raise TaxError(f'{where}.percent: write the percent as a string, e.g. "22"')
    return VatPeriod(category, valid_from, VatRate.parse(percent))


def load_vat_rates(source: Path | str | Mapping[str, Any]) -> VatRateTable:
    """A VAT table from a TOML file (or its parsed content) shaped like ``ru_vat.toml``.

    Raises:
        TaxError: naming the file and the entry that is wrong.
    """
    name = "VAT table"
    if isinstance(source, Mapping):
        data: Mapping[str, Any] = source
    else:
        name = str(source)
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise TaxError(f"{name}: cannot read the VAT table: {err}", path=name) from err
    country = data.get("country")
    rows = data.get("rate")
    if not isinstance(country, str) or not isinstance(rows, list):
        raise TaxError(f'{name}: expected country = "XX" and [[rate]] tables', path=name)
    return VatRateTable(
        country,
        [_period(row, f"{name}: rate[{i}]") for i, row in enumerate(_tables(rows, name))],
    )


def _tables(rows: Iterable[object], name: str) -> Iterable[Mapping[str, Any]]:
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TaxError(f"{name}: rate[{i}] must be a table")
        yield row


_RUSSIA: VatRateTable | None = None


def russian_vat_rates() -> VatRateTable:
    """The Russian VAT table shipped with salescore (``salescore/tax/ru_vat.toml``)."""
    global _RUSSIA
    if _RUSSIA is None:
        text = resources.files("salescore.tax").joinpath("ru_vat.toml").read_text("utf-8")
        _RUSSIA = load_vat_rates(tomllib.loads(text))
    return _RUSSIA
