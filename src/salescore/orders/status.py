"""Status transitions of quotes and orders: pure functions with guards.

Each transition takes a frozen document and returns the changed document and
the :class:`~salescore.orders.model.DocumentEvent` it adds to the history. A
transition that a guard holds back raises
:class:`~salescore.errors.TransitionRefusedError` naming the guard
(``err.guard``) and the figures (``err.figures``); a transition asked at the
wrong time (confirming twice, an expired proposal, a date before the
document) raises :class:`~salescore.errors.OrderError`. Nothing changes on a
refusal: the caller still holds the old value.

The guards of an order::

    not confirmed --confirm--> to pay --secure--> to secure --ship--> to ship --close--> closed
          |   approval: no deviation waits     |  advance: every       |  prepayment: every
          |   credit: not blocked at the order |  advance stage paid   |  prepayment stage paid
          |                                    |                       |  credit: not blocked at
          |                                    |                       |  the shipment
          +------------- cancel (with a reason), from any status but closed ---------------+
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from salescore.agreements import Deviation
from salescore.errors import OrderError, TransitionRefusedError
from salescore.orders.model import (
    DocumentEvent,
    DocumentLine,
    FrozenPrices,
    Order,
    OrderId,
    OrderStatus,
    Quote,
    QuoteId,
    QuoteStatus,
)
from salescore.orders.state import StagePayment, stage_payments
from salescore.receivables import (
    ControlPoint,
    CreditDecision,
    PaymentSchedule,
    SettlementLedger,
    StageKind,
)

__all__ = [
    "accept_quote",
    "approve_order",
    "approve_quote",
    "cancel_order",
    "close_order",
    "confirm_order",
    "order_from_quote",
    "price_order",
    "price_quote",
    "reject_quote",
    "release_for_securing",
    "release_for_shipment",
    "revise_quote",
    "send_quote",
]


def _not_before(what: str, document_date: date, on: date) -> None:
    if on < document_date:
        raise OrderError(
            f"{what} is dated {document_date.isoformat()}; an event on {on.isoformat()} "
            "would come before it: date the event on or after the document",
            on=on,
        )


def _event(action: str, on: date, status: str, by: str | None, note: str = "") -> DocumentEvent:
    return DocumentEvent(action, on, status, by, note)


def _approval_guard(what: str, prices: FrozenPrices, approved: bool, action: str) -> None:
    blocking = prices.blocking
    if blocking:
        raise TransitionRefusedError(
            f"{what} cannot be {action}: {_deviations(blocking)}; no approval can allow "
            "this, change the document",
            guard="blocking deviation",
            figures=tuple(str(d) for d in blocking),
        )
    waiting = prices.awaiting_approval
    if waiting and not approved:
        raise TransitionRefusedError(
            f"{what} cannot be {action} while deviations await approval: "
            f"{_deviations(waiting)}; start the approval and wait for the approvers",
            guard="approval",
            figures=tuple(str(d) for d in waiting),
        )


def _deviations(found: Iterable[Deviation]) -> str:
    return "; ".join(d.message for d in found)


def _credit_guard(what: str, decision: CreditDecision | None, point: ControlPoint) -> None:
    if decision is not None and not decision.may_proceed:
        reasons = "; ".join(str(b) for b in decision.breaches) or decision.verdict.value
        raise TransitionRefusedError(
            f"{what}: the credit decision at the {point.value} control point is "
            f"{decision.verdict.value}: {reasons}; collect the overdue debt or get an "
            "authorised override",
            guard=f"credit at {point.value}",
            figures=tuple(str(b) for b in decision.breaches),
        )


# --- quotes ----------------------------------------------------------------------


def _quote_status(quote: Quote, allowed: tuple[QuoteStatus, ...], action: str) -> None:
    if quote.status not in allowed:
        names = " or ".join(s.value for s in allowed)
        raise OrderError(
            f"quote {quote.id!r} is {quote.status.value}; only a {names} quote can be {action}",
            quote=quote.id,
            status=quote.status.value,
        )


def price_quote(quote: Quote, prices: FrozenPrices) -> Quote:
    """The draft ``quote`` with ``prices`` frozen into it (a new pricing replaces the old)."""
    _quote_status(quote, (QuoteStatus.DRAFT,), "priced")
    return attrs.evolve(quote, prices=prices, approved=False, approval_id=None)


def approve_quote(quote: Quote, approval_id: str) -> Quote:
    """The quote with its deviations approved by the approval process ``approval_id``."""
    _quote_status(quote, (QuoteStatus.DRAFT,), "approved")
    return attrs.evolve(quote, approved=True, approval_id=approval_id)


def send_quote(
    quote: Quote, on: date, *, credit: CreditDecision | None = None, by: str | None = None
) -> tuple[Quote, DocumentEvent]:
    """Draft → sent: the proposal goes to the client.

    Guards: priced; no deviation awaiting approval; the credit decision at the
    quote control point does not stop it; not expired.
    """
    what = f"quote {quote.id!r}"
    _quote_status(quote, (QuoteStatus.DRAFT,), "sent")
    _not_before(what, quote.on, on)
    if quote.is_expired(on):
        raise OrderError(
            f"{what} expired on {quote.valid_until}; revise it with a new validity date",
            quote=quote.id,
        )
    if quote.prices is None:
        raise OrderError(f"{what} is not priced: price it before sending", quote=quote.id)
    _approval_guard(what, quote.prices, quote.approved, "sent")
    _credit_guard(what, credit, ControlPoint.QUOTE)
    event = _event("send", on, QuoteStatus.SENT.value, by)
    return attrs.evolve(quote, status=QuoteStatus.SENT, history=(*quote.history, event)), event


def accept_quote(quote: Quote, on: date, *, by: str | None = None) -> tuple[Quote, DocumentEvent]:
    """Sent → accepted: the client agreed (not after the validity date)."""
    what = f"quote {quote.id!r}"
    _quote_status(quote, (QuoteStatus.SENT,), "accepted")
    _not_before(what, quote.on, on)
    if quote.is_expired(on):
        raise OrderError(
            f"{what} expired on {quote.valid_until} and cannot be accepted on {on}; "
            "revise it with a new validity date and send it again",
            quote=quote.id,
        )
    event = _event("accept", on, QuoteStatus.ACCEPTED.value, by)
    return attrs.evolve(quote, status=QuoteStatus.ACCEPTED, history=(*quote.history, event)), event


def reject_quote(
    quote: Quote, on: date, reason: str, *, by: str | None = None
) -> tuple[Quote, DocumentEvent]:
    """Sent → rejected, with the client's reason."""
    _quote_status(quote, (QuoteStatus.SENT,), "rejected")
    _not_before(f"quote {quote.id!r}", quote.on, on)
    event = _event("reject", on, QuoteStatus.REJECTED.value, by, reason)
    return attrs.evolve(quote, status=QuoteStatus.REJECTED, history=(*quote.history, event)), event


