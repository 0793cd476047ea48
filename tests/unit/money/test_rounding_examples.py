"""Rounding to a step at its edges: exact halves in every mode, the 40-digit bound, errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import InvalidAmountError
from salescore.money import Rounding, decimal_places, round_to_step

ONE = Decimal("1")


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        # An exact half: each half mode decides it its own way.
        ("2.5", Rounding.HALF_UP, "3"),
        ("2.5", Rounding.HALF_EVEN, "2"),
        ("3.5", Rounding.HALF_EVEN, "4"),
        ("2.5", Rounding.HALF_DOWN, "2"),
        ("-2.5", Rounding.HALF_DOWN, "-2"),
        ("-2.5", Rounding.HALF_EVEN, "-2"),
        # Just above and below a half: every half mode agrees.
        ("2.51", Rounding.HALF_DOWN, "3"),
        ("2.49", Rounding.HALF_UP, "2"),
    ],
)
def test_an_exact_half_of_a_step_is_rounded_by_the_mode(
    value: str, rounding: Rounding, expected: str
) -> None:
    assert round_to_step(Decimal(value), ONE, rounding) == Decimal(expected)


def test_an_exact_half_of_a_five_kopeck_step_is_rounded_by_the_mode() -> None:
    # 10.025 is half way between 10.00 and 10.05.
    value, step = Decimal("10.025"), Decimal("0.05")
    assert round_to_step(value, step, Rounding.HALF_UP) == Decimal("10.05")
    assert round_to_step(value, step, Rounding.HALF_DOWN) == Decimal("10.00")
    assert round_to_step(value, step, Rounding.HALF_EVEN) == Decimal("10.00")


def test_a_step_count_of_forty_digits_rounds_and_of_forty_one_is_refused() -> None:
    forty_digits = Decimal("9" * 40)
    assert round_to_step(forty_digits, ONE, Rounding.HALF_UP) == forty_digits
    with pytest.raises(InvalidAmountError, match="coarser step"):
        round_to_step(Decimal("1E+40"), ONE, Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match="coarser step"):
        round_to_step(Decimal("1E+38"), Decimal("0.01"), Rounding.HALF_UP)


def test_the_error_names_the_number_that_is_not_finite() -> None:
    with pytest.raises(InvalidAmountError, match=r"^value must be a finite Decimal"):
        round_to_step(Decimal("Infinity"), ONE, Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match=r"^rounding step must be a finite Decimal"):
        round_to_step(ONE, Decimal("NaN"), Rounding.HALF_UP)


@pytest.mark.parametrize(
    ("text", "places"), [("0.5", 1), ("2.5", 1), ("-7.1", 1), ("7", 0), ("70", 0), ("7.0", 0)]
)
def test_decimal_places_of_one_decimal_and_of_whole_numbers(text: str, places: int) -> None:
    assert decimal_places(Decimal(text)) == places
