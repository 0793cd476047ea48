"""The system clock, for applications; tests use :class:`salescore.testing.FixedClock`."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

import attrs

__all__ = ["SystemClock"]


@attrs.frozen
class SystemClock:
    """Reads the wall clock in a given time zone (UTC unless told otherwise)."""

    tz: tzinfo | None = None

    def now(self) -> datetime:
        """The current moment in ``tz`` (UTC when ``tz`` is None)."""
        from datetime import UTC

        return datetime.now(self.tz or UTC)

    def today(self) -> date:
        """The current date in ``tz``."""
        return self.now().date()
