"""Business calendars: which days are working days, and day arithmetic over them.

A :class:`BusinessCalendar` is a pure value: the weekend weekdays, a set of
holidays, and explicit overrides of a production calendar [производственный
календарь] (a Saturday made a working day, a bridge day made a holiday).
Country holidays come from the ``holidays`` package through
:func:`salescore.adapters.holidays_calendar.country_calendar`; tests and
golden scenarios use explicit sets so that a data upgrade cannot move a result.

>>> from datetime import date
>>> cal = BusinessCalendar(holidays=frozenset({date(2026, 1, 1), date(2026, 1, 2)}))
>>> cal.is_working_day(date(2026, 1, 1)), cal.is_working_day(date(2026, 1, 5))
(False, True)
>>> cal.add_working_days(date(2025, 12, 31), 1)   # Jan 1, 2 holidays; 3, 4 weekend
datetime.date(2026, 1, 5)
>>> cal.working_days_between(date(2025, 12, 31), date(2026, 1, 9))
5
"""

from __future__ import annotations

import enum
from collections.abc import Container, Iterator
from datetime import date, timedelta

import attrs

from salescore.errors import InvalidInputError

__all__ = ["BusinessCalendar", "RollConvention"]

# A calendar with no working day in a whole year is a configuration error, not a loop.
_MAX_SEARCH_DAYS = 366 * 2


class RollConvention(enum.Enum):
    """How to move a date that falls on a non-working day."""

    FOLLOWING = "following"
    """The next working day."""
    PRECEDING = "preceding"
    """The previous working day."""
    MODIFIED_FOLLOWING = "modified_following"
    """The next working day, unless that is in the next month: then the previous one."""


def _frozen_dates(value: object) -> frozenset[date]:
    if isinstance(value, frozenset):
        return value
    if isinstance(value, (set, list, tuple)):
        return frozenset(value)
    raise InvalidInputError(f"expected a set of dates, got {type(value).__name__}")


@attrs.frozen(eq=False)
class BusinessCalendar:
    """Working days: weekdays minus weekends and holidays, with overrides.

    Attributes:
        name: a label shown in explanations ("RU production calendar 2026").
        weekend: weekday numbers that are not working days (Monday is 0).
        holidays: any container of dates (a frozenset, or a ``holidays`` object).
        extra_working_days: dates that are working days whatever else says.
        extra_non_working_days: dates that are not working days whatever else says.
    """

    name: str = "calendar"
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: Container[date] = frozenset()
    extra_working_days: frozenset[date] = attrs.field(default=frozenset(), converter=_frozen_dates)
    extra_non_working_days: frozenset[date] = attrs.field(
        default=frozenset(), converter=_frozen_dates
    )

    def __attrs_post_init__(self) -> None:
        both = self.extra_working_days & self.extra_non_working_days
        if both:
            first = min(both)
            raise InvalidInputError(
                f"calendar {self.name!r}: {first.isoformat()} is both an extra working and "
                "an extra non-working day; keep it in one set",
                value=first,
            )
        odd = sorted(d for d in self.weekend if not 0 <= d <= 6)
        if odd:
            raise InvalidInputError(
                f"calendar {self.name!r}: weekend day {odd[0]!r} is not a weekday number; "
                "use 0 (Monday) to 6 (Sunday)",
                value=odd[0],
            )
        if len(self.weekend) >= 7 and not self.extra_working_days:
            raise InvalidInputError(f"calendar {self.name!r} has no working weekday")

    def is_working_day(self, day: date) -> bool:
        """True if ``day`` is a working day."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_non_working_days:
            return False
        return day.weekday() not in self.weekend and day not in self.holidays

    def _step(self, day: date, direction: int, asked: str = "") -> date:
        delta = timedelta(days=1 if direction > 0 else -1)
        start = day
        for _ in range(_MAX_SEARCH_DAYS):
            try:
                day = day + delta
            except OverflowError:
                edge = "after 9999-12-31" if direction > 0 else "before 0001-01-01"
                which = "next" if direction > 0 else "previous"
                asked = asked or f"the {which} working day of {start.isoformat()}"
                raise InvalidInputError(
                    f"calendar {self.name!r}: {asked} would be {edge}, "
                    "outside the dates Python can hold: check the date (a placeholder such as "
                    "9999-12-31?) or the number of days",
                    value=start,
                ) from None
            if self.is_working_day(day):
                return day
        raise InvalidInputError(
            f"calendar {self.name!r} has no working day within {_MAX_SEARCH_DAYS} days of "
            f"{day.isoformat()}: check its weekend and holidays"
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._step(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self._step(day, -1)

    def roll(self, day: date, convention: RollConvention = RollConvention.FOLLOWING) -> date:
        """``day`` itself if it is a working day, else moved by ``convention``."""
        if self.is_working_day(day):
            return day
        if convention is RollConvention.PRECEDING:
            return self.previous_working_day(day)
        following = self.next_working_day(day)
        if convention is RollConvention.MODIFIED_FOLLOWING and following.month != day.month:
            return self.previous_working_day(day)
        return following

    def add_working_days(self, day: date, count: int) -> date:
        """The date ``count`` working days after ``day`` (before, if negative).

        ``day`` itself is not counted: one working day after Friday is Monday.
        ``count == 0`` returns ``day`` unchanged (roll it if it must be working).
        """
        direction = 1 if count >= 0 else -1
        asked = f"{count} working day(s) from {day.isoformat()}"
        for _ in range(abs(count)):
            day = self._step(day, direction, asked)
        return day

    @staticmethod
    def add_calendar_days(day: date, count: int) -> date:
        """The date ``count`` calendar days after ``day``.

        Raises:
            InvalidInputError: the result would be before 0001-01-01 or after
                9999-12-31.
        """
        return _shift_days(day, count)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``.

        So that ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for day in _days(start, end) if day != start and self.is_working_day(day))

    def working_days(self, start: date, end: date) -> Iterator[date]:
        """The working days in ``[start, end]``, in order."""
        return (day for day in _days(start, end) if self.is_working_day(day))


def _days(start: date, end: date) -> Iterator[date]:
    # By ordinals, so that a range ending on 9999-12-31 never steps past it.
    fromordinal = date.fromordinal
    return (fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1))


def _shift_days(day: date, count: int) -> date:
    """``day`` moved by ``count`` calendar days, or an error naming the date.

    >>> _shift_days(date(2026, 12, 31), 1)
    datetime.date(2027, 1, 1)
    >>> _shift_days(date(9999, 12, 31), 1)
    Traceback (most recent call last):
    ...
    salescore.errors.InvalidInputError: 9999-12-31 moved by 1 day(s) is after 9999-12-31, ...
    """
    try:
        return day + timedelta(days=count)
    except OverflowError:
        pass
    edge = "after 9999-12-31" if count > 0 else "before 0001-01-01"
    raise InvalidInputError(
        f"{day.isoformat()} moved by {count} day(s) is {edge}, outside the calendar "
        "dates can hold: check the date (a placeholder such as 9999-12-31?) or the number "
        "of days",
        value=day,
    ) from None
