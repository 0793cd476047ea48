"""What the discount engine returns: line and document results, gifts, limit excesses.

Every result is a frozen attrs value: it compares by its figures, pickles,
and converts with :func:`attrs.asdict`. A result never holds the engine.
What its explanations are built from travels with it as data, in a
:class:`DiscountEvidence` shared by the lines of one document: the lines and
the sale context, the rules that applied to each line, the document amounts
spread over lines, the limit excesses, and the rule set with its built
conditions. A result read back from a pickle explains itself exactly as the
original did (the rule set's index is rebuilt once from that data, without
a condition registry).

>>> from datetime import datetime
>>> from salescore.discounts import (Combination, Discount, DiscountEngine,
...     DiscountGroup, DiscountRuleSet, SaleContext, SaleLine)
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> rules = DiscountRuleSet([Discount("D5", "Five percent", value=5)],
...                         [DiscountGroup("ROOT", "All", Combination.MAX, ["D5"])])
>>> line = SaleLine("1", Product(ProductId("CM-100"), "Coffee maker"), Quantity(2),
...                 Money("1000.00", "RUB"))
>>> result = DiscountEngine.compile(rules).apply([line], SaleContext(datetime(2026, 3, 2)))
>>> item = result.lines[0]
>>> item
LineDiscount('1', gross=2000.00, discount=100.00, rules=['D5'])
>>> attrs.asdict(item, recurse=False)["discount_amount"]
Decimal('100.00')
>>> LineDiscount(**attrs.asdict(item, recurse=False)) == item
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from salescore.discounts.conditions import DiscountCondition
from salescore.discounts.model import ConditionExpr, DiscountRuleSet
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine
from salescore.errors import DiscountError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money
from salescore.money._context import decimal_context
from salescore.records import Record

if TYPE_CHECKING:
    from salescore.discounts.index import RuleIndex, _Rule

__all__ = [
    "DiscountEvidence",
    "DocumentResult",
    "GiftLine",
    "LimitExcess",
    "LimitPolicy",
    "LineDiscount",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_IDX = attrgetter("idx")


class LimitPolicy(enum.Enum):
    """What happens to a manual discount or markup above its limit (C7)."""

    REFUSE = "refuse"
    """Raise :class:`~salescore.errors.DiscountLimitExceededError`."""
    DEVIATION = "deviation"
    """Apply it and return a :class:`LimitExcess` for the approval process."""


@attrs.frozen
class LimitExcess:
    """A manual discount or markup above its limit: the engine's report [отклонение от условий].

    This is the discount engine's own report; the application turns it into
    the agreements context's :class:`~salescore.agreements.Deviation` (kind
    ``discount_above_limit``) that the approval process takes, with
    :func:`salescore.orders.deviation_of_limit_excess`. (It was formerly
    called ``salescore.discounts.Deviation``; that name now means only the
    agreements context's deviation.)

    Attributes:
        kind: ``"manual_discount_over_limit"`` or ``"manual_markup_over_limit"``.
        severity: ``"approval"`` (needs a decision) or ``"warning"``.
        message: what deviates, by how much, and the limit's source.
        figures: the numbers: line, percent, limit, source, user.
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


class _RuleBook:
    """The rule set and its built conditions: what a result's explanations need of the rules.

    In the process that compiled it, it holds the engine's rule index; read
    back from a pickle, it rebuilds the index once from the rule set and the
    conditions (no registry is needed, no cache is involved).
    """

    __slots__ = ("_index", "conditions", "rule_set")

    def __init__(
        self,
        rule_set: DiscountRuleSet,
        conditions: Mapping[str, tuple[DiscountCondition, ...]],
        index: RuleIndex | None = None,
    ) -> None:
        self.rule_set = rule_set
        self.conditions = conditions
        self._index = index

    @property
    def index(self) -> RuleIndex:
        index = self._index
        if index is None:
            from salescore.discounts.index import RuleIndex

            pending = {k: iter(v) for k, v in self.conditions.items()}

            def build(rule_id: str, expr: ConditionExpr, path: str) -> DiscountCondition:
                return next(pending[rule_id])

            index = self._index = RuleIndex.compile(self.rule_set, build)
        return index

    def __getstate__(self) -> tuple[DiscountRuleSet, Mapping[str, tuple[Any, ...]]]:
        return self.rule_set, self.conditions

    def __setstate__(self, state: tuple[DiscountRuleSet, Mapping[str, Any]]) -> None:
        self.rule_set, self.conditions = state
        self._index = None


class DiscountEvidence:
    """What explanations of one applied document are built from: plain data.

    The document's lines, sale context and totals, per line the rules that
    applied (in the order they were selected) and the document amounts
    spread onto it, the limit excesses by line, and the rule book. Shared by
    the :class:`LineDiscount` values of one document; not compared (two
    results are equal when their figures are), pickled with them.
    """

    __slots__ = (
        "_applicable",
        "_applicable_ids",
        "book",
        "context",
        "deviations",
        "doc_ok",
        "explained",
        "facts",
        "lines",
        "shares",
    )

    def __init__(
        self,
        book: _RuleBook,
        lines: Sequence[SaleLine],
        context: SaleContext,
        facts: DocumentFacts,
    ) -> None:
        self.book = book
        self.lines = lines
        self.context = context
        self.facts = facts
        self._applicable: list[tuple[_Rule, ...]] | None = None
        self._applicable_ids: list[tuple[int, ...]] | None = None
        self.shares: Sequence[Mapping[int, Decimal]] = ()
        self.doc_ok: dict[int, bool] = {}  # document verdicts per rule, a working cache
        # Explained document-level conditions per rule: the same for every line.
        self.explained: dict[int, tuple[bool, list[Step]]] = {}
        self.deviations: dict[int, LimitExcess] = {}

    @property
    def applicable(self) -> list[tuple[_Rule, ...]]:
        """Per line, the rules that apply (gifts included)."""
        found = self._applicable
        if found is None:
            rules = self.book.index.rules
            ids = self._applicable_ids or []
            found = self._applicable = [tuple(rules[i] for i in line) for line in ids]
        return found

    @applicable.setter
    def applicable(self, value: list[tuple[_Rule, ...]]) -> None:
        self._applicable = value

    def __getstate__(self) -> dict[str, Any]:
        return {
            "book": self.book,
            "lines": tuple(self.lines),
            "context": self.context,
            "facts": self.facts,
            "applicable": [tuple(r.idx for r in rules) for rules in self.applicable],
            "shares": [dict(s) for s in self.shares],
            "deviations": dict(self.deviations),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.book = state["book"]
        self.lines = state["lines"]
        self.context = state["context"]
        self.facts = state["facts"]
        self._applicable = None
        self._applicable_ids = state["applicable"]
        self.shares = state["shares"]
        self.doc_ok = {}
        self.explained = {}
        self.deviations = state["deviations"]

    def __repr__(self) -> str:
        return f"DiscountEvidence({len(self.lines)} lines)"


def _no_evidence(what: str) -> DiscountError:
    return DiscountError(
        f"this {what} carries no evidence (it was built by hand, not returned by "
        "DiscountEngine.apply): explanations need the result the engine returned"
    )


@attrs.frozen(repr=False)
class LineDiscount:
    """The discount of one line: its figures and the rules that applied.

    Attributes:
        line_id: the line's id.
        gross_amount: quantity × unit price, in the document currency (Decimal).
        discount_amount: the discount (negative for a net markup), rounded to minor units.
        currency: the document currency.
        rule_ids: ids of the discounts that apply, in declared order (gifts
            included). A rule displaced by a higher-priority sibling in a
            ``displace`` group is not among them; :meth:`explain` says by which.
        position: the line's place in its document (0-based).
        evidence: what :meth:`explain` and :meth:`why_not` are built from
            (not compared).
    """

    line_id: str
    gross_amount: Decimal
    discount_amount: Decimal
    currency: Currency
    rule_ids: tuple[str, ...] = ()
    position: int = 0
    evidence: DiscountEvidence | None = attrs.field(default=None, eq=False, repr=False)

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
        with localcontext(decimal_context()):
            return Money(self.gross_amount - self.discount_amount, self.currency)

    @property
    def percent(self) -> Decimal:
        """The discount as a percent of the line amount (two decimals)."""
        if not self.gross_amount:
            return ZERO
        with localcontext(decimal_context()):
            return (self.discount_amount * HUNDRED / self.gross_amount).quantize(_CENT)

    def _evidence(self) -> DiscountEvidence:
        if self.evidence is None:
            raise _no_evidence("line discount")
        return self.evidence

    def explain(self) -> Explanation:
        """How the discount was found: candidates, conditions, each group, the bases."""
        from salescore.discounts.explanations import explain_line

        evidence = self._evidence()
        with localcontext(decimal_context()):
            return explain_line(evidence, self.position)

    def why_not(self, discount_id: str) -> Explanation:
        """Why ``discount_id`` did (not) apply to this line."""
        from salescore.discounts.explanations import why_not

        evidence = self._evidence()
        with localcontext(decimal_context()):
            return why_not(evidence, self.position, discount_id)

    def to_records(self) -> list[Record]:
        """One typed row: ``line_id``, ``gross``, ``discount``, ``net``, ``currency``
        and ``rules`` (the applied rule ids, comma-separated); see :mod:`salescore.records`."""
        return [
            {
                "line_id": self.line_id,
                "gross": self.gross_amount,
                "discount": self.discount_amount,
                "net": self.net.amount,
                "currency": self.currency.code,
                "rules": ", ".join(self.rule_ids),
            }
        ]

    def _repr_html_(self) -> str:
        return self.explain()._repr_html_()

    def __repr__(self) -> str:
        return (
            f"LineDiscount({self.line_id!r}, gross={self.gross_amount}, "
            f"discount={self.discount_amount}, rules={list(self.rule_ids)})"
        )


_new = object.__new__
(
    _set_line_id,
    _set_gross,
    _set_discount,
    _set_currency,
    _set_rule_ids,
    _set_position,
    _set_evidence,
) = (getattr(LineDiscount, a.name).__set__ for a in attrs.fields(LineDiscount))


_LINE_SLOTS = (
    _new,
    _set_line_id,
    _set_gross,
    _set_discount,
    _set_currency,
    _set_rule_ids,
    _set_position,
    _set_evidence,
)
"""How the engine's bulk path builds a :class:`LineDiscount`: the allocator, then
each field's slot setter in declared order."""


def _tuple(value: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class DocumentResult:
    """Discounts of a whole document: lines, gifts, limit excesses for approval.

    Attributes:
        lines: one :class:`LineDiscount` per input line, in input order.
        gifts: gift lines granted.
        deviations: manual discounts or markups above their limit (policy ``DEVIATION``).
        currency: the document currency.
    """

    lines: tuple[LineDiscount, ...] = attrs.field(converter=_tuple)
    gifts: tuple[GiftLine, ...] = attrs.field(converter=_tuple)
    deviations: tuple[LimitExcess, ...] = attrs.field(converter=_tuple)
    currency: Currency

    @property
    def gross(self) -> Money:
        """The document amount before discounts."""
        with localcontext(decimal_context()):
            return Money(sum((x.gross_amount for x in self.lines), ZERO), self.currency)

    @property
    def discount(self) -> Money:
        """The sum of line discounts."""
        with localcontext(decimal_context()):
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
        """Every line's explanation, then gifts and limit excesses."""
        steps = [Step(f"line {x.line_id}", str(x.net), "", x.explain()) for x in self.lines]
        steps += [Step(f"gift: {g.reason}", f"{g.quantity} x {g.product_id}") for g in self.gifts]
        steps += [Step(f"deviation ({d.severity}): {d.message}") for d in self.deviations]
        steps.append(Step("document total after discounts", str(self.net)))
        return Explanation("discounts of the document", tuple(steps))

    def to_records(self) -> list[Record]:
        """One typed row per line, as :meth:`LineDiscount.to_records` gives it."""
        return [record for line in self.lines for record in line.to_records()]

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
