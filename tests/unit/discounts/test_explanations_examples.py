"""What a line's explanation and why_not show, worked by hand (fast examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
    LimitId,
    LimitPolicy,
    ManualDiscountLimit,
    Mode,
)
from salescore.discounts.results import DocumentResult

from .conftest import make_context, make_group, make_line, make_percent, make_tree


def _manual_beside_markup(markup: int, typed: int) -> DocumentResult:
    # ADD of a manual discount M (typed by the manager) and an automatic markup UP, on
    # 1 x 1000.00, with a limit of 4 % for manual discounts and for manual markups.
    rules = DiscountRuleSet(
        [
            Discount(DiscountId("M"), "Manager", mode=Mode.MANUAL),
            make_percent("UP", markup, markup=True),
        ],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.ADD, ["M", "UP"])],
        [ManualDiscountLimit(LimitId("L"), 4, user="petrov", markup_percent=4)],
    )
    engine = DiscountEngine.compile(rules, limit_policy=LimitPolicy.DEVIATION)
    return engine.apply([make_line(manual={"M": typed})], make_context(user="petrov"))


def test_the_manual_part_of_a_group_is_at_most_what_the_group_gives() -> None:
    # 10 % typed (100.00) against an 8 % markup (-80.00): the group gives 20.00, 2 %,
    # within the 4 % limit; against a 2 % markup it gives 80.00, 8 %, above it.
    assert _manual_beside_markup(8, 10).deviations == ()
    (excess,) = _manual_beside_markup(2, 10).deviations
    assert excess.message == (
        "line 1 (CM-100): manual discount 8.00% is above the limit 4% of limit L (user petrov)"
    )


def test_a_manual_discount_under_a_larger_automatic_markup_is_held_against_the_discount_limit() -> (
    None
):
    # 3 % typed (30.00) and a 10 % markup (-100.00): the group is a net markup of 70.00, but
    # what the manager typed is a 3 % discount, within the 4 % discount limit.
    result = _manual_beside_markup(10, 3)
    assert result.deviations == ()
    assert result.lines[0].discount_amount == Decimal("-70.00")


def test_a_manual_discount_cancelled_by_a_markup_counts_as_nothing() -> None:
    # 5 % typed and a 5 % markup: the group gives 0.00, so no manual part is above the limit.
    result = _manual_beside_markup(5, 5)
    assert result.deviations == ()
    assert result.lines[0].discount_amount == 0


def test_only_a_rule_that_holds_on_its_own_is_reported_as_displaced() -> None:
    rules = make_tree(
        Combination.DISPLACE,
        make_percent("A", 5, priority=5),
        make_percent("LATER", 7, priority=1, valid_from=date(2026, 3, 13)),
        make_percent("DONE", 7, priority=1, valid_to=date(2026, 3, 11)),
        Discount(DiscountId("M"), "M", mode=Mode.MANUAL, priority=1),
        make_percent("OUT", 7, priority=1),
    )
    context = make_context(discount_scope={"A", "LATER", "DONE", "M"})
    line = DiscountEngine.compile(rules).apply([make_line(manual={"M": 9})], context).lines[0]
    assert line.rule_ids == ("A",)
    assert line.why_not("LATER").as_text() == (
        "why LATER 'LATER' does not apply to line 1\n"
        "  1. not yet in force: valid from 2026-03-13\n"
        "  2. agreement scope: inside\n"
        "  3. no conditions"
    )
    assert line.why_not("DONE").as_text() == (
        "why DONE 'DONE' does not apply to line 1\n"
        "  1. expired: valid to 2026-03-11, sold 2026-03-12\n"
        "  2. agreement scope: inside\n"
        "  3. no conditions"
    )
    assert line.why_not("OUT").as_text() == (
        "why OUT 'OUT' does not apply to line 1\n  1. agreement scope: outside\n  2. no conditions"
    )
    # A chosen manual discount holds on its own: it is displaced by the higher priority.
    assert line.why_not("M").as_text() == (
        "why M 'M' does not apply to line 1\n"
        "  1. manual discount chosen\n"
        "  2. agreement scope: inside\n"
        "  3. no conditions\n"
        "  4. displaced in group ROOT by A (priority 5 over 1)"
    )


def test_a_line_condition_is_explained_for_each_line_of_the_document() -> None:
    rules = make_tree(
        Combination.ADD, make_percent("Q", 5, condition=ConditionExpr.leaf("line_quantity", min=2))
    )
    sale = [make_line(quantity=2, line_id="1"), make_line(quantity=1, line_id="2")]
    first, second = DiscountEngine.compile(rules).apply(sale, make_context()).lines
    assert "held = yes  (line quantity is 2)" in first.why_not("Q").as_text()
    assert second.why_not("Q").as_text() == (
        "why Q 'Q' does not apply to line 2\n"
        "  1. line quantity at least 2: failed = no  (line quantity is 1)"
    )


def test_the_explained_discount_is_rounded_half_up_like_the_line() -> None:
    # 5 % of 2.50 is 0.125: half up gives 0.13 (half even would give 0.12).
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 5)))
    line = engine.apply([make_line(price="2.50")], make_context()).lines[0]
    assert line.discount_amount == Decimal("0.13")
    text = line.explain().as_text()
    assert "discount, rounded half up = 0.13 RUB" in text
    assert "net amount = 2.37 RUB" in text


def test_a_markup_that_rounds_to_nothing_shows_no_minus_sign() -> None:
    # A 0.1 % markup on 1.00 is -0.001, which rounds to zero: shown as 0.00, not -0.00.
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("UP", "0.1", markup=True))
    )
    text = engine.apply([make_line(price="1.00")], make_context()).lines[0].explain().as_text()
    assert "discount, rounded half up = 0.00 RUB" in text
    assert "net amount = 1.00 RUB" in text


def test_a_group_that_is_not_used_still_shows_its_children() -> None:
    # MAX of A 5 % (50.00) and the group G adding B 1 % and C 1 % (20.00): A wins.
    rules = DiscountRuleSet(
        [make_percent("A", 5), make_percent("B", 1), make_percent("C", 1)],
        [
            DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["A", "G"]),
            make_group("G", Combination.ADD, "B", "C"),
        ],
    )
    line = DiscountEngine.compile(rules).apply([make_line()], make_context()).lines[0]
    assert (
        line.why_not("A")
        .as_text()
        .endswith(
            "  2. how the groups combined it\n"
            "     children of ROOT\n"
            "       1. A 'A': 5% discount = 50.00  (on base 1000.00)\n"
            "       2. group G (add: summed, each on the same base) — not used = 20.00"
            "  (on base 1000.00)\n"
            "          children of G\n"
            "            1. B 'B': 1% discount = 10.00  (on base 1000.00)\n"
            "            2. C 'C': 1% discount = 10.00  (on base 1000.00)"
        )
    )


def test_a_rule_for_this_lines_product_segment_or_price_group_is_a_candidate() -> None:
    rules = make_tree(
        Combination.ADD,
        make_percent("P", 1, condition=ConditionExpr.leaf("product", products=["CM-100"])),
        make_percent("S", 2, condition=ConditionExpr.leaf("nomenclature_segment", segments=["S"])),
        make_percent("G", 3, condition=ConditionExpr.leaf("price_group", price_groups=["PG1"])),
    )
    sale = [make_line(segments=["S"], price_group="PG1")]
    line = DiscountEngine.compile(rules).apply(sale, make_context()).lines[0]
    assert line.rule_ids == ("P", "S", "G")
    for rule in ("P", "S", "G"):
        steps = line.why_not(rule).steps
        assert "not a candidate" not in steps[0].description
        assert len(steps) == 2  # its condition, then how the groups combined it


def test_why_not_rows_are_text_even_for_a_step_without_a_figure() -> None:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 5)))
    line = engine.apply([make_line()], make_context()).lines[0]
    rows = line.why_not("A").to_records()
    assert rows[1] == {
        "step": "2",
        "description": "how the groups combined it",
        "value": "",
        "source": "",
    }


def test_a_price_group_value_is_shown_with_its_price_group() -> None:
    # W is 3 %, 2 % for MACHINES; the line's manual entry for W is ignored (W is automatic).
    rules = make_tree(Combination.ADD, make_percent("W", 3, price_group_values={"MACHINES": 2}))
    sale = [make_line(price_group="MACHINES", manual={"W": 9})]
    line = DiscountEngine.compile(rules).apply(sale, make_context()).lines[0]
    assert line.discount_amount == Decimal("20.00")
    assert "W 'W': 2% discount (price group MACHINES) = 20.00" in line.explain().as_text()


def test_a_rule_with_price_group_values_shows_its_own_value_on_another_price_group() -> None:
    rules = make_tree(Combination.ADD, make_percent("W", 3, price_group_values={"MACHINES": 2}))
    sale = [make_line(price_group="OTHER")]
    line = DiscountEngine.compile(rules).apply(sale, make_context()).lines[0]
    assert line.discount_amount == Decimal("30.00")
    assert "       1. W 'W': 3% discount = 30.00  (on base 1000.00)" in line.explain().as_text()


def test_a_manual_discount_typed_as_zero_is_explained_with_the_zero_the_manager_typed() -> None:
    # The manager chose M and typed 0 %: the explanation shows "0% discount (typed by the
    # manager)", not the rule's placeholder "typed by the manager" said twice.
    result = _manual_beside_markup(5, 0)
    text = result.lines[0].explain().as_text()
    assert "M 'Manager': 0% discount (typed by the manager) = 0.00" in text
    assert "typed by the manager (typed by the manager)" not in text
