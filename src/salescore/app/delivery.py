"""Delivery use cases: read the posted documents, decide with :mod:`salescore.delivery`, store.

Each call is one step inside the caller's unit of work; a refused step raises
before anything is written, so the unit of work stores nothing of it.

* :func:`set_delivery_method`, :func:`set_logistic_terms` — how an order or
  shipment is delivered; the agreement's default.
* :func:`delivery_method` — the method a shipment or goods issue goes by, and
  where it came from.
* :func:`directives` — the delivery directives of posted shipments (as their
  corrections left them) and goods issues [распоряжения на доставку], their
  weights and volumes from the products.
* :func:`plan_deliveries` — pack the directives of a day into trips, route each
  trip and store one transport task per trip; :func:`advance_task` moves a
  task's status.
* :func:`vehicle_occupancy`, :func:`can_go_on` — vehicle use planning (E6).
* :func:`bill_delivery` — a delivery charge to the client (actual debt);
  :func:`record_carrier_charge`, :func:`pay_carrier`, :func:`carrier_payables`
  — what we owe carriers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time

import attrs

from salescore.adapters.repositories import Repositories
from salescore.app.orders import actual_debt_entries
from salescore.app.shipments import corrected_shipments
from salescore.dates import BusinessCalendar
from salescore.delivery import (
    GENERAL_CARGO,
    CarrierCharge,
    CarrierId,
    CarrierPayment,
    DeliveryAssignment,
    DeliveryCharge,
    DeliveryMethod,
    Directive,
    DirectiveLine,
    LogisticTerms,
    Packing,
    PayablesLedger,
    Route,
    RoutePoint,
    RouteSettings,
    TaskLine,
    TaskStatus,
    TaskStop,
    TransportTask,
    Vehicle,
    VehicleId,
    advance,
    can_go,
    check_booking,
    occupancy,
    pack,
    plan_route,
    resolve_method,
)
from salescore.delivery.planning import Answer, Occupancy
from salescore.errors import ConcurrencyError, DeliveryError, UnpostedDirectiveError
from salescore.explain import Explanation, Step
from salescore.money import Money
from salescore.money._context import QUANTA
from salescore.orders import Order, OrderId
from salescore.receivables import post_entries
from salescore.records import Record, html_table
from salescore.shipments import GoodsIssue, IssueId, Shipment, ShipmentId

__all__ = [
    "DeliveryPlan",
    "DirectiveSet",
    "advance_task",
    "bill_delivery",
    "can_go_on",
    "carrier_payables",
    "delivery_method",
    "directives",
    "pay_carrier",
    "plan_deliveries",
    "record_carrier_charge",
    "set_delivery_method",
    "set_logistic_terms",
    "vehicle_occupancy",
]


def set_delivery_method(
    uow: Repositories, document_id: str, method: DeliveryMethod
) -> DeliveryAssignment:
    """Set how an order or a posted shipment (or goods issue) is delivered.

    Raises:
        DeliveryError: no order, shipment or goods issue has that number.
    """
    known = (
        uow.orders.find(OrderId(document_id)) is not None
        or uow.shipments.find(ShipmentId(document_id)) is not None
        or uow.goods_issues.find(document_id) is not None
    )
    if not known:
        raise DeliveryError(
            f"no order, shipment or goods issue {document_id!r}: set the method on a "
            "stored document",
            document=document_id,
        )
    assignment = DeliveryAssignment(document_id, method)
    uow.delivery_assignments.save(assignment)
    return assignment


def set_logistic_terms(
    uow: Repositories, agreement_id: str, method: DeliveryMethod
) -> LogisticTerms:
    """Set the delivery method an agreement's orders default to.

    Raises:
        NotFoundError: no such agreement.
    """
    uow.agreements.get(agreement_id)  # type: ignore[arg-type]
    terms = LogisticTerms(agreement_id, method)
    uow.logistic_terms.save(terms)
    return terms


def _orders_of(uow: Repositories, document: Shipment | GoodsIssue) -> list[Order]:
    ids = document.order_ids
    found = (uow.orders.find(i) for i in ids)
    return [o for o in found if o is not None]


def _agreements(uow: Repositories, orders: Sequence[Order]) -> list[str]:
    found: list[str] = []
    for order in orders:
        agreement_id = order.header.agreement_id
        found.append(agreement_id)
        agreement = uow.agreements.find(agreement_id)
        if agreement is not None and agreement.base_id is not None:
            found.append(agreement.base_id)
    return list(dict.fromkeys(found))


def _document(uow: Repositories, document_id: str) -> Shipment | GoodsIssue:
    """The posted shipment (as its corrections left it) or goods issue."""
    shipment = uow.shipments.find(ShipmentId(document_id))
    if shipment is not None:
        (now,) = corrected_shipments(uow, [shipment]) or (None,)
        if now is None:
            raise DeliveryError(
                f"shipment {document_id!r} was corrected to nothing: there is nothing to deliver",
                document=document_id,
            )
        return now
    issue = uow.goods_issues.find(IssueId(document_id))
    if issue is not None:
        return issue
    raise UnpostedDirectiveError(
        f"{document_id!r} is not a posted shipment or goods issue: post it first, then plan "
        "its delivery",
        document=document_id,
    )


def delivery_method(uow: Repositories, document_id: str) -> tuple[DeliveryMethod, Explanation]:
    """The method a posted shipment or goods issue is delivered by, and where it came
    from (see :func:`salescore.delivery.resolve_method`).

    Raises:
        UnpostedDirectiveError: no posted shipment or goods issue has that number.
    """
    document = _document(uow, document_id)
    orders = _orders_of(uow, document)
    agreements = _agreements(uow, orders)
    ids = [document.id, *(o.id for o in orders)]
    assignments = {a.id: a for a in uow.delivery_assignments.find_many(ids)}
    terms = {t.id: t for t in uow.logistic_terms.find_many(agreements)}
    return resolve_method(document.id, [o.id for o in orders], agreements, assignments, terms)


@attrs.frozen
class DirectiveSet:
    """The directives our vehicles carry, and the documents that need no vehicle of ours."""

    directives: tuple[Directive, ...]
    methods: Mapping[str, DeliveryMethod]
    skipped: tuple[tuple[str, str], ...]

    def to_records(self) -> list[Record]:
        """One row per document: carried (with weight and volume) or skipped (why)."""
        rows: list[Record] = [
            {
                "document": d.id,
                "partner": d.partner_id,
                "method": self.methods[d.id].describe(),
                "weight_kg": d.weight_kg,
                "volume_m3": d.volume_m3,
                "skipped": None,
            }
            for d in self.directives
        ]
        rows += [
            {
                "document": doc,
                "partner": None,
                "method": None,
                "weight_kg": None,
                "volume_m3": None,
                "skipped": why,
            }
            for doc, why in self.skipped
        ]
        return rows

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="delivery directives")


def _lines(uow: Repositories, document: Shipment | GoodsIssue) -> list[DirectiveLine]:
    wanted = [
        (line.product_id, line.quantity)
        for line in document.lines
        if not getattr(line, "is_service", False)
    ]
    products = {p.id: p for p in uow.products.find_many({p for p, _ in wanted})}
    lines = []
    for product_id, quantity in wanted:
        product = products.get(product_id)
        if product is not None and product.is_service:
            continue
        scale = product.unit.scale if product is not None else 0
        lines.append(
            DirectiveLine(
                product_id,
                quantity,
                unit_kg=product.weight_kg if product is not None else None,
                unit_m3=product.volume_m3 if product is not None else None,
                step=QUANTA[scale],
                cargo=(
                    product.attributes.get("cargo", GENERAL_CARGO) if product else GENERAL_CARGO
                ),
            )
        )
    return lines


def directives(uow: Repositories, document_ids: Iterable[str]) -> DirectiveSet:
    """The delivery directives of posted shipments and goods issues.

    A document delivered by self-pickup, or collected by a carrier at our
    warehouse, needs no vehicle of ours: it is listed in ``skipped`` with the
    reason, and no transport task is made for it.

    Raises:
        UnpostedDirectiveError: a document is not a posted shipment or goods issue.
    """
    found: list[Directive] = []
    methods: dict[str, DeliveryMethod] = {}
    skipped: list[tuple[str, str]] = []
    for document_id in dict.fromkeys(document_ids):
        document = _document(uow, document_id)
        method, why = delivery_method(uow, document_id)
        if not method.kind.needs_our_vehicle:
            skipped.append(
                (
                    document_id,
                    f"{method.describe()} ({why.steps[0].description}): no vehicle of ours",
                )
            )
            continue
        partner = (
            document.partner_id
            if isinstance(document, Shipment)
            else next((o.header.partner_id for o in _orders_of(uow, document)), "")
        )
        lines = _lines(uow, document)
        if not lines:
            skipped.append((document_id, "services only: nothing to carry"))
            continue
        methods[document_id] = method
        found.append(
            Directive(
                document_id,
                tuple(lines),
                partner_id=partner,
                place=method.place,
                window=method.window,
                contact=method.contact,
            )
        )
    return DirectiveSet(tuple(found), methods, tuple(skipped))


@attrs.frozen
class DeliveryPlan:
    """A day's plan: the transport tasks formed, the packing and routes they came from,
    and the documents that need no vehicle of ours."""

    on: date
    tasks: tuple[TransportTask, ...]
    packing: Packing
    routes: tuple[Route, ...]
    skipped: tuple[tuple[str, str], ...]

    @property
    def violations(self) -> tuple[str, ...]:
        """Every missed time window, by task."""
        return tuple(f"{t.id}: {v}" for t in self.tasks for v in t.violations)

    def explain(self) -> Explanation:
        """Each task with its stops, the splits, and what needs no vehicle."""
        steps = [Step(f"task {t.id}", "", detail=t.explain()) for t in self.tasks]
        steps += [
            Step(f"split {s.directive_id}", "", detail=s.explanation) for s in self.packing.splits
        ]
        steps += [Step(f"{doc}: no task", why) for doc, why in self.skipped]
        return Explanation(f"delivery plan of {self.on.isoformat()}", tuple(steps))

    def to_records(self) -> list[Record]:
        """One row per task and stop."""
        return [row for t in self.tasks for row in t.to_records()]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"delivery plan of {self.on.isoformat()}")


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


def _later(t: time) -> time:
    """One minute after ``t`` (a task holds its vehicle at least a minute)."""
    minutes = min(_m(t) + 1, 24 * 60 - 1)
    return time(minutes // 60, minutes % 60)


def plan_deliveries(
    uow: Repositories,
    on: date,
    document_ids: Iterable[str],
    vehicle_ids: Sequence[str],
    settings: RouteSettings,
    *,
    crews: Mapping[str, tuple[str, str]] | None = None,
    prefix: str = "TT",
) -> DeliveryPlan:
    """Plan ``on``'s deliveries of the documents on the vehicles and store the tasks.

    The directives (:func:`directives`) are packed into trips
    (:func:`salescore.delivery.pack`); each trip's stops are routed
    (:func:`salescore.delivery.plan_route`), the vehicle's first trip leaving at
    ``settings.departure`` and each further trip when the one before is back.
    One transport task per trip is stored, formed, numbered
    ``<prefix>-<date>-<n>`` after the day's stored tasks; ``crews`` gives a
    vehicle's (driver, forwarder).

    Raises:
        UnpostedDirectiveError: a document is not posted.
        MissingMeasureError, CargoRestrictionError: see :func:`salescore.delivery.pack`.
        DeliveryError: a document is already on a task that is not cancelled, or is
            posted after ``on``.
        VehicleBookedError: a trip overlaps another stored task of its vehicle.
    """
    vehicles: list[Vehicle] = [uow.vehicles.get(VehicleId(v)) for v in vehicle_ids]
    document_ids = list(dict.fromkeys(document_ids))
    for document_id in document_ids:
        posted_on = _document(uow, document_id).on
        if posted_on > on:
            raise DeliveryError(
                f"{document_id!r} is posted on {posted_on.isoformat()}: its goods cannot be "
                f"delivered on {on.isoformat()}, before they leave; plan a later day",
                document=document_id,
            )
    found = directives(uow, document_ids)
    # Rewrite each vehicle unchanged, in id order, before reading the day's tasks: the
    # write takes the vehicle's row lock (PostgreSQL) or the write lock (SQLite), so a
    # concurrent planner of the same vehicle waits for this unit of work and then sees
    # its tasks: two plans cannot both book one vehicle for the same time.
    for vehicle in sorted({v.id: v for v in vehicles}.values(), key=lambda v: v.id):
        uow.vehicles.save(vehicle)
    stored = uow.transport_tasks.find_by("on", on)
    wanted = {d.id for d in found.directives}
    for task in stored:
        taken = wanted.intersection(task.directive_ids)
        if task.holds_vehicle and taken:
            raise DeliveryError(
                f"{', '.join(sorted(taken))} already on transport task {task.id!r}: cancel "
                "it first or leave the document out",
                task=task.id,
            )
    packing = pack(found.directives, vehicles)
    by_id = {d.id: d for d in found.directives}
    crews = crews or {}
    free_at: dict[str, time] = {}
    tasks: list[TransportTask] = []
    routes: list[Route] = []
    number = len(stored)
    for trip in packing.trips:
        departure = free_at.get(trip.vehicle_id, settings.departure)
        points = [
            RoutePoint(x.directive_id, by_id[x.directive_id].place, by_id[x.directive_id].window)
            for x in trip.loads
        ]
        route = plan_route(points, attrs.evolve(settings, departure=departure))
        routes.append(route)
        loads = {x.directive_id: x for x in trip.loads}
        stops = tuple(
            TaskStop(
                s.seq,
                s.directive_id,
                by_id[s.directive_id].partner_id,
                s.place,
                s.window,
                s.arrival,
                by_id[s.directive_id].contact,
                tuple(TaskLine(x.product_id, x.quantity) for x in loads[s.directive_id].lines),
                loads[s.directive_id].weight_kg,
                loads[s.directive_id].volume_m3,
                loads[s.directive_id].whole,
            )
            for s in route.stops
        )
        number += 1
        driver, forwarder = crews.get(trip.vehicle_id, ("", ""))
        ends = route.back if _m(route.back) > _m(departure) else _later(departure)
        task = TransportTask(
            f"{prefix}-{on.isoformat()}-{number}",
            on,
            trip.vehicle_id,
            starts=departure,
            ends=ends,
            stops=stops,
            driver=driver,
            forwarder=forwarder,
            violations=tuple(str(v) for v in route.violations),
            vehicle_trip=trip.vehicle_trip,
        )
        check_booking(task, [*stored, *tasks])
        tasks.append(task)
        free_at[trip.vehicle_id] = task.ends
    saved = []
    for task in tasks:
        task = attrs.evolve(task, version=1)
        uow.transport_tasks.add(task)
        saved.append(task)
    return DeliveryPlan(on, tuple(saved), packing, tuple(routes), found.skipped)


def advance_task(
    uow: Repositories, task_id: str, to: TaskStatus, *, version: int | None = None
) -> TransportTask:
    """Move a stored transport task to status ``to`` (see
    :func:`salescore.delivery.advance`); ``version``: the version the caller read.

    Raises:
        DeliveryError: ``to`` does not follow the task's status.
        ConcurrencyError: the stored task is not at ``version``.
    """
    task = uow.transport_tasks.get(task_id)
    if version is not None and task.version != version:
        raise ConcurrencyError(
            f"transport task {task_id!r} is at version {task.version}, not {version}: "
            "read it again",
            id=task_id,
        )
    moved = attrs.evolve(advance(task, to), version=task.version + 1)
    uow.transport_tasks.save(moved)
    return moved


def vehicle_occupancy(
    uow: Repositories,
    on: date,
    vehicle_ids: Sequence[str] | None = None,
    shift: tuple[time, time] = (time(8), time(20)),
) -> Occupancy:
    """The vehicles' held spans and free gaps on ``on`` (every vehicle when None)."""
    vehicles = (
        uow.vehicles.all()
        if vehicle_ids is None
        else [uow.vehicles.get(VehicleId(v)) for v in vehicle_ids]
    )
    return occupancy(vehicles, uow.transport_tasks.find_by("on", on), on, shift)


