"""Pure decisions of shipments and returns: what a line may take, at which figures.

Nothing here reads or writes storage; the application
(:mod:`salescore.app.shipments`) reads the orders and earlier documents,
calls these functions, and stores what they return.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation
from salescore.money import Money
from salescore.orders import LineId, Order, OrderId, OrderStatus
from salescore.parties import CounterpartyId, PartnerId, ProductId, WarehouseId
from salescore.shipments.model import (
    CustomerReturn,
    ReturnId,
    ReturnLine,
    Shipment,
    ShipmentId,
    ShipmentLine,
    share,
)
from salescore.tax import VatCategory, VatRateTable

__all__ = [
    "LineExecution",
    "ReturnRequest",
    "ReturnRequestStatus",
    "ShipRequest",
    "ShippedQuantity",
    "agree_return_request",
    "complete_return_request",
    "exchanged",
    "hand_priced_return_line",
    "line_executions",
    "reject_return_request",
    "return_line",
    "return_lines_of_product",
    "returned_of_shipment_lines",
    "ship_line",
    "shipped_quantities",
]


@attrs.frozen
class ShipRequest:
    """What to ship: ``quantity`` of an order line, from ``warehouse_id`` (the order's if None)."""

    order_id: OrderId
    line_id: LineId
    quantity: Decimal = attrs.field(converter=Decimal)
    warehouse_id: WarehouseId | None = None


@attrs.frozen
class LineExecution:
    """What happened to one order line: shipped and returned, quantity, net and VAT.

    ``shipped`` counts the shipments that executed the order; ``returned`` the
    returns of their goods. An exchange (a return and the shipment that replaces
    it) counts in neither: the client keeps the same goods at the same figures.
    """

    order_id: OrderId
    line_id: LineId
    shipped: Decimal = Decimal(0)
    returned: Decimal = Decimal(0)
    shipped_net: Money | None = None
    returned_net: Money | None = None
    shipped_vat: Money | None = None
    returned_vat: Money | None = None

    @property
    def net_quantity(self) -> Decimal:
        """Shipped minus returned: what the client keeps."""
        return self.shipped - self.returned


def _plus(a: Money | None, b: Money) -> Money:
    return b if a is None else a + b


def exchanged(
    shipments: Iterable[Shipment], returns: Iterable[CustomerReturn]
) -> tuple[list[Shipment], list[CustomerReturn]]:
    """The shipments and returns without the pairs of an exchange (a return and the
    shipment that :attr:`~Shipment.replaces` it): what executed the orders and what
    came back for good."""
    shipments = list(shipments)
    replaced = {s.replaces for s in shipments if s.replaces is not None}
    return (
        [s for s in shipments if s.replaces is None],
        [r for r in returns if r.id not in replaced],
    )


def line_executions(
    shipments: Iterable[Shipment], returns: Iterable[CustomerReturn] = ()
) -> dict[tuple[str, str], LineExecution]:
    """Per (order, line): what the shipments shipped and the returns brought back
    (exchanges left out: :func:`exchanged`)."""
    shipments, returns = exchanged(shipments, returns)
    found: dict[tuple[str, str], LineExecution] = {}
    for shipment in shipments:
        for x in shipment.lines:
            key = (x.order_id, x.order_line_id)
            was = found.get(key) or LineExecution(x.order_id, x.order_line_id)
            found[key] = attrs.evolve(
                was,
                shipped=was.shipped + x.quantity,
                shipped_net=_plus(was.shipped_net, x.net),
                shipped_vat=_plus(was.shipped_vat, x.vat),
            )
    for document in returns:
        for r in document.lines:
            if r.order_id is None or r.order_line_id is None:
                continue
            key = (r.order_id, r.order_line_id)
            was = found.get(key) or LineExecution(r.order_id, r.order_line_id)
            found[key] = attrs.evolve(
                was,
                returned=was.returned + r.quantity,
                returned_net=_plus(was.returned_net, r.net),
                returned_vat=_plus(was.returned_vat, r.vat),
            )
    return found


@attrs.frozen
class ShippedQuantity:
    """Goods of one order line that left, net of returns, by a date (what the order's
    derived state counts: :func:`salescore.orders.derive_state`)."""

    order_id: OrderId
    line_id: LineId
    quantity: Decimal
    on: date
    document: str = ""


def shipped_quantities(
    shipments: Iterable[Shipment], returns: Iterable[CustomerReturn] = ()
) -> tuple[ShippedQuantity, ...]:
    """Each shipment line as a positive quantity and each return line as a negative one
    (the derived state shows a return as returned; exchanges are left out)."""
    shipments, returns = exchanged(shipments, returns)
    found = [
        ShippedQuantity(x.order_id, x.order_line_id, x.quantity, s.on, s.id)
        for s in shipments
        for x in s.lines
    ]
    found += [
        ShippedQuantity(r.order_id, r.order_line_id, -r.quantity, d.on, d.id)
        for d in returns
        for r in d.lines
        if r.order_id is not None and r.order_line_id is not None
    ]
    return tuple(found)


def ship_line(
    order: Order,
    request: ShipRequest,
    line_no: str,
    done: LineExecution | None,
    *,
    partner_id: PartnerId,
    counterparty_id: CounterpartyId,
    exact_rest: bool = True,
) -> ShipmentLine:
    """A shipment line for ``request`` at the order line's frozen price and VAT.

    The line takes its share of the order line's frozen net and VAT; when it
    ships everything still left of the line, it takes exactly what is left of
    the amounts, so the shipments of a line add up to the order line. With
    ``exact_rest`` False (a correction changed the price of earlier shipments of
    the line, so their amounts no longer add up to the frozen ones) the last
    shipment takes its share too.

    Raises:
        ShipmentError: the order is another client's, is not *to ship*, the
            line is unknown, or the quantity is more than the line has left
            (the message says how much is left).
    """
    where = f"order {order.id!r} line {request.line_id}"
    if order.header.partner_id != partner_id or order.header.counterparty_id != counterparty_id:
        raise ShipmentError(
            f"{where} belongs to client {order.header.partner_id} "
            f"({order.header.counterparty_id}), the shipment is for {partner_id} "
            f"({counterparty_id}): ship each client's orders in its own shipment",
            order=order.id,
        )
    if order.status is not OrderStatus.TO_SHIP:
        raise ShipmentError(
            f"{where}: the order is {order.status.value.replace('_', ' ')}; goods leave only "
            "for an order that is to ship (release it for shipment first)",
            order=order.id,
        )
    assert order.prices is not None  # an order to ship is priced
    document_line = order.line(request.line_id)
    frozen = order.prices.line(request.line_id)
    ordered = frozen.quantity.value
    kept = done.shipped if done is not None else Decimal(0)
    left = ordered - kept
    quantity = Decimal(request.quantity)
    if quantity <= 0:
        raise ShipmentError(f"{where}: ship a quantity above zero, got {quantity}")
    if quantity > left:
        back = done.returned if done is not None else Decimal(0)
        returned = (
            f"; {back:f} came back by returns, which do not reopen the order "
            "(exchange them, or make a new order)"
            if back
            else ""
        )
        raise ShipmentError(
            f"{where}: {quantity:f} asked, but only {left:f} of {ordered:f} is left to ship "
            f"({kept:f} shipped{returned}); ship at most {left:f}",
            order=order.id,
            line=request.line_id,
            left=str(left),
        )
    currency = frozen.net.currency
    if quantity == left and exact_rest:  # the last of the line takes exactly what is left
        shipped_net = (done.shipped_net if done else None) or Money.zero(currency)
        shipped_vat = (done.shipped_vat if done else None) or Money.zero(currency)
        net = frozen.net - shipped_net
        vat = frozen.vat - shipped_vat
    else:
        net = share(frozen.net, quantity, ordered)
        vat = share(frozen.vat, quantity, ordered)
    warehouse = None
    if not document_line.is_service:
        warehouse = request.warehouse_id or order.header.warehouse_id
        if warehouse is None:
            raise ShipmentError(
                f"{where}: neither the request nor the order names a warehouse; "
                "say which warehouse the goods leave",
                order=order.id,
            )
    return ShipmentLine(
        line_no,
        order.id,
        request.line_id,
        frozen.product_id,
        warehouse,
        quantity,
        document_line.is_service,
        net=net,
        vat_rate=frozen.vat_rate,
        vat_included=frozen.vat_included,
        vat=vat,
    )


def returned_of_shipment_lines(
    returns: Iterable[CustomerReturn],
) -> dict[tuple[str, str], tuple[Decimal, Money, Money]]:
    """Per (shipment, line number): quantity, net and VAT already returned."""
    found: dict[tuple[str, str], tuple[Decimal, Money, Money]] = {}
    for document in returns:
        for r in document.lines:
            if r.shipment_id is None or r.shipment_line_no is None:
                continue
            key = (r.shipment_id, r.shipment_line_no)
            if key in found:
                q, n, v = found[key]
                found[key] = (q + r.quantity, n + r.net, v + r.vat)
            else:
                found[key] = (r.quantity, r.net, r.vat)
    return found


def return_line(
    shipment: Shipment,
    shipment_line_no: str,
    quantity: Decimal,
    line_no: str,
    returned: Mapping[tuple[str, str], tuple[Decimal, Money, Money]],
) -> ReturnLine:
    """A return line mirroring the shipment line's net amount and VAT.

    A partial return takes its share of the shipment line; the return of the
    rest takes exactly what is left, so returning a whole line gives back its
    exact VAT.

    Raises:
        ShipmentError: no such shipment line, or more than was shipped and
            not yet returned (the message says how much may come back).
    """
    shipped = shipment.line(shipment_line_no)
    quantity = Decimal(quantity)
    was_q, was_net, was_vat = returned.get(
        (shipment.id, shipment_line_no),
        (Decimal(0), Money.zero(shipment.currency), Money.zero(shipment.currency)),
    )
    left = shipped.quantity - was_q
    where = f"shipment {shipment.id!r} line {shipment_line_no} ({shipped.product_id})"
    if quantity <= 0:
        raise ShipmentError(f"{where}: return a quantity above zero, got {quantity}")
    if quantity > left:
        raise ShipmentError(
            f"{where}: {quantity:f} to return, but {shipped.quantity:f} was shipped and "
            f"{was_q:f} already returned; return at most {left:f}",
            shipment=shipment.id,
            line=shipment_line_no,
            left=str(left),
        )
    if quantity == left:
        net, vat = shipped.net - was_net, shipped.vat - was_vat
    else:
        net = share(shipped.net, quantity, shipped.quantity)
        vat = share(shipped.vat, quantity, shipped.quantity)
    return ReturnLine(
        line_no,
        shipped.order_id,
        shipped.order_line_id,
        shipped.product_id,
        shipped.warehouse_id,
        quantity,
        shipment_id=shipment.id,
        shipment_line_no=shipment_line_no,
        is_service=shipped.is_service,
        by_receipt_order=shipment.by_goods_issue and not shipped.is_service,
        net=net,
        vat_rate=shipped.vat_rate,
        vat_included=shipped.vat_included,
        vat=vat,
    )


def return_lines_of_product(
    shipment: Shipment,
    product_id: ProductId,
    quantity: Decimal,
    first_line_no: int,
    returned: Mapping[tuple[str, str], tuple[Decimal, Money, Money]],
) -> list[ReturnLine]:
    """Return lines for ``quantity`` of ``product_id`` shipped in ``shipment``.

    The quantity is taken from the shipment's lines of that product in line
    order, each up to what it has left to return.

    Raises:
        ShipmentError: the product was never shipped in this shipment, or
            more is asked than was shipped and not yet returned.
    """
    quantity = Decimal(quantity)
    lines = [x for x in shipment.lines if x.product_id == product_id]
    if not lines:
        raise ShipmentError(
            f"shipment {shipment.id!r} shipped no {product_id}: a return refers to goods "
            "the shipment shipped (check the product, or return it without a shipment)",
            shipment=shipment.id,
            product=product_id,
        )
    room = []
    for x in lines:
        was = returned.get((shipment.id, x.line_no))
        room.append(x.quantity - (was[0] if was else Decimal(0)))
    left = sum(room, Decimal(0))
    if quantity <= 0 or quantity > left:
        shipped = sum((x.quantity for x in lines), Decimal(0))
        raise ShipmentError(
            f"shipment {shipment.id!r}: {quantity:f} of {product_id} to return, but "
            f"{shipped:f} was shipped and {shipped - left:f} already returned; "
            f"return above zero and at most {left:f}",
            shipment=shipment.id,
            product=product_id,
            left=str(left),
        )
    found: list[ReturnLine] = []
    rest = quantity
    for x, can in zip(lines, room, strict=True):
        take = min(can, rest)
        if take > 0:
            found.append(
                return_line(shipment, x.line_no, take, str(first_line_no + len(found)), returned)
            )
            rest -= take
    return found


def hand_priced_return_line(
    line_no: str,
    product_id: ProductId,
    warehouse_id: WarehouseId,
    quantity: Decimal,
    unit_price: Money,
    *,
    sold_on: date,
    category: VatCategory,
    vat_rates: VatRateTable,
    order_id: OrderId | None = None,
    order_line_id: LineId | None = None,
) -> ReturnLine:
    """A return line without a shipment: a hand-typed price including VAT.

    The VAT rate is the one in force on the original sale's date ``sold_on``
    (a 2025 sale returned in 2026 keeps 20 %), from the one VAT table.
    """
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ShipmentError(f"return line {line_no}: a quantity above zero, got {quantity}")
    if not unit_price.is_positive():
        raise ShipmentError(
            f"return line {line_no} ({product_id}): type a price above zero, got {unit_price}"
        )
    rate = vat_rates.rate(category, sold_on)
    net = share(unit_price, quantity, Decimal(1))
    return ReturnLine(
        line_no,
        order_id,
        order_line_id,
        product_id,
        warehouse_id,
        quantity,
        net=net,
        vat_rate=rate,
        vat_included=True,
        vat=rate.vat_of(net, included=True),
    )


# --- return requests -------------------------------------------------------------


class ReturnRequestStatus(enum.Enum):
    """Where a return request [заявка на возврат] stands."""

    NOT_AGREED = "not_agreed"
    """[не согласована]: the client asked."""
    AGREED = "agreed"
    """[согласована]: the company takes the goods back."""
    DONE = "done"
    """[выполнена]: the return was posted."""
    REJECTED = "rejected"
    """[отклонена]: refused, with a reason."""


def _items(value: Iterable[tuple[ProductId, Decimal]]) -> tuple[tuple[ProductId, Decimal], ...]:
    return tuple((ProductId(p), Decimal(q)) for p, q in value)


@attrs.frozen
class ReturnRequest:
    """A request to return goods [заявка на возврат], from a client (with or without a
    sale) or from a commission agent [заявка на возврат от комиссионера].

    Attributes:
        id: the request number.
        partner_id, counterparty_id: the client or the agent.
        on: when the client asked.
        shipment_id: the sale the goods came with (None: without a sale).
        items: (product, quantity) the client wants to return.
        exchange: True when the client wants the same goods instead (an exchange).
        status: see :class:`ReturnRequestStatus`.
        return_id: the return that executed it.
        reason: the client's reason, or why it was rejected.
        transfer_id: for a commission agent's request, the transfer
            [передача на комиссию] the goods came with.
        sold: for an agent's request, True when the goods were sold by the agent
            and a buyer brought them back (a return after its sales report).
        version: the stored version.
    """

    id: str
    partner_id: PartnerId
    counterparty_id: CounterpartyId
    on: date
    shipment_id: ShipmentId | None
    items: tuple[tuple[ProductId, Decimal], ...] = attrs.field(converter=_items)
    exchange: bool = False
    status: ReturnRequestStatus = ReturnRequestStatus.NOT_AGREED
    return_id: ReturnId | None = None
    reason: str = ""
    version: int = 0
    transfer_id: str | None = attrs.field(default=None, kw_only=True)
    sold: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.transfer_id is not None and (self.shipment_id is not None or self.exchange):
            raise ShipmentError(
                f"return request {self.id!r} names commission transfer {self.transfer_id!r}: "
                "an agent's request names no shipment and asks for no exchange",
                request=self.id,
            )
        if self.sold and self.transfer_id is None:
            raise ShipmentError(
                f"return request {self.id!r}: only a commission agent's request (with a "
                "transfer) returns goods the agent sold",
                request=self.id,
            )

    @property
    def from_agent(self) -> bool:
        """True for a commission agent's request."""
        return self.transfer_id is not None

    def explain(self) -> Explanation:
        """The request in one line."""
        source = f" from the agent (transfer {self.transfer_id})" if self.from_agent else ""
        return Explanation(
            f"return request {self.id}{source} of {self.on.isoformat()}: "
            f"{self.status.value.replace('_', ' ')}"
        )


def _refused(request: ReturnRequest, action: str, allowed: ReturnRequestStatus) -> ShipmentError:
    return ShipmentError(
        f"return request {request.id!r} is {request.status.value.replace('_', ' ')}: "
        f"it can be {action} only when {allowed.value.replace('_', ' ')}",
        request=request.id,
        status=request.status.value,
    )


def agree_return_request(request: ReturnRequest) -> ReturnRequest:
    """Not agreed → agreed."""
    if request.status is not ReturnRequestStatus.NOT_AGREED:
        raise _refused(request, "agreed", ReturnRequestStatus.NOT_AGREED)
    return attrs.evolve(request, status=ReturnRequestStatus.AGREED)


def reject_return_request(request: ReturnRequest, reason: str) -> ReturnRequest:
    """Not agreed or agreed → rejected, with a reason."""
    if request.status not in (ReturnRequestStatus.NOT_AGREED, ReturnRequestStatus.AGREED):
        raise _refused(request, "rejected", ReturnRequestStatus.NOT_AGREED)
    if not reason.strip():
        raise ShipmentError(f"return request {request.id!r}: give the reason it is rejected")
    return attrs.evolve(request, status=ReturnRequestStatus.REJECTED, reason=reason)


def complete_return_request(request: ReturnRequest, return_id: ReturnId) -> ReturnRequest:
    """Agreed → done, naming the return that executed it."""
    if request.status is not ReturnRequestStatus.AGREED:
        raise _refused(request, "done", ReturnRequestStatus.AGREED)
    return attrs.evolve(request, status=ReturnRequestStatus.DONE, return_id=return_id)
