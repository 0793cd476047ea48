"""The engine's behaviour: index, scope, manual limits, conditions, explanations."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Context, Decimal, localcontext
from typing import Any, ClassVar, Self

import attrs
import pytest

from salescore.discounts import (
    AmountBasis,
    Combination,
    ConditionContext,
    ConditionExpr,
    ConditionRegistry,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    LimitId,
    LimitPolicy,
    ManualDiscountLimit,
    Mode,
)
from salescore.discounts.conditions import WarehouseCondition
from salescore.discounts.sale import SaleLine
from salescore.discounts.stored import evidence_of_parts, evidence_parts
from salescore.errors import (
    DiscountError,
    DiscountLimitExceededError,
    InvalidAmountError,
    IssuesError,
    PluginError,
)
from salescore.parties import PriceGroupId, ProductId

from .conftest import MSK, make_context, make_line, make_percent, make_tree

leaf = ConditionExpr.leaf


def _one(rule: Discount, *lines: Any, **context: Any) -> list[Decimal]:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, rule))
    result = engine.apply(list(lines) or [make_line()], make_context(**context))
    return [x.discount_amount for x in result.lines]


def test_a_line_is_checked_only_against_the_rules_its_product_can_reach() -> None:
    rules = [
        make_percent(f"P{i}", 5, condition=leaf("product", products=[f"SKU-{i}"]))
        for i in range(1000)
    ]
    engine = DiscountEngine.compile(make_tree(Combination.MAX, *rules))
    result = engine.apply([make_line("SKU-42")], make_context())
    explanation = result.lines[0].explain().as_text()
    assert "candidates from the index (1; 999 other rules" in explanation
    assert result.lines[0].rule_ids == ("P42",)
    why = result.lines[0].why_not("P7").as_text()
    assert "not a candidate: this line's product is not among SKU-7" in why


def test_the_agreement_scope_limits_the_rules_to_its_groups() -> None:
    rules = DiscountRuleSet(
        [make_percent("A", 5), make_percent("B", 7)],
        [
            DiscountGroup(GroupId("ROOT"), "Root", Combination.ADD, ["G1", "B"]),
            DiscountGroup(GroupId("G1"), "Marketing", Combination.ADD, ["A"]),
        ],
    )
    engine = DiscountEngine.compile(rules)
    scoped = engine.apply([make_line()], make_context(discount_scope={"G1"}))
    assert scoped.lines[0].rule_ids == ("A",)
    assert "outside the agreement's discount scope" not in scoped.lines[0].why_not("A").as_text()
    assert "agreement scope: outside" in scoped.lines[0].why_not("B").as_text()


def test_a_manual_discount_applies_only_when_chosen_with_the_typed_value() -> None:
    manual = Discount(DiscountId("M"), "Manager", mode=Mode.MANUAL)
    assert _one(manual) == [Decimal("0.00")]
    assert _one(manual, make_line(manual={"M": 3})) == [Decimal("30.00")]
    assert _one(manual, manual_discounts={"M": "2.5"}) == [Decimal("25.00")]


def _manual_engine(policy: LimitPolicy) -> DiscountEngine:
    manual = Discount(DiscountId("M"), "Manager", mode=Mode.MANUAL)
    limit = ManualDiscountLimit(
        LimitId("L"), 10, user="petrov", price_group_percents={PriceGroupId("MACHINES"): 2}
    )
    rules = DiscountRuleSet([manual], [DiscountGroup(GroupId("R"), "R", children=["M"])], [limit])
    return DiscountEngine.compile(rules, limit_policy=policy)


def test_a_manual_discount_over_the_limit_is_refused_when_so_configured() -> None:
    engine = _manual_engine(LimitPolicy.REFUSE)
    line = make_line(price_group="MACHINES", manual={"M": 3})
    with pytest.raises(DiscountLimitExceededError, match=r"3.00% is above the limit 2%"):
        engine.apply([line], make_context(user="petrov"))


def test_a_manual_discount_within_the_price_group_limit_passes() -> None:
    engine = _manual_engine(LimitPolicy.REFUSE)
    line = make_line(price_group="CONSUMABLES", manual={"M": 3})
    result = engine.apply([line], make_context(user="petrov"))
    assert result.deviations == ()
    assert result.lines[0].discount_amount == 30


def test_the_agreement_limit_in_the_context_is_the_tighter_one() -> None:
    engine = _manual_engine(LimitPolicy.DEVIATION)
    line = make_line(price_group="CONSUMABLES", manual={"M": 3})
    context = make_context(user="petrov", agreement_id="AGR-1", manual_limit_percent=Decimal("2.5"))
    result = engine.apply([line], context)
    (deviation,) = result.deviations
    assert deviation.figures["limit"] == "2.5"
    assert deviation.figures["source"] == "agreement AGR-1"
    assert result.lines[0].discount_amount == 30  # applied, pending approval


def test_a_percent_is_refined_per_price_group() -> None:
    rule = make_percent("W", 3, price_group_values={"MACHINES": 2})
    lines = [make_line(price_group="MACHINES"), make_line(line_id="2", price_group="OTHER")]
    assert _one(rule, *lines) == [Decimal("20.00"), Decimal("30.00")]


def test_an_amount_per_unit_multiplies_by_quantity() -> None:
    rule = Discount(DiscountId("U"), "U", DiscountKind.AMOUNT, 15, AmountBasis.UNIT)
    assert _one(rule, make_line(quantity=4)) == [Decimal("60.00")]


def test_an_expired_rule_does_not_apply_and_says_why() -> None:
    rule = make_percent("OLD", 5, valid_to=date(2026, 1, 31))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, rule))
    result = engine.apply([make_line()], make_context())
    assert result.lines[0].discount_amount == 0
    assert "expired: valid to 2026-01-31" in result.lines[0].why_not("OLD").as_text()


@pytest.mark.parametrize(
    ("params", "moment", "applies"),
    [
        ({"weekdays": ["sat", "sun"]}, datetime(2026, 3, 14, 10, tzinfo=MSK), True),
        ({"weekdays": ["sat", "sun"]}, datetime(2026, 3, 12, 10, tzinfo=MSK), False),
        (
            {"time_from": "09:00", "time_to": "12:00"},
            datetime(2026, 3, 12, 11, 59, tzinfo=MSK),
            True,
        ),
        (
            {"time_from": "09:00", "time_to": "12:00"},
            datetime(2026, 3, 12, 12, 0, tzinfo=MSK),
            False,
        ),
        (
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
            datetime(2026, 4, 1, tzinfo=MSK),
            False,
        ),
    ],
)
def test_time_of_sale_conditions(params: dict[str, Any], moment: datetime, applies: bool) -> None:
    rule = make_percent("T", 10, condition=leaf("sale_time", **params))
    assert _one(rule, moment=moment) == [Decimal("100.00") if applies else Decimal("0.00")]


def test_any_and_not_combine_conditions() -> None:
    condition = ConditionExpr.all_of(
        ConditionExpr.any_of(
            leaf("payment_form", forms=["cash"]), leaf("card_kind", kinds=["GOLD"])
        ),
        ConditionExpr.negate(leaf("warehouse", warehouses=["STORE-1"])),
    )
    rule = make_percent("C", 10, condition=condition)
    assert _one(rule, card_kind="GOLD", warehouse_id="MAIN") == [Decimal("100.00")]
    assert _one(rule, payment_form="cash", warehouse_id="STORE-1") == [Decimal("0.00")]
    assert _one(rule, payment_form="noncash") == [Decimal("0.00")]


def test_a_segment_volume_counts_only_that_segments_lines() -> None:
    condition = leaf("sale_volume", min_quantity=10, per="segment", segment="COFFEE")
    rule = make_percent("V", 10, condition=condition)
    coffee = make_line("BEANS", "6", "100.00", segments=["COFFEE"], kg=True)
    other = make_line("CM-100", 20, "100.00", line_id="2")
    assert _one(rule, coffee, other) == [Decimal("0.00"), Decimal("0.00")]
    more = make_line("BEANS-2", "4", "100.00", line_id="3", segments=["COFFEE"], kg=True)
    assert _one(rule, coffee, other, more)[0] == Decimal("60.00")


def test_lines_in_another_currency_are_refused() -> None:
    from salescore.money import Money

    usd = make_line(line_id="2")
    usd = type(usd)("2", usd.product, usd.quantity, Money("10.00", "USD"))
    with pytest.raises(DiscountError, match="line '2' is in USD, the document in RUB"):
        _one(make_percent("A", 1), make_line(), usd)


class Exploding:
    """A plugin condition with a bug."""

    name: ClassVar[str] = "exploding"
    parameters: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        return cls()

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        raise ZeroDivisionError("oops")

    def describe(self) -> str:
        return "explodes"


def test_a_plugin_condition_that_raises_is_reported_with_its_name() -> None:
    registry = ConditionRegistry.builtins().with_plugins(Exploding)
    rule = make_percent("BOOM", 5, condition=leaf("exploding"))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, rule), registry)
    with pytest.raises(PluginError, match="condition 'exploding' of discount 'BOOM' raised"):
        engine.apply([make_line()], make_context())


def test_the_explanation_shows_each_group_its_base_and_the_failed_conditions() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("A", 10, priority=5),
            make_percent("B", 20, condition=leaf("card_kind", kinds=["GOLD"])),
            make_percent("C", 5),
        ],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.MULTIPLY, ["A", "B", "C"])],
    )
    result = DiscountEngine.compile(rules).apply([make_line()], make_context())
    text = result.lines[0].explain().as_text()
    assert "group ROOT (multiply: one after another, each on what remains) = 145.00" in text
    assert "A 'A': 10% discount = 100.00  (on base 1000.00)" in text
    assert "C 'C': 5% discount = 45.00  (on base 900.00)" in text
    assert "card kind in GOLD: failed = no  (card kind is not given)" in (
        result.lines[0].why_not("B").as_text()
    )
    assert "net amount = 855.00 RUB" in text


def test_the_bulk_api_prices_many_documents() -> None:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 10)))
    documents = [([make_line(quantity=n)], make_context()) for n in range(1, 4)]
    results = engine.apply_many(documents)
    assert [r.discount.amount for r in results] == [100, 200, 300]


def test_results_show_their_explanation_in_a_notebook() -> None:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 10)))
    result = engine.apply([make_line()], make_context())
    assert "<table>" in result._repr_html_()
    assert "A &#x27;A&#x27;: 10% discount" in result.lines[0]._repr_html_()
    assert result.as_rows() == [
        {
            "line": "1",
            "gross": "1000.00",
            "discount": "100.00",
            "percent": "10.00",
            "net": "900.00",
            "rules": "A",
        }
    ]


def test_any_of_conditions_on_one_dimension_is_indexed_by_their_union() -> None:
    condition = ConditionExpr.any_of(
        leaf("product", products=["CM-100"]), leaf("product", products=["GR-10"])
    )
    rule = make_percent("EITHER", 5, condition=condition)
    engine = DiscountEngine.compile(make_tree(Combination.ADD, rule))
    lines = [
        make_line("CM-100"),
        make_line("GR-10", line_id="2"),
        make_line("FILTERS", line_id="3"),
    ]
    result = engine.apply(lines, make_context())
    assert [x.discount_amount for x in result.lines] == [50, 50, 0]
    assert "not a candidate: this line's product is not among CM-100, GR-10" in (
        result.lines[2].why_not("EITHER").as_text()
    )


def test_a_rule_whose_own_condition_fails_is_not_said_to_be_displaced() -> None:
    rules = DiscountRuleSet(
        [
            make_percent("HIGH", 7, priority=20, condition=leaf("card_kind", kinds=["GOLD"])),
            make_percent("LOW", 4, priority=10),
        ],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.DISPLACE, ["HIGH", "LOW"])],
    )
    engine = DiscountEngine.compile(rules)
    failed = engine.apply([make_line()], make_context()).lines[0].why_not("HIGH").as_text()
    assert "card kind in GOLD: failed" in failed
    assert "displaced" not in failed
    held = engine.apply([make_line()], make_context(card_kind="GOLD")).lines[0]
    assert "displaced in group ROOT by HIGH (priority 20 over 10)" in held.why_not("LOW").as_text()


def test_payment_forms_are_the_agreements_vocabulary() -> None:
    from salescore.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="unknown payment form 'bank'"):
        ConditionRegistry.builtins().build("payment_form", {"forms": ["bank"]})
    with pytest.raises(InvalidInputError, match="unknown payment form 'credit'"):
        make_context(payment_form="credit")


def test_rules_reached_by_the_document_and_by_the_line_apply_in_priority_order() -> None:
    # In a multiply root, a line's product rule (priority 1) goes before the
    # document's warehouse amount (priority 0), although the index reaches
    # them separately: 10% of 1000.00, then 50.00 off what remains.
    by_warehouse = Discount(
        DiscountId("WH"),
        "Warehouse 50 off",
        DiscountKind.AMOUNT,
        50,
        condition=leaf("warehouse", warehouses=["MAIN"]),
    )
    by_product = make_percent("PR", 10, priority=1, condition=leaf("product", products=["CM-100"]))
    engine = DiscountEngine.compile(make_tree(Combination.MULTIPLY, by_warehouse, by_product))
    line = engine.apply([make_line(price="1000.00")], make_context(warehouse_id="MAIN")).lines[0]
    assert line.rule_ids == ("WH", "PR")
    assert line.discount_amount == Decimal("150.00")
    # The other way round would give 50.00, then 10% of 950.00 = 145.00.
    by_warehouse_first = attrs.evolve(by_warehouse, priority=2)
    engine = DiscountEngine.compile(make_tree(Combination.MULTIPLY, by_warehouse_first, by_product))
    line = engine.apply([make_line(price="1000.00")], make_context(warehouse_id="MAIN")).lines[0]
    assert line.discount_amount == Decimal("145.00")


def test_full_caches_are_emptied_and_give_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from salescore.discounts import engine as engine_module

    rules = [
        make_percent(f"P{i}", i % 9 + 1, condition=leaf("product", products=[f"SKU-{i}"]))
        for i in range(40)
    ]
    tiers = [
        make_percent(
            f"T{q}",
            q,
            priority=q,
            condition=ConditionExpr.all_of(
                leaf("price_group", price_groups=["MACHINES"]), leaf("line_quantity", min=q)
            ),
        )
        for q in (2, 5)
    ]
    rule_set = DiscountRuleSet(
        [*rules, *tiers],
        [
            DiscountGroup(GroupId("ROOT"), "Root", Combination.MULTIPLY, ["BY-PRODUCT", "TIERS"]),
            DiscountGroup(GroupId("BY-PRODUCT"), "P", Combination.MAX, [r.id for r in rules]),
            DiscountGroup(GroupId("TIERS"), "T", Combination.DISPLACE, [t.id for t in tiers]),
        ],
    )
    lines = [
        make_line(f"SKU-{i % 40}", quantity=i % 7 + 1, line_id=str(i), price_group="MACHINES")
        for i in range(120)
    ]
    expected = [
        (x.rule_ids, x.discount_amount)
        for x in DiscountEngine.compile(rule_set).apply(lines, make_context()).lines
    ]
    for name in ("_PROGRAM_CACHE_SIZE", "_PLAN_CACHE_SIZE", "_MEMO_SIZE"):
        monkeypatch.setattr(engine_module, name, 2)
    small = DiscountEngine.compile(rule_set)
    for _ in range(2):  # the second pass meets caches emptied by the first
        found = [(x.rule_ids, x.discount_amount) for x in small.apply(lines, make_context()).lines]
        assert found == expected
    assert len(small._programs) <= 2
    assert len(small._plans) <= 2


@pytest.mark.parametrize("gift_priority", [0, 9])
def test_a_gift_in_a_displace_group_is_outside_the_combination(gift_priority: int) -> None:
    # The seeds' combination rules compare values of discounts [скидки (наценки)]; a gift
    # has no value on the line, so it is granted whenever it holds and the group's rule
    # decides among the others: a low-priority gift is not displaced, a high-priority
    # gift displaces nothing.
    gift = Discount(
        DiscountId("CUP"),
        "A cup",
        DiscountKind.GIFT,
        gift_product_id=ProductId("CUP"),
        buy_quantity=1,
        priority=gift_priority,
    )
    rule_set = make_tree(Combination.DISPLACE, make_percent("TEN", 10, priority=5), gift)
    result = DiscountEngine.compile(rule_set).apply([make_line(quantity=2)], make_context())
    (line,) = result.lines
    assert line.rule_ids == ("TEN", "CUP")
    assert line.discount_amount == Decimal("200.00")
    assert [(g.product_id, g.quantity) for g in result.gifts] == [("CUP", Decimal(2))]
    assert "displaced" not in line.why_not("CUP").as_text()


def _markup_engine(policy: LimitPolicy) -> DiscountEngine:
    markup = Discount(DiscountId("UP"), "Manager's markup", markup=True, mode=Mode.MANUAL)
    limit = ManualDiscountLimit(
        LimitId("L"),
        10,
        user="petrov",
        markup_percent=5,
        markup_price_group_percents={PriceGroupId("MACHINES"): 2},
    )
    rules = DiscountRuleSet([markup], [DiscountGroup(GroupId("R"), "R", children=["UP"])], [limit])
    return DiscountEngine.compile(rules, limit_policy=policy)


def test_a_manual_markup_above_its_price_group_limit_is_refused_as_a_discount_is() -> None:
    engine = _markup_engine(LimitPolicy.REFUSE)
    line = make_line(price_group="MACHINES", manual={"UP": 3})
    with pytest.raises(
        DiscountLimitExceededError, match=r"manual markup 3.00% is above the limit 2%"
    ):
        engine.apply([line], make_context(user="petrov"))


def test_a_manual_markup_above_its_limit_is_a_deviation_and_within_it_passes() -> None:
    engine = _markup_engine(LimitPolicy.DEVIATION)
    within = engine.apply([make_line(manual={"UP": 5})], make_context(user="petrov"))
    assert within.deviations == ()
    assert within.lines[0].discount_amount == Decimal("-50.00")  # 5% of 1000.00, a markup
    above = engine.apply([make_line(manual={"UP": 6})], make_context(user="petrov"))
    (excess,) = above.deviations
    assert excess.kind == "manual_markup_over_limit"
    assert (excess.figures["percent"], excess.figures["limit"]) == ("6.00", "5")
    assert above.lines[0].net.amount == Decimal("1060.00")  # applied, pending approval
    assert "needs approval: line 1 (CM-100): manual markup 6.00%" in (
        above.lines[0].explain().as_text()
    )


def test_the_agreement_markup_limit_in_the_context_is_the_tighter_one() -> None:
    engine = _markup_engine(LimitPolicy.DEVIATION)
    context = make_context(
        user="petrov", agreement_id="AGR-1", manual_markup_limit_percent=Decimal("1.5")
    )
    (excess,) = engine.apply([make_line(manual={"UP": 2})], context).deviations
    assert (excess.figures["limit"], excess.figures["source"]) == ("1.5", "agreement AGR-1")


def test_a_markup_is_not_held_against_the_discount_limit() -> None:
    engine = _manual_engine(LimitPolicy.REFUSE)  # discount limit 10 %, no markup limit
    markup = Discount(DiscountId("UP"), "Markup", markup=True, mode=Mode.MANUAL)
    rules = attrs.evolve(
        engine.rule_set,
        discounts=(*engine.rule_set.discounts, markup),
        groups=(DiscountGroup(GroupId("R"), "R", children=["M", "UP"]),),
    )
    engine = DiscountEngine.compile(rules, limit_policy=LimitPolicy.REFUSE)
    result = engine.apply([make_line(manual={"UP": 30})], make_context(user="petrov"))
    assert result.lines[0].discount_amount == Decimal("-300.00")


def test_a_negative_markup_limit_is_refused() -> None:
    with pytest.raises(DiscountError, match="a markup limit cannot be negative"):
        ManualDiscountLimit(LimitId("L"), 10, user="petrov", markup_percent=-1)


# --- document amounts, limit excess figures, conditions (mutation examples) ---


def _document_amount(ident: str, value: int, mode: Mode = Mode.AUTOMATIC) -> Discount:
    return Discount(
        DiscountId(ident), ident, DiscountKind.AMOUNT, value, AmountBasis.DOCUMENT, mode=mode
    )


def _two_lines() -> list[SaleLine]:
    return [make_line(price="1000.00"), make_line(line_id="2", price="2000.00")]


def test_a_typed_manual_document_amount_is_spread_by_line_amount() -> None:
    # 300.00 typed for the document, over lines of 1000.00 and 2000.00: 100.00 and 200.00.
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, _document_amount("MD", 0, mode=Mode.MANUAL))
    )
    result = engine.apply(_two_lines(), make_context(manual_discounts={"MD": "300"}))
    assert [x.discount_amount for x in result.lines] == [Decimal("100.00"), Decimal("200.00")]


def test_a_typed_value_for_an_automatic_document_amount_is_ignored() -> None:
    # The rule's own 90.00 is spread (30.00 and 60.00), not the 300 typed for it.
    engine = DiscountEngine.compile(make_tree(Combination.ADD, _document_amount("AD", 90)))
    result = engine.apply(_two_lines(), make_context(manual_discounts={"AD": "300"}))
    assert [x.discount_amount for x in result.lines] == [Decimal("30.00"), Decimal("60.00")]


def test_a_document_amount_over_lines_of_no_amount_is_spread_evenly() -> None:
    # Two free lines (one of 1 unit, one of 3): 100.00 gives each a share of 50.00, shown
    # in the explanation; the discount stays 0.00, as a line of no amount takes none.
    engine = DiscountEngine.compile(make_tree(Combination.ADD, _document_amount("DOC", 100)))
    lines = [make_line(price="0.00"), make_line(line_id="2", quantity=3, price="0.00")]
    result = engine.apply(lines, make_context())
    assert [x.discount_amount for x in result.lines] == [Decimal("0.00"), Decimal("0.00")]
    for item in result.lines:
        assert "DOC 'DOC': 100 per document discount = 50.00" in item.explain().as_text()


def test_only_document_amounts_are_kept_as_shares_of_the_lines() -> None:
    # A per-line amount (15.00 on each line) beside a document amount of 100.00 over lines
    # of 1000.00 and 1500.00: only the document amount is spread (40.00 and 60.00).
    per_line = Discount(DiscountId("LINE15"), "LINE15", DiscountKind.AMOUNT, 15, AmountBasis.LINE)
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, per_line, _document_amount("DOC", 100))
    )
    lines = [make_line(price="1000.00"), make_line(line_id="2", price="1500.00")]
    result = engine.apply(lines, make_context())
    assert [x.discount_amount for x in result.lines] == [Decimal("55.00"), Decimal("75.00")]
    evidence = result.lines[0].evidence
    assert evidence is not None
    shares = evidence_parts(evidence).shares
    assert [sorted(s.values()) for s in shares] == [[Decimal("40.00")], [Decimal("60.00")]]


def test_a_limit_excess_carries_the_line_percent_limit_source_and_user() -> None:
    # 3 % typed on line 7, of price group MACHINES, above user petrov's 2 % for that group.
    line = make_line(line_id="7", price_group="MACHINES", manual={"M": 3})
    result = _manual_engine(LimitPolicy.DEVIATION).apply([line], make_context(user="petrov"))
    (excess,) = result.deviations
    assert excess.figures == {
        "line": "7",
        "percent": "3.00",
        "limit": "2",
        "source": "limit L (user petrov)",
        "user": "petrov",
    }
    with pytest.raises(DiscountLimitExceededError) as caught:
        _manual_engine(LimitPolicy.REFUSE).apply([line], make_context(user="petrov"))
    assert caught.value.details == excess.figures


def test_a_limit_excess_without_a_user_names_an_empty_user() -> None:
    # The agreement's 2.5 % in the context, no user: 3 % on line 1 is above it.
    line = make_line(manual={"M": 3})
    context = make_context(agreement_id="AGR-1", manual_limit_percent="2.5")
    (excess,) = _manual_engine(LimitPolicy.DEVIATION).apply([line], context).deviations
    assert excess.figures == {
        "line": "1",
        "percent": "3.00",
        "limit": "2.5",
        "source": "agreement AGR-1",
        "user": "",
    }


def test_a_refined_limit_given_as_a_float_is_refused_and_named_when_the_sale_is_described() -> None:
    with pytest.raises(
        InvalidAmountError,
        match=r"^manual_limit_by_price_group cannot be built from a float \(5\.5\)",
    ):
        make_context(manual_limit_percent="10", manual_limit_by_price_group={"PG": 5.5})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("manual_limit_percent", "-1"),
        ("manual_markup_limit_percent", "100.5"),
        ("manual_limit_by_price_group", {"PG": "-5"}),
        ("manual_markup_limit_by_price_group", {"PG": "101"}),
    ],
)
def test_a_manual_limit_outside_0_to_100_is_refused_naming_its_field(
    field: str, value: object
) -> None:
    """A limit below 0 would refuse even a 0 % manual discount: refused, as stored
    agreements refuse it, naming the context's field."""
    with pytest.raises(DiscountError, match=rf"^{field} must be a percent in 0\.\.100") as error:
        make_context(**{field: value})
    assert error.value.details["field"] == field