def revise_quote(
    quote: Quote,
    new_id: QuoteId,
    on: date,
    *,
    lines: Iterable[DocumentLine] | None = None,
    valid_until: date | None = None,
    by: str | None = None,
) -> tuple[Quote, Quote, DocumentEvent]:
    """A new version made from ``quote``; the old one becomes replaced.

    The new version is a draft with ``revision + 1`` and ``previous_id`` set;
    it keeps the old lines unless ``lines`` are given, and has no prices yet
    (price it: manual discounts and lower prices are checked then).

    Returns:
        (the replaced old version, the new draft, the event on the old version).
    """
    _quote_status(quote, (QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.REJECTED), "revised")
    _not_before(f"quote {quote.id!r}", quote.on, on)
    if new_id == quote.id:
        raise OrderError(f"a revision needs a new id, not {new_id!r} again", quote=quote.id)
    until = valid_until if valid_until is not None else max(quote.valid_until, on)
    new = Quote(
        new_id,
        quote.header,
        on,
        until,
        tuple(lines) if lines is not None else quote.lines,
        revision=quote.revision + 1,
        previous_id=quote.id,
        history=(_event("revise", on, QuoteStatus.DRAFT.value, by, f"from {quote.id}"),),
    )
    event = _event("replace", on, QuoteStatus.REPLACED.value, by, f"by {new_id}")
    old = attrs.evolve(quote, status=QuoteStatus.REPLACED, history=(*quote.history, event))
    return old, new, event


