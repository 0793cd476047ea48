"""Stock buckets, reserve claims and ledger entries: the values of reservation.

Goods of one product at one warehouse sit in *buckets*: free stock
[свободный остаток], the reserve of one order line [резерв], an expected
receipt on a date [ожидаемое поступление], or outside the company (where
receipts come from and shipments go). Every change is a move of a quantity
from one bucket to another, written as a :class:`LedgerEntry`; balances are
the sums of those moves, so nothing is created or lost.

>>> from datetime import date
>>> Bucket.reserved(OrderId("SO-1"), LineId("1"))
Bucket(kind=<BucketKind.RESERVED: 'reserved'>, order_id='SO-1', line_id='1', expected_on=None)
>>> str(Bucket.free()), str(Bucket.expected(date(2026, 3, 2)))
('free', 'expected 2026-03-02')
>>> str(Bucket.reserved(OrderId("SO-1"), LineId("1")))
'reserve SO-1/1'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NewType

import attrs

from salescore._validation import non_empty_text
from salescore.errors import InvalidInputError
from salescore.money import PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.records import Record, html_table

__all__ = [
    "Bucket",
    "BucketKind",
    "Holding",
    "LedgerEntry",
    "LineId",
    "Move",
    "Operation",
    "OrderId",
    "ReserveClaim",
    "StockPosition",
    "SupplyOption",
    "zero",
]

OrderId = NewType("OrderId", str)
LineId = NewType("LineId", str)


class SupplyOption(enum.Enum):
    """How an order line secures its goods [вариант обеспечения] (D2).

    ``FROM_STOCK``: reserve from free stock at the warehouse; a more urgent
    order may take this reserve through the donor policy.
    ``SEPARATE``: reserve tied to this order only [обособленно]; the donor
    policy never takes it, only a reassignment that names the order does.
    ``TO_ORDER``: nothing is reserved now; the line waits for an expected
    receipt [к обеспечению] and its availability counts receipts up to the
    planned shipment date.
    ``NOT_REQUIRED``: services and drop-ship lines [не требуется]; reserving
    for them is refused.
    """

    FROM_STOCK = "from_stock"
    SEPARATE = "separate"
    TO_ORDER = "to_order"
    NOT_REQUIRED = "not_required"


class BucketKind(enum.Enum):
    """Where goods of one product at one warehouse are."""

    OUTSIDE = "outside"
    FREE = "free"
    RESERVED = "reserved"
    EXPECTED = "expected"


@attrs.frozen
class Bucket:
    """One place goods can be in; build it with the class methods.

    Attributes:
        kind: free stock, an order line's reserve, an expected receipt, or outside.
        order_id, line_id: the order line holding a reserve ("" otherwise).
        expected_on: the date of an expected receipt (None otherwise).
    """

    kind: BucketKind
    order_id: str = ""
    line_id: str = ""
    expected_on: date | None = None

    @classmethod
    def outside(cls) -> Bucket:
        """Outside the company: receipts come from here and shipments go here."""
        return cls(BucketKind.OUTSIDE)

    @classmethod
    def free(cls) -> Bucket:
        """Free stock on hand [свободный остаток]."""
        return cls(BucketKind.FREE)

    @classmethod
    def reserved(cls, order_id: OrderId, line_id: LineId) -> Bucket:
        """The reserve of one order line."""
        if not order_id or not line_id:
            raise InvalidInputError(
                "a reserve needs an order id and a line id, both non-empty",
                order_id=order_id,
                line_id=line_id,
            )
        return cls(BucketKind.RESERVED, order_id, line_id)

    @classmethod
    def expected(cls, on: date) -> Bucket:
        """Goods expected to arrive on ``on``."""
        return cls(BucketKind.EXPECTED, expected_on=on)

    @property
    def is_tracked(self) -> bool:
        """True for buckets whose balance is kept (and may never go negative)."""
        return self.kind is not BucketKind.OUTSIDE

    def __str__(self) -> str:
        if self.kind is BucketKind.RESERVED:
            return f"reserve {self.order_id}/{self.line_id}"
        if self.kind is BucketKind.EXPECTED:
            return f"expected {self.expected_on}"
        return str(self.kind.value)


class Operation(enum.Enum):
    """The operation that wrote a ledger entry."""

    RECEIPT = "receipt"
    EXPECTED_RECEIPT = "expected_receipt"
    SHIPMENT = "shipment"
    RESERVE_FROM_STOCK = "reserve_from_stock"
    RELEASE_EXCESS = "release_excess"
    RESERVE_FROM_ORDERS = "reserve_from_orders"
    RELEASE_ALL = "release_all"
    RETAIL_SALE = "retail_sale"
    """Goods sold at a store by a retail receipt (or a retail sales report)."""
    RETAIL_RETURN = "retail_return"
    """Goods a retail buyer brought back, or a cancelled receipt's goods, back in stock."""