def test_a_refined_limit_is_the_one_of_the_line_s_price_group() -> None:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("R", 1)))
    context = make_context(manual_limit_percent="10", manual_limit_by_price_group={"PG": "5.5"})
    assert engine.limit_for(context, "PG") == (Decimal("5.5"), "agreement")
    assert engine.limit_for(context, "OTHER") == (Decimal(10), "agreement")


def test_the_conditions_of_a_discount_are_named_and_a_discount_without_any_has_none() -> None:
    where = ConditionExpr.leaf("warehouse", warehouses=["MAIN"])
    engine = DiscountEngine.compile(
        make_tree(
            Combination.ADD, make_percent("PLAIN", 1), make_percent("MAIN", 2, condition=where)
        )
    )
    assert engine.conditions("PLAIN") == []
    ((name, condition),) = engine.conditions("MAIN")
    assert name == "warehouse"
    assert isinstance(condition, WarehouseCondition)
    assert condition.values == frozenset({"MAIN"})


def test_a_free_line_reached_by_rules_of_the_document_and_of_its_product_gets_nothing() -> None:
    # 5 % for every sale and 10 % for CM-100: a paid line of 1000.00 gets 150.00; a free
    # line (price 0.00) of the same product gets 0.00, without an error.
    rules = make_tree(
        Combination.ADD,
        make_percent("ALL5", 5),
        make_percent("CM10", 10, condition=leaf("product", products=["CM-100"])),
    )
    lines = [make_line(quantity=2, price="0.00"), make_line(line_id="2", price="1000.00")]
    result = DiscountEngine.compile(rules).apply(lines, make_context())
    assert [x.discount_amount for x in result.lines] == [Decimal("0.00"), Decimal("150.00")]
    assert [x.rule_ids for x in result.lines] == [("ALL5", "CM10"), ("ALL5", "CM10")]


