"""Packing, routes and vehicle use give the same figures whatever decimal context the
caller has set (precision 1..10, any rounding, traps set or cleared)."""

from __future__ import annotations

import decimal
from datetime import date, time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import context_setters, hostile_contexts, outcome, run_in_context

from salescore.delivery import (
    Directive,
    DirectiveLine,
    Place,
    RoutePoint,
    RouteSettings,
    TimeWindow,
    TransportTask,
    Vehicle,
    VehicleId,
    can_go,
    occupancy,
    pack,
    plan_route,
)

FLEET = [
    Vehicle(VehicleId("V1"), capacity_kg="1000", capacity_m3="9.75"),
    Vehicle(VehicleId("V2"), capacity_kg="612.5"),
]
DAY = date(2026, 3, 5)


@st.composite
def directives(draw: st.DrawFn) -> list[Directive]:
    found = []
    for i in range(draw(st.integers(1, 6))):
        step = draw(st.sampled_from([Decimal(1), Decimal("0.001")]))
        found.append(
            Directive(
                f"D{i}",
                (
                    DirectiveLine(
                        f"P{i}",
                        draw(st.integers(1, 4000)) * step,
                        unit_kg=Decimal(draw(st.integers(1, 123456))) / 1000,
                        unit_m3=Decimal(draw(st.integers(0, 999))) / 100000,
                        step=step,
                    ),
                ),
                place=Place(
                    f"stop {i}", x=draw(st.integers(-20, 20)), y=draw(st.integers(-20, 20))
                ),
                window=TimeWindow(time(9), time(draw(st.integers(10, 12)), 7)),
            )
        )
    return found


def _everything(given_directives: list[Directive]) -> object:
    packing = pack(given_directives, FLEET)
    route = plan_route(
        [RoutePoint(d.id, d.place, d.window) for d in given_directives],
        RouteSettings(Place("depot", x="0.5", y="-1.25"), speed_kmh="27.5"),
    )
    task = TransportTask("T1", DAY, VehicleId("V1"), starts=time(9), ends=time(10), stops=())
    day = occupancy(FLEET, [task], DAY)
    answer = can_go(given_directives[0], FLEET, [task], DAY)
    return packing, route, day, answer.yes, answer.explanation


@settings(max_examples=80, deadline=None)
@given(directives(), hostile_contexts(), context_setters)
def test_figures_do_not_depend_on_the_callers_context(
    given_directives: list[Directive], context: decimal.Context, setter: str
) -> None:
    expected = outcome(lambda: _everything(given_directives))
    assert (
        outcome(lambda: run_in_context(context, setter, lambda: _everything(given_directives)))
        == expected
    )
