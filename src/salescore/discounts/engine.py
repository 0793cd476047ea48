"""The discount engine: a rule set compiled into an index, applied to documents in bulk (C1–C8).

:meth:`DiscountEngine.compile` checks the tree, builds every condition
through the :class:`~salescore.discounts.conditions.ConditionRegistry` and
indexes each rule by what it requires (a product, a nomenclature segment, a
price group, a client, a warehouse …). Applying the engine to a document
checks each line only against the rules its product, segments and price
group can reach plus the rules its document can reach, so the cost of a
line grows with the rules that can apply to it, not with the size of the
rule set. What the index reaches from a product, segments and price group
is prepared once; the document's rules and the line's rules each have a
cached combination plan, merged per line.

The combination follows :mod:`salescore.discounts.combination`; the final
discount of a line is rounded half up to minor units once. Explanations are
built lazily, when asked for, by re-running the line with tracing.

>>> from datetime import datetime
>>> from decimal import Decimal
>>> from salescore.discounts.model import (Combination, ConditionExpr, Discount,
...     DiscountGroup, DiscountKind, DiscountRuleSet)
>>> from salescore.discounts.sale import SaleContext, SaleLine
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> rules = DiscountRuleSet(
...     (Discount("MAIN5", "Main warehouse 5%", DiscountKind.PERCENT, 5,
...               condition=ConditionExpr.leaf("warehouse", warehouses=["MAIN"])),
...      Discount("FREE5", "Fifth is free", DiscountKind.FREE_UNITS, buy_quantity=4,
...               free_quantity=1, condition=ConditionExpr.leaf("product", products=["CM-100"]))),
...     (DiscountGroup("ROOT", "All", Combination.MAX, ("MAIN5", "FREE5")),))
>>> engine = DiscountEngine.compile(rules)
>>> line = SaleLine("1", Product(ProductId("CM-100"), "Coffee maker"), Quantity(5),
...                 Money("1000.00", "RUB"))
>>> result = engine.apply([line], SaleContext(datetime(2026, 3, 2, 10), warehouse_id="MAIN"))
>>> result.lines[0].discount, result.lines[0].net
(Money('1000.00', 'RUB'), Money('4000.00', 'RUB'))
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from operator import attrgetter
from typing import Any

import attrs

from salescore.discounts.checks import structure_issues
from salescore.discounts.combination import TraceStep, combine
from salescore.discounts.conditions import (
    BUILTIN_CONDITIONS,
    DOCUMENT_DIMENSIONS,
    LINE_DIMENSIONS,
    MULTI_VALUED_DIMENSIONS,
    ConditionContext,
    ConditionRegistry,
    DiscountCondition,
    Threshold,
)
from salescore.discounts.model import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountKind,
    DiscountRuleSet,
    ManualDiscountLimit,
)
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine
from salescore.errors import (
    DiscountError,
    DiscountLimitExceededError,
    PluginError,
    raise_for_issues,
)
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, allocate
from salescore.money._context import decimal_context

__all__ = [
    "Deviation",
    "DiscountEngine",
    "DocumentResult",
    "GiftLine",
    "LimitPolicy",
    "LineDiscount",
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_IDX = attrgetter("idx")
_RANK = attrgetter("rank")
_ORDER = attrgetter("order")
_NO_SHARES: dict[int, Decimal] = {}
# Bounds of the engine's caches: a cache that is full is emptied and fills again.
_PROGRAM_CACHE_SIZE = 1 << 15  # prepared candidates, per index key
_PLAN_CACHE_SIZE = 1 << 16  # plans, per set of applicable rules on one side
_MEMO_SIZE = 64  # verdicts remembered per prepared candidates, by quantity

Predicate = Callable[[ConditionContext], bool]
_PlanEntry = tuple["_Node | None", bool, tuple["_Rule", ...]]
_NO_PLAN: _PlanEntry = (None, False, ())


class LimitPolicy(enum.Enum):
    """What happens to a manual discount above its limit (C7)."""

    REFUSE = "refuse"
    """Raise :class:`~salescore.errors.DiscountLimitExceededError`."""
    DEVIATION = "deviation"
    """Apply it and return a :class:`Deviation` for the approval process."""


@attrs.frozen
class Deviation:
    """A departure from the rules that needs approval [отклонение от условий].

    This is the engine's own report of a manual discount above its limit;
    the application turns it into the agreements context's deviation (kind
    ``discount_above_limit``) that the approval process takes, with
    :func:`salescore.app.sales.deviation_of_limit_excess`.

    Attributes:
        kind: ``"manual_discount_over_limit"``.
        severity: ``"approval"`` (needs a decision) or ``"warning"``.
        message: what deviates, by how much, and the limit's source.
        figures: the numbers: line, percent, limit, amount.
    """

    kind: str
    severity: str
    message: str
    figures: Mapping[str, str] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class GiftLine:
    """A gift granted by a gift discount: ``quantity`` of ``product_id`` at no charge."""

    discount_id: str
    product_id: str
    quantity: Decimal
    for_lines: tuple[str, ...]
    reason: str


# --- compiled conditions --------------------------------------------------------------------


@attrs.frozen(slots=True)
class _Leaf:
    expr: ConditionExpr
    condition: DiscountCondition
    level: str
    test: Predicate


def _leaf_test(rule_id: str, name: str, cond: DiscountCondition) -> Predicate:
    is_satisfied = cond.is_satisfied
    if type(cond) in BUILTIN_CONDITIONS:
        return is_satisfied  # salescore's own conditions do not raise for a valid sale

    def test(ctx: ConditionContext) -> bool:
        try:
            return bool(is_satisfied(ctx))
        except Exception as exc:
            raise PluginError(
                f"condition {name!r} of discount {rule_id!r} raised "
                f"{type(exc).__name__}: {exc}; fix or remove the plugin",
                plugin=name,
                discount=rule_id,
            ) from exc

    return test


def _combine_tests(op: str, tests: Sequence[Predicate]) -> Predicate:
    if op == "not":
        (inner,) = tests
        return lambda ctx: not inner(ctx)
    if len(tests) == 1:
        return tests[0]
    if op == "all":
        if len(tests) == 2:
            a, b = tests
            return lambda ctx: a(ctx) and b(ctx)
        return lambda ctx: all(t(ctx) for t in tests)
    return lambda ctx: any(t(ctx) for t in tests)


class _CompiledCondition:
    """A condition tree built from a registry: a fast test and an explaining one."""

    def __init__(
        self, rule_id: str, expr: ConditionExpr, registry: ConditionRegistry, path: str
    ) -> None:
        self.expr = expr
        self.leaves: list[_Leaf] = []
        self.test = self._build(rule_id, expr, registry, path)
        self.level = "document" if all(x.level == "document" for x in self.leaves) else "line"

    def _build(
        self, rule_id: str, expr: ConditionExpr, registry: ConditionRegistry, path: str
    ) -> Predicate:
        if expr.op == "cond":
            cond = registry.build(expr.name, expr.params, path)
            level = getattr(cond, "level", "line")
            test = _leaf_test(rule_id, expr.name, cond)
            self.leaves.append(_Leaf(expr, cond, level, test))
            return test
        tests = [
            self._build(rule_id, child, registry, f"{path}.{expr.op}[{i}]")
            for i, child in enumerate(expr.children)
        ]
        return _combine_tests(expr.op, tests)

    def part(self, expr: ConditionExpr) -> _CompiledCondition:
        """The compiled sub-tree ``expr`` of this condition, reusing its built leaves."""
        by_id = {id(x.expr): x for x in self.leaves}
        sub = copy.copy(self)
        sub.expr = expr
        sub.leaves = [by_id[id(leaf)] for leaf in expr.leaves()]

        def build(node: ConditionExpr) -> Predicate:
            if node.op == "cond":
                return by_id[id(node)].test
            return _combine_tests(node.op, [build(c) for c in node.children])

        sub.test = build(expr)
        sub.level = "document" if all(x.level == "document" for x in sub.leaves) else "line"
        return sub

    def explain(self, ctx: ConditionContext) -> tuple[bool, list[Step]]:
        """Evaluate every condition (no short cut) and say what each saw."""
        leaves = iter(self.leaves)

        def walk(expr: ConditionExpr) -> tuple[bool, Step]:
            if expr.op == "cond":
                leaf = next(leaves)
                held = leaf.test(ctx)
                why = getattr(leaf.condition, "why", None)
                seen = why(ctx) if why is not None else ""
                return held, Step(
                    f"{leaf.condition.describe()}: {'held' if held else 'failed'}",
                    "yes" if held else "no",
                    seen,
                )
            results = [walk(child) for child in expr.children]
            values = [held for held, _ in results]
            if expr.op == "all":
                held = all(values)
            elif expr.op == "any":
                held = any(values)
            else:
                held = not values[0]
            detail = Explanation(expr.op, tuple(step for _, step in results))
            return held, Step(f"{expr.op}: {'held' if held else 'failed'}", "", "", detail)

        held, step = walk(self.expr)
        if step.detail is not None and self.expr.op == "all":
            return held, list(step.detail.steps)
        return held, [step]


# --- compiled rules and groups --------------------------------------------------------------


class _Rule:
    """One discount, compiled: its predicates, index key, place in the tree."""

    __slots__ = (
        "basis",
        "buy",
        "discount",
        "displace_group",
        "doc_free",
        "doc_test",
        "factor",
        "free",
        "guarded",
        "id",
        "idx",
        "index_dim",
        "index_values",
        "is_gift",
        "is_manual",
        "kind",
        "line_indexed",
        "line_only",
        "line_test",
        "needs_doc_check",
        "parent",
        "position",
        "priority",
        "rank",
        "scope_ids",
        "sign",
        "value",
        "values",
        "whole",
    )

    def __init__(self, idx: int, discount: Discount, whole: _CompiledCondition | None) -> None:
        self.idx = idx
        self.discount = discount
        self.id = discount.id
        self.priority = discount.priority
        self.kind = discount.kind
        self.basis = discount.basis
        self.sign = -1 if discount.markup else 1
        self.value = discount.value
        self.values = dict(discount.price_group_values)
        self.buy = discount.buy_quantity
        self.free = discount.free_quantity
        self.is_manual = discount.is_manual
        self.is_gift = discount.kind is DiscountKind.GIFT
        # The common case, a plain percent, is one multiplication by a signed factor.
        plain = discount.kind is DiscountKind.PERCENT and not self.values and not self.is_manual
        self.factor: Decimal | None = self.sign * self.value / HUNDRED if plain else None
        self.whole = whole
        self.doc_test: Predicate | None = None
        self.line_test: Predicate | None = None
        self.needs_doc_check = False
        self.doc_free = True  # no dates, no document part: the index decides
        self.line_indexed = False
        self.line_only = True  # the line test reads only the line's keys and quantity
        self.guarded = False  # manual, or has a document part to check per line
        self.index_dim = ""
        self.index_values: frozenset[str] = frozenset()
        self.parent = -1
        self.position = 0
        self.scope_ids: frozenset[str] = frozenset()
        self.displace_group = -1  # the parent, when it is a displace group
        self.rank = idx  # siblings of a displace group: by priority, then declared order


class _Group:
    __slots__ = ("combination", "id", "idx", "parent", "position", "priority")

    def __init__(self, idx: int, group: DiscountGroup) -> None:
        self.idx = idx
        self.id = group.id
        self.combination = group.combination
        self.priority = group.priority
        self.parent = -1
        self.position = 0


class _Node:
    """A node of a combination plan: a group with its applicable children, or a rule.

    ``order`` sorts siblings the way ``multiply`` applies them (priority, then
    declared position); ``groups`` are the ids of the children that are groups,
    which is where two plans of one tree meet when merged.
    """

    __slots__ = (
        "children",
        "combination",
        "factor",
        "groups",
        "id",
        "order",
        "partial",
        "priority",
        "rule",
    )

    def __init__(
        self,
        id: str,
        priority: int,
        combination: Combination | None,
        rule: _Rule | None,
        children: tuple[_Node, ...] = (),
        order: tuple[int, int] = (0, 0),
    ) -> None:
        self.id = id
        self.priority = priority
        self.combination = combination
        self.rule = rule
        self.children = children
        self.order = order
        self.groups = frozenset([c.id for c in children if c.rule is None])
        # On a positive base, a sub-tree of plain percents gives ``base × factor``;
        # ``partial`` is what ``factor`` is capped from (see ``_settle``).
        self.factor: Decimal | None = None
        self.partial = ZERO

    def fold(self) -> _Node:
        """Precompute :attr:`factor` where the whole sub-tree is plain percents."""
        rule = self.rule
        if rule is not None:
            self.factor = rule.factor
            return self
        for child in self.children:
            child.fold()
        self._settle()
        return self

    def _settle(self) -> None:
        """This group's factor from its children's (each already folded).

        On a positive base every rule of the algebra is linear when the
        children are plain percents: ``multiply`` leaves the product of the
        remainders (``partial``), ``add`` sums the factors (``partial``, then
        capped at 1), ``max``/``min`` take the largest/smallest factor,
        ``displace`` the first child's. With the library's 34 significant
        digits this is what :func:`combine` computes step by step.
        """
        factors = []
        for child in self.children:
            factor = child.factor
            if factor is None:
                return  # not all plain percents: evaluated step by step
            factors.append(factor)
        if not factors:
            return
        combination = self.combination
        if combination is Combination.MULTIPLY:
            remainder = ONE
            for factor in factors:
                remainder -= remainder * (factor if factor < ONE else ONE)
            self.partial = remainder
            total = ONE - remainder
        elif combination is Combination.ADD:
            total = self.partial = sum(factors, ZERO)
        elif combination is Combination.MAX:
            total = max(factors)
        elif combination is Combination.MIN:
            total = min(factors)
        else:
            total = factors[0]
        self.factor = total if total < ONE else ONE


def _merge(a: _Node, b: _Node) -> _Node:
    """The plan of two disjoint sets of rules, from their plans (same group)."""
    shared = a.groups & b.groups
    if shared:
        theirs = {c.id: c for c in b.children if c.id in shared}
        kids = [_merge(c, theirs[c.id]) if c.id in shared else c for c in a.children]
        kids += [c for c in b.children if c.id not in shared]
    else:
        kids = [*a.children, *b.children]
    kids.sort(key=_ORDER)
    node = _Node(a.id, a.priority, a.combination, None, tuple(kids), a.order)
    node._settle()
    return node


def _merged_factor(a: _Node, b: _Node) -> Decimal | None:
    """The factor of ``_merge(a, b)`` without building it, when both are folded
    and meet only at the top (the usual case); otherwise None."""
    first, second = a.factor, b.factor
    if first is None or second is None or not a.groups.isdisjoint(b.groups):
        return None
    combination = a.combination
    if combination is Combination.MULTIPLY:
        total = ONE - a.partial * b.partial
    elif combination is Combination.ADD:
        total = a.partial + b.partial
    elif combination is Combination.MAX:
        return first if first >= second else second
    elif combination is Combination.MIN:
        return first if first <= second else second
    else:  # displace: the first child of the two
        return first if a.children[0].order < b.children[0].order else second
    return total if total < ONE else ONE


class _Program:
    """Candidates prepared for evaluation: what always applies and what to test.

    ``fixed`` are rules that apply whenever they are reached: no line test, no
    guard (manual choice, a document part, the agreement scope) and no sibling
    of higher rank in a ``displace`` group that could win first. ``tested`` are
    the others, in rank order; the siblings a fixed rule always displaces are
    dropped. Built once per document for the rules the document reaches and
    once per index key (product, segments, price group) for the rules a line
    reaches.
    """

    __slots__ = ("entry", "fixed", "memo", "tested")

    def __init__(
        self, fixed: tuple[_Rule, ...], tested: tuple[_Rule, ...], by_quantity: bool = False
    ) -> None:
        self.fixed = fixed
        self.tested = tested
        self.entry: _PlanEntry | None = None  # the plan of ``fixed``, once asked for
        # When every tested rule reads only the line's index keys and quantity,
        # the rules that pass depend on the quantity alone: remember their plan.
        self.memo: dict[Decimal, _PlanEntry] | None = {} if by_quantity else None

    @classmethod
    def of(cls, ranked: Iterable[_Rule], scoped: bool) -> _Program:
        """The program of ``ranked`` candidates (rank order, each once)."""
        fixed: list[_Rule] = []
        tested: list[_Rule] = []
        decided: set[int] = set()  # displace groups a fixed-outcome rule always wins
        contested: set[int] = set()  # displace groups with a tested rule so far
        for rule in ranked:
            group = rule.displace_group
            if group in decided:
                continue
            guarded = rule.guarded or (scoped and rule.line_indexed)
            certain = rule.line_test is None and not guarded
            if certain and group not in contested:
                fixed.append(rule)
            else:
                tested.append(rule)
                if group >= 0:
                    contested.add(group)
            if certain and group >= 0 and not rule.is_gift:
                decided.add(group)  # once reached, it holds and wins its group
        by_quantity = all(
            r.line_only and not (r.guarded or (scoped and r.line_indexed)) for r in tested
        )
        return cls(tuple(fixed), tuple(tested), by_quantity and bool(tested))


class _LineEnv:
    """What a leaf needs to turn a rule into an amount on a base, for one line."""

    __slots__ = ("amount_of", "overrides", "pg", "qty", "shares")

    def __init__(self) -> None:
        self.qty = ZERO
        self.pg: str | None = None
        self.shares: Mapping[int, Decimal] = _NO_SHARES
        self.overrides: Mapping[str, Decimal | None] = {}
        self.amount_of = self.amount

    def load(self, line: SaleLine, shares: Mapping[int, Decimal], context: SaleContext) -> None:
        """Take ``line``'s figures (the environment is reused line after line)."""
        self.qty = line.quantity.value
        self.pg = line.product.price_group_id
        self.shares = shares
        self.overrides = _overrides(line, context)

    def amount(self, node: _Node, base: Decimal) -> Decimal:
        """The discount amount of plan ``node`` on ``base`` (children are presorted)."""
        factor = node.factor
        if factor is not None and base > ZERO:
            return base * factor
        rule = node.rule
        if rule is not None:
            factor = rule.factor
            return base * factor if factor is not None else _leaf_amount(rule, base, self)
        return combine(
            node.combination,  # type: ignore[arg-type]
            base,
            node.children,
            None,
            self.amount_of,
            presorted=True,
        )


