"""A document's discounts as records, rows and lookups, and the gifts it earns (examples)."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
    LineDiscount,
)
from salescore.errors import DiscountError
from salescore.money import Currency, Money
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


def test_why_not_figures_ignore_the_callers_decimal_context() -> None:
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("A", 5), make_percent("B", "2.5"))
    )
    result = engine.apply([make_line("CM-100", 3, "333.33")], make_context())
    # 3 x 333.33 = 999.99; 5 % of it is 49.9995, 2.5 % is 24.99975: exact, not cut to
    # the caller's two digits (49 and 24 under precision 2, rounding down).
    with decimal.localcontext(decimal.Context(prec=2, rounding=decimal.ROUND_DOWN)):
        text = result.lines[0].why_not("A").as_text()
    assert "5% discount = 49.9995  (on base 999.99)" in text
    assert "2.5% discount = 24.99975  (on base 999.99)" in text


def test_document_explanation_rows_have_text_in_every_column() -> None:
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("A", 5)))
    result = engine.apply([make_line("CM-100", 2, "100.00")], make_context())
    # 5 % of 200.00 = 10.00: the line nets 190.00; a line step names no source: "" not None.
    rows = result.explain().as_rows()
    assert rows[0] == {"step": "1", "description": "line 1", "value": "190.00 RUB", "source": ""}
    assert all(isinstance(value, str) for row in rows for value in row.values())


def test_a_line_built_by_hand_says_where_explainable_results_come_from() -> None:
    line = LineDiscount("1", Decimal("10.00"), Decimal("1.00"), Currency.of("RUB"))
    expected = (
        "this line discount carries no evidence (it was built by hand, not returned by "
        "DiscountEngine.apply): explanations need the result the engine returned"
    )
    for ask in (line.explain, lambda: line.why_not("A")):
        with pytest.raises(DiscountError) as caught:
            ask()
        assert str(caught.value) == expected


def test_a_line_discount_shows_its_figures_as_money_and_its_percent() -> None:
    # 200.00 less 15.00 = 185.00; 15.00 / 200.00 = 7.50 %.
    line = LineDiscount("1", Decimal("200.00"), Decimal("15.00"), Currency.of("RUB"))
    assert (line.gross, line.discount, line.net) == (
        Money("200.00", "RUB"),
        Money("15.00", "RUB"),
        Money("185.00", "RUB"),
    )
    assert line.percent == Decimal("7.50")


def test_a_line_of_zero_amount_has_a_discount_of_zero_percent() -> None:
    free = LineDiscount("1", Decimal("0.00"), Decimal("0.00"), Currency.of("RUB"))
    assert free.percent == Decimal(0)
