"""Authoring checks, one finding at a time, with the exact issue a rule author reads."""

from __future__ import annotations

from datetime import date

from salescore.discounts import (
    Combination,
    ConditionExpr,
    DiscountRuleSet,
    check_rule_set,
)
from salescore.errors import Issue

from .conftest import make_group, make_percent


def on_product(product: str) -> ConditionExpr:
    return ConditionExpr.leaf("product", products=[product])


def found(rules: DiscountRuleSet, **kwargs: object) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in check_rule_set(rules, **kwargs)]  # type: ignore[arg-type]


def test_a_displace_group_below_another_group_is_checked_too() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("A", 5, condition=on_product("X")),
            make_percent("B", 7, condition=on_product("X")),
        ],
        [
            make_group("ROOT", Combination.ADD, "D1"),
            make_group("D1", Combination.DISPLACE, "A", "B"),
        ],
    )
    assert check_rule_set(rules) == [
        Issue(
            "ambiguous_priority",
            "A and B have the same priority 0 and can both apply in displace group D1; "
            "the first declared wins: give them different priorities",
            "groups.D1",
            "warning",
        )
    ]


def test_equal_priorities_are_found_past_a_sibling_of_another_priority() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("A", 5, priority=1, condition=on_product("X")),
            make_percent("B", 5, priority=2, condition=on_product("X")),
            make_percent("C", 5, priority=1, condition=on_product("X")),
        ],
        [make_group("ROOT", Combination.DISPLACE, "A", "B", "C")],
    )
    assert [i.message[:7] for i in check_rule_set(rules)] == ["A and C"]


def test_a_group_child_of_equal_priority_may_apply_with_any_rule() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("A", 5, condition=on_product("X")),
            make_percent("B", 5, condition=on_product("Y")),
        ],
        [make_group("ROOT", Combination.DISPLACE, "A", "G"), make_group("G", Combination.ADD, "B")],
    )
    assert found(rules) == [("ambiguous_priority", "groups.ROOT")]
    reversed_children = DiscountRuleSet(
        rules.discounts,
        [make_group("ROOT", Combination.DISPLACE, "G", "A"), make_group("G", Combination.ADD, "B")],
    )
    assert found(reversed_children) == [("ambiguous_priority", "groups.ROOT")]


def test_an_unconditional_rule_shadows_every_rule_and_group_ranked_below_it() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("B", 5, priority=1, condition=on_product("X")),
            make_percent("A", 5, priority=5),
            make_percent("C", 5, condition=on_product("Y")),
            make_percent("E", 5, condition=on_product("Z")),
        ],
        [
            make_group("ROOT", Combination.DISPLACE, "B", "A", "C", "G"),
            make_group("G", Combination.ADD, "E"),
        ],
    )
    issues = check_rule_set(rules)
    assert [(i.code, i.path) for i in issues if i.code == "shadowed"] == [
        ("shadowed", "discounts.B"),
        ("shadowed", "discounts.C"),
        ("shadowed", "groups.G"),
    ]
    assert issues[-1].message == "G never applies: A always applies and displaces it in group ROOT"


def test_of_two_unconditional_rules_of_equal_priority_the_first_declared_shadows_the_other() -> (
    None
):
    rules = DiscountRuleSet(
        [make_percent("Z", 5), make_percent("A", 5)],
        [make_group("ROOT", Combination.DISPLACE, "Z", "A")],
    )
    assert [i.message for i in check_rule_set(rules) if i.code == "shadowed"] == [
        "A never applies: Z always applies and displaces it in group ROOT"
    ]


def test_every_displace_group_is_checked_for_shadowed_rules() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("A", 5, priority=2),
            make_percent("B", 5, condition=on_product("X")),
            make_percent("C", 5, priority=2),
            make_percent("D", 5, condition=on_product("Y")),
        ],
        [
            make_group("ROOT", Combination.ADD, "G1", "G2"),
            make_group("G1", Combination.DISPLACE, "A", "B"),
            make_group("G2", Combination.DISPLACE, "C", "D"),
        ],
    )
    assert found(rules) == [("shadowed", "discounts.B"), ("shadowed", "discounts.D")]


def test_a_rule_ending_on_the_check_date_has_not_expired() -> None:
    as_of = date(2026, 1, 1)
    rules = DiscountRuleSet(
        [
            make_percent("LAST", 5, valid_to=as_of, condition=on_product("X")),
            make_percent("WIN", 5, condition=ConditionExpr.leaf("sale_time", date_to="2026-01-01")),
            make_percent("GONE", 5, condition=ConditionExpr.all_of(
                on_product("Y"), ConditionExpr.leaf("sale_time", date_to="2025-12-31"))),
        ],
        [make_group("ROOT", Combination.ADD, "LAST", "WIN", "GONE")],
    )  # fmt: skip
    assert check_rule_set(rules, as_of=as_of) == [
        Issue(
            "never_applies",
            "GONE never applies: it expired before 2026-01-01",
            "discounts.GONE",
            "warning",
        )
    ]


def test_every_bad_condition_of_a_combination_is_reported_at_its_path() -> None:
    both = ConditionExpr.all_of(
        ConditionExpr.leaf("line_quantity", min=5, max=5),
        ConditionExpr.leaf("line_quantity", most=1),
    )
    rules = DiscountRuleSet(
        [make_percent("D", 5, condition=both)], [make_group("ROOT", Combination.ADD, "D")]
    )
    issues = check_rule_set(rules)
    assert [(i.code, i.path) for i in issues] == [
        ("bad_condition", "discounts.D.condition.all[0]"),
        ("bad_condition", "discounts.D.condition.all[1]"),
    ]
    assert issues[0].message == "condition 'line_quantity': max 5 must be above min 5"
