"""Transport tasks [задание на перевозку]: one trip of one vehicle on one day.

A task is formed from a trip of a packing and the route of its stops; it
then goes *formed → loading → on the way → done*, or is cancelled before it
leaves (:func:`advance`). The route sheet [маршрутный лист] is its printed
form (:mod:`salescore.forms`).

>>> from datetime import date, time
>>> task = TransportTask("TT-1", date(2026, 3, 5), VehicleId("V1"), starts=time(9),
...                      ends=time(12), stops=())
>>> advance(task, TaskStatus.LOADING).status.value
'loading'
>>> advance(task, TaskStatus.DONE)
Traceback (most recent call last):
...
salescore.errors.DeliveryError: transport task 'TT-1' is formed: it can go to loading or ...
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal
from functools import reduce

import attrs

from salescore.delivery.model import Place, TimeWindow, VehicleId
from salescore.errors import DeliveryError
from salescore.explain import Explanation, Step
from salescore.money._context import EXACT
from salescore.records import Record, html_table

__all__ = ["TaskLine", "TaskStatus", "TaskStop", "TransportTask", "advance", "next_statuses"]


class TaskStatus(enum.Enum):
    """Where a transport task is."""

    FORMED = "formed"
    """Planned [сформировано]: the goods may still change."""
    LOADING = "loading"
    """Being loaded [к погрузке]."""
    ON_THE_WAY = "on_the_way"
    """Left the warehouse [в пути]."""
    DONE = "done"
    """Every stop served [выполнено]."""
    CANCELLED = "cancelled"
    """Not going [отменено]; frees the vehicle."""


_NEXT: dict[TaskStatus, tuple[TaskStatus, ...]] = {
    TaskStatus.FORMED: (TaskStatus.LOADING, TaskStatus.CANCELLED),
    TaskStatus.LOADING: (TaskStatus.ON_THE_WAY, TaskStatus.CANCELLED),
    TaskStatus.ON_THE_WAY: (TaskStatus.DONE,),
    TaskStatus.DONE: (),
    TaskStatus.CANCELLED: (),
}


def next_statuses(status: TaskStatus) -> tuple[TaskStatus, ...]:
    """The statuses a task in ``status`` may go to."""
    return _NEXT[status]


@attrs.frozen
class TaskLine:
    """Goods of one product delivered at a stop."""

    product_id: str
    quantity: Decimal


@attrs.frozen
class TaskStop:
    """A stop of the task: whose goods, where, when.

    Attributes:
        seq: the stop's number on the route.
        directive_id: the shipment or goods issue delivered.
        partner_id: the client.
        place: the address (None when the directive gave none).
        window: the desired time window.
        arrival: the planned arrival.
        contact: whom to call.
        lines: the goods unloaded here (a part, when the directive was split).
        weight_kg, volume_m3: of those goods.
        whole: False when other trips carry the rest of the directive.
    """

    seq: int
    directive_id: str
    partner_id: str
    place: Place | None
    window: TimeWindow | None
    arrival: time
    contact: str
    lines: tuple[TaskLine, ...]
    weight_kg: Decimal
    volume_m3: Decimal
    whole: bool = True


def _stops(value: Iterable[TaskStop]) -> tuple[TaskStop, ...]:
    return tuple(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class TransportTask:
    """A transport task [задание на перевозку]: a vehicle's trip on a day.

    Attributes:
        id: the task number.
        on: the day.
        vehicle_id: the vehicle.
        starts, ends: when the vehicle is held (leaves the depot, is back).
        stops: the stops in route order.
        driver, forwarder: the crew.
        status: formed, loading, on the way, done or cancelled.
        violations: the time windows the route misses, for people.
        vehicle_trip: the vehicle's trip number that day.
        version: the stored version (0 before the first save).
    """

    id: str
    on: date
    vehicle_id: VehicleId
    starts: time = attrs.field(kw_only=True)
    ends: time = attrs.field(kw_only=True)
    stops: tuple[TaskStop, ...] = attrs.field(kw_only=True, converter=_stops)
    driver: str = attrs.field(default="", kw_only=True)
    forwarder: str = attrs.field(default="", kw_only=True)
    status: TaskStatus = attrs.field(default=TaskStatus.FORMED, kw_only=True)
    violations: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_texts)
    vehicle_trip: int = attrs.field(default=1, kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.ends <= self.starts:
            raise DeliveryError(
                f"transport task {self.id!r} ends at {self.ends:%H:%M}, not after it starts "
                f"at {self.starts:%H:%M}: give a later end"
            )

    @property
    def weight_kg(self) -> Decimal:
        """The weight it carries."""
        return reduce(EXACT.add, (s.weight_kg for s in self.stops), Decimal(0))

    @property
    def volume_m3(self) -> Decimal:
        """The volume it carries."""
        return reduce(EXACT.add, (s.volume_m3 for s in self.stops), Decimal(0))

    @property
    def directive_ids(self) -> tuple[str, ...]:
        """The directives it delivers (all or part of)."""
        return tuple(s.directive_id for s in self.stops)

    @property
    def holds_vehicle(self) -> bool:
        """Not cancelled: the vehicle is booked for it."""
        return self.status is not TaskStatus.CANCELLED

    def overlaps(self, other: TransportTask) -> bool:
        """Both hold the same vehicle on the same day at overlapping times."""
        return (
            self.id != other.id
            and self.vehicle_id == other.vehicle_id
            and self.on == other.on
            and self.holds_vehicle
            and other.holds_vehicle
            and self.starts < other.ends
            and other.starts < self.ends
        )

    def explain(self) -> Explanation:
        """The vehicle, the time, each stop and the missed windows."""
        steps = [
            Step("vehicle", self.vehicle_id, f"trip {self.vehicle_trip}"),
            Step("time", f"{self.starts:%H:%M}-{self.ends:%H:%M}"),
            Step("load", f"{self.weight_kg:f} kg, {self.volume_m3:f} m3"),
        ]
        steps += [
            Step(
                f"{s.seq}. {s.directive_id} ({s.partner_id})",
                f"{s.arrival:%H:%M}",
                s.place.address if s.place else "",
            )
            for s in self.stops
        ]
        steps += [Step("window missed", v) for v in self.violations]
        return Explanation(
            f"transport task {self.id} of {self.on.isoformat()}, {self.status.value}",
            tuple(steps),
        )

    def to_records(self) -> list[Record]:
        """One row per stop."""
        return [
            {
                "task": self.id,
                "on": self.on,
                "vehicle": self.vehicle_id,
                "status": self.status.value,
                "seq": s.seq,
                "directive": s.directive_id,
                "partner": s.partner_id,
                "address": s.place.address if s.place else None,
                "window": str(s.window) if s.window else None,
                "arrival": f"{s.arrival:%H:%M}",
                "weight_kg": s.weight_kg,
                "volume_m3": s.volume_m3,
            }
            for s in self.stops
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"transport task {self.id}")


def advance(task: TransportTask, to: TaskStatus) -> TransportTask:
    """The task in status ``to``.

    Raises:
        DeliveryError: ``to`` does not follow the task's status (formed → loading
            → on the way → done; cancelled only before it leaves).
    """
    allowed = _NEXT[task.status]
    if to not in allowed:
        names = " or ".join(s.value.replace("_", " ") for s in allowed) or "nowhere"
        raise DeliveryError(
            f"transport task {task.id!r} is {task.status.value.replace('_', ' ')}: it can go "
            f"to {names}, not {to.value.replace('_', ' ')}",
            task=task.id,
            status=task.status.value,
        )
    return attrs.evolve(task, status=to)