def _leaf_amount(rule: _Rule, base: Decimal, env: _LineEnv) -> Decimal:
    value = rule.value
    if rule.values and env.pg is not None:
        value = rule.values.get(env.pg, value)  # type: ignore[call-overload]
    if rule.is_manual:
        typed = env.overrides.get(rule.id)
        if typed is not None:
            value = typed
    kind = rule.kind
    if kind is DiscountKind.PERCENT:
        amount = base * value / HUNDRED
    elif kind is DiscountKind.AMOUNT:
        if rule.basis is AmountBasis.UNIT:
            amount = value * env.qty
        elif rule.basis is AmountBasis.LINE:
            amount = value
        else:
            amount = env.shares.get(rule.idx, ZERO)
    elif kind is DiscountKind.FREE_UNITS:
        qty = env.qty
        if qty <= ZERO:
            return ZERO
        sets = (qty / (rule.buy + rule.free)).to_integral_value(ROUND_FLOOR)
        amount = base * (sets * rule.free) / qty
    else:
        return ZERO
    return amount if rule.sign > 0 else -amount


# --- results --------------------------------------------------------------------------------


class _Document:
    """The state of one applied document, kept for lazy explanations."""

    __slots__ = (
        "_applicable",
        "context",
        "deviations",
        "doc_ok",
        "engine",
        "facts",
        "lines",
        "shares",
        "sides",
    )

    def __init__(
        self,
        engine: DiscountEngine,
        lines: Sequence[SaleLine],
        context: SaleContext,
        facts: DocumentFacts,
    ) -> None:
        self.engine = engine
        self.lines = lines
        self.context = context
        self.facts = facts
        # Per line, the plans of the rules that hold: the document's side, the line's.
        self.sides: tuple[list[_PlanEntry], list[_PlanEntry]] = ([], [])
        self._applicable: list[tuple[_Rule, ...]] | None = None
        self.shares: list[dict[int, Decimal]] = []
        self.doc_ok: dict[int, bool] = {}
        self.deviations: dict[int, Deviation] = {}

    @property
    def applicable(self) -> list[tuple[_Rule, ...]]:
        """Per line, the rules that apply (gifts included), once asked for."""
        found = self._applicable
        if found is None:
            found = self._applicable = [
                d[2] + x[2] if d[2] else x[2] for d, x in zip(*self.sides, strict=True)
            ]
        return found


