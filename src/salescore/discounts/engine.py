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

The engine is one of five jobs, each in its own module:
:mod:`~salescore.discounts.index` compiles the rule set into rules, groups
and look-up tables; :mod:`~salescore.discounts.plans` is the plan algebra
(the tree over the rules that apply, folded into factors where it can be);
this module applies the rules (selection, caches, document amounts, gifts,
manual limits); :mod:`~salescore.discounts.results` holds the values it
returns; :mod:`~salescore.discounts.explanations` builds explanations from
the evidence a result carries.

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

import gc
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from operator import attrgetter
from typing import Any

from salescore.discounts.checks import structure_issues
from salescore.discounts.conditions import (
    BUILTIN_CONDITIONS,
    ConditionContext,
    ConditionRegistry,
    DiscountCondition,
    Threshold,
)
from salescore.discounts.explanations import trace
from salescore.discounts.index import RuleIndex, _Rule
from salescore.discounts.model import (
    AmountBasis,
    ConditionExpr,
    DiscountKind,
    DiscountRuleSet,
    ManualDiscountLimit,
)
from salescore.discounts.plans import (
    _NO_PLAN,
    _NO_SHARES,
    _LineEnv,
    _merge,
    _merged_factor,
    _PlanEntry,
    _PlanNode,
    build_plan,
)
from salescore.discounts.results import (
    _LINE_SLOTS,
    DiscountEvidence,
    DocumentResult,
    GiftLine,
    LimitExcess,
    LimitPolicy,
    LineDiscount,
    _RuleBook,
)
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine
from salescore.errors import DiscountLimitExceededError, raise_for_issues
from salescore.money import Money, allocate
from salescore.money._context import decimal_context
from salescore.parties import PriceGroupId

__all__ = ["DiscountEngine"]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_RANK = attrgetter("rank")
_IDX = attrgetter("idx")
# Bounds of the engine's caches: a cache that is full is emptied and fills again.
_PROGRAM_CACHE_SIZE = 1 << 15  # prepared candidates, per index key
_PLAN_CACHE_SIZE = 1 << 16  # plans, per set of applicable rules on one side
_MEMO_SIZE = 64  # verdicts remembered per prepared candidates, by quantity
_RULE_IDS_SIZE = 1 << 16  # applicable rules and their ids, per pair of plan entries


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
            gift = rule.is_gift  # outside the combination: never displaces, never displaced
            if group in decided and not gift:
                continue
            guarded = rule.guarded or (scoped and rule.line_indexed)
            certain = rule.line_test is None and not guarded
            if certain and (gift or group not in contested):
                fixed.append(rule)
            else:
                tested.append(rule)
                if group >= 0 and not gift:
                    contested.add(group)
            if certain and group >= 0 and not gift:
                decided.add(group)  # once reached, it holds and wins its group
        by_quantity = all(
            r.line_only and not (r.guarded or (scoped and r.line_indexed)) for r in tested
        )
        return cls(tuple(fixed), tuple(tested), by_quantity and bool(tested))


