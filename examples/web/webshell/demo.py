"""The shell on the embedded SQLite demo company, for ``make demo-web`` and the tests.

The store is filled by :func:`salescore.demo.selfservice.load_selfservice_demo`,
which adds the demo users through the facade's own ``add_user``; the shell writes
no row itself.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs

from salescore.adapters.passwords import Argon2PasswordHasher
from salescore.adapters.sqlite import SqliteStore
from salescore.app.selfservice import SelfService
from salescore.demo.selfservice import SelfServiceDemo, load_selfservice_demo

__all__ = ["DEMO_DAY", "DemoClock", "DemoShell", "open_demo"]

#: The sample company's prices and agreements are valid from March 2026: the demo
#: runs on this business day.
DEMO_DAY = date(2026, 3, 12)
_DEMO_START = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@attrs.frozen
class DemoClock:
    """The demo day at 09:00 UTC plus the time since the clock was made.

    Time runs (sessions expire, throttles lift), the date stays that of the
    sample data.
    """

    start: datetime = _DEMO_START
    started: float = attrs.field(factory=time.monotonic)

    def now(self) -> datetime:
        """The demo moment."""
        return self.start + timedelta(seconds=time.monotonic() - self.started)

    def today(self) -> date:
        """The demo moment's date."""
        return self.now().date()


@attrs.frozen
class DemoShell:
    """An opened demo: the store (close it when done), the facade and the sample data."""

    store: SqliteStore
    service: SelfService
    demo: SelfServiceDemo


def open_demo(path: Path, *, fast_hashes: bool = False) -> DemoShell:
    """Recreate the SQLite demo file at ``path`` and fill it through the facade.

    Args:
        fast_hashes: cheaper argon2 costs, for tests only.
    """
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = SqliteStore(path)
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=8 * 1024) if fast_hashes else None
    service = SelfService(store, DemoClock(), hasher=hasher)
    return DemoShell(store, service, load_selfservice_demo(store, service))
