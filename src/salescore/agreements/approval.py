"""Approving a sale that deviates from its agreement (A5, A6, D6).

An :class:`ApprovalProcess` [согласование] is a frozen value: starting it
from the deviations of a sale creates one task per approver that the
:class:`ApprovalPolicy` requires (rules by deviation kind and amount); every
decision returns a new process. It is **approved** when every required
approver has approved, and **rejected** at the first rejection. Every step is
kept in its history. Telling people is not the core's business: the
application passes new history events to an
:class:`~salescore.agreements.ports.ApprovalNotifier`.

>>> from datetime import datetime, timezone
>>> from salescore.agreements.compliance import Deviation, DeviationKind, Severity
>>> from salescore.money import Money
>>> at = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
>>> policy = ApprovalPolicy((
...     ApprovalRule("any", ("head_of_sales",)),
...     ApprovalRule("big-price-cut", ("cfo",), frozenset({DeviationKind.PRICE_BELOW_REFERENCE}),
...                  min_amount=Money("10000.00", "RUB")),
... ))
>>> cut = Deviation(DeviationKind.PRICE_BELOW_REFERENCE, Severity.APPROVAL, "price cut",
...                 amount=Money("15000.00", "RUB"))
>>> process = start_approval(ApprovalId("AP-1"), "order SO-1", (cut,), policy, at, "petrov")
>>> process.pending_approvers
('cfo', 'head_of_sales')
>>> process = process.decide("cfo", Decision.APPROVE, at, "ok for this client")
>>> process = process.decide("head_of_sales", Decision.APPROVE, at)
>>> process.status.value
'approved'
>>> process.decide("ivanova", Decision.APPROVE, at)
Traceback (most recent call last):
...
salescore.errors.ApprovalError: approval 'AP-1' (order SO-1) is approved already; ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import NewType

import attrs

from salescore.agreements.compliance import Deviation, DeviationKind, Severity
from salescore.agreements.model import Agreement, AgreementId, AgreementStatus
from salescore.errors import ApprovalError
from salescore.money import Money

__all__ = [
    "ApprovalEvent",
    "ApprovalId",
    "ApprovalPolicy",
    "ApprovalProcess",
    "ApprovalPurpose",
    "ApprovalRule",
    "ApprovalStatus",
    "ApprovalTask",
    "Decision",
    "start_agreement_approval",
    "start_approval",
]

ApprovalId = NewType("ApprovalId", str)


class ApprovalStatus(enum.Enum):
    """Where an approval process stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalPurpose(enum.Enum):
    """What an approval decides: a sale's deviations, or an agreement coming into force."""

    SALE = "sale"
    AGREEMENT = "agreement"


class Decision(enum.Enum):
    """An approver's decision on a task."""

    APPROVE = "approve"
    REJECT = "reject"


@attrs.frozen
class ApprovalRule:
    """Who must approve which deviations.

    Attributes:
        id: the rule's name, quoted as the reason of a task.
        approvers: user names; each of them must approve.
        kinds: the deviation kinds the rule covers; empty covers every kind.
        min_amount: when set, the rule applies only if the covered
            deviations cost at least this much in total (deviations without
            an amount do not count).
    """

    id: str
    approvers: tuple[str, ...]
    kinds: frozenset[DeviationKind] = frozenset()
    min_amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if not self.approvers or any(not a.strip() for a in self.approvers):
            raise ApprovalError(
                f"approval rule {self.id!r}: name at least one approver, none blank",
                rule=self.id,
            )

    def covers(self, deviations: Iterable[Deviation]) -> tuple[Deviation, ...]:
        """The deviations this rule asks approval for (empty if it does not apply)."""
        matching = tuple(d for d in deviations if not self.kinds or d.kind in self.kinds)
        if self.min_amount is None or not matching:
            return matching
        cost = Money.zero(self.min_amount.currency)
        for deviation in matching:
            if deviation.amount is None:
                continue
            if deviation.amount.currency != self.min_amount.currency:
                raise ApprovalError(
                    f"approval rule {self.id!r} counts amounts in "
                    f"{self.min_amount.currency.code}, but a deviation costs {deviation.amount}; "
                    "add a rule for that currency",
                    rule=self.id,
                )
            cost += deviation.amount
        return matching if cost >= self.min_amount else ()


