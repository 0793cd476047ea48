"""What-if helpers: quantity-break tables and the next tier."""

from __future__ import annotations

from decimal import Decimal

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
)
from salescore.discounts.whatif import BreakTable, next_tier, quantity_breaks

from .conftest import make_context, make_line, make_percent, make_tree


def _engine() -> DiscountEngine:
    free = Discount(
        DiscountId("FREE"),
        "Fifth free",
        DiscountKind.FREE_UNITS,
        buy_quantity=4,
        free_quantity=1,
        condition=ConditionExpr.leaf("product", products=["CM-100"]),
    )
    volume = make_percent("VOL", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=20000))
    return DiscountEngine.compile(make_tree(Combination.MAX, free, volume))


def test_the_break_table_prices_each_tier_of_every_rule_that_reaches_the_product() -> None:
    table = quantity_breaks(_engine(), make_line("CM-100", 1, "3000.00"), make_context())
    rows = [(t.quantity, t.unit_price.amount, t.rule_ids) for t in table.tiers]
    assert rows == [
        (Decimal(1), Decimal("3000.00"), ("FREE",)),
        (Decimal(5), Decimal("2400.00"), ("FREE",)),
        # 7 units: one free (3000.00) beats 10% of 21000.00; 18000.00 / 7
        (Decimal(7), Decimal("2571.43"), ("FREE", "VOL")),
    ]
    assert "quantity  unit price" in str(table)
    assert "<table>" in table._repr_html_()


def test_next_tier_says_what_to_add_and_what_it_saves() -> None:
    lines = [make_line("GR-10", 6, "3000.00")]
    (suggestion,) = next_tier(_engine(), lines, make_context())
    assert suggestion.add_quantity == 1
    assert suggestion.description.startswith("add 1 of GR-10 to line 1 (document amount")
    assert suggestion.discount_gain.amount == Decimal("2100.00")


def test_no_suggestion_when_no_tier_is_above() -> None:
    lines = [make_line("GR-10", 10, "3000.00")]
    assert next_tier(_engine(), lines, make_context()) == []


def test_the_html_break_table_escapes_its_text_and_keeps_its_header_row() -> None:
    shown = BreakTable("A&B", ())._repr_html_()
    assert "<caption>A&amp;B</caption>" in shown
    assert "<th>discount_percent</th>" in shown
