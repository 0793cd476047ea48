"""Interactions (H4) and claims (H6): a partner's history and its complaints.

An *interaction* [взаимодействие] is a call, meeting, letter or other contact
with a partner: when, who took part, about what, the outcome and the next
step; it may belong to a deal. :func:`partner_history` gives a partner's
interactions in time order.

A *claim* [претензия] is registered from a client, linked to a sale (order)
or a deal, has a responsible person and a deadline, and moves
``registered → in work → resolved | rejected`` with a resolution.

>>> from datetime import date
>>> claim = Claim("CL-1", "CAFE", date(2026, 3, 2), "broken cups", "petrov", date(2026, 3, 12))
>>> claim = take_claim(claim, date(2026, 3, 3))
>>> claim = resolve_claim(claim, "replaced 6 cups", date(2026, 3, 5))
>>> claim.status, claim.is_overdue(date(2026, 3, 20))
(<ClaimStatus.RESOLVED: 'resolved'>, False)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import attrs

from salescore.errors import CrmError
from salescore.records import Record, html_table

__all__ = [
    "Claim",
    "ClaimStatus",
    "Interaction",
    "InteractionKind",
    "PartnerHistory",
    "partner_history",
    "reject_claim",
    "resolve_claim",
    "take_claim",
]


class InteractionKind(enum.Enum):
    """The kind of a contact with a partner."""

    CALL = "call"
    MEETING = "meeting"
    LETTER = "letter"
    """An e-mail or a paper letter."""
    MESSAGE = "message"
    OTHER = "other"


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Interaction:
    """One contact with a partner [взаимодействие].

    Attributes:
        interaction_id: its id.
        kind: call, meeting, letter …
        at: when it happened.
        partner_id: the partner.
        subject: what it was about.
        participants: contact persons and our people who took part.
        deal_id: the deal it belongs to, if any.
        outcome: what came of it.
        next_step: what is to be done next.
        next_step_on: when the next step is due.
    """

    interaction_id: str
    kind: InteractionKind
    at: datetime
    partner_id: str
    subject: str
    participants: tuple[str, ...] = attrs.field(default=(), converter=_names)
    deal_id: str | None = None
    outcome: str = ""
    next_step: str = ""
    next_step_on: date | None = None

    @property
    def id(self) -> str:
        """The id a repository stores it under (``interaction_id``)."""
        return self.interaction_id

    def __attrs_post_init__(self) -> None:
        if self.next_step_on is not None and self.next_step_on < self.at.date():
            raise CrmError(
                f"interaction {self.interaction_id!r} on {self.at.date()} plans its next step "
                f"on {self.next_step_on}, before it: give a later date",
                interaction=self.interaction_id,
            )

    def to_records(self) -> list[Record]:
        """One row."""
        return [
            {
                "interaction": self.interaction_id,
                "kind": self.kind.value,
                "at": self.at,
                "partner": self.partner_id,
                "deal": self.deal_id,
                "subject": self.subject,
                "participants": ", ".join(self.participants),
                "outcome": self.outcome,
                "next_step": self.next_step,
                "next_step_on": self.next_step_on,
            }
        ]


@attrs.frozen
class PartnerHistory:
    """A partner's interactions, oldest first."""

    partner_id: str
    interactions: tuple[Interaction, ...]

    def to_records(self) -> list[Record]:
        """One row per interaction."""
        return [r for i in self.interactions for r in i.to_records()]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"interactions with {self.partner_id}")


def partner_history(
    interactions: Iterable[Interaction],
    partner_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
) -> PartnerHistory:
    """The interactions with ``partner_id`` (from ``start`` to ``end`` inclusive), oldest first."""
    chosen = [
        i
        for i in interactions
        if i.partner_id == partner_id
        and (start is None or i.at.date() >= start)
        and (end is None or i.at.date() <= end)
    ]
    chosen.sort(key=lambda i: (i.at, i.interaction_id))
    return PartnerHistory(partner_id, tuple(chosen))


