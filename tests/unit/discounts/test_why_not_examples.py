"""Why a discount did (not) apply to a line: the explanation a manager reads, worked by hand."""

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
    DiscountEngine,
)
from salescore.discounts.results import LineDiscount

from .conftest import make_context, make_line, make_percent, make_tree

SALE_DAY = date(2026, 3, 12)  # the day of conftest's MOMENT


def dated_line() -> LineDiscount:
    rules = [
        make_percent("FROM", 5, valid_from=SALE_DAY),
        make_percent(
            "TO", 3, valid_to=SALE_DAY, condition=ConditionExpr.leaf("line_quantity", min=2)
        ),
        make_percent("LATER", 7, valid_from=date(2026, 3, 13)),
        make_percent("DONE", 7, valid_to=date(2026, 3, 11)),
    ]
    engine = DiscountEngine.compile(make_tree(Combination.ADD, *rules))
    return engine.apply([make_line("CM-100", 2, "100.00")], make_context()).lines[0]


def test_a_rule_is_in_force_on_its_first_and_last_day() -> None:
    line = dated_line()
    assert line.rule_ids == ("FROM", "TO")
    combined = (
        "  3. how the groups combined it\n"
        "     children of ROOT\n"
        "       1. FROM 'FROM': 5% discount = 10.00  (on base 200.00)\n"
        "       2. TO 'TO': 3% discount = 6.00  (on base 200.00)"
    )
    assert line.why_not("FROM").as_text() == (
        "why FROM 'FROM' applies to line 1\n"
        "  1. in force on the day of sale\n"
        "  2. no conditions\n" + combined
    )
    assert line.why_not("TO").as_text() == (
        "why TO 'TO' applies to line 1\n"
        "  1. in force on the day of sale\n"
        "  2. line quantity at least 2: held = yes  (line quantity is 2)\n" + combined
    )


def test_a_rule_not_yet_in_force_or_expired_says_so() -> None:
    line = dated_line()
    assert line.why_not("LATER").as_text() == (
        "why LATER 'LATER' does not apply to line 1\n"
        "  1. not yet in force: valid from 2026-03-13\n"
        "  2. no conditions"
    )
    assert line.why_not("DONE").as_text() == (
        "why DONE 'DONE' does not apply to line 1\n"
        "  1. expired: valid to 2026-03-11, sold 2026-03-12\n"
        "  2. no conditions"
    )


def test_a_displaced_rule_names_the_rule_that_won_and_their_priorities() -> None:
    rules = make_tree(
        Combination.DISPLACE, make_percent("A", 5, priority=5), make_percent("B", 7, priority=1)
    )
    engine = DiscountEngine.compile(rules)
    context = make_context(discount_scope={"ROOT"})
    line = engine.apply([make_line("CM-100", 2, "100.00")], context).lines[0]
    assert line.why_not("B").as_text() == (
        "why B 'B' does not apply to line 1\n"
        "  1. agreement scope: inside\n"
        "  2. no conditions\n"
        "  3. displaced in group ROOT by A (priority 5 over 1)"
    )
    assert line.why_not("A").as_text() == (
        "why A 'A' applies to line 1\n"
        "  1. agreement scope: inside\n"
        "  2. no conditions\n"
        "  3. how the groups combined it\n"
        "     children of ROOT\n"
        "       1. A 'A': 5% discount = 10.00  (on base 200.00)"
    )


def test_a_rule_for_other_segments_or_price_groups_is_not_a_candidate() -> None:
    rules = make_tree(
        Combination.ADD,
        make_percent("S1", 5, condition=ConditionExpr.leaf("nomenclature_segment", segments=["S"])),
        make_percent("P1", 5, condition=ConditionExpr.leaf("price_group", price_groups=["PG2"])),
    )
    engine = DiscountEngine.compile(rules)
    sale = [make_line("CM-100", 2, "100.00", segments=["Z"], price_group="PG1")]
    line = engine.apply(sale, make_context()).lines[0]
    assert line.why_not("S1").as_text() == (
        "why S1 'S1' does not apply to line 1\n"
        "  1. not a candidate: this line's segment is not among S\n"
        "  2. product segment in S: failed = no  (product segment is Z)"
    )
    assert line.why_not("P1").as_text() == (
        "why P1 'P1' does not apply to line 1\n"
        "  1. not a candidate: this line's price_group is not among PG2\n"
        "  2. price group in PG2: failed = no  (price group is PG1)"
    )


