"""Failed logins racing each other are all counted, on every store.

Guessing passwords in parallel must not get more tries than the throttle
allows: eight wrong passwords sent at the same moment for one login count
eight failures, and with a limit of three, the login is locked and stays so.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.conftest import RACE_WRITERS, race
from tests.unit.selfservice._fixtures import PASSWORD, MovingClock, client_service

from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.errors import LoginThrottledError
from salescore.selfservice import ThrottlePolicy

pytestmark = pytest.mark.slow


def _guesses(service: SelfService, login: str) -> list[str]:
    """Eight wrong passwords for ``login`` at once; the error each attempt met."""
    outcomes = race(*[lambda: service.login(login, "wrong password!")] * RACE_WRITERS)
    return [type(x).__name__ if isinstance(x, Exception) else repr(x) for x in outcomes]


def test_failed_logins_at_the_same_moment_are_each_counted(race_store: Store) -> None:
    policy = ThrottlePolicy(max_failures=100, lockout=timedelta(minutes=15))
    service = client_service(race_store, MovingClock(), throttle=policy)
    assert _guesses(service, "kzn") == ["AuthenticationError"] * RACE_WRITERS
    with race_store.unit_of_work(read_only=True) as uow:
        throttle = uow.login_throttles.find("kzn")
    assert throttle is not None
    assert throttle.failures == RACE_WRITERS


def test_parallel_guesses_get_no_more_tries_than_the_limit(race_store: Store) -> None:
    policy = ThrottlePolicy(max_failures=3, lockout=timedelta(minutes=15))
    service = client_service(race_store, MovingClock(), throttle=policy)
    told = _guesses(service, "kzn")
    assert sorted(told) == ["AuthenticationError"] * 3 + ["LoginThrottledError"] * (
        RACE_WRITERS - 3
    )
    with pytest.raises(LoginThrottledError):
        service.login("kzn", PASSWORD)  # locked: even the right password waits
