"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

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
