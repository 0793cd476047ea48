"""How frozen prices (:class:`~salescore.orders.FrozenPrices`) are stored: format 2, and 1 read.

The explanation of every line is the bulk of a priced document. Format 1
(no ``format`` key) kept each line's explanation as a nested tree of steps,
built at pricing. Format 2 keeps what the explanations are built from, and
what they share once:

* ``explanations``: numbered tables — ``strings``; ``steps`` (description,
  value and source as string numbers, and the number of the detail's node,
  or -1); ``lists`` (the step numbers of one explanation); ``nodes``
  (subject and list number). A value the lines share (the agreement's
  terms, repeated texts) is written once.
* ``discounts``: per discount document, its evidence
  (:mod:`salescore.discounts.stored`): the rule set, the lines, the sale
  context, the rules that applied to each line, the amounts spread onto it
  and the limit excesses.
* per line, ``explanation``: the evidence of the line
  (:class:`~salescore.orders.LineEvidence`: its texts, figures, the
  agreement's terms and the price's explanation as nodes, and its discount
  as the engine's figures with the number of its discount document) and the
  steps after it (VAT); or the number of a node, for a line whose
  explanation was given built.

A line read back builds its explanation when first asked for, from that
evidence alone — never from the store, whose prices and rules may have
changed since — so it is exactly the explanation it had when priced. The
discount rules are compiled again (once per rule set and process) with the
installed condition plugins (``ConditionRegistry.installed()``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from salescore.discounts import (
    DiscountEvidence,
    DiscountRuleSet,
    LimitExcess,
    LineDiscount,
    SaleContext,
    SaleLine,
)
from salescore.discounts.conditions import ConditionRegistry
from salescore.discounts.results import _RuleBook
from salescore.discounts.stored import (
    EvidenceParts,
    evidence_of_parts,
    evidence_parts,
    rule_book_of,
)
from salescore.errors import StorageError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity
from salescore.orders.model import FrozenLine, FrozenPrices, LazyExplanation
from salescore.orders.pricer import LineEvidence
from salescore.parties import Product

__all__ = ["FROZEN_PRICES_FORMAT", "register_frozen_prices"]

FROZEN_PRICES_FORMAT = 2
"""The storage format of :class:`~salescore.orders.FrozenPrices` written now (see the module)."""

_BOOKS_KEPT = 8
"""How many compiled rule sets are kept for explaining stored documents (per process)."""


class _Writer:
    """One document's explanation tables and discount documents, each value written once."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self._converter = converter
        self.strings: list[str] = []
        self.steps: list[list[int]] = []
        self.lists: list[list[int]] = []
        self.nodes: list[list[int]] = []
        self.discounts: list[dict[str, Any]] = []
        self.rule_sets: list[Any] = []
        self._rule_set_ids: dict[int, int] = {}
        self._string_ids: dict[str, int] = {}
        # By identity: the values walked are held by the document while it is written.
        self._step_ids: dict[int, int] = {}
        self._list_ids: dict[int, int] = {}
        self._node_ids: dict[int, int] = {}
        self._discount_ids: dict[int, int] = {}

    def string(self, text: str) -> int:
        found = self._string_ids.get(text)
        if found is None:
            found = self._string_ids[text] = len(self.strings)
            self.strings.append(text)
        return found

    def node(self, explanation: Explanation) -> int:
        found = self._node_ids.get(id(explanation))
        if found is None:
            entry = [self.string(explanation.subject), self.step_list(explanation.steps)]
            found = self._node_ids[id(explanation)] = len(self.nodes)
            self.nodes.append(entry)
        return found

    def step_list(self, steps: tuple[Step, ...]) -> int:
        found = self._list_ids.get(id(steps))
        if found is None:
            entry = [self.step(s) for s in steps]
            found = self._list_ids[id(steps)] = len(self.lists)
            self.lists.append(entry)
        return found

    def step(self, step: Step) -> int:
        found = self._step_ids.get(id(step))
        if found is None:
            string = self.string
            detail = step.detail
            entry = [
                string(step.description),
                string(step.value),
                string(step.source),
                -1 if detail is None else self.node(detail),
            ]
            found = self._step_ids[id(step)] = len(self.steps)
            self.steps.append(entry)
        return found

    def discount_document(self, evidence: DiscountEvidence) -> int:
        found = self._discount_ids.get(id(evidence))
        if found is None:
            found = self._discount_ids[id(evidence)] = len(self.discounts)
            plain = _evidence_out(evidence_parts(evidence), self._converter)
            book = evidence.book
            rules = self._rule_set_ids.get(id(book))
            if rules is None:
                rules = self._rule_set_ids[id(book)] = len(self.rule_sets)
                self.rule_sets.append(_rules_out(evidence, self._converter))
            plain["rules"] = rules
            self.discounts.append(plain)
        return found

    def line(self, lazy: LazyExplanation) -> Any:
        evidence = lazy.evidence
        if evidence is None:
            return self.node(lazy.get())
        discount = evidence.discount
        if discount.evidence is None:  # a result made by hand explains itself only built
            return self.node(lazy.get())
        unstructure = self._converter.unstructure
        return {
            "evidence": {
                "line_id": evidence.line_id,
                "product_id": evidence.product_id,
                "product_name": evidence.product_name,
                "quantity": unstructure(evidence.quantity),
                "agreement_id": evidence.agreement_id,
                "agreement_title": evidence.agreement_title,
                "terms": self.node(evidence.terms),
                "price_type_id": evidence.price_type_id,
                "price_type_name": evidence.price_type_name,
                "price_type_source": evidence.price_type_source,
                "pricing": self.node(evidence.pricing_explanation()),
                "reference_price": unstructure(evidence.reference_price),
                "unit_price": unstructure(evidence.unit_price),
                "discount": [
                    discount.line_id,
                    str(discount.gross_amount),
                    str(discount.discount_amount),
                    unstructure(discount.currency),
                    list(discount.rule_ids),
                    discount.position,
                    self.discount_document(discount.evidence),
                ],
            },
            "tail": [self.step(s) for s in lazy.tail],
        }

    def tables(self) -> dict[str, Any]:
        return {
            "strings": self.strings,
            "steps": self.steps,
            "lists": self.lists,
            "nodes": self.nodes,
        }


