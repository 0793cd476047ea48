"""The self-service collections (users, sessions, login throttles, audit, purchase
plans) and bank accounts, held against every storage adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from salescore.app.stores import Store
from salescore.errors import ConflictError
from salescore.parties import BankAccount, BankAccountId, CounterpartyId, PartnerId
from salescore.selfservice import (
    AuditRecord,
    LoginThrottle,
    PurchasePlan,
    Role,
    Session,
    UserAccount,
)

AT = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
USER = UserAccount("anna", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", Role.CLIENT, {"CAFE"})
MANAGER = UserAccount("ivanov", "$argon2id$x", Role.MANAGER, manager="ivanov")
SESSION = Session("d" * 64, "anna", AT, AT + timedelta(hours=8), "203.0.113.5")
AUDIT = AuditRecord(
    "20260312T093000.000000-0a1b2c3d", AT, "anna", "client", "save_contact", "contact K2",
    "CAFE", "203.0.113.5", {"phone": "'' -> '+7 900'"},
)  # fmt: skip
PLAN = PurchasePlan(
    "PP-1", PartnerId("CAFE"), date(2026, 4, 1), date(2026, 6, 30),
    [("CM-100", Decimal("10.5")), ("BEANS-1", 3)], date(2026, 3, 12), "spring",
)  # fmt: skip
ACCOUNT = BankAccount(
    BankAccountId("BA-1"), PartnerId("CAFE"), CounterpartyId("CAFE-IE"), "044525225",
    "40817810738000000002", "Sberbank", "30101810400000000225",
)  # fmt: skip


def test_self_service_records_are_read_back_equal_and_found_by_their_fields(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.users.add(USER)
        uow.users.add(MANAGER)
        uow.sessions.add(SESSION)
        uow.login_throttles.save(LoginThrottle("ghost", 2, AT))
        uow.audit.add(AUDIT)
        uow.purchase_plans.add(PLAN)
        uow.bank_accounts.add(ACCOUNT)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.users.get("anna") == USER
        assert uow.users.find_by("role", Role.MANAGER) == [MANAGER]
        assert uow.users.find_by("manager", "ivanov") == [MANAGER]
        assert uow.sessions.find_by("user_id", "anna") == [SESSION]
        assert uow.login_throttles.get("ghost") == LoginThrottle("ghost", 2, AT)
        assert uow.audit.find_by("partner_id", "CAFE") == [AUDIT]
        assert uow.audit.find_by("user_id", "anna", action="save_contact") == [AUDIT]
        assert uow.purchase_plans.find_by("partner_id", "CAFE") == [PLAN]
        assert uow.bank_accounts.find_by("counterparty_id", "CAFE-IE") == [ACCOUNT]
        assert uow.bank_accounts.find_by("partner_id", "VOLGA-KZN") == []


def test_a_session_ended_and_a_throttle_lifted_are_stored(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.sessions.add(SESSION)
        uow.login_throttles.save(LoginThrottle("anna", 3, AT, AT + timedelta(minutes=15)))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.sessions.save(attrs.evolve(SESSION, ended=True))
        uow.login_throttles.remove("anna")
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.sessions.get(SESSION.id).ended
        assert uow.login_throttles.find("anna") is None


def test_an_audit_record_is_written_once_and_a_failed_unit_of_work_keeps_nothing(
    store: Store,
) -> None:
    with store.unit_of_work() as uow:
        uow.audit.add(AUDIT)
        uow.commit()
    with pytest.raises(ConflictError), store.unit_of_work() as uow:
        uow.audit.add(attrs.evolve(AUDIT, action="other"))
    with store.unit_of_work() as uow:
        uow.audit.add(attrs.evolve(AUDIT, id="later"))  # left without commit: rolled back
    with store.unit_of_work() as uow:
        assert uow.audit.all() == [AUDIT]
