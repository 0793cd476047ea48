"""A price type's rounding, worked by hand: a step rounds to its value however it is
written, in the direction the rule names, and a price keeps the currency's decimals."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest

from salescore.money import Money, Rounding
from salescore.parties import Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot
from salescore.pricing.price_types import RoundingRule

ON = date(2026, 3, 2)
BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
CUP = Product(ProductId("CUP"), "Cup")


def priced(rule: RoundingRule, base: str) -> str:
    """The price of CUP under ``[Base]`` rounded by ``rule``, as its amount is written."""
    rounded = PriceType(PriceTypeId("R"), "Rounded", "RUB", formula="[Base]", rounding=rule)
    snapshot = PricingSnapshot.build(
        [BASE, rounded],
        ON,
        products=[CUP],
        records=[PriceRecord(BASE.id, CUP.id, date(2026, 1, 1), Money(base, "RUB"))],
    )
    bulk = snapshot.amounts(rounded.id)[CUP.id]
    assert str(snapshot.price(CUP.id, rounded.id).amount.amount) == str(bulk)
    return str(bulk)


@pytest.mark.parametrize(
    ("step", "ending", "rounded"),
    [
        ("0.10", None, "1234.20"),  # up to a multiple of 0.10, not of 0.01 (1234.13)
        ("0.1", None, "1234.20"),
        ("1.0", None, "1235.00"),  # up to a whole rouble, not to 1234.20
        ("1.00", "0.90", "1234.90"),  # the smallest N.90 not below 1234.12
        ("0.10", "0.09", "1234.19"),  # the smallest N.N9 not below 1234.12
    ],
)
def test_a_step_written_with_trailing_zeros_rounds_to_its_value(
    step: str, ending: str | None, rounded: str
) -> None:
    end = None if ending is None else Decimal(ending)
    rule = RoundingRule(Decimal(step), Rounding.CEILING, end)
    assert priced(rule, "1234.12") == rounded
    assert rule.apply(Decimal("1234.12")) == Decimal(rounded)


@pytest.mark.parametrize(
    ("direction", "rounded"),
    [
        (Rounding.CEILING, "1235.00"),
        (Rounding.FLOOR, "1234.00"),
        (Rounding.HALF_UP, "1235.00"),
        (Rounding.HALF_EVEN, "1234.00"),
        (Rounding.HALF_DOWN, "1234.00"),
    ],
)
def test_a_whole_rouble_step_rounds_in_the_rules_direction_and_keeps_kopecks(
    direction: Rounding, rounded: str
) -> None:
    # 1234.50 is half-way: up, half up -> 1235; down, half to even, half down -> 1234.
    assert priced(RoundingRule(Decimal(1), direction), "1234.50") == rounded


def test_a_step_of_the_currencys_minor_unit_keeps_the_price_as_registered() -> None:
    assert priced(RoundingRule(Decimal("0.01"), Rounding.CEILING), "1234.12") == "1234.12"


@pytest.mark.parametrize(
    ("step", "power"),
    [
        ("1", True),
        ("1.0", True),
        ("0.1", True),
        ("0.10", True),
        ("0.01", True),
        ("2", False),
        ("0.2", False),
        ("0.5", False),
        ("10", False),
        ("0.25", False),
        ("0.1000001", False),
    ],
)
def test_only_steps_of_one_and_its_tenths_are_powers_of_ten(step: str, power: bool) -> None:
    rule = RoundingRule(Decimal(step))
    assert rule.is_power_of_ten() is power
    # The answer does not depend on the caller's decimal context.
    with decimal.localcontext(decimal.Context(prec=3)):
        assert rule.is_power_of_ten() is power
