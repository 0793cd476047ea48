"""An order's line progress is exact whatever decimal context the caller has set."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salescore.orders import LineId
from salescore.orders.state import LineProgress

_quantities = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False)


@given(_quantities, _quantities, _quantities, st.integers(min_value=1, max_value=6))
def test_remaining_and_missing_are_exact_under_a_low_precision_caller(
    ordered: Decimal, shipped: Decimal, reserved: Decimal, precision: int
) -> None:
    line = LineProgress(LineId("1"), ordered, reserved, shipped, needs_securing=True)
    remaining = max(ordered - shipped, Decimal(0))  # default context: exact at these sizes
    missing = max(remaining - reserved, Decimal(0))
    with decimal.localcontext(decimal.Context(prec=precision, rounding=decimal.ROUND_FLOOR)):
        assert (line.remaining, line.missing) == (remaining, missing)


def test_a_hand_computed_line_keeps_its_grams() -> None:
    line = LineProgress(
        LineId("1"), Decimal("12345.678"), Decimal("0.001"), Decimal("2"), needs_securing=True
    )
    with decimal.localcontext(decimal.Context(prec=4)):
        assert line.remaining == Decimal("12343.678")
        assert line.missing == Decimal("12343.677")
