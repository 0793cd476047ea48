"""Logins, sessions and passwords of self-service: nothing in clear, nothing guessable."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tests.unit.selfservice._fixtures import (
    FAST_HASHER,
    PASSWORD,
    START,
    MovingClock,
    add_clients,
    load_company,
    make_service,
)

from salescore.adapters.codec import dumps
from salescore.adapters.memory import MemoryStore
from salescore.app.selfservice import SelfService
from salescore.errors import (
    AuthenticationError,
    InvalidInputError,
    LoginThrottledError,
    SessionExpiredError,
)
from salescore.selfservice import Role, token_digest


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    load_company(store)
    return store


@pytest.fixture
def service(store: MemoryStore, clock: MovingClock) -> SelfService:
    service = make_service(store, clock)
    add_clients(service)
    return service


def test_the_right_password_opens_a_session_for_the_users_partners(service: SelfService) -> None:
    result = service.login(" KZN ", PASSWORD, address="203.0.113.5")
    me = service.authenticate(result.token)
    assert (me.user_id, me.role, me.partner_ids) == ("kzn", Role.CLIENT, frozenset({"VOLGA-KZN"}))
    assert result.expires_at == START + timedelta(hours=8)
    assert me.session_id == token_digest(result.token)


def test_a_wrong_password_and_an_unknown_login_give_the_same_error(service: SelfService) -> None:
    with pytest.raises(AuthenticationError) as wrong_password:
        service.login("kzn", PASSWORD + "x")
    with pytest.raises(AuthenticationError) as unknown_login:
        service.login("nobody", PASSWORD)
    assert type(wrong_password.value) is type(unknown_login.value) is AuthenticationError
    assert str(wrong_password.value) == str(unknown_login.value)


def test_logins_are_refused_after_repeated_failures_even_with_the_right_password(
    service: SelfService, clock: MovingClock
) -> None:
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            service.login("kzn", "wrong password!")
    with pytest.raises(LoginThrottledError) as locked:
        service.login("kzn", PASSWORD)
    assert locked.value.details["retry_after"] == clock.now() + timedelta(minutes=15)
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(LoginThrottledError):
        service.login("kzn", PASSWORD)
    clock.advance(timedelta(seconds=1))
    assert service.authenticate(service.login("kzn", PASSWORD).token).user_id == "kzn"


def test_a_success_resets_the_count_of_failures(service: SelfService) -> None:
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            service.login("kzn", "wrong password!")
    service.login("kzn", PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            service.login("kzn", "wrong password!")
    service.login("kzn", PASSWORD)  # two failures again: not locked


def test_unknown_logins_are_throttled_too(service: SelfService) -> None:
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            service.login("ghost", PASSWORD)
    with pytest.raises(LoginThrottledError):
        service.login("ghost", PASSWORD)


def test_a_session_expires_after_its_time_to_live(service: SelfService, clock: MovingClock) -> None:
    token = service.login("kzn", PASSWORD).token
    clock.advance(timedelta(hours=8) - timedelta(seconds=1))
    assert service.authenticate(token).user_id == "kzn"
    clock.advance(timedelta(seconds=1))
    with pytest.raises(SessionExpiredError):
        service.authenticate(token)


def test_sessions_expired_longer_than_kept_are_purged_and_then_unknown(
    service: SelfService, store: MemoryStore, clock: MovingClock
) -> None:
    # Sessions last 8 hours. "old" and "ended" are logged in first; "fresh" 8 hours later.
    old = service.login("kzn", PASSWORD).token
    ended = service.login("cafe", PASSWORD).token
    service.logout(ended)
    clock.advance(timedelta(hours=8))
    fresh = service.login("kzn", PASSWORD).token
    assert service.purge_sessions(kept=timedelta(hours=1)) == 0  # expired, not an hour ago
    clock.advance(timedelta(hours=1))
    with pytest.raises(SessionExpiredError):
        service.authenticate(old)  # kept: still told it expired
    assert service.purge_sessions(kept=timedelta(hours=1)) == 2  # old and ended
    for token in (old, ended):
        with pytest.raises(AuthenticationError) as caught:
            service.authenticate(token)
        assert not isinstance(caught.value, SessionExpiredError)
        assert str(caught.value) == "the session token is not valid; log in"
    assert service.authenticate(fresh).user_id == "kzn"
    with store.unit_of_work() as uow:
        assert [s.id for s in uow.sessions.all()] == [token_digest(fresh)]
        purges = [r for r in uow.audit.all() if r.action == "sessions_purged"]
    assert [r.details for r in purges] == [{"count": "2"}]
    assert service.purge_sessions() == 0  # the default keeps 30 days
    with pytest.raises(InvalidInputError, match=r"^kept must be zero or more, got -1 day"):
        service.purge_sessions(kept=timedelta(days=-1))


def test_an_unknown_token_and_a_logged_out_one_are_refused(service: SelfService) -> None:
    token = service.login("kzn", PASSWORD).token
    with pytest.raises(AuthenticationError):
        service.authenticate(token + "x")
    service.logout(token)
    with pytest.raises(SessionExpiredError):
        service.authenticate(token)


def test_a_password_change_needs_the_old_one_and_ends_the_other_sessions(
    service: SelfService,
) -> None:
    here = service.login("kzn", PASSWORD)
    elsewhere = service.login("kzn", PASSWORD).token
    me = service.authenticate(here.token)
    with pytest.raises(AuthenticationError):
        service.change_password(me, "not the password", "a brand new secret")
    with pytest.raises(InvalidInputError):
        service.change_password(me, PASSWORD, "short")
    service.change_password(me, PASSWORD, "a brand new secret")
    assert service.authenticate(here.token).user_id == "kzn"
    with pytest.raises(SessionExpiredError):
        service.authenticate(elsewhere)
    with pytest.raises(AuthenticationError):
        service.login("kzn", PASSWORD)
    service.login("kzn", "a brand new secret")


def test_nothing_is_stored_in_clear(service: SelfService, store: MemoryStore) -> None:
    token = service.login("kzn", PASSWORD, address="198.51.100.7").token
    stored = json.dumps(
        {name: [dumps(x) for x in rows.values()] for name, rows in store.tables.items()}
    )
    assert PASSWORD not in stored
    assert token not in stored
    assert token_digest(token) in stored  # the session is found by the token's digest


def test_password_hashes_are_salted_and_not_reusable_across_users(store: MemoryStore) -> None:
    service = make_service(store, MovingClock())
    service.add_user("one", PASSWORD, Role.CLIENT, partner_ids=["CAFE"])
    service.add_user("two", PASSWORD, Role.CLIENT, partner_ids=["CAFE"])
    with store.unit_of_work() as uow:
        one, two = uow.users.get("one"), uow.users.get("two")
        assert PASSWORD not in one.password_hash
        assert one.password_hash != two.password_hash
        assert FAST_HASHER.verify(one.password_hash, PASSWORD)
        assert not FAST_HASHER.verify(one.password_hash, PASSWORD + "!")
        # Each hash carries its own random salt: one user's hash says nothing of
        # another's, even for the same password.
        assert one.password_hash.split("$")[-2] != two.password_hash.split("$")[-2]


def test_a_short_password_is_refused_when_a_user_is_added(store: MemoryStore) -> None:
    service = make_service(store, MovingClock())
    with pytest.raises(InvalidInputError, match="at least 10 characters"):
        service.add_user("x", "short", Role.CLIENT, partner_ids=["CAFE"])


def test_a_blocked_user_cannot_log_in(service: SelfService, store: MemoryStore) -> None:
    import attrs

    with store.unit_of_work() as uow:
        uow.users.save(attrs.evolve(uow.users.get("kzn"), active=False))
        uow.commit()
    with pytest.raises(AuthenticationError):
        service.login("kzn", PASSWORD)
