"""Business calendars built from the ``holidays`` package.

This is the only module that imports ``holidays``: the domain core sees a
plain :class:`~salescore.dates.BusinessCalendar`.

>>> from datetime import date
>>> ru = country_calendar("RU", extra_working_days=[date(2026, 11, 7)])
>>> ru.is_working_day(date(2026, 1, 7))   # Orthodox Christmas
False
>>> ru.is_working_day(date(2026, 11, 7))  # a Saturday made a working day
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from salescore.dates import BusinessCalendar
from salescore.errors import InvalidInputError

__all__ = ["country_calendar"]


def country_calendar(
    country: str,
    *,
    subdivision: str | None = None,
    extra_working_days: Iterable[date] = (),
    extra_non_working_days: Iterable[date] = (),
    weekend: frozenset[int] = frozenset({5, 6}),
) -> BusinessCalendar:
    """A calendar with ``country``'s public holidays plus production-calendar overrides.

    Args:
        country: ISO 3166 code known to ``holidays`` (``"RU"``, ``"BY"``, ``"KZ"`` …).
        subdivision: optional region code.
        extra_working_days: days made working (moved weekends).
        extra_non_working_days: days made non-working (bridge days).
        weekend: weekday numbers of the weekend (Monday is 0).
    """
    try:
        country_holidays = holidays.country_holidays(country.upper(), subdiv=subdivision)
    except NotImplementedError:
        raise InvalidInputError(
            f"no holiday data for country {country!r}: use an ISO 3166 code such as 'RU', "
            "or build BusinessCalendar(holidays=...) yourself",
            value=country,
        ) from None
    label = f"{country.upper()}{'-' + subdivision if subdivision else ''} public holidays"
    return BusinessCalendar(
        name=label,
        weekend=weekend,
        holidays=country_holidays,
        extra_working_days=frozenset(extra_working_days),
        extra_non_working_days=frozenset(extra_non_working_days),
    )
