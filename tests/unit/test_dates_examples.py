"""Business calendars and periods on hand-picked days (fast examples)."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.dates import BusinessCalendar, Period, end_of_month, start_of_month
from salescore.errors import InvalidInputError

# March 2026: the 6th is a Friday, the 7th and 8th the weekend, the 9th a Monday.
CAL = BusinessCalendar(
    "RU",
    extra_non_working_days=frozenset({date(2026, 3, 9)}),
    extra_working_days=frozenset({date(2026, 3, 7)}),
)


def test_a_weekday_declared_non_working_is_not_a_working_day() -> None:
    assert not CAL.is_working_day(date(2026, 3, 9))
    assert CAL.is_working_day(date(2026, 3, 7))  # a Saturday made working
    assert not CAL.is_working_day(date(2026, 3, 8))
    assert CAL.is_working_day(date(2026, 3, 10))


def test_working_days_lists_the_working_days_of_a_range_both_ends_included() -> None:
    assert list(CAL.working_days(date(2026, 3, 6), date(2026, 3, 10))) == [
        date(2026, 3, 6),
        date(2026, 3, 7),
        date(2026, 3, 10),
    ]


def test_calendar_days_are_added_forward_and_backward() -> None:
    assert BusinessCalendar.add_calendar_days(date(2026, 3, 6), 3) == date(2026, 3, 9)
    assert BusinessCalendar.add_calendar_days(date(2026, 3, 6), -6) == date(2026, 2, 28)


def test_working_days_are_counted_backward_for_a_negative_count() -> None:
    assert CAL.add_working_days(date(2026, 3, 10), -2) == date(2026, 3, 6)
    assert CAL.add_working_days(date(2026, 3, 6), 2) == date(2026, 3, 10)
    assert CAL.add_working_days(date(2026, 3, 8), 0) == date(2026, 3, 8)


def test_months_start_on_the_first_and_end_on_their_last_day() -> None:
    assert start_of_month(date(2026, 2, 17)) == date(2026, 2, 1)
    assert end_of_month(date(2026, 2, 17)) == date(2026, 2, 28)
    assert end_of_month(date(2028, 2, 1)) == date(2028, 2, 29)
    assert end_of_month(date(2026, 12, 31)) == date(2026, 12, 31)


def test_a_one_day_period_is_allowed_and_contains_only_that_day() -> None:
    day = Period(date(2026, 3, 9), date(2026, 3, 9))
    assert day.contains(date(2026, 3, 9))
    assert not day.contains(date(2026, 3, 8))
    assert not day.contains(date(2026, 3, 10))
    with pytest.raises(InvalidInputError):
        Period(date(2026, 3, 9), date(2026, 3, 8))


def test_an_open_period_contains_every_day_from_its_start() -> None:
    open_ended = Period(date(2026, 3, 1))
    assert open_ended.contains(date(2099, 1, 1))
    assert not open_ended.contains(date(2026, 2, 28))
    assert str(open_ended) == "2026-03-01.."
    assert str(Period(date(2026, 3, 1), date(2026, 3, 31))) == "2026-03-01..2026-03-31"


def test_periods_sharing_one_day_overlap() -> None:
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert march.overlaps(Period(date(2026, 3, 31), date(2026, 4, 30)))
    assert Period(date(2026, 3, 31), date(2026, 4, 30)).overlaps(march)
    assert Period(date(2026, 2, 1), date(2026, 3, 1)).overlaps(march)
    assert not march.overlaps(Period(date(2026, 4, 1)))
    assert march.overlaps(Period(date(2026, 1, 1)))
