"""Explanations of applied discounts, built from the evidence a result carries.

Nothing here calls back into an engine: a line's explanation is rebuilt
from its :class:`~salescore.discounts.results.DiscountEvidence` (the line,
the sale context, the rules that applied, the amounts spread onto it) and
the rule index of the evidence's rule book. Every condition is evaluated
again with no short cut, so the explanation shows each check; the
combination is re-run with :func:`~salescore.discounts.combination.combine`
tracing each group, the reference the engine's folded plans agree with.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

import attrs

from salescore.discounts.combination import TraceStep, combine
from salescore.discounts.conditions import ConditionContext
from salescore.discounts.index import _Rule
from salescore.discounts.model import Combination, DiscountKind, Mode
from salescore.discounts.plans import _leaf_amount, _LineEnv, _PlanNode, build_plan
from salescore.discounts.results import DiscountEvidence
from salescore.errors import DiscountError
from salescore.explain import Explanation, Step
from salescore.money import Money

__all__ = ["explain_line", "full_plan", "trace", "why_not"]

ZERO = Decimal(0)
_IDX = attrgetter("idx")


def full_plan(doc: DiscountEvidence, pos: int) -> _PlanNode | None:
    """The plan of line ``pos`` (gifts left out), for explanations and limit checks."""
    rules = [r for r in doc.applicable[pos] if not r.is_gift]
    return build_plan(doc.book.index, rules) if rules else None


def trace(node: _PlanNode, base: Decimal, env: _LineEnv) -> tuple[Decimal, Decimal, Step]:
    """Amount, the manual part of it, and the explaining step of ``node`` on ``base``."""
    rule = node.rule
    if rule is not None:
        amount = _leaf_amount(rule, base, env)
        manual = amount if rule.is_manual else ZERO
        label = f"{rule.id} '{rule.discount.name}': {_effective(rule, env)}"
        return amount, manual, Step(label, _show(amount), f"on base {_show(base)}")
    assert node.combination is not None
    done: dict[str, tuple[Decimal, Decimal, Step]] = {}
    walked: list[TraceStep] = []

    def amount_of(child: _PlanNode, b: Decimal) -> Decimal:
        result = trace(child, b, env)
        done[child.id] = result
        return result[0]

    amount = combine(node.combination, base, node.children, walked, amount_of, presorted=True)
    manual_sum = ZERO
    steps = []
    for t in walked:
        _, child_manual, step = done.get(t.id, (ZERO, ZERO, Step(t.id)))
        if not t.used:
            step = Step(step.description + " — not used", step.value, step.source, step.detail)
        steps.append(step)
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


def _line_env(doc: DiscountEvidence, pos: int) -> _LineEnv:
    env = _LineEnv()
    env.load(doc.lines[pos], doc.shares[pos], doc.context)
    return env


def _rule_verdict(doc: DiscountEvidence, pos: int, rule: _Rule) -> tuple[bool, list[Step]]:
    """Whether ``rule`` applies to line ``pos``, and every check that decided it."""
    index = doc.book.index
    line = doc.lines[pos]
    ctx = ConditionContext(doc.context, doc.facts, line)
    discount = rule.discount
    steps: list[Step] = []
    held = True  # every check of the rule itself passed (displacement aside)
    if rule.is_manual:
        chosen = index.is_chosen(rule, line, doc.context)
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
    whole = rule.whole
    if whole is not None:
        if whole.level == "document":  # reads no line: explained once per document
            found = doc.explained.get(rule.idx)
            if found is None:
                found = doc.explained[rule.idx] = whole.explain(ctx)
            satisfied, condition_steps = found
        else:
            satisfied, condition_steps = whole.explain(ctx)
        held = held and satisfied
        steps += condition_steps
    else:
        steps.append(Step("no conditions"))
    applicable = doc.applicable[pos]
    applies = rule in applicable
    # Only a rule that would apply on its own can be displaced by a sibling.
    if not applies and held and rule.displace_group >= 0:
        winners = [
            r for r in applicable if r.displace_group == rule.displace_group and not r.is_gift
        ]
        if winners and not rule.is_gift:
            group = index.groups[rule.displace_group]
            steps.append(
                Step(
                    f"displaced in group {group.id} by {winners[0].id} "
                    f"(priority {winners[0].priority} over {rule.priority})"
                )
            )
    return applies, steps


def explain_line(doc: DiscountEvidence, pos: int) -> Explanation:
    index = doc.book.index
    line = doc.lines[pos]
    currency = doc.facts.currency
    steps = [
        Step(
            f"line amount {line.quantity} x {line.unit_price}",
            str(Money(line.amount, currency)),
        )
    ]
    candidates = sorted(index.reachable(doc, line), key=_IDX)
    verdicts = []
    for rule in candidates:
        applies, detail = _rule_verdict(doc, pos, rule)
        verdicts.append(
            Step(
                f"{rule.id} '{rule.discount.name}'",
                "applies" if applies else "does not apply",
                rule.discount.describe(),
                Explanation(f"conditions of {rule.id}", tuple(detail)),
            )
        )
    others = len(index.rules) - len(candidates)
    steps.append(
        Step(
            f"candidates from the index ({len(candidates)}; {others} other rules cannot "
            "apply to this product, client or warehouse)",
            ", ".join(r.id for r in candidates),
            "",
            Explanation("candidates", tuple(verdicts)),
        )
    )
    plan = full_plan(doc, pos)
    total = ZERO
    if plan is not None:
        total, _, step = trace(plan, line.amount, _line_env(doc, pos))
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


def why_not(doc: DiscountEvidence, pos: int, discount_id: str) -> Explanation:
    index = doc.book.index
    rule = index.by_id.get(discount_id)
    if rule is None:
        raise DiscountError(
            f"no discount {discount_id!r} in the rule set; known: "
            f"{', '.join(sorted(index.by_id)[:20])}"
        )
    line = doc.lines[pos]
    applies, steps = _rule_verdict(doc, pos, rule)
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
    if rule.parent < 0:  # left out of the candidates when the index was compiled
        applies = False
        steps.insert(0, Step("no group lists it as a child: it never applies; add it to a group"))
    verdict = "applies" if applies else "does not apply"
    if applies and not rule.is_gift:
        plan = full_plan(doc, pos)
        assert plan is not None
        _, _, step = trace(plan, line.amount, _line_env(doc, pos))
        steps.append(Step("how the groups combined it", "", "", step.detail))
    return Explanation(
        f"why {rule.id} '{rule.discount.name}' {verdict} to line {line.line_id}",
        tuple(steps),
    )


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
    elif not discount.price_group_values:
        return discount.describe()  # its own value, as it is
    else:
        value, note = rule.value, ""
    # Described as a rule of that value: a manual rule's own description of a zero
    # value is the placeholder "typed by the manager", not the zero it used.
    valued = attrs.evolve(discount, value=value, price_group_values={}, mode=Mode.AUTOMATIC)
    text = valued.describe()
    return f"{text} ({note})" if note else text
