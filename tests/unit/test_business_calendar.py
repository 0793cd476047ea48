"""Business calendars: working-day arithmetic agrees with counting day by day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import holiday_sets

from salescore.adapters.holidays_calendar import country_calendar
from salescore.dates import BusinessCalendar, Period, RollConvention, add_months, end_of_month
from salescore.errors import InvalidInputError

START = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30))


def brute_add(cal: BusinessCalendar, day: date, count: int) -> date:
    step = timedelta(days=1 if count >= 0 else -1)
    left = abs(count)
    while left:
        day += step
        if cal.is_working_day(day):
            left -= 1
    return day


def brute_between(cal: BusinessCalendar, start: date, end: date) -> int:
    return sum(
        1 for i in range(1, (end - start).days + 1) if cal.is_working_day(start + timedelta(days=i))
    )


@given(holiday_sets, holiday_sets, START, st.integers(min_value=-60, max_value=60))
def test_adding_working_days_agrees_with_a_day_by_day_count(
    holidays: frozenset[date], extra: frozenset[date], start: date, count: int
) -> None:
    cal = BusinessCalendar(holidays=holidays, extra_working_days=extra - holidays)
    assert cal.add_working_days(start, count) == brute_add(cal, start, count)


@given(holiday_sets, START, st.integers(min_value=0, max_value=200))
def test_working_days_between_agrees_with_a_day_by_day_count(
    holidays: frozenset[date], start: date, span: int
) -> None:
    cal = BusinessCalendar(holidays=holidays)
    end = start + timedelta(days=span)
    assert cal.working_days_between(start, end) == brute_between(cal, start, end)
    assert cal.working_days_between(end, start) == -brute_between(cal, start, end)


@given(holiday_sets, START, st.integers(min_value=0, max_value=80))
def test_between_undoes_add(holidays: frozenset[date], start: date, count: int) -> None:
    cal = BusinessCalendar(holidays=holidays)
    assert cal.working_days_between(start, cal.add_working_days(start, count)) == count


def test_overrides_beat_weekends_and_holidays() -> None:
    saturday, monday = date(2026, 11, 7), date(2026, 11, 9)
    cal = BusinessCalendar(
        holidays=frozenset({monday}), extra_working_days={saturday}, extra_non_working_days=set()
    )
    assert cal.is_working_day(saturday)
    assert not cal.is_working_day(monday)
    assert cal.next_working_day(date(2026, 11, 6)) == saturday


def test_a_day_cannot_be_both_working_and_non_working() -> None:
    day = date(2026, 5, 4)
    with pytest.raises(InvalidInputError, match="both an extra working and"):
        BusinessCalendar(extra_working_days={day}, extra_non_working_days={day})


def test_a_calendar_without_working_days_fails_clearly_instead_of_looping() -> None:
    with pytest.raises(InvalidInputError, match="no working weekday"):
        BusinessCalendar(weekend=frozenset(range(7)))


def test_roll_conventions() -> None:
    cal = BusinessCalendar()
    saturday_end_of_month = date(2026, 2, 28)
    assert cal.roll(saturday_end_of_month, RollConvention.FOLLOWING) == date(2026, 3, 2)
    assert cal.roll(saturday_end_of_month, RollConvention.PRECEDING) == date(2026, 2, 27)
    assert cal.roll(saturday_end_of_month, RollConvention.MODIFIED_FOLLOWING) == date(2026, 2, 27)
    assert cal.roll(date(2026, 2, 27)) == date(2026, 2, 27)


def test_russian_calendar_skips_the_new_year_holidays() -> None:
    ru = country_calendar("RU")
    assert not ru.is_working_day(date(2026, 1, 5))
    assert ru.add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 12)


def test_an_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match="no holiday data for country 'XX'"):
        country_calendar("XX")


def test_months_are_stepped_from_the_anchor_without_drift() -> None:
    anchor = date(2026, 1, 31)
    assert [add_months(anchor, i) for i in range(4)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert end_of_month(date(2026, 2, 3)) == date(2026, 2, 28)


def test_periods_check_their_ends_and_overlap() -> None:
    january = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert january.overlaps(Period(date(2026, 1, 31)))
    assert not january.overlaps(Period(date(2026, 2, 1), date(2026, 2, 2)))
    with pytest.raises(InvalidInputError, match="ends"):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_weekend_days_must_be_weekday_numbers() -> None:
    with pytest.raises(InvalidInputError, match="weekend day 7 is not a weekday number"):
        BusinessCalendar(weekend=frozenset({5, 7}))


# --- the ends of the calendar ------------------------------------------------------

LAST, FIRST = date(9999, 12, 31), date(1, 1, 1)


AFTER, BEFORE = "after 9999-12-31", "before 0001-01-01"


@pytest.mark.parametrize(
    ("step", "named", "edge"),
    [
        (
            lambda cal: cal.add_working_days(date(9999, 12, 30), 3),
            "3 working day(s) from 9999-12-30",
            AFTER,
        ),
        (
            lambda cal: cal.add_working_days(date(1, 1, 3), -5),
            "-5 working day(s) from 0001-01-03",
            BEFORE,
        ),
        (lambda cal: cal.next_working_day(LAST), "next working day of 9999-12-31", AFTER),
        (lambda cal: cal.previous_working_day(FIRST), "previous working day of 0001-01-01", BEFORE),
        (lambda cal: cal.roll(date(9999, 12, 31), RollConvention.FOLLOWING), "9999-12-31", AFTER),
        (
            lambda cal: BusinessCalendar.add_calendar_days(LAST, 1),
            "9999-12-31 moved by 1 day",
            AFTER,
        ),
        (
            lambda cal: BusinessCalendar.add_calendar_days(FIRST, -1),
            "0001-01-01 moved by -1 day",
            BEFORE,
        ),
        (lambda cal: add_months(date(9999, 12, 1), 1), "9999-12-01 moved by 1 month", AFTER),
        (lambda cal: add_months(date(1, 1, 31), -1), "0001-01-31 moved by -1 month", BEFORE),
    ],
)
def test_stepping_past_the_ends_of_the_calendar_names_the_date_the_end_and_what_to_do(
    step: object, named: str, edge: str
) -> None:
    # 9999-12-31 is a Friday: make it a holiday so that rolling it must move forward.
    cal = BusinessCalendar(holidays=frozenset({LAST}))
    with pytest.raises(InvalidInputError) as caught:
        step(cal)  # type: ignore[operator]
    message = str(caught.value)
    assert named in message
    assert f" {edge}, outside " in message  # which end of the calendar it ran into
    assert (BEFORE if edge == AFTER else AFTER) not in message
    assert "check the date" in message


def test_counting_up_to_the_last_date_of_the_calendar_works() -> None:
    cal = BusinessCalendar()
    assert LAST.weekday() == 4  # a Friday
    assert cal.working_days_between(date(9999, 12, 24), LAST) == 5
    assert list(cal.working_days(date(9999, 12, 30), LAST)) == [date(9999, 12, 30), LAST]
    assert cal.add_working_days(date(9999, 12, 30), 1) == LAST
    assert cal.roll(LAST) == LAST
    assert BusinessCalendar.add_calendar_days(date(9999, 12, 30), 1) == LAST
    assert end_of_month(date(9999, 12, 5)) == LAST
    assert cal.working_days_between(FIRST, date(1, 1, 2)) == 1  # 0001-01-01 is a Monday


def test_a_schedule_shipped_on_the_last_date_of_the_calendar_is_a_schedule_error() -> None:
    from salescore.errors import ScheduleError
    from salescore.money import Money
    from salescore.receivables import (
        DayCount,
        DueEvent,
        PaymentScheduleTemplate,
        ScheduleStage,
        StageKind,
    )

    stages = (
        ScheduleStage(StageKind.ADVANCE, percent=30),
        ScheduleStage(
            StageKind.CREDIT, days=14, day_count=DayCount.WORKING, event=DueEvent.SHIPMENT
        ),
    )
    template = PaymentScheduleTemplate("T", "30/70", stages)
    with pytest.raises(ScheduleError, match="9999-12-31") as caught:
        template.generate(Money(100, "RUB"), date(9999, 12, 1), LAST, BusinessCalendar())
    assert isinstance(caught.value.__cause__, InvalidInputError)
    calendar_days = PaymentScheduleTemplate(
        "C", "all after", (ScheduleStage(StageKind.CREDIT, days=1, event=DueEvent.SHIPMENT),)
    )
    with pytest.raises(ScheduleError, match="9999-12-31"):
        calendar_days.generate(Money(100, "RUB"), date(9999, 12, 1), LAST, BusinessCalendar())
