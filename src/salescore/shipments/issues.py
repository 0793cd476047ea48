"""Goods issues [расходный ордер на товары] of order-based warehouses [ордерная схема].

On an order-based warehouse the invoice and the physical issue are two
documents: a shipment posted ``by_goods_issue`` creates the debt but moves no
stock; a :class:`GoodsIssue` moves the stock and may come before or after the
shipment ("как до оформления накладной, так и после", the seed), covering
lines of several orders (directives), even of different clients. Until the two
agree, the difference per order line is a discrepancy: *to issue* (invoiced,
not issued) or *to invoice* (issued, not invoiced). For the order's derived
state an order line counts as shipped once its goods are issued (they left);
the debt is the shipment's.

A client return of such a shipment lowers the debt but moves no stock: the
goods come back with a **receipt order** [приходный ордер на товары]
(:class:`GoodsReceipt`), which takes back at most what was issued and not yet
received. A return of goods that were invoiced but never issued needs no
receipt: it settles the *to issue* part. Per order line, with V invoiced, R
returned, I issued and C received back, the client holds V − R on paper and
I − C in fact; the difference is *to issue*, *to receive* (returned, not yet
back) or *to invoice*:

>>> d = IssueDiscrepancy(OrderId("SO-1"), LineId("1"), ProductId("P"), Decimal(3), Decimal(3),
...                      returned=Decimal(1))
>>> (d.to_issue, d.to_receive, d.to_invoice)
(Decimal('0'), Decimal('1'), Decimal('0'))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NewType, TypeVar

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation, Step
from salescore.orders import LineId, Order, OrderId, OrderStatus
from salescore.parties import ProductId, WarehouseId
from salescore.shipments.model import CustomerReturn, ReturnId, Shipment
from salescore.shipments.operations import ShippedQuantity, exchanged

__all__ = [
    "GoodsIssue",
    "GoodsReceipt",
    "IssueDiscrepancy",
    "IssueId",
    "IssueLine",
    "ReceiptId",
    "ReceiptLine",
    "issue_discrepancies",
    "issue_line",
    "issue_line_counts",
    "quantities_left",
    "receipt_line",
]

IssueId = NewType("IssueId", str)
ReceiptId = NewType("ReceiptId", str)


def _positive(value: object) -> Decimal:
    quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    if not quantity.is_finite() or quantity <= 0:
        raise ShipmentError(f"an issued quantity must be above zero, got {value!r}")
    return quantity


@attrs.frozen
class IssueLine:
    """Goods of one order line taken off the warehouse."""

    line_no: str
    order_id: OrderId
    order_line_id: LineId
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=_positive)


L = TypeVar("L", "IssueLine", "ReceiptLine")


def _numbered(lines: tuple[L, ...], document: str, least: str, kind: str) -> tuple[L, ...]:
    """``lines`` if there is one at least and no line number is used twice."""
    if not lines:
        raise ShipmentError(f"a {document} has no lines: {least}")
    if len({x.line_no for x in lines}) != len(lines):
        raise ShipmentError(f"a line number is used twice: give every {kind} line its own number")
    return lines


def _lines(value: Iterable[IssueLine]) -> tuple[IssueLine, ...]:
    return _numbered(tuple(value), "goods issue", "issue at least one order line", "issue")


@attrs.frozen
class GoodsIssue:
    """A goods issue [расходный ордер на товары] from ``warehouse_id`` on ``on``."""

    id: IssueId
    warehouse_id: WarehouseId
    on: date
    lines: tuple[IssueLine, ...] = attrs.field(converter=_lines)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def party_id(self) -> str:
        """The warehouse (its issues are listed by it)."""
        return self.warehouse_id

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders (directives) it issues goods of."""
        return tuple(dict.fromkeys(x.order_id for x in self.lines))

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """(order, "") pairs it is found by."""
        return tuple((o, "") for o in self.order_ids)

    def explain(self) -> Explanation:
        """Each issued line."""
        return Explanation(
            f"goods issue {self.id} from {self.warehouse_id} on {self.on.isoformat()}",
            tuple(
                Step(f"line {x.line_no}: {x.product_id}", f"{x.quantity:f}", f"order {x.order_id}")
                for x in self.lines
            ),
        )


