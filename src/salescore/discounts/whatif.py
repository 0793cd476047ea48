"""What-if helpers for notebooks: quantity breaks and the next tier.

:func:`quantity_breaks` answers "what does this product cost this client at
each quantity?": it finds the tier boundaries of every rule that can reach
the product (line quantity, document volume, "buy four, the fifth free")
and prices a one-line sale at each. :func:`next_tier` answers "what should
be added to this order to reach the next discount?".

>>> from datetime import datetime
>>> from salescore.discounts.engine import DiscountEngine
>>> from salescore.discounts.model import (Combination, ConditionExpr, Discount,
...     DiscountGroup, DiscountRuleSet)
>>> from salescore.discounts.sale import SaleContext, SaleLine
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId
>>> at_least = lambda n: ConditionExpr.leaf("line_quantity", min=n)
>>> rules = DiscountRuleSet(
...     [Discount("Q10", "10+ units", value=5, condition=at_least(10)),
...      Discount("Q50", "50+ units", value=12, condition=at_least(50))],
...     [DiscountGroup("ROOT", "Root", Combination.MAX, ["Q10", "Q50"])])
>>> engine = DiscountEngine.compile(rules)
>>> line = SaleLine("1", Product(ProductId("GR-10"), "Grinder"), Quantity(1), Money(200, "RUB"))
>>> context = SaleContext(datetime(2026, 3, 2, 10))
>>> print(quantity_breaks(engine, line, context))
quantity  unit price  discount %  line amount  rules
--------  ----------  ----------  -----------  --------
1         200.00      0.00        200.00
10        190.00      5.00        1900.00      Q10
50        176.00      12.00       8800.00      Q10, Q50
>>> for s in next_tier(engine, [line.with_quantity(8)], context):
...     print(s.description, "saves", s.discount_gain)
add 2 of GR-10 to line 1 (line quantity at least 10, rule Q10) saves 100.00 RUB
add 42 of GR-10 to line 1 (line quantity at least 50, rule Q50) saves 1200.00 RUB
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal, localcontext

import attrs

from salescore.discounts.engine import DiscountEngine
from salescore.discounts.sale import SaleContext, SaleLine
from salescore.explain import text_table
from salescore.money import Money, Rounding
from salescore.money._context import decimal_context
from salescore.records import Record, html_table

__all__ = ["BreakTable", "Suggestion", "Tier", "next_tier", "quantity_breaks"]


@attrs.frozen
class Tier:
    """The price of a product at one quantity tier."""

    quantity: Decimal
    unit_price: Money
    discount_percent: Decimal
    line_amount: Money
    rule_ids: tuple[str, ...]


_HEADERS = ("quantity", "unit price", "discount %", "line amount", "rules")
"""The columns of a :class:`BreakTable`: the keys of its :meth:`~BreakTable.as_rows`."""

_COLUMNS = ("quantity", "unit_price", "discount_percent", "line_amount", "currency", "rules")
"""The keys of :meth:`BreakTable.to_records`."""


@attrs.frozen
class BreakTable:
    """A quantity-break table; prints as text, shows as a table in notebooks."""

    product_id: str
    tiers: tuple[Tier, ...]

    def as_rows(self) -> list[dict[str, str]]:
        """One row per tier."""
        return [
            {
                "quantity": str(t.quantity),
                "unit price": str(t.unit_price.amount),
                "discount %": str(t.discount_percent),
                "line amount": str(t.line_amount.amount),
                "rules": ", ".join(t.rule_ids),
            }
            for t in self.tiers
        ]

    def to_records(self) -> list[Record]:
        """One typed row per tier: ``quantity``, ``unit_price``, ``discount_percent``,
        ``line_amount`` (Decimals), ``currency`` and ``rules``."""
        return [
            {
                "quantity": t.quantity,
                "unit_price": t.unit_price.amount,
                "discount_percent": t.discount_percent,
                "line_amount": t.line_amount.amount,
                "currency": t.line_amount.currency.code,
                "rules": ", ".join(t.rule_ids),
            }
            for t in self.tiers
        ]

    def __str__(self) -> str:
        rows = [list(row.values()) for row in self.as_rows()]
        return "\n".join(text_table(_HEADERS, rows))

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=self.product_id, columns=_COLUMNS)


def _units_for_amount(line: SaleLine, amount: Decimal) -> Decimal:
    if line.unit_price.amount <= 0:
        return Decimal(0)
    step = Decimal(1).scaleb(-line.quantity.unit.scale)
    return (amount / line.unit_price.amount / step).to_integral_value(ROUND_CEILING) * step


def _quantities(engine: DiscountEngine, line: SaleLine, context: SaleContext) -> list[Decimal]:
    quantities = {Decimal(1).scaleb(-line.quantity.unit.scale) if line.quantity.unit.scale else 1}
    for _, threshold in engine.thresholds_for(line, context):
        kind = threshold.kind
        if kind.endswith("_quantity") and (
            threshold.segment is None or threshold.segment in line.segment_ids
        ):
            quantities.add(threshold.value)
        elif kind.endswith("_amount") and (
            threshold.segment is None or threshold.segment in line.segment_ids
        ):
            quantities.add(_units_for_amount(line, threshold.value))
    return sorted(Decimal(q) for q in quantities if q > 0)


def quantity_breaks(engine: DiscountEngine, line: SaleLine, context: SaleContext) -> BreakTable:
    """The price of ``line``'s product for ``context`` at each quantity tier.

    The line's own quantity is ignored; each tier prices a one-line sale.
    """
    with localcontext(decimal_context()):
        return _quantity_breaks(engine, line, context)


def _quantity_breaks(engine: DiscountEngine, line: SaleLine, context: SaleContext) -> BreakTable:
    tiers = []
    for quantity in _quantities(engine, line, context):
        probe = line.with_quantity(quantity)
        result = engine.apply([probe], context).lines[0]
        net = result.net
        unit = Money.of(net.amount / quantity, net.currency, Rounding.HALF_UP)
        tiers.append(Tier(quantity, unit, result.percent, net, result.rule_ids))
    return BreakTable(line.product.id, tuple(tiers))


@attrs.frozen
class Suggestion:
    """What to add to reach a tier, and what it would save.

    Attributes:
        description: in words.
        line_id: the line to increase.
        add_quantity: how much to add to it.
        extra_cost: the added amount before discounts.
        discount_after: the document's discount after adding.
        discount_gain: how much more discount that gives.
    """

    description: str
    line_id: str
    add_quantity: Decimal
    extra_cost: Money
    discount_after: Money
    discount_gain: Money

    def to_records(self) -> list[Record]:
        """One typed row; the suggestions together: :func:`salescore.records.table`."""
        return [
            {
                "line_id": self.line_id,
                "add_quantity": self.add_quantity,
                "extra_cost": self.extra_cost.amount,
                "discount_after": self.discount_after.amount,
                "discount_gain": self.discount_gain.amount,
                "currency": self.discount_gain.currency.code,
                "description": self.description,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=self.description)


def next_tier(
    engine: DiscountEngine, lines: Sequence[SaleLine], context: SaleContext
) -> list[Suggestion]:
    """The tiers above each line's quantity and above the document's totals.

    Returns suggestions that increase the discount, cheapest to reach first:
    the first one is the next tier.
    """
    with localcontext(decimal_context()):
        return _next_tier(engine, lines, context)


def _next_tier(
    engine: DiscountEngine, lines: Sequence[SaleLine], context: SaleContext
) -> list[Suggestion]:
    if not lines:
        return []
    before = engine.apply(lines, context)
    doc_amount = sum((x.amount for x in lines), Decimal(0))
    doc_quantity = sum((x.quantity.value for x in lines), Decimal(0))
    options: dict[tuple[int, Decimal], str] = {}
    for pos, line in enumerate(lines):
        for rule_id, threshold in engine.thresholds_for(line, context):
            need = Decimal(0)
            if threshold.kind == "line_quantity":
                need = threshold.value - line.quantity.value
            elif threshold.kind == "document_quantity":
                need = threshold.value - doc_quantity
            elif threshold.kind == "document_amount":
                need = _units_for_amount(line, threshold.value - doc_amount)
            elif threshold.segment in line.segment_ids:
                seg = threshold.segment
                current = sum(
                    (x.quantity.value if threshold.kind.endswith("quantity") else x.amount)
                    for x in lines
                    if seg in x.segment_ids
                )
                gap = threshold.value - current
                need = gap if threshold.kind.endswith("quantity") else _units_for_amount(line, gap)
            if need > 0:
                key = (pos, need)
                what = _describe(engine, rule_id, threshold.kind)
                options.setdefault(key, what)
    suggestions = []
    for (pos, need), what in options.items():
        line = lines[pos]
        changed = [*lines]
        changed[pos] = line.with_quantity(line.quantity.value + need)
        after = engine.apply(changed, context)
        gain = after.discount - before.discount
        extra = changed[pos].gross - line.gross
        if gain.is_positive():
            suggestions.append(
                Suggestion(
                    f"add {need} of {line.product.id} to line {line.line_id} ({what})",
                    line.line_id,
                    need,
                    extra,
                    after.discount,
                    gain,
                )
            )
    suggestions.sort(key=lambda s: (s.extra_cost.amount, s.line_id))
    return suggestions


def _describe(engine: DiscountEngine, rule_id: str, kind: str) -> str:
    for _, condition in engine.conditions(rule_id):
        thresholds = getattr(condition, "thresholds", None)
        if thresholds is not None and any(t.kind == kind for t in thresholds()):
            return f"{condition.describe()}, rule {rule_id}"
    return f"rule {rule_id}"
