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
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NewType

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation, Step
from salescore.orders import LineId, Order, OrderId, OrderStatus
from salescore.parties import ProductId, WarehouseId
from salescore.shipments.model import CustomerReturn, Shipment
from salescore.shipments.operations import ShippedQuantity

__all__ = [
    "GoodsIssue",
    "IssueDiscrepancy",
    "IssueId",
    "IssueLine",
    "issue_discrepancies",
    "issue_line",
    "quantities_left",
]

IssueId = NewType("IssueId", str)


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


def _lines(value: Iterable[IssueLine]) -> tuple[IssueLine, ...]:
    lines = tuple(value)
    if not lines:
        raise ShipmentError("a goods issue has no lines: issue at least one order line")
    if len({x.line_no for x in lines}) != len(lines):
        raise ShipmentError("a line number is used twice: give every issue line its own number")
    return lines


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
    order: Order, line_id: LineId, quantity: Decimal, line_no: str, issued: Decimal
) -> IssueLine:
    """An issue line of ``quantity`` of an order line that has ``issued`` already.

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
    left = ordered - issued
    quantity = Decimal(quantity)
    if quantity > left:
        raise ShipmentError(
            f"{where}: {quantity:f} to issue, but {issued:f} of {ordered:f} is issued already; "
            f"issue at most {left:f}",
            order=order.id,
            line=line_id,
            left=str(left),
        )
    return IssueLine(line_no, order.id, line_id, document_line.product_id, quantity)


@attrs.frozen
class IssueDiscrepancy:
    """An order line whose invoiced and issued quantities differ."""

    order_id: OrderId
    line_id: LineId
    product_id: ProductId
    invoiced: Decimal
    issued: Decimal

    @property
    def to_issue(self) -> Decimal:
        """Invoiced but not yet issued [к отгрузке]."""
        return max(self.invoiced - self.issued, Decimal(0))

    @property
    def to_invoice(self) -> Decimal:
        """Issued but not yet invoiced [к оформлению]."""
        return max(self.issued - self.invoiced, Decimal(0))


def issue_discrepancies(
    shipments: Iterable[Shipment], issues: Iterable[GoodsIssue]
) -> tuple[IssueDiscrepancy, ...]:
    """The order lines whose invoiced (shipments ``by_goods_issue``) and issued
    quantities differ, by order and line; settled lines are not listed."""
    invoiced: dict[tuple[str, str], Decimal] = {}
    issued: dict[tuple[str, str], Decimal] = {}
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
    for issue in issues:
        for i in issue.lines:
            key = (i.order_id, i.order_line_id)
            issued[key] = issued.get(key, Decimal(0)) + i.quantity
            products[key] = i.product_id
    return tuple(
        IssueDiscrepancy(
            OrderId(key[0]),
            LineId(key[1]),
            products[key],
            invoiced.get(key, Decimal(0)),
            issued.get(key, Decimal(0)),
        )
        for key in sorted(products)
        if invoiced.get(key, Decimal(0)) != issued.get(key, Decimal(0))
    )


def quantities_left(
    shipments: Iterable[Shipment],
    issues: Iterable[GoodsIssue],
    returns: Iterable[CustomerReturn] = (),
) -> tuple[ShippedQuantity, ...]:
    """What physically left per order line and date, for the order's derived state:
    the lines of shipments that moved the stock themselves, the lines of goods
    issues (shipments ``by_goods_issue`` move nothing: what they invoiced and the
    issues did not take is *to issue*), minus returns."""
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
    return tuple(found)
