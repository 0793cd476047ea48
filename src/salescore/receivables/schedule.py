"""Payment schedules [график оплаты]: when each part of an order is to be paid.

A :class:`PaymentScheduleTemplate` is a list of stages. Each stage is an
*advance* [аванс] paid before the goods are secured, a *prepayment*
[предоплата] paid before shipment, or a *credit* stage [кредит] paid after
it; it takes a percent of the total (or whatever remains), and is due a
number of calendar or working days after an event (the order date, the
shipment date, or the end of either one's month) or *before* the planned
shipment. Working days come
from the :class:`~salescore.dates.BusinessCalendar` given when the schedule is
generated, so revenue can be planned by day.

Stage amounts come from :func:`~salescore.money.allocate`: they always sum
exactly to the total, and the leftover kopecks land deterministically.

>>> from datetime import date
>>> from salescore.dates import BusinessCalendar
>>> from salescore.money import Money
>>> template = PaymentScheduleTemplate("ADV30", "30% advance, 70% after shipment", (
...     ScheduleStage(StageKind.ADVANCE, percent=Decimal(30)),
...     ScheduleStage(StageKind.CREDIT, days=14, day_count=DayCount.WORKING,
...                   event=DueEvent.SHIPMENT),
... ))
>>> new_year = BusinessCalendar("RU 2026", holidays=frozenset(
...     date(2026, 1, d) for d in range(1, 9)))
>>> schedule = template.generate(Money("100000.01", "RUB"), date(2025, 12, 25),
...                              date(2025, 12, 29), new_year)
>>> for stage in schedule.stages:
...     print(stage.kind.value, stage.due_date, stage.amount)
advance 2025-12-25 30000.00 RUB
credit 2026-01-26 70000.01 RUB

An advance cannot be due after the shipment it pays for:

>>> ScheduleStage(StageKind.ADVANCE, percent=Decimal(50), days=3, event=DueEvent.SHIPMENT)
Traceback (most recent call last):
...
salescore.errors.ScheduleError: an advance stage is paid before shipment, so 'due 3 calendar ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from salescore.dates import BusinessCalendar, RollConvention, end_of_month
from salescore.errors import InvalidInputError, ScheduleError
from salescore.explain import Explanation, Step
from salescore.money import Money, allocate, to_decimal, total
from salescore.money._context import CTX
from salescore.records import Record, html_table

__all__ = [
    "DayCount",
    "DueEvent",
    "PaymentSchedule",
    "PaymentScheduleTemplate",
    "PlannedStage",
    "ScheduleStage",
    "StageKind",
]

_HUNDRED = Decimal(100)
_PART_PERCENT = Decimal("0.0001")


class StageKind(enum.Enum):
    """When a stage is paid: before securing, before shipment, or after shipment.

    The three kinds of 1C's ``ВариантыОплатыКлиентом``: a paid *advance*
    guards securing the goods (reservation), a paid *prepayment* guards
    shipping them, and a *credit* stage is debt after shipment.
    """

    ADVANCE = "advance"
    """Before securing [аванс до обеспечения]."""
    PREPAYMENT = "prepayment"
    """Before shipment [предоплата до отгрузки]."""
    CREDIT = "credit"
    """After shipment [кредит после отгрузки]."""

    @property
    def is_before_shipment(self) -> bool:
        """True for advance and prepayment stages (paid before the goods leave)."""
        return self is not StageKind.CREDIT


class DayCount(enum.Enum):
    """How the days of a due-date rule are counted."""

    CALENDAR = "calendar"
    WORKING = "working"


class DueEvent(enum.Enum):
    """The event a stage's days are counted from."""

    ORDER = "order"
    """The order date."""
    SHIPMENT = "shipment"
    """The (planned or actual) shipment date."""
    ORDER_MONTH_END = "order_month_end"
    """The last day of the order's month."""
    SHIPMENT_MONTH_END = "shipment_month_end"
    """The last day of the shipment's month."""
    BEFORE_SHIPMENT = "before_shipment"
    """The planned shipment date, counting the days *back* from it (advance and
    prepayment stages: "due 2 working days before shipment")."""

    @property
    def needs_shipment(self) -> bool:
        """True if the event is the shipment, its month end, or counts back from it."""
        return self in (DueEvent.SHIPMENT, DueEvent.SHIPMENT_MONTH_END, DueEvent.BEFORE_SHIPMENT)


