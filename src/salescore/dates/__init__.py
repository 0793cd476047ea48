"""Dates for sales rules: business calendars and month arithmetic.

Nothing here reads the wall clock: dates always come in as arguments, and
"today" comes from a :class:`salescore.ports.Clock`.
"""

from salescore.dates.business_days import BusinessCalendar, RollConvention
from salescore.dates.periods import Period, add_months, end_of_month, start_of_month

__all__ = [
    "BusinessCalendar",
    "Period",
    "RollConvention",
    "add_months",
    "end_of_month",
    "start_of_month",
]