def test_gifts_for_every_sale_and_for_the_product_are_both_granted_without_a_discount() -> None:
    # A cup for every unit bought (no condition) and a bag for every 2 coffee makers:
    # 2 coffee makers bring 2 cups and 1 bag, and the line keeps its price.
    cup = Discount(
        DiscountId("CUP"),
        "Cup",
        DiscountKind.GIFT,
        gift_product_id=ProductId("CUP"),
        buy_quantity=1,
    )
    bag = Discount(
        DiscountId("BAG"),
        "Bag",
        DiscountKind.GIFT,
        gift_product_id=ProductId("BAG"),
        buy_quantity=2,
        condition=leaf("product", products=["CM-100"]),
    )
    result = DiscountEngine.compile(make_tree(Combination.ADD, cup, bag)).apply(
        [make_line(quantity=2)], make_context()
    )
    assert result.lines[0].discount_amount == Decimal("0.00")
    assert result.lines[0].rule_ids == ("CUP", "BAG")
    assert [(g.discount_id, g.product_id, g.quantity) for g in result.gifts] == [
        ("CUP", "CUP", Decimal(2)),
        ("BAG", "BAG", Decimal(1)),
    ]


# --- compiling (mutation examples) ---


def test_a_broken_rule_set_is_refused_naming_the_discount_rule_set() -> None:
    broken = DiscountRuleSet(
        [make_percent("A", 1)],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.ADD, ["A", "NOPE"])],
    )
    with pytest.raises(IssuesError) as raised:
        DiscountEngine.compile(broken)
    assert str(raised.value) == (
        "the discount rule set has 1 error(s):\n"
        "  error: groups.ROOT.children[1]: 'NOPE' is neither a discount nor a group"
        " [unknown_child]"
    )