class _OnShelf:
    """A plugin condition with no ``why``: it says only whether it held."""

    name: ClassVar[str] = "on_shelf"
    parameters: ClassVar[Mapping[str, str]] = {"shelf": "a shelf code"}

    def __init__(self, shelf: str) -> None:
        self.shelf = shelf

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls(str(params["shelf"]))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        return self.shelf == "A"  # every product of this shop is on shelf A

    def describe(self) -> str:
        return f"on shelf {self.shelf}"


def test_a_nested_condition_is_explained_part_by_part_with_what_each_any_all_and_not_gave() -> None:
    leaf = ConditionExpr.leaf
    # MIX: 2 pcs >= 2; any(warehouse MAIN: no, all(shelf A: yes, 2 >= 1: yes) = yes) = yes;
    # not(client P9: no) = yes. All three hold: MIX applies.
    mix = ConditionExpr.all_of(
        leaf("line_quantity", min=2),
        ConditionExpr.any_of(
            leaf("warehouse", warehouses=["MAIN"]),
            ConditionExpr.all_of(leaf("on_shelf", shelf="A"), leaf("line_quantity", min=1)),
        ),
        ConditionExpr.negate(leaf("partner", partners=["P9"])),
    )
    # A plugin condition without "why" shows no source in brackets.
    # ONE: any(shelf B: no, all(2 >= 5: no, shelf A: yes) = no) = no. A condition that is
    # not an "all" at the top is shown as one step with its parts below it.
    one = ConditionExpr.any_of(
        leaf("on_shelf", shelf="B"),
        ConditionExpr.all_of(leaf("line_quantity", min=5), leaf("on_shelf", shelf="A")),
    )
    rules = make_tree(
        Combination.ADD,
        make_percent("MIX", 5, condition=mix),
        make_percent("ONE", 2, condition=one),
    )
    engine = DiscountEngine.compile(rules, ConditionRegistry.of(*BUILTIN_CONDITIONS, _OnShelf))
    context = make_context(warehouse_id="SIDE", partner_id="P1")
    line = engine.apply([make_line("CM-100", 2, "100.00")], context).lines[0]
    assert line.rule_ids == ("MIX",)
    assert line.why_not("MIX").as_text() == (
        "why MIX 'MIX' applies to line 1\n"
        "  1. line quantity at least 2: held = yes  (line quantity is 2)\n"
        "  2. any: held\n"
        "     any\n"
        "       1. warehouse in MAIN: failed = no  (warehouse is SIDE)\n"
        "       2. all: held\n"
        "          all\n"
        "            1. on shelf A: held = yes\n"
        "            2. line quantity at least 1: held = yes  (line quantity is 2)\n"
        "  3. not: held\n"
        "     not\n"
        "       1. client in P9: failed = no  (client is P1)\n"
        "  4. how the groups combined it\n"
        "     children of ROOT\n"
        "       1. MIX 'MIX': 5% discount = 10.00  (on base 200.00)"
    )
    assert line.why_not("ONE").as_text() == (
        "why ONE 'ONE' does not apply to line 1\n"
        "  1. any: failed\n"
        "     any\n"
        "       1. on shelf B: failed = no\n"
        "       2. all: failed\n"
        "          all\n"
        "            1. line quantity at least 5: failed = no  (line quantity is 2)\n"
        "            2. on shelf A: held = yes"
    )
    # As rows every value is text: a part's own step has no figure and no source.
    rows = line.why_not("ONE").as_rows()
    assert rows[0] == {"step": "1", "description": "any: failed", "value": "", "source": ""}
    assert rows[2] == {"step": "1.2", "description": "all: failed", "value": "", "source": ""}
