"""Discount definitions refused or described, one rule at a time (fast examples)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountId,
    DiscountKind,
    Mode,
)
from salescore.errors import DiscountError
from salescore.parties import PriceGroupId

from .conftest import make_percent, make_tree


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ("cond", "a condition needs a name"),
        ("not", "'not' takes exactly one condition"),
        ("all", "'all' needs at least one condition"),
        ("any", "'any' needs at least one condition"),
    ],
)
def test_a_condition_without_a_name_or_children_is_refused(op: str, message: str) -> None:
    with pytest.raises(DiscountError, match=message):
        ConditionExpr(op, "", {}, ())


def test_not_of_two_conditions_is_refused_and_of_one_accepted() -> None:
    leaf = ConditionExpr.leaf("warehouse", warehouses=["MAIN"])
    with pytest.raises(DiscountError, match="'not' takes exactly one condition"):
        ConditionExpr("not", "", {}, (leaf, leaf))
    assert ConditionExpr.negate(leaf).children == (leaf,)


def test_a_rule_set_finds_a_discount_by_id() -> None:
    rules = make_tree(Combination.ADD, make_percent("A", 5), make_percent("B", 7))
    assert rules.discount("B").value == 7
    with pytest.raises(DiscountError, match="no discount 'C' in the rule set"):
        rules.discount("C")


def test_a_value_per_price_group_falls_back_to_the_rules_value() -> None:
    rule = make_percent("A", 5, price_group_values={PriceGroupId("PG"): Decimal(8)})
    assert rule.value_for(PriceGroupId("PG")) == 8
    assert rule.value_for(PriceGroupId("OTHER")) == 5
    assert rule.value_for(None) == 5


def test_a_manual_amount_discount_without_a_value_is_described_as_typed_by_the_manager() -> None:
    manual = Discount(DiscountId("M"), "Manager", DiscountKind.AMOUNT, mode=Mode.MANUAL)
    assert manual.describe() == "manual amount discount, typed by the manager"