class AtLeast:
    """A plugin condition: the line's quantity is at least ``min``."""

    name: ClassVar[str] = "at_least"
    parameters: ClassVar[Mapping[str, str]] = {"min": "smallest quantity"}

    def __init__(self, minimum: Decimal) -> None:
        self.minimum = minimum

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        if "min" not in params:
            raise DiscountError("condition 'at_least': give min")
        return cls(Decimal(params["min"]))

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        return ctx.line is not None and ctx.line.quantity.value >= self.minimum

    def describe(self) -> str:
        return f"at least {self.minimum}"


def _at_least_rules(*rules: Discount) -> tuple[DiscountEngine, ConditionRegistry]:
    registry = ConditionRegistry.builtins().with_plugins(AtLeast)
    return DiscountEngine.compile(make_tree(Combination.ADD, *rules), registry), registry


def test_a_plugin_condition_is_built_for_each_rule_even_when_written_alike() -> None:
    engine, _ = _at_least_rules(
        make_percent("A", 1, condition=leaf("at_least", min=2)),
        make_percent("B", 2, condition=leaf("at_least", min=2)),
    )
    ((_, first),) = engine.conditions("A")
    ((_, second),) = engine.conditions("B")
    assert isinstance(first, AtLeast)
    assert isinstance(second, AtLeast)
    assert first is not second


