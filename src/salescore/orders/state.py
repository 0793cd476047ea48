"""The derived state of a sales order [состояние заказа] (D3): computed, never set.

The status of an order is set by its transitions; its *state* is a pure
function of the order, the settlement ledger (what was paid against each
payment stage), the reservation ledger (what is secured per line) and the
shipments, as of any date. It explains itself: each stage with its amount,
due date and paid part; per line what is ordered, reserved, missing and
shipped.

The states, in the order an order passes them:

* waiting for approval — deviations from the agreement wait for approvers;
* waiting for advance [ожидается аванс до обеспечения];
* waiting for securing [ожидается обеспечение] — some goods are not reserved;
* waiting for prepayment [ожидается предоплата до отгрузки];
* secured — everything reserved and prepaid, not yet released for shipment;
* ready to ship [готов к отгрузке];
* partly shipped [в процессе отгрузки];
* waiting for payment [ожидается оплата после отгрузки];
* payment overdue N days;
* ready to close [готов к закрытию].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

import attrs

from salescore.errors import OrderError
from salescore.explain import Explanation, Step
from salescore.money import Money
from salescore.money._context import CTX
from salescore.orders.model import DocumentLine, LineId, Order, OrderStatus
from salescore.receivables import EntryKind, Measure, SettlementLedger, StageKind
from salescore.reservation import Bucket, LedgerEntry, OrderId, SupplyOption

__all__ = [
    "LineProgress",
    "OrderState",
    "OrderStateKind",
    "Shipped",
    "ShippedLine",
    "StagePayment",
    "derive_state",
    "line_progress",
    "schedule_entry_id",
    "stage_payments",
]


def schedule_entry_id(order_id: str, stage_index: int) -> str:
    """The settlement entry id of a stage, as :func:`salescore.receivables.schedule_entries`
    writes it (``"<order>/plan/<n>"``)."""
    return f"{order_id}/plan/{stage_index + 1}"


@attrs.frozen
class StagePayment:
    """One payment stage of an order and how much of it was paid by a date."""

    index: int
    kind: StageKind
    due_date: date
    amount: Money
    paid: Money

    @property
    def unpaid(self) -> Money:
        """What is still to be paid."""
        return self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        """True when nothing is left to pay."""
        return not self.unpaid.is_positive()

    def describe(self) -> str:
        """``advance 3000.00 RUB due 2026-03-05, paid 1000.00 RUB``."""
        return (
            f"stage {self.index + 1} ({self.kind.value}) {self.amount} due "
            f"{self.due_date.isoformat()}, paid {self.paid}"
        )


def _settled_by_documents(order: Order, ledger: SettlementLedger, on: date) -> Money | None:
    """What returns and downward corrections took off the order's debt by ``on``: its
    negative actual entries, less the actual debt above the schedule (an exchange's
    replacement, an upward correction); None when nothing."""
    if order.schedule is None:
        return None
    down = up = 0
    for e in ledger.entries:
        if e.order_id == order.id and e.measure is Measure.ACTUAL and e.posted_on <= on:
            if e.amount.is_negative():
                down -= e.amount.minor_units
            else:
                up += e.amount.minor_units
    planned = sum(stage.amount.minor_units for stage in order.schedule.stages)
    units = down - max(up - planned, 0)
    if units <= 0:
        return None
    return Money.from_minor(units, order.schedule.stages[0].amount.currency)


def stage_payments(order: Order, ledger: SettlementLedger, on: date) -> tuple[StagePayment, ...]:
    """Each stage of the order's schedule with the part paid by ``on``.

    The paid part of a stage is what the ledger allocated to the stage's
    planned-debt entry by ``on``; a stage not posted to the ledger is unpaid.
    A return or a downward correction of the order's goods lowers what the
    client owes: its amount settles the unpaid stages, earliest due first, as a
    payment would (1C: the return's amount "в качестве оплаты").
    """
    if order.schedule is None:
        return ()
    open_units = {
        item.entry.id: item.open
        for item in ledger.open_items(on, Measure.PLANNED)
        if item.entry.order_id == order.id
    }
    posted = {e.id for e in ledger.entries if e.order_id == order.id and e.posted_on <= on}
    credit = _settled_by_documents(order, ledger, on)
    found = []
    for stage in sorted(order.schedule.stages, key=lambda s: (s.due_date, s.index)):
        entry_id = schedule_entry_id(order.id, stage.index)
        if entry_id in posted:
            paid = stage.amount - open_units.get(entry_id, Money.zero(stage.amount.currency))
        else:
            paid = Money.zero(stage.amount.currency)
        if credit is not None and credit.is_positive() and paid < stage.amount:
            taken = min(credit, stage.amount - paid)
            paid, credit = paid + taken, credit - taken
        found.append(StagePayment(stage.index, stage.kind, stage.due_date, stage.amount, paid))
    return tuple(sorted(found, key=lambda s: s.index))


class ShippedLine(Protocol):
    """What the derived state needs to know of goods that left: the posted shipments
    (:func:`salescore.shipments.shipped_quantities`, returns as negative quantities) or
    :class:`Shipped` values. A negative quantity is a return: it is shown as returned
    and does not reopen the line (1C: a return from the client does not put the
    order back to shipping)."""

    @property
    def order_id(self) -> str: ...
    @property
    def line_id(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def on(self) -> date: ...


@attrs.frozen
class Shipped:
    """Goods of one order line that left on a date (a hand-made :class:`ShippedLine`)."""

    order_id: OrderId
    line_id: LineId
    quantity: Decimal
    on: date
    document: str = ""


@attrs.frozen
class LineProgress:
    """Per line of an order: ordered, reserved, shipped, returned, remaining and missing.

    ``shipped`` is what left for the order; ``returned`` what came back later. A
    return does not make the line to ship again: the order was executed, the
    goods came back by another document (a replacement is an exchange, which
    counts neither).
    """

    line_id: LineId
    ordered: Decimal
    reserved: Decimal
    shipped: Decimal
    needs_securing: bool
    returned: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        """Still to ship."""
        return max(CTX.subtract(self.ordered, self.shipped), Decimal(0))

    @property
    def missing(self) -> Decimal:
        """Still to ship and not reserved (zero for lines that need no securing)."""
        if not self.needs_securing:
            return Decimal(0)
        return max(CTX.subtract(self.remaining, self.reserved), Decimal(0))


def _needs_securing(line: DocumentLine) -> bool:
    return not line.is_service and line.supply is not SupplyOption.NOT_REQUIRED


def line_progress(
    order: Order,
    reservations: Iterable[LedgerEntry],
    shipments: Iterable[ShippedLine],
    on: date,
) -> tuple[LineProgress, ...]:
    """Ordered, reserved and shipped per line of ``order`` as of ``on``."""
    entries = [e for e in reservations if e.at.date() <= on]
    shipped_by_line: dict[str, Decimal] = {}
    returned_by_line: dict[str, Decimal] = {}
    for s in shipments:
        if s.order_id == order.id and s.on <= on:
            into = shipped_by_line if s.quantity >= 0 else returned_by_line
            into[s.line_id] = CTX.add(into.get(s.line_id, Decimal(0)), abs(s.quantity))
    found = []
    for line in order.lines:
        bucket = Bucket.reserved(order.id, line.line_id)
        reserved = Decimal(0)
        for e in entries:
            if e.move.target == bucket:
                reserved = CTX.add(reserved, e.move.quantity.value)
            if e.move.source == bucket:
                reserved -= e.move.quantity.value
        found.append(
            LineProgress(
                line.line_id,
                line.quantity,
                reserved,
                shipped_by_line.get(line.line_id, Decimal(0)),
                _needs_securing(line),
                returned_by_line.get(line.line_id, Decimal(0)),
            )
        )
    return tuple(found)


class OrderStateKind(enum.Enum):
    """The derived state of an order."""

    NOT_CONFIRMED = "not confirmed"
    WAITING_FOR_APPROVAL = "waiting for approval"
    WAITING_FOR_ADVANCE = "waiting for advance"
    WAITING_FOR_SECURING = "waiting for securing"
    WAITING_FOR_PREPAYMENT = "waiting for prepayment"
    SECURED = "secured"
    READY_TO_SHIP = "ready to ship"
    PARTLY_SHIPPED = "partly shipped"
    WAITING_FOR_PAYMENT = "waiting for payment"
    PAYMENT_OVERDUE = "payment overdue"
    READY_TO_CLOSE = "ready to close"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@attrs.frozen
class OrderState:
    """An order's derived state on a date, with its reasons.

    Attributes:
        order_id: the order.
        on: the date of the state.
        kind: the state.
        overdue_days: for payment overdue, days since the earliest unpaid due date.
        stages: each payment stage with its paid part.
        lines: per line ordered, reserved, shipped.
    """

    order_id: OrderId
    on: date
    kind: OrderStateKind
    stages: tuple[StagePayment, ...] = ()
    lines: tuple[LineProgress, ...] = ()
    overdue_days: int = 0

    @property
    def label(self) -> str:
        """``payment overdue 5 days`` or the state's name."""
        if self.kind is OrderStateKind.PAYMENT_OVERDUE:
            days = "day" if self.overdue_days == 1 else "days"
            return f"payment overdue {self.overdue_days} {days}"
        return str(self.kind.value)

    def explain(self) -> Explanation:
        """Each stage (amount, due date, paid part), then each line (reserved, missing, shipped)."""
        steps = [
            Step(s.describe(), "paid" if s.is_paid else f"{s.unpaid} to pay") for s in self.stages
        ]
        steps += [
            Step(
                f"line {x.line_id}: ordered {x.ordered:f}",
                f"reserved {x.reserved:f}, missing {x.missing:f}, shipped {x.shipped:f}"
                + (f", returned {x.returned:f}" if x.returned else ""),
            )
            for x in self.lines
        ]
        return Explanation(
            f"order {self.order_id} on {self.on.isoformat()}: {self.label}", tuple(steps)
        )


def _owes_beyond_stages(order: Order, ledger: SettlementLedger, on: date) -> bool:
    """True when the order's actual debt is still open on ``on`` though its stages are
    paid: a correction raised the sale above the schedule."""
    return any(
        item.entry.order_id == order.id and item.entry.kind is EntryKind.CORRECTION
        for item in ledger.open_items(on, Measure.ACTUAL)
    )


def derive_state(
    order: Order,
    ledger: SettlementLedger,
    reservations: Iterable[LedgerEntry] = (),
    shipments: Iterable[ShippedLine] = (),
    *,
    on: date,
) -> OrderState:
    """The state of ``order`` on ``on`` from what was paid, reserved and shipped by then.

    Raises:
        OrderError: ``on`` is before the order date.
    """
    if on < order.on:
        raise OrderError(
            f"order {order.id!r} is dated {order.on}; its state on {on} does not exist: "
            "ask for a date on or after the order date",
            order=order.id,
        )
    stages = stage_payments(order, ledger, on)
    lines = line_progress(order, reservations, shipments, on)

    def state(kind: OrderStateKind, overdue: int = 0) -> OrderState:
        return OrderState(order.id, on, kind, stages, lines, overdue)

    if order.status is OrderStatus.CANCELLED:
        return state(OrderStateKind.CANCELLED)
    if order.status is OrderStatus.CLOSED:
        return state(OrderStateKind.CLOSED)
    if order.status is OrderStatus.NOT_CONFIRMED:
        prices = order.prices
        if prices is not None and prices.awaiting_approval and not order.approved:
            return state(OrderStateKind.WAITING_FOR_APPROVAL)
        return state(OrderStateKind.NOT_CONFIRMED)
    shipped_any = any(x.shipped > 0 for x in lines)
    shipped_all = all(x.remaining == 0 for x in lines)
    if shipped_all:
        unpaid = [s for s in stages if not s.is_paid]
        if not unpaid and not _owes_beyond_stages(order, ledger, on):
            return state(OrderStateKind.READY_TO_CLOSE)
        overdue = [s for s in unpaid if s.due_date < on]
        if overdue:
            days = (on - min(s.due_date for s in overdue)).days
            return state(OrderStateKind.PAYMENT_OVERDUE, days)
        return state(OrderStateKind.WAITING_FOR_PAYMENT)
    if shipped_any:
        return state(OrderStateKind.PARTLY_SHIPPED)
    if any(s.kind is StageKind.ADVANCE and not s.is_paid for s in stages):
        return state(OrderStateKind.WAITING_FOR_ADVANCE)
    if any(x.missing > 0 for x in lines):
        return state(OrderStateKind.WAITING_FOR_SECURING)
    if any(s.kind is StageKind.PREPAYMENT and not s.is_paid for s in stages):
        return state(OrderStateKind.WAITING_FOR_PREPAYMENT)
    if order.status is OrderStatus.TO_SHIP:
        return state(OrderStateKind.READY_TO_SHIP)
    return state(OrderStateKind.SECURED)