# The rule set's plain data, kept per compiled rule book (a session prices many
# documents with one): written once, not walked again for every document.
_rules_written: OrderedDict[int, tuple[_RuleBook, Any]] = OrderedDict()
_rules_lock = threading.Lock()


def _rules_out(evidence: DiscountEvidence, converter: cattrs.Converter) -> Any:
    book = evidence.book
    with _rules_lock:
        kept = _rules_written.get(id(book))
        if kept is not None and kept[0] is book:
            _rules_written.move_to_end(id(book))
            return kept[1]
    rule_set = book.rule_set
    plain = {
        "discounts": converter.unstructure(rule_set.discounts),
        "groups": converter.unstructure(rule_set.groups),
        "limits": converter.unstructure(rule_set.limits),
    }
    with _rules_lock:
        _rules_written[id(book)] = (book, plain)
        while len(_rules_written) > _BOOKS_KEPT:
            _rules_written.popitem(last=False)
    return plain


def _evidence_out(parts: EvidenceParts, converter: cattrs.Converter) -> dict[str, Any]:
    unstructure = converter.unstructure
    return {
        "lines": [
            [
                line.line_id,
                unstructure(line.product),
                unstructure(line.quantity),
                unstructure(line.unit_price),
                sorted(line.segment_ids),
                {k: None if v is None else str(v) for k, v in line.manual_discounts.items()},
            ]
            for line in parts.lines
        ],
        "context": unstructure(parts.context),
        "applicable": [list(x) for x in parts.applicable],
        "shares": [{str(k): str(v) for k, v in x.items()} for x in parts.shares],
        "deviations": {str(k): unstructure(v) for k, v in parts.deviations.items()},
    }


