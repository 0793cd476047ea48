"""How a line's discount combines rules found through the document with rules found
through the line (its product), when both reach the same groups; and what one rule
gives on a line (free units, manual values chosen for the document and for the line).

The engine works out the document's rules once per document and each line's rules once per
product, then merges the two per line (``salescore.discounts.plans``). The merged result
must be what the one tree of groups gives, with children in their declared order.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.discounts import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    LimitId,
    ManualDiscountLimit,
    Mode,
)

from .conftest import make_context, make_group, make_line, make_percent, make_tree

ONLY_X = ConditionExpr.leaf("product", products=["X"])


@pytest.mark.parametrize(("for_x", "everyone"), [(10, 5), (5, 10)])
def test_the_smaller_of_a_document_rule_and_a_product_rule_wins_in_a_min_group(
    for_x: int, everyone: int
) -> None:
    # ROOT (min) lists FOR-X (product X) first, then EVERYONE (no condition), 10 % and 5 %
    # either way round. The smaller wins: 5 % of 1,000.00 = 50.00.
    rules = make_tree(
        Combination.MIN,
        make_percent("FOR-X", for_x, condition=ONLY_X),
        make_percent("EVERYONE", everyone),
    )
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal("50.00")
    assert line.rule_ids == ("FOR-X", "EVERYONE")


@pytest.mark.parametrize(
    ("listed", "expected"),
    [(("FOR-X-GROUP", "EVERYONE-GROUP"), "100.00"), (("EVERYONE-GROUP", "FOR-X-GROUP"), "50.00")],
)
def test_the_first_listed_subgroup_wins_a_displace_group_whichever_way_it_was_found(
    listed: tuple[str, str], expected: str
) -> None:
    # ROOT (displace) lists two groups of equal priority: FOR-X-GROUP holds FOR-X (10 %,
    # product X), EVERYONE-GROUP holds EVERYONE (5 %, no condition). The first listed wins:
    # 10 % or 5 % of 1,000.00.
    groups = [
        make_group("ROOT", Combination.DISPLACE, *listed),
        make_group("FOR-X-GROUP", Combination.ADD, "FOR-X"),
        make_group("EVERYONE-GROUP", Combination.ADD, "EVERYONE"),
    ]
    rules = DiscountRuleSet(
        [make_percent("FOR-X", 10, condition=ONLY_X), make_percent("EVERYONE", 5)], groups
    )
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal(expected)


def test_a_group_reached_from_the_document_and_the_line_keeps_its_place_in_multiply() -> None:
    # ROOT (multiply) lists OFF-100 (100.00 off the line, product X) first, then the group
    # PAIR (add): TWO-DOC (2 %, no condition) and TWO-X (2 %, product X).
    # In declared order: 1,000.00 - 100.00 = 900.00, then 4 % of 900.00 = 36.00: 136.00.
    # (PAIR first would give 40.00 + 100.00 = 140.00.)
    off = Discount(
        DiscountId("OFF-100"),
        "OFF-100",
        kind=DiscountKind.AMOUNT,
        value=Decimal(100),
        basis=AmountBasis.LINE,
        condition=ONLY_X,
    )
    pair = make_group("PAIR", Combination.ADD, "TWO-DOC", "TWO-X")
    root = make_group("ROOT", Combination.MULTIPLY, "OFF-100", "PAIR")
    rules = DiscountRuleSet(
        [off, make_percent("TWO-DOC", 2), make_percent("TWO-X", 2, condition=ONLY_X)],
        [root, pair],
    )
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal("136.00")


def test_a_subgroup_of_higher_priority_goes_first_in_multiply_wherever_it_is_listed() -> None:
    # ROOT (multiply) lists OFF-100 (100.00 off the line) first, then TEN (add, priority 5)
    # holding TEN-PC (10 %). TEN goes first: 10 % of 1,000.00 = 100.00, then 100.00 off the
    # 900.00 left: 200.00. (In listed order it would be 100.00 + 90.00 = 190.00.)
    off = Discount(DiscountId("OFF-100"), "OFF-100", kind=DiscountKind.AMOUNT, value=Decimal(100))
    groups = [
        make_group("ROOT", Combination.MULTIPLY, "OFF-100", "TEN"),
        make_group("TEN", Combination.ADD, "TEN-PC", priority=5),
    ]
    rules = DiscountRuleSet([off, make_percent("TEN-PC", 10)], groups)
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal("200.00")


def test_a_manual_discount_is_checked_against_its_limit_alone_beside_other_shared_groups() -> None:
    # ROOT (add) lists AUTO (add: AUTO-DOC 1 %, AUTO-X 2 % for product X) and BY-HAND (add:
    # MANAGER, manual, typed 10 %; HAND-X 2 % for product X). Both groups get rules from the
    # document and from the line. On 1,000.00: AUTO 30.00, BY-HAND 100.00 + 20.00 = 120.00.
    # The manual part is MANAGER's 100.00 alone: 10 %, within the user's 12 % limit.
    manager = Discount(DiscountId("MANAGER"), "Manager", mode=Mode.MANUAL)
    discounts = [
        make_percent("AUTO-DOC", 1),
        make_percent("AUTO-X", 2, condition=ONLY_X),
        manager,
        make_percent("HAND-X", 2, condition=ONLY_X),
    ]
    groups = [
        make_group("ROOT", Combination.ADD, "AUTO", "BY-HAND"),
        make_group("AUTO", Combination.ADD, "AUTO-DOC", "AUTO-X"),
        make_group("BY-HAND", Combination.ADD, "MANAGER", "HAND-X"),
    ]
    limit = ManualDiscountLimit(LimitId("L-A"), user="A", percent=Decimal(12))
    engine = DiscountEngine.compile(DiscountRuleSet(discounts, groups, [limit]))
    context = make_context(user="A", manual_discounts={"MANAGER": Decimal(10)})
    result = engine.apply([make_line("X")], context)
    assert result.lines[0].discount_amount == Decimal("150.00")
    assert result.deviations == ()
    # Typed 13 %, it is above the limit: 130.00 of 1,000.00.
    context = make_context(user="A", manual_discounts={"MANAGER": Decimal(13)})
    result = engine.apply([make_line("X")], context)
    assert result.lines[0].discount_amount == Decimal("180.00")
    assert [d.figures["percent"] for d in result.deviations] == ["13.00"]


def test_a_document_rule_and_a_product_rule_in_multiply_each_take_from_what_is_left() -> None:
    # ROOT (multiply) lists EVERYONE (10 %, no condition) and FOR-X (20 %, product X):
    # 1,000.00 × (1 - 0.90 × 0.80) = 280.00.
    rules = make_tree(
        Combination.MULTIPLY,
        make_percent("EVERYONE", 10),
        make_percent("FOR-X", 20, condition=ONLY_X),
    )
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal("280.00")


def test_document_and_product_rules_summed_past_the_line_amount_take_the_whole_line_only() -> None:
    # ROOT (add) lists BIG (60 %, no condition) and MORE-X (50 %, product X): 110 % of
    # 1,000.00 is capped at the line amount, 1,000.00, never more.
    rules = make_tree(
        Combination.ADD, make_percent("BIG", 60), make_percent("MORE-X", 50, condition=ONLY_X)
    )
    line = DiscountEngine.compile(rules).apply([make_line("X")], make_context()).lines[0]
    assert line.discount_amount == Decimal("1000.00")
    assert line.rule_ids == ("BIG", "MORE-X")


def test_a_free_line_under_a_zero_percent_rule_gets_no_discount() -> None:
    # A line at price 0.00 (a free sample) and a 0 % rule: nothing to take, no error.
    rules = make_tree(Combination.ADD, make_percent("NOTHING", 0))
    result = DiscountEngine.compile(rules).apply([make_line("X", 3, "0.00")], make_context())
    assert result.lines[0].discount_amount == Decimal("0.00")
    assert result.lines[0].rule_ids == ("NOTHING",)


def _free(buy: int, free: int) -> Discount:
    return Discount(
        DiscountId("FREE"),
        f"buy {buy}, {free} free",
        DiscountKind.FREE_UNITS,
        buy_quantity=buy,
        free_quantity=free,
    )


def test_buy_four_get_two_free_takes_two_units_of_six() -> None:
    # 6 units at 100.00: one full set of 4 + 2, so 2 units free: 200.00 off 600.00.
    rules = make_tree(Combination.ADD, _free(4, 2))
    line = DiscountEngine.compile(rules).apply([make_line("X", 6, "100.00")], make_context())
    assert line.lines[0].discount_amount == Decimal("200.00")


def test_a_line_of_no_units_gets_no_free_units_and_no_error() -> None:
    rules = make_tree(Combination.ADD, _free(2, 1))
    result = DiscountEngine.compile(rules).apply([make_line("X", 0, "100.00")], make_context())
    assert result.lines[0].discount_amount == Decimal("0.00")


def test_a_lines_own_manual_value_wins_over_the_documents_for_that_line_only() -> None:
    # MANAGER (manual) chosen for the document at 5 %; line 2 types 8 % for itself.
    # Line 1: 5 % of 1,000.00 = 50.00; line 2: 8 % of 1,000.00 = 80.00.
    manager = Discount(DiscountId("MANAGER"), "Manager", mode=Mode.MANUAL)
    engine = DiscountEngine.compile(make_tree(Combination.ADD, manager))
    lines = [make_line("X", line_id="1"), make_line("X", line_id="2", manual={"MANAGER": 8})]
    result = engine.apply(lines, make_context(manual_discounts={"MANAGER": 5}))
    assert [x.discount_amount for x in result.lines] == [Decimal("50.00"), Decimal("80.00")]
