"""Sales processes and deals (H1, H2): process kinds with their stages, tasks, deals.

A *process kind* [вид бизнес-процесса продажи] names its stages in order. In
the **simple** mode a manager moves a deal from stage to stage by hand
(:func:`move_deal`); in the **regulated** mode each stage creates tasks for
its executors with due dates, and the deal advances to the next stage when
the last task of its stage is done (:func:`complete_task`).

A *deal* [сделка] carries its potential amount and currency, its process
kind and stage, its manager, the stages it went through (with dates), and
ends won or lost with a reason. Proposals and orders made under it are
linked by id. Every transition is a pure function returning a new deal;
a refused one raises :class:`~salescore.errors.CrmError` and changes
nothing.

>>> from datetime import date
>>> from salescore.money import Money
>>> kind = ProcessKind("B2B", "wholesale", (Stage("qualification"), Stage("proposal")))
>>> deal = open_deal(kind, "D-1", "CAFE", "ivanov", Money("100000.00", "RUB"), date(2026, 3, 2))
>>> deal.stage, deal.status
('qualification', <DealStatus.OPEN: 'open'>)
>>> deal = move_deal(deal, kind, "proposal", date(2026, 3, 9))
>>> [(v.stage, str(v.entered), v.left and str(v.left)) for v in deal.visits]
[('qualification', '2026-03-02', '2026-03-09'), ('proposal', '2026-03-09', None)]
>>> lose_deal(deal, kind, "price", date(2026, 3, 20)).lost_reason
'price'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NewType

import attrs

from salescore.errors import CrmError
from salescore.money import Money
from salescore.parties import PartnerId, PartnerRelation
from salescore.records import Record, html_table

__all__ = [
    "Deal",
    "DealEnvironment",
    "DealId",
    "DealParticipant",
    "DealStatus",
    "ParticipantRole",
    "ProcessKind",
    "ProcessKindId",
    "ProcessMode",
    "Stage",
    "StageVisit",
    "SupportingDocument",
    "Task",
    "TaskTemplate",
    "add_participant",
    "complete_task",
    "link_order",
    "link_proposal",
    "lose_deal",
    "map_environment",
    "move_deal",
    "open_deal",
    "win_deal",
]

ProcessKindId = NewType("ProcessKindId", str)
DealId = NewType("DealId", str)


class ProcessMode(enum.Enum):
    """How a deal moves through the stages of its process kind."""

    SIMPLE = "simple"
    """Stages are moved by hand [упрощенный режим]."""
    REGULATED = "regulated"
    """Each stage creates tasks; the stage advances when they are done [регламентированный]."""


@attrs.frozen
class TaskTemplate:
    """A task a stage of a regulated process creates for an executor.

    Attributes:
        title: what to do ("send the proposal").
        executor: who does it (a user id or role).
        days: the due date is the day the stage is entered plus ``days``.
    """

    title: str
    executor: str
    days: int = 1

    def __attrs_post_init__(self) -> None:
        if self.days < 0:
            raise CrmError(
                f"task {self.title!r} is due {self.days} days after its stage starts: "
                "give zero or more days",
                days=self.days,
            )


@attrs.frozen
class SupportingDocument:
    """A regulation, instruction or template attached to a process kind or a stage.

    Attributes:
        title: the document's title.
        reference: where it is (a file name or URL; salescore does not open it).
        stage: the stage it belongs to, or None for the whole process.
    """

    title: str
    reference: str
    stage: str | None = None


def _templates(value: Iterable[TaskTemplate]) -> tuple[TaskTemplate, ...]:
    return tuple(value)


def _documents(value: Iterable[SupportingDocument]) -> tuple[SupportingDocument, ...]:
    return tuple(value)


def _kind_id(value: str) -> ProcessKindId:
    return ProcessKindId(value)


@attrs.frozen
class Stage:
    """One stage of a process kind; ``tasks`` matter in the regulated mode only."""

    name: str
    tasks: tuple[TaskTemplate, ...] = attrs.field(default=(), converter=_templates)


def _stages(value: Iterable[Stage]) -> tuple[Stage, ...]:
    stages = tuple(value)
    names = [s.name for s in stages]
    if not stages:
        raise CrmError("a process kind needs at least one stage: name its stages in order")
    for name in names:
        if names.count(name) > 1:
            raise CrmError(f"stage {name!r} is named twice: give every stage its own name")
    return stages


@attrs.frozen
class ProcessKind:
    """A kind of sales process with its own ordered stages.

    Attributes:
        kind_id: the kind's id.
        name: its name ("wholesale", "tender").
        stages: the stages in order; a deal starts at the first.
        mode: simple (moved by hand) or regulated (moved by tasks).
        documents: regulations, instructions and templates of the process.
    """

    kind_id: ProcessKindId = attrs.field(converter=_kind_id)
    name: str
    stages: tuple[Stage, ...] = attrs.field(converter=_stages)
    mode: ProcessMode = ProcessMode.SIMPLE
    documents: tuple[SupportingDocument, ...] = attrs.field(default=(), converter=_documents)

    @property
    def id(self) -> ProcessKindId:
        """The id a repository stores it under (``kind_id``)."""
        return self.kind_id

    def __attrs_post_init__(self) -> None:
        if self.mode is ProcessMode.REGULATED:
            for stage in self.stages:
                if not stage.tasks:
                    raise CrmError(
                        f"stage {stage.name!r} of regulated process {self.kind_id!r} has no "
                        "task, so it could never advance: give it a task or use the simple mode",
                        stage=stage.name,
                    )
        for document in self.documents:
            if document.stage is not None:
                self.index(document.stage)

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stages' names, in order."""
        return tuple(s.name for s in self.stages)

    def index(self, stage: str) -> int:
        """The position of ``stage`` (0 for the first), or CrmError if it is not one."""
        try:
            return self.stage_names.index(stage)
        except ValueError:
            raise CrmError(
                f"process kind {self.kind_id!r} has no stage {stage!r}; "
                f"its stages are {', '.join(self.stage_names)}",
                stage=stage,
            ) from None

    def documents_of(self, stage: str | None = None) -> tuple[SupportingDocument, ...]:
        """The documents of the whole process and, when given, of ``stage``."""
        return tuple(d for d in self.documents if d.stage is None or d.stage == stage)


