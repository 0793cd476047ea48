"""The demo's delivery section: one day's trips planned, a route sheet printed,
delivery charged to the client and a carrier's charge owed.

Volga Kazan's shops order coffee makers and beans for 11 March; three
shipments are posted through the same use cases as the shipping section, the
first with our delivery as a service line of the order and the shipment. Our
Gazelle (1,000 kg) and Largus (600 kg) take them: the shipment of 1,100 kg of
beans fits neither whole and is split by whole kilograms. The order collected
at our warehouse by a carrier needs no vehicle of ours; the carrier bills us
for it, and we bill Volga Kazan for our delivery.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.app import delivery as dc
from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.pricing import register_price
from salescore.app.sales import load_pricer
from salescore.delivery import (
    CarrierCharge,
    CarrierId,
    CarrierPayment,
    DeliveryKind,
    DeliveryMethod,
    Place,
    RouteSettings,
    TaskStatus,
    TimeWindow,
    Vehicle,
    VehicleId,
)
from salescore.demo.sample_agreements import VOLGA_KZN_HEADER
from salescore.demo.sample_pricing import PURCHASE
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.forms import render_route_sheet_html, route_sheet_data
from salescore.money import Money, Quantity
from salescore.orders import DocumentLine, LineId
from salescore.parties import (
    Partner,
    PartnerId,
    PartnerKind,
    Product,
    ProductId,
    WarehouseId,
)
from salescore.pricing import PriceRecord
from salescore.receivables import (
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
    load_ledger,
)
from salescore.reservation import SupplyOption, receive
from salescore.shipments import ShipmentId, ShipRequest

__all__ = ["delivery_section"]

ORDERED, DAY = date(2026, 3, 9), date(2026, 3, 11)
MAIN = WarehouseId("MAIN")
CARRIER = CarrierId("TK-DL")
_HEADER = VOLGA_KZN_HEADER
_CREDIT = PaymentScheduleTemplate(
    "DEMO-DLV-CR14",
    "credit, 14 days after shipment",
    (ScheduleStage(StageKind.CREDIT, days=14, event=DueEvent.SHIPMENT),),
)
_FLEET = (
    Vehicle(VehicleId("GAZ-1"), "Gazelle А123ВС 116", capacity_kg="1000"),
    Vehicle(VehicleId("LRG-2"), "Largus К456МН 116", capacity_kg="600"),
)
_SETTINGS = RouteSettings(Place("MAIN warehouse, Kazan", x=0, y=0), departure=time(9))
# (shipment, product, quantity, how it goes)
_DAY_ORDERS = (
    (
        "RTU-0101",
        "CM-300",
        "20",
        DeliveryMethod(
            DeliveryKind.OUR_TRANSPORT,
            Place("Kazan, 3 Baumana St (shop 1)", x=3, y=4),
            TimeWindow(time(9), time(10)),
            contact="Anna, +7 843 000-00-01",
        ),
    ),
    (
        "RTU-0102",
        "BEANS-ARABICA",
        "1100",
        DeliveryMethod(
            DeliveryKind.OUR_TRANSPORT,
            Place("Kazan, 12 Pushkina St (shop 2)", x=6, y=8),
            TimeWindow(time(10), time(13)),
            contact="Oleg, +7 843 000-00-02",
        ),
    ),
    (
        "RTU-0103",
        "GR-10",
        "30",
        DeliveryMethod(DeliveryKind.CARRIER_FROM_WAREHOUSE, carrier_id=CARRIER),
    ),
)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


DELIVERY_SERVICE = ProductId("DELIVERY-KZN")


def _post_day(uow: Repositories) -> None:
    """Order, reserve and ship the day's goods through the order and shipment use cases;
    the first order also buys our delivery, a service line shipped with the goods."""
    uow.schedule_templates.add(_CREDIT)
    uow.products.add(
        Product(DELIVERY_SERVICE, "Delivery in Kazan", is_service=True, category="services")
    )
    register_price(
        uow, PriceRecord(PURCHASE, DELIVERY_SERVICE, date(2026, 1, 10), Money("1000.00", "RUB"))
    )
    pricer = load_pricer(uow, [ORDERED])
    for n, (number, product, quantity, method) in enumerate(_DAY_ORDERS):
        receive(
            uow.stock_ledger,
            ProductId(product),
            MAIN,
            Quantity(Decimal(quantity), uow.products.get(ProductId(product)).unit),
            document="PT-DLV",
            at=_at(ORDERED),
        )
        lines = [DocumentLine(LineId("1"), ProductId(product), Decimal(quantity))]
        if n == 0:
            lines.append(
                DocumentLine(
                    LineId("2"),
                    DELIVERY_SERVICE,
                    Decimal(1),
                    is_service=True,
                    supply=SupplyOption.NOT_REQUIRED,
                )
            )
        order = uc.create_order(uow, pricer, _HEADER, ORDERED, lines)
        uc.confirm_order(uow, pricer, order.id, ORDERED, SAMPLE_CALENDAR, template=_CREDIT)
        uc.secure_order(uow, order.id, ORDERED)
        uc.reserve_order(uow, order.id, _at(ORDERED))
        uc.ship_order(uow, order.id, ORDERED)
        sc.post_shipment(
            uow,
            ShipmentId(number),
            _HEADER.partner_id,
            _HEADER.counterparty_id,
            DAY,
            [ShipRequest(order.id, x.line_id, x.quantity) for x in lines],
            SAMPLE_CALENDAR,
            at=_at(DAY),
        )
        dc.set_delivery_method(uow, number, method)


def delivery_section(uow: Repositories) -> str:
    """Plan 11 March's trips, print a route sheet, bill delivery, owe the carrier."""
    uow.partners.add(Partner(PartnerId(CARRIER), "Delovye Linii", frozenset({PartnerKind.OTHER})))
    for vehicle in _FLEET:
        uow.vehicles.add(vehicle)
    _post_day(uow)
    out = ["== Delivery: one day's trips, a route sheet, charges both ways =="]
    shipments = [number for number, *_ in _DAY_ORDERS]
    out.append(
        "Shipments of 2026-03-11: RTU-0101 20 CM-300 (196 kg), RTU-0102 1,100 kg of beans, "
        "RTU-0103 30 GR-10 (the carrier collects)."
    )
    service = uow.shipments.get(ShipmentId("RTU-0101")).lines[1]
    out.append(
        f"RTU-0101 bills our delivery as a service line: {service.product_id} "
        f"{service.with_vat} (VAT {service.vat}); a service, it rides on no vehicle."
    )
    plan = dc.plan_deliveries(
        uow,
        DAY,
        shipments,
        [v.id for v in _FLEET],
        _SETTINGS,
        crews={"GAZ-1": ("Ivanov", "Petrov"), "LRG-2": ("Sidorov", "")},
        prefix="ZP",
    )
    for task in plan.tasks:
        stops = ", ".join(
            f"{s.directive_id} {s.weight_kg} kg at {s.arrival:%H:%M}"
            + ("" if s.whole else " (part)")
            for s in task.stops
        )
        out.append(
            f"  {task.id}: {task.vehicle_id} {task.starts:%H:%M}-{task.ends:%H:%M}, "
            f"{task.weight_kg} kg: {stops}"
        )
    for split in plan.packing.splits:
        out.append(f"  split: {split.explanation.steps[0].description}")
    for document, why in plan.skipped:
        out.append(f"  {document}: no task, {why}")
    out.append(f"  windows missed: {len(plan.violations)}")
    first = dc.advance_task(uow, plan.tasks[0].id, TaskStatus.LOADING)
    out.append(f"Task {first.id} goes to loading; the vehicles on 2026-03-11:")
    for row in dc.vehicle_occupancy(uow, DAY, shift=(time(8), time(18))).rows:
        out.append(
            f"  {row.vehicle_id} {row.starts:%H:%M}-{row.ends:%H:%M} "
            + (
                f"{row.task_id} ({row.status}, {row.load_percent} % by weight)"
                if row.task_id
                else "free"
            )
        )
    page = render_route_sheet_html(
        route_sheet_data(
            first,
            uow.vehicles.get(first.vehicle_id),
            partner_names={"VOLGA-KZN": "ООО «Волга» (Казань)"},
        )
    )
    title = page.split("<h1>")[1].split("</h1>")[0]
    out.append(f"Route sheet [маршрутный лист]: {title}, stops: {page.count('<tr><td>')}")
    before = load_ledger(uow.settlements, partner_id="VOLGA-KZN").balance(
        date(2026, 12, 31), currency="RUB"
    )
    dc.bill_delivery(uow, "DST-0001", "RTU-0102", Money("1500.00", "RUB"), DAY, SAMPLE_CALENDAR)
    after = load_ledger(uow.settlements, partner_id="VOLGA-KZN").balance(
        date(2026, 12, 31), currency="RUB"
    )
    out.append(
        "Delivery of RTU-0102 charged by its own document DST-0001: 1500.00 RUB; "
        f"Volga Kazan owes {before} -> {after}"
    )
    dc.record_carrier_charge(
        uow,
        CarrierCharge(
            "DL-77", CARRIER, DAY, Money("2400.00", "RUB"), due=date(2026, 3, 25),
            shipment_id="RTU-0103",
        ),
    )  # fmt: skip
    dc.pay_carrier(
        uow, CarrierPayment("PP-DL-1", CARRIER, date(2026, 3, 20), Money("1000.00", "RUB"))
    )
    payables = dc.carrier_payables(uow, CARRIER)
    out.append(
        "Carrier Delovye Linii bills 2400.00 RUB for RTU-0103; paid 1000.00 on 2026-03-20; "
        f"we owe {payables.owed(CARRIER, 'RUB', date(2026, 3, 31))}"
    )
    return "\n".join(out)
