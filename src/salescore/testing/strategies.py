"""Hypothesis strategies for plugin authors and applications: money, quantities, dates, sales.

Property tests of a discount condition or a report need values that salescore
accepts: money with whole minor units, quantities with their unit's decimals,
dates in a sensible range, and the sale a condition looks at
(:class:`~salescore.discounts.ConditionContext`: the sale context, the
document's totals and one line). These strategies build them.

`hypothesis <https://hypothesis.readthedocs.io>`_ is a development dependency
of salescore, not a run-time one: importing this module without it raises a
:class:`~salescore.errors.SalescoreError` that says what to install.

>>> from hypothesis import given, settings
>>> @settings(max_examples=20, database=None)
... @given(condition_contexts())
... def test_every_line_has_a_positive_quantity(ctx):
...     assert ctx.line is not None and ctx.line.quantity.value > 0
>>> test_every_line_has_a_positive_quantity()
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from salescore.discounts import ConditionContext, DocumentFacts, SaleContext, SaleLine
from salescore.errors import SalescoreError
from salescore.money import KG, PIECE, Currency, Money, Quantity, Unit
from salescore.parties import PartnerId, PriceGroupId, Product, ProductId, WarehouseId

try:
    from hypothesis import strategies as st
except ImportError as exc:  # hypothesis is installed with the dev extra
    raise SalescoreError(
        "salescore.testing.strategies needs hypothesis, a development dependency: "
        "pip install 'salescore[dev]' (or pip install hypothesis)"
    ) from exc

__all__ = [
    "CURRENCIES",
    "condition_contexts",
    "currencies",
    "dates",
    "money",
    "quantities",
    "sale_contexts",
    "sale_lines",
]

CURRENCIES: tuple[Currency, ...] = tuple(
    Currency.of(code) for code in ("RUB", "USD", "EUR", "JPY", "KWD")
)
"""Currencies with 2, 0 and 3 minor digits."""

currencies = st.sampled_from(CURRENCIES)
"""One of :data:`CURRENCIES`."""

_FIRST, _LAST = date(2000, 1, 1), date(2099, 12, 31)


def money(
    currency: Currency | str | None = None,
    *,
    min_units: int = 0,
    max_units: int = 10**12,
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any of :data:`CURRENCIES` when None), a whole number of
    minor units between ``min_units`` and ``max_units`` (non-negative by default)."""
    fixed = Currency.of(currency) if isinstance(currency, str) else currency
    pick = st.just(fixed) if fixed is not None else currencies
    return st.builds(Money.from_minor, st.integers(min_units, max_units), pick)


def quantities(
    unit: Unit | None = None, *, max_value: int = 10_000, allow_zero: bool = False
) -> st.SearchStrategy[Quantity]:
    """A positive quantity of ``unit`` (pieces or kilograms when None), with the
    unit's decimals, at most ``max_value`` (zero too if ``allow_zero``)."""
    units = st.just(unit) if unit is not None else st.sampled_from([PIECE, KG])

    @st.composite
    def build(draw: st.DrawFn) -> Quantity:
        chosen = draw(units)
        low = 0 if allow_zero else 1
        steps = draw(st.integers(low, max_value * 10**chosen.scale))
        return Quantity(Decimal(f"{steps}E-{chosen.scale}"), chosen)  # exact: no context

    return build()


def dates(first: date = _FIRST, last: date = _LAST) -> st.SearchStrategy[date]:
    """A date from ``first`` to ``last`` (2000 to 2099 by default)."""
    return st.dates(min_value=first, max_value=last)


def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 99).map(lambda n: f"{prefix}-{n}")


def sale_lines(
    currency: Currency | str = "RUB", line_id: str | None = None
) -> st.SearchStrategy[SaleLine]:
    """A sale line: a product (maybe in a price group and segments), a quantity and a price."""
    return _sale_line(currency, line_id)


@st.composite
def _sale_line(draw: st.DrawFn, currency: Currency | str, line_id: str | None) -> SaleLine:
    unit = draw(st.sampled_from([PIECE, KG]))
    group = draw(st.none() | _ids("GROUP"))
    product = Product(
        ProductId(draw(_ids("P"))),
        "Product",
        unit=unit,
        price_group_id=PriceGroupId(group) if group else None,
    )
    return SaleLine(
        line_id or draw(_ids("L")),
        product,
        draw(quantities(unit, max_value=1_000)),
        draw(money(currency, min_units=1, max_units=10**8)),
        draw(st.frozensets(_ids("SEG"), max_size=3)),
    )


def sale_contexts(first: date = _FIRST, last: date = _LAST) -> st.SearchStrategy[SaleContext]:
    """The sale a discount looks at: a moment, a client, a card, a warehouse, a payment form."""
    return _sale_context(first, last)


@st.composite
def _sale_context(draw: st.DrawFn, first: date, last: date) -> SaleContext:
    day = draw(dates(first, last))
    return SaleContext(
        moment=datetime.combine(day, time(draw(st.integers(0, 23))), tzinfo=UTC),
        partner_id=draw(st.none() | _ids("PARTNER").map(PartnerId)),
        client_segment_ids=draw(st.frozensets(_ids("SEG"), max_size=3)),
        card_kind=draw(st.none() | st.sampled_from(["GOLD", "SILVER"])),
        warehouse_id=draw(st.none() | st.sampled_from([WarehouseId("MAIN"), WarehouseId("SHOP")])),
        payment_form=draw(st.none() | st.sampled_from(["cash", "noncash", "card"])),
    )


def condition_contexts(
    currency: Currency | str = "RUB", max_lines: int = 5
) -> st.SearchStrategy[ConditionContext]:
    """What a condition's ``is_satisfied`` receives: a sale, its document and one of its lines."""
    return _condition_context(currency, max_lines)


@st.composite
def _condition_context(
    draw: st.DrawFn, currency: Currency | str, max_lines: int
) -> ConditionContext:
    count = draw(st.integers(1, max_lines))
    lines = [draw(sale_lines(currency, line_id=str(n + 1))) for n in range(count)]
    document = DocumentFacts.of(lines)
    return ConditionContext(draw(sale_contexts()), document, draw(st.sampled_from(lines)))
