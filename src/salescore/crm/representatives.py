"""Sales representatives' tasks (H8) [задание торговому представителю].

A *task* sends a representative on a day to a list of clients, each with a
purpose: visit, or take an order. The representative records each visit's
result; a visit that took an order carries the order's id (the order itself
is made by :func:`salescore.app.orders.create_order`, and
:func:`salescore.app.crm.record_visit` checks that it belongs to the
visited client). The task is done when every visit is recorded, or
cancelled with what was left.

:func:`representative_performance` sums the tasks per representative:
visits planned and made, orders taken, and the strike rate (orders taken at
order visits ÷ order visits made).

>>> from datetime import date
>>> task = plan_visits("T-1", "sidorov", date(2026, 3, 2), ["CAFE", "BAKERY"])
>>> task = record_visit(task, "CAFE", date(2026, 3, 2), "ordered tea", order_id="SO-7")
>>> task.status, [v.partner_id for v in task.pending()]
(<TaskStatus.PLANNED: 'planned'>, ['BAKERY'])
>>> task = record_visit(task, "BAKERY", date(2026, 3, 2), "no order: stock is full")
>>> task.status
<TaskStatus.DONE: 'done'>
>>> row = representative_performance([task]).rows[0]
>>> row.visits_made, row.orders_taken, row.strike_rate
(2, 1, Decimal('0.5000'))
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import CrmError
from salescore.money._context import CTX
from salescore.parties import PartnerId
from salescore.records import Record, html_table

__all__ = [
    "RepresentativePerformance",
    "RepresentativeRow",
    "RepresentativeTask",
    "TaskStatus",
    "Visit",
    "VisitPurpose",
    "cancel_visits",
    "plan_visits",
    "record_visit",
    "representative_performance",
]

_FOUR = Decimal("0.0001")


class VisitPurpose(enum.Enum):
    """Why the representative goes to the client."""

    VISIT = "visit"
    """Visit the client (present goods, check the shelf) [посетить клиента]."""
    TAKE_ORDER = "take_order"
    """Take an order [принять заказ]."""


class TaskStatus(enum.Enum):
    """Where a representative's task stands."""

    PLANNED = "planned"
    DONE = "done"
    """Every visit is recorded."""
    CANCELLED = "cancelled"
    """Stopped with visits left unmade."""


@attrs.frozen
class Visit:
    """One client on a representative's task.

    Attributes:
        partner_id: the client.
        purpose: visit, or take an order.
        done_on: the day the visit was made, None while pending.
        result: what came of it, in the representative's words.
        order_id: the order taken at the visit, if any.
    """

    partner_id: PartnerId = attrs.field(converter=PartnerId)
    purpose: VisitPurpose = VisitPurpose.TAKE_ORDER
    done_on: date | None = None
    result: str = ""
    order_id: str | None = None


def _visits(value: Iterable[Visit]) -> tuple[Visit, ...]:
    return tuple(value)


@attrs.frozen
class RepresentativeTask:
    """A representative's task for a day: the clients to visit and what came of each.

    Attributes:
        task_id: the task's id.
        representative: who goes.
        day: the planned day.
        visits: the clients in route order, one visit each.
        status: planned, done or cancelled.
        comment: why it was cancelled, if it was.
    """

    task_id: str
    representative: str
    day: date
    visits: tuple[Visit, ...] = attrs.field(converter=_visits)
    status: TaskStatus = TaskStatus.PLANNED
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.visits:
            raise CrmError(
                f"task {self.task_id!r} of {self.representative!r} has no client to visit: "
                "list at least one",
                task=self.task_id,
            )
        seen: set[str] = set()
        for visit in self.visits:
            if visit.partner_id in seen:
                raise CrmError(
                    f"task {self.task_id!r} lists client {visit.partner_id!r} twice: "
                    "visit each client once per task",
                    task=self.task_id,
                    partner=visit.partner_id,
                )
            seen.add(visit.partner_id)

    @property
    def id(self) -> str:
        """The id a repository stores it under (``task_id``)."""
        return self.task_id

    def pending(self) -> tuple[Visit, ...]:
        """The visits not recorded yet, in route order."""
        return tuple(v for v in self.visits if v.done_on is None)

    def order_ids(self) -> tuple[str, ...]:
        """The orders taken on this task, in route order."""
        return tuple(v.order_id for v in self.visits if v.order_id is not None)

    def to_records(self) -> list[Record]:
        """One row per visit."""
        return [
            {
                "task": self.task_id,
                "representative": self.representative,
                "day": self.day,
                "status": self.status.value,
                "partner": v.partner_id,
                "purpose": v.purpose.value,
                "done_on": v.done_on,
                "result": v.result,
                "order": v.order_id,
            }
            for v in self.visits
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"task {self.task_id}")


