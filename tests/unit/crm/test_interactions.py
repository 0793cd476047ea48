"""Interactions (a partner's history) and claims (statuses, deadline, resolution)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salescore.crm import (
    Claim,
    ClaimStatus,
    Interaction,
    InteractionKind,
    partner_history,
    reject_claim,
    resolve_claim,
    take_claim,
)
from salescore.errors import CrmError


def contact(n: int, partner: str, at: datetime) -> Interaction:
    return Interaction(
        f"I-{n}", InteractionKind.CALL, at, partner, "prices", ("Anna", "ivanov"),
        outcome="asked for a proposal", next_step="send it", next_step_on=at.date(),
    )  # fmt: skip


def test_a_partners_history_is_its_interactions_oldest_first_within_the_period() -> None:
    items = [
        contact(1, "CAFE", datetime(2026, 3, 5, 10, tzinfo=UTC)),
        contact(2, "BAR", datetime(2026, 3, 1, 9, tzinfo=UTC)),
        contact(3, "CAFE", datetime(2026, 3, 1, 9, tzinfo=UTC)),
        contact(4, "CAFE", datetime(2026, 4, 1, 9, tzinfo=UTC)),
    ]
    history = partner_history(items, "CAFE", end=date(2026, 3, 31))
    assert [i.interaction_id for i in history.interactions] == ["I-3", "I-1"]
    assert history.to_records()[0]["participants"] == "Anna, ivanov"
    assert "I-3" in history._repr_html_()


def test_a_next_step_before_the_interaction_is_refused() -> None:
    with pytest.raises(CrmError, match="before it"):
        Interaction("I-1", InteractionKind.MEETING, datetime(2026, 3, 5, tzinfo=UTC), "CAFE", "x",
                    next_step_on=date(2026, 3, 4))  # fmt: skip


CLAIM = Claim("CL-1", "CAFE", date(2026, 3, 2), "broken cups", "petrov", date(2026, 3, 12),
              order_id="SO-1")  # fmt: skip


def test_a_claim_goes_from_registered_through_work_to_resolved() -> None:
    claim = take_claim(CLAIM, date(2026, 3, 3), responsible="sidorov")
    assert (claim.status, claim.responsible) == (ClaimStatus.IN_WORK, "sidorov")
    claim = resolve_claim(claim, "replaced the cups", date(2026, 3, 5))
    assert (claim.status, claim.resolution, claim.closed) == (
        ClaimStatus.RESOLVED, "replaced the cups", date(2026, 3, 5),
    )  # fmt: skip
    with pytest.raises(CrmError, match="is resolved: it cannot be rejected"):
        reject_claim(claim, "no", date(2026, 3, 6))


def test_an_open_claim_past_its_deadline_is_overdue() -> None:
    assert not CLAIM.is_overdue(date(2026, 3, 12))
    assert CLAIM.is_overdue(date(2026, 3, 13))
    rejected = reject_claim(CLAIM, "not our goods", date(2026, 3, 4))
    assert not rejected.is_overdue(date(2026, 3, 13))


def test_a_claim_needs_a_resolution_and_a_deadline_after_registration() -> None:
    with pytest.raises(CrmError, match="without a resolution"):
        resolve_claim(CLAIM, "", date(2026, 3, 4))
    with pytest.raises(CrmError, match="later deadline"):
        Claim("CL-2", "CAFE", date(2026, 3, 2), "x", "petrov", date(2026, 3, 1))
    with pytest.raises(CrmError, match="before that"):
        take_claim(CLAIM, date(2026, 3, 1))
