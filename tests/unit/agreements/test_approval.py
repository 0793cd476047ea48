"""The approval process: who must approve, decisions, outcome and history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    ApprovalId,
    ApprovalPolicy,
    ApprovalProcess,
    ApprovalPurpose,
    ApprovalRule,
    ApprovalStatus,
    Decision,
    Deviation,
    DeviationKind,
    Severity,
    start_agreement_approval,
    start_approval,
)
from salescore.errors import ApprovalError
from salescore.money import Money

AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
POLICY = ApprovalPolicy(
    (
        ApprovalRule("any", ("head",)),
        ApprovalRule(
            "big-cut",
            ("cfo",),
            frozenset({DeviationKind.PRICE_BELOW_REFERENCE}),
            min_amount=Money("1000.00", "RUB"),
        ),
        ApprovalRule("logistics", ("logistician",), frozenset({DeviationKind.WAREHOUSE_CHANGED})),
    )
)


def cut(amount: str) -> Deviation:
    return Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE,
        Severity.APPROVAL,
        f"price cut {amount}",
        amount=Money(amount, "RUB"),
    )


WAREHOUSE = Deviation(DeviationKind.WAREHOUSE_CHANGED, Severity.APPROVAL, "other warehouse")


def start(*deviations: Deviation) -> ApprovalProcess:
    return start_approval(ApprovalId("AP"), "order SO-1", deviations, POLICY, AT, "petrov")


def test_rules_by_kind_and_amount_decide_who_must_approve() -> None:
    assert start(cut("999.99")).pending_approvers == ("head",)
    assert start(cut("600.00"), cut("400.00")).pending_approvers == ("cfo", "head")
    both = start(cut("5000.00"), WAREHOUSE)
    assert both.pending_approvers == ("cfo", "head", "logistician")
    assert {t.approver: t.reasons for t in both.tasks}["head"] == ("any",)


def test_the_process_is_approved_when_every_required_approver_approves() -> None:
    process = start(cut("5000.00"))
    process = process.decide("head", Decision.APPROVE, AT, "fine")
    assert process.status is ApprovalStatus.PENDING
    assert process.pending_approvers == ("cfo",)
    process = process.decide("cfo", Decision.APPROVE, AT)
    assert process.status is ApprovalStatus.APPROVED
    assert process.pending_approvers == ()


def test_the_first_rejection_rejects_the_process() -> None:
    process = start(cut("5000.00")).decide("cfo", Decision.REJECT, AT, "too deep a cut")
    assert process.status is ApprovalStatus.REJECTED
    assert process.pending_approvers == ()
    with pytest.raises(ApprovalError, match="is rejected already"):
        process.decide("head", Decision.APPROVE, AT)


def test_the_history_keeps_every_step_with_actor_and_comment() -> None:
    process = start(cut("5000.00"))
    process = process.decide("head", Decision.APPROVE, AT, "fine")
    process = process.decide("cfo", Decision.REJECT, AT, "too deep")
    assert [(e.actor, e.action, e.comment) for e in process.history] == [
        ("petrov", "started", "1 deviation(s)"),
        ("petrov", "task created", "for cfo: big-cut"),
        ("petrov", "task created", "for head: any"),
        ("head", "approve", "fine"),
        ("cfo", "reject", "too deep"),
        ("cfo", "process rejected", ""),
    ]
    assert {t.approver: t.decision for t in process.tasks} == {
        "cfo": Decision.REJECT,
        "head": Decision.APPROVE,
    }


def test_a_decision_by_someone_not_asked_is_refused_and_changes_nothing() -> None:
    process = start(cut("5.00"))
    with pytest.raises(ApprovalError, match="'ivanova' was not asked to approve; the approvers"):
        process.decide("ivanova", Decision.APPROVE, AT)
    assert process.status is ApprovalStatus.PENDING
    assert len(process.history) == 2


def test_an_approver_decides_once() -> None:
    process = start(cut("5000.00")).decide("head", Decision.APPROVE, AT)
    with pytest.raises(ApprovalError, match="'head' has decided already"):
        process.decide("head", Decision.REJECT, AT, "changed my mind")


def test_a_rejection_needs_a_comment() -> None:
    with pytest.raises(ApprovalError, match="a rejection needs a comment"):
        start(cut("5.00")).decide("head", Decision.REJECT, AT, "  ")


def test_a_sale_with_only_warnings_is_approved_at_once() -> None:
    warning = Deviation(DeviationKind.DELIVERY_SOONER, Severity.WARNING, "sooner")
    process = start(warning)
    assert process.status is ApprovalStatus.APPROVED
    assert process.tasks == ()
    assert process.history[-1].comment == "no deviation needs approval"


def test_a_blocking_deviation_cannot_be_approved() -> None:
    blocking = Deviation(DeviationKind.ORGANIZATION_CHANGED, Severity.BLOCKING, "other org")
    with pytest.raises(ApprovalError, match="order SO-1 cannot be approved: other org"):
        start(cut("5.00"), blocking)


def test_a_deviation_no_rule_covers_is_an_error_not_a_silent_pass() -> None:
    narrow = ApprovalPolicy((ApprovalRule("logistics", ("l",), frozenset({WAREHOUSE.kind})),))
    with pytest.raises(ApprovalError, match="no approval rule names an approver for: price cut"):
        start_approval(ApprovalId("AP"), "s", (cut("1.00"),), narrow, AT, "p")


def test_a_rule_needs_approvers_and_counts_amounts_in_its_own_currency() -> None:
    with pytest.raises(ApprovalError, match="name at least one approver"):
        ApprovalRule("nobody", ())
    usd = Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE, Severity.APPROVAL, "x", amount=Money("1.00", "USD")
    )
    with pytest.raises(ApprovalError, match="counts amounts in RUB, but a deviation costs"):
        POLICY.rules[1].covers((usd,))


def test_a_not_agreed_agreement_is_approved_by_the_named_approvers() -> None:
    draft = Agreement.typical(AgreementId("TA"), "Draft", valid_from=date(2026, 1, 1))
    process = start_agreement_approval(ApprovalId("AP"), draft, ("head", "cfo", "head"), AT, "p")
    assert process.purpose is ApprovalPurpose.AGREEMENT
    assert process.pending_approvers == ("cfo", "head")
    assert process.subject == "typical agreement 'TA'"
    with pytest.raises(ApprovalError, match="is active; only a not agreed agreement"):
        start_agreement_approval(
            ApprovalId("AP"), draft.with_status(AgreementStatus.ACTIVE), ("head",), AT, "p"
        )
    with pytest.raises(ApprovalError, match="name at least one approver"):
        start_agreement_approval(ApprovalId("AP"), draft, (), AT, "p")


def test_deviations_without_an_amount_do_not_count_towards_a_rules_minimum() -> None:
    rule = ApprovalRule("costly", ("cfo",), min_amount=Money("1.00", "RUB"))
    assert rule.covers((WAREHOUSE,)) == ()
    assert rule.covers((WAREHOUSE, cut("1.00"))) == (WAREHOUSE, cut("1.00"))
