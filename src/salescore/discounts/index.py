"""The rule index: a rule set compiled into rules, groups and look-up tables (C2, C5).

:meth:`RuleIndex.compile` builds every condition of a rule set (through a
:class:`~salescore.discounts.conditions.ConditionRegistry`, or from
conditions built earlier), splits each rule's condition into its document
and line parts and files the rule under what it requires (a product, a
nomenclature segment, a price group, a client, a warehouse …). What the
index reaches from a line or a document is where every other job starts:
the engine selects among those rules, the explanations show them.

The index holds no cache and never changes after compilation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Protocol

import attrs

from salescore.discounts.conditions import (
    BUILTIN_CONDITIONS,
    DOCUMENT_DIMENSIONS,
    LINE_DIMENSIONS,
    MULTI_VALUED_DIMENSIONS,
    ConditionContext,
    DiscountCondition,
)
from salescore.discounts.model import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountKind,
    DiscountRuleSet,
)
from salescore.discounts.sale import SaleContext, SaleLine
from salescore.errors import PluginError
from salescore.explain import Explanation, Step

__all__ = ["ConditionBuilder", "RuleIndex"]

if TYPE_CHECKING:
    from salescore.discounts.sale import DocumentFacts

HUNDRED = Decimal(100)
_RANK = attrgetter("rank")

Predicate = Callable[[ConditionContext], bool]
ConditionBuilder = Callable[[str, ConditionExpr, str], DiscountCondition]
"""Builds the condition of leaf ``expr`` of rule ``rule_id`` (key path ``path``)."""


class _Document(Protocol):
    """What the index reads of an applied document (see ``results._Document``)."""

    context: SaleContext
    facts: DocumentFacts
    doc_ok: dict[int, bool]


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
    """A condition tree, built: a fast test and an explaining one."""

    def __init__(
        self, rule_id: str, expr: ConditionExpr, build: ConditionBuilder, path: str
    ) -> None:
        self.expr = expr
        self.leaves: list[_Leaf] = []
        self.test = self._build(rule_id, expr, build, path)
        self.level = "document" if all(x.level == "document" for x in self.leaves) else "line"

    def _build(
        self, rule_id: str, expr: ConditionExpr, build: ConditionBuilder, path: str
    ) -> Predicate:
        if expr.op == "cond":
            cond = build(rule_id, expr, path)
            level = getattr(cond, "level", "line")
            test = _leaf_test(rule_id, expr.name, cond)
            self.leaves.append(_Leaf(expr, cond, level, test))
            return test
        tests = [
            self._build(rule_id, child, build, f"{path}.{expr.op}[{i}]")
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


class RuleIndex:
    """A rule set compiled: rules and groups with their places in the tree, and the index.

    Build with :meth:`compile`. Read-only afterwards and shared by the
    engine, its results and their explanations.
    """

    def __init__(self, rule_set: DiscountRuleSet) -> None:  # use compile()
        self.rule_set = rule_set
        self.rules: list[_Rule] = []
        self.by_id: dict[str, _Rule] = {}
        self.groups: list[_Group] = []
        self.group_by_id: dict[str, _Group] = {}
        self.root: _Group
        self.line_index: dict[str, dict[str, list[_Rule]]] = {d: {} for d in LINE_DIMENSIONS}
        self.doc_index: dict[str, dict[str, list[_Rule]]] = {d: {} for d in DOCUMENT_DIMENSIONS}
        self.unindexed: list[_Rule] = []
        self.line_tables: tuple[dict[str, list[_Rule]], ...] = ()
        self.mixed_displace = False
        self.has_shares = False
        self.has_gifts = False

    @classmethod
    def compile(cls, rule_set: DiscountRuleSet, build: ConditionBuilder) -> RuleIndex:
        """Compile ``rule_set`` (its structure already checked), conditions made by ``build``."""
        index = cls(rule_set)
        for i, group in enumerate(rule_set.groups):
            g = _Group(i, group)
            index.groups.append(g)
            index.group_by_id[group.id] = g
        for i, discount in enumerate(rule_set.discounts):
            path = f"discounts.{discount.id}.condition"
            whole = (
                None
                if discount.condition is None
                else _CompiledCondition(discount.id, discount.condition, build, path)
            )
            rule = _Rule(i, discount, whole)
            index.rules.append(rule)
            index.by_id[discount.id] = rule
        for group in rule_set.groups:
            g = index.group_by_id[group.id]
            for pos, child in enumerate(group.children):
                target: _Rule | _Group = index.by_id.get(child) or index.group_by_id[child]
                target.parent = g.idx
                target.position = pos
        index.root = index.group_by_id[rule_set.root.id]
        for rule in index.rules:
            index._prepare(rule)
        for rule in index.rules:
            parent = index.groups[rule.parent] if rule.parent >= 0 else None
            if parent is not None and parent.combination is Combination.DISPLACE:
                rule.displace_group = parent.idx
        ranked = sorted(index.rules, key=lambda r: (r.parent, -r.priority, r.position))
        for rank, rule in enumerate(ranked):
            rule.rank = rank
        sides: dict[int, set[bool]] = {}
        for rule in index.rules:
            if rule.displace_group >= 0:
                sides.setdefault(rule.displace_group, set()).add(rule.line_indexed)
        index.mixed_displace = any(len(found) > 1 for found in sides.values())
        index.has_gifts = any(r.is_gift for r in index.rules)
        index.line_tables = tuple(index.line_index[d] for d in LINE_DIMENSIONS)
        index.has_shares = any(
            r.kind is DiscountKind.AMOUNT and r.basis is AmountBasis.DOCUMENT for r in index.rules
        )
        return index

    def conditions(self) -> dict[str, tuple[DiscountCondition, ...]]:
        """The built condition of every leaf, per rule, depth first (what :meth:`compile`
        needs to rebuild this index without a registry)."""
        return {
            r.id: tuple(x.condition for x in r.whole.leaves)
            for r in self.rules
            if r.whole is not None
        }

    def _ancestors(self, parent: int) -> list[_Group]:
        chain = []
        while parent >= 0:
            group = self.groups[parent]
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
        if rule.parent < 0:
            # No group lists it: it never applies (the checks warn of it), so it is
            # filed nowhere and no line may report it among its rules.
            return
        if not rule.index_dim:
            self.unindexed.append(rule)
            return
        index = self.line_index if line_indexed else self.doc_index
        for value in rule.index_values:
            index[rule.index_dim].setdefault(value, []).append(rule)

    def document_ok(self, rule: _Rule, doc: _Document, ctx: ConditionContext) -> bool:
        ok = doc.doc_ok.get(rule.idx)
        if ok is None:
            ok = self.document_verdict(rule, doc, ctx)[0]
            doc.doc_ok[rule.idx] = ok
        return ok

    def document_verdict(
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

    def is_chosen(self, rule: _Rule, line: SaleLine, context: SaleContext) -> bool:
        return rule.id in line.manual_discounts or rule.id in context.manual_discounts

    def line_hits(self, line: SaleLine) -> list[_Rule]:
        """The rules the line's product, segments and price group reach through
        the index (a rule listing two of the line's segments comes twice)."""
        candidates: list[_Rule] = []
        product_index, segment_index, group_index = self.line_tables
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

    def document_candidates(self, doc: _Document, ctx: ConditionContext) -> list[_Rule]:
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
            table = self.doc_index[dim]
            for value in values:
                found += table.get(value, ())
        found += self.unindexed
        if len(context.client_segment_ids) > 1:
            found = list({r.idx: r for r in found}.values())  # a rule listing two segments
        if context.discount_scope is None:
            return [r for r in found if r.doc_free or self.document_ok(r, doc, ctx)]
        return [r for r in found if self.document_ok(r, doc, ctx)]

    def ranked(self, line: SaleLine) -> tuple[_Rule, ...]:
        """The rules the index reaches from ``line``'s product, segments and price
        group, once each, in rank order."""
        hits = self.line_hits(line)
        if len(line.segment_ids) > 1:
            hits = list({r.idx: r for r in hits}.values())  # a rule listing two segments
        hits.sort(key=_RANK)
        return tuple(hits)

    def reachable(self, doc: _Document, line: SaleLine) -> list[_Rule]:
        """Every rule the document or ``line``'s index keys reach, whether or not
        its conditions hold, once each in the order found."""
        found = [*self.document_candidates_all(doc), *self.line_hits(line)]
        return list({r.idx: r for r in found}.values())

    def document_candidates_all(self, doc: _Document) -> list[_Rule]:
        # For explanations: every document-reachable rule, whether or not its
        # document conditions held (so failures can be shown).
        saved = doc.doc_ok
        doc.doc_ok = {r.idx: True for r in self.rules}
        try:
            return self.document_candidates(doc, ConditionContext(doc.context, doc.facts))
        finally:
            doc.doc_ok = saved