@attrs.frozen
class ApprovalPolicy:
    """The approval rules of a company; each rule that applies adds its approvers."""

    rules: tuple[ApprovalRule, ...]

    def required(self, deviations: Iterable[Deviation]) -> dict[str, tuple[str, ...]]:
        """Approvers the deviations need, each with the ids of the rules that ask for them.

        Raises:
            ApprovalError: a deviation needing approval is covered by no rule.
        """
        pending = tuple(d for d in deviations if d.severity is Severity.APPROVAL)
        reasons: dict[str, list[str]] = {}
        covered: set[int] = set()
        for rule in self.rules:
            matched = rule.covers(pending)
            if not matched:
                continue
            covered.update(id(d) for d in matched)
            for approver in rule.approvers:
                reasons.setdefault(approver, []).append(rule.id)
        uncovered = [d for d in pending if id(d) not in covered]
        if uncovered:
            raise ApprovalError(
                f"no approval rule names an approver for: {uncovered[0].message}; "
                "add a rule for its kind",
                deviation=uncovered[0],
            )
        return {approver: tuple(ids) for approver, ids in sorted(reasons.items())}


@attrs.frozen
class ApprovalTask:
    """One approver's task [задача согласования]; ``decision`` is None while open."""

    approver: str
    reasons: tuple[str, ...] = ()
    decision: Decision | None = None
    comment: str = ""
    decided_at: datetime | None = None


@attrs.frozen
class ApprovalEvent:
    """One entry of an approval's history: who did what, when, with which comment."""

    at: datetime
    actor: str
    action: str
    comment: str = ""


@attrs.frozen
class ApprovalProcess:
    """The approval of one sale (or agreement) [процесс согласования].

    Attributes:
        id: the process id.
        subject: what is approved, e.g. ``"order SO-1"``.
        agreement_id: the agreement the sale deviates from.
        deviations: the deviations to approve.
        tasks: one per required approver.
        history: every event, oldest first.
        status: pending, approved or rejected.
        purpose: a sale's deviations, or an individual agreement to agree (A5).
    """

    id: ApprovalId
    subject: str
    agreement_id: AgreementId | None
    deviations: tuple[Deviation, ...]
    tasks: tuple[ApprovalTask, ...]
    history: tuple[ApprovalEvent, ...]
    status: ApprovalStatus = ApprovalStatus.PENDING
    purpose: ApprovalPurpose = ApprovalPurpose.SALE

    @property
    def pending_approvers(self) -> tuple[str, ...]:
        """Approvers who have not decided yet, while the process is pending."""
        if self.status is not ApprovalStatus.PENDING:
            return ()
        return tuple(t.approver for t in self.tasks if t.decision is None)

    def decide(
        self, approver: str, decision: Decision, at: datetime, comment: str = ""
    ) -> ApprovalProcess:
        """The process after ``approver`` decides.

        Raises:
            ApprovalError: the process is closed, ``approver`` was not asked
                or has decided already, or a rejection has no comment.
        """
        where = f"approval {self.id!r} ({self.subject})"
        if self.status is not ApprovalStatus.PENDING:
            raise ApprovalError(
                f"{where} is {self.status.value} already; start a new approval to change it",
                approval=self.id,
            )
        index = next((i for i, t in enumerate(self.tasks) if t.approver == approver), None)
        if index is None:
            asked = ", ".join(t.approver for t in self.tasks)
            raise ApprovalError(
                f"{where}: {approver!r} was not asked to approve; the approvers are {asked}",
                approval=self.id,
                approver=approver,
            )
        task = self.tasks[index]
        if task.decision is not None:
            raise ApprovalError(
                f"{where}: {approver!r} has decided already ({task.decision.value})",
                approval=self.id,
                approver=approver,
            )
        if decision is Decision.REJECT and not comment.strip():
            raise ApprovalError(
                f"{where}: a rejection needs a comment saying what to change",
                approval=self.id,
                approver=approver,
            )
        decided = attrs.evolve(task, decision=decision, comment=comment, decided_at=at)
        tasks = (*self.tasks[:index], decided, *self.tasks[index + 1 :])
        events = [ApprovalEvent(at, approver, decision.value, comment)]
        status = ApprovalStatus.PENDING
        if decision is Decision.REJECT:
            status = ApprovalStatus.REJECTED
        elif all(t.decision is Decision.APPROVE for t in tasks):
            status = ApprovalStatus.APPROVED
        if status is not ApprovalStatus.PENDING:
            events.append(ApprovalEvent(at, approver, f"process {status.value}"))
        return attrs.evolve(self, tasks=tasks, history=self.history + tuple(events), status=status)


