"""What-if examples worked by hand: the next tier of each threshold kind, and break tables.

Every engine and line is built inside its test (values built at import are built by the
original code under mutation testing).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountId,
    DiscountKind,
)
from salescore.discounts.whatif import Suggestion, next_tier, quantity_breaks

from .conftest import make_context, make_line, make_percent, make_tree


def _rows(suggestions: list[Suggestion]) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (
            s.line_id,
            s.add_quantity,
            s.extra_cost.amount,
            s.discount_after.amount,
            s.discount_gain.amount,
        )
        for s in suggestions
    ]


def test_the_next_document_quantity_tier_is_offered_on_every_line() -> None:
    volume = make_percent("VOLQ", 10, condition=ConditionExpr.leaf("sale_volume", min_quantity=10))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, make_percent("BASE", 1), volume))
    lines = [make_line("GR-10", 3, "100.00"), make_line("CM-100", 4, "200.00", line_id="2")]
    suggestions = next_tier(engine, lines, make_context())
    # 7 units: 3 more reach 10. Before: 1 % of 1100.00 = 11.00.
    # 3 more on line 1: 11 % of 1400.00 = 154.00; on line 2: 11 % of 1700.00 = 187.00.
    assert _rows(suggestions) == [
        ("1", Decimal(3), Decimal("300.00"), Decimal("154.00"), Decimal("143.00")),
        ("2", Decimal(3), Decimal("600.00"), Decimal("187.00"), Decimal("176.00")),
    ]
    assert suggestions[0].description == (
        "add 3 of GR-10 to line 1 (document quantity at least 10, rule VOLQ)"
    )


def test_the_next_document_amount_tier_is_reached_to_the_gram() -> None:
    volume = make_percent("VOLA", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=20000))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, volume))
    lines = [make_line("BEANS", "17", "1000.00", kg=True)]
    (suggestion,) = next_tier(engine, lines, make_context())
    # 17 kg at 1000.00 = 17000.00; 3000.00 more is exactly 3.000 kg; 10 % of 20000.00.
    assert _rows([suggestion]) == [
        ("1", Decimal("3.000"), Decimal("3000.00"), Decimal("2000.00"), Decimal("2000.00"))
    ]
    assert suggestion.description == (
        "add 3 of BEANS to line 1 (document amount at least 20000, rule VOLA)"
    )


def test_an_amount_gap_is_rounded_up_to_whole_units() -> None:
    volume = make_percent("VOLA", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=310))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, volume))
    (suggestion,) = next_tier(engine, [make_line("GR-10", 1, "100.00")], make_context())
    assert suggestion.add_quantity == 3  # 210.00 short at 100.00 a unit: 2.1, so 3


def test_a_segment_tier_is_offered_only_on_the_segments_lines() -> None:
    per_segment = {"per": "segment", "segment": "S"}
    by_quantity = ConditionExpr.leaf("sale_volume", min_quantity=8, **per_segment)
    by_amount = ConditionExpr.leaf("sale_volume", min_amount=1000, **per_segment)
    engine = DiscountEngine.compile(
        make_tree(
            Combination.ADD,
            make_percent("BASE", 1),
            make_percent("SEGQ", 5, condition=by_quantity),
            make_percent("SEGA", 3, condition=by_amount),
        )
    )
    lines = [
        make_line("A", 3, "100.00", segments=["S"]),
        make_line("B", 5, "100.00", line_id="2"),
        make_line("C", 2, "50.00", line_id="3", segments=["S"]),
    ]
    suggestions = next_tier(engine, lines, make_context())
    # Segment S: 5 units, 400.00. Quantity 8: 3 more on line 1 or 3. Amount 1000.00:
    # 600.00 more, 6 units of line 1 (100.00) or 12 of line 3 (50.00). Line 2 is not in S.
    assert [(s.line_id, s.add_quantity, s.extra_cost.amount) for s in suggestions] == [
        ("3", Decimal(3), Decimal("150.00")),
        ("1", Decimal(3), Decimal("300.00")),
        ("1", Decimal(6), Decimal("600.00")),
        ("3", Decimal(12), Decimal("600.00")),
    ]
    assert suggestions[0].description == (
        "add 3 of C to line 3 (segment S quantity at least 8, rule SEGQ)"
    )


def test_a_suggestion_names_the_condition_whose_tier_it_reaches() -> None:
    both = ConditionExpr.all_of(
        ConditionExpr.leaf("sale_time", weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        ConditionExpr.leaf("line_quantity", min=2),
        ConditionExpr.leaf("sale_volume", min_amount=5000),
    )
    engine = DiscountEngine.compile(
        make_tree(Combination.ADD, make_percent("R", 10, condition=both))
    )
    (suggestion,) = next_tier(engine, [make_line("GR-10", 3, "1000.00")], make_context())
    assert suggestion.description == (
        "add 2 of GR-10 to line 1 (document amount at least 5000, rule R)"
    )


def test_a_break_table_in_kilograms_starts_at_one_gram() -> None:
    tiered = make_percent("Q2", 5, condition=ConditionExpr.leaf("line_quantity", min=2))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, tiered))
    table = quantity_breaks(engine, make_line("BEANS", 1, "1000.00", kg=True), make_context())
    assert table.product_id == "BEANS"
    assert [(t.quantity, t.unit_price.amount) for t in table.tiers] == [
        (Decimal("0.001"), Decimal("1000.00")),
        (Decimal(2), Decimal("950.00")),
    ]


def test_a_break_table_leaves_out_tiers_of_segments_the_product_is_not_in() -> None:
    per_segment = {"per": "segment", "segment": "S"}
    engine = DiscountEngine.compile(
        make_tree(
            Combination.ADD,
            make_percent("SQ", 5, condition=ConditionExpr.leaf("sale_volume", min_quantity=8,
                                                                **per_segment)),
            make_percent("SA", 5, condition=ConditionExpr.leaf("sale_volume", min_amount=5000,
                                                                **per_segment)),
        )
    )  # fmt: skip
    outside = quantity_breaks(engine, make_line("B", 1, "100.00"), make_context())
    assert [t.quantity for t in outside.tiers] == [Decimal(1)]
    inside = quantity_breaks(engine, make_line("A", 1, "100.00", segments=["S"]), make_context())
    assert [t.quantity for t in inside.tiers] == [Decimal(1), Decimal(8), Decimal(50)]


def test_a_break_table_prices_an_amount_tier_of_a_one_rouble_product() -> None:
    volume = make_percent("V", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=10))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, volume))
    table = quantity_breaks(engine, make_line("PEN", 1, "1.00"), make_context())
    assert [(t.quantity, t.unit_price.amount) for t in table.tiers] == [
        (Decimal(1), Decimal("1.00")),
        (Decimal(10), Decimal("0.90")),
    ]


def test_a_free_product_has_no_amount_tier() -> None:
    volume = make_percent("V", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=10))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, volume))
    table = quantity_breaks(engine, make_line("GIFT", 1, "0.00"), make_context())
    assert [t.quantity for t in table.tiers] == [Decimal(1)]


def test_a_break_table_as_text_records_and_html() -> None:
    tiered = make_percent("Q2", 5, condition=ConditionExpr.leaf("line_quantity", min=2))
    also = make_percent("Q2B", 1, condition=ConditionExpr.leaf("line_quantity", min=2))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, tiered, also))
    table = quantity_breaks(engine, make_line("GR-10", 1, "200.00"), make_context())
    # From 2 units: 5 % + 1 % of 400.00 = 24.00; 376.00 for two, 188.00 each.
    assert table.as_rows()[1] == {
        "quantity": "2",
        "unit price": "188.00",
        "discount %": "6.00",
        "line amount": "376.00",
        "rules": "Q2, Q2B",
    }
    assert table.to_records()[1] == {
        "quantity": Decimal(2),
        "unit_price": Decimal("188.00"),
        "discount_percent": Decimal("6.00"),
        "line_amount": Decimal("376.00"),
        "currency": "RUB",
        "rules": "Q2, Q2B",
    }
    assert str(table).splitlines()[0].split() == [
        "quantity", "unit", "price", "discount", "%", "line", "amount", "rules"
    ]  # fmt: skip


def test_a_suggestion_as_a_record_and_a_notebook_table() -> None:
    tiered = make_percent("Q10", 5, condition=ConditionExpr.leaf("line_quantity", min=10))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, tiered))
    (suggestion,) = next_tier(engine, [make_line("GR-10", 8, "200.00")], make_context())
    assert suggestion.to_records() == [
        {
            "line_id": "1",
            "add_quantity": Decimal(2),
            "extra_cost": Decimal("400.00"),
            "discount_after": Decimal("100.00"),  # 5 % of 10 x 200.00
            "discount_gain": Decimal("100.00"),
            "currency": "RUB",
            "description": "add 2 of GR-10 to line 1 (line quantity at least 10, rule Q10)",
        }
    ]
    shown = suggestion._repr_html_()
    assert "<caption>add 2 of GR-10 to line 1 (line quantity at least 10, rule Q10)</caption>" in (
        shown
    )


def test_what_if_answers_do_not_depend_on_the_callers_decimal_context() -> None:
    tiered = make_percent("BIG", 5, condition=ConditionExpr.leaf("line_quantity", min=12345))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, tiered))
    free = Discount(
        DiscountId("FREE"),
        "Fifth free",
        DiscountKind.FREE_UNITS,
        buy_quantity=6,
        free_quantity=1,
    )
    breaks_engine = DiscountEngine.compile(make_tree(Combination.ADD, free))
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        (suggestion,) = next_tier(engine, [make_line("GR-10", 1, "1.00")], make_context())
        table = quantity_breaks(breaks_engine, make_line("CM-100", 1, "3000.00"), make_context())
    assert suggestion.add_quantity == 12344
    # 7 units, one free: 18000.00 / 7 = 2571.43 a unit.
    assert table.tiers[-1].unit_price.amount == Decimal("2571.43")


def test_a_free_product_sold_by_weight_has_no_amount_tier_either() -> None:
    # Only the first gram: no amount of a product at 0.00 reaches 10.00.
    volume = make_percent("V", 10, condition=ConditionExpr.leaf("sale_volume", min_amount=10))
    engine = DiscountEngine.compile(make_tree(Combination.ADD, volume))
    table = quantity_breaks(engine, make_line("SAMPLE", 1, "0.00", kg=True), make_context())
    assert [t.quantity for t in table.tiers] == [Decimal("0.001")]