@attrs.frozen
class Task:
    """A task of a regulated deal's stage.

    Attributes:
        task_id: ``"<stage>/<n>"``, unique in the deal.
        stage: the stage that created it.
        title: what to do.
        executor: who does it.
        due: by when.
        done_on: the day it was done, or None while open.
    """

    task_id: str
    stage: str
    title: str
    executor: str
    due: date
    done_on: date | None = None

    def is_overdue(self, as_of: date) -> bool:
        """True if still open after its due date."""
        return self.done_on is None and as_of > self.due


@attrs.frozen
class StageVisit:
    """A deal's time at one stage: entered on one day, left on another (None: still there)."""

    stage: str
    entered: date
    left: date | None = None

    @property
    def days(self) -> int | None:
        """Days spent at the stage, or None while still there."""
        return None if self.left is None else (self.left - self.entered).days


class DealStatus(enum.Enum):
    """Where a deal stands."""

    OPEN = "open"
    WON = "won"
    """Won [выиграна]: the sale is made."""
    LOST = "lost"
    """Lost [проиграна], with a reason."""


class ParticipantRole(enum.Enum):
    """The part another partner plays in a deal's environment [окружение сделки]."""

    COMPETITOR = "competitor"
    """Competes for the same sale [конкурент]."""
    SUBCONTRACTOR = "subcontractor"
    """Works with us on the sale [субподрядчик]."""
    INFLUENCER = "influencer"
    """Influences the client's decision [влияющее лицо]."""
    OTHER = "other"
    """Anything else (also deals stored before roles were recorded)."""


@attrs.frozen
class DealParticipant:
    """A partner in a deal's environment, with its role.

    Attributes:
        partner_id: the partner (a competitor, subcontractor or influencer).
        role: its part in the deal.
        note: free text ("offers 5 % less", "the client's parent company").
    """

    partner_id: PartnerId = attrs.field(converter=PartnerId)
    role: ParticipantRole = ParticipantRole.OTHER
    note: str = ""