def _percent(value: object) -> Decimal | None:
    if value is None:
        return None
    return to_decimal(value, "percent")


@attrs.frozen
class ScheduleStage:
    """One stage of a template.

    Attributes:
        kind: advance (before shipment) or credit (after shipment).
        percent: the share of the total, ``0 < percent <= 100``; ``None`` means
            "the remainder" (100 minus the other stages).
        days: days after ``event`` (zero: due on the event's day).
        day_count: calendar or working days (working days use the calendar
            given to :meth:`PaymentScheduleTemplate.generate`).
        event: what the days are counted from.
        parts: pay the stage in this many equal parts (the odd kopeck goes to
            the earliest part, by largest remainder).
        every_days: days between two parts (counted like ``days``).
    """

    kind: StageKind
    percent: Decimal | None = attrs.field(default=None, converter=_percent)
    days: int = 0
    day_count: DayCount = DayCount.CALENDAR
    event: DueEvent = DueEvent.ORDER
    parts: int = 1
    every_days: int = 0

    def __attrs_post_init__(self) -> None:
        if self.percent is not None and not 0 < self.percent <= _HUNDRED:
            raise ScheduleError(
                f"a stage percent must be above 0 and at most 100, got {self.percent}: "
                "leave it out to take the remainder",
                value=self.percent,
            )
        if self.days < 0:
            raise ScheduleError(
                f"a stage is due N days after an event, N >= 0; got {self.days}",
                value=self.days,
            )
        if self.parts < 1 or self.every_days < 0:
            raise ScheduleError(
                f"a stage is paid in 1 or more parts at least 0 days apart; got {self.parts} "
                f"parts every {self.every_days} days",
                value=self.parts,
            )
        if (
            self.kind.is_before_shipment
            and self.event in (DueEvent.SHIPMENT, DueEvent.SHIPMENT_MONTH_END)
            and self.days > 0
        ):
            raise ScheduleError(
                f"an advance stage is paid before shipment, so '{self.rule}' can never be met: "
                "make it a credit stage or anchor it to the order date",
                value=self.rule,
            )

    @property
    def rule(self) -> str:
        """The due-date rule in words: ``due 14 working day(s) after shipment``."""
        event = self.event.value.replace("_", " ")
        if self.event is DueEvent.BEFORE_SHIPMENT:
            if self.days == 0:
                return "due on shipment"
            return f"due {self.days} {self.day_count.value} day(s) before shipment"
        if self.days == 0:
            return f"due on {event}"
        return f"due {self.days} {self.day_count.value} day(s) after {event}"

    def split(self) -> tuple[ScheduleStage, ...]:
        """The stage as its equal parts, earliest first (itself when it has one part).

        Part *k* is due ``every_days`` × *k* days later than the first; counted
        back from the shipment, the last part keeps the stage's own ``days``.
        """
        if self.parts == 1:
            return (self,)
        last = self.parts - 1
        return tuple(
            attrs.evolve(
                self,
                percent=None,
                days=self.days
                + self.every_days * (last - k if self.event is DueEvent.BEFORE_SHIPMENT else k),
                parts=1,
                every_days=0,
            )
            for k in range(self.parts)
        )

    def due_date(
        self,
        order_date: date,
        shipment_date: date | None,
        calendar: BusinessCalendar,
        roll: RollConvention | None = None,
    ) -> date:
        """The due date for an order of ``order_date`` shipped on ``shipment_date``."""
        if self.event.needs_shipment:
            if shipment_date is None:
                raise ScheduleError(
                    f"stage '{self.rule}' needs a shipment date: give the planned shipment date"
                )
            anchor = shipment_date
        else:
            anchor = order_date
        if self.event in (DueEvent.ORDER_MONTH_END, DueEvent.SHIPMENT_MONTH_END):
            anchor = end_of_month(anchor)
        days = -self.days if self.event is DueEvent.BEFORE_SHIPMENT else self.days
        try:
            if self.day_count is DayCount.WORKING:
                due = calendar.add_working_days(anchor, days)
            else:
                due = BusinessCalendar.add_calendar_days(anchor, days)
                if roll is not None:
                    due = calendar.roll(due, roll)
        except InvalidInputError as exc:
            raise ScheduleError(
                f"stage '{self.rule}' can never be met with calendar {calendar.name!r}: {exc}",
                value=self.rule,
            ) from exc
        return due


