"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st

from salescore.money import Currency, Money

CURRENCIES = [Currency.of(code) for code in ("RUB", "USD", "EUR", "JPY", "KWD")]

currencies = st.sampled_from(CURRENCIES)


@st.composite
def money(
    draw: st.DrawFn,
    currency: Currency | None = None,
    min_units: int = -(10**12),
    max_units: int = 10**12,
) -> Money:
    """Money in any (or the given) currency, as a whole number of minor units."""
    cur = currency if currency is not None else draw(currencies)
    return Money.from_minor(draw(st.integers(min_units, max_units)), cur)


weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
).filter(lambda ws: any(w > 0 for w in ws))

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))

holiday_sets = st.frozensets(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), max_size=60
)


def day_range(start: date, days: int) -> list[date]:
    """``days`` consecutive dates from ``start``."""
    return [start + timedelta(days=i) for i in range(days)]


decimal_factors = st.decimals(
    min_value=Decimal("-1000"), max_value=Decimal("1000"), places=4, allow_nan=False
)


# --- hostile caller contexts ---------------------------------------------------------

T = TypeVar("T")

ROUNDING_MODES = (
    decimal.ROUND_05UP,
    decimal.ROUND_CEILING,
    decimal.ROUND_DOWN,
    decimal.ROUND_FLOOR,
    decimal.ROUND_HALF_DOWN,
    decimal.ROUND_HALF_EVEN,
    decimal.ROUND_HALF_UP,
    decimal.ROUND_UP,
)
SIGNALS = (
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
    decimal.FloatOperation,
)


@st.composite
def hostile_contexts(draw: st.DrawFn) -> decimal.Context:
    """A decimal context a caller might have set: low precision (1..10), any rounding,
    any traps set or cleared, flags already raised, sometimes a tiny exponent range."""
    small_range = draw(st.booleans())
    return decimal.Context(
        prec=draw(st.integers(1, 10)),
        rounding=draw(st.sampled_from(ROUNDING_MODES)),
        Emax=draw(st.integers(1, 12)) if small_range else decimal.MAX_EMAX,
        Emin=-draw(st.integers(1, 12)) if small_range else decimal.MIN_EMIN,
        capitals=draw(st.sampled_from([0, 1])),
        clamp=draw(st.sampled_from([0, 1])),
        traps=draw(st.lists(st.sampled_from(SIGNALS), unique=True)),
        flags=draw(st.lists(st.sampled_from(SIGNALS), unique=True)),
    )


context_setters = st.sampled_from(["localcontext", "setcontext"])
"""How a caller installs its context: ``decimal.localcontext`` or ``decimal.setcontext``."""


def run_in_context(context: decimal.Context, setter: str, function: Callable[[], T]) -> T:
    """``function()`` with ``context`` as the thread's current decimal context.

    ``setter`` is ``"localcontext"`` (a ``with`` block) or ``"setcontext"``
    (replaced by hand and put back afterwards, as a careless caller would).
    """
    if setter == "localcontext":
        with decimal.localcontext(context):
            return function()
    saved = decimal.getcontext()
    decimal.setcontext(context)
    try:
        return function()
    finally:
        decimal.setcontext(saved)


def outcome(function: Callable[[], T]) -> tuple[str, object]:
    """``("ok", result)`` or ``("error", type(error), str(error))`` of ``function()``:
    so that a result and a refusal can be compared across contexts alike."""
    try:
        return ("ok", function())
    except Exception as error:
        return ("error", (type(error).__name__, str(error)))