def plan_visits(
    task_id: str,
    representative: str,
    day: date,
    clients: Iterable[str | Visit],
    *,
    purpose: VisitPurpose = VisitPurpose.TAKE_ORDER,
) -> RepresentativeTask:
    """A planned task: ``clients`` in route order (a partner id gets ``purpose``; a
    :class:`Visit` keeps its own)."""
    visits = tuple(c if isinstance(c, Visit) else Visit(c, purpose) for c in clients)
    for visit in visits:
        if visit.done_on is not None:
            raise CrmError(
                f"task {task_id!r}: the visit to {visit.partner_id!r} is planned, so it cannot "
                f"be done already ({visit.done_on}); record it with record_visit()",
                task=task_id,
            )
    return RepresentativeTask(task_id, representative, day, visits)


def _check_planned(task: RepresentativeTask, what: str) -> None:
    if task.status is not TaskStatus.PLANNED:
        raise CrmError(
            f"task {task.task_id!r} is {task.status.value}: {what} is no longer possible",
            task=task.task_id,
        )


def record_visit(
    task: RepresentativeTask,
    partner_id: str,
    on: date,
    result: str,
    *,
    order_id: str | None = None,
) -> RepresentativeTask:
    """The task with the visit to ``partner_id`` made on ``on`` with ``result`` (and the
    order taken, if any); the task is done when no visit is left."""
    _check_planned(task, "recording a visit")
    found = [v for v in task.visits if v.partner_id == partner_id]
    if not found:
        raise CrmError(
            f"task {task.task_id!r} has no visit to {partner_id!r}; its clients are "
            f"{', '.join(v.partner_id for v in task.visits)}",
            task=task.task_id,
            partner=partner_id,
        )
    visit = found[0]
    if visit.done_on is not None:
        raise CrmError(
            f"the visit to {partner_id!r} on task {task.task_id!r} was already recorded on "
            f"{visit.done_on}",
            task=task.task_id,
            partner=partner_id,
        )
    if on < task.day:
        raise CrmError(
            f"task {task.task_id!r} is planned for {task.day}; a visit cannot be made on {on}, "
            "before it",
            task=task.task_id,
        )
    if not result.strip():
        raise CrmError(
            f"the visit to {partner_id!r} needs a result: say what came of it "
            "(an order, no order and why)",
            task=task.task_id,
            partner=partner_id,
        )
    done = attrs.evolve(visit, done_on=on, result=result.strip(), order_id=order_id)
    visits = tuple(done if v is visit else v for v in task.visits)
    left = any(v.done_on is None for v in visits)
    return attrs.evolve(task, visits=visits, status=TaskStatus.PLANNED if left else TaskStatus.DONE)


def cancel_visits(task: RepresentativeTask, reason: str) -> RepresentativeTask:
    """The task cancelled for ``reason``; recorded visits stay, pending ones are not made."""
    _check_planned(task, "cancelling")
    if not reason.strip():
        raise CrmError(
            f"task {task.task_id!r} cannot be cancelled without a reason: say why",
            task=task.task_id,
        )
    return attrs.evolve(task, status=TaskStatus.CANCELLED, comment=reason.strip())


@attrs.frozen
class RepresentativeRow:
    """One representative's tasks in a period.

    Attributes:
        representative: who.
        tasks: tasks counted (planned, done or cancelled).
        visits_planned: clients on those tasks.
        visits_made: visits recorded.
        order_visits: visits made whose purpose was to take an order.
        orders_taken: visits that took an order (whatever their purpose).
        strike_rate: orders taken at order visits ÷ order visits made, to four places
            (0 when no order visit was made).
    """

    representative: str
    tasks: int
    visits_planned: int
    visits_made: int
    order_visits: int
    orders_taken: int
    strike_rate: Decimal


@attrs.frozen
class RepresentativePerformance:
    """Representatives' tasks summed per representative, in name order."""

    rows: tuple[RepresentativeRow, ...]

    def to_records(self) -> list[Record]:
        """One row per representative."""
        return [attrs.asdict(r) for r in self.rows]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="representatives' tasks")


def representative_performance(
    tasks: Iterable[RepresentativeTask], *, start: date | None = None, end: date | None = None
) -> RepresentativePerformance:
    """Each representative's tasks planned from ``start`` to ``end`` (inclusive): visits
    planned and made, orders taken, strike rate."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for task in tasks:
        if (start and task.day < start) or (end and task.day > end):
            continue
        row = counts[task.representative]
        row[0] += 1
        row[1] += len(task.visits)
        for visit in task.visits:
            if visit.done_on is None:
                continue
            row[2] += 1
            row[4] += visit.order_id is not None
            if visit.purpose is VisitPurpose.TAKE_ORDER:
                row[3] += 1
                row[5] += visit.order_id is not None
    rows = []
    for name in sorted(counts):
        n_tasks, planned, made, order_visits, taken, hits = counts[name]
        rate = (
            CTX.divide(Decimal(hits), Decimal(order_visits)).quantize(_FOUR, "ROUND_HALF_UP", CTX)
            if order_visits
            else Decimal("0.0000")
        )
        rows.append(RepresentativeRow(name, n_tasks, planned, made, order_visits, taken, rate))
    return RepresentativePerformance(tuple(rows))