def _stages(stages: Iterable[ScheduleStage]) -> tuple[ScheduleStage, ...]:
    return tuple(stages)


def _sum_percents(stages: Iterable[ScheduleStage]) -> Decimal:
    # In the library context, whatever the caller's.
    explicit = Decimal(0)
    for stage in stages:
        if stage.percent is not None:
            explicit = CTX.add(explicit, stage.percent)
    return explicit


def _check_stages(instance: PaymentScheduleTemplate, _attr: object, stages: object) -> None:
    if not isinstance(stages, tuple) or not stages:
        raise ScheduleError(f"template {instance.id!r} has no stages: give at least one")
    remainders = [s for s in stages if s.percent is None]
    if len(remainders) > 1:
        raise ScheduleError(
            f"template {instance.id!r} has {len(remainders)} remainder stages: at most one "
            "stage may leave out its percent"
        )
    explicit = _sum_percents(stages)
    if explicit > _HUNDRED:
        raise ScheduleError(
            f"template {instance.id!r}: stage percents sum to {explicit}, more than 100; "
            "lower them so they sum to 100",
            template=instance.id,
            value=explicit,
        )
    if remainders and explicit == _HUNDRED:
        raise ScheduleError(
            f"template {instance.id!r}: the percents already sum to 100, so the remainder "
            "stage would get nothing; remove it",
            template=instance.id,
        )
    if not remainders and explicit != _HUNDRED:
        raise ScheduleError(
            f"template {instance.id!r}: stage percents sum to {explicit}, not 100; "
            "fix them or let one stage take the remainder",
            template=instance.id,
            value=explicit,
        )


@attrs.frozen
class PaymentScheduleTemplate:
    """A reusable payment schedule [шаблон графика оплаты], referenced by agreements by id.

    Attributes:
        id: stable identifier (agreements store it).
        name: shown to people.
        stages: the stages in payment order.
        roll: for calendar-day rules, how to move a due date that falls on a
            non-working day (``None``: keep it).
        calendar_id: the business calendar the application should pass to
            :meth:`generate` (``None``: its default calendar).
    """

    id: str
    name: str
    stages: tuple[ScheduleStage, ...] = attrs.field(converter=_stages, validator=_check_stages)
    roll: RollConvention | None = None
    calendar_id: str | None = None

    def weights(self) -> tuple[Decimal, ...]:
        """The percent of each stage, the remainder filled in."""
        remainder = CTX.subtract(_HUNDRED, _sum_percents(self.stages))
        return tuple(remainder if s.percent is None else s.percent for s in self.stages)

    def generate(
        self,
        amount: Money,
        order_date: date,
        shipment_date: date | None,
        calendar: BusinessCalendar,
    ) -> PaymentSchedule:
        """The schedule of an order of ``total`` dated ``order_date``.

        Args:
            amount: the order total; the stage amounts sum exactly to it.
            order_date: the order date.
            shipment_date: the planned (or actual) shipment date; needed when a
                stage counts from shipment.
            calendar: the calendar for working days and rolling.

        Raises:
            ScheduleError: a stage needs a shipment date that is missing, a rule
                can never be met with the calendar, or an advance would fall
                due after the shipment.
        """
        if shipment_date is not None and shipment_date < order_date:
            raise ScheduleError(
                f"shipment date {shipment_date} is before order date {order_date}: "
                "an order ships on or after its date"
            )
        weights = self.weights()
        amounts = allocate(amount, weights)
        planned: list[PlannedStage] = []
        for index, (whole, whole_weight, whole_share) in enumerate(
            zip(self.stages, weights, amounts, strict=True)
        ):
            self._plan(
                planned,
                index,
                whole,
                whole_weight,
                whole_share,
                order_date,
                shipment_date,
                calendar,
            )
        return PaymentSchedule(self.id, amount, tuple(planned), calendar.name)

    def _plan(
        self,
        planned: list[PlannedStage],
        index: int,
        whole: ScheduleStage,
        whole_weight: Decimal,
        whole_share: Money,
        order_date: date,
        shipment_date: date | None,
        calendar: BusinessCalendar,
    ) -> None:
        parts = whole.split()
        shares = allocate(whole_share, [1] * len(parts))
        for number, (stage, share) in enumerate(zip(parts, shares, strict=True)):
            weight = whole_weight
            rule = stage.rule
            if len(parts) > 1:
                weight = CTX.divide(whole_weight, len(parts)).quantize(_PART_PERCENT, context=CTX)
                rule = f"{stage.rule}, part {number + 1} of {len(parts)}"
            due = stage.due_date(order_date, shipment_date, calendar, self.roll)
            if stage.event is DueEvent.BEFORE_SHIPMENT:
                # Counting back from shipment may land before the order: due at once.
                due = max(due, order_date)
            if stage.kind.is_before_shipment and shipment_date is not None and due > shipment_date:
                raise ScheduleError(
                    f"template {self.id!r}, stage {index + 1}: the advance falls due on {due}, "
                    f"after the shipment on {shipment_date}; it can never be met — move the "
                    "shipment or shorten the rule",
                    template=self.id,
                    stage=index,
                )
            planned.append(PlannedStage(len(planned), stage.kind, due, share, weight, rule))


