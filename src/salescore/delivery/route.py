"""The order a trip visits its stops in, with arrival times and missed time windows.

The route heuristic (:func:`plan_route`), documented so a dispatcher can
predict it:

1. Stops with a time window go first, by the end of their window (earliest
   first); stops without a window go after them.
2. Among stops with the same window end (or without a window) the next is
   the nearest to where the vehicle is, when coordinates are known
   (straight-line distance; ties in the order given); without coordinates,
   stops follow the zone order given (zones not listed after, by name), then
   the order given.
3. Times: the vehicle leaves the depot at ``departure``; driving takes
   distance ÷ ``speed_kmh`` rounded up to a whole minute with coordinates,
   else ``zone_minutes`` between stops of different zones and
   ``same_zone_minutes`` within a zone; each stop takes ``stop_minutes``. A
   vehicle early for a window waits for its start.
4. A stop reached after its window's end is a :class:`WindowViolation`,
   listed with the minutes late; the route is kept (the dispatcher decides).

>>> from datetime import time
>>> from salescore.delivery.model import Place, TimeWindow
>>> stops = [
...     RoutePoint("A", Place("far", x=10, y=0)),
...     RoutePoint("B", Place("near", x=2, y=0)),
...     RoutePoint("C", Place("late", x=4, y=0), TimeWindow(time(9), time(9, 10))),
... ]
>>> route = plan_route(stops, RouteSettings(Place("depot", x=0, y=0), departure=time(9)))
>>> [(s.directive_id, f"{s.arrival:%H:%M}") for s in route.stops]
[('C', '09:08'), ('B', '09:27'), ('A', '09:58')]
>>> route.violations
()
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from datetime import time

import attrs

from salescore.delivery.model import Place, TimeWindow
from salescore.errors import DeliveryError
from salescore.explain import Explanation, Step
from salescore.money._context import EXACT
from salescore.records import Record, html_table

__all__ = ["Route", "RoutePoint", "RouteSettings", "RouteStop", "WindowViolation", "plan_route"]

_DAY = 24 * 60
_CONTEXT = decimal.Context(prec=34, traps=[decimal.InvalidOperation, decimal.DivisionByZero])


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@attrs.frozen
class RoutePoint:
    """A stop to visit: a directive's place and window."""

    directive_id: str
    place: Place | None
    window: TimeWindow | None = None


def _speed(value: object) -> decimal.Decimal:
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    if isinstance(value, float) or not number.is_finite() or number <= 0:
        raise DeliveryError(f"a speed must be above zero km/h, got {value!r}")
    return number


@attrs.frozen
class RouteSettings:
    """Where trips start and how long driving and stops take.

    Attributes:
        depot: where the vehicle starts and returns (our warehouse).
        departure: when it leaves.
        speed_kmh: average speed over straight-line distance.
        stop_minutes: time at each stop.
        zone_minutes: driving between zones when there are no coordinates.
        same_zone_minutes: driving within a zone when there are no coordinates.
        zones: the order zones are driven in.
    """

    depot: Place | None = None
    departure: time = time(9)
    speed_kmh: decimal.Decimal = attrs.field(default=decimal.Decimal(30), converter=_speed)
    stop_minutes: int = 15
    zone_minutes: int = 30
    same_zone_minutes: int = 10
    zones: tuple[str, ...] = ()


@attrs.frozen
class RouteStop:
    """A stop of the route: its sequence number, arrival and departure."""

    seq: int
    directive_id: str
    place: Place | None
    window: TimeWindow | None
    arrival: time
    leave: time


@attrs.frozen
class WindowViolation:
    """A stop the vehicle reaches after its window ends."""

    directive_id: str
    window: TimeWindow
    arrival: time
    minutes_late: int

    def __str__(self) -> str:
        return (
            f"{self.directive_id}: arrives {self.arrival:%H:%M}, window {self.window}, "
            f"{self.minutes_late} min late"
        )


