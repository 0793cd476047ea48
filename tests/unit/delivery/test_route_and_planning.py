"""Routes (zones, windows, violations), task statuses and vehicle use: figures by hand."""

from __future__ import annotations

import pickle
from datetime import date, time
from decimal import Decimal

import pytest

from salescore.delivery import (
    Directive,
    DirectiveLine,
    Place,
    RoutePoint,
    RouteSettings,
    TaskStatus,
    TimeWindow,
    TransportTask,
    Vehicle,
    VehicleId,
    advance,
    can_go,
    check_booking,
    occupancy,
    pack,
    plan_route,
)
from salescore.errors import DeliveryError, VehicleBookedError

DAY = date(2026, 3, 5)
V1 = Vehicle(VehicleId("V1"), capacity_kg="1000")


def task(number: str, starts: time, ends: time, status: TaskStatus = TaskStatus.FORMED,
         vehicle: str = "V1") -> TransportTask:  # fmt: skip
    return TransportTask(number, DAY, VehicleId(vehicle), starts=starts, ends=ends, stops=(),
                         status=status)  # fmt: skip


def test_without_coordinates_stops_follow_the_zone_order_and_late_ones_are_listed() -> None:
    settings = RouteSettings(departure=time(9), zones=("NORTH", "SOUTH"), zone_minutes=30,
                             same_zone_minutes=10, stop_minutes=15)  # fmt: skip
    points = [
        RoutePoint("S1", Place("south 1", zone="SOUTH")),
        RoutePoint("N1", Place("north 1", zone="NORTH")),
        RoutePoint("N2", Place("north 2", zone="NORTH"), TimeWindow(time(9), time(9, 20))),
        RoutePoint("W", Place("west", zone="WEST")),
    ]
    route = plan_route(points, settings)
    # N2 has a window: first (09:30, 10 min late); then NORTH, SOUTH, then WEST (not listed)
    assert [s.directive_id for s in route.stops] == ["N2", "N1", "S1", "W"]
    # depot -> N2 30 min (no depot zone): 09:30; +15; N1 same zone 10: 09:55; +15;
    # S1 30: 10:40; +15; W 30: 11:25; +15; back 30: 12:10
    assert [f"{s.arrival:%H:%M}" for s in route.stops] == ["09:30", "09:55", "10:40", "11:25"]
    assert f"{route.back:%H:%M}" == "12:10"
    (late,) = route.violations
    assert (late.directive_id, late.minutes_late) == ("N2", 10)
    assert route.to_records()[0]["minutes_late"] == 10


def test_a_route_past_midnight_is_refused() -> None:
    settings = RouteSettings(departure=time(23, 30))
    with pytest.raises(DeliveryError, match="after midnight"):
        plan_route([RoutePoint("A", Place("far")), RoutePoint("B", Place("farther"))], settings)


def test_statuses_go_in_order_and_cancel_only_before_leaving() -> None:
    formed = task("T1", time(9), time(12))
    loading = advance(formed, TaskStatus.LOADING)
    assert advance(loading, TaskStatus.CANCELLED).status is TaskStatus.CANCELLED
    on_the_way = advance(loading, TaskStatus.ON_THE_WAY)
    with pytest.raises(DeliveryError, match="on the way: it can go to done, not cancelled"):
        advance(on_the_way, TaskStatus.CANCELLED)
    done = advance(on_the_way, TaskStatus.DONE)
    with pytest.raises(DeliveryError, match="it can go to nowhere"):
        advance(done, TaskStatus.FORMED)


def test_end_to_start_bookings_do_not_conflict_and_cancelled_tasks_free_the_vehicle() -> None:
    morning = task("T1", time(9), time(12))
    check_booking(task("T2", time(12), time(14)), [morning])  # back at 12:00, out at 12:00
    check_booking(task("T3", time(10), time(11), vehicle="V2"), [morning])  # another vehicle
    check_booking(task("T4", time(10), time(11)), [advance(morning, TaskStatus.CANCELLED)])
    with pytest.raises(VehicleBookedError) as err:
        check_booking(task("T5", time(11, 59), time(13)), [morning])
    assert (err.value.vehicle, err.value.task) == ("V1", "T1")


def test_occupancy_shows_held_spans_and_free_gaps_with_the_load() -> None:
    packed = pack([Directive("A", (DirectiveLine("P", Decimal(1), unit_kg="250"),))], [V1])
    assert packed.trips[0].weight_kg == Decimal(250)
    held = TransportTask(
        "T1", DAY, VehicleId("V1"), starts=time(10), ends=time(12),
        stops=(), status=TaskStatus.LOADING,
    )  # fmt: skip
    day = occupancy([V1], [held], DAY, shift=(time(8), time(18)))
    assert [(f"{r.starts:%H:%M}", f"{r.ends:%H:%M}", r.task_id, r.status) for r in day.rows] == [
        ("08:00", "10:00", None, "free"),
        ("10:00", "12:00", "T1", "loading"),
        ("12:00", "18:00", None, "free"),
    ]


def test_can_go_finds_a_new_trip_in_free_time_or_says_no_with_reasons() -> None:
    order = Directive("SO-1", (DirectiveLine("P", Decimal(1), unit_kg="400"),))
    busy = [task("T1", time(8), time(12), TaskStatus.LOADING),
            task("T2", time(13), time(18), TaskStatus.ON_THE_WAY)]  # fmt: skip
    # 12:00-13:00 is free, an hour: enough for a 60-minute trip, not for 120
    answer = can_go(order, [V1], busy, DAY, needs_minutes=60, shift=(time(8), time(18)))
    assert (answer.yes, answer.task_id, answer.vehicle_id) == (True, None, "V1")
    assert answer.explanation.steps[-1].value == "from 12:00"
    answer = can_go(order, [V1], busy, DAY, needs_minutes=120, shift=(time(8), time(18)))
    assert not answer
    assert "no 120 free minutes" in answer.explanation.as_text()
    heavy = Directive("SO-2", (DirectiveLine("P", Decimal(3), unit_kg="400"),))
    assert "too small for it whole" in can_go(heavy, [V1], [], DAY).explanation.as_text()


def test_results_pickle() -> None:
    packed = pack([Directive("A", (DirectiveLine("P", Decimal(1), unit_kg="250"),))], [V1])
    assert pickle.loads(pickle.dumps(packed)) == packed
    route = plan_route([RoutePoint("A", Place("x", x=1, y=1))], RouteSettings())
    assert pickle.loads(pickle.dumps(route)) == route