def can_go_on(
    uow: Repositories,
    document_id: str,
    on: date,
    *,
    needs_minutes: int = 120,
    shift: tuple[time, time] = (time(8), time(20)),
) -> Answer:
    """Can a posted shipment or goods issue go on ``on``? (see
    :func:`salescore.delivery.can_go`); a document that needs no vehicle of ours
    is answered yes, with the reason.
    """
    found = directives(uow, [document_id])
    if not found.directives:
        (_, why), *_ = found.skipped
        return Answer(True, None, None, Explanation(f"can {document_id} go?", (Step("yes", why),)))
    return can_go(
        found.directives[0],
        uow.vehicles.all(),
        uow.transport_tasks.find_by("on", on),
        on,
        needs_minutes=needs_minutes,
        shift=shift,
    )


def bill_delivery(
    uow: Repositories,
    charge_id: str,
    shipment_id: str,
    amount: Money,
    on: date,
    calendar: BusinessCalendar,
    *,
    order_id: str | None = None,
) -> DeliveryCharge:
    """Bill the client ``amount`` for delivering a posted shipment: actual debt on
    the order's settlement account, split over the order's payment stages as a
    shipment's debt is (the charge is the settlement document).

    Raises:
        UnpostedDirectiveError: the shipment is not posted.
        DeliveryError: the order is not on the shipment, has no payment schedule,
            the charge is of nothing or in another currency.
        ConflictError: the charge number is taken.
    """
    shipment = uow.shipments.find(ShipmentId(shipment_id))
    if shipment is None:
        raise UnpostedDirectiveError(
            f"shipment {shipment_id!r} is not posted: post it before billing its delivery",
            document=shipment_id,
        )
    order_id = order_id or shipment.order_ids[0]
    if order_id not in shipment.order_ids:
        raise DeliveryError(
            f"order {order_id!r} is not on shipment {shipment_id!r}: bill one of "
            f"{', '.join(shipment.order_ids)}"
        )
    if amount.currency != shipment.currency:
        raise DeliveryError(
            f"the charge is in {amount.currency.code}, shipment {shipment_id!r} in "
            f"{shipment.currency.code}: bill in the shipment's currency"
        )
    charge = DeliveryCharge(charge_id, shipment_id, order_id, on, amount, version=1)
    order = uow.orders.get(OrderId(order_id))
    entries = actual_debt_entries(
        uow, order, charge_id, on, amount, calendar, doing="billing delivery", refuse=DeliveryError
    )
    uow.delivery_charges.add(charge)
    post_entries(uow.settlements, entries)
    return charge