def test_a_plugin_refusing_its_parameters_is_named_by_the_rules_path() -> None:
    with pytest.raises(DiscountError) as raised:
        _at_least_rules(make_percent("BAD", 1, condition=leaf("at_least")))
    assert str(raised.value) == "discounts.BAD.condition: condition 'at_least': give min"


def test_the_engine_keeps_its_registry_to_explain_stored_evidence_again() -> None:
    # 5 % for at least 2 units, on 3 units of 1000.00: 150.00. Its evidence, stored as parts
    # and made again with the engine's registry (a plugin's condition), explains as before.
    engine, registry = _at_least_rules(make_percent("A", 5, condition=leaf("at_least", min=2)))
    assert engine.registry is registry
    assert DiscountEngine.compile(make_tree(Combination.ADD)).registry.names() == (
        ConditionRegistry.builtins().names()
    )
    item = engine.apply([make_line(quantity=3, price="1000.00")], make_context()).lines[0]
    assert item.discount_amount == Decimal("150.00")
    assert item.evidence is not None
    again = evidence_of_parts(evidence_parts(item.evidence), engine.registry)
    assert attrs.evolve(item, evidence=again).explain() == item.explain()


@pytest.mark.parametrize("enabled", [True, False])
def test_compiling_leaves_the_garbage_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        if enabled:
            gc.enable()
        else:
            gc.disable()
        DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 1)))
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_a_rule_set_compiled_under_a_callers_narrow_decimal_context_keeps_its_figures() -> None:
    # 12.345 % of 1000.00 is 123.45; a caller's context of 3 digits would make it 123.00.
    rules = make_tree(Combination.ADD, make_percent("ODD", "12.345"))
    with localcontext(Context(prec=3)):
        engine = DiscountEngine.compile(rules)
    result = engine.apply([make_line(price="1000.00")], make_context())
    assert result.lines[0].discount_amount == Decimal("123.45")


@pytest.mark.parametrize("field", ["manual_limit_percent", "manual_markup_limit_percent"])
@pytest.mark.parametrize("edge", ["0", "100"])
def test_a_manual_limit_of_0_or_100_is_taken_as_given(field: str, edge: str) -> None:
    assert getattr(make_context(**{field: edge}), field) == Decimal(edge)


@pytest.mark.parametrize(
    "field", ["manual_limit_by_price_group", "manual_markup_limit_by_price_group"]
)
def test_refined_limits_at_the_edges_and_unset_read_as_percents(field: str) -> None:
    """0 and 100 are limits; a group given no figure (None) is limited to 0 %, as an
    agreement's terms read it."""
    context = make_context(**{field: {"A": "0", "B": "100", "C": None}})
    assert getattr(context, field) == {"A": Decimal(0), "B": Decimal(100), "C": Decimal(0)}


def test_a_manual_limit_out_of_range_is_refused_in_full_words() -> None:
    with pytest.raises(DiscountError) as error:
        make_context(manual_limit_percent="-0.5")
    assert str(error.value) == (
        "manual_limit_percent must be a percent in 0..100, got -0.5: a limit below 0 would "
        "refuse every manual discount, even 0 %"
    )
