"""A document's discounts as records, rows and lookups, and the gifts it earns (examples)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
)
from salescore.errors import DiscountError
from salescore.parties import ProductId

from .conftest import make_context, make_line, make_percent, make_tree


def test_line_results_as_records_rows_and_by_id() -> None:
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("A", 5), make_percent("B", "2.5"))
    )
    lines = [make_line("CM-100", 2, "100.00"), make_line("GR-10", 1, "40.00", line_id="2")]
    result = engine.apply(lines, make_context())
    # 7.5 % of 200.00 = 15.00; of 40.00 = 3.00.
    assert result.to_records() == [
        {"line_id": "1", "gross": Decimal("200.00"), "discount": Decimal("15.00"),
         "net": Decimal("185.00"), "currency": "RUB", "rules": "A, B"},
        {"line_id": "2", "gross": Decimal("40.00"), "discount": Decimal("3.00"),
         "net": Decimal("37.00"), "currency": "RUB", "rules": "A, B"},
    ]  # fmt: skip
    assert result.as_rows()[1] == {
        "line": "2",
        "gross": "40.00",
        "discount": "3.00",
        "percent": "7.50",
        "net": "37.00",
        "rules": "A, B",
    }
    assert result.line("2").net.amount == Decimal("37.00")
    assert result.line("1").net.amount == Decimal("185.00")
    with pytest.raises(DiscountError, match="no line '3' in this document"):
        result.line("3")
    assert result.explain().as_text().splitlines()[1] == "  1. line 1 = 185.00 RUB"


def gift(ident: str, product: str, buy: int, quantity: int, on: str) -> Discount:
    return Discount(
        DiscountId(ident),
        f"{ident} gift",
        DiscountKind.GIFT,
        gift_product_id=ProductId(product),
        gift_quantity=quantity,
        buy_quantity=buy,
        condition=ConditionExpr.leaf("product", products=[on]),
    )


def test_each_gift_rule_counts_its_whole_sets_over_the_lines_it_holds_for() -> None:
    rules = make_tree(
        Combination.ADD,
        gift("CUPS", "CUP", 3, 2, "CM-100"),
        gift("NONE", "BAG", 5, 1, "GR-10"),
        gift("SPOON", "SPOON", 2, 1, "GR-10"),
    )
    lines = [
        make_line("CM-100", 4, "100.00"),
        make_line("CM-100", 3, "100.00", line_id="2"),
        make_line("GR-10", 3, "40.00", line_id="3"),
    ]
    result = DiscountEngine.compile(rules).apply(lines, make_context())
    # CUPS: 7 bought, 2 whole sets of 3, 2 cups a set. NONE: 3 of 5, no set. SPOON: 3 // 2 = 1.
    assert [(g.discount_id, g.product_id, g.quantity, g.for_lines) for g in result.gifts] == [
        ("CUPS", "CUP", Decimal(4), ("1", "2")),
        ("SPOON", "SPOON", Decimal(1), ("3",)),
    ]
    assert result.gifts[1].reason.startswith("SPOON gift: 3 bought, ")


def test_a_gift_set_needs_the_whole_quantity() -> None:
    rules = make_tree(Combination.ADD, gift("CUPS", "CUP", 3, 1, "CM-100"))
    engine = DiscountEngine.compile(rules)
    assert engine.apply([make_line("CM-100", 2)], make_context()).gifts == ()
    (one,) = engine.apply([make_line("CM-100", 5)], make_context()).gifts
    assert one.quantity == 1