def _participants(value: Iterable[DealParticipant]) -> tuple[DealParticipant, ...]:
    participants = tuple(value)
    for participant in participants:
        if not isinstance(participant, DealParticipant):
            raise CrmError(
                f"a deal's environment holds DealParticipant values, not {participant!r}: "
                "write DealParticipant(partner_id, ParticipantRole.COMPETITOR)",
            )
    seen: set[tuple[str, ParticipantRole]] = set()
    for participant in participants:
        key = (participant.partner_id, participant.role)
        if key in seen:
            raise CrmError(
                f"partner {participant.partner_id!r} is listed twice as "
                f"{participant.role.value} in a deal's environment: list it once",
                partner=participant.partner_id,
            )
        seen.add(key)
    return participants


@attrs.frozen
class Deal:
    """A deal [сделка]: a potential sale moving through the stages of its process kind.

    Attributes:
        deal_id: the deal's id.
        partner_id: the client.
        kind_id: its process kind.
        manager: the responsible manager.
        amount: the potential amount, in the deal's currency.
        opened: the day the deal was opened.
        visits: the stages gone through, in order; the last one is the current stage.
        status: open, won or lost.
        closed: the day it was won or lost.
        lost_reason: why it was lost.
        tasks: the tasks of a regulated deal, every stage's so far.
        proposal_ids: commercial proposals made under the deal.
        order_ids: sales orders made under the deal.
        environment: competitors, subcontractors and influencers, with their roles.
    """

    deal_id: DealId
    partner_id: PartnerId
    kind_id: ProcessKindId
    manager: str
    amount: Money
    opened: date
    visits: tuple[StageVisit, ...]
    status: DealStatus = DealStatus.OPEN
    closed: date | None = None
    lost_reason: str | None = None
    tasks: tuple[Task, ...] = ()
    proposal_ids: tuple[str, ...] = ()
    order_ids: tuple[str, ...] = ()
    environment: tuple[DealParticipant, ...] = attrs.field(default=(), converter=_participants)

    def __attrs_post_init__(self) -> None:
        for participant in self.environment:
            if participant.partner_id == self.partner_id:
                raise CrmError(
                    f"deal {self.deal_id!r}: the client {self.partner_id!r} cannot be in its "
                    "own deal's environment; list competitors, subcontractors and influencers",
                    deal=self.deal_id,
                )

    def participants(self, role: ParticipantRole) -> tuple[PartnerId, ...]:
        """The partners of the environment playing ``role``, in the order they were added."""
        return tuple(p.partner_id for p in self.environment if p.role is role)

    @property
    def id(self) -> DealId:
        """The id a repository stores it under (``deal_id``)."""
        return self.deal_id

    @property
    def stage(self) -> str:
        """The current stage (the last stage of a closed deal)."""
        return self.visits[-1].stage

    @property
    def is_open(self) -> bool:
        """True until won or lost."""
        return self.status is DealStatus.OPEN

    @property
    def cycle_days(self) -> int | None:
        """Days from opening to closing, or None while open."""
        return None if self.closed is None else (self.closed - self.opened).days

    def open_tasks(self) -> tuple[Task, ...]:
        """The tasks of the current stage not done yet."""
        return tuple(t for t in self.tasks if t.stage == self.stage and t.done_on is None)

    def to_records(self) -> list[Record]:
        """One row per stage visit."""
        return [
            {
                "deal": self.deal_id,
                "partner": self.partner_id,
                "manager": self.manager,
                "stage": v.stage,
                "entered": v.entered,
                "left": v.left,
                "amount": self.amount.amount,
                "currency": self.amount.currency.code,
                "status": self.status.value,
                "lost_reason": self.lost_reason,
            }
            for v in self.visits
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"deal {self.deal_id}")


def _stage_tasks(kind: ProcessKind, stage: str, on: date, existing: int = 0) -> tuple[Task, ...]:
    if kind.mode is not ProcessMode.REGULATED:
        return ()
    templates = kind.stages[kind.index(stage)].tasks
    return tuple(
        Task(f"{stage}/{existing + n}", stage, t.title, t.executor, on + timedelta(days=t.days))
        for n, t in enumerate(templates, start=1)
    )


