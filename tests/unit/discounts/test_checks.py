"""Authoring-time checks and bad input: clear errors, found before anything is sold."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    LimitId,
    ManualDiscountLimit,
    check_rule_set,
)
from salescore.errors import DiscountError, Issue, IssuesError
from salescore.parties import ProductId

from .conftest import make_context, make_group, make_line, make_percent


def _codes(rules: DiscountRuleSet, **kwargs: object) -> list[str]:
    return [issue.code for issue in check_rule_set(rules, **kwargs)]  # type: ignore[arg-type]


def _on_product(ident: str, value: int, product: str, **kwargs: object) -> Discount:
    condition = ConditionExpr.leaf("product", products=[product])
    return make_percent(ident, value, condition=condition, **kwargs)


def test_a_cycle_in_the_group_tree_is_refused_with_its_path() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5)],
        [
            make_group("ROOT", Combination.MAX, "D"),
            make_group("A", Combination.MAX, "B"),
            make_group("B", Combination.MAX, "A"),
        ],
    )
    with pytest.raises(IssuesError, match=r"cycle: A <- B <- A"):
        DiscountEngine.compile(rules)


def test_a_group_with_an_unknown_rule_is_refused_naming_the_child() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5)], [make_group("ROOT", Combination.ADD, "D", "GHOST")]
    )
    with pytest.raises(IssuesError, match=r"groups\.ROOT\.children\[1\]: 'GHOST' is neither"):
        DiscountEngine.compile(rules)


def test_two_roots_are_refused() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5)],
        [make_group("ROOT", Combination.ADD, "D"), make_group("OTHER", Combination.ADD)],
    )
    assert "root" in _codes(rules)


def test_a_rule_in_two_groups_is_refused() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5)],
        [make_group("ROOT", Combination.ADD, "D", "G"), make_group("G", Combination.ADD, "D")],
    )
    assert "two_parents" in _codes(rules)


def test_a_condition_with_missing_parameters_is_refused_naming_rule_and_parameter() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5, condition=ConditionExpr.leaf("sale_volume", per="document"))],
        [make_group("ROOT", Combination.ADD, "D")],
    )
    with pytest.raises(DiscountError, match=r"discounts\.D\.condition: .*min_amount"):
        DiscountEngine.compile(rules)
    assert _codes(rules) == ["bad_condition"]


def test_an_unknown_condition_name_is_reported_by_name() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5, condition=ConditionExpr.leaf("moon_phase", phase="full"))],
        [make_group("ROOT", Combination.ADD, "D")],
    )
    issues = check_rule_set(rules)
    assert [i.code for i in issues] == ["plugin_load"]
    assert "moon_phase" in issues[0].message


def test_a_gift_of_an_unknown_product_is_an_error() -> None:
    gift = Discount(
        DiscountId("G"),
        "Gift",
        DiscountKind.GIFT,
        gift_product_id=ProductId("NOPE"),
        buy_quantity=10,
    )
    rules = DiscountRuleSet([gift], [make_group("ROOT", Combination.MAX, "G")])
    issues = check_rule_set(rules, known_products={"CM-100"})
    assert [(i.code, i.path) for i in issues] == [
        ("unknown_product", "discounts.G.gift_product_id")
    ]


def test_a_limit_of_an_unknown_user_is_an_error() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5)],
        [make_group("ROOT", Combination.ADD, "D")],
        [ManualDiscountLimit(LimitId("L"), 5, user="nobody")],
    )
    (issue,) = check_rule_set(rules, known_users={"ivanova"})
    assert (issue.code, issue.message, issue.path) == (
        "unknown_user",
        "limit L is for user 'nobody', who does not exist",
        "limits.L.user",
    )


def test_equal_priorities_that_can_both_apply_in_a_displace_group_are_reported() -> None:
    rules = DiscountRuleSet(
        [
            _on_product("A", 5, "CM-100"),
            make_percent("B", 7, condition=ConditionExpr.leaf("warehouse", warehouses=["MAIN"])),
        ],
        [make_group("ROOT", Combination.DISPLACE, "A", "B")],
    )
    assert _codes(rules) == ["ambiguous_priority"]


def test_equal_priorities_on_disjoint_products_are_not_ambiguous() -> None:
    rules = DiscountRuleSet(
        [_on_product("A", 5, "CM-100"), _on_product("B", 7, "GR-10")],
        [make_group("ROOT", Combination.DISPLACE, "A", "B")],
    )
    assert _codes(rules) == []


def test_a_rule_shadowed_by_an_unconditional_higher_priority_rule_never_applies() -> None:
    rules = DiscountRuleSet(
        [make_percent("ALWAYS", 3, priority=10), _on_product("B", 7, "GR-10")],
        [make_group("ROOT", Combination.DISPLACE, "ALWAYS", "B")],
    )
    issues = check_rule_set(rules)
    assert [(i.code, i.path) for i in issues] == [("shadowed", "discounts.B")]


def test_expired_rules_are_reported_as_never_applying() -> None:
    old = make_percent("OLD", 5, valid_to=date(2025, 12, 31))
    window = make_percent(
        "WINDOW", 5, condition=ConditionExpr.leaf("sale_time", date_to="2025-06-30")
    )
    rules = DiscountRuleSet([old, window], [make_group("ROOT", Combination.MAX, "OLD", "WINDOW")])
    issues = check_rule_set(rules, as_of=date(2026, 1, 1))
    assert [(i.code, i.path) for i in issues] == [
        ("never_applies", "discounts.OLD"),
        ("never_applies", "discounts.WINDOW"),
    ]


def test_contradictory_conditions_are_reported_as_never_applying() -> None:
    both = ConditionExpr.all_of(
        ConditionExpr.leaf("product", products=["CM-100"]),
        ConditionExpr.leaf("product", products=["GR-10"]),
    )
    rules = DiscountRuleSet(
        [make_percent("D", 5, condition=both)], [make_group("ROOT", Combination.ADD, "D")]
    )
    assert check_rule_set(rules) == [
        Issue(
            "never_applies",
            "D never applies: its conditions contradict each other "
            "(two conditions on the same dimension with no common value)",
            "discounts.D",
            "warning",
        )
    ]


def _in_segment(ident: str, *segments: str) -> Discount:
    conditions = [ConditionExpr.leaf("nomenclature_segment", segments=[s]) for s in segments]
    condition = conditions[0] if len(conditions) == 1 else ConditionExpr.all_of(*conditions)
    return make_percent(ident, 5, condition=condition)


def test_conditions_on_two_segments_do_not_contradict_a_product_can_be_in_both() -> None:
    rules = DiscountRuleSet(
        [_in_segment("D", "A", "B")], [make_group("ROOT", Combination.ADD, "D")]
    )
    assert _codes(rules) == []
    line = make_line(segments=["A", "B"])
    assert DiscountEngine.compile(rules).apply([line], make_context()).lines[0].rule_ids == ("D",)


def test_equal_priorities_on_different_segments_are_ambiguous() -> None:
    rules = DiscountRuleSet(
        [_in_segment("SA", "A"), _in_segment("SB", "B")],
        [make_group("ROOT", Combination.DISPLACE, "SA", "SB")],
    )
    assert _codes(rules) == ["ambiguous_priority"]


def test_a_discount_outside_the_tree_is_reported() -> None:
    rules = DiscountRuleSet(
        [make_percent("D", 5), make_percent("LOST", 5)], [make_group("ROOT", Combination.ADD, "D")]
    )
    assert _codes(rules) == ["not_in_tree"]


def test_sale_time_does_not_throw_on_an_ambiguous_displace_group_the_first_declared_wins() -> None:
    rules = DiscountRuleSet(
        [make_percent("A", 5), make_percent("B", 9)],
        [make_group("ROOT", Combination.DISPLACE, "A", "B")],
    )
    assert "ambiguous_priority" in _codes(rules)
    result = DiscountEngine.compile(rules).apply([make_line()], make_context())
    assert result.lines[0].discount_amount == 50


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": 120}, "a percent must be in 0..100"),
        ({"kind": DiscountKind.AMOUNT, "value": -5}, "cannot be negative"),
        ({"kind": DiscountKind.GIFT, "buy_quantity": 10}, "a gift needs gift_product_id"),
        ({"kind": DiscountKind.FREE_UNITS, "buy_quantity": 4}, "free units need"),
        ({"valid_from": date(2026, 2, 1), "valid_to": date(2026, 1, 1)}, "is after valid_to"),
    ],
)
def test_a_malformed_definition_is_refused_with_what_to_fix(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(DiscountError, match=message):
        Discount(DiscountId("X"), "X", **kwargs)  # type: ignore[arg-type]
