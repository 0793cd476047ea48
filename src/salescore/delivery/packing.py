"""Packing delivery directives into trips without exceeding a vehicle's capacity.

A delivery directive [распоряжение на доставку] is what one shipment or goods
issue asks to carry: its lines, each with the weight and volume of one unit
and the smallest unit the product allows (one piece; 0.001 kg for weighed
goods). Its weight and volume are the sums over its lines, exactly.

The packing rule (:func:`pack`), first-fit decreasing in two measures:

1. Each directive's *share* is the larger of its weight over the largest
   weight capacity of the fleet and its volume over the largest volume
   capacity. Directives go in decreasing share (ties: in the order given).
2. A directive goes whole into the first open trip (in opening order) whose
   vehicle may carry its cargo classes and has room for both its weight and
   its volume.
3. Else a new trip opens on a vehicle that may carry it and takes it whole:
   the one with the fewest trips so far (ties: the fleet's order). A vehicle
   may make several trips a day.
4. A directive no vehicle takes whole is split: new trips open on the
   vehicle with the largest capacity that may carry it, and each takes its
   lines in order, as many *whole units* as fit (never a fraction of a piece;
   weighed goods by their smallest unit), until the rest fits a vehicle whole;
   the rest is then packed by rules 2-3. Every split is explained.

>>> from decimal import Decimal as D
>>> from salescore.delivery.model import Vehicle, VehicleId
>>> truck = Vehicle(VehicleId("V1"), capacity_kg="1000")
>>> def directive(i, kg):
...     return Directive(i, (DirectiveLine("P", D(1), unit_kg=D(kg)),))
>>> packing = pack([directive("A", 400), directive("B", 500), directive("C", 300)], [truck])
>>> [(t.no, [x.directive_id for x in t.loads], t.weight_kg) for t in packing.trips]
[(1, ['B', 'A'], Decimal('900')), (2, ['C'], Decimal('300'))]
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from functools import reduce

import attrs

from salescore.delivery.model import GENERAL_CARGO, Place, TimeWindow, Vehicle, VehicleId
from salescore.errors import CargoRestrictionError, DeliveryError, MissingMeasureError
from salescore.explain import Explanation, Step
from salescore.money._context import EXACT
from salescore.records import Record, html_table

__all__ = [
    "Directive",
    "DirectiveLine",
    "Load",
    "Packing",
    "Split",
    "Trip",
    "pack",
]

_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_FLOOR, traps=[decimal.InvalidOperation])
_ZERO = decimal.Decimal(0)


def _sum(values: Iterable[decimal.Decimal]) -> decimal.Decimal:
    """The exact sum, whatever the caller's decimal context."""
    return reduce(EXACT.add, values, _ZERO)


def _positive(value: object) -> decimal.Decimal:
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    if isinstance(value, float) or not number.is_finite() or number <= 0:
        raise DeliveryError(f"a directive quantity must be above zero, got {value!r}")
    return number


def _measure(value: object) -> decimal.Decimal | None:
    if value is None:
        return None
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    if isinstance(value, float) or not number.is_finite() or number < 0:
        raise DeliveryError(f"a unit weight or volume must be 0 or more, got {value!r}")
    return number


