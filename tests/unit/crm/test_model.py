"""Sales processes and deals: simple and regulated modes, closing, refusals."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from tests.unit.crm._fixtures import DAY, KIND

from salescore.crm import (
    DealParticipant,
    DealStatus,
    ParticipantRole,
    ProcessKind,
    ProcessMode,
    Stage,
    SupportingDocument,
    TaskTemplate,
    add_participant,
    complete_task,
    link_order,
    link_proposal,
    lose_deal,
    map_environment,
    move_deal,
    open_deal,
    win_deal,
)
from salescore.errors import CrmError
from salescore.money import Money
from salescore.parties import PartnerId, PartnerRelation, RelationKind

REGULATED = ProcessKind(
    "TENDER",
    "tender",
    (
        Stage(
            "qualification",
            (TaskTemplate("check the client", "analyst", 2), TaskTemplate("call", "ivanov", 1)),
        ),
        Stage("proposal", (TaskTemplate("send the proposal", "ivanov", 3),)),
    ),
    mode=ProcessMode.REGULATED,
    documents=(
        SupportingDocument("tender rules", "rules.pdf"),
        SupportingDocument("proposal template", "offer.docx", "proposal"),
    ),
)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def test_a_regulated_stage_creates_tasks_with_due_dates_for_its_executors() -> None:
    deal = open_deal(REGULATED, "T-1", "CAFE", "ivanov", rub("5000.00"), DAY)
    assert [(t.task_id, t.executor, t.due) for t in deal.open_tasks()] == [
        ("qualification/1", "analyst", date(2026, 3, 4)),
        ("qualification/2", "ivanov", date(2026, 3, 3)),
    ]


def test_a_regulated_process_advances_when_the_tasks_of_its_stage_are_done() -> None:
    deal = open_deal(REGULATED, "T-1", "CAFE", "ivanov", rub("5000.00"), DAY)
    deal = complete_task(deal, REGULATED, "qualification/2", date(2026, 3, 3))
    assert deal.stage == "qualification"  # one task still open
    deal = complete_task(deal, REGULATED, "qualification/1", date(2026, 3, 4))
    assert deal.stage == "proposal"
    assert deal.visits[0].left == date(2026, 3, 4)
    assert [(t.task_id, t.due) for t in deal.open_tasks()] == [("proposal/3", date(2026, 3, 7))]
    deal = complete_task(deal, REGULATED, "proposal/3", date(2026, 3, 6))
    assert deal.stage == "proposal"  # the last stage waits to be won or lost
    assert win_deal(deal, REGULATED, date(2026, 3, 8)).status is DealStatus.WON


def test_a_regulated_deal_cannot_be_moved_by_hand() -> None:
    deal = open_deal(REGULATED, "T-1", "CAFE", "ivanov", rub("5000.00"), DAY)
    with pytest.raises(CrmError, match="complete_task"):
        move_deal(deal, REGULATED, "proposal", DAY)


def test_a_task_of_another_stage_or_done_twice_is_refused() -> None:
    deal = open_deal(REGULATED, "T-1", "CAFE", "ivanov", rub("5000.00"), DAY)
    with pytest.raises(CrmError, match="no task 'proposal/1'"):
        complete_task(deal, REGULATED, "proposal/1", DAY)
    done = complete_task(deal, REGULATED, "qualification/1", DAY)
    with pytest.raises(CrmError, match="already done"):
        complete_task(done, REGULATED, "qualification/1", DAY)


def test_a_regulated_stage_without_tasks_is_refused() -> None:
    with pytest.raises(CrmError, match="could never advance"):
        ProcessKind("X", "x", (Stage("a"),), mode=ProcessMode.REGULATED)


def test_documents_of_a_stage_include_the_whole_process_ones() -> None:
    titles = [d.title for d in REGULATED.documents_of("proposal")]
    assert titles == ["tender rules", "proposal template"]
    assert [d.title for d in REGULATED.documents_of("qualification")] == ["tender rules"]


def test_a_simple_deal_moves_by_hand_and_keeps_its_visits() -> None:
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", rub("100.00"), DAY)
    deal = move_deal(deal, KIND, "proposal", date(2026, 3, 5))
    deal = move_deal(deal, KIND, "qualification", date(2026, 3, 6))  # back, by hand
    assert [(v.stage, v.days) for v in deal.visits] == [
        ("qualification", 3),
        ("proposal", 1),
        ("qualification", None),
    ]


def test_a_lost_deal_keeps_its_stage_and_reason_and_cannot_move_again() -> None:
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", rub("100.00"), DAY)
    lost = lose_deal(deal, KIND, "  competitor  ", date(2026, 3, 3))
    assert (lost.status, lost.stage, lost.lost_reason, lost.cycle_days) == (
        DealStatus.LOST,
        "qualification",
        "competitor",
        1,
    )
    with pytest.raises(CrmError, match="closed deal cannot be moved"):
        move_deal(lost, KIND, "proposal", date(2026, 3, 4))
    with pytest.raises(CrmError, match="without a reason"):
        lose_deal(deal, KIND, " ", date(2026, 3, 3))


def test_dates_before_the_current_stage_and_unknown_stages_are_refused() -> None:
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", rub("100.00"), DAY)
    with pytest.raises(CrmError, match="before that"):
        win_deal(deal, KIND, date(2026, 3, 1))
    with pytest.raises(CrmError, match="has no stage 'contract'"):
        move_deal(deal, KIND, "contract", DAY)
    with pytest.raises(CrmError, match="not 'TENDER'"):
        move_deal(deal, REGULATED, "proposal", DAY)
    with pytest.raises(CrmError, match="negative"):
        open_deal(KIND, "D-2", "CAFE", "ivanov", rub("-1.00"), DAY)


def test_links_to_proposals_and_orders_are_kept_once() -> None:
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", rub("100.00"), DAY)
    deal = link_order(link_proposal(link_proposal(deal, "Q-1"), "Q-1"), "SO-1")
    assert (deal.proposal_ids, deal.order_ids) == (("Q-1",), ("SO-1",))


def test_deals_are_frozen_values_that_pickle_and_compare() -> None:
    deal = open_deal(REGULATED, "T-1", "CAFE", "ivanov", rub("5000.00"), DAY)
    assert pickle.loads(pickle.dumps(deal)) == deal
    assert pickle.loads(pickle.dumps(REGULATED)) == REGULATED
    records = deal.to_records()
    assert records[0]["amount"] == rub("5000.00").amount
    assert "<table>" in deal._repr_html_()


def test_a_deals_environment_records_roles_and_refuses_the_client_and_repeats() -> None:
    rival = DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR, "5 % cheaper")
    deal = open_deal(KIND, "D-1", "CAFE", "ivanov", Money(100, "RUB"), DAY, environment=[rival])
    deal = add_participant(deal, DealParticipant("BUILDER", ParticipantRole.SUBCONTRACTOR))
    deal = add_participant(deal, DealParticipant("TEAHOUSE", ParticipantRole.INFLUENCER))
    assert deal.participants(ParticipantRole.COMPETITOR) == ("TEAHOUSE",)
    assert deal.participants(ParticipantRole.INFLUENCER) == ("TEAHOUSE",)
    assert deal.participants(ParticipantRole.SUBCONTRACTOR) == ("BUILDER",)
    with pytest.raises(CrmError, match="listed twice as competitor"):
        add_participant(deal, DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR))
    with pytest.raises(CrmError, match="cannot be in its own deal's environment"):
        add_participant(deal, DealParticipant("CAFE", ParticipantRole.INFLUENCER))
    with pytest.raises(CrmError, match="DealParticipant values"):
        open_deal(KIND, "D-2", "CAFE", "ivanov", Money(1, "RUB"), DAY, environment=["X"])  # type: ignore[list-item]


def test_the_environment_map_keeps_only_relations_among_the_client_and_participants() -> None:
    deal = open_deal(
        KIND, "D-1", "CAFE", "ivanov", Money(100, "RUB"), DAY,
        environment=[DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR),
                     DealParticipant("MAYOR", ParticipantRole.INFLUENCER)],
    )  # fmt: skip
    relations = [
        PartnerRelation("R3", PartnerId("MAYOR"), PartnerId("CAFE"), RelationKind.INFLUENCER),
        PartnerRelation(
            "R1", PartnerId("TEAHOUSE"), PartnerId("MAYOR"), RelationKind.OTHER, "cousins"
        ),
        PartnerRelation("R2", PartnerId("TEAHOUSE"), PartnerId("ELSEWHERE"), RelationKind.HOLDING),
        PartnerRelation("R4", PartnerId("BAKERY"), PartnerId("CAFE"), RelationKind.SUBSIDIARY),
    ]
    environment = map_environment(deal, relations)
    assert [r.id for r in environment.relations] == ["R1", "R3"]
    assert [(r["section"], r["partner"], r["to_partner"]) for r in environment.to_records()] == [
        ("participant", "TEAHOUSE", None),
        ("participant", "MAYOR", None),
        ("relation", "TEAHOUSE", "MAYOR"),
        ("relation", "MAYOR", "CAFE"),
    ]
    assert pickle.loads(pickle.dumps(environment)) == environment
    assert "environment of deal D-1" in environment._repr_html_()