# Rule sets read and their compiled books, by the rule set's text: a process
# explaining many stored documents discounted with one rule set reads and compiles
# it once.
_books_read: OrderedDict[str, tuple[DiscountRuleSet, _RuleBook]] = OrderedDict()


def _book_of(plain: Any, converter: cattrs.Converter) -> tuple[DiscountRuleSet, _RuleBook]:
    key = json.dumps(plain, sort_keys=True, ensure_ascii=False)
    with _rules_lock:
        found = _books_read.get(key)
        if found is not None:
            _books_read.move_to_end(key)
            return found
    rule_set = converter.structure(plain, DiscountRuleSet)
    found = rule_set, rule_book_of(rule_set, ConditionRegistry.installed(None))
    with _rules_lock:
        _books_read[key] = found
        while len(_books_read) > _BOOKS_KEPT:
            _books_read.popitem(last=False)
    return found


class _Reader:
    """One document's explanations read back, each value built once and only when asked."""

    def __init__(self, value: Any, converter: cattrs.Converter) -> None:
        tables = value["explanations"]
        self._converter = converter
        self._strings: list[str] = tables["strings"]
        self._steps: list[list[int]] = tables["steps"]
        self._lists: list[list[int]] = tables["lists"]
        self._nodes: list[list[int]] = tables["nodes"]
        self._discounts: list[Any] = value["discounts"]
        self._rule_sets: list[Any] = value["rule_sets"]
        self._built: dict[int, Explanation] = {}
        self._built_steps: dict[int, Step] = {}
        self._built_lists: dict[int, tuple[Step, ...]] = {}
        self._built_discounts: dict[int, DiscountEvidence] = {}
        self._lock = threading.Lock()

    def node(self, number: int) -> Explanation:
        found = self._built.get(number)
        if found is None:
            subject, steps = self._nodes[number]
            found = self._built[number] = Explanation(
                self._strings[subject], self._step_list(steps)
            )
        return found

    def _step_list(self, number: int) -> tuple[Step, ...]:
        found = self._built_lists.get(number)
        if found is None:
            found = self._built_lists[number] = tuple(self._step(n) for n in self._lists[number])
        return found

    def _step(self, number: int) -> Step:
        found = self._built_steps.get(number)
        if found is None:
            strings = self._strings
            description, value, source, detail = self._steps[number]
            found = self._built_steps[number] = Step(
                strings[description],
                strings[value],
                strings[source],
                None if detail < 0 else self.node(detail),
            )
        return found

    def _discount_document(self, number: int) -> DiscountEvidence:
        with self._lock:
            found = self._built_discounts.get(number)
            if found is None:
                found = self._built_discounts[number] = self._evidence_in(self._discounts[number])
        return found

    def _evidence_in(self, plain: Any) -> DiscountEvidence:
        structure = self._converter.structure
        rule_set, book = _book_of(self._rule_sets[plain["rules"]], self._converter)
        lines = tuple(
            SaleLine(
                line_id,
                structure(product, Product),
                structure(quantity, Quantity),
                structure(price, Money),
                frozenset(segments),
                {k: None if v is None else Decimal(v) for k, v in manual.items()},
            )
            for line_id, product, quantity, price, segments, manual in plain["lines"]
        )
        parts = EvidenceParts(
            rule_set,
            lines,
            structure(plain["context"], SaleContext),
            tuple(tuple(x) for x in plain["applicable"]),
            tuple({int(k): Decimal(v) for k, v in x.items()} for x in plain["shares"]),
            {int(k): structure(v, LimitExcess) for k, v in plain["deviations"].items()},
        )
        return evidence_of_parts(parts, book=book)

    def line(self, plain: Any) -> LazyExplanation:
        """A line's explanation, built when first read (format 2)."""
        if isinstance(plain, int):
            number = plain
            return LazyExplanation(None, lambda: self.node(number))
        found = plain["evidence"]
        tail = tuple(self._step(n) for n in plain["tail"])
        return LazyExplanation.of_evidence(lambda: self._line_evidence(found), *tail)

    def _line_evidence(self, found: Any) -> LineEvidence:
        structure = self._converter.structure
        line_id, gross, amount, currency, rule_ids, position, document = found["discount"]
        discount = LineDiscount(
            line_id,
            Decimal(gross),
            Decimal(amount),
            structure(currency, Currency),
            tuple(rule_ids),
            position,
            self._discount_document(document),
        )
        return LineEvidence(
            found["line_id"],
            found["product_id"],
            found["product_name"],
            structure(found["quantity"], Quantity),
            found["agreement_id"],
            found["agreement_title"],
            self.node(found["terms"]),
            found["price_type_id"],
            found["price_type_name"],
            found["price_type_source"],
            self.node(found["pricing"]),
            structure(found["reference_price"], Money),
            structure(found["unit_price"], Money),
            discount,
        )


