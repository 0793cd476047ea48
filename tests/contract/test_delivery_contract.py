"""The delivery storage contract (vehicles, transport tasks, methods, terms, charges),
held against every storage adapter through the use cases."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from tests.unit.delivery._fixtures import CARRIER, DAY, SETTINGS, TRUCK, delivery_day, method

from salescore.app import delivery as dc
from salescore.app.stores import Store
from salescore.delivery import (
    CarrierCharge,
    CarrierId,
    CarrierPayment,
    DeliveryKind,
    DeliveryMethod,
    LogisticTerms,
    TaskStatus,
    VehicleId,
)
from salescore.errors import ConcurrencyError, DeliveryError, VehicleBookedError
from salescore.money import Money


def _plan(store: Store) -> dc.DeliveryPlan:
    with store.unit_of_work() as uow:
        delivery_day(uow)
        for number, (x, y) in {"RTU-1": (2, 0), "RTU-2": (4, 0), "RTU-3": (6, 0)}.items():
            dc.set_delivery_method(uow, number, method(f"{number} street", x, y))
        uow.commit()
    with store.unit_of_work() as uow:
        plan = dc.plan_deliveries(
            uow, DAY, ["RTU-1", "RTU-2", "RTU-3", "RTU-5"], ["V1"], SETTINGS,
            crews={"V1": ("Ivanov", "Petrov")},
        )  # fmt: skip
        uow.commit()
    return plan


def test_a_planned_day_is_stored_and_read_back_equal(store: Store) -> None:
    plan = _plan(store)
    assert [t.directive_ids for t in plan.tasks] == [("RTU-1", "RTU-2"), ("RTU-3",)]
    assert plan.skipped[0][0] == "RTU-5"  # self-pickup: no task
    with store.unit_of_work() as uow:
        stored = uow.transport_tasks.find_by("on", DAY)
        assert stored == list(plan.tasks)
        assert uow.transport_tasks.find_by("vehicle_id", "V1") == list(plan.tasks)
        assert uow.vehicles.get(VehicleId("V1")) == TRUCK
        assert [t.driver for t in stored] == ["Ivanov", "Ivanov"]


def test_task_status_moves_in_order_with_versions(store: Store) -> None:
    plan = _plan(store)
    first = plan.tasks[0]
    with store.unit_of_work() as uow:
        moved = dc.advance_task(uow, first.id, TaskStatus.LOADING, version=first.version)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.transport_tasks.get(first.id) == moved
        assert [t.id for t in uow.transport_tasks.find_by("status", TaskStatus.LOADING)] == [
            first.id
        ]
        with pytest.raises(ConcurrencyError):
            dc.advance_task(uow, first.id, TaskStatus.ON_THE_WAY, version=first.version)
        with pytest.raises(DeliveryError, match="loading: it can go to on the way"):
            dc.advance_task(uow, first.id, TaskStatus.DONE)


def test_a_double_booked_vehicle_is_refused_and_nothing_is_stored(store: Store) -> None:
    _plan(store)
    with store.unit_of_work() as uow:
        dc.set_delivery_method(uow, "RTU-4", method("RTU-4 street", 1, 1))
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(VehicleBookedError) as err:
            dc.plan_deliveries(uow, DAY, ["RTU-4"], ["V1"], SETTINGS, prefix="LATE")
        assert err.value.vehicle == "V1"
    with store.unit_of_work() as uow:
        assert [
            t.id for t in uow.transport_tasks.find_by("on", DAY) if t.id.startswith("LATE")
        ] == []


def test_methods_terms_and_charges_are_read_back_equal(store: Store) -> None:
    carrier = DeliveryMethod(DeliveryKind.CARRIER_FROM_WAREHOUSE, carrier_id=CarrierId("TK-DL"))
    charge = CarrierCharge(
        "TK-INV-7", CarrierId("TK-DL"), DAY, Money("2400.00", "RUB"), due=date(2026, 3, 20),
        shipment_id="RTU-4",
    )  # fmt: skip
    payment = CarrierPayment("PO-1", CarrierId("TK-DL"), date(2026, 3, 10), Money("1000.00", "RUB"))
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-4", carrier)
        uow.logistic_terms.save(LogisticTerms("AG-1", carrier))
        dc.record_carrier_charge(uow, charge)
        dc.pay_carrier(uow, payment)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.delivery_assignments.get("RTU-4").method == carrier
        assert uow.logistic_terms.get("AG-1").method == carrier
        ledger = dc.carrier_payables(uow, CARRIER.id)
        assert ledger.charges[0].amount == Money("2400.00", "RUB")
        assert ledger.owed(CarrierId("TK-DL"), "RUB", date(2026, 3, 31)) == Money("1400.00", "RUB")
        assert dc.directives(uow, ["RTU-4"]).skipped[0][0] == "RTU-4"  # the carrier collects


def test_occupancy_reads_the_stored_tasks(store: Store) -> None:
    plan = _plan(store)
    with store.unit_of_work() as uow:
        day = dc.vehicle_occupancy(uow, DAY, ["V1"], shift=(time(8), time(18)))
    held = [r for r in day.rows if r.task_id]
    assert [r.task_id for r in held] == [t.id for t in plan.tasks]
    assert day.rows[0].status == "free"  # 08:00-09:00 before the first trip


def test_a_second_planner_of_the_same_vehicle_waits_and_is_refused(store: Store) -> None:
    """Two units of work plan one vehicle at the same time: the second waits for the
    first to commit, then sees its task and is refused; one task is stored."""
    with store.unit_of_work() as uow:
        delivery_day(uow)
        for number in ("RTU-1", "RTU-2"):
            dc.set_delivery_method(uow, number, method(f"{number} street", 1, 1))
        uow.commit()
    outcome: list[object] = []

    def second() -> None:
        try:
            with store.unit_of_work() as uow:
                dc.plan_deliveries(uow, DAY, ["RTU-2"], ["V1"], SETTINGS, prefix="B")
                uow.commit()
            outcome.append("planned")
        except VehicleBookedError as err:
            outcome.append(err)

    with store.unit_of_work() as uow:
        dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS, prefix="A")
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for this unit of work
        uow.commit()
    thread.join(30)
    assert len(outcome) == 1
    assert isinstance(outcome[0], VehicleBookedError)
    with store.unit_of_work() as uow:
        assert [t.id for t in uow.transport_tasks.find_by("vehicle_id", "V1")] == ["A-2026-03-05-1"]
