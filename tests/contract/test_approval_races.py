"""Approvers deciding at the same moment: every decision is kept, on every store."""

from __future__ import annotations

import pytest
from tests.conftest import race
from tests.contract.test_agreements_contract import (
    CLOCK,
    RecordingNotifier,
    loaded,
    start_sample_approval,
)

from salescore.agreements import ApprovalId, ApprovalStatus, Decision
from salescore.app.agreements import decide_approval
from salescore.app.stores import Store

pytestmark = pytest.mark.slow


def _decide(store: Store, approver: str, decision: Decision) -> str:
    with store.unit_of_work() as uow:
        process = decide_approval(uow, ApprovalId("AP-1"), approver, decision, CLOCK)
        uow.commit()
    return process.status.value


def test_two_approvals_at_once_both_count(race_store: Store) -> None:
    """The sample process asks the CFO and the head of sales: both approve at once, and
    the stored process is approved with both decisions (neither overwrote the other)."""
    loaded(race_store)
    start_sample_approval(race_store, RecordingNotifier())
    told = race(
        lambda: _decide(race_store, "cfo", Decision.APPROVE),
        lambda: _decide(race_store, "head_of_sales", Decision.APPROVE),
    )
    assert sorted(map(str, told)) == ["approved", "pending"]
    with race_store.unit_of_work(read_only=True) as uow:
        process = uow.approvals.get(ApprovalId("AP-1"))
    assert process.status is ApprovalStatus.APPROVED
    assert sorted(t.approver for t in process.tasks if t.decision is Decision.APPROVE) == [
        "cfo",
        "head_of_sales",
    ]
