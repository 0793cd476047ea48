"""Plan algebra: the tree of groups over the rules that apply to a line, and its amount.

A *plan* is the part of the discount tree that leads to the rules that apply
to one line, children in the order ``multiply`` uses. Where a whole sub-tree
is plain percents its amount on a positive base is ``base × factor``; the
factor is folded once per plan (:meth:`_PlanNode.fold`) and two plans of one
tree (the document's rules and the line's) merge by their factors
(:func:`_merged_factor`) without being built. Anything else is evaluated
step by step with :func:`~salescore.discounts.combination.combine`, which
is the reference the folding agrees with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter

from salescore.discounts.combination import combine
from salescore.discounts.index import RuleIndex, _Group, _Rule
from salescore.discounts.model import AmountBasis, Combination, DiscountKind
from salescore.discounts.sale import SaleContext, SaleLine

__all__ = ["build_plan"]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_ORDER = attrgetter("order")
_NO_SHARES: dict[int, Decimal] = {}

_PlanEntry = tuple["_PlanNode | None", bool, tuple[_Rule, ...], tuple[str, ...]]
"""A cached plan of applicable rules: its folded tree (gifts left out), whether
it has manual rules, the rules themselves, and their ids in declared order."""
_NO_PLAN: _PlanEntry = (None, False, (), ())


class _PlanNode:
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
        children: tuple[_PlanNode, ...] = (),
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

    def fold(self) -> _PlanNode:
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


def _merge(a: _PlanNode, b: _PlanNode) -> _PlanNode:
    """The plan of two disjoint sets of rules, from their plans (same group)."""
    shared = a.groups & b.groups
    if shared:
        theirs = {c.id: c for c in b.children if c.id in shared}
        kids = [_merge(c, theirs[c.id]) if c.id in shared else c for c in a.children]
        kids += [c for c in b.children if c.id not in shared]
    else:
        kids = [*a.children, *b.children]
    kids.sort(key=_ORDER)
    node = _PlanNode(a.id, a.priority, a.combination, None, tuple(kids), a.order)
    node._settle()
    return node


def _merged_factor(a: _PlanNode, b: _PlanNode) -> Decimal | None:
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


def build_plan(index: RuleIndex, rules: Sequence[_Rule]) -> _PlanNode:
    """The tree of groups leading to ``rules``, children in the order ``multiply`` uses."""
    kids: dict[int, list[_PlanNode]] = {}
    for rule in rules:
        node = _PlanNode(rule.id, rule.priority, None, rule, (), (-rule.priority, rule.position))
        parent = rule.parent
        while parent >= 0:
            siblings = kids.get(parent)
            kids.setdefault(parent, []).append(node)
            if siblings is not None:
                break  # the parent is already linked upwards
            group = index.groups[parent]
            node = _PlanNode(
                group.id,
                group.priority,
                group.combination,
                None,
                (),
                (-group.priority, group.position),
            )
            parent = group.parent

    def build(group: _Group, order: tuple[int, int]) -> _PlanNode:
        children = []
        for child in sorted(kids.get(group.idx, []), key=_ORDER):
            if child.rule is None:
                child = build(index.group_by_id[child.id], child.order)
            children.append(child)
        return _PlanNode(group.id, group.priority, group.combination, None, tuple(children), order)

    return build(index.root, (-index.root.priority, index.root.position))


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

    def amount(self, node: _PlanNode, base: Decimal) -> Decimal:
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


def _overrides(line: SaleLine, context: SaleContext) -> Mapping[str, Decimal | None]:
    if not context.manual_discounts:
        return line.manual_discounts
    if not line.manual_discounts:
        return context.manual_discounts
    return {**context.manual_discounts, **line.manual_discounts}
