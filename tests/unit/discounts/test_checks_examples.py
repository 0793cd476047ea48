"""Authoring checks, one finding at a time, with the exact issue a rule author reads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Self

from salescore.discounts import (
    BUILTIN_CONDITIONS,
    Combination,
    ConditionContext,
    ConditionExpr,
    ConditionRegistry,
    Discount,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    LimitId,
    ManualDiscountLimit,
    check_rule_set,
)
from salescore.errors import Issue
from salescore.parties import ProductId

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


def test_an_id_used_twice_is_reported_where_each_later_use_is() -> None:
    rules = DiscountRuleSet(
        [make_percent("A", 5), make_percent("A", 6)],
        [make_group("ROOT", Combination.ADD, "A"), make_group("A", Combination.ADD)],
        [ManualDiscountLimit(LimitId("A"), 4, user="petrov")],
    )
    message = "id 'A' is used twice; every discount, group and limit needs its own id"
    assert [i for i in check_rule_set(rules) if i.code == "duplicate_id"] == [
        Issue("duplicate_id", message, "discounts.A"),
        Issue("duplicate_id", message, "groups.A"),
        Issue("duplicate_id", message, "limits.A"),
    ]


def test_a_gift_of_an_unknown_product_says_what_to_do() -> None:
    gift = Discount(
        DiscountId("G"),
        "Gift",
        DiscountKind.GIFT,
        gift_product_id=ProductId("NOPE"),
        buy_quantity=2,
    )
    rules = DiscountRuleSet([gift], [make_group("ROOT", Combination.MAX, "G")])
    assert check_rule_set(rules, known_products={"CM-100"}) == [
        Issue(
            "unknown_product",
            "the gift product 'NOPE' does not exist; add it to the catalogue or fix the id",
            "discounts.G.gift_product_id",
        )
    ]


def test_contradicting_conditions_are_found_after_a_condition_the_index_cannot_use() -> None:
    # line_quantity has no index keys: the two products after it still contradict.
    condition = ConditionExpr.all_of(
        ConditionExpr.leaf("line_quantity", min=2), on_product("X"), on_product("Y")
    )
    rules = DiscountRuleSet(
        [make_percent("D", 5, condition=condition)], [make_group("ROOT", Combination.ADD, "D")]
    )
    assert found(rules) == [("never_applies", "discounts.D")]


class _ShelfCondition:
    """A plugin condition: the line's product on one shelf, known by segment and product."""

    name: ClassVar[str] = "shelf"
    parameters: ClassVar[Mapping[str, str]] = {"segment": "a segment", "product": "a product id"}
    level = "line"

    def __init__(self, segment: str, product: str) -> None:
        self.segment, self.product = segment, product

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls(str(params["segment"]), str(params["product"]))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        line = ctx.line
        return line is not None and line.product.id == self.product

    def describe(self) -> str:
        return f"on the shelf of {self.segment}, {self.product}"

    def index_keys(self) -> Mapping[str, frozenset[str]]:
        return {"segment": frozenset({self.segment}), "product": frozenset({self.product})}


def test_every_dimension_of_a_plugin_condition_counts_after_a_repeated_segment() -> None:
    # A is for product X (its shelf condition's second dimension), B for product Y: they
    # cannot both apply, although the shelf repeats A's segment dimension first.
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _ShelfCondition)
    shelf = ConditionExpr.all_of(
        ConditionExpr.leaf("nomenclature_segment", segments=["S1"]),
        ConditionExpr.leaf("shelf", segment="S2", product="X"),
    )
    rules = DiscountRuleSet(
        [make_percent("A", 5, condition=shelf), make_percent("B", 7, condition=on_product("Y"))],
        [make_group("ROOT", Combination.DISPLACE, "A", "B")],
    )
    assert check_rule_set(rules, registry) == []


def structure(discounts: list[str], *groups: tuple[str, Combination, list[str]]) -> list[Issue]:
    rules = DiscountRuleSet(
        [make_percent(d, 5) for d in discounts],
        [make_group(g, combination, *children) for g, combination, children in groups],
    )
    return check_rule_set(rules)


def test_a_child_listed_twice_or_unknown_is_reported_and_the_children_after_it_still_count() -> (
    None
):
    issues = structure(
        ["A", "B", "C"],
        ("ROOT", Combination.ADD, ["NOPE", "A", "G"]),
        ("G", Combination.ADD, ["A", "B", "C"]),
    )
    assert issues == [
        Issue(
            "unknown_child", "'NOPE' is neither a discount nor a group", "groups.ROOT.children[0]"
        ),
        Issue(
            "two_parents",
            "'A' is already a child of group 'ROOT'; a rule or group has one place in the tree",
            "groups.G.children[0]",
        ),
    ]


def test_a_cycle_of_three_groups_is_found_from_each_of_them_and_needs_no_root() -> None:
    # Every group is some group's child: no root, but the cycle is what is wrong.
    issues = structure(
        ["A"],
        ("G1", Combination.ADD, ["A", "G2"]),
        ("G2", Combination.ADD, ["G3"]),
        ("G3", Combination.ADD, ["G1"]),
    )
    message = "the groups form a cycle: {}; a group cannot contain itself"
    assert issues == [
        Issue("cycle", message.format("G1 <- G3 <- G2 <- G1"), "groups.G1"),
        Issue("cycle", message.format("G2 <- G1 <- G3 <- G2"), "groups.G2"),
        Issue("cycle", message.format("G3 <- G2 <- G1 <- G3"), "groups.G3"),
    ]


def test_a_group_below_a_cycle_is_not_part_of_it() -> None:
    issues = structure(
        ["A"],
        ("G1", Combination.ADD, ["G2", "H"]),
        ("G2", Combination.ADD, ["G1"]),
        ("H", Combination.ADD, ["A"]),
    )
    assert [(i.code, i.path) for i in issues] == [("cycle", "groups.G1"), ("cycle", "groups.G2")]


def test_a_tree_needs_exactly_one_root_and_names_those_it_found() -> None:
    message = "the tree needs exactly one root group (a group that is no one's child); found "
    two = structure(["A", "B"], ("R1", Combination.ADD, ["A"]), ("R2", Combination.ADD, ["B"]))
    assert two == [Issue("root", message + "R1, R2", "groups")]
    none = structure([])
    assert none == [Issue("root", message + "none", "groups")]


def test_a_discount_no_group_lists_is_a_warning_at_the_discount() -> None:
    assert structure(["A", "B"], ("ROOT", Combination.ADD, ["A"])) == [
        Issue(
            "not_in_tree",
            "B never applies: no group lists it as a child",
            "discounts.B",
            "warning",
        )
    ]
