"""Delivery use cases on the sample company: defaults from the agreement, billing the
client, paying the carrier, and bad input refused with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from tests.unit.delivery._fixtures import (
    DAY,
    SETTINGS,
    delivery_day,
    method,
    posted,
)

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app import delivery as dc
from salescore.app.stores import Store
from salescore.delivery import (
    CarrierCharge,
    CarrierId,
    DeliveryKind,
    DeliveryMethod,
    Place,
    TaskStatus,
)
from salescore.demo.demo_delivery import delivery_section
from salescore.demo.report import SAMPLE_LOADERS, SECTIONS
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import DeliveryError, MissingMeasureError, UnpostedDirectiveError
from salescore.money import Money
from salescore.orders import LineId, OrderId
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import load_ledger
from salescore.shipments import GoodsIssue, IssueId, IssueLine, ShipmentId

END = date(2026, 12, 31)


@pytest.fixture
def demo() -> Iterator[Store]:
    """The demo company after its flow up to delivery: RTU-0001 posted for Volga Kazan."""
    store = SqliteStore(":memory:")
    with store.unit_of_work() as uow:
        for load in SAMPLE_LOADERS:
            load(uow)
        for section in SECTIONS:
            if section is not delivery_section:
                section(uow)
        uow.commit()
    yield store
    store.close()


def test_the_agreements_logistic_terms_give_the_default_method(demo: Store) -> None:
    terminal = DeliveryMethod(
        DeliveryKind.CARRIER_TERMINAL, Place("TK terminal, Kazan"), carrier_id=CarrierId("TK-DL")
    )
    with demo.unit_of_work() as uow:
        # the individual agreement IA-VOLGA-KZN is made from the typical TA-WHOLESALE
        dc.set_logistic_terms(uow, "TA-WHOLESALE", terminal)
        method_, why = dc.delivery_method(uow, "RTU-0001")
        assert method_ == terminal
        assert why.steps[0].source == "logistic terms of agreement TA-WHOLESALE"
        own = DeliveryMethod(DeliveryKind.SELF_PICKUP)
        dc.set_delivery_method(
            uow, next(iter(uow.shipments.get(ShipmentId("RTU-0001")).order_ids)), own
        )
        assert dc.delivery_method(uow, "RTU-0001")[0] == own  # the order's own method wins


def test_a_delivery_charge_of_1500_raises_the_clients_actual_debt(demo: Store) -> None:
    with demo.unit_of_work() as uow:
        before = load_ledger(uow.settlements, partner_id="VOLGA-KZN").balance(END, currency="RUB")
        charge = dc.bill_delivery(
            uow, "DC-1", "RTU-0001", Money("1500.00", "RUB"), date(2026, 3, 10), SAMPLE_CALENDAR
        )
        uow.commit()
    with demo.unit_of_work() as uow:
        after = load_ledger(uow.settlements, partner_id="VOLGA-KZN").balance(END, currency="RUB")
        assert uow.delivery_charges.find_by("shipment_id", "RTU-0001") == [charge]
    # the demo leaves Volga Kazan owing 88,781.87; the charge adds 1,500.00
    assert before == Money("88781.87", "RUB")
    assert after == Money("90281.87", "RUB")


def test_a_delivery_charge_for_an_unposted_shipment_is_refused(demo: Store) -> None:
    with demo.unit_of_work() as uow:
        with pytest.raises(UnpostedDirectiveError, match="RTU-9999"):
            dc.bill_delivery(uow, "DC-2", "RTU-9999", Money("1500.00", "RUB"), DAY, SAMPLE_CALENDAR)
        assert uow.delivery_charges.all() == []


def test_a_carrier_charge_is_a_payable_until_paid() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.record_carrier_charge(
            uow,
            CarrierCharge("TK-1", CarrierId("TK-DL"), DAY, Money("2400.00", "RUB"),
                          due=date(2026, 3, 20)),
        )  # fmt: skip
        ledger = dc.carrier_payables(uow, "TK-DL")
        (item,) = ledger.items(DAY)
        assert item.owed == Money("2400.00", "RUB")
        with pytest.raises(DeliveryError, match="not a stored partner"):
            dc.record_carrier_charge(
                uow,
                CarrierCharge("X-1", CarrierId("NOBODY"), DAY, Money("1.00", "RUB"), due=DAY),
            )


def test_a_directive_for_an_unposted_shipment_is_refused_and_nothing_is_stored() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("1 Lenin St", 1, 1))
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(UnpostedDirectiveError) as err:
            dc.plan_deliveries(uow, DAY, ["RTU-1", "RTU-404"], ["V1"], SETTINGS)
        assert err.value.document == "RTU-404"
        assert uow.transport_tasks.all() == []


def test_a_product_without_weight_is_named_and_nothing_is_stored() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        uow.shipments.add(posted("RTU-AIR", "AIR", "2"))
        dc.set_delivery_method(uow, "RTU-AIR", method("2 Lenin St", 2, 2))
        with pytest.raises(MissingMeasureError, match=r"'AIR'.*set the product's weight_kg"):
            dc.plan_deliveries(uow, DAY, ["RTU-AIR"], ["V1"], SETTINGS)
        assert uow.transport_tasks.all() == []


def test_a_document_on_a_task_is_not_planned_twice() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("1 Lenin St", 1, 1))
        dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS)
        with pytest.raises(DeliveryError, match="already on transport task"):
            dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V2"], SETTINGS)


def test_the_split_shipment_goes_80_and_40_sacks_on_two_trips_with_times() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-4", method("4 Mill St", 6, 8, window=(10, 11)))
        plan = dc.plan_deliveries(uow, DAY, ["RTU-4"], ["V1"], SETTINGS)
    first, second = plan.tasks
    assert [s.lines[0].quantity for t in plan.tasks for s in t.stops] == [80, 40]
    # 10 km at 30 km/h = 20 min: at 09:20, waits for 10:00; 15 min there, 20 back: 10:35
    assert (first.stops[0].arrival.isoformat(), first.ends.isoformat()) == ("10:00:00", "10:35:00")
    # the second trip leaves at 10:35: 10:55 there, within the window; back at 11:30
    assert (second.starts.isoformat(), second.stops[0].arrival.isoformat()) == (
        "10:35:00",
        "10:55:00",
    )
    assert second.ends.isoformat() == "11:30:00"
    assert plan.violations == ()
    assert "80 of SACK" in plan.explain().as_text()


def test_can_go_on_answers_from_the_days_tasks() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        for number in ("RTU-1", "RTU-3"):
            dc.set_delivery_method(uow, number, method(f"{number} St", 3, 4))
        dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS)
        answer = dc.can_go_on(uow, "RTU-3", DAY)
        assert answer.yes
        assert answer.task_id is not None  # 400 + 300 kg fits the 1,000 kg trip
        assert dc.can_go_on(uow, "RTU-5", DAY).yes  # self-pickup needs no vehicle


def test_a_goods_issue_is_a_directive_with_its_own_lines() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        issue = GoodsIssue(
            IssueId("RO-1"),
            WarehouseId("MAIN"),
            DAY,
            [IssueLine("1", OrderId("SO-9"), LineId("1"), ProductId("FLOUR"), Decimal("250.5"))],
        )
        uow.goods_issues.add(issue)
        dc.set_delivery_method(uow, "RO-1", method("Bakery, 5 Mira St", 2, 0))
        (directive,) = dc.directives(uow, ["RO-1"]).directives
        # flour is weighed: 250.5 kg by the gram, 1 kg and 0.0015 m3 a kilogram
        assert directive.lines[0].step == Decimal("0.001")
        assert (directive.weight_kg, directive.volume_m3) == (Decimal("250.5"), Decimal("0.37575"))
        plan = dc.plan_deliveries(uow, DAY, ["RO-1"], ["V2"], SETTINGS)
        assert plan.tasks[0].directive_ids == ("RO-1",)


def test_goods_for_a_carriers_terminal_ride_our_vehicle_to_the_terminal() -> None:
    terminal = DeliveryMethod(
        DeliveryKind.CARRIER_TERMINAL,
        Place("TK terminal <gate 3>", x=0, y=5),
        carrier_id=CarrierId("TK-DL"),
    )
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-3", terminal)
        plan = dc.plan_deliveries(uow, DAY, ["RTU-3"], ["V1"], SETTINGS)
    (stop,) = plan.tasks[0].stops
    assert stop.place == terminal.place
    assert plan.to_records()[0]["address"] == "TK terminal <gate 3>"
    assert "TK terminal &lt;gate 3&gt;" in plan._repr_html_()


def test_a_cancelled_task_frees_its_documents_for_another_plan() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("1 Lenin St", 1, 1))
        (first,) = dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS).tasks
        dc.advance_task(uow, first.id, TaskStatus.CANCELLED)
        (again,) = dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS).tasks
    # the same vehicle at the same time: the cancelled task holds it no more
    assert (again.id, again.starts, again.vehicle_id) == ("TT-2026-03-05-2", first.starts, "V1")


def test_goods_are_not_delivered_before_their_shipment_is_posted() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("1 Lenin St", 1, 1))
        with pytest.raises(DeliveryError, match=r"posted on 2026-03-05.*plan a later day"):
            dc.plan_deliveries(uow, date(2026, 3, 4), ["RTU-1"], ["V1"], SETTINGS)
        assert uow.transport_tasks.all() == []


def test_occupancy_shows_the_room_left_on_formed_trips() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("1 Lenin St", 1, 1))
        (task,) = dc.plan_deliveries(uow, DAY, ["RTU-1"], ["V1"], SETTINGS).tasks
        (held,) = [r for r in dc.vehicle_occupancy(uow, DAY, ["V1"]).rows if r.task_id]
        # the Gazelle takes 1,000 kg and 9 m3; 4 boxes weigh 400 kg in 2 m3
        assert (held.room_kg, held.room_m3) == (Decimal(600), Decimal("7.0"))
        dc.advance_task(uow, task.id, TaskStatus.LOADING)
        (held,) = [r for r in dc.vehicle_occupancy(uow, DAY, ["V1"]).rows if r.task_id]
        assert (held.room_kg, held.room_m3) == (None, None)  # loading: takes no more