def record_carrier_charge(uow: Repositories, charge: CarrierCharge) -> CarrierCharge:
    """Record what a carrier bills us (a payable).

    Raises:
        DeliveryError: the carrier is not a stored partner.
        ConflictError: the number is taken.
    """
    _carrier(uow, charge.carrier_id)
    stored = attrs.evolve(charge, version=1)
    uow.carrier_charges.add(stored)
    return stored


def pay_carrier(uow: Repositories, payment: CarrierPayment) -> CarrierPayment:
    """Record a payment to a carrier (it lowers what we owe, oldest due first)."""
    _carrier(uow, payment.carrier_id)
    stored = attrs.evolve(payment, version=1)
    uow.carrier_payments.add(stored)
    return stored


def _carrier(uow: Repositories, carrier_id: CarrierId) -> None:
    if uow.partners.find(carrier_id) is None:  # type: ignore[arg-type]
        raise DeliveryError(
            f"carrier {carrier_id!r} is not a stored partner: add the carrier as a partner first",
            carrier=carrier_id,
        )


def carrier_payables(uow: Repositories, carrier_id: str | None = None) -> PayablesLedger:
    """The payables ledger of one carrier (every carrier when None)."""
    if carrier_id is None:
        return PayablesLedger(uow.carrier_charges.all(), uow.carrier_payments.all())
    return PayablesLedger(
        uow.carrier_charges.find_by("carrier_id", carrier_id),
        uow.carrier_payments.find_by("carrier_id", carrier_id),
    )
