"""Delivery methods [способы доставки], places, time windows and vehicles.

A sale reaches the client one of four ways (:class:`DeliveryKind`): the client
picks the goods up, our transport drives them to the client's address, or a
carrier takes them, either from our warehouse or at its terminal, where our
transport brings them. Only the last two of those need a vehicle of ours
(:attr:`DeliveryKind.needs_our_vehicle`).

A :class:`DeliveryMethod` is set on an order or a shipment
(:class:`DeliveryAssignment`); where none is set, the agreement's logistic
terms (:class:`LogisticTerms`) give the default (:func:`resolve_method`).

>>> method = DeliveryMethod(DeliveryKind.OUR_TRANSPORT,
...     place=Place("12 Lenin St", zone="NORTH"), window=TimeWindow(time(9), time(12)))
>>> method.kind.needs_our_vehicle, str(method.window)
(True, '09:00-12:00')
>>> DeliveryMethod(DeliveryKind.CARRIER_FROM_WAREHOUSE)
Traceback (most recent call last):
...
salescore.errors.DeliveryError: delivery by a carrier needs the carrier: set carrier_id
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import time
from decimal import Decimal
from typing import NewType

import attrs

from salescore.errors import DeliveryError
from salescore.explain import Explanation, Step

__all__ = [
    "GENERAL_CARGO",
    "CarrierId",
    "DeliveryAssignment",
    "DeliveryKind",
    "DeliveryMethod",
    "LogisticTerms",
    "Place",
    "TimeWindow",
    "Vehicle",
    "VehicleId",
    "resolve_method",
]

VehicleId = NewType("VehicleId", str)
CarrierId = NewType("CarrierId", str)

GENERAL_CARGO = "general"
"""The cargo class of a product that names none (product attribute ``cargo``)."""


class DeliveryKind(enum.Enum):
    """How goods reach the client [способ доставки]."""

    SELF_PICKUP = "self_pickup"
    """The client collects the goods [самовывоз]."""
    OUR_TRANSPORT = "our_transport"
    """Our vehicle drives them to the client's address [до клиента]."""
    CARRIER_FROM_WAREHOUSE = "carrier_from_warehouse"
    """A carrier collects them at our warehouse [силами перевозчика со склада]."""
    CARRIER_TERMINAL = "carrier_terminal"
    """Our vehicle brings them to the carrier's terminal [до перевозчика]."""

    @property
    def needs_our_vehicle(self) -> bool:
        """Our transport or to the carrier's terminal: a transport task carries it."""
        return self in (DeliveryKind.OUR_TRANSPORT, DeliveryKind.CARRIER_TERMINAL)

    @property
    def by_carrier(self) -> bool:
        """A carrier takes the goods on (and charges us for it)."""
        return self in (DeliveryKind.CARRIER_FROM_WAREHOUSE, DeliveryKind.CARRIER_TERMINAL)


def _decimal_or_none(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise DeliveryError(f"give a coordinate as text or Decimal, not the float {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise DeliveryError(f"a coordinate must be a finite number, got {value!r}")
    return number


@attrs.frozen
class Place:
    """Where a stop is: an address, optionally a delivery zone and plane coordinates.

    Attributes:
        address: the address as printed on the route sheet.
        zone: the delivery zone [зона доставки]; routes without coordinates
            follow zones.
        x, y: coordinates on a plane in kilometres (any projection the
            caller uses); both or neither.
    """

    address: str
    zone: str = ""
    x: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)
    y: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)

    def __attrs_post_init__(self) -> None:
        if not self.address.strip():
            raise DeliveryError("a delivery place needs an address")
        if (self.x is None) != (self.y is None):
            raise DeliveryError(
                f"place {self.address!r} has one coordinate: give both x and y or neither"
            )

    @property
    def has_coordinates(self) -> bool:
        """Both coordinates are known."""
        return self.x is not None


@attrs.frozen
class TimeWindow:
    """The desired delivery time [желаемое время доставки]: from ``start`` to ``end``."""

    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise DeliveryError(
                f"a time window must end after it starts, got {self.start:%H:%M}-{self.end:%H:%M}"
            )

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@attrs.frozen
class DeliveryMethod:
    """How one order or shipment is delivered.

    Attributes:
        kind: self-pickup, our transport, or a carrier (from our warehouse or
            at its terminal).
        place: the client's address (our transport) or the carrier's terminal.
        window: the desired time window, if any.
        contact: whom to call on arrival.
        carrier_id: the carrier (a partner id) for the carrier kinds.
    """

    kind: DeliveryKind
    place: Place | None = None
    window: TimeWindow | None = None
    contact: str = ""
    carrier_id: CarrierId | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind.by_carrier and not self.carrier_id:
            raise DeliveryError("delivery by a carrier needs the carrier: set carrier_id")
        if self.kind is DeliveryKind.OUR_TRANSPORT and self.place is None:
            raise DeliveryError("delivery by our transport needs the client's address: set place")
        if self.kind is DeliveryKind.CARRIER_TERMINAL and self.place is None:
            raise DeliveryError(
                "bringing goods to a carrier needs the terminal's address: set place"
            )

    def describe(self) -> str:
        """One line for people: ``"our transport to 12 Lenin St, 09:00-12:00"``."""
        text = self.kind.value.replace("_", " ")
        if self.carrier_id:
            text += f" {self.carrier_id}"
        if self.place is not None:
            text += f" to {self.place.address}"
        if self.window is not None:
            text += f", {self.window}"
        return text


