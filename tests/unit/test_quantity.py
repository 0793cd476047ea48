"""Quantities keep their unit and scale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import InvalidInputError
from salescore.money import BOX, KG, PIECE, Quantity, Rounding


def test_quantities_of_one_unit_add_and_compare() -> None:
    assert Quantity("1.5", KG) + Quantity("0.25", KG) == Quantity("1.75", KG)
    assert Quantity(2, PIECE) > Quantity(1, PIECE)
    assert (Quantity(2, PIECE) - Quantity(2, PIECE)).is_zero()


def test_mixing_units_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="cannot combine kg with pcs"):
        Quantity(1, PIECE) + Quantity(1, KG)


def test_a_piece_quantity_must_be_whole_unless_rounded_explicitly() -> None:
    with pytest.raises(InvalidInputError, match="more decimals"):
        Quantity("2.5", PIECE)
    assert Quantity.of("2.5", PIECE, Rounding.DOWN) == Quantity(2, PIECE)


def test_conversion_uses_an_explicit_factor() -> None:
    assert Quantity(2, BOX).convert(PIECE, Decimal(12)) == Quantity(24, PIECE)
    assert Quantity("1.2345", KG.__class__("g", "gram", 4)).convert(
        KG, Decimal("0.001")
    ) == Quantity("0.001", KG)
