"""The credit decision on an order, taken from the limits a store holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from tests.unit.orders._fixtures import HEADER

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import ContractId
from salescore.app import orders as orders_use_cases
from salescore.app.orders import credit_decision
from salescore.money import Money
from salescore.receivables import (
    ControlPoint,
    CreditLimit,
    LimitScope,
    Verdict,
    load_ledger,
)
from salescore.receivables.ports import SettlementLedgerRepository


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

    def counted(repo: SettlementLedgerRepository, *, partner_id: str | None = None) -> Any:
        read.append(str(partner_id))
        return load_ledger(repo, partner_id=partner_id)

    monkeypatch.setattr(orders_use_cases, "load_ledger", counted)
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