class LineDiscount:
    """The discount of one line: amounts, rules that applied, and (lazily) the explanation.

    Attributes:
        gross_amount: quantity × unit price, in the document currency (Decimal).
        discount_amount: the discount (negative for a net markup), rounded to minor units.
    """

    __slots__ = ("_doc", "_pos", "discount_amount", "gross_amount")

    def __init__(self, doc: _Document, pos: int, gross: Decimal, discount: Decimal) -> None:
        self._doc = doc
        self._pos = pos
        self.gross_amount = gross
        self.discount_amount = discount

    @property
    def line_id(self) -> str:
        """The line's id."""
        return self._doc.lines[self._pos].line_id

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Ids of the discounts that apply, in declared order (gifts included).

        A rule displaced by a higher-priority sibling in a ``displace`` group is
        not among them; its explanation says by which.
        """
        return tuple(r.id for r in sorted(self._doc.applicable[self._pos], key=_IDX))

    @property
    def currency(self) -> Currency:
        """The document currency."""
        return self._doc.facts.currency

    @property
    def gross(self) -> Money:
        """The line amount before discounts."""
        return Money(self.gross_amount, self.currency)

    @property
    def discount(self) -> Money:
        """The discount (a markup is negative)."""
        return Money(self.discount_amount, self.currency)

    @property
    def net(self) -> Money:
        """The line amount after discounts and markups."""
        return Money(self.gross_amount - self.discount_amount, self.currency)

    @property
    def percent(self) -> Decimal:
        """The discount as a percent of the line amount (two decimals)."""
        if not self.gross_amount:
            return ZERO
        return (self.discount_amount * HUNDRED / self.gross_amount).quantize(Decimal("0.01"))

    def explain(self) -> Explanation:
        """How the discount was found: candidates, conditions, each group, the bases."""
        with localcontext(decimal_context()):
            return self._doc.engine._explain_line(self._doc, self._pos)

    def why_not(self, discount_id: str) -> Explanation:
        """Why ``discount_id`` did (not) apply to this line."""
        with localcontext(decimal_context()):
            return self._doc.engine._why_not(self._doc, self._pos, discount_id)

    def _repr_html_(self) -> str:
        return self.explain()._repr_html_()

    def __repr__(self) -> str:
        return (
            f"LineDiscount({self.line_id!r}, gross={self.gross_amount}, "
            f"discount={self.discount_amount}, rules={list(self.rule_ids)})"
        )


class DocumentResult:
    """Discounts of a whole document: lines, gifts, deviations for approval.

    Attributes:
        lines: one :class:`LineDiscount` per input line, in input order.
        gifts: gift lines granted.
        deviations: manual discounts above their limit (policy ``DEVIATION``).
    """

    def __init__(
        self,
        doc: _Document,
        lines: tuple[LineDiscount, ...],
        gifts: tuple[GiftLine, ...],
        deviations: tuple[Deviation, ...],
    ) -> None:
        self._doc = doc
        self.lines = lines
        self.gifts = gifts
        self.deviations = deviations

    @property
    def currency(self) -> Currency:
        """The document currency."""
        return self._doc.facts.currency

    @property
    def gross(self) -> Money:
        """The document amount before discounts."""
        return Money(self._doc.facts.amount, self.currency)

    @property
    def discount(self) -> Money:
        """The sum of line discounts."""
        return Money(sum((x.discount_amount for x in self.lines), ZERO), self.currency)

    @property
    def net(self) -> Money:
        """The document amount after discounts."""
        return self.gross - self.discount

    def line(self, line_id: str) -> LineDiscount:
        """The result of line ``line_id``."""
        for item in self.lines:
            if item.line_id == line_id:
                return item
        raise DiscountError(f"no line {line_id!r} in this document")

    def explain(self) -> Explanation:
        """Every line's explanation, then gifts and deviations."""
        steps = [Step(f"line {x.line_id}", str(x.net), "", x.explain()) for x in self.lines]
        steps += [Step(f"gift: {g.reason}", f"{g.quantity} x {g.product_id}") for g in self.gifts]
        steps += [Step(f"deviation ({d.severity}): {d.message}") for d in self.deviations]
        steps.append(Step("document total after discounts", str(self.net)))
        return Explanation("discounts of the document", tuple(steps))

    def _repr_html_(self) -> str:
        return self.explain()._repr_html_()

    def as_rows(self) -> list[dict[str, str]]:
        """One row per line: id, gross, discount, percent, net, rules."""
        return [
            {
                "line": x.line_id,
                "gross": str(x.gross_amount),
                "discount": str(x.discount_amount),
                "percent": str(x.percent),
                "net": str(x.net.amount),
                "rules": ", ".join(x.rule_ids),
            }
            for x in self.lines
        ]