def order_from_quote(
    quote: Quote, order_id: OrderId, on: date, *, by: str | None = None
) -> tuple[Order, DocumentEvent]:
    """A not-confirmed order from an accepted quote, **keeping the quote's prices**."""
    what = f"quote {quote.id!r}"
    _quote_status(quote, (QuoteStatus.ACCEPTED,), "turned into an order")
    _not_before(what, quote.on, on)
    event = _event("create from quote", on, OrderStatus.NOT_CONFIRMED.value, by, quote.id)
    order = Order(
        order_id,
        quote.header,
        on,
        quote.lines,
        prices=quote.prices,
        quote_id=quote.id,
        approved=quote.approved,
        approval_id=quote.approval_id,
        history=(event,),
    )
    return order, event


# --- orders ----------------------------------------------------------------------


def _order_status(order: Order, allowed: tuple[OrderStatus, ...], action: str) -> None:
    if order.status not in allowed:
        if action == "confirmed" and order.status.is_active:
            raise OrderError(
                f"order {order.id!r} is confirmed already (status {order.status.value}); "
                "confirming twice would freeze its prices twice: re-price it explicitly instead",
                order=order.id,
                status=order.status.value,
            )
        names = " or ".join(s.value.replace("_", " ") for s in allowed)
        raise OrderError(
            f"order {order.id!r} is {order.status.value.replace('_', ' ')}; only an order "
            f"that is {names} can be {action}",
            order=order.id,
            status=order.status.value,
        )


def price_order(order: Order, prices: FrozenPrices) -> Order:
    """The not-confirmed ``order`` with ``prices`` frozen into it."""
    _order_status(order, (OrderStatus.NOT_CONFIRMED,), "priced")
    return attrs.evolve(order, prices=prices, approved=False, approval_id=None)


def approve_order(order: Order, approval_id: str) -> Order:
    """The order with its deviations approved by the approval process ``approval_id``."""
    _order_status(order, (OrderStatus.NOT_CONFIRMED,), "approved")
    return attrs.evolve(order, approved=True, approval_id=approval_id)


def confirm_order(
    order: Order,
    on: date,
    schedule: PaymentSchedule,
    *,
    credit: CreditDecision | None = None,
    by: str | None = None,
) -> tuple[Order, DocumentEvent]:
    """Not confirmed → to pay: prices, discounts, VAT and the schedule are frozen.

    Guards: priced; no blocking deviation; no deviation awaiting approval
    (unless approved); the credit decision at the order control point does
    not stop it.

    Raises:
        OrderError: confirmed already, not priced, dated before the order, or a
            schedule that does not sum to the order's total with VAT.
        TransitionRefusedError: a guard holds it back.
    """
    what = f"order {order.id!r}"
    _order_status(order, (OrderStatus.NOT_CONFIRMED,), "confirmed")
    _not_before(what, order.on, on)
    if order.prices is None:
        raise OrderError(f"{what} is not priced: price it before confirming", order=order.id)
    if schedule.total != order.prices.with_vat:
        raise OrderError(
            f"{what}: the payment schedule is for {schedule.total}, the order's total with "
            f"VAT is {order.prices.with_vat}; generate the schedule from the order's total",
            order=order.id,
        )
    _approval_guard(what, order.prices, order.approved, "confirmed")
    _credit_guard(what, credit, ControlPoint.ORDER)
    event = _event("confirm", on, OrderStatus.TO_PAY.value, by)
    confirmed = attrs.evolve(
        order, status=OrderStatus.TO_PAY, schedule=schedule, history=(*order.history, event)
    )
    return confirmed, event