def register_frozen_prices(
    converter: cattrs.Converter,
    explanation_out: Callable[[Explanation], Any],
    explanation_in: Callable[[Any, object], Explanation],
) -> None:
    """Teach ``converter`` the frozen prices' storage format (see the module).

    ``explanation_out`` and ``explanation_in`` are the converter's own hooks of
    :class:`~salescore.explain.Explanation` (format 1 and other values).
    """

    def lazy_in(value: Any, _type: object) -> LazyExplanation:
        if isinstance(value, LazyExplanation):  # format 2: made by the reader
            return value
        return LazyExplanation(explanation_in(value, Explanation))

    converter.register_unstructure_hook(LazyExplanation, lambda lazy: explanation_out(lazy.get()))
    converter.register_structure_hook(LazyExplanation, lazy_in)
    rename = override(rename="explanation")
    converter.register_unstructure_hook(
        FrozenLine, make_dict_unstructure_fn(FrozenLine, converter, explained=rename)
    )
    converter.register_structure_hook(
        FrozenLine, make_dict_structure_fn(FrozenLine, converter, explained=rename)
    )
    prices_fields = make_dict_unstructure_fn(FrozenPrices, converter, lines=override(omit=True))
    prices_in = make_dict_structure_fn(FrozenPrices, converter)
    line_fields = make_dict_unstructure_fn(FrozenLine, converter, explained=override(omit=True))

    def prices_out(prices: FrozenPrices) -> dict[str, Any]:
        plain = prices_fields(prices)
        writer = _Writer(converter)
        lines = []
        for line in prices.lines:
            item = line_fields(line)
            item["explanation"] = writer.line(line.explained)
            lines.append(item)
        plain["lines"] = lines
        plain["explanations"] = writer.tables()
        plain["discounts"] = writer.discounts
        plain["rule_sets"] = writer.rule_sets
        plain["format"] = FROZEN_PRICES_FORMAT
        return plain

    def prices_read(value: Any, _type: object) -> FrozenPrices:
        form = value.get("format", 1)
        if form == 1:
            return prices_in(value, FrozenPrices)
        if form != FROZEN_PRICES_FORMAT:
            raise StorageError(
                f"frozen prices are in storage format {form!r}; this salescore reads formats "
                f"1 and {FROZEN_PRICES_FORMAT}: read them with the salescore that wrote them "
                "or a newer one",
                format=form,
            )
        reader = _Reader(value, converter)
        lines = [{**x, "explanation": reader.line(x["explanation"])} for x in value["lines"]]
        return prices_in({**value, "lines": lines}, FrozenPrices)

    converter.register_unstructure_hook(FrozenPrices, prices_out)
    converter.register_structure_hook(FrozenPrices, prices_read)
