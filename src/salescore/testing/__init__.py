"""Public test helpers for applications and plugin authors."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import attrs

__all__ = ["FixedClock"]


@attrs.define
class FixedClock:
    """A clock that says what it is told; ``advance`` moves it.

    >>> from datetime import timedelta
    >>> clock = FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    >>> clock.today()
    datetime.date(2026, 3, 1)
    >>> clock.advance(timedelta(days=1)).today()
    datetime.date(2026, 3, 2)
    """

    moment: datetime

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """A clock at noon UTC of ``day``."""
        return cls(datetime.combine(day, time(12, 0), tzinfo=UTC))

    def now(self) -> datetime:
        """The fixed moment."""
        return self.moment

    def today(self) -> date:
        """The fixed moment's date."""
        return self.moment.date()

    def advance(self, delta: object) -> FixedClock:
        """Move the clock forward by a ``timedelta``; returns the clock."""
        from datetime import timedelta

        if not isinstance(delta, timedelta):
            raise TypeError("advance() takes a timedelta")
        self.moment = self.moment + delta
        return self
