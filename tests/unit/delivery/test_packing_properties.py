"""Properties of packing: no trip over capacity, every unit on exactly one trip, whole units."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.delivery import Directive, DirectiveLine, Packing, Vehicle, VehicleId, pack

STEPS = [Decimal(1), Decimal("0.001"), Decimal("0.5")]


@st.composite
def lines(draw: st.DrawFn, index: int) -> DirectiveLine:
    step = draw(st.sampled_from(STEPS))
    units = draw(st.integers(1, 300))
    return DirectiveLine(
        f"P{index}",
        units * step,
        unit_kg=Decimal(draw(st.integers(1, 4000))) / 100,  # 0.01 .. 40 kg a unit
        unit_m3=Decimal(draw(st.integers(0, 500))) / 10000,  # 0 .. 0.05 m3 a unit
        step=step,
        cargo=draw(st.sampled_from(["general", "general", "chilled"])),
    )


@st.composite
def directives(draw: st.DrawFn) -> list[Directive]:
    count = draw(st.integers(1, 12))
    found = []
    for i in range(count):
        n = draw(st.integers(1, 3))
        found.append(Directive(f"D{i}", tuple(draw(lines(i * 10 + j)) for j in range(n))))
    return found


FLEET = [
    Vehicle(VehicleId("V1"), capacity_kg="1000", capacity_m3="8"),
    Vehicle(VehicleId("V2"), capacity_kg="1500", carries={"general", "chilled"}),
    Vehicle(VehicleId("V3"), capacity_m3="5", carries={"chilled"}),
]


def _check(packing: Packing, given_directives: list[Directive]) -> None:
    fleet = {v.id: v for v in FLEET}
    for trip in packing.trips:
        vehicle = fleet[trip.vehicle_id]
        if vehicle.capacity_kg is not None:
            assert trip.weight_kg <= vehicle.capacity_kg
        if vehicle.capacity_m3 is not None:
            assert trip.volume_m3 <= vehicle.capacity_m3
        for load in trip.loads:
            assert vehicle.may_carry(x.cargo for x in load.lines)
    carried: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for trip in packing.trips:
        for load in trip.loads:
            for line in load.lines:
                assert line.quantity % line.step == 0  # whole units only
                carried[(load.directive_id, line.product_id)] += line.quantity
    asked = {(d.id, x.product_id): x.quantity for d in given_directives for x in d.lines}
    assert dict(carried) == asked


@settings(max_examples=150, deadline=None)
@given(directives())
def test_no_trip_exceeds_a_capacity_and_every_unit_is_on_exactly_one_trip(
    given_directives: list[Directive],
) -> None:
    _check(pack(given_directives, FLEET), given_directives)


@settings(max_examples=60, deadline=None)
@given(directives())
def test_a_whole_directive_is_never_split_when_a_vehicle_takes_it_whole(
    given_directives: list[Directive],
) -> None:
    packing = pack(given_directives, FLEET)
    split = {s.directive_id for s in packing.splits}
    for d in given_directives:
        trips = packing.trips_of(d.id)
        if d.id not in split:
            assert len(trips) == 1
            assert all(x.whole for t in trips for x in t.loads if x.directive_id == d.id)
