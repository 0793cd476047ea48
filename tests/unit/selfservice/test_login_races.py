"""Failed logins racing each other are all counted, on every store.

Guessing passwords in parallel must not get more tries than the throttle
allows: eight wrong passwords sent at the same moment for one login count
eight failures, and with a limit of three, the login is locked and stays so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from tests.unit.selfservice._fixtures import PASSWORD, MovingClock, client_service

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import PostgresStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.errors import AuthenticationError, LoginThrottledError
from salescore.selfservice import ThrottlePolicy

pytestmark = pytest.mark.slow

WRITERS = 8


@pytest.fixture(params=["memory", "sqlite-file", "postgresql"])
def race_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store several threads write at once (each unit of work its own connection)."""
    store: Store
    if request.param == "memory":
        store = MemoryStore()
    elif request.param == "sqlite-file":
        store = SqliteStore(tmp_path / "race.sqlite")
    else:
        store = PostgresStore(request.getfixturevalue("postgres_url"), min_size=WRITERS)
    yield store
    store.close()


def _race(service: SelfService, login: str) -> list[str]:
    """Eight wrong passwords for ``login`` at once; what each attempt was told."""
    start = threading.Barrier(WRITERS)
    told: list[str] = []

    def attempt() -> None:
        start.wait(10)
        try:
            service.login(login, "wrong password!")
        except (AuthenticationError, LoginThrottledError) as exc:
            told.append(type(exc).__name__)
        except Exception as exc:  # the test reports anything else
            told.append(repr(exc))

    threads = [threading.Thread(target=attempt) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return told


def test_failed_logins_at_the_same_moment_are_each_counted(race_store: Store) -> None:
    policy = ThrottlePolicy(max_failures=100, lockout=timedelta(minutes=15))
    service = client_service(race_store, MovingClock(), throttle=policy)
    assert _race(service, "kzn") == ["AuthenticationError"] * WRITERS
    with race_store.unit_of_work(read_only=True) as uow:
        throttle = uow.login_throttles.find("kzn")
    assert throttle is not None
    assert throttle.failures == WRITERS


def test_parallel_guesses_get_no_more_tries_than_the_limit(race_store: Store) -> None:
    policy = ThrottlePolicy(max_failures=3, lockout=timedelta(minutes=15))
    service = client_service(race_store, MovingClock(), throttle=policy)
    told = _race(service, "kzn")
    assert sorted(told) == ["AuthenticationError"] * 3 + ["LoginThrottledError"] * (WRITERS - 3)
    with pytest.raises(LoginThrottledError):
        service.login("kzn", PASSWORD)  # locked: even the right password waits
