"""The credit decision on an order, taken from the limits a store holds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER

from salescore.adapters.memory import MemoryStore
from salescore.adapters.memory.receivables import InMemorySettlementLedger
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import ContractId
from salescore.app.orders import credit_decision, settlement_account
from salescore.money import Currency, Money
from salescore.receivables import (
    ControlPoint,
    CreditLimit,
    EntryKind,
    LimitScope,
    SettlementAccount,
    SettlementEntry,
    Verdict,
    post_entries,
)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def stores(tmp_path: Path) -> list[MemoryStore | SqliteStore]:
    return [MemoryStore(), SqliteStore(tmp_path / "credit.sqlite")]


def test_an_orders_credit_decision_counts_its_partners_counterpartys_and_contracts_limits(
    tmp_path: Path,
) -> None:
    # The order's account: partner VOLGA, counterparty VOLGA-LLC, contract K-1. Limits of
    # other clients, and one for a contract that happens to be named VOLGA, play no part;
    # the three that do are reported in id order. The ledger is empty: the debt after the
    # order is the order's 1000.00.
    header = attrs.evolve(HEADER, contract_id=ContractId("K-1"))
    limits = [
        CreditLimit("P", LimitScope.PARTNER, "VOLGA", "RUB", max_debt=rub("100.00")),
        CreditLimit("C", LimitScope.COUNTERPARTY, "VOLGA-LLC", "RUB", max_debt=rub("200.00")),
        CreditLimit("K", LimitScope.CONTRACT, "K-1", "RUB", max_debt=rub("300.00")),
        CreditLimit("OTHER", LimitScope.PARTNER, "KAMA", "RUB", max_debt=rub("1.00")),
        CreditLimit("NAMED", LimitScope.CONTRACT, "VOLGA", "RUB", max_debt=rub("1.00")),
        CreditLimit("USD", LimitScope.PARTNER, "VOLGA", "USD", max_debt=Money("1.00", "USD")),
    ]
    for store in stores(tmp_path):
        with store.unit_of_work() as uow:
            for limit in limits:
                uow.credit_limits.add(limit)
            uow.commit()
        with store.unit_of_work() as uow:
            decision = credit_decision(
                uow, "ORD-1", header, rub("1000.00"), ControlPoint.ORDER, date(2026, 3, 2)
            )
        assert decision.verdict is Verdict.BLOCK
        assert [(b.limit_id, b.limit, b.after) for b in decision.breaches] == [
            ("C", "200.00 RUB", "1000.00 RUB"),
            ("K", "300.00 RUB", "1000.00 RUB"),
            ("P", "100.00 RUB", "1000.00 RUB"),
        ]


@pytest.mark.parametrize("point", [ControlPoint.QUOTE, ControlPoint.SHIPMENT])
def test_a_limit_not_checked_at_a_control_point_is_noted_not_applied(point: ControlPoint) -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.credit_limits.add(
            CreditLimit(
                "P",
                LimitScope.PARTNER,
                "VOLGA",
                "RUB",
                max_debt=rub("100.00"),
                control_points=frozenset({ControlPoint.ORDER}),
            )
        )
        uow.commit()
    with store.unit_of_work() as uow:
        decision = credit_decision(uow, "ORD-1", HEADER, rub("1000.00"), point, date(2026, 3, 2))
    assert decision.verdict is Verdict.ALLOW
    assert decision.notes == (f"limit P is not checked at {point.value}",)


def test_a_client_without_a_limit_of_its_own_is_allowed_without_reading_its_ledger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[str] = []
    items = InMemorySettlementLedger.open_item_columns

    def counted(repo: InMemorySettlementLedger, *args: Any, **kwargs: Any) -> Any:
        read.append(str(kwargs.get("partner_id")))
        return items(repo, *args, **kwargs)

    monkeypatch.setattr(InMemorySettlementLedger, "open_item_columns", counted)
    store = MemoryStore()
    with store.unit_of_work() as uow:
        # Not VOLGA's in roubles: another client's limit, and VOLGA's in dollars.
        uow.credit_limits.add(
            CreditLimit("OTHER", LimitScope.PARTNER, "KAMA", "RUB", max_debt=rub("1.00"))
        )
        uow.credit_limits.add(
            CreditLimit("USD", LimitScope.PARTNER, "VOLGA", "USD", max_debt=Money("1.00", "USD"))
        )
        uow.commit()
    on = date(2026, 3, 2)
    with store.unit_of_work() as uow:
        decision = credit_decision(uow, "ORD-1", HEADER, rub("1000.00"), ControlPoint.ORDER, on)
    assert (decision.verdict, decision.breaches, decision.notes) == (Verdict.ALLOW, (), ())
    assert read == []
    with store.unit_of_work() as uow:
        uow.credit_limits.add(
            CreditLimit("P", LimitScope.PARTNER, "VOLGA", "RUB", max_debt=rub("100.00"))
        )
        decision = credit_decision(uow, "ORD-1", HEADER, rub("1000.00"), ControlPoint.ORDER, on)
    assert decision.verdict is Verdict.BLOCK
    assert read == ["VOLGA"]


def test_a_debt_due_on_the_day_is_not_overdue_and_debts_in_other_currencies_are_not_counted(
    tmp_path: Path,
) -> None:
    # VOLGA owes 1000.00 due on the day of the check and 200.00 ten days overdue, in
    # roubles, and 50.00 dollars long overdue. Its rouble limit sees 1200.00 of debt,
    # 200.00 of it overdue by 10 days: with the order's 1000.00 the debt is 2200.00.
    on = date(2026, 3, 20)
    rub_account = settlement_account(HEADER)
    usd_account = attrs.evolve(rub_account, currency=Currency.of("USD"))

    def shipped(eid: str, account: SettlementAccount, due: date, amount: Money) -> SettlementEntry:
        return SettlementEntry(eid, EntryKind.SHIPMENT, account, "SO-1", eid, date(2026, 3, 1),
                               due, amount)  # fmt: skip

    entries = [
        shipped("TODAY", rub_account, on, rub("1000.00")),
        shipped("LATE", rub_account, on - timedelta(days=10), rub("200.00")),
        shipped("DOLLARS", usd_account, date(2026, 1, 1), Money("50.00", "USD")),
    ]
    limit = CreditLimit("P", LimitScope.PARTNER, "VOLGA", "RUB", max_debt=rub("1500.00"),
                        max_overdue_days=5, max_overdue_amount=rub("250.00"))  # fmt: skip
    for store in stores(tmp_path):
        with store.unit_of_work() as uow:
            uow.credit_limits.add(limit)
            post_entries(uow.settlements, entries)
            decision = credit_decision(uow, "ORD-2", HEADER, rub("1000.00"), ControlPoint.ORDER, on)
        assert [(b.figure, b.current, b.after) for b in decision.breaches] == [
            ("debt", "1200.00 RUB", "2200.00 RUB"),
            ("overdue days", "10", "10"),
        ]


def test_the_oldest_overdue_debt_of_an_account_gives_the_overdue_days(tmp_path: Path) -> None:
    # Two debts of one account, 20 and 5 days overdue: the account is 20 days overdue.
    on = date(2026, 3, 30)
    account = settlement_account(HEADER)
    entries = [
        SettlementEntry(f"E{days}", EntryKind.SHIPMENT, account, "SO-1", f"SH{days}",
                        date(2026, 3, 1), on - timedelta(days=days), rub("100.00"))
        for days in (20, 5)
    ]  # fmt: skip
    limit = CreditLimit("P", LimitScope.PARTNER, "VOLGA", "RUB", max_overdue_days=10)
    for store in stores(tmp_path):
        with store.unit_of_work() as uow:
            uow.credit_limits.add(limit)
            post_entries(uow.settlements, entries)
            decision = credit_decision(uow, "ORD-3", HEADER, rub("1.00"), ControlPoint.ORDER, on)
        assert [(b.figure, b.current) for b in decision.breaches] == [("overdue days", "20")]
