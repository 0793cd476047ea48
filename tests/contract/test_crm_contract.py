"""The CRM repository contract (process kinds, deals, interactions, claims),
held against every storage adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.unit.crm._fixtures import DAY, KIND, golden_open
from tests.unit.crm.test_model import REGULATED

from salescore.app.stores import Store
from salescore.crm import (
    Claim,
    DealId,
    DealParticipant,
    DealStatus,
    Interaction,
    InteractionKind,
    ParticipantRole,
    ProcessKindId,
    TaskStatus,
    Visit,
    VisitPurpose,
    complete_task,
    funnel,
    link_order,
    open_deal,
    plan_visits,
    record_visit,
    take_claim,
)
from salescore.errors import ConflictError
from salescore.money import Money

CALL = Interaction(
    "I-1", InteractionKind.CALL, datetime(2026, 3, 2, 10, 30, tzinfo=UTC), "BAR", "prices",
    ("Anna",), deal_id="O-1", outcome="interested", next_step="proposal",
    next_step_on=date(2026, 3, 4),
)  # fmt: skip
CLAIM = Claim("CL-1", "BAR", DAY, "late delivery", "petrov", date(2026, 3, 12), order_id="SO-1")


def test_process_kinds_and_deals_are_read_back_equal(store: Store) -> None:
    regulated = open_deal(REGULATED, "T-1", "CAFE", "ivanov", Money("5000.00", "RUB"), DAY)
    regulated = link_order(complete_task(regulated, REGULATED, "qualification/1", DAY), "SO-1")
    with store.unit_of_work() as uow:
        uow.process_kinds.add(KIND)
        uow.process_kinds.add(REGULATED)
        for deal in [*golden_open(), regulated]:
            uow.deals.add(deal)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.process_kinds.get(ProcessKindId("TENDER")) == REGULATED
        assert uow.deals.get(DealId("T-1")) == regulated
        stored = uow.deals.find_by("partner_id", "BAR")
        assert [d.deal_id for d in stored] == ["O-1", "O-2"]
        assert stored == golden_open()
        assert [d.id for d in uow.deals.find_by("status", DealStatus.OPEN)] == ["O-1", "O-2", "T-1"]
        assert funnel(uow.deals.all(), KIND).stages[1].entered == 2


def test_interactions_and_claims_are_read_back_and_found_by_partner(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.interactions.add(CALL)
        uow.claims.add(CLAIM)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.interactions.find_by("partner_id", "BAR") == [CALL]
        assert uow.interactions.find_by("deal_id", "O-1") == [CALL]
        uow.claims.save(take_claim(uow.claims.get("CL-1"), date(2026, 3, 3)))
        uow.commit()
    with store.unit_of_work() as uow:
        assert [c.status.value for c in uow.claims.find_by("partner_id", "BAR")] == ["in_work"]


def test_a_deal_id_is_stored_once_and_a_failed_unit_of_work_writes_nothing(store: Store) -> None:
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", Money("1.00", "RUB"), DAY)
    with store.unit_of_work() as uow:
        uow.deals.add(deal)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.claims.add(CLAIM)
        with pytest.raises(ConflictError):
            uow.deals.add(deal)
    with store.unit_of_work() as uow:
        assert len(uow.deals) == 1
        assert uow.claims.find("CL-1") is None


def test_representative_tasks_and_deal_environments_are_read_back_equal(store: Store) -> None:
    task = record_visit(
        plan_visits("T-1", "sidorov", DAY, ["CAFE", Visit("BAR", VisitPurpose.VISIT)]),
        "CAFE", DAY, "ordered", order_id="SO-1",
    )  # fmt: skip
    deal = open_deal(
        KIND, "D-9", "CAFE", "ivanov", Money("10.00", "RUB"), DAY,
        environment=[DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR, "5 % cheaper")],
    )  # fmt: skip
    with store.unit_of_work() as uow:
        uow.representative_tasks.add(task)
        uow.deals.add(deal)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.representative_tasks.get("T-1") == task
        assert uow.representative_tasks.find_by("representative", "sidorov") == [task]
        assert uow.representative_tasks.find_by("status", TaskStatus.PLANNED) == [task]
        assert uow.deals.get(DealId("D-9")) == deal
        assert uow.deals.get(DealId("D-9")).participants(ParticipantRole.COMPETITOR) == (
            "TEAHOUSE",
        )