def issue_line(
    order: Order,
    line_id: LineId,
    quantity: Decimal,
    line_no: str,
    issued: Decimal,
    shipped_directly: Decimal = Decimal(0),
) -> IssueLine:
    """An issue line of ``quantity`` of an order line that has ``issued`` already and
    ``shipped_directly`` by shipments that moved the stock themselves (not
    ``by_goods_issue``): those goods left already and are not issued again.

    Raises:
        ShipmentError: the order is not to ship, the line is a service or
            unknown, or more than the order line has left to issue (named).
    """
    where = f"order {order.id!r} line {line_id}"
    if order.status is not OrderStatus.TO_SHIP or order.prices is None:
        raise ShipmentError(
            f"{where}: the order is {order.status.value.replace('_', ' ')}; goods are issued "
            "only for an order that is to ship",
            order=order.id,
        )
    document_line = order.line(line_id)
    if document_line.is_service:
        raise ShipmentError(f"{where} is a service: a service is not issued from a warehouse")
    ordered = order.prices.line(line_id).quantity.value
    left = ordered - issued - shipped_directly
    quantity = Decimal(quantity)
    if quantity > left:
        direct = (
            f" and {shipped_directly:f} left by shipments from an ordinary warehouse"
            if shipped_directly
            else ""
        )
        raise ShipmentError(
            f"{where}: {quantity:f} to issue, but {issued:f} of {ordered:f} is issued already"
            f"{direct}; issue at most {left:f}",
            order=order.id,
            line=line_id,
            left=str(left),
        )
    return IssueLine(line_no, order.id, line_id, document_line.product_id, quantity)


@attrs.frozen
class ReceiptLine:
    """Goods of one return line received back into the warehouse."""

    line_no: str
    return_id: ReturnId
    return_line_no: str
    order_id: OrderId
    order_line_id: LineId
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=_positive)


def _receipt_lines(value: Iterable[ReceiptLine]) -> tuple[ReceiptLine, ...]:
    return _numbered(tuple(value), "receipt order", "receive at least one return line", "receipt")


