"""A client places an order from its agreement, follows it and sees its debt."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.unit.selfservice._fixtures import (
    MovingClock,
    add_clients,
    client_service,
    load_company,
    log_in,
    make_service,
)

from salescore.app.selfservice import SelfService
from salescore.app.stores import Store
from salescore.errors import NotFoundError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    post_entries,
)


@pytest.fixture
def service(store: Store) -> SelfService:
    return client_service(store)


def test_a_client_places_an_order_priced_by_its_agreement_and_follows_it(
    service: SelfService,
) -> None:
    kzn = log_in(service, "kzn")
    placed = service.place_order(kzn, "IA-VOLGA-KZN", [("CM-100", 5)], address="203.0.113.5")
    header = placed.order.header
    assert (header.partner_id, header.counterparty_id, header.organization_id) == (
        "VOLGA-KZN",
        "KZN-LLC",
        "ORG-1",
    )
    assert header.contract_id == "K-KZN-1"
    assert placed.order.prices is not None
    assert str(placed.order.prices.lines[0].unit_price) == "18300.00 RUB"
    assert placed.state.label == "not confirmed"
    assert [o.id for o in service.list_orders(kzn)] == [placed.id]
    assert service.list_orders(kzn)[0].total == Money("91500.00", "RUB")
    again = service.get_order(kzn, placed.id)
    assert again.order == placed.order
    assert again.to_records()[0]["net"] == Decimal("91500.00")


def test_another_clients_order_is_not_found_as_a_missing_one_is(service: SelfService) -> None:
    placed = service.place_order(log_in(service, "kzn"), "IA-VOLGA-KZN", [("CM-100", 1)])
    cafe = log_in(service, "cafe")
    with pytest.raises(NotFoundError) as foreign:
        service.get_order(cafe, placed.id)
    with pytest.raises(NotFoundError) as missing:
        service.get_order(cafe, "ORG-1-2026-999999")
    assert str(foreign.value).replace(placed.id, "#") == str(missing.value).replace(
        "ORG-1-2026-999999", "#"
    )
    assert service.list_orders(cafe) == []


def test_a_client_sees_its_debt_and_overdue_part(service: SelfService, store: Store) -> None:
    account = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1", "K-KZN-1")
    with store.unit_of_work() as uow:
        post_entries(
            uow.settlements,
            [
                SettlementEntry("E1", EntryKind.SHIPMENT, account, "SO-1", "SHIP-1",
                                date(2026, 3, 1), date(2026, 3, 10), Money("1000.00", "RUB")),
                SettlementEntry("E2", EntryKind.SHIPMENT, account, "SO-2", "SHIP-2",
                                date(2026, 3, 2), date(2026, 3, 30), Money("500.00", "RUB")),
            ],
        )  # fmt: skip
        uow.settlements.add_payment(
            Payment("PAY-1", account, date(2026, 3, 11), Money("300.00", "RUB"))
        )
        uow.commit()
    with store.unit_of_work() as uow:
        from salescore.receivables import reallocate

        reallocate(uow.settlements, account)
        uow.commit()
    debt = service.my_debt(log_in(service, "kzn"))
    [line] = debt.lines
    # The payment pays the oldest due first: 700.00 of E1 is overdue, E2 is not yet due.
    assert (line.debt, line.overdue, line.balance) == (
        Money("1200.00", "RUB"),
        Money("700.00", "RUB"),
        Money("1200.00", "RUB"),
    )
    assert service.my_debt(log_in(service, "cafe")).lines == ()
    with pytest.raises(NotFoundError):
        service.my_debt(log_in(service, "cafe"), partner_id="VOLGA-KZN")


def test_a_self_service_order_gets_the_discounts_and_prices_the_back_office_would_give(
    store: Store,
) -> None:
    from salescore.app.discount_rules import save_rule_set
    from salescore.app.orders import create_order
    from salescore.app.sales import load_pricer
    from salescore.demo.sample_agreements import VOLGA_KZN_HEADER
    from salescore.demo.sample_discounts import sample_rule_set
    from salescore.orders import DocumentLine, LineId
    from salescore.parties import ProductId

    load_company(store)
    with store.unit_of_work() as uow:
        save_rule_set(uow, sample_rule_set())
        uow.commit()
    service = make_service(store, MovingClock())
    add_clients(service)
    placed = service.place_order(log_in(service, "kzn"), "IA-VOLGA-KZN", [("CM-100", 5)])
    assert placed.order.prices is not None
    [line] = placed.order.prices.lines
    assert {"SPRING", "FIFTH-FREE"} <= set(line.rule_ids)  # March sale, the fifth one free
    assert line.net == line.gross - line.discount
    assert line.discount.is_positive()
    with store.unit_of_work() as uow:  # the back office's own use case, same day and lines
        day = placed.order.on
        office = create_order(
            uow,
            load_pricer(uow, [day]),
            VOLGA_KZN_HEADER,
            day,
            [DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5))],
        )
    assert office.prices is not None
    assert office.prices.lines == placed.order.prices.lines
    assert placed.order.header == VOLGA_KZN_HEADER


def test_an_order_from_another_warehouse_waits_for_approval_started_by_the_policy(
    store: Store,
) -> None:
    from salescore.agreements import (
        ApprovalId,
        ApprovalPolicy,
        ApprovalRule,
        ApprovalStatus,
        DeviationKind,
    )

    rule = ApprovalRule("warehouse", ("ivanova",), frozenset({DeviationKind.WAREHOUSE_CHANGED}))
    service = client_service(store, approval_policy=ApprovalPolicy((rule,)))
    kzn = log_in(service, "kzn")
    usual = service.place_order(kzn, "IA-VOLGA-KZN", [("CM-100", 1)])
    assert usual.order.approval_id is None
    assert not service.list_orders(kzn)[0].awaiting_approval
    placed = service.place_order(kzn, "IA-VOLGA-KZN", [("CM-100", 1)], warehouse_id="STORE-1")
    assert placed.order.prices is not None
    [deviation] = placed.order.prices.awaiting_approval
    assert deviation.kind is DeviationKind.WAREHOUSE_CHANGED
    assert placed.order.approval_id == f"{placed.id}/approval"
    assert placed.state.label == "waiting for approval"
    with store.unit_of_work() as uow:
        process = uow.approvals.get(ApprovalId(placed.order.approval_id))
        assert (process.status, process.pending_approvers) == (ApprovalStatus.PENDING, ("ivanova",))
    summary = next(o for o in service.list_orders(kzn) if o.id == placed.id)
    assert summary.awaiting_approval
    with pytest.raises(NotFoundError):
        service.place_order(kzn, "IA-VOLGA-KZN", [("CM-100", 1)], warehouse_id="NOWHERE")


def test_without_a_policy_an_order_needing_approval_is_stored_waiting(store: Store) -> None:
    service = client_service(store)
    kzn = log_in(service, "kzn")
    placed = service.place_order(kzn, "IA-VOLGA-KZN", [("CM-100", 1)], warehouse_id="STORE-1")
    assert placed.order.approval_id is None
    assert service.list_orders(kzn)[0].awaiting_approval
