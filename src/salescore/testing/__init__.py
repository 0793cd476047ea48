"""Public test helpers for applications and plugin authors: the plugin author's kit.

* :class:`FixedClock` — a clock that says what it is told (for approvals,
  overrides and anything that asks a clock for "now");
* :class:`~salescore.adapters.memory.MemoryStore` — the in-memory store,
  held to the same contract as SQLite: a fake store for tests, built in
  microseconds, with all-or-nothing units of work;
* :func:`memory_store` — such a store already holding the given values;
* :mod:`salescore.testing.strategies` — hypothesis strategies for money,
  quantities, dates, sale lines and the sale contexts that discount
  conditions look at (needs hypothesis, a development dependency);
* :mod:`salescore.testing.devices` — device simulators wired to drivers.

>>> from salescore.parties import Partner, PartnerId
>>> store = memory_store(partners=[Partner(PartnerId("P1"), "Acme")])
>>> with store.unit_of_work() as uow:
...     uow.partners.get(PartnerId("P1")).name
'Acme'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

import attrs

from salescore.adapters.memory import MemoryStore
from salescore.parties import Partner, Product

__all__ = ["FixedClock", "MemoryStore", "memory_store"]


def memory_store(
    *, products: Iterable[Product] = (), partners: Iterable[Partner] = ()
) -> MemoryStore:
    """A fresh in-memory store holding ``products`` and ``partners`` (committed)."""
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for product in products:
            uow.products.add(product)
        for partner in partners:
            uow.partners.add(partner)
        uow.commit()
    return store


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
