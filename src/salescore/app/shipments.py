"""Shipment and return use cases: decide with :mod:`salescore.shipments`, post, store.

Each posting is one step inside the caller's unit of work: it reads the
orders and the earlier documents, decides every line first (a refused line
raises before anything is written), then moves the stock, posts the debt and
stores the document. A short stock raises from the ledger; the unit of work
then rolls back, so stock, debt and document go together or not at all.

* :func:`post_shipment` — goods leave (the line's reserve first, then free
  stock); actual debt is split over each order's payment stages.
* :func:`post_return` — goods of a shipment come back at the shipment's net
  price and VAT; a return entry lowers the debt of the same order first.
* :func:`post_return_without_shipment` — goods come back at a hand-typed price.
* :func:`exchange` — a return plus a replacement at the same figures: the debt
  does not move.
* return requests: :func:`create_return_request`, :func:`agree_return_request`,
  :func:`reject_return_request`; :func:`post_return` with ``request_id`` marks
  an agreed request done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from salescore.adapters.repositories import Repositories
from salescore.app.orders import actual_debt_entries, order_state, settlement_account
from salescore.dates import BusinessCalendar
from salescore.errors import ShipmentError
from salescore.money import PIECE, Money, Quantity, total
from salescore.orders import LineId, Order, OrderId, OrderState, reserve_claims
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.receivables import (
    EntryKind,
    SettlementAccount,
    SettlementEntry,
    post_entries,
)
from salescore.reservation import (
    Bucket,
    Move,
    Operation,
    ReserveClaim,
    SupplyOption,
    receive,
    ship,
)
from salescore.reservation import OrderId as ReserveOrderId
from salescore.shipments import (
    AgentReturn,
    AgentReturnLine,
    CommissionReport,
    CommissionTransfer,
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    CustomerReturn,
    GoodsIssue,
    GoodsReceipt,
    IssueDiscrepancy,
    IssueId,
    IssueLine,
    LineChange,
    LineExecution,
    ReceiptId,
    ReceiptLine,
    ReportLine,
    ReturnId,
    ReturnLine,
    ReturnRequest,
    ReturnRequestStatus,
    Settlement,
    Shipment,
    ShipmentCorrection,
    ShipmentId,
    ShipmentLine,
    ShipRequest,
    TransferId,
    agent_lines,
    agent_stock,
    corrected_shipment,
    decide_correction,
    issue_discrepancies,
    issue_line,
    issue_line_counts,
    line_executions,
    mirrored_line,
    receipt_line,
    return_lines_of_product,
    returned_of_shipment_lines,
    share,
    ship_line,
)
from salescore.shipments import corrections as correction_decisions
from salescore.shipments import operations as decisions

__all__ = [
    "AgentItem",
    "ReturnItem",
    "agree_correction",
    "agree_return_request",
    "corrected_shipments",
    "create_return_request",
    "discrepancies",
    "exchange",
    "post_agent_return",
    "post_agreed_correction",
    "post_commission_report",
    "post_commission_transfer",
    "post_correction",
    "post_goods_issue",
    "post_goods_receipt",
    "post_return",
    "post_return_without_shipment",
    "post_shipment",
    "register_correction",
    "reject_correction",
    "reject_return_request",
    "shipping_state",
]


@attrs.frozen
class ReturnItem:
    """What comes back: ``quantity`` of ``product_id`` shipped by ``shipment_id``."""

    shipment_id: ShipmentId
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=Decimal)


def corrected_shipments(uow: Repositories, shipments: Iterable[Shipment]) -> list[Shipment]:
    """The shipments as their stored corrections left them (see
    :func:`salescore.shipments.corrected_shipment`); corrected to nothing: left out."""
    found = []
    for shipment in shipments:
        corrections = uow.shipment_corrections.of_shipment(shipment.id)
        now = corrected_shipment(shipment, corrections) if corrections else shipment
        if now is not None:
            found.append(now)
    return found


def _of_orders(uow: Repositories, order_ids: Iterable[OrderId]) -> list[Shipment]:
    """The shipments of the orders (each once, though it ships several of them), as
    their corrections left them."""
    # In id order: a store that locks an order when its shipments are read for writing
    # (PostgreSQL) takes the locks of several orders in one order, so two shipments of the
    # same orders never wait for each other in a cycle.
    ids = sorted(dict.fromkeys(order_ids))
    shipments = {s.id: s for i in ids for s in uow.shipments.of_order(i)}
    corrections: dict[str, list[ShipmentCorrection]] = {}
    for c in {c.id: c for i in ids for c in uow.shipment_corrections.of_order(i)}.values():
        corrections.setdefault(c.shipment_id, []).append(c)
    found = []
    for shipment in shipments.values():
        now = corrected_shipment(shipment, corrections.get(shipment.id, ()))
        if now is not None:
            found.append(now)
    return found


def _returns_of_orders(uow: Repositories, order_ids: Iterable[OrderId]) -> list[CustomerReturn]:
    """The returns of the orders, each once."""
    ids = list(dict.fromkeys(order_ids))
    return list({r.id: r for i in ids for r in uow.customer_returns.of_order(i)}.values())


def _refuse_raises_beyond_orders(uow: Repositories, correction: ShipmentCorrection) -> None:
    """Refuse a correction that raises a line's quantity beyond what its order line has
    left to ship (counted as ``post_shipment`` counts it: the shipments as corrected). An
    over-delivery is goods beyond the document by its nature and is not bounded."""
    if correction.kind is CorrectionKind.OVER_DELIVERY:
        return
    raised = [x for x in correction.lines if x.after.quantity > x.before.quantity]
    if not raised:
        return
    orders = _orders(uow, (x.order_id for x in raised))
    done = line_executions(_of_orders(uow, orders), _returns_of_orders(uow, orders))
    for x in raised:
        ordered, left = _left_to_ship(orders[x.order_id], x.order_line_id, done)
        more = x.after.quantity - x.before.quantity
        if more > left:
            raise ShipmentError(
                f"correction {correction.id!r}, shipment {correction.shipment_id!r} line "
                f"{x.line_no}: the quantity would go from {x.before.quantity:f} to "
                f"{x.after.quantity:f}, {more:f} more, but order {x.order_id!r} line "
                f"{x.order_line_id} has only {left:f} of {ordered:f} left to ship; raise it "
                f"by at most {left:f}, or post goods the client got beyond the order as an "
                "over-delivery",
                order=x.order_id,
                line=x.order_line_id,
                left=str(left),
            )


def _left_to_ship(
    order: Order, line_id: LineId, done: Mapping[tuple[str, str], LineExecution]
) -> tuple[Decimal, Decimal]:
    """An order line's ordered quantity and what is left of it to ship, after the
    shipments (as corrected) and returns ``done`` counts."""
    assert order.prices is not None  # only a priced order is shipped
    ordered = order.prices.line(line_id).quantity.value
    execution = done.get((order.id, line_id))
    return ordered, ordered - (execution.shipped if execution else Decimal(0))


def _orders(uow: Repositories, ids: Iterable[OrderId]) -> dict[OrderId, Order]:
    return {i: uow.orders.get(i) for i in dict.fromkeys(ids)}


def _not_taken(uow: Repositories, kind: str, number: str, taken: object) -> None:
    if taken is not None:
        raise ShipmentError(f"{kind} {number!r} exists already; give another number", id=number)


def _move_out(
    uow: Repositories,
    document: str,
    order: Order,
    line: ShipmentLine | IssueLine,
    warehouse: WarehouseId | None,
    at: datetime,
) -> None:
    if warehouse is None or (isinstance(line, ShipmentLine) and line.is_service):
        return
    claims = {c.line_id: c for c in reserve_claims(order)}
    claim = claims.get(line.order_line_id)
    if claim is None:  # a line that needs no securing still leaves the warehouse
        frozen = order.prices.line(line.order_line_id) if order.prices else None
        unit = frozen.quantity.unit if frozen else PIECE
        claim = ReserveClaim(
            ReserveOrderId(order.id),
            line.order_line_id,
            line.product_id,
            warehouse,
            Quantity(line.quantity, unit),
            order.on,
            order.on,
        )
    claim = attrs.evolve(claim, warehouse_id=warehouse)
    if claim.supply is SupplyOption.NOT_REQUIRED:
        claim = attrs.evolve(claim, supply=SupplyOption.FROM_STOCK)
    ship(uow.stock_ledger, claim, Quantity(line.quantity, claim.unit), document=document, at=at)


def _release_left_reserve(
    uow: Repositories,
    shipment: Shipment,
    orders: dict[OrderId, Order],
    at: datetime,
    done: dict[tuple[str, str], LineExecution] | None = None,
) -> None:
    """A line shipped in full from another warehouse leaves its reserve at the order's
    warehouse: it goes back to free stock. ``done``: the executions with this
    shipment already counted (read from the store when None)."""
    if done is None:
        done = line_executions(
            [*_of_orders(uow, shipment.order_ids), shipment],
            _returns_of_orders(uow, shipment.order_ids),
        )
    moves = []
    for (order_id, line_id), execution in done.items():
        order = orders.get(OrderId(order_id))
        warehouse = order.header.warehouse_id if order is not None else None
        if order is None or order.prices is None or warehouse is None:
            continue
        frozen = order.prices.line(line_id)
        if execution.shipped < frozen.quantity.value:
            continue
        bucket = Bucket.reserved(ReserveOrderId(order.id), LineId(line_id))
        held = uow.stock_ledger.balance(frozen.product_id, warehouse, bucket, frozen.quantity.unit)
        if held.value > 0:
            moves.append(Move(frozen.product_id, warehouse, bucket, Bucket.free(), held))
    if moves:
        uow.stock_ledger.record(moves, Operation.RELEASE_EXCESS, shipment.id, at)


def _post_debt(
    uow: Repositories,
    shipment: Shipment,
    orders: dict[OrderId, Order],
    calendar: BusinessCalendar,
) -> None:
    entries = []
    for order_id in shipment.order_ids:
        order = orders[order_id]
        amount = total(
            (x.with_vat for x in shipment.lines if x.order_id == order_id), shipment.currency
        )
        if not amount.is_positive():
            continue
        entries += actual_debt_entries(
            uow, order, shipment.id, shipment.on, amount, calendar,
            doing="shipping", refuse=ShipmentError,
        )  # fmt: skip
    post_entries(uow.settlements, entries)


def post_shipment(
    uow: Repositories,
    shipment_id: ShipmentId,
    partner_id: PartnerId,
    counterparty_id: CounterpartyId,
    on: date,
    requests: Sequence[ShipRequest],
    calendar: BusinessCalendar,
    *,
    at: datetime,
    by_goods_issue: bool = False,
) -> Shipment:
    """Post a shipment [реализация] of order lines to one client on ``on``.

    Every line takes its order line's frozen price and VAT; stock leaves each
    line's warehouse, the line's reserve first, then free stock (services move
    none); the actual debt of each order is split over its payment stages.
    With ``by_goods_issue`` (an order-based warehouse) the stock leaves only
    with the goods issues (:func:`post_goods_issue`), before or after it.

    Raises:
        ShipmentError: no lines, another client's order, an order not to ship,
            more than a line has left (naming what is left), orders of two
            organizations or currencies, or the number is taken.
        InsufficientStockError: reserve and free stock are short.
    """
    if not requests:
        raise ShipmentError(f"shipment {shipment_id!r} has no lines: ship at least one")
    _not_taken(uow, "shipment", shipment_id, uow.shipments.find(shipment_id))
    orders = _orders(uow, (r.order_id for r in requests))
    organizations = {o.header.organization_id for o in orders.values()}
    currencies = {o.header.currency for o in orders.values()}
    if len(organizations) > 1 or len(currencies) > 1:
        raise ShipmentError(
            f"shipment {shipment_id!r}: the orders are of organizations "
            f"{', '.join(sorted(organizations))} in "
            f"{', '.join(sorted(c.code for c in currencies))}; one shipment is made by one "
            "organization in one currency: split it",
        )
    done = line_executions(_of_orders(uow, orders), _returns_of_orders(uow, orders))
    if not by_goods_issue:
        _refuse_issued_goods_shipped_again(uow, shipment_id, orders, requests, done)
    repriced = {
        (x.order_id, x.order_line_id)
        for o in orders
        for c in uow.shipment_corrections.of_order(o)
        if c.status is CorrectionStatus.POSTED
        for x in c.lines
        if x.after.price is not None
    }
    lines = []
    for number, request in enumerate(requests, start=1):
        line = ship_line(
            orders[request.order_id],
            request,
            str(number),
            done.get((request.order_id, request.line_id)),
            partner_id=partner_id,
            counterparty_id=counterparty_id,
            exact_rest=(request.order_id, request.line_id) not in repriced,
        )
        lines.append(line)
        done.update(_merged(done, line))
    first = next(iter(orders.values()))
    shipment = Shipment(
        shipment_id,
        partner_id,
        counterparty_id,
        OrganizationId(first.header.organization_id),
        first.header.currency,
        on=on,
        lines=lines,
        by_goods_issue=by_goods_issue,
    )
    return _post(uow, shipment, orders, calendar, at, done)


def _refuse_issued_goods_shipped_again(
    uow: Repositories,
    shipment_id: ShipmentId,
    orders: dict[OrderId, Order],
    requests: Sequence[ShipRequest],
    done: dict[tuple[str, str], LineExecution],
) -> None:
    """Goods a goods issue took off an order-based warehouse and no invoice covers yet
    left already: a shipment that moves stock itself may not ship them again."""
    ids = list(orders)
    waiting: dict[tuple[str, str], Decimal] = {
        (d.order_id, d.line_id): max(d.issued - d.invoiced, Decimal(0))
        for d in issue_line_counts(
            _of_orders(uow, ids), [i for o in ids for i in uow.goods_issues.of_order(o)], (), ()
        )
    }
    asked: dict[tuple[str, str], Decimal] = {}
    for r in requests:
        asked[r.order_id, r.line_id] = asked.get((r.order_id, r.line_id), Decimal(0)) + Decimal(
            r.quantity
        )
    for key, quantity in asked.items():
        held = waiting.get(key, Decimal(0))
        if not held:
            continue
        _, left = _left_to_ship(orders[OrderId(key[0])], LineId(key[1]), done)
        if quantity > left - held:
            raise ShipmentError(
                f"shipment {shipment_id!r}: order {key[0]!r} line {key[1]}: {held:f} of it left "
                "by goods issues and waits for its invoice; post the shipment by_goods_issue "
                f"(or ship at most {max(left - held, Decimal(0)):f} from an ordinary warehouse)",
                order=key[0],
                line=key[1],
            )


def _merged(
    done: dict[tuple[str, str], LineExecution], line: ShipmentLine
) -> dict[tuple[str, str], LineExecution]:
    key = (line.order_id, line.order_line_id)
    was = done.get(key) or LineExecution(line.order_id, line.order_line_id)
    return {
        key: attrs.evolve(
            was,
            shipped=was.shipped + line.quantity,
            shipped_net=line.net if was.shipped_net is None else was.shipped_net + line.net,
            shipped_vat=line.vat if was.shipped_vat is None else was.shipped_vat + line.vat,
        )
    }


def _post(
    uow: Repositories,
    shipment: Shipment,
    orders: dict[OrderId, Order],
    calendar: BusinessCalendar,
    at: datetime,
    done: dict[tuple[str, str], LineExecution] | None = None,
) -> Shipment:
    if not shipment.by_goods_issue:
        for line in shipment.lines:
            _move_out(uow, shipment.id, orders[line.order_id], line, line.warehouse_id, at)
        _release_left_reserve(uow, shipment, orders, at, done)
    _post_debt(uow, shipment, orders, calendar)
    return uow.shipments.add(shipment)


# --- returns ----------------------------------------------------------------------


def _return_lines(
    uow: Repositories,
    return_id: ReturnId,
    items: Sequence[ReturnItem],
) -> tuple[list[ReturnLine], dict[ShipmentId, Shipment]]:
    if not items:
        raise ShipmentError(f"return {return_id!r} has no lines: return at least one product")
    shipments = {i.shipment_id: _returnable(uow, i.shipment_id) for i in items}
    clients = {(s.partner_id, s.counterparty_id) for s in shipments.values()}
    if len(clients) > 1:
        raise ShipmentError(
            f"return {return_id!r} names shipments of {len(clients)} clients: "
            "one return takes back goods of one client",
        )
    returned = returned_of_shipment_lines(
        r for sid in shipments for r in uow.customer_returns.of_shipment(sid)
    )
    lines: list[ReturnLine] = []
    for item in items:
        made = return_lines_of_product(
            shipments[item.shipment_id], item.product_id, item.quantity, len(lines) + 1, returned
        )
        for x in made:
            assert x.shipment_id is not None
            assert x.shipment_line_no is not None
            key = (x.shipment_id, x.shipment_line_no)
            q, n, v = returned.get(
                key, (Decimal(0), Money.zero(x.net.currency), Money.zero(x.net.currency))
            )
            returned[key] = (q + x.quantity, n + x.net, v + x.vat)
        lines += made
    return lines, shipments


def _returnable(uow: Repositories, shipment_id: ShipmentId) -> Shipment:
    (now,) = corrected_shipments(uow, [uow.shipments.get(shipment_id)]) or (None,)
    if now is None:
        raise ShipmentError(
            f"shipment {shipment_id!r} was corrected to nothing: no goods of it can come back",
            shipment=shipment_id,
        )
    return now


def _take_back(uow: Repositories, document: CustomerReturn, at: datetime) -> None:
    """The goods come back to free stock, except services and the goods of order-based
    warehouses: those come back with a receipt order (:func:`post_goods_receipt`)."""
    for line in document.lines:
        if line.is_service or line.warehouse_id is None or line.by_receipt_order:
            continue
        unit = uow.stock_ledger.unit_of(line.product_id) or PIECE
        receive(
            uow.stock_ledger,
            line.product_id,
            line.warehouse_id,
            Quantity(line.quantity, unit),
            document=document.id,
            at=at,
        )


def _release_never_issued(uow: Repositories, document: CustomerReturn, at: datetime) -> None:
    """A return of goods invoiced ``by_goods_issue`` but never issued: they never left,
    so they are not to issue any more; what the order line still holds in reserve for
    them goes back to free stock."""
    lines = [
        x
        for x in document.lines
        if x.by_receipt_order and x.order_id is not None and x.order_line_id is not None
    ]
    if not lines:
        return
    ids = [OrderId(str(x.order_id)) for x in lines]
    counts = {
        (d.order_id, d.line_id): d
        for d in issue_line_counts(
            _of_orders(uow, ids),
            [i for o in dict.fromkeys(ids) for i in uow.goods_issues.of_order(o)],
            _returns_of_orders(uow, ids),
            list({r.id: r for o in ids for r in uow.goods_receipts.of_order(o)}.values()),
        )
    }
    moves = []
    for x in lines:
        assert x.order_id is not None
        assert x.order_line_id is not None
        before = counts.get((x.order_id, x.order_line_id))
        if before is None or x.warehouse_id is None:
            continue
        unissued = min(x.quantity, before.to_issue)
        bucket = Bucket.reserved(ReserveOrderId(x.order_id), x.order_line_id)
        unit = uow.stock_ledger.unit_of(x.product_id) or PIECE
        held = uow.stock_ledger.balance(x.product_id, x.warehouse_id, bucket, unit).value
        freed = min(unissued, held)
        if freed > 0:
            moves.append(
                Move(x.product_id, x.warehouse_id, bucket, Bucket.free(), Quantity(freed, unit))
            )
        counts[(x.order_id, x.order_line_id)] = attrs.evolve(
            before, returned=before.returned + x.quantity
        )
    if moves:
        uow.stock_ledger.record(moves, Operation.RELEASE_EXCESS, document.id, at)


def _return_debt(
    uow: Repositories, document: CustomerReturn, accounts: dict[str, SettlementAccount]
) -> None:
    entries = []
    for order_id, account in accounts.items():
        amount = total(
            (x.with_vat for x in document.lines if (x.order_id or document.id) == order_id),
            document.currency,
        )
        if amount.is_positive():
            entries.append(
                SettlementEntry(
                    f"{document.id}/{order_id}",
                    EntryKind.RETURN,
                    account,
                    order_id,
                    document.id,
                    document.on,
                    document.on,
                    -amount,
                )
            )
    post_entries(uow.settlements, entries)


def _request_for(uow: Repositories, request_id: str | None) -> ReturnRequest | None:
    if request_id is None:
        return None
    request = uow.return_requests.get(request_id)
    if request.status is not ReturnRequestStatus.AGREED:
        raise ShipmentError(
            f"return request {request_id!r} is {request.status.value.replace('_', ' ')}: "
            "goods come back only on an agreed request (agree it first)",
            request=request_id,
        )
    return request


def _check_against_request(request: ReturnRequest, items: Sequence[ReturnItem]) -> None:
    asked: dict[str, Decimal] = {}
    for product, quantity in request.items:
        asked[product] = asked.get(product, Decimal(0)) + quantity
    given: dict[str, Decimal] = {}
    for item in items:
        if request.shipment_id is not None and item.shipment_id != request.shipment_id:
            raise ShipmentError(
                f"return request {request.id!r} is about shipment {request.shipment_id!r}, "
                f"not {item.shipment_id!r}: return the goods of the agreed sale",
                request=request.id,
            )
        given[item.product_id] = given.get(item.product_id, Decimal(0)) + item.quantity
    for wanted, quantity in given.items():
        if quantity > asked.get(wanted, Decimal(0)):
            raise ShipmentError(
                f"return request {request.id!r} agreed {asked.get(wanted, Decimal(0)):f} of "
                f"{wanted}, the return takes {quantity:f}: return at most what was agreed "
                "or agree a new request",
                request=request.id,
                product=wanted,
            )


def post_return(
    uow: Repositories,
    return_id: ReturnId,
    on: date,
    items: Sequence[ReturnItem],
    *,
    at: datetime,
    request_id: str | None = None,
    reason: str = "",
) -> CustomerReturn:
    """Post a client return [возврат товаров от клиента] of goods shipped by shipments.

    Each line mirrors the shipment line's net price and VAT (never today's
    price); the goods come back to free stock at the warehouse they left; a
    return entry lowers the debt of the same order first.

    Raises:
        ShipmentError: a product the shipment never shipped, more than was
            shipped and not yet returned, shipments of two clients, a request
            that is not agreed, or the number is taken.
        NotFoundError: an unknown shipment or request.
    """
    _not_taken(uow, "return", return_id, uow.customer_returns.find(return_id))
    request = _request_for(uow, request_id)
    if request is not None:
        if request.from_agent:
            raise ShipmentError(
                f"return request {request.id!r} is a commission agent's: post it with "
                "post_agent_return",
                request=request.id,
            )
        _check_against_request(request, items)
    lines, shipments = _return_lines(uow, return_id, items)
    first = next(iter(shipments.values()))
    document = CustomerReturn(
        return_id,
        first.partner_id,
        first.counterparty_id,
        first.organization_id,
        first.currency,
        on=on,
        lines=lines,
        request_id=request_id,
        reason=reason,
    )
    orders = _orders(uow, (x.order_id for x in lines if x.order_id is not None))
    accounts = {i: settlement_account(o.header) for i, o in orders.items()}
    _release_never_issued(uow, document, at)
    _take_back(uow, document, at)
    _return_debt(uow, document, {str(k): v for k, v in accounts.items()})
    if request is not None:
        uow.return_requests.update(decisions.complete_return_request(request, return_id))
    return uow.customer_returns.add(document)


def post_return_without_shipment(
    uow: Repositories,
    return_id: ReturnId,
    account: SettlementAccount,
    organization_id: OrganizationId,
    on: date,
    lines: Sequence[ReturnLine],
    *,
    at: datetime,
    reason: str = "",
) -> CustomerReturn:
    """Post a return of goods sold without a shipment document, at hand-typed prices
    (lines from :func:`salescore.shipments.hand_priced_return_line`)."""
    _not_taken(uow, "return", return_id, uow.customer_returns.find(return_id))
    document = CustomerReturn(
        return_id,
        PartnerId(account.partner_id),
        CounterpartyId(account.counterparty_id or ""),
        organization_id,
        account.currency,
        on=on,
        lines=lines,
        reason=reason,
    )
    keys = {x.order_id or document.id for x in lines}
    _take_back(uow, document, at)
    _return_debt(uow, document, dict.fromkeys(keys, account))
    return uow.customer_returns.add(document)


def exchange(
    uow: Repositories,
    return_id: ReturnId,
    shipment_id: ShipmentId,
    on: date,
    items: Sequence[ReturnItem],
    calendar: BusinessCalendar,
    *,
    at: datetime,
    request_id: str | None = None,
) -> tuple[CustomerReturn, Shipment]:
    """An exchange [обмен]: the goods come back and the same goods leave again at the
    same figures; the client's debt does not change.

    Raises:
        as :func:`post_return` and :func:`post_shipment`.
    """
    _not_taken(uow, "shipment", shipment_id, uow.shipments.find(shipment_id))
    returned = post_return(uow, return_id, on, items, at=at, request_id=request_id)
    replacement = Shipment(
        shipment_id,
        returned.partner_id,
        returned.counterparty_id,
        returned.organization_id,
        returned.currency,
        on=on,
        lines=[
            ShipmentLine(
                x.line_no,
                x.order_id,
                x.order_line_id,
                x.product_id,
                x.warehouse_id,
                x.quantity,
                x.is_service,
                net=x.net,
                vat_rate=x.vat_rate,
                vat_included=x.vat_included,
                vat=x.vat,
            )
            for x in returned.lines
            if x.order_id is not None and x.order_line_id is not None
        ],
        replaces=return_id,
        # an order-based warehouse: the goods come back with a receipt order and the
        # replacement leaves with a goods issue
        by_goods_issue=any(x.by_receipt_order for x in returned.lines),
    )
    orders = _orders(uow, replacement.order_ids)
    return returned, _post(uow, replacement, orders, calendar, at)


# --- return requests --------------------------------------------------------------


def create_return_request(uow: Repositories, request: ReturnRequest) -> ReturnRequest:
    """Store a new request, not agreed [не согласована]."""
    if request.status is not ReturnRequestStatus.NOT_AGREED:
        raise ShipmentError(f"return request {request.id!r}: a new request starts not agreed")
    if request.transfer_id is not None:
        transfer = uow.commission_transfers.get(request.transfer_id)
        if transfer.account.partner_id != request.partner_id:
            raise ShipmentError(
                f"return request {request.id!r} is from {request.partner_id}, transfer "
                f"{transfer.id!r} went to agent {transfer.account.partner_id}: name the "
                "agent's own transfer",
                request=request.id,
            )
        products = {x.product_id for x in transfer.lines}
        for product, _ in request.items:
            if product not in products:
                raise ShipmentError(
                    f"return request {request.id!r}: transfer {transfer.id!r} handed the "
                    f"agent no {product}",
                    request=request.id,
                    product=product,
                )
    if request.shipment_id is not None:
        shipment = uow.shipments.get(request.shipment_id)
        if shipment.partner_id != request.partner_id:
            raise ShipmentError(
                f"return request {request.id!r} is from {request.partner_id}, shipment "
                f"{shipment.id!r} went to {shipment.partner_id}: name the client's own sale",
                request=request.id,
            )
    return uow.return_requests.add(request)


def agree_return_request(uow: Repositories, request_id: str) -> ReturnRequest:
    """Not agreed → agreed."""
    return uow.return_requests.update(
        decisions.agree_return_request(uow.return_requests.get(request_id))
    )


def reject_return_request(uow: Repositories, request_id: str, reason: str) -> ReturnRequest:
    """Not agreed or agreed → rejected, with a reason."""
    return uow.return_requests.update(
        decisions.reject_return_request(uow.return_requests.get(request_id), reason)
    )


# --- corrections ------------------------------------------------------------------


def _correct_stock(uow: Repositories, correction: ShipmentCorrection, at: datetime) -> None:
    if not correction.moves_stock:
        return
    for line in correction.lines:
        change = line.quantity_change
        if line.is_service or line.warehouse_id is None or change == 0:
            continue
        unit = uow.stock_ledger.unit_of(line.product_id) or PIECE
        if change > 0:  # more left than the shipment said: from free stock
            move = Move(
                line.product_id,
                line.warehouse_id,
                Bucket.free(),
                Bucket.outside(),
                Quantity(change, unit),
            )
            uow.stock_ledger.record([move], Operation.SHIPMENT, correction.id, at)
        else:
            receive(
                uow.stock_ledger,
                line.product_id,
                line.warehouse_id,
                Quantity(-change, unit),
                document=correction.id,
                at=at,
            )


def _correct_debt(
    uow: Repositories, correction: ShipmentCorrection, calendar: BusinessCalendar
) -> None:
    orders = _orders(uow, correction.order_ids)
    entries: list[SettlementEntry] = []
    for order_id, order in orders.items():
        change = total(
            (x.with_vat_change for x in correction.lines if x.order_id == order_id),
            correction.currency,
        )
        account = settlement_account(order.header)
        if change.is_negative():  # pays the order's own open stages first
            entries.append(
                SettlementEntry(
                    f"{correction.id}/{order_id}",
                    EntryKind.CORRECTION,
                    account,
                    order_id,
                    correction.id,
                    correction.on,
                    correction.on,
                    change,
                )
            )
        elif change.is_positive():  # more debt, split over the order's stages
            entries += actual_debt_entries(
                uow, order, correction.id, correction.on, change, calendar,
                doing="correcting its shipment upwards", refuse=ShipmentError,
                kind=EntryKind.CORRECTION,
            )  # fmt: skip
    post_entries(uow.settlements, entries)


def post_correction(
    uow: Repositories,
    correction_id: CorrectionId,
    shipment_id: ShipmentId,
    on: date,
    changes: Sequence[LineChange],
    kind: CorrectionKind,
    calendar: BusinessCalendar,
    *,
    at: datetime,
    settlement: Settlement | None = None,
    reason: str = "",
) -> ShipmentCorrection:
    """Post a correction [корректировка реализации] of a posted shipment on ``on``.

    Only the differences are posted, dated ``on``: stock by the quantity
    difference (not for a write-off or other income; services move none), debt
    by the difference with VAT — a decrease is a negative correction entry that
    pays the order's own open stages first, an increase is split over the
    order's stages like a shipment — and VAT at the original line's rate. The
    shipment itself stays as it was.

    Raises:
        ShipmentError: see :func:`salescore.shipments.decide_correction`, or the
            number is taken.
        NotFoundError: an unknown shipment.
        InsufficientStockError: more goods would leave than free stock holds.
    """
    _not_taken(uow, "correction", correction_id, uow.shipment_corrections.find(correction_id))
    shipment = uow.shipments.get(shipment_id)
    correction = decide_correction(
        correction_id,
        shipment,
        on,
        changes,
        kind,
        settlement=settlement,
        earlier=uow.shipment_corrections.of_shipment(shipment_id),
        returns=uow.customer_returns.of_shipment(shipment_id),
        reason=reason,
    )
    _refuse_raises_beyond_orders(uow, correction)
    _correct_stock(uow, correction, at)
    _correct_debt(uow, correction, calendar)
    return uow.shipment_corrections.add(correction)


def register_correction(
    uow: Repositories,
    correction_id: CorrectionId,
    shipment_id: ShipmentId,
    on: date,
    changes: Sequence[LineChange],
    kind: CorrectionKind,
    *,
    settlement: Settlement | None = None,
    reason: str = "",
) -> ShipmentCorrection:
    """Draw up a correction, not agreed [не согласована]: decided and stored, nothing
    posted; :func:`agree_correction` then :func:`post_agreed_correction` post it.

    Raises:
        as :func:`post_correction` (the same checks, nothing is moved).
    """
    _not_taken(uow, "correction", correction_id, uow.shipment_corrections.find(correction_id))
    correction = decide_correction(
        correction_id,
        uow.shipments.get(shipment_id),
        on,
        changes,
        kind,
        settlement=settlement,
        earlier=uow.shipment_corrections.of_shipment(shipment_id),
        returns=uow.customer_returns.of_shipment(shipment_id),
        reason=reason,
        status=CorrectionStatus.NOT_AGREED,
    )
    return uow.shipment_corrections.add(correction)


def agree_correction(uow: Repositories, correction_id: CorrectionId) -> ShipmentCorrection:
    """Not agreed → agreed (the client signed the УКД)."""
    return uow.shipment_corrections.update(
        correction_decisions.agree_correction(uow.shipment_corrections.get(correction_id))
    )


def reject_correction(
    uow: Repositories, correction_id: CorrectionId, reason: str
) -> ShipmentCorrection:
    """Not agreed or agreed → rejected, with a reason; nothing was posted."""
    return uow.shipment_corrections.update(
        correction_decisions.reject_correction(uow.shipment_corrections.get(correction_id), reason)
    )


def post_agreed_correction(
    uow: Repositories,
    correction_id: CorrectionId,
    calendar: BusinessCalendar,
    *,
    at: datetime,
) -> ShipmentCorrection:
    """Agreed → posted: the differences move stock, debt and VAT, dated the correction's
    date, as :func:`post_correction` does.

    Raises:
        ShipmentError: the correction is not agreed, or a line no longer starts from
            the shipment's current figures (another correction or a return since).
        InsufficientStockError: more goods would leave than free stock holds.
    """
    correction = uow.shipment_corrections.get(correction_id)
    shipment = uow.shipments.get(correction.shipment_id)
    correction_decisions.check_still_current(
        correction,
        shipment,
        uow.shipment_corrections.of_shipment(shipment.id),
        uow.customer_returns.of_shipment(shipment.id),
    )
    posted = correction_decisions.mark_posted(correction)
    _refuse_raises_beyond_orders(uow, posted)
    _correct_stock(uow, posted, at)
    _correct_debt(uow, posted, calendar)
    return uow.shipment_corrections.update(posted)


# --- goods issues -----------------------------------------------------------------


def post_goods_issue(
    uow: Repositories,
    issue_id: IssueId,
    warehouse_id: WarehouseId,
    on: date,
    requests: Sequence[ShipRequest],
    *,
    at: datetime,
) -> GoodsIssue:
    """Post a goods issue [расходный ордер на товары] of order lines from an order-based
    warehouse: the stock leaves (the line's reserve first, then free stock); the debt
    comes with the shipment posted ``by_goods_issue``, before or after.

    Raises:
        ShipmentError: no lines, an order not to ship, a service line, more than
            an order line has left to issue (named), or the number is taken.
        InsufficientStockError: reserve and free stock are short.
    """
    _not_taken(uow, "goods issue", issue_id, uow.goods_issues.find(issue_id))
    if not requests:
        raise ShipmentError(f"goods issue {issue_id!r} has no lines: issue at least one")
    orders = _orders(uow, (r.order_id for r in requests))
    # The orders' shipments first: a store that locks an order when its documents are read
    # for writing (PostgreSQL) then takes the orders' locks in id order (_of_orders), not
    # in the requests' order, so two issues of the same orders never wait in a cycle.
    shipments = _of_orders(uow, orders)
    issued: dict[tuple[str, str], Decimal] = {}
    for order_id in orders:
        for earlier in uow.goods_issues.of_order(order_id):
            for i in earlier.lines:
                key = (i.order_id, i.order_line_id)
                issued[key] = issued.get(key, Decimal(0)) + i.quantity
    direct: dict[tuple[str, str], Decimal] = {}
    for shipment in shipments:
        if not shipment.by_goods_issue:
            for x in shipment.lines:
                key = (x.order_id, x.order_line_id)
                direct[key] = direct.get(key, Decimal(0)) + x.quantity
    lines = []
    for number, request in enumerate(requests, start=1):
        key = (request.order_id, request.line_id)
        line = issue_line(
            orders[request.order_id],
            request.line_id,
            request.quantity,
            str(number),
            issued.get(key, Decimal(0)),
            direct.get(key, Decimal(0)),
        )
        issued[key] = issued.get(key, Decimal(0)) + line.quantity
        lines.append(line)
    issue = GoodsIssue(issue_id, warehouse_id, on, lines)
    for line in issue.lines:
        _move_out(uow, issue.id, orders[line.order_id], line, warehouse_id, at)
    return uow.goods_issues.add(issue)


def discrepancies(uow: Repositories, order_ids: Iterable[OrderId]) -> tuple[IssueDiscrepancy, ...]:
    """The order lines whose invoiced and issued quantities differ (to issue, to
    receive, to invoice), counting returns and receipt orders."""
    ids = list(dict.fromkeys(order_ids))
    return issue_discrepancies(
        _of_orders(uow, ids),
        [i for o in ids for i in uow.goods_issues.of_order(o)],
        _returns_of_orders(uow, ids),
        list({r.id: r for o in ids for r in uow.goods_receipts.of_order(o)}.values()),
    )


def shipping_state(uow: Repositories, order_id: OrderId, on: date) -> OrderState:
    """The order's derived state counting what physically left: shipments that moved
    stock, and goods issues for shipments ``by_goods_issue`` (returns as returned);
    the same as :func:`salescore.app.orders.order_state`. See :func:`discrepancies`
    for what is still to issue, to receive or to invoice."""
    return order_state(uow, order_id, on)


def post_goods_receipt(
    uow: Repositories,
    receipt_id: ReceiptId,
    warehouse_id: WarehouseId,
    on: date,
    items: Sequence[tuple[ReturnId, str, Decimal]],
    *,
    at: datetime,
) -> GoodsReceipt:
    """Post a receipt order [приходный ордер на товары]: goods of client returns come back
    into an order-based warehouse's free stock. ``items``: (return, return line, quantity).

    Raises:
        ShipmentError: no lines, a return line that came back by the return itself,
            more than the return line has left to receive, more than was issued to
            the client and not yet received back (named), or the number is taken.
        NotFoundError: an unknown return.
    """
    _not_taken(uow, "receipt order", receipt_id, uow.goods_receipts.find(receipt_id))
    if not items:
        raise ShipmentError(f"receipt order {receipt_id!r} has no lines: receive at least one")
    returns = {r: uow.customer_returns.get(r) for r, _, _ in items}
    orders = [x.order_id for d in returns.values() for x in d.lines if x.order_id is not None]
    shipments = _of_orders(uow, orders)
    issues = list({i.id: i for o in orders for i in uow.goods_issues.of_order(o)}.values())
    receipts = list({r.id: r for o in orders for r in uow.goods_receipts.of_order(o)}.values())
    lines: list[ReceiptLine] = []
    for number, (return_id, line_no, quantity) in enumerate(items, start=1):
        made = [*receipts, GoodsReceipt(receipt_id, warehouse_id, on, lines)] if lines else receipts
        lines.append(
            receipt_line(
                returns[return_id],
                line_no,
                Decimal(quantity),
                str(number),
                shipments=shipments,
                issues=issues,
                returns=_returns_of_orders(uow, orders),
                receipts=made,
            )
        )
    receipt = GoodsReceipt(receipt_id, warehouse_id, on, lines)
    for line in receipt.lines:
        unit = uow.stock_ledger.unit_of(line.product_id) or PIECE
        receive(
            uow.stock_ledger,
            line.product_id,
            warehouse_id,
            Quantity(line.quantity, unit),
            document=receipt.id,
            at=at,
        )
    return uow.goods_receipts.add(receipt)


# --- commission trade -------------------------------------------------------------


@attrs.frozen
class AgentItem:
    """``quantity`` of line ``line_no`` of commission transfer ``transfer_id``."""

    transfer_id: TransferId
    line_no: str
    quantity: Decimal = attrs.field(converter=Decimal)


def _relocate(
    uow: Repositories,
    product_id: ProductId,
    source: WarehouseId | None,
    target: WarehouseId | None,
    quantity: Decimal,
    document: str,
    at: datetime,
) -> None:
    """Goods leave ``source``'s free stock (None: from outside) and arrive in
    ``target``'s (None: they leave the company)."""
    unit = uow.stock_ledger.unit_of(product_id) or PIECE
    amount = Quantity(quantity, unit)
    if source is not None:
        move = Move(product_id, source, Bucket.free(), Bucket.outside(), amount)
        uow.stock_ledger.record([move], Operation.SHIPMENT, document, at)
    if target is not None:
        receive(uow.stock_ledger, product_id, target, amount, document=document, at=at)


def post_commission_transfer(
    uow: Repositories, transfer: CommissionTransfer, *, at: datetime
) -> CommissionTransfer:
    """Post a transfer to a commission agent [передача на комиссию]: the goods move from
    our warehouses to the agent's stock (:func:`~salescore.shipments.agent_stock`);
    they stay ours and no debt arises.

    Raises:
        ShipmentError: the number is taken.
        InsufficientStockError: a warehouse's free stock is short.
    """
    _not_taken(uow, "commission transfer", transfer.id, uow.commission_transfers.find(transfer.id))
    agent = agent_stock(transfer.account.partner_id)
    for line in transfer.lines:
        _relocate(uow, line.product_id, line.warehouse_id, agent, line.quantity, transfer.id, at)
    return uow.commission_transfers.add(transfer)


def _agent_transfers(
    uow: Repositories, items: Sequence[AgentItem], document: str
) -> tuple[dict[TransferId, CommissionTransfer], SettlementAccount]:
    """The transfers the items name and their agent's account (one agent only)."""
    if not items:
        raise ShipmentError(f"{document} has no lines: name at least one transfer line")
    transfers = {i.transfer_id: uow.commission_transfers.get(i.transfer_id) for i in items}
    accounts = {t.account for t in transfers.values()}
    if len(accounts) > 1:
        raise ShipmentError(f"{document} names transfers to {len(accounts)} agents: one at a time")
    return transfers, next(iter(accounts))


def post_commission_report(
    uow: Repositories,
    report_id: str,
    on: date,
    items: Sequence[AgentItem],
    *,
    at: datetime,
    fee_percent: Decimal | None = None,
    fee: Money | None = None,
    buyer: str = "",
) -> CommissionReport:
    """Post the agent's sales report [отчет комиссионера о продажах]: the sold goods leave
    the agent's stock; the agent owes the sales at the transfer figures less its fee
    (``fee_percent`` of the sales with VAT, half up, or a fixed ``fee``).

    Raises:
        ShipmentError: no lines, transfers to several agents, more than is at the
            agent (named), both or neither fee given, or the number is taken.
    """
    name = f"commission report {report_id!r}"
    _not_taken(uow, "commission report", report_id, uow.commission_reports.find(report_id))
    if (fee_percent is None) == (fee is None):
        raise ShipmentError(f"{name}: give the agent's fee as a percent or as an amount, one")
    transfers, account = _agent_transfers(uow, items, name)
    states = {
        t: agent_lines(x, uow.commission_reports.of_shipment(t), uow.agent_returns.of_shipment(t))
        for t, x in transfers.items()
    }
    lines = []
    for number, item in enumerate(items, start=1):
        transfer = transfers[item.transfer_id]
        source = transfer.line(item.line_no)
        state = states[item.transfer_id][item.line_no]
        if item.quantity > state.at_agent:
            raise ShipmentError(
                f"{name}: transfer {transfer.id!r} line {item.line_no} ({source.product_id}) "
                f"has {state.at_agent:f} at the agent, {item.quantity:f} reported sold; "
                f"report at most {state.at_agent:f}",
                transfer=transfer.id,
                line=item.line_no,
            )
        states[item.transfer_id][item.line_no] = attrs.evolve(
            state, sold=state.sold + item.quantity
        )
        net, vat = mirrored_line(transfer, item.line_no, item.quantity)
        lines.append(
            ReportLine(
                str(number),
                transfer.id,
                item.line_no,
                source.product_id,
                item.quantity,
                net=net,
                vat_rate=source.vat_rate,
                vat_included=source.vat_included,
                vat=vat,
                buyer=buyer,
            )
        )
    sales = total((x.with_vat for x in lines), account.currency)
    kept = fee if fee is not None else share(sales, Decimal(fee_percent or 0), Decimal(100))
    report = CommissionReport(report_id, account, on, lines, fee=kept)
    agent = agent_stock(account.partner_id)
    for x in report.lines:
        _relocate(uow, x.product_id, agent, None, x.quantity, report.id, at)
    entries = [
        SettlementEntry(
            f"{report.id}/sales", EntryKind.SHIPMENT, account, report.id, report.id, on, on, sales
        )
    ]
    if kept.is_positive():
        entries.append(
            SettlementEntry(
                f"{report.id}/fee",
                EntryKind.CORRECTION,
                account,
                report.id,
                report.id,
                on,
                on,
                -kept,
            )
        )
    post_entries(uow.settlements, entries)
    return uow.commission_reports.add(report)


def post_agent_return(
    uow: Repositories,
    return_id: str,
    on: date,
    items: Sequence[AgentItem],
    *,
    sold: bool,
    at: datetime,
    request_id: str | None = None,
) -> AgentReturn:
    """Post a return from a commission agent [возврат от комиссионера].

    Before the report (``sold`` False) unsold goods come back from the agent's stock
    and no debt moves; after it (``sold`` True) goods the agent had sold come back
    into our warehouse and the agent's debt falls by their figures (the fee stays).

    With ``request_id`` the return executes the agent's agreed return request
    [заявка на возврат от комиссионера] and marks it done.

    Raises:
        ShipmentError: more than is at the agent, or more than was sold and not yet
            returned (named), a request that is not agreed, not this agent's, of
            another transfer, or for less, or the number is taken.
    """
    name = f"return from the agent {return_id!r}"
    _not_taken(uow, "return from the agent", return_id, uow.agent_returns.find(return_id))
    transfers, account = _agent_transfers(uow, items, name)
    request = _request_for(uow, request_id)
    if request is not None:
        _check_agent_request(request, items, transfers, sold=sold, account=account)
    states = {
        t: agent_lines(x, uow.commission_reports.of_shipment(t), uow.agent_returns.of_shipment(t))
        for t, x in transfers.items()
    }
    lines = []
    for number, item in enumerate(items, start=1):
        transfer = transfers[item.transfer_id]
        source = transfer.line(item.line_no)
        state = states[item.transfer_id][item.line_no]
        where = f"{name}: transfer {transfer.id!r} line {item.line_no} ({source.product_id})"
        room = state.sold - state.returned_sold if sold else state.at_agent
        if item.quantity > room:
            what = "sold and not yet returned" if sold else "at the agent"
            raise ShipmentError(
                f"{where}: {item.quantity:f} to return, {room:f} is {what}; "
                f"return at most {room:f}",
                transfer=transfer.id,
                line=item.line_no,
            )
        if sold:
            states[item.transfer_id][item.line_no] = attrs.evolve(
                state, returned_sold=state.returned_sold + item.quantity
            )
            if item.quantity == room and state.sold_net is not None and state.sold_vat is not None:
                zero = Money.zero(account.currency)
                net = state.sold_net - (state.back_net or zero)
                vat = state.sold_vat - (state.back_vat or zero)
            else:
                net, vat = mirrored_line(transfer, item.line_no, item.quantity)
        else:
            states[item.transfer_id][item.line_no] = attrs.evolve(
                state, returned_unsold=state.returned_unsold + item.quantity
            )
            net, vat = mirrored_line(transfer, item.line_no, item.quantity)
        lines.append(
            AgentReturnLine(
                str(number),
                transfer.id,
                item.line_no,
                source.product_id,
                source.warehouse_id,
                item.quantity,
                sold=sold,
                net=net,
                vat_rate=source.vat_rate,
                vat_included=source.vat_included,
                vat=vat,
            )
        )
    document = AgentReturn(return_id, account, on, lines, request_id=request_id)
    agent = agent_stock(account.partner_id)
    for x in document.lines:
        _relocate(
            uow, x.product_id, None if sold else agent, x.warehouse_id, x.quantity, document.id, at
        )
    if document.debt_change.is_positive():
        post_entries(
            uow.settlements,
            [
                SettlementEntry(
                    document.id,
                    EntryKind.RETURN,
                    account,
                    document.id,
                    document.id,
                    on,
                    on,
                    -document.debt_change,
                )
            ],
        )
    if request is not None:
        uow.return_requests.update(decisions.complete_return_request(request, ReturnId(return_id)))
    return uow.agent_returns.add(document)


def _check_agent_request(
    request: ReturnRequest,
    items: Sequence[AgentItem],
    transfers: dict[TransferId, CommissionTransfer],
    *,
    sold: bool,
    account: SettlementAccount,
) -> None:
    """An agent's return on an agreed request: the agent's, of its transfer, sold or
    unsold as asked, at most the agreed quantities."""
    where = f"return request {request.id!r}"
    if not request.from_agent or request.partner_id != account.partner_id:
        raise ShipmentError(
            f"{where} is not agent {account.partner_id}'s request: name the agent's own",
            request=request.id,
        )
    if request.sold != sold:
        asked = "sold goods (after the report)" if request.sold else "unsold goods"
        raise ShipmentError(
            f"{where} agreed a return of {asked}: post the return the same way",
            request=request.id,
        )
    asked_q: dict[str, Decimal] = {}
    for wanted, quantity in request.items:
        asked_q[wanted] = asked_q.get(wanted, Decimal(0)) + quantity
    given: dict[str, Decimal] = {}
    for item in items:
        if item.transfer_id != request.transfer_id:
            raise ShipmentError(
                f"{where} is about transfer {request.transfer_id!r}, not "
                f"{item.transfer_id!r}: return the goods of the agreed transfer",
                request=request.id,
            )
        product = transfers[item.transfer_id].line(item.line_no).product_id
        given[product] = given.get(product, Decimal(0)) + item.quantity
    for taken, quantity in given.items():
        if quantity > asked_q.get(taken, Decimal(0)):
            raise ShipmentError(
                f"{where} agreed {asked_q.get(taken, Decimal(0)):f} of {taken}, the "
                f"return takes {quantity:f}: return at most what was agreed",
                request=request.id,
                product=taken,
            )
