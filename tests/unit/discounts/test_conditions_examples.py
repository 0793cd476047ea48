"""The built-in conditions one rule at a time: bounds, parameters, wording (fast examples)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from salescore.discounts.conditions import (
    ClientSegmentCondition,
    ConditionContext,
    LineQuantityCondition,
    NomenclatureSegmentCondition,
    PriceGroupCondition,
    ProductCondition,
    SaleTimeCondition,
    SaleVolumeCondition,
    Threshold,
)
from salescore.discounts.sale import DocumentFacts
from salescore.errors import DiscountError

from .conftest import MSK, make_context, make_line


def at(moment: datetime, quantity: int = 1) -> ConditionContext:
    line = make_line("CM-100", quantity, "100.00", segments=["S"], price_group="PG")
    return ConditionContext(make_context(moment=moment), DocumentFacts.of([line]), line)


def document_only() -> ConditionContext:
    line = make_line("CM-100", 3, "100.00")
    return ConditionContext(make_context(), DocumentFacts.of([line]))


# --- line quantity ---------------------------------------------------------------------------


def test_a_line_quantity_range_includes_its_min_and_excludes_its_max() -> None:
    rule = LineQuantityCondition.from_params({"min": 10, "max": "20"})
    moment = datetime(2026, 3, 2, 10, tzinfo=MSK)
    held = {q: rule.is_satisfied(at(moment, q)) for q in (9, 10, 19, 20)}
    assert held == {9: False, 10: True, 19: True, 20: False}
    assert rule.describe() == "line quantity at least 10 and below 20"
    assert rule.why(at(moment, 19)) == "line quantity is 19"


def test_a_line_quantity_condition_does_not_hold_for_the_document_as_a_whole() -> None:
    rule = LineQuantityCondition.from_params({"min": 1})
    assert rule.is_satisfied(document_only()) is False
    assert rule.why(document_only()) == "no line"
    assert rule.describe() == "line quantity at least 1"


# --- sale volume -----------------------------------------------------------------------------


def test_a_segment_volume_says_which_segment_it_sums() -> None:
    rule = SaleVolumeCondition.from_params({"min_quantity": 3, "per": "segment", "segment": "S"})
    context = at(datetime(2026, 3, 2, 10, tzinfo=MSK), 2)
    assert rule.describe() == "segment S quantity at least 3"
    assert rule.why(context) == "segment S quantity is 2"
    assert rule.is_satisfied(context) is False


def test_a_segment_amount_sums_that_segments_amounts_not_its_quantities() -> None:
    # 2 units of 100.00 in segment S: its amount is 200.00 (at least 150), its quantity 2.
    rule = SaleVolumeCondition.from_params({"min_amount": 150, "per": "segment", "segment": "S"})
    context = at(datetime(2026, 3, 2, 10, tzinfo=MSK), 2)
    assert rule.is_satisfied(context) is True
    assert rule.why(context) == "segment S amount is 200.00"


def test_a_segment_the_document_does_not_sell_has_a_volume_of_zero() -> None:
    # Nothing sold in segment OTHER: its quantity is 0, below a minimum of 1.
    rule = SaleVolumeCondition.from_params(
        {"min_quantity": 1, "per": "segment", "segment": "OTHER"}
    )
    context = at(datetime(2026, 3, 2, 10, tzinfo=MSK), 2)
    assert rule.is_satisfied(context) is False
    assert rule.why(context) == "segment OTHER quantity is 0"


# --- sale time -------------------------------------------------------------------------------


def test_a_date_range_includes_both_its_first_and_last_day() -> None:
    rule = SaleTimeCondition.from_params({"date_from": "2026-03-02", "date_to": "2026-03-04"})
    held = [rule.is_satisfied(at(datetime(2026, 3, d, 12, tzinfo=MSK))) for d in (1, 2, 4, 5)]
    assert held == [False, True, True, False]
    assert rule.describe() == "sale time: dates 2026-03-02..2026-03-04"


def test_a_one_day_range_is_allowed() -> None:
    rule = SaleTimeCondition.from_params({"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert rule.is_satisfied(at(datetime(2026, 3, 2, 12, tzinfo=MSK)))


def test_hours_include_their_start_and_exclude_their_end() -> None:
    rule = SaleTimeCondition.from_params({"time_from": "09:00", "time_to": "18:00"})
    held = [
        rule.is_satisfied(at(datetime(2026, 3, 2, h, m, tzinfo=MSK)))
        for h, m in ((8, 59), (9, 0), (17, 59), (18, 0))
    ]
    assert held == [False, True, True, False]
    assert rule.describe() == "sale time: hours 09:00:00–18:00:00"


def test_open_ended_ranges_are_described_with_their_open_end() -> None:
    assert SaleTimeCondition.from_params({"time_from": "09:00"}).describe() == (
        "sale time: hours 09:00:00–24:00"
    )
    assert SaleTimeCondition.from_params({"time_to": "18:00"}).describe() == (
        "sale time: hours 00:00–18:00:00"
    )
    assert SaleTimeCondition.from_params({"date_from": "2026-03-02"}).describe() == (
        "sale time: dates 2026-03-02..…"
    )
    assert SaleTimeCondition.from_params({"date_to": "2026-03-02"}).describe() == (
        "sale time: dates …..2026-03-02"
    )


def test_weekdays_by_name_or_number_and_every_part_described() -> None:
    rule = SaleTimeCondition.from_params(
        {"weekdays": ["saturday", "7", "Mon"], "date_to": "2026-12-31", "time_from": "10:00"}
    )
    assert rule.weekdays == frozenset({1, 6, 7})
    assert rule.describe() == (
        "sale time: dates …..2026-12-31; weekdays 1,6,7; hours 10:00:00–24:00"
    )
    # 2026-03-07 is a Saturday, 2026-03-10 a Tuesday.
    assert rule.is_satisfied(at(datetime(2026, 3, 7, 10, tzinfo=MSK)))
    assert not rule.is_satisfied(at(datetime(2026, 3, 10, 10, tzinfo=MSK)))
    assert not rule.is_satisfied(at(datetime(2026, 3, 7, 9, 59, tzinfo=MSK)))


@pytest.mark.parametrize("day", ["0", "8", "someday"])
def test_a_weekday_outside_one_to_seven_is_refused(day: str) -> None:
    with pytest.raises(DiscountError, match=f"condition 'sale_time': weekday '{day}'"):
        SaleTimeCondition.from_params({"weekdays": [day]})


def test_the_first_and_last_weekdays_by_number_are_accepted() -> None:
    assert SaleTimeCondition.from_params({"weekdays": ["1", "7"]}).weekdays == frozenset({1, 7})


def test_a_single_weekday_may_be_given_as_text() -> None:
    assert SaleTimeCondition.from_params({"weekdays": "sun"}).weekdays == frozenset({7})


def test_a_date_range_expires_only_after_its_last_day() -> None:
    rule = SaleTimeCondition.from_params({"date_to": "2026-03-04"})
    assert [rule.is_expired(date(2026, 3, d)) for d in (4, 5)] == [False, True]
    assert SaleTimeCondition.from_params({"weekdays": ["sat"]}).is_expired(date(2030, 1, 1)) is (
        False
    )


# --- line dimensions seen from the document --------------------------------------------------


def test_line_dimensions_do_not_hold_for_the_document_as_a_whole() -> None:
    product = ProductCondition.from_params({"products": ["CM-100"]})
    assert product.is_satisfied(document_only()) is False
    assert product.is_satisfied(at(datetime(2026, 3, 2, tzinfo=MSK)))
    price_group = PriceGroupCondition.from_params({"price_groups": ["PG"]})
    assert price_group.is_satisfied(document_only()) is False
    assert price_group.is_satisfied(at(datetime(2026, 3, 2, tzinfo=MSK)))


def test_a_product_segment_condition_does_not_hold_for_the_document_as_a_whole() -> None:
    segment = NomenclatureSegmentCondition.from_params({"segments": ["S"]})
    assert segment.is_satisfied(document_only()) is False
    assert segment.why(document_only()) == "product segment is not given"
    assert segment.is_satisfied(at(datetime(2026, 3, 2, tzinfo=MSK)))


# --- parameters refused ----------------------------------------------------------------------

_LQ, _SV, _ST = LineQuantityCondition, SaleVolumeCondition, SaleTimeCondition
_WEEKDAYS = "condition 'sale_time': parameter 'weekdays' must be a non-empty list"
_NO_SEGMENT = "condition 'sale_volume': missing parameter 'segment'"


@pytest.mark.parametrize(
    ("condition", "params", "message"),
    [
        (_LQ, {"min": 5, "max": 5}, "condition 'line_quantity': max 5 must be above min 5"),
        (_LQ, {"min": 5, "most": 6}, "condition 'line_quantity': unknown parameter(s) most"),
        (_LQ, {"max": 6}, "condition 'line_quantity': missing parameter 'min'"),
        (_LQ, {"min": 5.5}, "condition 'line_quantity': parameter 'min'"),
        (_LQ, {"min": 1, "max": 2.5}, "condition 'line_quantity': parameter 'max'"),
        (_SV, {"min_quantity": 3, "over": 1}, "condition 'sale_volume': unknown parameter(s) over"),
        (_SV, {"min_quantity": 0.5}, "condition 'sale_volume': parameter 'min_quantity'"),
        (_SV, {"min_amount": 0.5}, "condition 'sale_volume': parameter 'min_amount'"),
        (_SV, {"min_quantity": 3, "min_amount": 5}, "condition 'sale_volume': give exactly one"),
        (_SV, {"min_quantity": 3, "per": "segment"}, _NO_SEGMENT),
        (_ST, {"weekdays": []}, _WEEKDAYS),
        (_ST, {"weekdays": 5}, _WEEKDAYS),
        (_ST, {"time_from": "late"}, "condition 'sale_time': time_from 'late' is not a time"),
        (_ST, {"date_from": "soon"}, "condition 'sale_time': date_from 'soon' is not a date"),
        (_ST, {"hours": "9-18"}, "condition 'sale_time': unknown parameter(s) hours"),
        (_ST, {"date_to": None}, "condition 'sale_time': missing parameters"),
    ],
)  # fmt: skip
def test_bad_parameters_are_refused_naming_the_condition(
    condition: type[LineQuantityCondition | SaleVolumeCondition | SaleTimeCondition],
    params: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(DiscountError) as info:
        condition.from_params(params)
    assert str(info.value).startswith(message)


def test_a_client_segment_condition_lists_its_segments_and_the_clients_in_order() -> None:
    condition = ClientSegmentCondition(frozenset({"VIP", "B2B"}))
    assert condition.describe() == "client segment in B2B, VIP"
    assert repr(condition) == "ClientSegmentCondition(['B2B', 'VIP'])"
    line = make_line("CM-100", 1, "100.00")
    sale = make_context(client_segment_ids=["WHOLESALE", "RETAIL"])
    ctx = ConditionContext(sale, DocumentFacts.of([line]), line)
    assert condition.why(ctx) == "client segment is RETAIL, WHOLESALE"
    assert not condition.is_satisfied(ctx)


def test_a_segment_volume_tier_is_offered_as_a_segment_amount() -> None:
    condition = SaleVolumeCondition.from_params(
        {"min_amount": 1000, "per": "segment", "segment": "S"}
    )
    assert list(condition.thresholds()) == [Threshold("segment_amount", Decimal(1000), "S")]
