"""Vehicle use planning [планирование использования транспорта] (E6).

A vehicle is held by its transport tasks that are not cancelled, each from
its start to its end on its day; a task that overlaps another of the same
vehicle is refused (:func:`check_booking`). :func:`occupancy` lists who holds
which vehicle when; :func:`can_go` answers a dispatcher's question "can this
order go on Thursday?" from the room left on the day's formed trips and the
vehicles' free time.

>>> from datetime import date, time
>>> from salescore.delivery.model import VehicleId
>>> a = TransportTask("T1", date(2026, 3, 5), VehicleId("V1"), starts=time(9), ends=time(12),
...                   stops=())
>>> b = TransportTask("T2", date(2026, 3, 5), VehicleId("V1"), starts=time(11), ends=time(13),
...                   stops=())
>>> check_booking(b, [a])
Traceback (most recent call last):
...
salescore.errors.VehicleBookedError: vehicle 'V1' is held on 2026-03-05 from 09:00 to 12:00 by ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal

import attrs

from salescore.delivery.model import Vehicle, VehicleId, _measures_text
from salescore.delivery.packing import Directive
from salescore.delivery.tasks import TaskStatus, TransportTask
from salescore.errors import VehicleBookedError
from salescore.explain import Explanation, Step
from salescore.money._context import CTX, EXACT
from salescore.records import Record, html_table

__all__ = ["Answer", "Occupancy", "OccupancyRow", "can_go", "check_booking", "occupancy"]


def check_booking(task: TransportTask, others: Iterable[TransportTask]) -> None:
    """Refuse ``task`` if another task holds its vehicle at an overlapping time.

    Raises:
        VehicleBookedError: names the vehicle, the day and the other task.
    """
    for other in others:
        if task.overlaps(other):
            raise VehicleBookedError(
                f"vehicle {task.vehicle_id!r} is held on {task.on.isoformat()} from "
                f"{other.starts:%H:%M} to {other.ends:%H:%M} by task {other.id!r}; task "
                f"{task.id!r} asks {task.starts:%H:%M}-{task.ends:%H:%M}: move it or use "
                "another vehicle",
                vehicle=task.vehicle_id,
                on=task.on,
                task=other.id,
            )


@attrs.frozen
class OccupancyRow:
    """A vehicle held by a task, or free, for a span of the day."""

    vehicle_id: VehicleId
    starts: time
    ends: time
    task_id: str | None
    status: str
    weight_kg: Decimal
    volume_m3: Decimal
    load_percent: Decimal | None
    room_kg: Decimal | None = None
    room_m3: Decimal | None = None


@attrs.frozen
class Occupancy:
    """Every vehicle's day, from the shift's start to its end: held spans and free gaps."""

    on: date
    rows: tuple[OccupancyRow, ...]

    def to_records(self) -> list[Record]:
        """One row per span."""
        return [
            {
                "on": self.on,
                "vehicle": r.vehicle_id,
                "from": f"{r.starts:%H:%M}",
                "to": f"{r.ends:%H:%M}",
                "task": r.task_id,
                "status": r.status,
                "weight_kg": r.weight_kg,
                "volume_m3": r.volume_m3,
                "load_percent": r.load_percent,
                "room_kg": r.room_kg,
                "room_m3": r.room_m3,
            }
            for r in self.rows
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"vehicles on {self.on.isoformat()}")


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


def _free_from(held: Sequence[TransportTask], shift: tuple[time, time], minutes: int) -> int | None:
    """The first minute of the day from which ``minutes`` are free within ``shift``."""
    clock = _m(shift[0])
    for task in held:
        if _m(task.starts) - clock >= minutes:
            return clock
        clock = max(clock, _m(task.ends))
    return clock if _m(shift[1]) - clock >= minutes else None


def _held(tasks: Iterable[TransportTask], vehicle: VehicleId, on: date) -> list[TransportTask]:
    return sorted(
        (t for t in tasks if t.vehicle_id == vehicle and t.on == on and t.holds_vehicle),
        key=lambda t: (t.starts, t.id),
    )


def _room(capacity: Decimal | None, load: Decimal, status: TaskStatus) -> Decimal | None:
    """What a formed trip can still take (None: not bound, or no longer formed)."""
    if capacity is None or status is not TaskStatus.FORMED:
        return None
    return EXACT.subtract(capacity, load)


def occupancy(
    vehicles: Sequence[Vehicle],
    tasks: Iterable[TransportTask],
    on: date,
    shift: tuple[time, time] = (time(8), time(20)),
) -> Occupancy:
    """Each vehicle's held spans and free gaps on ``on`` within ``shift``.

    A formed trip shows the room it has left (``room_kg``, ``room_m3``): the free
    capacity of that day's trips. The load percent is the weight over the weight
    capacity (the volume when the vehicle is bound by volume only), to 0.1.
    """
    tasks = list(tasks)
    rows: list[OccupancyRow] = []
    zero = Decimal(0)
    for vehicle in vehicles:
        clock = shift[0]
        for task in _held(tasks, vehicle.id, on):
            if clock < task.starts:
                rows.append(
                    OccupancyRow(vehicle.id, clock, task.starts, None, "free", zero, zero, None)
                )
            if vehicle.capacity_kg is not None:
                percent = CTX.divide(CTX.multiply(task.weight_kg, 100), vehicle.capacity_kg)
            else:
                assert vehicle.capacity_m3 is not None
                percent = CTX.divide(CTX.multiply(task.volume_m3, 100), vehicle.capacity_m3)
            rows.append(
                OccupancyRow(
                    vehicle.id,
                    task.starts,
                    task.ends,
                    task.id,
                    task.status.value,
                    task.weight_kg,
                    task.volume_m3,
                    percent.quantize(Decimal("0.1"), ROUND_HALF_UP, CTX),
                    _room(vehicle.capacity_kg, task.weight_kg, task.status),
                    _room(vehicle.capacity_m3, task.volume_m3, task.status),
                )
            )
            clock = max(clock, task.ends)
        if clock < shift[1]:
            rows.append(OccupancyRow(vehicle.id, clock, shift[1], None, "free", zero, zero, None))
    return Occupancy(on, tuple(rows))


@attrs.frozen
class Answer:
    """Whether a directive can go on a day, how, and why."""

    yes: bool
    task_id: str | None
    vehicle_id: VehicleId | None
    explanation: Explanation

    def __bool__(self) -> bool:
        return self.yes


def can_go(
    directive: Directive,
    vehicles: Sequence[Vehicle],
    tasks: Iterable[TransportTask],
    on: date,
    *,
    needs_minutes: int = 120,
    shift: tuple[time, time] = (time(8), time(20)),
) -> Answer:
    """Can ``directive`` go on ``on``?

    Yes if a *formed* task of that day has room for its weight and volume on a
    vehicle that may carry it (the first such task by start), else if a vehicle
    that may carry it whole has ``needs_minutes`` free within ``shift`` for a
    new trip (the first in the fleet's order), else no, with each vehicle's
    reason.
    """
    tasks = list(tasks)
    kg, m3 = directive.weight_kg, directive.volume_m3
    subject = f"can {directive.id} ({kg:f} kg, {m3:f} m3) go on {on.isoformat()}?"
    reasons: list[Step] = []
    by_id = {v.id: v for v in vehicles}
    day = sorted((t for t in tasks if t.on == on), key=lambda t: (t.starts, t.id))
    for task in day:
        vehicle = by_id.get(task.vehicle_id)
        if vehicle is None:
            continue
        if task.status is not TaskStatus.FORMED:
            reasons.append(
                Step(
                    f"task {task.id} on {vehicle.id}",
                    f"{task.status.value.replace('_', ' ')}: takes no more",
                )
            )
            continue
        room_kg = _room(vehicle.capacity_kg, task.weight_kg, task.status)
        room_m3 = _room(vehicle.capacity_m3, task.volume_m3, task.status)
        if (
            vehicle.may_carry(directive.cargo)
            and (room_kg is None or kg <= room_kg)
            and (room_m3 is None or m3 <= room_m3)
        ):
            step = Step(
                f"task {task.id} on {vehicle.id} has room",
                f"{_measures_text(room_kg, room_m3)} free",
                f"{task.starts:%H:%M}-{task.ends:%H:%M}",
            )
            return Answer(True, task.id, vehicle.id, Explanation(subject, (*reasons, step)))
        reasons.append(
            Step(
                f"task {task.id} on {vehicle.id}",
                "no room",
                f"{_measures_text(room_kg, room_m3)} free",
            )
        )
    for vehicle in vehicles:
        if not vehicle.may_carry(directive.cargo):
            reasons.append(Step(f"vehicle {vehicle.id}", "may not carry its cargo"))
            continue
        if (vehicle.capacity_kg is not None and kg > vehicle.capacity_kg) or (
            vehicle.capacity_m3 is not None and m3 > vehicle.capacity_m3
        ):
            reasons.append(Step(f"vehicle {vehicle.id}", "too small for it whole"))
            continue
        free = _free_from(_held(tasks, vehicle.id, on), shift, needs_minutes)
        if free is not None:
            step = Step(
                f"vehicle {vehicle.id} is free for a new trip",
                f"from {free // 60:02d}:{free % 60:02d}",
                f"{needs_minutes} min needed",
            )
            return Answer(True, None, vehicle.id, Explanation(subject, (*reasons, step)))
        reasons.append(Step(f"vehicle {vehicle.id}", f"no {needs_minutes} free minutes"))
    return Answer(False, None, None, Explanation(subject, (*reasons, Step("no", "cannot go"))))