# --- the engine -----------------------------------------------------------------------------


class DiscountEngine:
    """A compiled discount rule set: build with :meth:`compile`, use with :meth:`apply`.

    Immutable after compilation and safe to share between threads: its caches
    (prepared candidates per index key, verdicts per quantity, plans per set
    of rules) only hold values that are equal for equal keys, and a full cache
    is emptied rather than grown without end.
    """

    def __init__(self) -> None:  # use compile()
        self.rule_set: DiscountRuleSet
        self.registry: ConditionRegistry
        self.limit_policy: LimitPolicy
        self._rules: list[_Rule] = []
        self._by_id: dict[str, _Rule] = {}
        self._groups: list[_Group] = []
        self._group_by_id: dict[str, _Group] = {}
        self._root: _Group
        self._line_index: dict[str, dict[str, list[_Rule]]] = {d: {} for d in LINE_DIMENSIONS}
        self._doc_index: dict[str, dict[str, list[_Rule]]] = {d: {} for d in DOCUMENT_DIMENSIONS}
        self._unindexed: list[_Rule] = []
        self._plans: dict[tuple[_Rule, ...], _PlanEntry] = {}
        self._programs: dict[tuple[object, ...], _Program] = {}
        self._mixed_displace = False
        self._has_shares = False
        self._has_gifts = False
        self._line_tables: tuple[dict[str, list[_Rule]], ...] = ()
        self._limits: tuple[ManualDiscountLimit, ...] = ()

    @classmethod
    def compile(
        cls,
        rule_set: DiscountRuleSet,
        registry: ConditionRegistry | None = None,
        *,
        limit_policy: LimitPolicy = LimitPolicy.DEVIATION,
    ) -> DiscountEngine:
        """Check and compile ``rule_set``.

        Args:
            rule_set: discounts, groups and limits.
            registry: the conditions known; the built-ins when omitted.
            limit_policy: refuse manual discounts above their limit, or return deviations.

        Raises:
            IssuesError: the tree is broken (cycle, unknown child, several roots,
                duplicate ids); every problem is listed.
            DiscountError: a condition's parameters are wrong (names the rule and key path).
            PluginLoadError: a condition's plugin cannot be loaded (names it).
        """
        raise_for_issues(structure_issues(rule_set), "the discount rule set")
        engine = cls()
        engine.rule_set = rule_set
        engine.registry = registry if registry is not None else ConditionRegistry.builtins()
        engine.limit_policy = limit_policy
        engine._limits = rule_set.limits
        for i, group in enumerate(rule_set.groups):
            g = _Group(i, group)
            engine._groups.append(g)
            engine._group_by_id[group.id] = g
        for i, discount in enumerate(rule_set.discounts):
            path = f"discounts.{discount.id}.condition"
            whole = (
                None
                if discount.condition is None
                else _CompiledCondition(discount.id, discount.condition, engine.registry, path)
            )
            rule = _Rule(i, discount, whole)
            engine._rules.append(rule)
            engine._by_id[discount.id] = rule
        for group in rule_set.groups:
            g = engine._group_by_id[group.id]
            for pos, child in enumerate(group.children):
                target: _Rule | _Group = engine._by_id.get(child) or engine._group_by_id[child]
                target.parent = g.idx
                target.position = pos
        engine._root = engine._group_by_id[rule_set.root.id]
        for rule in engine._rules:
            engine._prepare(rule)
        for rule in engine._rules:
            parent = engine._groups[rule.parent] if rule.parent >= 0 else None
            if parent is not None and parent.combination is Combination.DISPLACE:
                rule.displace_group = parent.idx
        ranked = sorted(engine._rules, key=lambda r: (r.parent, -r.priority, r.position))
        for rank, rule in enumerate(ranked):
            rule.rank = rank
        sides: dict[int, set[bool]] = {}
        for rule in engine._rules:
            if rule.displace_group >= 0:
                sides.setdefault(rule.displace_group, set()).add(rule.line_indexed)
        engine._mixed_displace = any(len(found) > 1 for found in sides.values())
        engine._has_gifts = any(r.is_gift for r in engine._rules)
        engine._line_tables = tuple(engine._line_index[d] for d in LINE_DIMENSIONS)
        engine._has_shares = any(
            r.kind is DiscountKind.AMOUNT and r.basis is AmountBasis.DOCUMENT for r in engine._rules
        )
        return engine

    def _ancestors(self, parent: int) -> list[_Group]:
        chain = []
        while parent >= 0:
            group = self._groups[parent]
            chain.append(group)
            parent = group.parent
        return chain

    def _prepare(self, rule: _Rule) -> None:
        """Split the condition by level, choose the index key, file the rule."""
        rule.scope_ids = frozenset([rule.id, *(g.id for g in self._ancestors(rule.parent))])
        whole = rule.whole
        doc_parts: list[Predicate] = []
        line_parts: list[Predicate] = []
        keys: dict[str, frozenset[str]] = {}
        exact: dict[str, list[Predicate]] = {}
        if whole is not None:
            expr = whole.expr
            # Direct conjuncts can be split by level and can give index keys.
            conjuncts = expr.children if expr.op == "all" else (expr,)
            sub = _CompiledSplit(rule.id, conjuncts, whole)
            doc_parts, line_parts, keys, exact = sub.doc, sub.line, sub.keys, sub.exact
            rule.line_only = sub.line_only
        for dim in (*LINE_DIMENSIONS, *DOCUMENT_DIMENSIONS):
            if dim in keys:
                rule.index_dim, rule.index_values = dim, keys[dim]
                break
        # A membership condition the index already guarantees needs no test.
        done = exact.get(rule.index_dim, [])
        doc_parts = [t for t in doc_parts if t not in done]
        line_parts = [t for t in line_parts if t not in done]
        if doc_parts:
            rule.doc_test = _combine_tests("all", doc_parts)
        if line_parts:
            rule.line_test = _combine_tests("all", line_parts)
        line_indexed = rule.index_dim in LINE_DIMENSIONS
        dated = rule.discount.valid_from is not None or rule.discount.valid_to is not None
        rule.needs_doc_check = line_indexed and (rule.doc_test is not None or dated)
        rule.doc_free = rule.doc_test is None and not dated
        rule.line_indexed = line_indexed
        rule.guarded = rule.needs_doc_check or rule.is_manual
        if not rule.index_dim:
            self._unindexed.append(rule)
            return
        index = self._line_index if line_indexed else self._doc_index
        for value in rule.index_values:
            index[rule.index_dim].setdefault(value, []).append(rule)

    # --- evaluation ---------------------------------------------------------------------

    def _document_ok(self, rule: _Rule, doc: _Document, ctx: ConditionContext) -> bool:
        ok = doc.doc_ok.get(rule.idx)
        if ok is None:
            ok = self._document_verdict(rule, doc, ctx)[0]
            doc.doc_ok[rule.idx] = ok
        return ok

    def _document_verdict(
        self, rule: _Rule, doc: _Document, ctx: ConditionContext
    ) -> tuple[bool, str]:
        discount = rule.discount
        day = doc.context.moment.date()
        if discount.valid_from is not None and day < discount.valid_from:
            return False, f"not yet in force: valid from {discount.valid_from}, sold {day}"
        if discount.valid_to is not None and day > discount.valid_to:
            return False, f"expired: valid to {discount.valid_to}, sold {day}"
        scope = doc.context.discount_scope
        if scope is not None and scope.isdisjoint(rule.scope_ids):
            return False, "outside the agreement's discount scope"
        if rule.doc_test is not None and not rule.doc_test(ctx):
            return False, "a document condition failed"
        return True, ""

    def _is_chosen(self, rule: _Rule, line: SaleLine, context: SaleContext) -> bool:
        return rule.id in line.manual_discounts or rule.id in context.manual_discounts

    def _line_hits(self, line: SaleLine) -> list[_Rule]:
        """The rules the line's product, segments and price group reach through
        the index (a rule listing two of the line's segments comes twice)."""
        candidates: list[_Rule] = []
        product_index, segment_index, group_index = self._line_tables
        product = line.product
        hits = product_index.get(product.id)
        if hits:
            candidates += hits
        for seg in line.segment_ids:
            hits = segment_index.get(seg)
            if hits:
                candidates += hits
        if product.price_group_id is not None:
            hits = group_index.get(product.price_group_id)
            if hits:
                candidates += hits
        return candidates

    def _document_candidates(self, doc: _Document, ctx: ConditionContext) -> list[_Rule]:
        context = doc.context
        seen: dict[str, frozenset[str] | tuple[str, ...]] = {
            "partner": (context.partner_id,) if context.partner_id else (),
            "client_segment": context.client_segment_ids,
            "agreement": (context.agreement_id,) if context.agreement_id else (),
            "card_kind": (context.card_kind,) if context.card_kind else (),
            "warehouse": (context.warehouse_id,) if context.warehouse_id else (),
            "payment_form": (context.payment_form,) if context.payment_form else (),
        }
        found: list[_Rule] = []
        for dim, values in seen.items():
            table = self._doc_index[dim]
            for value in values:
                found += table.get(value, ())
        found += self._unindexed
        if len(context.client_segment_ids) > 1:
            found = list({r.idx: r for r in found}.values())  # a rule listing two segments
        if context.discount_scope is None:
            return [r for r in found if r.doc_free or self._document_ok(r, doc, ctx)]
        return [r for r in found if self._document_ok(r, doc, ctx)]

    def _ranked(self, line: SaleLine) -> tuple[_Rule, ...]:
        """The rules the index reaches from ``line``'s product, segments and price
        group, once each, in rank order."""
        hits = self._line_hits(line)
        if len(line.segment_ids) > 1:
            hits = list({r.idx: r for r in hits}.values())  # a rule listing two segments
        hits.sort(key=_RANK)
        return tuple(hits)

    def _line_side(self, doc: _Document, line: SaleLine, scoped: bool) -> _PlanEntry:
        """The rules the line's index keys reach that hold for ``line``, as a plan entry."""
        product = line.product
        key = (product.id, line.segment_ids, product.price_group_id, scoped)
        program = self._programs.get(key)
        if program is None:
            if len(self._programs) >= _PROGRAM_CACHE_SIZE:
                self._programs.clear()
            program = self._programs[key] = _Program.of(self._ranked(line), scoped)
        if not program.tested:
            entry = program.entry
            if entry is None:
                entry = program.entry = self._plan(program.fixed)
            return entry
        memo = program.memo
        if memo is None:
            return self._plan(program.fixed + self._passing(program.tested, doc, line, scoped))
        quantity = line.quantity.value
        entry = memo.get(quantity)
        if entry is None:
            entry = self._plan(program.fixed + self._passing(program.tested, doc, line, scoped))
            if len(memo) < _MEMO_SIZE:
                memo[quantity] = entry
        return entry

    def _select(self, doc: _Document) -> tuple[list[_PlanEntry], list[_PlanEntry]]:
        """For each line, the plans of the rules that hold: the document's side and the line's.

        Without a ``displace`` group shared by document-reached and line-reached
        rules (the usual case) the two sides are independent: the document's
        side is prepared once per document, the line's once per index key (and
        quantity), and their plans are merged per line. Otherwise both sides
        are merged into one program per line.
        """
        context = doc.context
        scoped = context.discount_scope is not None
        doc_cands = self._document_candidates(doc, ConditionContext(context, doc.facts))
        doc_cands.sort(key=_RANK)
        lines = doc.lines
        if self._mixed_displace:
            found = []
            for line in lines:
                ranked = sorted((*doc_cands, *self._ranked(line)), key=_RANK)
                program = _Program.of(ranked, scoped)
                found.append(
                    self._plan(program.fixed + self._passing(program.tested, doc, line, scoped))
                )
            return [_NO_PLAN] * len(lines), found
        doc_program = _Program.of(doc_cands, scoped)
        line_side = self._line_side
        line_entries = [line_side(doc, line, scoped) for line in lines]
        fixed, tested = doc_program.fixed, doc_program.tested
        if not tested:
            return [self._plan(fixed)] * len(lines), line_entries
        passing, plan = self._passing, self._plan
        return [plan(fixed + passing(tested, doc, line, scoped)) for line in lines], line_entries

    def _passing(
        self, tested: tuple[_Rule, ...], doc: _Document, line: SaleLine, scoped: bool
    ) -> tuple[_Rule, ...]:
        """The rules of ``tested`` (rank order) that hold for ``line``; in a
        ``displace`` group the first that holds wins and its siblings are skipped."""
        # The bulk path's inner loop: written for speed.
        context = doc.context
        line_ctx = ConditionContext(context, doc.facts, line)
        won: set[int] | None = None
        result: list[_Rule] = []
        for rule in tested:
            group = rule.displace_group
            if won and group in won:
                continue
            if rule.guarded or (scoped and rule.line_indexed):
                if rule.is_manual and not self._is_chosen(rule, line, context):
                    continue
                # Line-indexed: the document part is checked here, once per
                # document thanks to the cache.
                if (rule.needs_doc_check or (scoped and rule.line_indexed)) and not (
                    self._document_ok(rule, doc, line_ctx)
                ):
                    continue
            test = rule.line_test
            if test is not None and not test(line_ctx):
                continue
            result.append(rule)
            if group >= 0 and not rule.is_gift:
                if won is None:
                    won = set()
                won.add(group)
        return tuple(result)

    def _plan(self, rules: tuple[_Rule, ...]) -> _PlanEntry:
        """The combination plan of applicable ``rules`` (cached): the folded tree
        of their groups (gifts left out), whether it has manual rules, and the
        cache's own tuple of the rules (shared by every line with the same rules)."""
        entry = self._plans.get(rules)
        if entry is not None:
            return entry
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        chosen = [r for r in rules if not r.is_gift]
        plan = self._build_plan(chosen).fold() if chosen else None
        entry = self._plans[rules] = (plan, any(r.is_manual for r in chosen), rules)
        return entry

    def _full_plan(self, doc: _Document, pos: int) -> _Node | None:
        """The plan of line ``pos``, for explanations and limit checks."""
        rules = [r for r in doc.applicable[pos] if not r.is_gift]
        return self._build_plan(rules) if rules else None

    def _build_plan(self, rules: Sequence[_Rule]) -> _Node:
        """The tree of groups leading to ``rules``, children in the order ``multiply`` uses."""
        kids: dict[int, list[_Node]] = {}
        for rule in rules:
            node = _Node(rule.id, rule.priority, None, rule, (), (-rule.priority, rule.position))
            parent = rule.parent
            while parent >= 0:
                siblings = kids.get(parent)
                kids.setdefault(parent, []).append(node)
                if siblings is not None:
                    break  # the parent is already linked upwards
                group = self._groups[parent]
                node = _Node(
                    group.id,
                    group.priority,
                    group.combination,
                    None,
                    (),
                    (-group.priority, group.position),
                )
                parent = group.parent

        def build(group: _Group, order: tuple[int, int]) -> _Node:
            children = []
            for child in sorted(kids.get(group.idx, []), key=_ORDER):
                if child.rule is None:
                    child = build(self._group_by_id[child.id], child.order)
                children.append(child)
            return _Node(group.id, group.priority, group.combination, None, tuple(children), order)

        return build(self._root, (-self._root.priority, self._root.position))

    def _shares(self, doc: _Document) -> None:
        """Spread document-level amounts over the lines they apply to (exact sum)."""
        targets: dict[int, list[int]] = {}
        for pos, rules in enumerate(doc.applicable):
            for rule in rules:
                if rule.kind is DiscountKind.AMOUNT and rule.basis is AmountBasis.DOCUMENT:
                    targets.setdefault(rule.idx, []).append(pos)
        doc.shares = [{} for _ in doc.lines]
        currency = doc.facts.currency
        for idx, positions in targets.items():
            rule = self._rules[idx]
            value = rule.value
            typed = doc.context.manual_discounts.get(rule.id) if rule.is_manual else None
            if typed is not None:
                value = typed
            weights = [doc.lines[p].amount for p in positions]
            if not any(weights):
                weights = [Decimal(1)] * len(positions)
            parts = allocate(Money.of(value, currency), weights)
            for pos, part in zip(positions, parts, strict=True):
                doc.shares[pos][idx] = part.amount

    def _gifts(self, doc: _Document) -> tuple[GiftLine, ...]:
        bought: dict[int, list[int]] = {}
        for pos, rules in enumerate(doc.applicable):
            for rule in rules:
                if rule.is_gift:
                    bought.setdefault(rule.idx, []).append(pos)
        gifts = []
        for idx, positions in sorted(bought.items()):
            discount = self._rules[idx].discount
            quantity = sum((doc.lines[p].quantity.value for p in positions), ZERO)
            sets = (quantity / discount.buy_quantity).to_integral_value(ROUND_FLOOR)
            if sets <= 0:
                continue
            assert discount.gift_product_id is not None
            gifts.append(
                GiftLine(
                    discount.id,
                    discount.gift_product_id,
                    sets * discount.gift_quantity,
                    tuple(doc.lines[p].line_id for p in positions),
                    f"{discount.name}: {quantity} bought, {discount.describe()}",
                )
            )
        return tuple(gifts)

    def apply(self, lines: Sequence[SaleLine], context: SaleContext) -> DocumentResult:
        """The discounts of one document's ``lines`` in ``context``.

        Never raises on a rule conflict (the combination is total). Raises
        :class:`~salescore.errors.DiscountLimitExceededError` only for a manual
        discount above its limit under :attr:`LimitPolicy.REFUSE`,
        :class:`~salescore.errors.PluginError` when a plugin condition raises, and
        :class:`~salescore.errors.DiscountError` for no lines or lines in two currencies.
        """
        with localcontext(decimal_context()):
            return self._apply(lines, context)

    def _apply(self, lines: Sequence[SaleLine], context: SaleContext) -> DocumentResult:
        facts = DocumentFacts.of(lines)
        doc = _Document(self, lines, context, facts)
        doc_sides, line_sides = doc.sides = self._select(doc)
        if self._has_shares:
            self._shares(doc)
        else:
            doc.shares = [_NO_SHARES] * len(lines)
        results = []
        deviations: list[Deviation] = []
        quantum = facts.currency.quantum
        zero = ZERO.quantize(quantum)
        env = _LineEnv()  # reused line after line
        shares = doc.shares
        for pos, (line, (mine, manual, _), (theirs, line_manual, _)) in enumerate(
            zip(lines, doc_sides, line_sides, strict=True)
        ):
            base = line.amount
            discount = zero
            if mine is not None and theirs is not None:
                # Rules on both sides: the merged plan's factor, or the merged plan.
                factor = _merged_factor(mine, theirs)
                plan = None if factor is not None else _merge(mine, theirs)
            else:
                plan = theirs if mine is None else mine
                factor = None if plan is None else plan.factor
            if factor is not None and base > ZERO:
                discount = (base * factor).quantize(quantum, ROUND_HALF_UP) or zero
            elif plan is not None or factor is not None:
                # Not all plain percents, or no positive base: step by step.
                if plan is None:
                    plan = _merge(mine, theirs)  # type: ignore[arg-type]
                env.load(line, shares[pos], context)
                discount = env.amount(plan, base).quantize(quantum, ROUND_HALF_UP) or zero
                if manual or line_manual:
                    # A manual rule has no factor, so its lines always come here.
                    deviation = self._check_limit(doc, pos, plan, env)
                    if deviation is not None:
                        deviations.append(deviation)
                        doc.deviations[pos] = deviation
            results.append(LineDiscount(doc, pos, base, discount))
        gifts = self._gifts(doc) if self._has_gifts else ()
        return DocumentResult(doc, tuple(results), gifts, tuple(deviations))

    def apply_many(
        self, documents: Iterable[tuple[Sequence[SaleLine], SaleContext]]
    ) -> list[DocumentResult]:
        """:meth:`apply` for many documents (the bulk API); no I/O, one result per document."""
        with localcontext(decimal_context()):
            return [self._apply(lines, context) for lines, context in documents]

    # --- manual limits ------------------------------------------------------------------

    def limit_for(
        self, context: SaleContext, price_group_id: str | None
    ) -> tuple[Decimal, str] | None:
        """The tightest manual-discount limit for ``context`` and a price group, and its source.

        Sources: the agreement terms in the context, stored limits of the
        agreement, stored limits of the user. None when no limit is set.
        """
        found: list[tuple[Decimal, str]] = []
        if context.manual_limit_percent is not None:
            percent = context.manual_limit_percent
            if price_group_id is not None and price_group_id in context.manual_limit_by_price_group:
                percent = Decimal(context.manual_limit_by_price_group[price_group_id])  # type: ignore[index]
            found.append((percent, f"agreement {context.agreement_id or ''}".strip()))
        for limit in self._limits:
            if (limit.user is not None and limit.user == context.user) or (
                limit.agreement_id is not None and limit.agreement_id == context.agreement_id
            ):
                who = f"user {limit.user}" if limit.user else f"agreement {limit.agreement_id}"
                found.append((limit.percent_for(price_group_id), f"limit {limit.id} ({who})"))  # type: ignore[arg-type]
        return min(found, key=lambda item: item[0]) if found else None

    def _check_limit(
        self, doc: _Document, pos: int, plan: _Node, env: _LineEnv
    ) -> Deviation | None:
        """The deviation of line ``pos`` (its ``plan`` and loaded ``env``) if its
        manual part is above the limit."""
        line = doc.lines[pos]
        if not line.amount:
            return None
        _, manual, _ = self._trace(plan, line.amount, env)
        percent = manual * HUNDRED / line.amount
        limit = self.limit_for(doc.context, line.product.price_group_id)
        if limit is None or percent <= limit[0]:
            return None
        shown = percent.quantize(Decimal("0.01"))
        message = (
            f"line {line.line_id} ({line.product.id}): manual discount {shown}% is above the "
            f"limit {limit[0]}% of {limit[1]}"
        )
        figures = {
            "line": line.line_id,
            "percent": str(shown),
            "limit": str(limit[0]),
            "source": limit[1],
            "user": doc.context.user or "",
        }
        if self.limit_policy is LimitPolicy.REFUSE:
            raise DiscountLimitExceededError(message + ": lower it or ask for approval", **figures)
        return Deviation("manual_discount_over_limit", "approval", message, figures)

    # --- explanations -------------------------------------------------------------------

    def _trace(self, node: _Node, base: Decimal, env: _LineEnv) -> tuple[Decimal, Decimal, Step]:
        """Amount, the manual part of it, and the explaining step of ``node`` on ``base``."""
        rule = node.rule
        if rule is not None:
            amount = _leaf_amount(rule, base, env)
            manual = amount if rule.is_manual else ZERO
            label = f"{rule.id} '{rule.discount.name}': {_effective(rule, env)}"
            return amount, manual, Step(label, _show(amount), f"on base {_show(base)}")
        assert node.combination is not None
        done: dict[str, tuple[Decimal, Decimal, Step]] = {}
        trace: list[TraceStep] = []

        def amount_of(child: _Node, b: Decimal) -> Decimal:
            result = self._trace(child, b, env)
            done[child.id] = result
            return result[0]

        amount = combine(node.combination, base, node.children, trace, amount_of, presorted=True)
        manual_sum = ZERO
        steps = []
        for t in trace:
            _, child_manual, step = done.get(t.id, (ZERO, ZERO, Step(t.id)))
            note = "" if t.used else " — not used"
            steps.append(attrs.evolve(step, description=step.description + note))
            if t.used:
                manual_sum += child_manual
        # A capped group keeps at most its amount as manual.
        manual = min(manual_sum, amount) if amount >= ZERO else manual_sum
        what = _COMBINATION_WORDS[node.combination]
        return (
            amount,
            manual,
            Step(
                f"group {node.id} ({node.combination.value}: {what})",
                _show(amount),
                f"on base {_show(base)}",
                Explanation(f"children of {node.id}", tuple(steps)),
            ),
        )

    def _line_env(self, doc: _Document, pos: int) -> _LineEnv:
        env = _LineEnv()
        env.load(doc.lines[pos], doc.shares[pos], doc.context)
        return env

    def _rule_verdict(self, doc: _Document, pos: int, rule: _Rule) -> tuple[bool, list[Step]]:
        """Whether ``rule`` applies to line ``pos``, and every check that decided it."""
        line = doc.lines[pos]
        ctx = ConditionContext(doc.context, doc.facts, line)
        discount = rule.discount
        steps: list[Step] = []
        held = True  # every check of the rule itself passed (displacement aside)
        if rule.is_manual:
            chosen = self._is_chosen(rule, line, doc.context)
            held = chosen
            steps.append(Step(f"manual discount {'chosen' if chosen else 'not chosen'}"))
        if discount.valid_from or discount.valid_to:
            day = doc.context.moment.date()
            if discount.valid_from is not None and day < discount.valid_from:
                held = False
                steps.append(Step(f"not yet in force: valid from {discount.valid_from}"))
            elif discount.valid_to is not None and day > discount.valid_to:
                held = False
                steps.append(Step(f"expired: valid to {discount.valid_to}, sold {day}"))
            else:
                steps.append(Step("in force on the day of sale"))
        scope = doc.context.discount_scope
        if scope is not None:
            inside = not scope.isdisjoint(rule.scope_ids)
            held = held and inside
            steps.append(Step(f"agreement scope: {'inside' if inside else 'outside'}"))
        if rule.whole is not None:
            satisfied, condition_steps = rule.whole.explain(ctx)
            held = held and satisfied
            steps += condition_steps
        else:
            steps.append(Step("no conditions"))
        applicable = doc.applicable[pos]
        applies = rule in applicable
        # Only a rule that would apply on its own can be displaced by a sibling.
        if not applies and held and rule.displace_group >= 0:
            winners = [r for r in applicable if r.displace_group == rule.displace_group]
            if winners and not rule.is_gift:
                group = self._groups[rule.displace_group]
                steps.append(
                    Step(
                        f"displaced in group {group.id} by {winners[0].id} "
                        f"(priority {winners[0].priority} over {rule.priority})"
                    )
                )
        return applies, steps

    def _explain_line(self, doc: _Document, pos: int) -> Explanation:
        line = doc.lines[pos]
        currency = doc.facts.currency
        steps = [
            Step(
                f"line amount {line.quantity} x {line.unit_price}",
                str(Money(line.amount, currency)),
            )
        ]
        candidates = sorted(self._reachable(doc, line), key=_IDX)
        verdicts = []
        for rule in candidates:
            applies, detail = self._rule_verdict(doc, pos, rule)
            verdicts.append(
                Step(
                    f"{rule.id} '{rule.discount.name}'",
                    "applies" if applies else "does not apply",
                    rule.discount.describe(),
                    Explanation(f"conditions of {rule.id}", tuple(detail)),
                )
            )
        others = len(self._rules) - len(candidates)
        steps.append(
            Step(
                f"candidates from the index ({len(candidates)}; {others} other rules cannot "
                "apply to this product, client or warehouse)",
                ", ".join(r.id for r in candidates),
                "",
                Explanation("candidates", tuple(verdicts)),
            )
        )
        plan = self._full_plan(doc, pos)
        total = ZERO
        if plan is not None:
            total, _, step = self._trace(plan, line.amount, self._line_env(doc, pos))
            steps.append(step)
        else:
            steps.append(Step("no discount applies"))
        for rule in doc.applicable[pos]:
            if rule.is_gift:
                steps.append(Step(f"gift rule {rule.id} holds: see the document's gifts"))
        rounded = total.quantize(currency.quantum, ROUND_HALF_UP)
        rounded = rounded if rounded else abs(rounded)  # no "-0.00"
        steps.append(Step("discount, rounded half up", str(Money(rounded, currency))))
        steps.append(Step("net amount", str(Money(line.amount - rounded, currency))))
        deviation = doc.deviations.get(pos)
        if deviation is not None:
            steps.append(Step(f"needs approval: {deviation.message}"))
        return Explanation(
            f"discounts of line {line.line_id}: {line.product.id} {line.product.name}",
            tuple(steps),
        )

    def _reachable(self, doc: _Document, line: SaleLine) -> list[_Rule]:
        """Every rule the document or ``line``'s index keys reach, whether or not
        its conditions hold, once each in the order found."""
        found = [*self._document_candidates_all(doc), *self._line_hits(line)]
        return list({r.idx: r for r in found}.values())

    def _document_candidates_all(self, doc: _Document) -> list[_Rule]:
        # For explanations: every document-reachable rule, whether or not its
        # document conditions held (so failures can be shown).
        saved = doc.doc_ok
        doc.doc_ok = {r.idx: True for r in self._rules}
        try:
            return self._document_candidates(doc, ConditionContext(doc.context, doc.facts))
        finally:
            doc.doc_ok = saved

    def _why_not(self, doc: _Document, pos: int, discount_id: str) -> Explanation:
        rule = self._by_id.get(discount_id)
        if rule is None:
            raise DiscountError(
                f"no discount {discount_id!r} in the rule set; known: "
                f"{', '.join(sorted(self._by_id)[:20])}"
            )
        line = doc.lines[pos]
        applies, steps = self._rule_verdict(doc, pos, rule)
        if rule.index_dim:
            line_values: set[str] | None = {
                "product": {str(line.product.id)},
                "segment": {str(s) for s in line.segment_ids},
                "price_group": {str(line.product.price_group_id)},
            }.get(rule.index_dim)
            if line_values is not None and rule.index_values.isdisjoint(line_values):
                steps.insert(
                    0,
                    Step(
                        f"not a candidate: this line's {rule.index_dim} is not "
                        f"among {', '.join(sorted(rule.index_values))}"
                    ),
                )
        verdict = "applies" if applies else "does not apply"
        if applies and not rule.is_gift:
            plan = self._full_plan(doc, pos)
            assert plan is not None
            _, _, step = self._trace(plan, line.amount, self._line_env(doc, pos))
            steps.append(Step("how the groups combined it", "", "", step.detail))
        return Explanation(
            f"why {rule.id} '{rule.discount.name}' {verdict} to line {line.line_id}",
            tuple(steps),
        )

    # --- introspection ------------------------------------------------------------------

    def thresholds_for(self, line: SaleLine, context: SaleContext) -> list[tuple[str, Threshold]]:
        """Tier boundaries of the rules that can reach ``line``: ``(discount id, threshold)``.

        Free-units rules give their first full set (buy + free) as a line
        quantity threshold. Used by :mod:`salescore.discounts.whatif`.
        """
        doc = _Document(self, [line], context, DocumentFacts.of([line]))
        found: list[tuple[str, Threshold]] = []
        for rule in self._reachable(doc, line):
            if rule.kind is DiscountKind.FREE_UNITS:
                found.append((rule.id, Threshold("line_quantity", rule.buy + rule.free)))
            if rule.whole is not None:
                for leaf in rule.whole.leaves:
                    thresholds = getattr(leaf.condition, "thresholds", None)
                    if thresholds is not None:
                        found += [(rule.id, t) for t in thresholds()]
        return found

    def rule_count(self) -> int:
        """How many discounts were compiled."""
        return len(self._rules)

    def conditions(self, discount_id: str) -> list[tuple[str, Any]]:
        """``(name, condition object)`` of each named condition of a discount."""
        rule = self._by_id[discount_id]
        return [] if rule.whole is None else [(x.expr.name, x.condition) for x in rule.whole.leaves]


