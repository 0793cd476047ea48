"""Discount definitions refused or described, one rule at a time (fast examples)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    LimitId,
    ManualDiscountLimit,
    Mode,
)
from salescore.errors import DiscountError, InvalidAmountError
from salescore.parties import PriceGroupId, ProductId

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


def test_a_limit_accepts_percents_from_zero_to_a_hundred_inclusive() -> None:
    # 0 % (no manual discount at all) and 100 % are both limits a manager may be given.
    none = ManualDiscountLimit(
        LimitId("L0"), 0, user="petrov", price_group_percents={"TV": "0.5", "PC": 0}
    )
    assert none.percent_for(PriceGroupId("PC")) == Decimal(0)
    assert none.percent_for(PriceGroupId("TV")) == Decimal("0.5")
    full = ManualDiscountLimit(LimitId("L1"), 100, user="petrov", price_group_percents={"TV": 100})
    assert full.percent_for(PriceGroupId("TV")) == Decimal(100)
    for above in ("100.5", "-0.5"):
        with pytest.raises(DiscountError, match=f"a percent must be in 0..100, got {above}"):
            ManualDiscountLimit(LimitId("L2"), 5, user="petrov", price_group_percents={"TV": above})


def test_a_markup_limit_of_zero_or_a_fraction_is_accepted_and_a_negative_one_refused() -> None:
    zero = ManualDiscountLimit(
        LimitId("L0"), 5, user="petrov", markup_percent=0, markup_price_group_percents={"TV": "0.5"}
    )
    assert zero.markup_percent_for(None) == Decimal(0)
    assert zero.markup_percent_for(PriceGroupId("TV")) == Decimal("0.5")
    with pytest.raises(DiscountError, match="a markup limit cannot be negative, got -1"):
        ManualDiscountLimit(LimitId("L1"), 5, user="petrov", markup_percent=-1)


def test_a_limit_per_price_group_falls_back_to_the_limits_own_percent() -> None:
    limit = ManualDiscountLimit(
        LimitId("L1"),
        7,
        user="petrov",
        price_group_percents={"TV": 3},
        markup_percent=4,
        markup_price_group_percents={"TV": 2},
    )
    # A line of another price group (PC) gets the limit's own figures: 7 % and 4 %.
    assert limit.percent_for(PriceGroupId("PC")) == Decimal(7)
    assert limit.markup_percent_for(PriceGroupId("PC")) == Decimal(4)
    assert limit.percent_for(PriceGroupId("TV")) == Decimal(3)
    assert limit.markup_percent_for(PriceGroupId("TV")) == Decimal(2)


def test_a_markup_limit_that_is_not_a_number_is_refused_naming_the_value() -> None:
    with pytest.raises(InvalidAmountError, match=r"^value 'ten' is not a decimal number"):
        ManualDiscountLimit(LimitId("L1"), 5, user="petrov", markup_percent="ten")


def test_a_condition_reads_as_its_name_and_parameters_separated_by_commas() -> None:
    leaf = ConditionExpr.leaf("document_amount", min="100", max="200")
    assert str(leaf) == "document_amount(min='100', max='200')"


def test_condition_parameters_are_kept_as_the_plain_data_a_rule_file_holds() -> None:
    leaf = ConditionExpr.leaf(
        "custom",
        count=3,
        flag=True,
        nothing=None,
        store="MAIN",
        amount=Decimal("12.50"),
        since=date(2026, 3, 1),
        per_group={"TV": Decimal("5"), "PC": 7},
        codes={"B", "A"},
        steps=(1, Decimal("2.5")),
    )
    assert leaf.params == {
        "count": 3,
        "flag": True,
        "nothing": None,
        "store": "MAIN",
        "amount": "12.50",
        "since": "2026-03-01",
        "per_group": {"TV": "5", "PC": 7},
        "codes": ["A", "B"],
        "steps": [1, "2.5"],
    }
    with pytest.raises(DiscountError, match=r"parameter value 0\.5 is a float"):
        ConditionExpr.leaf("custom", share=0.5)


def test_a_set_parameter_may_mix_decimals_and_whole_numbers() -> None:
    # A set of quantities written as {Decimal("1.5"), 2} is stored as ["1.5", 2]: a text and a
    # number, kept in the order of their reprs ("'1.5'" before "2"), which compare although the
    # values themselves do not; the same set in another order is stored the same.
    leaf = ConditionExpr.leaf("custom", sizes={Decimal("1.5"), 2})
    assert leaf.params == {"sizes": ["1.5", 2]}
    assert ConditionExpr.leaf("custom", sizes=frozenset((2, Decimal("1.5")))) == leaf


def test_the_same_set_written_in_another_order_gives_the_same_condition() -> None:
    # {1, 9} and {9, 1} are equal sets that Python iterates in the order they were written.
    first = ConditionExpr.leaf("custom", sizes={1, 9})
    assert first == ConditionExpr.leaf("custom", sizes={9, 1})
    assert first.params == {"sizes": [1, 9]}


def test_a_parameter_of_another_type_is_kept_as_its_text() -> None:
    customer = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    leaf = ConditionExpr.leaf("custom", customer=customer)
    assert leaf.params == {"customer": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}


def test_gifts_and_free_units_need_positive_quantities_and_percents_stop_at_a_hundred() -> None:
    def gift(buy: int, quantity: int) -> Discount:
        return Discount(
            DiscountId("G"),
            "Gift",
            DiscountKind.GIFT,
            gift_product_id=ProductId("CUP"),
            buy_quantity=buy,
            gift_quantity=quantity,
        )

    assert gift(1, 1).describe() == "gift of 1 x CUP for every 1 bought"
    for buy, quantity in ((0, 1), (1, 0)):
        with pytest.raises(DiscountError, match="a gift needs buy_quantity > 0"):
            gift(buy, quantity)
    one_free = Discount(
        DiscountId("F"), "Free", DiscountKind.FREE_UNITS, buy_quantity=1, free_quantity=1
    )
    assert one_free.describe() == "buy 1, get 1 free"
    with pytest.raises(DiscountError, match="free units need buy_quantity > 0"):
        Discount(DiscountId("F"), "Free", DiscountKind.FREE_UNITS, buy_quantity=0, free_quantity=1)
    with pytest.raises(DiscountError, match=r"a percent must be in 0\.\.100, got 100\.5"):
        Discount(DiscountId("P"), "Percent", value="100.5")


def test_a_value_that_is_not_a_number_is_refused_naming_the_value() -> None:
    with pytest.raises(InvalidAmountError, match=r"^value 'five' is not a decimal number"):
        Discount(DiscountId("P"), "Percent", value="five")
    with pytest.raises(InvalidAmountError, match=r"^value 'six' is not a decimal number"):
        Discount(DiscountId("P"), "Percent", price_group_values={"TV": "six"})


def test_a_tree_without_exactly_one_root_group_names_the_roots_it_found() -> None:
    a, b = make_percent("A", 5), make_percent("B", 2)
    two = DiscountRuleSet(
        [a, b],
        [
            DiscountGroup(GroupId("R1"), "First", Combination.ADD, ["A"]),
            DiscountGroup(GroupId("R2"), "Second", Combination.ADD, ["B"]),
        ],
    )
    with pytest.raises(DiscountError) as caught:
        _ = two.root
    assert str(caught.value) == "the discount tree needs exactly one root group; found R1, R2"
    cycle = DiscountRuleSet(
        [a],
        [
            DiscountGroup(GroupId("G1"), "One", Combination.ADD, ["G2", "A"]),
            DiscountGroup(GroupId("G2"), "Two", Combination.ADD, ["G1"]),
        ],
    )
    with pytest.raises(DiscountError) as caught:
        _ = cycle.root
    assert str(caught.value) == (
        "the discount tree needs exactly one root group; "
        "found none (every group is a child: a cycle)"
    )
    assert make_tree(Combination.ADD, a).root.id == "ROOT"