@attrs.frozen
class DeliveryAssignment:
    """The delivery method set on one order or shipment (``id`` is that document's id)."""

    id: str
    method: DeliveryMethod


@attrs.frozen
class LogisticTerms:
    """The logistic terms of an agreement [логистика в соглашении] (``id`` is the
    agreement's id): the delivery method its orders default to."""

    id: str
    method: DeliveryMethod


def resolve_method(
    shipment_id: str | None,
    order_ids: Iterable[str],
    agreement_ids: Iterable[str],
    assignments: dict[str, DeliveryAssignment],
    terms: dict[str, LogisticTerms],
) -> tuple[DeliveryMethod, Explanation]:
    """The delivery method of a shipment, with where it came from.

    The first found wins: the shipment's own assignment, then its orders'
    (in order), then the logistic terms of the agreements given (the order's
    agreement first, then its typical base agreement), else self-pickup.

    >>> m = DeliveryMethod(DeliveryKind.SELF_PICKUP)
    >>> method, why = resolve_method("S-1", ["SO-1"], ["AG-1"], {},
    ...     {"AG-1": LogisticTerms("AG-1", m)})
    >>> method.kind.value, why.steps[-1].source
    ('self_pickup', 'logistic terms of agreement AG-1')
    """
    subject = f"delivery method of {shipment_id or 'the order'}"
    if shipment_id is not None and shipment_id in assignments:
        method = assignments[shipment_id].method
        return method, Explanation(
            subject, (Step("set on the shipment", method.describe(), f"shipment {shipment_id}"),)
        )
    for order_id in order_ids:
        if order_id in assignments:
            method = assignments[order_id].method
            return method, Explanation(
                subject, (Step("set on the order", method.describe(), f"order {order_id}"),)
            )
    for agreement_id in agreement_ids:
        if agreement_id in terms:
            method = terms[agreement_id].method
            return method, Explanation(
                subject,
                (
                    Step(
                        "the agreement's default",
                        method.describe(),
                        f"logistic terms of agreement {agreement_id}",
                    ),
                ),
            )
    method = DeliveryMethod(DeliveryKind.SELF_PICKUP)
    return method, Explanation(
        subject, (Step("nothing set on the documents or the agreement", "self pickup"),)
    )


def _capacity(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise DeliveryError(f"give a capacity as text or Decimal, not the float {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite() or number <= 0:
        raise DeliveryError(f"a vehicle capacity must be above zero, got {value!r}")
    return number


def _measures_text(kg: Decimal | None, m3: Decimal | None) -> str:
    """``"1000 kg, 9 m3"`` with only the measures given."""
    parts = [f"{kg:f} kg" if kg is not None else "", f"{m3:f} m3" if m3 is not None else ""]
    return ", ".join(p for p in parts if p)


def _cargo(value: Iterable[str]) -> frozenset[str]:
    classes = frozenset(value)
    if not classes:
        raise DeliveryError("a vehicle must carry at least one cargo class")
    return classes


@attrs.frozen
class Vehicle:
    """A vehicle [транспортное средство] with its capacities and what it may carry.

    Attributes:
        id: the vehicle's id.
        name: a name or registration plate for the route sheet.
        capacity_kg: the load it takes in kilograms (None: not bound by weight).
        capacity_m3: the load it takes in cubic metres (None: not bound by volume).
        carries: the cargo classes it may carry (product attribute ``cargo``;
            :data:`GENERAL_CARGO` for products that name none).
    """

    id: VehicleId
    name: str = ""
    capacity_kg: Decimal | None = attrs.field(default=None, converter=_capacity)
    capacity_m3: Decimal | None = attrs.field(default=None, converter=_capacity)
    carries: frozenset[str] = attrs.field(
        default=frozenset({GENERAL_CARGO}), converter=_cargo, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if self.capacity_kg is None and self.capacity_m3 is None:
            raise DeliveryError(
                f"vehicle {self.id!r} has no capacity: give capacity_kg, capacity_m3 or both"
            )

    def capacity_text(self) -> str:
        """Its capacities for people: ``"1000 kg"``, ``"1000 kg, 9 m3"``."""
        return _measures_text(self.capacity_kg, self.capacity_m3)

    def may_carry(self, cargo: Iterable[str]) -> bool:
        """Every class in ``cargo`` is one this vehicle carries."""
        return all(c in self.carries for c in cargo)