_COMBINATION_WORDS = {
    Combination.MAX: "the largest discount wins",
    Combination.MIN: "the smallest discount wins",
    Combination.MULTIPLY: "one after another, each on what remains",
    Combination.ADD: "summed, each on the same base",
    Combination.DISPLACE: "only the highest priority applies",
}


def _show(amount: Decimal) -> str:
    """An exact amount for people: at least two decimals, more only if it has them."""
    if not amount:
        amount = abs(amount)  # a 0% markup gives -0: show it as 0
    if amount.as_tuple().exponent > -2:  # type: ignore[operator]
        return str(amount.quantize(Decimal("0.01")))
    return str(amount)


def _effective(rule: _Rule, env: _LineEnv) -> str:
    """The rule's description with the value it really used on this line."""
    discount = rule.discount
    typed = env.overrides.get(rule.id) if rule.is_manual else None
    if discount.kind not in (DiscountKind.PERCENT, DiscountKind.AMOUNT):
        return discount.describe()
    if typed is not None:
        value, note = typed, "typed by the manager"
    elif env.pg is not None and env.pg in rule.values:
        value, note = rule.values[env.pg], f"price group {env.pg}"  # type: ignore[index]
    else:
        value, note = rule.value, ""
    text = attrs.evolve(discount, value=value, price_group_values={}).describe()
    return f"{text} ({note})" if note else text