def _positive(instance: object, attribute: attrs.Attribute[Quantity], value: Quantity) -> None:
    if value.value <= 0:
        raise InvalidInputError(
            f"{attribute.name} must be positive, got {value}", value=str(value.value)
        )


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise InvalidInputError(f"a reserve claim needs a non-empty {attribute.name}")


def _not_negative(instance: object, attribute: attrs.Attribute[Quantity], value: Quantity) -> None:
    if value.value < 0:
        raise InvalidInputError(
            f"{attribute.name} cannot be negative, got {value}", value=str(value.value)
        )


@attrs.frozen
class Move:
    """A quantity of a product at a warehouse going from one bucket to another."""

    product_id: ProductId = attrs.field(validator=non_empty_text())
    warehouse_id: WarehouseId = attrs.field(validator=non_empty_text())
    source: Bucket
    target: Bucket
    quantity: Quantity = attrs.field(validator=_positive)

    def to_records(self) -> list[Record]:
        """One typed row: product, warehouse, the two buckets as text, quantity and unit."""
        return [
            {
                "product_id": self.product_id,
                "warehouse_id": self.warehouse_id,
                "source": str(self.source),
                "target": str(self.target),
                "quantity": self.quantity.value,
                "unit": self.quantity.unit.code,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="move")

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise InvalidInputError(
                f"a move needs two different buckets, got {self.source} twice",
                bucket=str(self.source),
            )


@attrs.frozen
class LedgerEntry:
    """One line of the append-only reservation ledger [регистр резервов].

    Attributes:
        seq: position in the ledger, given by the storage (increasing).
        move: what moved, from where to where.
        operation: the operation that wrote it.
        document: the business document behind it (receipt, order, correction).
        at: when it was written (given by the caller's clock).
    """

    seq: int
    move: Move
    operation: Operation
    document: str
    at: datetime

    def to_records(self) -> list[Record]:
        """One typed row: ``seq``, ``operation``, ``document``, ``at``, then the move's."""
        (move,) = self.move.to_records()
        return [
            {
                "seq": self.seq,
                "operation": self.operation.value,
                "document": self.document,
                "at": self.at,
                **move,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"ledger entry #{self.seq}")

    def __str__(self) -> str:
        m = self.move
        return (
            f"#{self.seq} {self.operation.value}: {m.quantity} {m.product_id}@{m.warehouse_id} "
            f"{m.source} -> {m.target} ({self.document})"
        )


@attrs.frozen
class ReserveClaim:
    """What reservation needs to know about one order line (orders live elsewhere).

    The caller passes it to every reserve operation; the ledger keeps the
    latest one per order line, so that the donor policy can rank the orders
    holding a reserve.

    Attributes:
        order_id, line_id: the order line.
        product_id, warehouse_id: what is secured, and where.
        quantity: what the line needs in total.
        planned_shipment: the line's planned shipment date.
        order_date: the order's date.
        priority: higher is more important; the default policy never takes
            reserve from an order more important than the taker.
        supply: how the line secures its goods.
    """

    order_id: OrderId = attrs.field(validator=_non_empty)
    line_id: LineId = attrs.field(validator=_non_empty)
    product_id: ProductId
    warehouse_id: WarehouseId
    quantity: Quantity = attrs.field(validator=_not_negative)
    planned_shipment: date
    order_date: date
    priority: int = 0
    supply: SupplyOption = SupplyOption.FROM_STOCK

    @property
    def unit(self) -> Unit:
        """The unit the line is measured in."""
        return self.quantity.unit

    @property
    def bucket(self) -> Bucket:
        """The bucket holding this line's reserve."""
        return Bucket.reserved(self.order_id, self.line_id)

    @property
    def line_key(self) -> tuple[OrderId, LineId]:
        """(order id, line id)."""
        return (self.order_id, self.line_id)


def zero(unit: Unit = PIECE) -> Quantity:
    """Zero of ``unit``."""
    return Quantity(0, unit)


@attrs.frozen
class Holding:
    """The reserve one order line holds, with the claim that made it."""

    claim: ReserveClaim
    quantity: Quantity

    def to_records(self) -> list[Record]:
        """One typed row: the order line, what it needs and what it holds."""
        c = self.claim
        return [
            {
                "order_id": c.order_id,
                "line_id": c.line_id,
                "product_id": c.product_id,
                "warehouse_id": c.warehouse_id,
                "supply": c.supply.value,
                "planned_shipment": c.planned_shipment,
                "priority": c.priority,
                "needed": c.quantity.value,
                "held": self.quantity.value,
                "unit": self.quantity.unit.code,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="reserve held")


@attrs.frozen
class StockPosition:
    """Stock of one product at one warehouse [остатки и резервы], derived from the ledger.

    >>> from datetime import date
    >>> from salescore.money import PIECE
    >>> p = StockPosition(
    ...     ProductId("CM-100"), WarehouseId("MAIN"), PIECE,
    ...     free=Quantity(3),
    ...     reserved={(OrderId("SO-1"), LineId("1")): Quantity(2)},
    ...     expected={date(2026, 3, 2): Quantity(10), date(2026, 3, 9): Quantity(5)},
    ... )
    >>> p.on_hand, p.reserved_total
    (Quantity('5', 'pcs'), Quantity('2', 'pcs'))
    >>> p.available_on(date(2026, 3, 1)), p.available_on(date(2026, 3, 5))
    (Quantity('3', 'pcs'), Quantity('13', 'pcs'))

    Attributes:
        unit: the product's unit.
        free: on hand and not reserved.
        reserved: reserve per (order id, line id); lines without reserve are absent.
        expected: expected receipts per date; dates without a receipt are absent.
    """

    product_id: ProductId
    warehouse_id: WarehouseId
    unit: Unit
    free: Quantity
    reserved: Mapping[tuple[OrderId, LineId], Quantity] = attrs.field(factory=dict)
    expected: Mapping[date, Quantity] = attrs.field(factory=dict)

    @property
    def reserved_total(self) -> Quantity:
        """Everything reserved, over all order lines."""
        return sum(self.reserved.values(), zero(self.unit))

    @property
    def on_hand(self) -> Quantity:
        """Physically at the warehouse: free plus reserved."""
        return self.free + self.reserved_total

    def reserved_for(self, order_id: OrderId, line_id: LineId) -> Quantity:
        """The reserve of one order line (zero when it has none)."""
        return self.reserved.get((order_id, line_id), zero(self.unit))

    def expected_until(self, on: date) -> Quantity:
        """Expected receipts dated on or before ``on``."""
        return sum((q for d, q in self.expected.items() if d <= on), zero(self.unit))

    def available_on(self, on: date) -> Quantity:
        """Availability on a date [доступно]: free now plus receipts expected by then."""
        return self.free + self.expected_until(on)

    def to_records(self) -> list[Record]:
        """One typed row per bucket: free stock, each order line's reserve, each expected
        receipt; ``bucket`` is ``free``, ``reserved`` or ``expected``.

        >>> from salescore.money import PIECE
        >>> p = StockPosition(ProductId("CM-100"), WarehouseId("MAIN"), PIECE, free=Quantity(3),
        ...     reserved={(OrderId("SO-1"), LineId("1")): Quantity(2)})
        >>> [(r["bucket"], r["order_id"], r["quantity"]) for r in p.to_records()]
        [('free', None, Decimal('3')), ('reserved', 'SO-1', Decimal('2'))]
        """
        rows: list[Record] = [self._record(BucketKind.FREE, self.free)]
        for (order_id, line_id), quantity in sorted(self.reserved.items()):
            rows.append(
                self._record(BucketKind.RESERVED, quantity, order_id=order_id, line_id=line_id)
            )
        for on, quantity in sorted(self.expected.items()):
            rows.append(self._record(BucketKind.EXPECTED, quantity, expected_on=on))
        return rows

    def _record(
        self,
        kind: BucketKind,
        quantity: Quantity,
        *,
        order_id: str | None = None,
        line_id: str | None = None,
        expected_on: date | None = None,
    ) -> Record:
        return {
            "product_id": self.product_id,
            "warehouse_id": self.warehouse_id,
            "bucket": kind.value,
            "order_id": order_id,
            "line_id": line_id,
            "expected_on": expected_on,
            "quantity": quantity.value,
            "unit": self.unit.code,
        }

    def _repr_html_(self) -> str:
        caption = f"stock of {self.product_id} at {self.warehouse_id}"
        return html_table(self.to_records(), caption=caption)
