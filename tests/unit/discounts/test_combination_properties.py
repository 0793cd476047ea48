"""Property tests of the combination algebra and of the engine's money invariants."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from salescore.discounts import (
    AmountBasis,
    Child,
    Combination,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    combine,
)

from .conftest import make_context, make_line

CENT = Decimal("0.01")
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
prices = st.integers(min_value=1, max_value=10**7).map(lambda c: Decimal(c) / 100)
quantities = st.integers(min_value=1, max_value=50)


def _percent_rules(values: list[Decimal]) -> list[Discount]:
    return [Discount(DiscountId(f"P{i}"), f"P{i}", value=v) for i, v in enumerate(values)]


def _engine(combination: Combination, rules: list[Discount]) -> DiscountEngine:
    root = DiscountGroup(GroupId("ROOT"), "Root", combination, [r.id for r in rules])
    return DiscountEngine.compile(DiscountRuleSet(rules, [root]))


def _discount(engine: DiscountEngine, price: Decimal, quantity: int) -> Decimal:
    line = make_line("X", quantity, str(price))
    return engine.apply([line], make_context()).lines[0].discount_amount


@settings(max_examples=100)
@given(st.lists(percents, min_size=1, max_size=5), prices, quantities)
def test_add_of_percents_equals_the_percent_of_their_sum(
    values: list[Decimal], price: Decimal, quantity: int
) -> None:
    total = min(sum(values, Decimal(0)), Decimal(100))
    gross = price * quantity
    expected = (gross * total / 100).quantize(CENT, ROUND_HALF_UP)
    assert _discount(_engine(Combination.ADD, _percent_rules(values)), price, quantity) == expected


@settings(max_examples=100)
@given(st.lists(percents, min_size=1, max_size=5), prices, quantities)
def test_multiply_of_percents_leaves_the_product_of_the_remainders(
    values: list[Decimal], price: Decimal, quantity: int
) -> None:
    gross = price * quantity
    remainder = Decimal(1)
    for value in values:
        remainder *= 1 - value / 100
    expected = (gross - gross * remainder).quantize(CENT, ROUND_HALF_UP)
    found = _discount(_engine(Combination.MULTIPLY, _percent_rules(values)), price, quantity)
    assert found == expected


def _mixed(draw: st.DrawFn) -> list[Discount]:
    rules = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from([DiscountKind.PERCENT, DiscountKind.AMOUNT]))
        value = draw(percents) if kind is DiscountKind.PERCENT else draw(prices)
        basis = draw(st.sampled_from([AmountBasis.UNIT, AmountBasis.LINE]))
        markup = draw(st.booleans())
        rules.append(
            Discount(
                DiscountId(f"R{i}"),
                f"R{i}",
                kind,
                value,
                basis=basis,
                markup=markup,
                priority=draw(st.integers(0, 3)),
            )
        )
    return rules


mixed_rules = st.composite(_mixed)


@settings(max_examples=100)
@given(st.data(), st.sampled_from([Combination.MAX, Combination.MIN]), prices, quantities)
def test_max_and_min_do_not_depend_on_the_order_of_the_rules(
    data: st.DataObject, combination: Combination, price: Decimal, quantity: int
) -> None:
    rules = data.draw(mixed_rules())
    shuffled = data.draw(st.permutations(rules))
    first = _discount(_engine(combination, rules), price, quantity)
    second = _discount(_engine(combination, list(shuffled)), price, quantity)
    assert first == second


@settings(max_examples=100)
@given(
    mixed_rules(),
    st.sampled_from(list(Combination)),
    st.sampled_from(list(Combination)),
    prices,
    quantities,
)
def test_a_line_discount_never_exceeds_the_line_amount(
    rules: list[Discount],
    outer: Combination,
    inner: Combination,
    price: Decimal,
    quantity: int,
) -> None:
    rules = [r for r in rules if not r.markup] or rules[:1]
    half = len(rules) // 2
    inner_group = DiscountGroup(GroupId("INNER"), "Inner", inner, [r.id for r in rules[:half]])
    children = ["INNER", *[r.id for r in rules[half:]]]
    root = DiscountGroup(GroupId("ROOT"), "Root", outer, children)
    engine = DiscountEngine.compile(DiscountRuleSet(rules, [root, inner_group]))
    result = engine.apply([make_line("X", quantity, str(price))], make_context()).lines[0]
    if all(not r.markup for r in rules):
        assert Decimal(0) <= result.discount_amount <= result.gross_amount
    assert result.net.amount >= 0


@settings(max_examples=100)
@given(
    st.lists(st.tuples(prices, quantities), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=10**6),
)
def test_a_document_amount_is_spread_over_lines_to_the_exact_minor_unit(
    lines: list[tuple[Decimal, int]], share: int
) -> None:
    sale = [make_line("X", q, str(p), line_id=str(i)) for i, (p, q) in enumerate(lines)]
    gross = sum((x.amount for x in sale), Decimal(0))
    value = min(Decimal(share) / 100, gross)
    rule = Discount(DiscountId("DOC"), "Doc", DiscountKind.AMOUNT, value, AmountBasis.DOCUMENT)
    result = _engine(Combination.ADD, [rule]).apply(sale, make_context())
    assert sum((x.discount_amount for x in result.lines), Decimal(0)) == value


@given(st.lists(percents, min_size=1, max_size=6), prices)
def test_the_algebra_is_total_for_any_children(values: list[Decimal], base: Decimal) -> None:
    def percent_of(value: Decimal) -> Callable[[Decimal], Decimal]:
        return lambda b: b * value / 100

    children: list[Child[None]] = [
        Child(str(i), i % 3, percent_of(v)) for i, v in enumerate(values)
    ]
    for combination in Combination:
        amount = combine(combination, base, children)
        assert Decimal(0) <= amount <= base


@settings(max_examples=100)
@example(  # a 0% markup once gave a discount of "-0.00"
    specs=[(Decimal("0.00"), True, 0)],
    combinations=[Combination.MAX] * 3,
    price=Decimal("0.01"),
    quantity=1,
)
@given(
    st.lists(st.tuples(percents, st.booleans(), st.integers(0, 3)), min_size=1, max_size=7),
    st.lists(st.sampled_from(list(Combination)), min_size=3, max_size=3),
    prices,
    quantities,
)
def test_a_tree_of_percents_folded_into_one_factor_gives_the_step_by_step_result(
    specs: list[tuple[Decimal, bool, int]],
    combinations: list[Combination],
    price: Decimal,
    quantity: int,
) -> None:
    rules = [
        Discount(DiscountId(f"R{i}"), f"R{i}", value=v, markup=m, priority=p)
        for i, (v, m, p) in enumerate(specs)
    ]
    third = max(1, len(rules) // 3)
    inner = DiscountGroup(GroupId("INNER"), "I", combinations[2], [r.id for r in rules[:third]])
    middle = DiscountGroup(
        GroupId("MIDDLE"), "M", combinations[1], ["INNER", *[r.id for r in rules[third:-1]]]
    )
    root = DiscountGroup(GroupId("ROOT"), "Root", combinations[0], ["MIDDLE", rules[-1].id])
    if len(rules) == 1:
        inner = DiscountGroup(GroupId("INNER"), "I", combinations[2], [rules[0].id])
        middle = DiscountGroup(GroupId("MIDDLE"), "M", combinations[1], ["INNER"])
        root = DiscountGroup(GroupId("ROOT"), "Root", combinations[0], ["MIDDLE"])
    engine = DiscountEngine.compile(DiscountRuleSet(rules, [root, middle, inner]))
    line = engine.apply([make_line("X", quantity, str(price))], make_context()).lines[0]
    # The explanation walks the unfolded tree, group by group, with combine().
    (rounded,) = [s for s in line.explain().steps if s.description.startswith("discount,")]
    assert rounded.value == f"{line.discount_amount} RUB"