def start_approval(
    id: ApprovalId,
    subject: str,
    deviations: Iterable[Deviation],
    policy: ApprovalPolicy,
    at: datetime,
    initiator: str,
    agreement_id: AgreementId | None = None,
) -> ApprovalProcess:
    """An approval process for ``deviations``, with a task for every required approver.

    Warnings need no approval; when no deviation needs approval, the process
    is approved at once (the history says so).

    Raises:
        ApprovalError: a deviation is blocking (no approval can allow it), or
            no rule covers a deviation that needs approval.
    """
    found = tuple(deviations)
    blocking = [d for d in found if d.severity is Severity.BLOCKING]
    if blocking:
        raise ApprovalError(
            f"{subject} cannot be approved: {blocking[0].message}; change the sale",
            deviation=blocking[0],
        )
    required = policy.required(found)
    tasks = tuple(ApprovalTask(approver, reasons) for approver, reasons in required.items())
    history = [ApprovalEvent(at, initiator, "started", f"{len(found)} deviation(s)")]
    history.extend(
        ApprovalEvent(at, initiator, "task created", f"for {t.approver}: {', '.join(t.reasons)}")
        for t in tasks
    )
    status = ApprovalStatus.PENDING
    if not tasks:
        status = ApprovalStatus.APPROVED
        history.append(
            ApprovalEvent(at, initiator, "process approved", "no deviation needs approval")
        )
    return ApprovalProcess(id, subject, agreement_id, found, tasks, tuple(history), status)


def start_agreement_approval(
    id: ApprovalId,
    agreement: Agreement,
    approvers: Iterable[str],
    at: datetime,
    initiator: str,
) -> ApprovalProcess:
    """An approval of a not yet agreed agreement by ``approvers`` [согласование соглашения].

    When the process is approved, the application makes the agreement
    active (:func:`salescore.app.agreements.decide_approval` does).

    Raises:
        ApprovalError: the agreement is not in the *not agreed* status, or
            no approver is named.
    """
    if agreement.status is not AgreementStatus.NOT_AGREED:
        raise ApprovalError(
            f"{agreement.label} is {agreement.status.value}; only a not agreed agreement "
            "goes through approval",
            agreement=agreement.id,
        )
    names = tuple(sorted(set(approvers)))
    if not names or any(not name.strip() for name in names):
        raise ApprovalError(
            f"approval of {agreement.label}: name at least one approver, none blank",
            agreement=agreement.id,
        )
    tasks = tuple(ApprovalTask(name, ("agreement approval",)) for name in names)
    history = (
        ApprovalEvent(at, initiator, "started", f"approval of {agreement.label}"),
        *(ApprovalEvent(at, initiator, "task created", f"for {name}") for name in names),
    )
    return ApprovalProcess(
        id,
        agreement.label,
        agreement.id,
        (),
        tasks,
        history,
        purpose=ApprovalPurpose.AGREEMENT,
    )
