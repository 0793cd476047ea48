"""Payment schedule templates and generated schedules (F1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.dates import BusinessCalendar, RollConvention
from salescore.errors import ScheduleError
from salescore.money import Money
from salescore.receivables import (
    DayCount,
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
)

# Local strategies: test modules import no shared test helper (tests/ is not a package).
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))

NEW_YEAR = BusinessCalendar(
    "RU 2026", holidays=frozenset(date(2026, 1, d) for d in (1, 2, 5, 6, 7, 8))
)
ADVANCE_30 = ScheduleStage(StageKind.ADVANCE, Decimal(30))
CREDIT_REST_14_WORKING = ScheduleStage(
    StageKind.CREDIT, None, 14, DayCount.WORKING, DueEvent.SHIPMENT
)


def template(*stages: ScheduleStage, roll: RollConvention | None = None) -> PaymentScheduleTemplate:
    return PaymentScheduleTemplate("T", "test", stages, roll)


def test_credit_stage_in_working_days_skips_the_new_year_holidays() -> None:
    schedule = template(ADVANCE_30, CREDIT_REST_14_WORKING).generate(
        Money("100000.00", "RUB"), date(2025, 12, 25), date(2025, 12, 29), NEW_YEAR
    )
    assert [(s.kind, s.due_date, s.amount) for s in schedule.stages] == [
        (StageKind.ADVANCE, date(2025, 12, 25), Money("30000.00", "RUB")),
        (StageKind.CREDIT, date(2026, 1, 26), Money("70000.00", "RUB")),
    ]


def test_the_odd_kopeck_goes_to_the_stage_with_the_largest_remainder() -> None:
    thirds = template(
        ScheduleStage(StageKind.ADVANCE, Decimal("33.33")),
        ScheduleStage(StageKind.CREDIT, Decimal("33.33"), 10, event=DueEvent.SHIPMENT),
        ScheduleStage(StageKind.CREDIT, None, 20, event=DueEvent.SHIPMENT),
    )
    amounts = [
        s.amount
        for s in thirds.generate(
            Money("100.00", "RUB"), date(2026, 3, 2), date(2026, 3, 3), NEW_YEAR
        ).stages
    ]
    assert amounts == [Money("33.33", "RUB"), Money("33.33", "RUB"), Money("33.34", "RUB")]


def test_end_of_month_event_counts_from_the_last_day_of_the_shipment_month() -> None:
    eom = template(ScheduleStage(StageKind.CREDIT, None, 10, event=DueEvent.SHIPMENT_MONTH_END))
    schedule = eom.generate(Money(1000, "RUB"), date(2026, 2, 3), date(2026, 2, 10), NEW_YEAR)
    assert schedule.stages[0].due_date == date(2026, 3, 10)


def test_calendar_day_due_date_is_rolled_to_a_working_day_when_the_template_says_so() -> None:
    # 2026-01-03 is a Saturday; the next working day after the holidays is Jan 9.
    rolled = template(ScheduleStage(StageKind.CREDIT, None, 3), roll=RollConvention.FOLLOWING)
    schedule = rolled.generate(Money(1000, "RUB"), date(2025, 12, 31), None, NEW_YEAR)
    assert schedule.stages[0].due_date == date(2026, 1, 9)


def test_explanation_names_each_stage_rule_and_result() -> None:
    schedule = template(ADVANCE_30, CREDIT_REST_14_WORKING).generate(
        Money("1000.00", "RUB"), date(2025, 12, 25), date(2025, 12, 29), NEW_YEAR
    )
    text = schedule.explain().as_text()
    assert "stage 2: credit 70%, due 14 working day(s) after shipment" in text
    assert "700.00 RUB on 2026-01-26" in text


@settings(max_examples=150)
@given(
    total=st.integers(0, 10**12).map(lambda units: Money.from_minor(units, "RUB")),
    percents=st.lists(st.integers(1, 40), min_size=1, max_size=4),
    order_date=dates,
    lag=st.integers(0, 60),
)
def test_generated_stages_always_sum_exactly_to_the_total(
    total: Money, percents: list[int], order_date: date, lag: int
) -> None:
    stages = [ScheduleStage(StageKind.ADVANCE, Decimal(p)) for p in percents]
    stages.append(CREDIT_REST_14_WORKING)
    if sum(percents) >= 100:
        stages = [*stages[:1], CREDIT_REST_14_WORKING]
    shipment = date.fromordinal(order_date.toordinal() + lag)
    schedule = template(*stages).generate(total, order_date, shipment, NEW_YEAR)
    assert sum(s.amount.minor_units for s in schedule.stages) == total.minor_units
    assert all(s.due_date >= order_date for s in schedule.stages)


def test_percents_over_100_are_refused_with_the_sum() -> None:
    with pytest.raises(ScheduleError, match="sum to 110, more than 100"):
        template(
            ScheduleStage(StageKind.ADVANCE, Decimal(60)),
            ScheduleStage(StageKind.CREDIT, Decimal(50), 10, event=DueEvent.SHIPMENT),
        )


def test_percents_under_100_without_a_remainder_stage_are_refused() -> None:
    with pytest.raises(ScheduleError, match="sum to 90, not 100"):
        template(ScheduleStage(StageKind.ADVANCE, Decimal(90)))


def test_two_remainder_stages_are_refused() -> None:
    with pytest.raises(ScheduleError, match="2 remainder stages"):
        template(ScheduleStage(StageKind.ADVANCE), CREDIT_REST_14_WORKING)


def test_an_advance_due_after_shipment_can_never_be_met() -> None:
    with pytest.raises(ScheduleError, match="can never be met"):
        ScheduleStage(StageKind.ADVANCE, Decimal(30), 5, event=DueEvent.SHIPMENT)


def test_an_advance_falling_due_after_the_planned_shipment_is_refused() -> None:
    late = template(ScheduleStage(StageKind.ADVANCE, None, 10))
    with pytest.raises(ScheduleError, match="after the shipment on 2026-03-05"):
        late.generate(Money(100, "RUB"), date(2026, 3, 2), date(2026, 3, 5), NEW_YEAR)


def test_a_working_day_rule_on_a_calendar_without_working_days_can_never_be_met() -> None:
    never = BusinessCalendar(
        "never", weekend=frozenset(range(7)), extra_working_days=frozenset({date(2020, 1, 1)})
    )
    with pytest.raises(ScheduleError, match="can never be met with calendar 'never'"):
        template(CREDIT_REST_14_WORKING).generate(
            Money(100, "RUB"), date(2026, 3, 2), date(2026, 3, 5), never
        )


def test_a_shipment_rule_without_a_shipment_date_asks_for_one() -> None:
    with pytest.raises(ScheduleError, match="needs a shipment date"):
        template(CREDIT_REST_14_WORKING).generate(
            Money(100, "RUB"), date(2026, 3, 2), None, NEW_YEAR
        )


def test_a_percent_of_zero_is_refused() -> None:
    with pytest.raises(ScheduleError, match="above 0 and at most 100"):
        ScheduleStage(StageKind.ADVANCE, Decimal(0))


def test_the_advance_is_the_sum_of_the_advance_stages() -> None:
    schedule = template(ADVANCE_30, CREDIT_REST_14_WORKING).generate(
        Money("999.99", "RUB"), date(2025, 12, 25), date(2025, 12, 29), NEW_YEAR
    )
    assert schedule.advance == Money("300.00", "RUB")