def _overrides(line: SaleLine, context: SaleContext) -> Mapping[str, Decimal | None]:
    if not context.manual_discounts:
        return line.manual_discounts
    if not line.manual_discounts:
        return context.manual_discounts
    return {**context.manual_discounts, **line.manual_discounts}


def _line_only(leaf: _Leaf) -> bool:
    return bool(getattr(leaf.condition, "line_only", False))


class _CompiledSplit:
    """The direct conjuncts of a rule's condition, split into document and line parts."""

    def __init__(
        self, rule_id: str, conjuncts: Sequence[ConditionExpr], whole: _CompiledCondition
    ) -> None:
        self.doc: list[Predicate] = []
        self.line: list[Predicate] = []
        self.keys: dict[str, frozenset[str]] = {}
        self.exact: dict[str, list[Predicate]] = {}
        # The line part reads only the line's index keys and quantity.
        self.line_only = True
        leaves = {id(x.expr): x for x in whole.leaves}
        for expr in conjuncts:
            if expr.op == "cond":
                leaf = leaves[id(expr)]
                (self.doc if leaf.level == "document" else self.line).append(leaf.test)
                if leaf.level != "document":
                    self.line_only &= _line_only(leaf)
                index_keys = getattr(leaf.condition, "index_keys", None)
                if index_keys is not None:
                    exact = bool(getattr(leaf.condition, "index_exact", False))
                    for dim, values in index_keys().items():
                        self._key(dim, values, leaf.test if exact else None)
            else:
                sub = whole.part(expr)
                (self.doc if sub.level == "document" else self.line).append(sub.test)
                if sub.level != "document":
                    self.line_only &= all(_line_only(x) for x in sub.leaves)
                if expr.op == "any":
                    self._any_keys(expr, sub, leaves)

    def _any_keys(
        self, expr: ConditionExpr, sub: _CompiledCondition, leaves: Mapping[int, _Leaf]
    ) -> None:
        """``any`` of conditions on one dimension is indexed by the union of their values."""
        keys: list[Mapping[str, frozenset[str]]] = []
        exact = True
        for child in expr.children:
            leaf = leaves.get(id(child)) if child.op == "cond" else None
            index_keys = getattr(leaf.condition, "index_keys", None) if leaf else None
            if leaf is None or index_keys is None:
                return
            keys.append(index_keys())
            exact = exact and bool(getattr(leaf.condition, "index_exact", False))
        dims = {dim for k in keys for dim in k}
        if len(dims) != 1 or any(len(k) != 1 for k in keys):
            return
        (dim,) = dims
        values = frozenset().union(*(k[dim] for k in keys))
        self._key(dim, values, sub.test if exact else None)

    def _key(self, dim: str, values: frozenset[str], exact: Predicate | None) -> None:
        """Index by ``values`` of ``dim``; ``exact`` is the conjunct's test when the
        index alone decides it (so it need not run again)."""
        old = self.keys.get(dim)
        if old is None:
            self.keys[dim] = values
        elif dim in MULTI_VALUED_DIMENSIONS:
            return  # both may hold with different values: the first keys, the second tests
        else:
            # A single value must be among both lists: the index decides both.
            self.keys[dim] = old & values
        if exact is not None:
            self.exact.setdefault(dim, []).append(exact)