@attrs.frozen
class Route:
    """The stops in visiting order, when the vehicle is back, and the missed windows."""

    stops: tuple[RouteStop, ...]
    departure: time
    back: time
    violations: tuple[WindowViolation, ...]

    def explain(self) -> Explanation:
        """Each stop with its arrival and window."""
        steps = [Step("leave the depot", f"{self.departure:%H:%M}")]
        steps += [
            Step(
                f"{s.seq}. {s.directive_id}" + (f" at {s.place.address}" if s.place else ""),
                f"{s.arrival:%H:%M}",
                f"window {s.window}" if s.window else "no window",
            )
            for s in self.stops
        ]
        steps.append(Step("back at the depot", f"{self.back:%H:%M}"))
        steps += [Step("window missed", str(v)) for v in self.violations]
        return Explanation("route", tuple(steps))

    def to_records(self) -> list[Record]:
        """One row per stop."""
        late = {v.directive_id: v.minutes_late for v in self.violations}
        return [
            {
                "seq": s.seq,
                "directive": s.directive_id,
                "address": s.place.address if s.place else None,
                "zone": s.place.zone if s.place else None,
                "window": str(s.window) if s.window else None,
                "arrival": f"{s.arrival:%H:%M}",
                "minutes_late": late.get(s.directive_id, 0),
            }
            for s in self.stops
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="route")


def _distance2(a: Place | None, b: Place | None) -> decimal.Decimal | None:
    if a is None or b is None or a.x is None or b.x is None:
        return None
    assert a.y is not None
    assert b.y is not None
    dx, dy = EXACT.subtract(a.x, b.x), EXACT.subtract(a.y, b.y)
    return EXACT.add(EXACT.multiply(dx, dx), EXACT.multiply(dy, dy))


def _drive(a: Place | None, b: Place | None, settings: RouteSettings) -> int:
    d2 = _distance2(a, b)
    if d2 is not None:
        with decimal.localcontext(_CONTEXT):
            hours = d2.sqrt() / settings.speed_kmh
            return math.ceil(hours * 60)
    if a is None or b is None or a.zone != b.zone:
        return settings.zone_minutes
    return settings.same_zone_minutes


def _order(points: Sequence[RoutePoint], settings: RouteSettings) -> list[RoutePoint]:
    zone_rank = {z: i for i, z in enumerate(settings.zones)}
    groups: dict[int | None, list[int]] = {}
    for i, p in enumerate(points):
        groups.setdefault(_minutes(p.window.end) if p.window else None, []).append(i)
    keys = sorted(k for k in groups if k is not None) + ([None] if None in groups else [])
    ordered: list[RoutePoint] = []
    here = settings.depot
    for key in keys:
        left = groups[key]
        while left:
            near = [(_distance2(here, points[i].place), n, i) for n, i in enumerate(left)]
            known = [x for x in near if x[0] is not None]
            if known:
                _, n, _ = min(known, key=lambda x: (x[0], x[1]))
            else:

                def by_zone(x: tuple[object, int, int]) -> tuple[int, str, int]:
                    place = points[x[2]].place
                    zone = place.zone if place else ""
                    return (zone_rank.get(zone, len(zone_rank)), zone, x[1])

                _, n, _ = min(near, key=by_zone)
            chosen = points[left.pop(n)]
            ordered.append(chosen)
            here = chosen.place
    return ordered


def plan_route(points: Sequence[RoutePoint], settings: RouteSettings) -> Route:
    """Order ``points`` by the heuristic in the module docs and time the route.

    Raises:
        DeliveryError: a stop is given twice, or the route runs past midnight.
    """
    if len({p.directive_id for p in points}) != len(points):
        raise DeliveryError("a stop is given twice: give each directive once per route")
    clock = _minutes(settings.departure)
    here = settings.depot
    stops: list[RouteStop] = []
    violations: list[WindowViolation] = []
    for seq, point in enumerate(_order(points, settings), start=1):
        clock += _drive(here, point.place, settings)
        if point.window is not None and clock < _minutes(point.window.start):
            clock = _minutes(point.window.start)
        if clock >= _DAY:
            raise DeliveryError(
                f"the route reaches {point.directive_id!r} after midnight: "
                "split the trip or leave earlier"
            )
        arrival = clock
        if point.window is not None and arrival > _minutes(point.window.end):
            violations.append(
                WindowViolation(
                    point.directive_id,
                    point.window,
                    _time(arrival),
                    arrival - _minutes(point.window.end),
                )
            )
        clock += settings.stop_minutes
        stops.append(
            RouteStop(
                seq,
                point.directive_id,
                point.place,
                point.window,
                _time(arrival),
                _time(min(clock, _DAY - 1)),
            )
        )
        here = point.place
    clock += _drive(here, settings.depot, settings) if stops else 0
    if clock >= _DAY:
        raise DeliveryError("the route returns after midnight: split the trip or leave earlier")
    return Route(tuple(stops), settings.departure, _time(clock), tuple(violations))
