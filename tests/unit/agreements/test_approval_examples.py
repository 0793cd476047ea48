"""Approval, by example: the whole process value, its tasks and its dated history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salescore.agreements import (
    Agreement,
    AgreementId,
    ApprovalEvent,
    ApprovalId,
    ApprovalPolicy,
    ApprovalProcess,
    ApprovalPurpose,
    ApprovalRule,
    ApprovalStatus,
    ApprovalTask,
    Decision,
    Deviation,
    DeviationKind,
    Severity,
    start_agreement_approval,
    start_approval,
)
from salescore.errors import ApprovalError
from salescore.money import Money

STARTED = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


def cut(amount: str) -> Deviation:
    return Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE,
        Severity.APPROVAL,
        f"price cut {amount}",
        amount=Money(amount, "RUB"),
    )


WAREHOUSE = Deviation(DeviationKind.WAREHOUSE_CHANGED, Severity.APPROVAL, "other warehouse")


def test_an_agreement_approval_is_a_pending_process_with_one_task_per_approver() -> None:
    draft = Agreement.typical(AgreementId("TA"), "Draft", valid_from=date(2026, 1, 1))
    process = start_agreement_approval(
        ApprovalId("AP-7"), draft, ("head", "cfo"), STARTED, "petrov"
    )
    assert process == ApprovalProcess(
        ApprovalId("AP-7"),
        "typical agreement 'TA'",
        AgreementId("TA"),
        (),
        (
            ApprovalTask("cfo", ("agreement approval",)),
            ApprovalTask("head", ("agreement approval",)),
        ),
        (
            ApprovalEvent(STARTED, "petrov", "started", "approval of typical agreement 'TA'"),
            ApprovalEvent(STARTED, "petrov", "task created", "for cfo"),
            ApprovalEvent(STARTED, "petrov", "task created", "for head"),
        ),
        ApprovalStatus.PENDING,
        ApprovalPurpose.AGREEMENT,
    )


def test_a_sale_approval_keeps_its_agreement_deviations_and_dated_history() -> None:
    policy = ApprovalPolicy(
        (
            ApprovalRule("any", ("head",)),
            ApprovalRule("logistics", ("head", "logistician"), frozenset({WAREHOUSE.kind})),
        )
    )
    process = start_approval(
        ApprovalId("AP-1"),
        "order SO-1",
        (cut("10.00"), WAREHOUSE),
        policy,
        STARTED,
        "petrov",
        AgreementId("IA"),
    )
    assert process == ApprovalProcess(
        ApprovalId("AP-1"),
        "order SO-1",
        AgreementId("IA"),
        (cut("10.00"), WAREHOUSE),
        (
            ApprovalTask("head", ("any", "logistics")),
            ApprovalTask("logistician", ("logistics",)),
        ),
        (
            ApprovalEvent(STARTED, "petrov", "started", "2 deviation(s)"),
            ApprovalEvent(STARTED, "petrov", "task created", "for head: any, logistics"),
            ApprovalEvent(STARTED, "petrov", "task created", "for logistician: logistics"),
        ),
        ApprovalStatus.PENDING,
        ApprovalPurpose.SALE,
    )


def test_a_sale_needing_no_approval_is_approved_at_once_by_its_initiator() -> None:
    warning = Deviation(DeviationKind.DELIVERY_SOONER, Severity.WARNING, "sooner")
    policy = ApprovalPolicy((ApprovalRule("any", ("head",)),))
    process = start_approval(ApprovalId("AP"), "order SO-2", (warning,), policy, STARTED, "petrov")
    assert process.status is ApprovalStatus.APPROVED
    assert process.history == (
        ApprovalEvent(STARTED, "petrov", "started", "1 deviation(s)"),
        ApprovalEvent(STARTED, "petrov", "process approved", "no deviation needs approval"),
    )


def test_a_rule_that_does_not_apply_leaves_the_later_rules_to_ask() -> None:
    # The first rule covers only warehouse changes; the price cut is the second rule's.
    policy = ApprovalPolicy(
        (
            ApprovalRule("logistics", ("logistician",), frozenset({WAREHOUSE.kind})),
            ApprovalRule("prices", ("cfo",), frozenset({DeviationKind.PRICE_BELOW_REFERENCE})),
        )
    )
    assert policy.required((cut("1.00"),)) == {"cfo": ("prices",)}


def test_a_decision_is_kept_on_the_task_and_in_the_history_with_its_time() -> None:
    policy = ApprovalPolicy((ApprovalRule("any", ("cfo", "head")),))
    process = start_approval(ApprovalId("AP"), "order SO-1", (cut("1.00"),), policy, STARTED, "p")
    process = process.decide("head", Decision.APPROVE, LATER)
    assert process.tasks[1] == ApprovalTask("head", ("any",), Decision.APPROVE, "", LATER)
    assert process.history[-1] == ApprovalEvent(LATER, "head", "approve", "")
    process = process.decide("cfo", Decision.REJECT, LATER, "too deep a cut")
    assert process.tasks[0] == ApprovalTask(
        "cfo", ("any",), Decision.REJECT, "too deep a cut", LATER
    )
    assert process.history[-2:] == (
        ApprovalEvent(LATER, "cfo", "reject", "too deep a cut"),
        ApprovalEvent(LATER, "cfo", "process rejected", ""),
    )


def test_the_last_approval_closes_the_process_at_its_time() -> None:
    policy = ApprovalPolicy((ApprovalRule("any", ("head",)),))
    process = start_approval(ApprovalId("AP"), "order SO-1", (cut("1.00"),), policy, STARTED, "p")
    process = process.decide("head", Decision.APPROVE, LATER, "fine")
    assert process.history[-2:] == (
        ApprovalEvent(LATER, "head", "approve", "fine"),
        ApprovalEvent(LATER, "head", "process approved", ""),
    )


def test_a_decision_by_someone_not_asked_names_everyone_who_was() -> None:
    policy = ApprovalPolicy((ApprovalRule("any", ("cfo", "head")),))
    process = start_approval(ApprovalId("AP"), "order SO-1", (cut("1.00"),), policy, STARTED, "p")
    with pytest.raises(
        ApprovalError, match=r"was not asked to approve; the approvers are cfo, head$"
    ):
        process.decide("ivanova", Decision.APPROVE, LATER)


def test_the_deciding_comment_replaces_a_note_the_open_task_held() -> None:
    # A process rebuilt from storage (or by hand) may hold a note on an open task; the
    # decision's own comment is what the decided task keeps.
    process = ApprovalProcess(
        ApprovalId("AP"),
        "order SO-1",
        None,
        (),
        (ApprovalTask("head", ("any",), comment="call the client first"),),
        (),
    )
    decided = process.decide("head", Decision.APPROVE, LATER, "called, fine")
    assert decided.tasks == (
        ApprovalTask("head", ("any",), Decision.APPROVE, "called, fine", LATER),
    )