class ClaimStatus(enum.Enum):
    """Where a claim [претензия] stands."""

    REGISTERED = "registered"
    IN_WORK = "in_work"
    RESOLVED = "resolved"
    REJECTED = "rejected"

    @property
    def is_closed(self) -> bool:
        """True once resolved or rejected."""
        return self in (ClaimStatus.RESOLVED, ClaimStatus.REJECTED)


@attrs.frozen
class Claim:
    """A client's claim [претензия].

    Attributes:
        claim_id: its id.
        partner_id: the client who made it.
        registered: the day it was registered.
        subject: what the client complains about.
        responsible: who handles it.
        deadline: by when it must be closed.
        order_id: the sale it is about, if any.
        deal_id: the deal it is about, if any.
        status: registered, in work, resolved or rejected.
        resolution: what was decided (required to close it).
        closed: the day it was resolved or rejected.
    """

    claim_id: str
    partner_id: str
    registered: date
    subject: str
    responsible: str
    deadline: date
    order_id: str | None = None
    deal_id: str | None = None
    status: ClaimStatus = ClaimStatus.REGISTERED
    resolution: str = ""
    closed: date | None = None

    @property
    def id(self) -> str:
        """The id a repository stores it under (``claim_id``)."""
        return self.claim_id

    def __attrs_post_init__(self) -> None:
        if self.deadline < self.registered:
            raise CrmError(
                f"claim {self.claim_id!r} is registered on {self.registered} with a deadline "
                f"{self.deadline} before it: give a later deadline",
                claim=self.claim_id,
            )

    def is_overdue(self, as_of: date) -> bool:
        """True if still not closed after its deadline."""
        return not self.status.is_closed and as_of > self.deadline

    def to_records(self) -> list[Record]:
        """One row."""
        return [
            {
                "claim": self.claim_id,
                "partner": self.partner_id,
                "registered": self.registered,
                "subject": self.subject,
                "responsible": self.responsible,
                "deadline": self.deadline,
                "order": self.order_id,
                "deal": self.deal_id,
                "status": self.status.value,
                "resolution": self.resolution,
                "closed": self.closed,
            }
        ]


def _check(claim: Claim, on: date, allowed: tuple[ClaimStatus, ...], what: str) -> None:
    if claim.status not in allowed:
        raise CrmError(
            f"claim {claim.claim_id!r} is {claim.status.value}: it cannot be {what} "
            f"(only a claim {' or '.join(s.value for s in allowed)} can)",
            claim=claim.claim_id,
        )
    if on < claim.registered:
        raise CrmError(
            f"claim {claim.claim_id!r} was registered on {claim.registered}; it cannot be "
            f"{what} on {on}, before that",
            claim=claim.claim_id,
        )


def take_claim(claim: Claim, on: date, responsible: str | None = None) -> Claim:
    """The claim taken in work on ``on`` (optionally by another responsible person)."""
    _check(claim, on, (ClaimStatus.REGISTERED,), "taken in work")
    return attrs.evolve(
        claim, status=ClaimStatus.IN_WORK, responsible=responsible or claim.responsible
    )


def _close(claim: Claim, status: ClaimStatus, resolution: str, on: date, what: str) -> Claim:
    _check(claim, on, (ClaimStatus.REGISTERED, ClaimStatus.IN_WORK), what)
    if not resolution.strip():
        raise CrmError(
            f"claim {claim.claim_id!r} cannot be {what} without a resolution: say what was decided",
            claim=claim.claim_id,
        )
    return attrs.evolve(claim, status=status, resolution=resolution.strip(), closed=on)


def resolve_claim(claim: Claim, resolution: str, on: date) -> Claim:
    """The claim resolved on ``on`` with ``resolution``."""
    return _close(claim, ClaimStatus.RESOLVED, resolution, on, "resolved")


def reject_claim(claim: Claim, resolution: str, on: date) -> Claim:
    """The claim rejected on ``on``, with the reason in ``resolution``."""
    return _close(claim, ClaimStatus.REJECTED, resolution, on, "rejected")