@attrs.frozen
class GoodsReceipt:
    """A receipt order [приходный ордер на товары]: returned goods come back into an
    order-based warehouse ``warehouse_id`` on ``on``."""

    id: ReceiptId
    warehouse_id: WarehouseId
    on: date
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=_receipt_lines)
    version: int = attrs.field(default=0, kw_only=True)

    @property
    def party_id(self) -> str:
        """The warehouse (its receipts are listed by it)."""
        return self.warehouse_id

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders whose goods came back."""
        return tuple(dict.fromkeys(x.order_id for x in self.lines))

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """(order, return) pairs it is found by (the return stands where a shipment would)."""
        return tuple(dict.fromkeys((x.order_id, x.return_id) for x in self.lines))

    def explain(self) -> Explanation:
        """Each received line."""
        return Explanation(
            f"receipt order {self.id} into {self.warehouse_id} on {self.on.isoformat()}",
            tuple(
                Step(
                    f"line {x.line_no}: {x.product_id}",
                    f"{x.quantity:f}",
                    f"return {x.return_id}/{x.return_line_no}, order {x.order_id}",
                )
                for x in self.lines
            ),
        )


def _sum_by_line(
    pairs: Iterable[tuple[tuple[str, str], Decimal]],
) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for key, quantity in pairs:
        found[key] = found.get(key, Decimal(0)) + quantity
    return found


def receipt_line(
    document: CustomerReturn,
    return_line_no: str,
    quantity: Decimal,
    line_no: str,
    *,
    shipments: Iterable[Shipment],
    issues: Iterable[GoodsIssue],
    returns: Iterable[CustomerReturn],
    receipts: Iterable[GoodsReceipt],
) -> ReceiptLine:
    """A receipt line taking back ``quantity`` of a return line of an order-based
    warehouse, given the order line's shipments, issues, returns (``document``
    among them) and earlier receipts.

    Raises:
        ShipmentError: the return line is unknown, or came back by the return
            itself (an ordinary warehouse), or more than the return line has
            left to receive, or more than the order line has *to receive* —
            goods the client was issued beyond what it keeps on paper (goods
            that never left the warehouse do not come back); each message names
            what may still come back.
    """
    found = [x for x in document.lines if x.line_no == return_line_no]
    where = f"return {document.id!r} line {return_line_no}"
    if not found:
        raise ShipmentError(f"{where} does not exist: name a line of the return", id=document.id)
    (line,) = found
    if not line.by_receipt_order or line.order_id is None or line.order_line_id is None:
        raise ShipmentError(
            f"{where} ({line.product_id}) came back by the return itself (an ordinary "
            "warehouse): a receipt order takes back goods of order-based warehouses only",
            id=document.id,
        )
    receipts = list(receipts)
    quantity = Decimal(quantity)
    done = sum(
        (
            x.quantity
            for r in receipts
            for x in r.lines
            if (x.return_id, x.return_line_no) == (document.id, return_line_no)
        ),
        Decimal(0),
    )
    left = line.quantity - done
    if quantity > left:
        raise ShipmentError(
            f"{where} ({line.product_id}): {quantity:f} to receive, {line.quantity:f} returned "
            f"and {done:f} received already; receive at most {left:f}",
            id=document.id,
            left=str(left),
        )
    key = (line.order_id, line.order_line_id)
    counts = {
        (x.order_id, x.line_id): x for x in issue_line_counts(shipments, issues, returns, receipts)
    }
    held = counts[key].to_receive if key in counts else Decimal(0)
    if quantity > held:
        raise ShipmentError(
            f"{where} ({line.product_id}): {quantity:f} to receive, but only {held:f} of order "
            f"{line.order_id!r} line {line.order_line_id} was issued to the client beyond what "
            f"it keeps; goods that never left the warehouse do not come back "
            f"(receive at most {held:f})",
            id=document.id,
            left=str(held),
        )
    return ReceiptLine(
        line_no,
        document.id,
        return_line_no,
        line.order_id,
        line.order_line_id,
        line.product_id,
        quantity,
    )


@attrs.frozen
class IssueDiscrepancy:
    """An order line whose invoiced and issued quantities differ.

    ``invoiced`` and ``issued`` are the documents' gross quantities; ``returned``
    is what returns took back on paper, ``received`` what receipt orders took
    back into the warehouse.
    """

    order_id: OrderId
    line_id: LineId
    product_id: ProductId
    invoiced: Decimal
    issued: Decimal
    returned: Decimal = attrs.field(default=Decimal(0), kw_only=True)
    received: Decimal = attrs.field(default=Decimal(0), kw_only=True)

    @property
    def _gap(self) -> Decimal:
        """On paper minus in fact (positive: the client has less than invoiced)."""
        return (self.invoiced - self.returned) - (self.issued - self.received)

    @property
    def to_issue(self) -> Decimal:
        """Invoiced but not yet issued [к отгрузке]."""
        return max(self._gap, Decimal(0))

    @property
    def to_receive(self) -> Decimal:
        """Returned on paper, issued, and not yet received back [к поступлению]."""
        return min(max(-self._gap, Decimal(0)), max(self.returned - self.received, Decimal(0)))

    @property
    def to_invoice(self) -> Decimal:
        """Issued but not yet invoiced [к оформлению]."""
        return max(-self._gap, Decimal(0)) - self.to_receive


def issue_discrepancies(
    shipments: Iterable[Shipment],
    issues: Iterable[GoodsIssue],
    returns: Iterable[CustomerReturn] = (),
    receipts: Iterable[GoodsReceipt] = (),
) -> tuple[IssueDiscrepancy, ...]:
    """The order lines whose invoiced (shipments ``by_goods_issue`` less their returns)
    and issued (goods issues less receipt orders) quantities differ, by order and
    line; settled lines are not listed."""
    found = issue_line_counts(shipments, issues, returns, receipts)
    return tuple(x for x in found if x.to_issue or x.to_receive or x.to_invoice)


def issue_line_counts(
    shipments: Iterable[Shipment],
    issues: Iterable[GoodsIssue],
    returns: Iterable[CustomerReturn],
    receipts: Iterable[GoodsReceipt],
) -> list[IssueDiscrepancy]:
    """Every order line with goods of shipments ``by_goods_issue`` or of goods issues,
    settled or not (:func:`issue_discrepancies` keeps the unsettled ones)."""
    invoiced: dict[tuple[str, str], Decimal] = {}
    products: dict[tuple[str, str], ProductId] = {}
    for shipment in shipments:
        if not shipment.by_goods_issue:
            continue
        for x in shipment.lines:
            if x.is_service:
                continue
            key = (x.order_id, x.order_line_id)
            invoiced[key] = invoiced.get(key, Decimal(0)) + x.quantity
            products[key] = x.product_id
    issues, receipts = list(issues), list(receipts)
    issued = _sum_by_line(
        ((i.order_id, i.order_line_id), i.quantity) for d in issues for i in d.lines
    )
    received = _sum_by_line(
        ((x.order_id, x.order_line_id), x.quantity) for d in receipts for x in d.lines
    )
    returned = _sum_by_line(
        ((r.order_id, r.order_line_id), r.quantity)
        for d in returns
        for r in d.lines
        if r.by_receipt_order and r.order_id is not None and r.order_line_id is not None
    )
    for d in issues:
        for i in d.lines:
            products[(i.order_id, i.order_line_id)] = i.product_id
    zero = Decimal(0)
    return [
        IssueDiscrepancy(
            OrderId(key[0]),
            LineId(key[1]),
            products[key],
            invoiced.get(key, zero),
            issued.get(key, zero),
            returned=returned.get(key, zero),
            received=received.get(key, zero),
        )
        for key in sorted(products)
    ]


def quantities_left(
    shipments: Iterable[Shipment],
    issues: Iterable[GoodsIssue],
    returns: Iterable[CustomerReturn] = (),
    receipts: Iterable[GoodsReceipt] = (),
    *,
    on: date | None = None,
) -> tuple[ShippedQuantity, ...]:
    """What left per order line, for the order's derived state (returns negative).

    The lines of shipments that moved the stock themselves, and for shipments
    ``by_goods_issue`` the goods issues (what they invoiced and the issues did not
    take is *to issue*). A return counts as returned (it does not reopen the
    order); a return of invoiced goods that were never issued also counts as
    shipped — the line is executed on paper and nothing is left to issue for it.
    Exchanges are left out. ``on``: count only the documents dated by then.
    """
    shipments, returns = exchanged(shipments, returns)
    if on is not None:
        shipments = [s for s in shipments if s.on <= on]
        returns = [r for r in returns if r.on <= on]
        issues = [i for i in issues if i.on <= on]
        receipts = [r for r in receipts if r.on <= on]
    issues, receipts = list(issues), list(receipts)
    found = [
        ShippedQuantity(x.order_id, x.order_line_id, x.quantity, s.on, s.id)
        for s in shipments
        for x in s.lines
        if not s.by_goods_issue or x.is_service
    ]
    found += [
        ShippedQuantity(i.order_id, i.order_line_id, i.quantity, issue.on, issue.id)
        for issue in issues
        for i in issue.lines
    ]
    found += [
        ShippedQuantity(r.order_id, r.order_line_id, -r.quantity, d.on, d.id)
        for d in returns
        for r in d.lines
        if r.order_id is not None and r.order_line_id is not None
    ]
    last = max((x.on for x in found), default=None)
    for gap in issue_line_counts(shipments, issues, returns, receipts):
        # returned on paper and never issued: min(R − C, V − I) of the line
        unissued = min(gap.returned - gap.received, max(gap.invoiced - gap.issued, Decimal(0)))
        if unissued > 0 and last is not None:
            found.append(ShippedQuantity(gap.order_id, gap.line_id, unissued, last, "returned"))
    return tuple(found)