@attrs.frozen
class PlannedStage:
    """A stage of a generated schedule: what is to be paid, and by when."""

    index: int
    kind: StageKind
    due_date: date
    amount: Money
    percent: Decimal
    rule: str

    def to_records(self) -> list[Record]:
        """One typed row: ``stage`` (1-based), ``kind``, ``due_date``, ``amount``,
        ``currency``, ``percent``, ``rule``."""
        return [
            {
                "stage": self.index + 1,
                "kind": self.kind.value,
                "due_date": self.due_date,
                "amount": self.amount.amount,
                "currency": self.amount.currency.code,
                "percent": self.percent,
                "rule": self.rule,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"stage {self.index + 1}")


@attrs.frozen
class PaymentSchedule:
    """The payment schedule of one order: planned stages summing to ``total``."""

    template_id: str
    total: Money
    stages: tuple[PlannedStage, ...]
    calendar: str = "calendar"

    @property
    def advance(self) -> Money:
        """The amount due before shipment (advance and prepayment stages)."""
        advances = (s.amount for s in self.stages if s.kind.is_before_shipment)
        return total(advances, self.total.currency)

    def to_records(self) -> list[Record]:
        """One typed row per stage: ``stage`` (1-based), ``kind``, ``due_date``, ``amount``,
        ``currency``, ``percent``, ``rule`` and ``template_id``."""
        return [
            {**record, "template_id": self.template_id}
            for stage in self.stages
            for record in stage.to_records()
        ]

    def _repr_html_(self) -> str:
        columns = ("stage", "kind", "due_date", "amount", "currency", "percent", "rule")
        records = [{k: r[k] for k in columns} for r in self.to_records()]
        caption = f"payment schedule {self.template_id} of {self.total}"
        return html_table(records, caption=caption, columns=columns)

    def of_kind(self, kind: StageKind) -> tuple[PlannedStage, ...]:
        """The stages of one kind, in payment order."""
        return tuple(s for s in self.stages if s.kind is kind)

    def explain(self) -> Explanation:
        """How each stage's amount and due date came about."""
        steps = [
            Step(
                f"stage {s.index + 1}: {s.kind.value} {s.percent}%, {s.rule}",
                f"{s.amount} on {s.due_date.isoformat()}",
                source=f"template {self.template_id}, calendar {self.calendar}",
            )
            for s in self.stages
        ]
        return Explanation(f"payment schedule of {self.total}", tuple(steps))