def open_deal(
    kind: ProcessKind,
    deal_id: str,
    partner_id: str,
    manager: str,
    amount: Money,
    on: date,
    *,
    environment: Iterable[DealParticipant] = (),
) -> Deal:
    """A new deal at the first stage of ``kind`` (a regulated kind creates that stage's tasks)."""
    if amount.amount < 0:
        raise CrmError(
            f"deal {deal_id!r} has a negative potential amount {amount}: give zero or more",
            deal=deal_id,
        )
    first = kind.stages[0].name
    return Deal(
        DealId(deal_id),
        PartnerId(partner_id),
        kind.kind_id,
        manager,
        amount,
        on,
        (StageVisit(first, on),),
        tasks=_stage_tasks(kind, first, on),
        environment=tuple(environment),
    )


def _check_open(deal: Deal, kind: ProcessKind, on: date, what: str) -> None:
    if deal.kind_id != kind.kind_id:
        raise CrmError(
            f"deal {deal.deal_id!r} follows process kind {deal.kind_id!r}, not {kind.kind_id!r}: "
            "pass its own process kind",
            deal=deal.deal_id,
        )
    if not deal.is_open:
        raise CrmError(
            f"deal {deal.deal_id!r} is {deal.status.value} since {deal.closed}: "
            f"a closed deal cannot be {what}",
            deal=deal.deal_id,
        )
    if on < deal.visits[-1].entered:
        raise CrmError(
            f"deal {deal.deal_id!r} entered stage {deal.stage!r} on {deal.visits[-1].entered}; "
            f"it cannot be {what} on {on}, before that",
            deal=deal.deal_id,
        )


def _enter(deal: Deal, kind: ProcessKind, stage: str, on: date) -> Deal:
    last = attrs.evolve(deal.visits[-1], left=on)
    tasks = deal.tasks + _stage_tasks(kind, stage, on, len(deal.tasks))
    return attrs.evolve(deal, visits=(*deal.visits[:-1], last, StageVisit(stage, on)), tasks=tasks)


def move_deal(deal: Deal, kind: ProcessKind, stage: str, on: date) -> Deal:
    """The deal moved by hand to ``stage`` on ``on`` (simple mode only).

    Any stage of the kind may be chosen, forward or back, except the current one.
    """
    _check_open(deal, kind, on, "moved")
    kind.index(stage)
    if kind.mode is ProcessMode.REGULATED:
        raise CrmError(
            f"deal {deal.deal_id!r} follows regulated process {kind.kind_id!r}: its stage "
            "advances when its tasks are done; complete them with complete_task()",
            deal=deal.deal_id,
        )
    if stage == deal.stage:
        raise CrmError(f"deal {deal.deal_id!r} is already at stage {stage!r}", deal=deal.deal_id)
    return _enter(deal, kind, stage, on)


def complete_task(deal: Deal, kind: ProcessKind, task_id: str, on: date) -> Deal:
    """The deal with task ``task_id`` done on ``on``.

    When it was the last open task of the current stage, the deal enters the
    next stage the same day (and gets that stage's tasks); at the last stage
    it stays there, ready to be won or lost.
    """
    _check_open(deal, kind, on, "worked on")
    found = [t for t in deal.tasks if t.task_id == task_id]
    if not found:
        raise CrmError(
            f"deal {deal.deal_id!r} has no task {task_id!r}; its open tasks are "
            f"{', '.join(t.task_id for t in deal.open_tasks()) or 'none'}",
            task=task_id,
        )
    task = found[0]
    if task.done_on is not None:
        raise CrmError(f"task {task_id!r} was already done on {task.done_on}", task=task_id)
    if task.stage != deal.stage:
        raise CrmError(
            f"task {task_id!r} belongs to stage {task.stage!r}, not to the current stage "
            f"{deal.stage!r}",
            task=task_id,
        )
    tasks = tuple(attrs.evolve(t, done_on=on) if t is task else t for t in deal.tasks)
    deal = attrs.evolve(deal, tasks=tasks)
    position = kind.index(deal.stage)
    if deal.open_tasks() or position + 1 == len(kind.stages):
        return deal
    return _enter(deal, kind, kind.stages[position + 1].name, on)


def _close(deal: Deal, status: DealStatus, on: date, reason: str | None) -> Deal:
    last = attrs.evolve(deal.visits[-1], left=on)
    return attrs.evolve(
        deal, visits=(*deal.visits[:-1], last), status=status, closed=on, lost_reason=reason
    )


