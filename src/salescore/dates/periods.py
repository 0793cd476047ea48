"""Month arithmetic and periods.

Step months from an anchor (``anchor + relativedelta(months=i)``), never by
chaining one-month steps: dateutil clips the day, so chaining drifts
(Jan 31 → Feb 28 → Mar 28) while anchoring does not (Jan 31 → Mar 31).

>>> from datetime import date
>>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 1, 31), 2)
(datetime.date(2026, 2, 28), datetime.date(2026, 3, 31))
>>> end_of_month(date(2028, 2, 10))
datetime.date(2028, 2, 29)
>>> Period(date(2026, 1, 1), date(2026, 1, 31)).contains(date(2026, 1, 31))
True
"""

from __future__ import annotations

from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from salescore.errors import InvalidInputError

__all__ = ["Period", "add_months", "end_of_month", "start_of_month"]


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months``, the day clipped to the month's length.

    Raises:
        InvalidInputError: the result would be before year 1 or after year 9999.
    """
    try:
        result: date = anchor + relativedelta(months=months)
    except (ValueError, OverflowError):
        edge = "after 9999-12-31" if months > 0 else "before 0001-01-01"
        raise InvalidInputError(
            f"{anchor.isoformat()} moved by {months} month(s) would be {edge}, outside the "
            "dates Python can hold: check the date (a placeholder such as 9999-12-31?) or "
            "the number of months",
            value=anchor,
        ) from None
    return result


def start_of_month(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def end_of_month(day: date) -> date:
    """The last day of ``day``'s month."""
    result: date = day + relativedelta(day=31)
    return result


def _check_period(instance: Period, _attribute: object, value: date | None) -> None:
    if value is not None and value < instance.start:
        raise InvalidInputError(
            f"period ends ({value.isoformat()}) before it starts ({instance.start.isoformat()})"
        )


@attrs.frozen
class Period:
    """A closed range of dates ``[start, end]``; ``end=None`` is open-ended."""

    start: date
    end: date | None = attrs.field(default=None, validator=_check_period)

    def contains(self, day: date) -> bool:
        """True if ``day`` lies in the period (both ends included)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        """True if the two periods share at least one day."""
        starts_before_other_ends = other.end is None or self.start <= other.end
        other_starts_before_end = self.end is None or other.start <= self.end
        return starts_before_other_ends and other_starts_before_end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat() if self.end else ''}"
