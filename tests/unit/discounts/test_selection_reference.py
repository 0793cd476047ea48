"""Which rules apply to a line and what they give: the engine against a plain reference.

The engine reaches its rules through an index, splits conditions into
document and line parts, caches what a line's product can reach and stops
testing a ``displace`` group once a sibling holds. The reference below does
none of that: it evaluates every rule's whole condition on every line, then
applies the documented displacement rule (in a ``displace`` group only the
holding non-gift rule of highest priority, first declared on a tie, counts;
a gift is outside every combination: it neither displaces its siblings nor
is displaced by them, and is granted whenever it holds), and combines the holding
rules group by group with :func:`~salescore.discounts.combination.combine`.
Both must pick the same rules and give the same discount, to the kopeck, for
any rule set and any document.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.discounts import (
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
    Mode,
    SaleContext,
    SaleLine,
)
from salescore.discounts.combination import Child, combine
from salescore.discounts.sale import DocumentFacts
from salescore.money import Money, Quantity
from salescore.parties import PriceGroupId, Product, ProductId, SegmentId, WarehouseId

from .conftest import MOMENT

PRODUCTS = ["P0", "P1", "P2", "P3"]
SEGMENTS = ["S0", "S1", "S2"]
PRICE_GROUPS = ["G0", "G1"]
WAREHOUSES = ["W0", "W1"]
CLIENT_SEGMENTS = ["C0", "C1"]
REGISTRY = ConditionRegistry.builtins()
TODAY = MOMENT.date()


def _some(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True)


LEAVES = st.one_of(
    _some(PRODUCTS).map(lambda v: ConditionExpr.leaf("product", products=v)),
    _some(SEGMENTS).map(lambda v: ConditionExpr.leaf("nomenclature_segment", segments=v)),
    _some(PRICE_GROUPS).map(lambda v: ConditionExpr.leaf("price_group", price_groups=v)),
    _some(WAREHOUSES).map(lambda v: ConditionExpr.leaf("warehouse", warehouses=v)),
    _some(CLIENT_SEGMENTS).map(lambda v: ConditionExpr.leaf("client_segment", segments=v)),
    st.integers(1, 8).map(lambda n: ConditionExpr.leaf("line_quantity", min=n)),
    st.integers(2, 30).map(lambda n: ConditionExpr.leaf("sale_volume", min_quantity=n)),
)


def _combined(children: st.SearchStrategy[ConditionExpr]) -> st.SearchStrategy[ConditionExpr]:
    many = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        many.map(lambda c: ConditionExpr.all_of(*c)),
        many.map(lambda c: ConditionExpr.any_of(*c)),
        children.map(lambda c: ConditionExpr("not", children=(c,))),
    )


CONDITIONS = st.one_of(st.none(), LEAVES, _combined(LEAVES), _combined(_combined(LEAVES)))


@st.composite
def rule_sets(draw: st.DrawFn) -> DiscountRuleSet:
    combinations = list(Combination)
    groups = [
        GroupId(f"G-{i}") for i in range(draw(st.integers(0, 3)))
    ]  # child groups under the root
    homes: dict[str, list[str]] = {"ROOT": [str(g) for g in groups], **{g: [] for g in groups}}
    discounts = []
    for i in range(draw(st.integers(1, 12))):
        ident = DiscountId(f"R{i}")
        gift = draw(st.integers(0, 9)) == 0
        valid_from, valid_to = draw(
            st.sampled_from(
                [
                    (None, None),
                    (None, None),
                    (None, None),
                    (None, date(2026, 1, 1)),  # expired
                    (date(2027, 1, 1), None),  # not yet in force
                    (TODAY, TODAY),
                ]
            )
        )
        kind = (
            DiscountKind.GIFT
            if gift
            else DiscountKind.AMOUNT
            if draw(st.integers(0, 5)) == 0  # an amount per line
            else DiscountKind.PERCENT
        )
        discounts.append(
            Discount(
                ident,
                ident,
                kind,
                value=0 if gift else draw(st.integers(1, 30)),
                markup=not gift and draw(st.integers(0, 6)) == 0,
                mode=Mode.MANUAL if draw(st.integers(0, 5)) == 0 else Mode.AUTOMATIC,
                priority=draw(st.integers(0, 2)),
                condition=draw(CONDITIONS),
                gift_product_id=ProductId("GIFT") if gift else None,
                buy_quantity=1 if gift else 0,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
        homes[draw(st.sampled_from(sorted(homes)))].append(ident)
    tree = [
        DiscountGroup(
            GroupId(name),
            name,
            draw(st.sampled_from(combinations))
            if name == "ROOT"
            else draw(st.sampled_from([*combinations, Combination.DISPLACE, Combination.DISPLACE])),
            children,
        )
        for name, children in homes.items()
        if children or name == "ROOT"
    ]
    # An empty child group cannot be listed: drop it from the root.
    known = {g.id for g in tree} | {d.id for d in discounts}
    root = tree[0]
    tree[0] = DiscountGroup(
        root.id, root.name, root.combination, [c for c in root.children if c in known]
    )
    return DiscountRuleSet(discounts, tree)


@st.composite
def documents(draw: st.DrawFn, rule_ids: list[str]) -> tuple[list[SaleLine], SaleContext]:
    manual = st.dictionaries(st.sampled_from(rule_ids), st.none(), max_size=2)
    lines = []
    for n in range(draw(st.integers(1, 6))):
        product = draw(st.sampled_from(PRODUCTS))
        group = draw(st.sampled_from([None, *PRICE_GROUPS]))
        item = Product(
            ProductId(product), product, price_group_id=PriceGroupId(group) if group else None
        )
        lines.append(
            SaleLine(
                str(n),
                item,
                Quantity(draw(st.integers(1, 10))),
                Money(Decimal(draw(st.integers(0, 99_999))) / 100, "RUB"),
                frozenset(SegmentId(s) for s in draw(st.lists(st.sampled_from(SEGMENTS)))),
                manual_discounts=draw(manual),
            )
        )
    scope = draw(st.none() | st.lists(st.sampled_from([*rule_ids, "ROOT", "G-0", "G-1"])))
    context = SaleContext(
        MOMENT,
        client_segment_ids=frozenset(draw(st.lists(st.sampled_from(CLIENT_SEGMENTS)))),
        warehouse_id=draw(st.sampled_from([None, *(WarehouseId(w) for w in WAREHOUSES)])),
        discount_scope=scope,
        manual_discounts=draw(manual),
    )
    return lines, context


def _holds(expr: ConditionExpr, ctx: ConditionContext) -> bool:
    if expr.op == "cond":
        return bool(REGISTRY.build(expr.name, expr.params, "reference").is_satisfied(ctx))
    results = [_holds(child, ctx) for child in expr.children]
    return (
        all(results) if expr.op == "all" else any(results) if expr.op == "any" else not results[0]
    )


def reference(
    rule_set: DiscountRuleSet, lines: list[SaleLine], context: SaleContext
) -> list[tuple[set[str], Decimal]]:
    """The rules applying to each line and its discount, found the slow and obvious way."""
    parent = {child: g for g in rule_set.groups for child in g.children}

    def above(ident: str) -> set[str]:
        found = {ident}
        while ident in parent:
            ident = parent[ident].id
            found.add(ident)
        return found

    facts = DocumentFacts.of(lines)
    out = []
    for line in lines:
        ctx = ConditionContext(context, facts, line)
        holding = []
        for rule in rule_set.discounts:
            chosen = rule.id in line.manual_discounts or rule.id in context.manual_discounts
            in_force = (rule.valid_from is None or rule.valid_from <= TODAY) and (
                rule.valid_to is None or rule.valid_to >= TODAY
            )
            scoped = context.discount_scope is None or bool(context.discount_scope & above(rule.id))
            met = rule.condition is None or _holds(rule.condition, ctx)
            if (chosen or not rule.is_manual) and in_force and scoped and met:
                holding.append(rule)

        def displaced(rule: Discount, holding: list[Discount]) -> bool:
            home = parent[rule.id]
            if home.combination is not Combination.DISPLACE or rule.kind is DiscountKind.GIFT:
                return False
            order = list(home.children)
            return any(
                other.id in order
                and other.kind is not DiscountKind.GIFT
                and (other.priority, -order.index(other.id))
                > (rule.priority, -order.index(rule.id))
                for other in holding
            )

        applying = [r for r in holding if not displaced(r, holding)]
        exact = _group_amount(rule_set, "ROOT", {r.id: r for r in applying}, line.amount)
        out.append(({str(r.id) for r in applying}, exact.quantize(Decimal("0.01"), ROUND_HALF_UP)))
    return out


def _group_amount(
    rule_set: DiscountRuleSet, group_id: str, applying: dict[str, Discount], base: Decimal
) -> Decimal:
    """The amount group ``group_id`` gives on ``base``: the algebra, step by step."""
    groups: dict[str, DiscountGroup] = {g.id: g for g in rule_set.groups}
    group = groups[group_id]

    def reaches(ident: str) -> bool:
        if ident in groups:
            return any(reaches(c) for c in groups[ident].children)
        rule = applying.get(ident)
        return rule is not None and rule.kind is not DiscountKind.GIFT

    def amount_on(ident: str) -> Any:
        if ident in groups:
            return lambda b: _group_amount(rule_set, ident, applying, b)
        rule = applying[ident]
        sign = -1 if rule.markup else 1
        if rule.kind is DiscountKind.AMOUNT:
            return lambda b: sign * rule.value
        return lambda b: sign * b * rule.value / 100

    priority: dict[str, int] = {d.id: d.priority for d in rule_set.discounts} | {
        g.id: g.priority for g in rule_set.groups
    }
    children: list[Child[None]] = [
        Child(c, priority[c], amount_on(c)) for c in group.children if reaches(c)
    ]
    return combine(group.combination, base, children)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_engine_picks_the_rules_a_plain_reference_picks(data: Any) -> None:
    rule_set = data.draw(rule_sets())
    engine = DiscountEngine.compile(rule_set)
    for _ in range(3):
        lines, context = data.draw(documents([d.id for d in rule_set.discounts]))
        expected = reference(rule_set, lines, context)
        result = engine.apply(lines, context)
        found = [(set(x.rule_ids), x.discount_amount) for x in result.lines]
        assert found == expected
        # The bulk path answers the same, document after document.
        (again,) = engine.apply_many([(lines, context)])
        assert [x.rule_ids for x in again.lines] == [x.rule_ids for x in result.lines]
