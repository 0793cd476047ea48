"""How the compiled rule index treats a rule's conditions, as a plugin author sees it.

A condition declaring ``level = "document"`` looks only at the sale and the document's
totals, so the engine evaluates it once per document (``salescore.discounts.conditions``):
also when it sits inside an ``any`` or a ``not`` of the rule's condition, whether the rule
is found through the document or through a line's product.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, Self

import pytest

from salescore.discounts import (
    BUILTIN_CONDITIONS,
    Combination,
    ConditionContext,
    ConditionExpr,
    ConditionRegistry,
    DiscountEngine,
    DiscountRuleSet,
)
from salescore.errors import DiscountError, PluginError

from .conftest import make_context, make_line, make_percent, make_tree


class _KeyClient:
    """A document-level plugin condition: the client is ``partner``. Counts its evaluations."""

    name: ClassVar[str] = "key_client"
    parameters: ClassVar[Mapping[str, str]] = {"partner": "a partner id"}
    level: ClassVar[str] = "document"
    asked: ClassVar[list[str]] = []

    def __init__(self, partner: str) -> None:
        self.partner = partner

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls(str(params["partner"]))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        _KeyClient.asked.append(self.partner)
        return ctx.sale.partner_id == self.partner

    def describe(self) -> str:
        return f"key client {self.partner}"


def _key(partner: str) -> ConditionExpr:
    return ConditionExpr.leaf("key_client", partner=partner)


@pytest.mark.parametrize(
    ("condition", "asked"),
    [
        # Found through the document (no index key): any(P1: no, P2: yes), asked once each.
        (ConditionExpr.any_of(_key("P1"), _key("P2")), ["P1", "P2"]),
        (
            ConditionExpr.all_of(
                ConditionExpr.leaf("line_quantity", min=1),
                ConditionExpr.any_of(_key("P1"), _key("P2")),
            ),
            ["P1", "P2"],
        ),
        # Alone, or beside a line condition: asked once.
        (_key("P2"), ["P2"]),
        (ConditionExpr.all_of(ConditionExpr.leaf("line_quantity", min=1), _key("P2")), ["P2"]),
        # Found through each line's product: the document part is still asked once.
        (
            ConditionExpr.all_of(
                ConditionExpr.leaf("product", products=["X", "Y", "Z"]), _key("P2")
            ),
            ["P2"],
        ),
        (
            ConditionExpr.all_of(
                ConditionExpr.leaf("product", products=["X", "Y", "Z"]),
                ConditionExpr.negate(_key("P3")),
            ),
            ["P3"],
        ),
    ],
)
def test_a_document_condition_is_evaluated_once_per_document_alone_or_under_any_or_not(
    condition: ConditionExpr, asked: list[str]
) -> None:
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _KeyClient)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("KEY", 5, condition=condition)), registry
    )
    lines = [make_line(p, 2, "100.00", line_id=str(n)) for n, p in enumerate("XYZ", 1)]
    _KeyClient.asked.clear()
    result = engine.apply(lines, make_context(partner_id="P2"))
    # Three lines of 2 x 100.00, 5 % each: 10.00 a line.
    assert [x.rule_ids for x in result.lines] == [("KEY",)] * 3
    assert [x.discount_amount for x in result.lines] == [10, 10, 10]
    assert _KeyClient.asked == asked
    # Another document, for client P3: none of the conditions holds for it (no verdict is
    # kept from the first document), each asked once again.
    _KeyClient.asked.clear()
    other = engine.apply(lines, make_context(partner_id="P3"))
    assert [x.rule_ids for x in other.lines] == [(), (), ()]
    assert [x.discount_amount for x in other.lines] == [0, 0, 0]
    assert _KeyClient.asked == asked


class _PairsOf:
    """A line-level plugin condition: ``product`` sold in an even quantity.

    Its index keys say which product it can hold for, but the index alone does not decide
    it (it declares no ``index_exact``): the engine must still test the quantity.
    """

    name: ClassVar[str] = "pairs_of"
    parameters: ClassVar[Mapping[str, str]] = {"product": "a product id"}

    def __init__(self, product: str) -> None:
        self.product = product

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls(str(params["product"]))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        line = ctx.line
        return line is not None and line.product.id == self.product and line.quantity.value % 2 == 0

    def index_keys(self) -> Mapping[str, frozenset[str]]:
        return {"product": frozenset({self.product})}

    def describe(self) -> str:
        return f"{self.product} in pairs"


def test_a_plugin_condition_found_by_its_index_keys_is_still_tested_alone() -> None:
    pairs = ConditionExpr.leaf("pairs_of", product="X")
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _PairsOf)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("PAIRS", 5, condition=pairs)), registry
    )
    lines = [
        make_line("X", 2, "100.00", line_id="1"),  # a pair of X: 5 % of 200.00 = 10.00
        make_line("X", 3, "100.00", line_id="2"),  # X, but not in pairs
        make_line("Y", 2, "100.00", line_id="3"),  # in pairs, but not X
    ]
    result = engine.apply(lines, make_context())
    assert [x.rule_ids for x in result.lines] == [("PAIRS",), (), ()]
    assert [x.discount_amount for x in result.lines] == [10, 0, 0]


def test_a_plugin_condition_found_by_its_index_keys_is_still_tested_under_any() -> None:
    pairs = ConditionExpr.any_of(
        ConditionExpr.leaf("pairs_of", product="X"), ConditionExpr.leaf("pairs_of", product="Y")
    )
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _PairsOf)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("PAIRS", 5, condition=pairs)), registry
    )
    lines = [
        make_line("X", 2, "100.00", line_id="1"),  # a pair of X: 5 % of 200.00 = 10.00
        make_line("X", 3, "100.00", line_id="2"),  # X, but not in pairs
        make_line("Y", 1, "100.00", line_id="3"),  # Y, but not in pairs
        make_line("Y", 4, "100.00", line_id="4"),  # pairs of Y: 5 % of 400.00 = 20.00
        make_line("Z", 2, "100.00", line_id="5"),  # in pairs, but neither X nor Y
    ]
    result = engine.apply(lines, make_context())
    assert [x.rule_ids for x in result.lines] == [("PAIRS",), (), (), ("PAIRS",), ()]
    assert [x.discount_amount for x in result.lines] == [10, 0, 0, 20, 0]


def test_a_rule_with_two_product_conditions_applies_only_to_a_product_in_both() -> None:
    both = ConditionExpr.all_of(
        ConditionExpr.leaf("product", products=["X", "Y"]),
        ConditionExpr.leaf("product", products=["Y", "Z"]),
    )
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("XY_YZ", 5, condition=both))
    )
    lines = [make_line(p, 2, "100.00", line_id=str(n)) for n, p in enumerate("XYZ", 1)]
    result = engine.apply(lines, make_context())
    assert [x.rule_ids for x in result.lines] == [(), ("XY_YZ",), ()]


def test_a_rule_with_two_segment_conditions_applies_only_to_a_line_in_both_segments() -> None:
    both = ConditionExpr.all_of(
        ConditionExpr.leaf("nomenclature_segment", segments=["S1"]),
        ConditionExpr.leaf("nomenclature_segment", segments=["S2"]),
    )
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("S12", 5, condition=both))
    )
    lines = [
        make_line("A", 2, "100.00", line_id="1", segments=["S1"]),
        make_line("B", 2, "100.00", line_id="2", segments=["S2"]),
        make_line("C", 2, "100.00", line_id="3", segments=["S1", "S2"]),
    ]
    result = engine.apply(lines, make_context())
    assert [x.rule_ids for x in result.lines] == [(), (), ("S12",)]


class _PricedFrom:
    """A line-level plugin condition on the line's unit price.

    It reads more than the line's product, segments, price group and quantity and does not
    declare ``line_only``: its verdict must not be reused for another line of the same
    product and quantity.
    """

    name: ClassVar[str] = "priced_from"
    parameters: ClassVar[Mapping[str, str]] = {"price": "the least unit price"}

    def __init__(self, price: Decimal) -> None:
        self.price = price

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls(Decimal(str(params["price"])))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        return ctx.line is not None and ctx.line.unit_price.amount >= self.price

    def describe(self) -> str:
        return f"unit price at least {self.price}"


def _product_x() -> ConditionExpr:
    return ConditionExpr.leaf("product", products=["X"])


def _from(price: int) -> ConditionExpr:
    return ConditionExpr.leaf("priced_from", price=price)


# Lines of X, 1 pc each: 150.00, 50.00, 100.00, 99.99. 5 % of 150.00 = 7.50, of 100.00 = 5.00,
# of 50.00 = 2.50, of 99.99 = 4.9995, 5.00 half up.
DEAR = {"1": Decimal("7.50"), "2": 0, "3": 5, "4": 0}
CHEAP = {"1": 0, "2": Decimal("2.50"), "3": 0, "4": 5}


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("product, then price", DEAR),
        ("price, then product", DEAR),
        ("product, not price", CHEAP),
        ("product, any of two prices", DEAR),
        ("price, then any of two products", DEAR),
    ],
)
def test_a_plugin_condition_that_reads_the_price_is_tested_on_every_line_of_one_product(
    shape: str, expected: dict[str, Decimal | int]
) -> None:
    condition = {
        "product, then price": lambda: ConditionExpr.all_of(_product_x(), _from(100)),
        "price, then product": lambda: ConditionExpr.all_of(_from(100), _product_x()),
        "product, not price": lambda: ConditionExpr.all_of(
            _product_x(), ConditionExpr.negate(_from(100))
        ),
        "product, any of two prices": lambda: ConditionExpr.all_of(
            _product_x(), ConditionExpr.any_of(_from(100), _from(1000))
        ),
        "price, then any of two products": lambda: ConditionExpr.all_of(
            _from(100),
            ConditionExpr.any_of(_product_x(), ConditionExpr.leaf("product", products=["Z"])),
        ),
    }[shape]()
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _PricedFrom)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("PRICE", 5, condition=condition)), registry
    )
    lines = [
        make_line("X", 1, "150.00", line_id="1"),
        make_line("X", 1, "50.00", line_id="2"),  # the same product and quantity, cheaper
        make_line("X", 1, "100.00", line_id="3"),
        make_line("X", 1, "99.99", line_id="4"),
    ]
    for order in (lines, lines[::-1]):
        result = engine.apply(order, make_context())
        assert {x.line_id: x.discount_amount for x in result.lines} == expected


class _Broken:
    """A plugin condition with a bug: it raises for every sale."""

    name: ClassVar[str] = "broken"
    parameters: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls()

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        raise ZeroDivisionError("oops")

    def describe(self) -> str:
        return "broken"


def test_a_plugin_that_raises_deep_in_a_condition_is_reported_with_the_discount_it_serves() -> None:
    deep = ConditionExpr.all_of(
        ConditionExpr.leaf("line_quantity", min=1),
        ConditionExpr.any_of(
            ConditionExpr.leaf("line_quantity", min=5), ConditionExpr.leaf("broken")
        ),
    )
    registry = ConditionRegistry.of(*BUILTIN_CONDITIONS, _Broken)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("DEEP", 5, condition=deep)), registry
    )
    with pytest.raises(
        PluginError,
        match=r"^condition 'broken' of discount 'DEEP' raised ZeroDivisionError: oops; fix or",
    ):
        engine.apply([make_line("X", 2, "100.00")], make_context())


def test_a_wrong_parameter_deep_in_a_condition_is_named_by_its_full_path() -> None:
    deep = ConditionExpr.all_of(
        ConditionExpr.leaf("line_quantity", min=2),
        ConditionExpr.any_of(
            ConditionExpr.leaf("warehouse", ids=["MAIN"]),
            ConditionExpr.leaf("line_quantity", min=5),
        ),
    )
    with pytest.raises(DiscountError) as raised:
        DiscountEngine.compile(make_tree(Combination.ADD, make_percent("MIX", 5, condition=deep)))
    assert str(raised.value).startswith(
        "discounts.MIX.condition.all[1].any[0]: condition 'warehouse': unknown parameter(s) ids;"
        " it takes warehouses"
    )


def test_rules_for_the_sales_client_and_agreement_apply_and_those_for_others_do_not() -> None:
    leaf = ConditionExpr.leaf
    rules = make_tree(
        Combination.ADD,
        make_percent("FOR_P1", 2, condition=leaf("partner", partners=["P1"])),
        make_percent("FOR_P2", 3, condition=leaf("partner", partners=["P2"])),
        make_percent("UNDER_A1", 5, condition=leaf("agreement", agreements=["A1"])),
        make_percent("UNDER_A2", 7, condition=leaf("agreement", agreements=["A2"])),
    )
    engine = DiscountEngine.compile(rules)
    sale = [make_line("X", 2, "100.00")]
    # P1 under A1: 2 % + 5 % of 200.00 = 4.00 + 10.00 = 14.00.
    line = engine.apply(sale, make_context(partner_id="P1", agreement_id="A1")).lines[0]
    assert line.rule_ids == ("FOR_P1", "UNDER_A1")
    assert line.discount_amount == Decimal("14.00")
    # No client and no agreement given: none of them.
    line = engine.apply(sale, make_context()).lines[0]
    assert line.rule_ids == ()
    assert line.discount_amount == 0


def test_a_rule_listing_two_segments_applies_once_to_a_line_in_both() -> None:
    either = ConditionExpr.leaf("nomenclature_segment", segments=["S1", "S2"])
    rules = make_tree(
        Combination.ADD,
        make_percent("EITHER", 5, condition=either),
        make_percent("ALL", 1),
    )
    engine = DiscountEngine.compile(rules)
    lines = [
        make_line("A", 2, "100.00", line_id="1", segments=["S1", "S2"]),
        make_line("B", 2, "100.00", line_id="2", segments=["S1", "S2", "S3"]),
        make_line("C", 2, "100.00", line_id="3", segments=["S2"]),
    ]
    result = engine.apply(lines, make_context())
    # 5 % + 1 % of 200.00, once each: 12.00 a line.
    assert [x.rule_ids for x in result.lines] == [("EITHER", "ALL")] * 3
    assert [x.discount_amount for x in result.lines] == [12, 12, 12]


def _with_loose_discount() -> DiscountRuleSet:
    """ROOT (add) lists LISTED (5 %); LOOSE (50 %) is in no group.

    The authoring checks warn "LOOSE never applies: no group lists it as a child".
    """
    rules = make_tree(Combination.ADD, make_percent("LISTED", 5))
    return DiscountRuleSet([*rules.discounts, make_percent("LOOSE", 50)], rules.groups)


def test_a_discount_no_group_lists_compiles_and_gives_no_discount() -> None:
    engine = DiscountEngine.compile(_with_loose_discount())
    line = engine.apply([make_line("X", 2, "100.00")], make_context()).lines[0]
    assert line.discount_amount == 10  # 5 % of 200.00; LOOSE's 50 % is not taken


def test_a_discount_no_group_lists_is_not_reported_as_applied() -> None:
    # LOOSE holds (no condition) but no group lists it: it gives nothing, so it is not
    # among the line's rules and its explanation does not say it applies.
    engine = DiscountEngine.compile(_with_loose_discount())
    result = engine.apply([make_line("X", 2, "100.00")], make_context())
    line = result.lines[0]
    assert line.rule_ids == ("LISTED",)
    assert line.discount_amount == 10
    text = line.explain().as_text()
    assert "LOOSE" not in text
    assert "candidates from the index (1; 1 other rules cannot apply" in text
    assert line.why_not("LOOSE").as_text() == (
        "why LOOSE 'LOOSE' does not apply to line 1\n"
        "  1. no group lists it as a child: it never applies; add it to a group\n"
        "  2. no conditions"
    )


def test_why_not_a_discount_no_group_lists_does_not_say_a_displace_group_displaced_it() -> None:
    # ROOT (displace: only the highest priority applies) lists LISTED (5 %); LOOSE (50 %, no
    # condition) is in no group. LOOSE gives nothing because no group lists it, not because
    # LISTED won a group LOOSE is not in.
    rules = make_tree(Combination.DISPLACE, make_percent("LISTED", 5))
    engine = DiscountEngine.compile(
        DiscountRuleSet([*rules.discounts, make_percent("LOOSE", 50)], rules.groups)
    )
    line = engine.apply([make_line("X", 2, "100.00")], make_context()).lines[0]
    assert line.rule_ids == ("LISTED",)
    assert line.discount_amount == 10  # 5 % of 200.00
    assert line.why_not("LOOSE").as_text() == (
        "why LOOSE 'LOOSE' does not apply to line 1\n"
        "  1. no group lists it as a child: it never applies; add it to a group\n"
        "  2. no conditions"
    )


@pytest.mark.parametrize("segments", [["VIP", "B2B"], ["VIP", "B2B", "RETAIL"]])
def test_a_rule_listing_two_of_the_clients_segments_applies_once(segments: list[str]) -> None:
    # 5 % for clients in VIP or B2B; a client in both (and maybe a third) gets 5 % of
    # 1000.00 once: 50.00, not 100.00.
    rule = make_percent(
        "SEG5", 5, condition=ConditionExpr.leaf("client_segment", segments=["VIP", "B2B"])
    )
    engine = DiscountEngine.compile(make_tree(Combination.ADD, rule))
    result = engine.apply([make_line(price="1000.00")], make_context(client_segment_ids=segments))
    assert result.lines[0].discount_amount == Decimal("50.00")
    assert result.lines[0].rule_ids == ("SEG5",)