def win_deal(deal: Deal, kind: ProcessKind, on: date) -> Deal:
    """The deal won on ``on`` at its current stage."""
    _check_open(deal, kind, on, "won")
    return _close(deal, DealStatus.WON, on, None)


def lose_deal(deal: Deal, kind: ProcessKind, reason: str, on: date) -> Deal:
    """The deal lost on ``on`` at its current stage, for ``reason`` (required)."""
    if not reason.strip():
        raise CrmError(
            f"deal {deal.deal_id!r} cannot be lost without a reason: say why (price, "
            "competitor, timing …)",
            deal=deal.deal_id,
        )
    _check_open(deal, kind, on, "lost")
    return _close(deal, DealStatus.LOST, on, reason.strip())


def link_proposal(deal: Deal, proposal_id: str) -> Deal:
    """The deal with commercial proposal ``proposal_id`` linked (once)."""
    if proposal_id in deal.proposal_ids:
        return deal
    return attrs.evolve(deal, proposal_ids=(*deal.proposal_ids, proposal_id))


def link_order(deal: Deal, order_id: str) -> Deal:
    """The deal with sales order ``order_id`` linked (once)."""
    if order_id in deal.order_ids:
        return deal
    return attrs.evolve(deal, order_ids=(*deal.order_ids, order_id))


def add_participant(deal: Deal, participant: DealParticipant) -> Deal:
    """The deal with ``participant`` added to its environment (a repeat of the same partner
    in the same role is refused; the same partner may play two roles)."""
    return attrs.evolve(deal, environment=(*deal.environment, participant))


@attrs.frozen
class DealEnvironment:
    """A deal's environment: who plays which part, and how they relate.

    Attributes:
        deal_id: the deal.
        client: the deal's client.
        participants: the environment, as recorded on the deal.
        relations: the partner relations (:class:`~salescore.parties.PartnerRelation`)
            whose both ends are the client or a participant, by id.
    """

    deal_id: DealId
    client: PartnerId
    participants: tuple[DealParticipant, ...]
    relations: tuple[PartnerRelation, ...]

    def to_records(self) -> list[Record]:
        """One row per participant, then one per relation (``section`` tells them apart)."""
        rows: list[Record] = [
            {
                "section": "participant",
                "partner": p.partner_id,
                "role": p.role.value,
                "to_partner": None,
                "note": p.note,
            }
            for p in self.participants
        ]
        rows.extend(
            {
                "section": "relation",
                "partner": r.from_partner,
                "role": r.kind.value,
                "to_partner": r.to_partner,
                "note": r.comment,
            }
            for r in self.relations
        )
        return rows

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"environment of deal {self.deal_id}")


def map_environment(deal: Deal, relations: Iterable[PartnerRelation]) -> DealEnvironment:
    """The deal's environment with the partner relations among its client and participants
    (a competitor influencing the client, a subcontractor owned by a competitor …).

    >>> from salescore.parties import PartnerRelation, RelationKind
    >>> kind = ProcessKind("B2B", "wholesale", (Stage("qualification"),))
    >>> deal = open_deal(kind, "D-1", "CAFE", "ivanov", Money(100, "RUB"), date(2026, 3, 2),
    ...                  environment=[DealParticipant("TEAHOUSE", ParticipantRole.COMPETITOR)])
    >>> links = [PartnerRelation("R1", "TEAHOUSE", "CAFE", RelationKind.INFLUENCER),
    ...          PartnerRelation("R2", "TEAHOUSE", "BAKERY", RelationKind.HOLDING)]
    >>> for r in map_environment(deal, links).to_records():
    ...     print(r["section"], r["partner"], r["role"], r["to_partner"])
    participant TEAHOUSE competitor None
    relation TEAHOUSE influencer CAFE
    """
    members = {deal.partner_id, *(p.partner_id for p in deal.environment)}
    inside = sorted(
        (r for r in relations if r.from_partner in members and r.to_partner in members),
        key=lambda r: r.id,
    )
    return DealEnvironment(deal.deal_id, deal.partner_id, deal.environment, tuple(inside))