@attrs.frozen
class DirectiveLine:
    """Goods of one product on a directive (or the part of them on one trip).

    Attributes:
        product_id: the product.
        quantity: how much, in the product's unit.
        unit_kg, unit_m3: weight and volume of one unit (None: unknown).
        step: the smallest unit the product allows (1 for pieces).
        cargo: the cargo class (product attribute ``cargo``).
    """

    product_id: str
    quantity: decimal.Decimal = attrs.field(converter=_positive)
    unit_kg: decimal.Decimal | None = attrs.field(default=None, converter=_measure, kw_only=True)
    unit_m3: decimal.Decimal | None = attrs.field(default=None, converter=_measure, kw_only=True)
    step: decimal.Decimal = attrs.field(
        default=decimal.Decimal(1), converter=_positive, kw_only=True
    )
    cargo: str = attrs.field(default=GENERAL_CARGO, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if EXACT.remainder(self.quantity, self.step):
            raise DeliveryError(
                f"{self.product_id}: {self.quantity:f} is not a whole number of its unit "
                f"{self.step}; give whole units",
            )

    @property
    def weight_kg(self) -> decimal.Decimal:
        """Quantity × unit weight (0 when unknown)."""
        return EXACT.multiply(self.quantity, self.unit_kg) if self.unit_kg is not None else _ZERO

    @property
    def volume_m3(self) -> decimal.Decimal:
        """Quantity × unit volume (0 when unknown)."""
        return EXACT.multiply(self.quantity, self.unit_m3) if self.unit_m3 is not None else _ZERO


def _lines(value: Iterable[DirectiveLine]) -> tuple[DirectiveLine, ...]:
    lines = tuple(value)
    if not lines:
        raise DeliveryError("a delivery directive has no goods: give at least one line")
    return lines


@attrs.frozen
class Directive:
    """A delivery directive [распоряжение на доставку]: goods of one document to one place.

    Attributes:
        id: the directive's id (the shipment's or goods issue's number).
        lines: the goods.
        partner_id: the client.
        place: where the goods go (None: the plan's route puts it last).
        window: the desired time window.
        contact: whom to call.
    """

    id: str
    lines: tuple[DirectiveLine, ...] = attrs.field(converter=_lines)
    partner_id: str = attrs.field(default="", kw_only=True)
    place: Place | None = attrs.field(default=None, kw_only=True)
    window: TimeWindow | None = attrs.field(default=None, kw_only=True)
    contact: str = attrs.field(default="", kw_only=True)

    @property
    def weight_kg(self) -> decimal.Decimal:
        """The weight of every line."""
        return _sum(x.weight_kg for x in self.lines)

    @property
    def volume_m3(self) -> decimal.Decimal:
        """The volume of every line."""
        return _sum(x.volume_m3 for x in self.lines)

    @property
    def cargo(self) -> frozenset[str]:
        """The cargo classes of its lines."""
        return frozenset(x.cargo for x in self.lines)


@attrs.frozen
class Load:
    """What one trip carries of one directive: all of it, or a part when it was split."""

    directive_id: str
    lines: tuple[DirectiveLine, ...]
    weight_kg: decimal.Decimal
    volume_m3: decimal.Decimal
    whole: bool = True


@attrs.frozen
class Trip:
    """One trip of one vehicle.

    Attributes:
        no: the trip's number in the plan (1, 2 …).
        vehicle_id: the vehicle.
        vehicle_trip: the vehicle's own trip number that day (1, 2 …).
        loads: what it carries, in loading order.
    """

    no: int
    vehicle_id: VehicleId
    vehicle_trip: int
    loads: tuple[Load, ...]

    @property
    def weight_kg(self) -> decimal.Decimal:
        """The weight it carries."""
        return _sum(x.weight_kg for x in self.loads)

    @property
    def volume_m3(self) -> decimal.Decimal:
        """The volume it carries."""
        return _sum(x.volume_m3 for x in self.loads)

    @property
    def directive_ids(self) -> tuple[str, ...]:
        """The directives it carries (all or part of)."""
        return tuple(x.directive_id for x in self.loads)


@attrs.frozen
class Split:
    """A directive no vehicle takes whole, spread over trips by whole units."""

    directive_id: str
    trips: tuple[int, ...]
    explanation: Explanation


@attrs.frozen
class Packing:
    """The trips a set of directives is packed into, and the splits it needed."""

    trips: tuple[Trip, ...]
    splits: tuple[Split, ...]

    def trips_of(self, directive_id: str) -> tuple[Trip, ...]:
        """The trips carrying (part of) ``directive_id``."""
        return tuple(t for t in self.trips if directive_id in t.directive_ids)

    def explain(self) -> Explanation:
        """Every trip with its load, then every split."""
        steps = [
            Step(
                f"trip {t.no}: vehicle {t.vehicle_id} (its trip {t.vehicle_trip})",
                f"{t.weight_kg:f} kg, {t.volume_m3:f} m3",
                ", ".join(x.directive_id + ("" if x.whole else " (part)") for x in t.loads),
            )
            for t in self.trips
        ]
        steps += [
            Step(f"split {s.directive_id}", ", ".join(map(str, s.trips)), detail=s.explanation)
            for s in self.splits
        ]
        return Explanation(f"{len(self.trips)} trips", tuple(steps))

    def to_records(self) -> list[Record]:
        """One row per trip and directive."""
        return [
            {
                "trip": t.no,
                "vehicle": t.vehicle_id,
                "vehicle_trip": t.vehicle_trip,
                "directive": x.directive_id,
                "whole": x.whole,
                "weight_kg": x.weight_kg,
                "volume_m3": x.volume_m3,
            }
            for t in self.trips
            for x in t.loads
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="trips")


_UNBOUND = decimal.Decimal("Infinity")


class _Open:
    """A trip being filled (mutable while packing); an unbound measure has infinite room."""

    __slots__ = ("carries", "loads", "no", "room_kg", "room_m3", "vehicle", "vehicle_trip")

    def __init__(self, no: int, vehicle: Vehicle, vehicle_trip: int) -> None:
        self.no = no
        self.vehicle = vehicle
        self.vehicle_trip = vehicle_trip
        self.carries = vehicle.carries
        self.room_kg = _UNBOUND if vehicle.capacity_kg is None else vehicle.capacity_kg
        self.room_m3 = _UNBOUND if vehicle.capacity_m3 is None else vehicle.capacity_m3
        self.loads: list[Load] = []

    def take(self, load: Load) -> None:
        self.loads.append(load)
        self.room_kg = EXACT.subtract(self.room_kg, load.weight_kg)
        self.room_m3 = EXACT.subtract(self.room_m3, load.volume_m3)


def _fits_empty(vehicle: Vehicle, kg: decimal.Decimal, m3: decimal.Decimal) -> bool:
    return (vehicle.capacity_kg is None or kg <= vehicle.capacity_kg) and (
        vehicle.capacity_m3 is None or m3 <= vehicle.capacity_m3
    )


def _check_measures(directives: Sequence[Directive], by_kg: bool, by_m3: bool) -> None:
    for d in directives:
        for line in d.lines:
            if by_kg and line.unit_kg is None:
                raise MissingMeasureError(
                    f"product {line.product_id!r} of directive {d.id!r} has no weight, and the "
                    "vehicles are bound by weight: set the product's weight_kg and plan again",
                    product=line.product_id,
                    measure="weight_kg",
                    directive=d.id,
                )
            if by_m3 and line.unit_m3 is None:
                raise MissingMeasureError(
                    f"product {line.product_id!r} of directive {d.id!r} has no volume, and the "
                    "vehicles are bound by volume: set the product's volume_m3 and plan again",
                    product=line.product_id,
                    measure="volume_m3",
                    directive=d.id,
                )


class _Packer:
    def __init__(self, vehicles: Sequence[Vehicle]) -> None:
        self.vehicles = vehicles
        self.trips: list[_Open] = []
        self.count = dict.fromkeys((v.id for v in vehicles), 0)
        self.splits: list[Split] = []

    def open(self, vehicle: Vehicle) -> _Open:
        self.count[vehicle.id] += 1
        trip = _Open(len(self.trips) + 1, vehicle, self.count[vehicle.id])
        self.trips.append(trip)
        return trip

    def place(
        self, directive: Directive, lines: tuple[DirectiveLine, ...], whole: bool
    ) -> _Open | None:
        """Rules 2 and 3: the first open trip that takes it, else a new trip; None if
        no vehicle takes it whole."""
        kg = _sum(x.weight_kg for x in lines)
        m3 = _sum(x.volume_m3 for x in lines)
        cargo = frozenset(x.cargo for x in lines)
        load = Load(directive.id, lines, kg, m3, whole)
        for trip in self.trips:
            if kg <= trip.room_kg and m3 <= trip.room_m3 and cargo <= trip.carries:
                trip.take(load)
                return trip
        best: Vehicle | None = None
        for vehicle in self.vehicles:
            if (
                vehicle.may_carry(cargo)
                and _fits_empty(vehicle, kg, m3)
                and (best is None or self.count[vehicle.id] < self.count[best.id])
            ):
                best = vehicle
        if best is None:
            return None
        trip = self.open(best)
        trip.take(load)
        return trip

    def split(self, directive: Directive, carriers: list[Vehicle]) -> None:
        """Rule 4: fill new trips of the largest vehicle by whole units, then place the rest."""
        vehicle = max(
            carriers,
            key=lambda v: (v.capacity_kg or _ZERO, v.capacity_m3 or _ZERO, -carriers.index(v)),
        )
        rest = list(directive.lines)
        steps: list[Step] = [
            Step(
                f"{directive.weight_kg:f} kg, {directive.volume_m3:f} m3: "
                "no vehicle takes it whole",
                "",
                f"largest vehicle that may carry it: {vehicle.id} ({vehicle.capacity_text()})",
            )
        ]
        trips: list[int] = []
        while True:
            kg = _sum(x.weight_kg for x in rest)
            m3 = _sum(x.volume_m3 for x in rest)
            if any(_fits_empty(v, kg, m3) for v in carriers):
                break
            trip = self.open(vehicle)
            taken, rest = _fill(directive.id, vehicle, rest)
            load = Load(
                directive.id,
                tuple(taken),
                _sum(x.weight_kg for x in taken),
                _sum(x.volume_m3 for x in taken),
                whole=False,
            )
            trip.take(load)
            trips.append(trip.no)
            steps.append(
                Step(
                    f"trip {trip.no} takes "
                    + ", ".join(f"{x.quantity:f} of {x.product_id}" for x in taken),
                    f"{load.weight_kg:f} kg, {load.volume_m3:f} m3",
                    "whole units only",
                )
            )
        if rest:
            done = self.place(directive, tuple(rest), whole=False)
            assert done is not None  # the rest fits a vehicle whole: checked above
            trips.append(done.no)
            steps.append(
                Step(
                    "the rest: " + ", ".join(f"{x.quantity:f} of {x.product_id}" for x in rest),
                    f"trip {done.no}",
                    "packed as a directive of its own",
                )
            )
        self.splits.append(
            Split(
                directive.id,
                tuple(trips),
                Explanation(f"directive {directive.id} split over trips", tuple(steps)),
            )
        )


def _units_fitting(
    line: DirectiveLine, room_kg: decimal.Decimal | None, room_m3: decimal.Decimal | None
) -> decimal.Decimal:
    """The most whole units of ``line`` that fit the room, at most its quantity."""
    best = line.quantity
    with decimal.localcontext(_CONTEXT):
        for room, unit in ((room_kg, line.unit_kg), (room_m3, line.unit_m3)):
            if room is None or unit is None or unit == 0:
                continue
            steps = (room / (unit * line.step)).to_integral_value()
            fit = (steps * line.step).quantize(line.step)
            while fit > 0 and fit * unit > room:  # never trust a rounded division
                fit -= line.step
            best = min(best, max(fit, _ZERO))
    return best


def _fill(
    directive_id: str, vehicle: Vehicle, lines: list[DirectiveLine]
) -> tuple[list[DirectiveLine], list[DirectiveLine]]:
    """Whole units of ``lines``, in order, that fit an empty ``vehicle``; and the rest."""
    room_kg, room_m3 = vehicle.capacity_kg, vehicle.capacity_m3
    taken: list[DirectiveLine] = []
    rest: list[DirectiveLine] = []
    for line in lines:
        fit = _units_fitting(line, room_kg, room_m3)
        if fit > 0:
            part = attrs.evolve(line, quantity=fit)
            taken.append(part)
            room_kg = None if room_kg is None else EXACT.subtract(room_kg, part.weight_kg)
            room_m3 = None if room_m3 is None else EXACT.subtract(room_m3, part.volume_m3)
        if fit < line.quantity:
            rest.append(attrs.evolve(line, quantity=EXACT.subtract(line.quantity, fit)))
    if not taken:
        line = lines[0]
        raise DeliveryError(
            f"directive {directive_id!r}: one unit ({line.step}) of {line.product_id!r} "
            f"weighs {line.unit_kg} kg and takes {line.unit_m3} m3, more than vehicle "
            f"{vehicle.id!r} carries: plan a larger vehicle",
            directive=directive_id,
            product=line.product_id,
        )
    return taken, rest


def pack(directives: Sequence[Directive], vehicles: Sequence[Vehicle]) -> Packing:
    """Pack ``directives`` into trips of ``vehicles`` by the rule in the module docs.

    Raises:
        MissingMeasureError: a product has no weight (volume) while a vehicle is
            bound by weight (volume).
        CargoRestrictionError: no vehicle may carry a directive's cargo class.
        DeliveryError: no vehicles, a directive id used twice, or one unit of a
            product is larger than the largest vehicle.
    """
    if not vehicles:
        raise DeliveryError("no vehicles to plan with: give at least one")
    if len({d.id for d in directives}) != len(directives):
        raise DeliveryError("a directive is given twice: give each directive once")
    by_kg = any(v.capacity_kg is not None for v in vehicles)
    by_m3 = any(v.capacity_m3 is not None for v in vehicles)
    _check_measures(directives, by_kg, by_m3)
    max_kg = max((v.capacity_kg for v in vehicles if v.capacity_kg is not None), default=None)
    max_m3 = max((v.capacity_m3 for v in vehicles if v.capacity_m3 is not None), default=None)

    with decimal.localcontext(_CONTEXT):

        def share(d: Directive) -> decimal.Decimal:
            kg = d.weight_kg / max_kg if max_kg is not None else _ZERO
            m3 = d.volume_m3 / max_m3 if max_m3 is not None else _ZERO
            return max(kg, m3)

        order = sorted(range(len(directives)), key=lambda i: (-share(directives[i]), i))

    packer = _Packer(vehicles)
    for i in order:
        directive = directives[i]
        carriers = [v for v in vehicles if v.may_carry(directive.cargo)]
        if not carriers:
            unknown = sorted(directive.cargo - frozenset().union(*(v.carries for v in vehicles)))
            if unknown:
                why = f"carries {', '.join(unknown)} cargo, which no vehicle of the plan may carry"
            else:
                unknown = sorted(directive.cargo)
                why = f"mixes {', '.join(unknown)} cargo, which no one vehicle may carry together"
            raise CargoRestrictionError(
                f"directive {directive.id!r} {why}: add a vehicle that does, or deliver the "
                "classes by separate documents",
                directive=directive.id,
                cargo=tuple(unknown),
            )
        if packer.place(directive, directive.lines, whole=True) is None:
            packer.split(directive, carriers)
    trips = tuple(Trip(t.no, t.vehicle.id, t.vehicle_trip, tuple(t.loads)) for t in packer.trips)
    return Packing(trips, tuple(packer.splits))