def _unpaid(
    order: Order, ledger: SettlementLedger, on: date, kinds: tuple[StageKind, ...]
) -> tuple[StagePayment, ...]:
    return tuple(s for s in stage_payments(order, ledger, on) if s.kind in kinds and not s.is_paid)


def release_for_securing(
    order: Order, on: date, ledger: SettlementLedger, *, by: str | None = None
) -> tuple[Order, DocumentEvent]:
    """To pay → to secure: every advance stage is paid (by ``on``, per the ledger)."""
    what = f"order {order.id!r}"
    _order_status(order, (OrderStatus.TO_PAY,), "released for securing")
    _not_before(what, order.on, on)
    unpaid = _unpaid(order, ledger, on, (StageKind.ADVANCE,))
    if unpaid:
        raise TransitionRefusedError(
            f"{what} cannot be secured: advance stages are unpaid on {on.isoformat()}: "
            + "; ".join(s.describe() for s in unpaid)
            + "; record the client's payment first",
            guard="advance",
            figures=tuple(s.describe() for s in unpaid),
        )
    event = _event("secure", on, OrderStatus.TO_SECURE.value, by)
    return attrs.evolve(order, status=OrderStatus.TO_SECURE, history=(*order.history, event)), event


def release_for_shipment(
    order: Order,
    on: date,
    ledger: SettlementLedger,
    *,
    credit: CreditDecision | None = None,
    by: str | None = None,
) -> tuple[Order, DocumentEvent]:
    """To secure → to ship: every advance and prepayment stage is paid, and the
    credit decision at the shipment control point does not stop it."""
    what = f"order {order.id!r}"
    _order_status(order, (OrderStatus.TO_SECURE,), "released for shipment")
    _not_before(what, order.on, on)
    unpaid = _unpaid(order, ledger, on, (StageKind.ADVANCE, StageKind.PREPAYMENT))
    if unpaid:
        raise TransitionRefusedError(
            f"{what} cannot ship: prepayment stages are unpaid on {on.isoformat()}: "
            + "; ".join(s.describe() for s in unpaid)
            + "; record the client's payment first",
            guard="prepayment",
            figures=tuple(s.describe() for s in unpaid),
        )
    _credit_guard(what, credit, ControlPoint.SHIPMENT)
    event = _event("ship", on, OrderStatus.TO_SHIP.value, by)
    return attrs.evolve(order, status=OrderStatus.TO_SHIP, history=(*order.history, event)), event


def close_order(order: Order, on: date, *, by: str | None = None) -> tuple[Order, DocumentEvent]:
    """An active order → closed (by hand or by a closing routine)."""
    _order_status(order, (OrderStatus.TO_PAY, OrderStatus.TO_SECURE, OrderStatus.TO_SHIP), "closed")
    _not_before(f"order {order.id!r}", order.on, on)
    event = _event("close", on, OrderStatus.CLOSED.value, by)
    return attrs.evolve(order, status=OrderStatus.CLOSED, history=(*order.history, event)), event


def cancel_order(
    order: Order, on: date, reason: str, *, by: str | None = None
) -> tuple[Order, DocumentEvent]:
    """Any order not closed → cancelled, with a reason [причина отмены]."""
    _order_status(
        order,
        (OrderStatus.NOT_CONFIRMED, OrderStatus.TO_PAY, OrderStatus.TO_SECURE, OrderStatus.TO_SHIP),
        "cancelled",
    )
    _not_before(f"order {order.id!r}", order.on, on)
    if not reason.strip():
        raise OrderError(
            f"order {order.id!r}: a cancellation needs a reason; say why", order=order.id
        )
    event = _event("cancel", on, OrderStatus.CANCELLED.value, by, reason)
    cancelled = attrs.evolve(
        order, status=OrderStatus.CANCELLED, cancel_reason=reason, history=(*order.history, event)
    )
    return cancelled, event
