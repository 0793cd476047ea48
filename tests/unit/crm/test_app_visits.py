"""Use cases: a representative's visit that took an order, a deal's stored environment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.unit.crm._fixtures import DAY, KIND

from salescore.adapters.memory import MemoryStore
from salescore.agreements import AgreementId
from salescore.app.crm import deal_environment, report_visit
from salescore.app.orders import create_order
from salescore.app.sales import load_pricer
from salescore.crm import (
    DealId,
    DealParticipant,
    ParticipantRole,
    TaskStatus,
    open_deal,
    plan_visits,
)
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import load_sample_prices
from salescore.errors import CrmError, NotFoundError
from salescore.money import Money
from salescore.orders import DocumentHeader, DocumentLine, LineId
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    PartnerRelation,
    ProductId,
    RelationKind,
)

ON = date(2026, 3, 12)


def test_a_visit_records_the_order_taken_from_the_visited_client_only() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        pricer = load_pricer(uow, [ON])
        header = DocumentHeader(
            PartnerId("VOLGA-KZN"), CounterpartyId("KZN-LLC"), OrganizationId("ORG-1"),
            AgreementId("IA-VOLGA-KZN"), "RUB",
        )  # fmt: skip
        uow.representative_tasks.add(plan_visits("T-1", "sidorov", ON, ["VOLGA-KZN", "CAFE"]))
        line = DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5))
        order = create_order(uow, pricer, header, ON, [line], basis="T-1")
        with pytest.raises(CrmError, match="is 'VOLGA-KZN''s, not 'CAFE''s"):
            report_visit(uow, "T-1", "CAFE", ON, "ordered", order_id=order.id)
        with pytest.raises(CrmError, match="'SO-404' taken on task 'T-1' is not stored"):
            report_visit(uow, "T-1", "VOLGA-KZN", ON, "ordered", order_id="SO-404")
        with pytest.raises(NotFoundError):
            report_visit(uow, "T-9", "VOLGA-KZN", ON, "ordered")
        report_visit(uow, "T-1", "VOLGA-KZN", ON, "ordered coffee machines", order_id=order.id)
        done = report_visit(uow, "T-1", "CAFE", ON, "no order: stock is full")
        assert uow.representative_tasks.get("T-1") == done
    assert done.status is TaskStatus.DONE
    assert done.order_ids() == (order.id,)
    assert order.basis == "T-1"


def test_a_deals_environment_reads_the_stored_relations_of_its_members() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.deals.add(
            open_deal(
                KIND, "D-1", "CAFE", "ivanov", Money(100, "RUB"), DAY,
                environment=[DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR)],
            )
        )  # fmt: skip
        links = [
            ("R1", "TEAHOUSE", "CAFE", RelationKind.INFLUENCER),
            ("R2", "CAFE", "TEAHOUSE", RelationKind.COMPETITOR_OF),
            ("R3", "TEAHOUSE", "BAKERY", RelationKind.HOLDING),
        ]
        for key, one, other, kind in links:
            uow.relations.add(PartnerRelation(key, PartnerId(one), PartnerId(other), kind))
        environment = deal_environment(uow, DealId("D-1"))
        with pytest.raises(NotFoundError):
            deal_environment(uow, DealId("D-9"))
    assert [r.id for r in environment.relations] == ["R1", "R2"]
