"""A document's discount evidence as plain parts, and back: what storage keeps of it.

A :class:`~salescore.discounts.DiscountEvidence` is what the explanations
of one applied document are built from. Storage (a frozen order, for
instance) keeps its parts — the rule set, the lines, the sale context,
per line the numbers of the rules that applied and the document amounts
spread onto it, the limit excesses — and :func:`evidence_of_parts` makes
the evidence again: its rule index is compiled from the rule set (the rule
numbers are the same, since compiling is deterministic) with the
conditions of ``registry``, so every line explains itself as it did.

>>> from datetime import datetime
>>> from salescore.discounts import (Combination, Discount, DiscountEngine,
...     DiscountGroup, DiscountRuleSet, SaleContext, SaleLine)
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> rules = DiscountRuleSet([Discount("D5", "Five percent", value=5)],
...                         [DiscountGroup("ROOT", "All", Combination.MAX, ["D5"])])
>>> line = SaleLine("1", Product(ProductId("CM-100"), "Coffee maker"), Quantity(2),
...                 Money("1000.00", "RUB"))
>>> item = DiscountEngine.compile(rules).apply([line], SaleContext(datetime(2026, 3, 2))).lines[0]
>>> again = evidence_of_parts(evidence_parts(item.evidence))
>>> attrs.evolve(item, evidence=again).explain() == item.explain()
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext

import attrs

from salescore.discounts.conditions import ConditionRegistry, DiscountCondition
from salescore.discounts.index import RuleIndex
from salescore.discounts.model import ConditionExpr, DiscountRuleSet
from salescore.discounts.results import DiscountEvidence, LimitExcess, _RuleBook
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine
from salescore.money._context import decimal_context

__all__ = ["EvidenceParts", "evidence_of_parts", "evidence_parts", "rule_book_of"]


@attrs.frozen
class EvidenceParts:
    """The parts of a document's discount evidence (see the module).

    Attributes:
        rule_set: the rules the document was discounted with.
        lines: the document's lines.
        context: the sale context.
        applicable: per line, the numbers of the rules that applied (in the
            compiled index of ``rule_set``).
        shares: per line, the document amounts spread onto it, by rule number.
        deviations: the limit excesses, by line position.
    """

    rule_set: DiscountRuleSet
    lines: tuple[SaleLine, ...]
    context: SaleContext
    applicable: tuple[tuple[int, ...], ...]
    shares: tuple[Mapping[int, Decimal], ...]
    deviations: Mapping[int, LimitExcess]


def evidence_parts(evidence: DiscountEvidence) -> EvidenceParts:
    """The parts of ``evidence``."""
    state = evidence.__getstate__()
    return EvidenceParts(
        evidence.book.rule_set,
        tuple(state["lines"]),
        state["context"],
        tuple(tuple(x) for x in state["applicable"]),
        tuple(state["shares"]),
        state["deviations"],
    )


def evidence_of_parts(
    parts: EvidenceParts,
    registry: ConditionRegistry | None = None,
    *,
    book: _RuleBook | None = None,
) -> DiscountEvidence:
    """The evidence ``parts`` came from, its rules compiled with ``registry``
    (the built-in conditions when omitted), or with ``book`` when given (one
    made from the same rule set by an earlier call, see :func:`rule_book_of`)."""
    if book is None:
        book = rule_book_of(parts.rule_set, registry)
    lines: Sequence[SaleLine] = parts.lines
    evidence = DiscountEvidence.__new__(DiscountEvidence)
    evidence.__setstate__(
        {
            "book": book,
            "lines": tuple(lines),
            "context": parts.context,
            "facts": DocumentFacts.of(lines),
            "applicable": [tuple(x) for x in parts.applicable],
            "shares": [dict(x) for x in parts.shares],
            "deviations": dict(parts.deviations),
        }
    )
    return evidence


def rule_book_of(rule_set: DiscountRuleSet, registry: ConditionRegistry | None = None) -> _RuleBook:
    """``rule_set`` compiled for explanations, its conditions built by ``registry``
    (the built-in conditions when omitted)."""
    known = registry if registry is not None else ConditionRegistry.builtins()

    def build(rule_id: str, expr: ConditionExpr, path: str) -> DiscountCondition:
        return known.build(expr.name, expr.params, path)

    with localcontext(decimal_context()):
        index = RuleIndex.compile(rule_set, build)
    return _RuleBook(rule_set, index.conditions(), index)
