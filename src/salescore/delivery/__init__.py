"""Delivery (E5) and vehicle use planning (E6).

A pure context: values and decisions, no I/O. Delivery methods
(:mod:`~salescore.delivery.model`) say how goods reach the client; delivery
directives (the shipments and goods issues to carry) are packed into trips by
capacity (:mod:`~salescore.delivery.packing`), each trip's stops ordered into
a route (:mod:`~salescore.delivery.route`) and formed into a transport task
[задание на перевозку] (:mod:`~salescore.delivery.tasks`); vehicles are booked
without conflicts (:mod:`~salescore.delivery.planning`); delivery charges go
both ways (:mod:`~salescore.delivery.charges`). The application
(:mod:`salescore.app.delivery`) reads the documents and stores the results.
"""

from salescore.delivery.charges import (
    CarrierCharge,
    CarrierPayment,
    DeliveryCharge,
    PayableItem,
    PayablesLedger,
)
from salescore.delivery.model import (
    GENERAL_CARGO,
    CarrierId,
    DeliveryAssignment,
    DeliveryKind,
    DeliveryMethod,
    LogisticTerms,
    Place,
    TimeWindow,
    Vehicle,
    VehicleId,
    resolve_method,
)
from salescore.delivery.packing import Directive, DirectiveLine, Load, Packing, Split, Trip, pack
from salescore.delivery.planning import (
    Answer,
    Occupancy,
    OccupancyRow,
    can_go,
    check_booking,
    occupancy,
)
from salescore.delivery.route import (
    Route,
    RoutePoint,
    RouteSettings,
    RouteStop,
    WindowViolation,
    plan_route,
)
from salescore.delivery.tasks import (
    TaskLine,
    TaskStatus,
    TaskStop,
    TransportTask,
    advance,
    next_statuses,
)

__all__ = [
    "GENERAL_CARGO",
    "Answer",
    "CarrierCharge",
    "CarrierId",
    "CarrierPayment",
    "DeliveryAssignment",
    "DeliveryCharge",
    "DeliveryKind",
    "DeliveryMethod",
    "Directive",
    "DirectiveLine",
    "Load",
    "LogisticTerms",
    "Occupancy",
    "OccupancyRow",
    "Packing",
    "PayableItem",
    "PayablesLedger",
    "Place",
    "Route",
    "RoutePoint",
    "RouteSettings",
    "RouteStop",
    "Split",
    "TaskLine",
    "TaskStatus",
    "TaskStop",
    "TimeWindow",
    "TransportTask",
    "Trip",
    "Vehicle",
    "VehicleId",
    "WindowViolation",
    "advance",
    "can_go",
    "check_booking",
    "next_statuses",
    "occupancy",
    "pack",
    "plan_route",
    "resolve_method",
]