class DiscountEngine:
    """A compiled discount rule set: build with :meth:`compile`, use with :meth:`apply`.

    Immutable after compilation and safe to share between threads: its caches
    (prepared candidates per index key, verdicts per quantity, plans per set
    of rules) only hold values that are equal for equal keys, and a full cache
    is emptied rather than grown without end (bounds: 32,768 prepared
    candidates, 65,536 plans, 64 verdicts per prepared candidates).
    """

    def __init__(self, rule_set: DiscountRuleSet, index: RuleIndex) -> None:  # use compile()
        self.rule_set = rule_set
        self.registry: ConditionRegistry
        self.limit_policy: LimitPolicy
        self._index = index
        self._book = _RuleBook(rule_set, index.conditions(), index)
        self._plans: dict[tuple[_Rule, ...], _PlanEntry] = {}
        self._programs: dict[tuple[object, ...], _Program] = {}
        self._chosen: dict[
            tuple[object, ...], tuple[tuple[_Rule, ...], tuple[str, ...], Decimal | None]
        ] = {}
        self._limits: tuple[ManualDiscountLimit, ...] = rule_set.limits

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
        known = registry if registry is not None else ConditionRegistry.builtins()
        # salescore's own conditions are immutable values of their parameters: a
        # condition written alike in many rules (a quantity tier, a payment form) is
        # built once. A plugin's is built for each rule, as its author may expect.
        built: dict[tuple[str, str], DiscountCondition] = {}

        def build(rule_id: str, expr: ConditionExpr, path: str) -> DiscountCondition:
            name = expr.name
            if known.get(name) not in BUILTIN_CONDITIONS:
                return known.build(name, expr.params, path)
            key = (name, repr(expr.params))  # plain data: equal parameters, equal text
            condition = built.get(key)
            if condition is None:
                condition = built[key] = known.build(name, expr.params, path)
            return condition

        # Compiling allocates many long-lived objects and no garbage: the cyclic
        # collector, which would scan them again and again, is paused meanwhile
        # (and restored as it was), which halves the time of a large rule set.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with localcontext(decimal_context()):
                engine = cls(rule_set, RuleIndex.compile(rule_set, build))
        finally:
            if collecting:
                gc.enable()
        engine.registry = known
        engine.limit_policy = limit_policy
        return engine

    # --- selection ----------------------------------------------------------------------

    def _line_side(self, doc: DiscountEvidence, line: SaleLine, scoped: bool) -> _PlanEntry:
        """The rules the line's index keys reach that hold for ``line``, as a plan entry."""
        product = line.product
        key = (product.id, line.segment_ids, product.price_group_id, scoped)
        program = self._programs.get(key)
        if program is None:
            if len(self._programs) >= _PROGRAM_CACHE_SIZE:
                self._programs.clear()
            program = self._programs[key] = _Program.of(self._index.ranked(line), scoped)
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

    def _select(self, doc: DiscountEvidence) -> tuple[list[_PlanEntry], list[_PlanEntry]]:
        """For each line, the plans of the rules that hold: the document's side and the line's.

        Without a ``displace`` group shared by document-reached and line-reached
        rules (the usual case) the two sides are independent: the document's
        side is prepared once per document, the line's once per index key (and
        quantity), and their plans are merged per line. Otherwise both sides
        are merged into one program per line.
        """
        context = doc.context
        scoped = context.discount_scope is not None
        doc_cands = self._index.document_candidates(doc, ConditionContext(context, doc.facts))
        doc_cands.sort(key=_RANK)
        lines = doc.lines
        if self._index.mixed_displace:
            found = []
            for line in lines:
                ranked = sorted((*doc_cands, *self._index.ranked(line)), key=_RANK)
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
        self, tested: tuple[_Rule, ...], doc: DiscountEvidence, line: SaleLine, scoped: bool
    ) -> tuple[_Rule, ...]:
        """The rules of ``tested`` (rank order) that hold for ``line``; in a
        ``displace`` group the first that holds wins and its siblings are skipped
        (gifts aside: a gift is granted whenever it holds, whatever its group's rule)."""
        # The bulk path's inner loop: written for speed.
        context = doc.context
        line_ctx = ConditionContext(context, doc.facts, line)
        won: set[int] | None = None
        result: list[_Rule] = []
        for rule in tested:
            group = rule.displace_group
            if won and group in won and not rule.is_gift:
                continue  # displaced (a gift is outside the combination)
            if rule.guarded or (scoped and rule.line_indexed):
                if rule.is_manual and not self._index.is_chosen(rule, line, context):
                    continue
                # Line-indexed: the document part is checked here, once per
                # document thanks to the cache.
                if (rule.needs_doc_check or (scoped and rule.line_indexed)) and not (
                    self._index.document_ok(rule, doc, line_ctx)
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
        plan = build_plan(self._index, chosen).fold() if chosen else None
        ids = tuple([r.id for r in sorted(rules, key=_IDX)])
        entry = self._plans[rules] = (plan, any(r.is_manual for r in chosen), rules, ids)
        return entry

    # --- application --------------------------------------------------------------------

    def _shares(self, doc: DiscountEvidence) -> None:
        """Spread document-level amounts over the lines they apply to (exact sum)."""
        targets: dict[int, list[int]] = {}
        for pos, rules in enumerate(doc.applicable):
            for rule in rules:
                if rule.kind is DiscountKind.AMOUNT and rule.basis is AmountBasis.DOCUMENT:
                    targets.setdefault(rule.idx, []).append(pos)
        shares: list[dict[int, Decimal]] = [{} for _ in doc.lines]
        doc.shares = shares
        currency = doc.facts.currency
        for idx, positions in targets.items():
            rule = self._index.rules[idx]
            value = rule.value
            typed = doc.context.manual_discounts.get(rule.id) if rule.is_manual else None
            if typed is not None:
                value = typed
            weights = [doc.lines[p].amount for p in positions]
            if not any(weights):
                weights = [Decimal(1)] * len(positions)
            parts = allocate(Money.of(value, currency), weights)
            for pos, part in zip(positions, parts, strict=True):
                shares[pos][idx] = part.amount

    def _gifts(self, doc: DiscountEvidence) -> tuple[GiftLine, ...]:
        bought: dict[int, list[int]] = {}
        for pos, rules in enumerate(doc.applicable):
            for rule in rules:
                if rule.is_gift:
                    bought.setdefault(rule.idx, []).append(pos)
        gifts = []
        for idx, positions in sorted(bought.items()):
            discount = self._index.rules[idx].discount
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
        doc = DiscountEvidence(self._book, lines, context, facts)
        doc_sides, line_sides = self._select(doc)
        index = self._index
        if index.has_shares:
            doc.applicable = [
                mine[2] + theirs[2] if mine[2] else theirs[2]
                for mine, theirs in zip(doc_sides, line_sides, strict=True)
            ]
            self._shares(doc)
        else:
            doc.shares = [_NO_SHARES] * len(lines)
        results = []
        applicable = []
        deviations: list[LimitExcess] = []
        currency = facts.currency
        quantum = currency.quantum
        zero = ZERO.quantize(quantum)
        env = _LineEnv()  # reused line after line
        shares = doc.shares
        # LineDiscount values are built slot by slot (the allocator and the slot setters of
        # results._LINE_SLOTS), not through attrs' __init__: this loop runs once per line of
        # every document.
        new, set_id, set_gross, set_discount, set_currency, set_ids, set_pos, set_evidence = (
            _LINE_SLOTS
        )
        chosen = self._chosen
        for pos, (line, (mine, manual, mine_rules, ids), side) in enumerate(
            zip(lines, doc_sides, line_sides, strict=True)
        ):
            theirs, line_manual, their_rules, their_ids = side
            base = line.amount
            discount = zero
            if not mine_rules:
                rules, ids = their_rules, their_ids
                plan, factor = theirs, None if theirs is None else theirs.factor
            elif not their_rules:
                rules = mine_rules
                plan, factor = mine, None if mine is None else mine.factor
            else:
                # The applicable rules (the document's, then the line's), their ids in
                # declared order and the merged factor: worked out once per pair.
                found = chosen.get((mine_rules, their_rules))
                if found is None:
                    if len(chosen) >= _RULE_IDS_SIZE:
                        chosen.clear()
                    merged = mine_rules + their_rules
                    found = chosen[mine_rules, their_rules] = (
                        merged,
                        tuple([r.id for r in sorted(merged, key=_IDX)]),
                        None if mine is None or theirs is None else _merged_factor(mine, theirs),
                    )
                rules, ids, factor = found
                if factor is not None:
                    plan = None
                elif mine is not None and theirs is not None:
                    plan = _merge(mine, theirs)
                else:
                    plan = theirs if mine is None else mine  # gifts only on one side
                    factor = None if plan is None else plan.factor
            applicable.append(rules)
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
            item = new(LineDiscount)
            set_id(item, line.line_id)
            set_gross(item, base)
            set_discount(item, discount)
            set_currency(item, currency)
            set_ids(item, ids)
            set_pos(item, pos)
            set_evidence(item, doc)
            results.append(item)
        doc.applicable = applicable
        gifts = self._gifts(doc) if index.has_gifts else ()
        return DocumentResult(tuple(results), gifts, tuple(deviations), currency)

    def apply_many(
        self, documents: Iterable[tuple[Sequence[SaleLine], SaleContext]]
    ) -> list[DocumentResult]:
        """:meth:`apply` for many documents (the bulk API); no I/O, one result per document."""
        with localcontext(decimal_context()):
            return [self._apply(lines, context) for lines, context in documents]

    # --- manual limits ------------------------------------------------------------------

    def limit_for(
        self, context: SaleContext, price_group_id: str | None, *, markup: bool = False
    ) -> tuple[Decimal, str] | None:
        """The tightest manual-discount (or, with ``markup``, manual-markup) limit for
        ``context`` and a price group, and its source.

        Sources: the agreement terms in the context, stored limits of the
        agreement, stored limits of the user. None when no limit is set.
        """
        found: list[tuple[Decimal, str]] = []
        if markup:
            general = context.manual_markup_limit_percent
            refined = context.manual_markup_limit_by_price_group
        else:
            general = context.manual_limit_percent
            refined = context.manual_limit_by_price_group
        if general is not None:
            percent = general
            if price_group_id is not None and price_group_id in refined:
                percent = refined[PriceGroupId(price_group_id)]
            found.append((percent, f"agreement {context.agreement_id or ''}".strip()))
        for limit in self._limits:
            if (limit.user is not None and limit.user == context.user) or (
                limit.agreement_id is not None and limit.agreement_id == context.agreement_id
            ):
                who = f"user {limit.user}" if limit.user else f"agreement {limit.agreement_id}"
                group = None if price_group_id is None else PriceGroupId(price_group_id)
                value = limit.markup_percent_for(group) if markup else limit.percent_for(group)
                if value is not None:
                    found.append((value, f"limit {limit.id} ({who})"))
        return min(found, key=lambda item: item[0]) if found else None

    def _check_limit(
        self, doc: DiscountEvidence, pos: int, plan: _PlanNode, env: _LineEnv
    ) -> LimitExcess | None:
        """The excess of line ``pos`` (its ``plan`` and loaded ``env``) if its manual
        part is above its limit: a manual discount above the discount limit, or a
        manual markup (a negative manual part) above the markup limit."""
        line = doc.lines[pos]
        if not line.amount:
            return None
        _, manual, _ = trace(plan, line.amount, env)
        markup = manual < ZERO
        percent = abs(manual) * HUNDRED / line.amount
        limit = self.limit_for(doc.context, line.product.price_group_id, markup=markup)
        if limit is None or percent <= limit[0]:
            return None
        shown = percent.quantize(Decimal("0.01"))
        what = "markup" if markup else "discount"
        message = (
            f"line {line.line_id} ({line.product.id}): manual {what} {shown}% is above the "
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
        return LimitExcess(f"manual_{what}_over_limit", "approval", message, figures)

    # --- introspection ------------------------------------------------------------------

    def thresholds_for(self, line: SaleLine, context: SaleContext) -> list[tuple[str, Threshold]]:
        """Tier boundaries of the rules that can reach ``line``: ``(discount id, threshold)``.

        Free-units rules give their first full set (buy + free) as a line
        quantity threshold. Used by :mod:`salescore.discounts.whatif`.
        """
        doc = DiscountEvidence(self._book, [line], context, DocumentFacts.of([line]))
        found: list[tuple[str, Threshold]] = []
        for rule in self._index.reachable(doc, line):
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
        return len(self._index.rules)

    def conditions(self, discount_id: str) -> list[tuple[str, Any]]:
        """``(name, condition object)`` of each named condition of a discount."""
        rule = self._index.by_id[discount_id]
        return [] if rule.whole is None else [(x.expr.name, x.condition) for x in rule.whole.leaves]
