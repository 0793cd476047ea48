"""A sample company in a store, two client users and a service with a clock tests move."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs

from salescore.adapters.passwords import Argon2PasswordHasher
from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.selfservice import Role, ThrottlePolicy

START = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
# Low argon2 costs: the tests check behaviour, not the work factor.
FAST_HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024)


@attrs.define
class MovingClock:
    """A clock a test moves forward."""

    moment: datetime = START

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def advance(self, by: timedelta) -> None:
        self.moment += by


def load_company(store: Store) -> None:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        uow.commit()


def make_service(store: Store, clock: MovingClock, **options: object) -> SelfService:
    options.setdefault("throttle", ThrottlePolicy(max_failures=3, lockout=timedelta(minutes=15)))
    return SelfService(store, clock, hasher=FAST_HASHER, **options)  # type: ignore[arg-type]


def add_clients(service: SelfService) -> None:
    """``kzn`` works for VOLGA-KZN, ``cafe`` for CAFE."""
    service.add_user("kzn", PASSWORD, Role.CLIENT, partner_ids=["VOLGA-KZN"])
    service.add_user("cafe", PASSWORD, Role.CLIENT, partner_ids=["CAFE"])
