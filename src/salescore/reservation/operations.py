"""Stock and reserve operations, including the four reserve reassignments (D7).

Each function is one business operation: it reads what it needs from the
ledger, writes its moves as one all-or-nothing batch, and returns a
:class:`MoveReport` saying what moved from where to where. Run it inside a
unit of work and commit; a refused operation writes nothing.

The four reassignments [корректировка назначения товаров]:

* :func:`reserve_from_stock` — reserve for a line from free stock;
* :func:`release_excess` — drop the part of a line's reserve above its need;
* :func:`reserve_from_orders` — reserve for a line by taking from other
  orders, named or chosen by a :class:`~salescore.reservation.policy.DonorPolicy`;
* :func:`release_all` — drop an order's reserve entirely.

>>> from datetime import date, datetime, timezone
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.money import Quantity
>>> from salescore.parties import ProductId, WarehouseId
>>> from salescore.reservation.model import LineId, OrderId, ReserveClaim
>>> at = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> cm, main = ProductId("CM-100"), WarehouseId("MAIN")
>>> def line(order, need, ships):
...     return ReserveClaim(OrderId(order), LineId("1"), cm, main, Quantity(need),
...                         ships, date(2026, 2, 20))
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     _ = receive(uow.stock_ledger, cm, main, Quantity(10), document="GR-1", at=at)
...     _ = reserve_from_stock(uow.stock_ledger, line("SO-1", 8, date(2026, 3, 20)),
...                            document="SO-1", at=at)
...     report = reserve_from_orders(uow.stock_ledger, line("SO-2", 5, date(2026, 3, 3)),
...                                  document="CORR-1", at=at)
...     uow.commit()
>>> print(report.as_text())
reserve_from_orders (CORR-1)
  1. 2 CM-100@MAIN: free -> reserve SO-2/1  (free stock first)
  2. 3 CM-100@MAIN: reserve SO-1/1 -> reserve SO-2/1
     (policy: ships 2026-03-20, ordered 2026-02-20, priority 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import cast

import attrs

from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.explain import Explanation, Step
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.records import Record, html_table
from salescore.reservation.model import (
    Bucket,
    Holding,
    LedgerEntry,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    SupplyOption,
    zero,
)
from salescore.reservation.policy import DonorPolicy, LatestShipmentFirst
from salescore.reservation.ports import OneStepReserve, StockLedger

__all__ = [
    "MoveReport",
    "expect_receipt",
    "receive",
    "release_all",
    "release_excess",
    "reserve_from_orders",
    "reserve_from_stock",
    "ship",
]


@attrs.frozen
class MoveReport:
    """What one operation moved, from where to where.

    Attributes:
        operation: the operation.
        document: the document it was done for.
        entries: the ledger entries it wrote (none if there was nothing to do).
        reasons: why each move was chosen, by position ("" where it goes without saying).
    """

    operation: Operation
    document: str
    entries: tuple[LedgerEntry, ...] = ()
    reasons: tuple[str, ...] = attrs.field(default=())

    @reasons.validator
    def _at_most_one_reason_per_entry(self, _: object, reasons: tuple[str, ...]) -> None:
        if len(reasons) > len(self.entries):
            raise InvalidInputError(
                f"{self.operation.value} ({self.document}): {len(reasons)} reasons for "
                f"{len(self.entries)} ledger entries; give at most one reason per entry",
                document=self.document,
            )

    @property
    def moves(self) -> tuple[Move, ...]:
        """The moves, in the order written."""
        return tuple(e.move for e in self.entries)

    def explain(self) -> Explanation:
        """One step per move, with the reason it was chosen as the step's source."""
        reasons = self.reasons + ("",) * (len(self.entries) - len(self.reasons))
        return Explanation(
            f"{self.operation.value} ({self.document})",
            tuple(
                Step(
                    f"{m.quantity.value} {m.product_id}@{m.warehouse_id}: {m.source} -> {m.target}",
                    source=reason,
                )
                for m, reason in zip(self.moves, reasons, strict=True)
            ),
        )

    def to_records(self) -> list[Record]:
        """One typed row per ledger entry written, with the reason its move was chosen."""
        reasons = self.reasons + ("",) * (len(self.entries) - len(self.reasons))
        return [
            {**record, "reason": reason}
            for entry, reason in zip(self.entries, reasons, strict=True)
            for record in entry.to_records()
        ]

    def _repr_html_(self) -> str:
        columns = (
            "seq", "operation", "document", "at", "product_id", "warehouse_id",
            "source", "target", "quantity", "unit", "reason",
        )  # fmt: skip
        caption = f"{self.operation.value} ({self.document})"
        return html_table(self.to_records(), caption=caption, columns=columns)

    def as_text(self) -> str:
        """The explanation as text; "nothing moved" when empty."""
        text = self.explain().as_text()
        return text if self.entries else f"{text}\n  nothing moved"


def _write(
    ledger: StockLedger,
    moves: Sequence[Move],
    operation: Operation,
    document: str,
    at: datetime,
    reasons: Sequence[str] = (),
) -> MoveReport:
    entries = ledger.record(moves, operation, document, at)
    return MoveReport(operation, document, entries, tuple(reasons))


def receive(
    ledger: StockLedger,
    product_id: ProductId,
    warehouse_id: WarehouseId,
    quantity: Quantity,
    *,
    document: str,
    at: datetime,
    expected_on: date | None = None,
) -> MoveReport:
    """Goods arrive into free stock [поступление].

    Args:
        expected_on: the date of the expected receipt this arrival fulfils;
            up to what was expected then comes from it, the rest from outside.
    """
    moves = []
    rest = quantity
    if expected_on is not None:
        bucket = Bucket.expected(expected_on)
        expected = ledger.balance(product_id, warehouse_id, bucket, quantity.unit)
        from_expected = min(expected, quantity, key=lambda q: q.value)
        if not from_expected.is_zero():
            moves.append(Move(product_id, warehouse_id, bucket, Bucket.free(), from_expected))
            rest = quantity - from_expected
    if not rest.is_zero():
        moves.append(Move(product_id, warehouse_id, Bucket.outside(), Bucket.free(), rest))
    return _write(ledger, moves, Operation.RECEIPT, document, at)


def expect_receipt(
    ledger: StockLedger,
    product_id: ProductId,
    warehouse_id: WarehouseId,
    quantity: Quantity,
    on: date,
    *,
    document: str,
    at: datetime,
) -> MoveReport:
    """Record goods expected to arrive on ``on`` [ожидаемое поступление]."""
    move = Move(product_id, warehouse_id, Bucket.outside(), Bucket.expected(on), quantity)
    return _write(ledger, [move], Operation.EXPECTED_RECEIPT, document, at)


def ship(
    ledger: StockLedger, claim: ReserveClaim, quantity: Quantity, *, document: str, at: datetime
) -> MoveReport:
    """Goods of an order line leave the warehouse [отгрузка].

    The line's reserve goes first, the rest from free stock. Lines that need
    no stock (services, drop-ship) move nothing.

    Raises:
        InsufficientStockError: reserve and free stock together are short.
    """
    if claim.supply is SupplyOption.NOT_REQUIRED:
        return MoveReport(Operation.SHIPMENT, document)
    p, w = claim.product_id, claim.warehouse_id
    held = ledger.balance(p, w, claim.bucket, claim.unit)
    from_reserve = min(held, quantity, key=lambda q: q.value)
    moves = []
    if not from_reserve.is_zero():
        moves.append(Move(p, w, claim.bucket, Bucket.outside(), from_reserve))
    if from_reserve != quantity:
        moves.append(Move(p, w, Bucket.free(), Bucket.outside(), quantity - from_reserve))
    return _write(ledger, moves, Operation.SHIPMENT, document, at)


def _to_reserve(ledger: StockLedger, claim: ReserveClaim, quantity: Quantity | None) -> Quantity:
    """How much to reserve for ``claim`` now: ``quantity``, or what the line lacks."""
    _check_reservable(claim)
    held = ledger.balance(claim.product_id, claim.warehouse_id, claim.bucket, claim.unit)
    return _wanted(claim, held, quantity)


def _check_reservable(claim: ReserveClaim) -> None:
    if claim.supply is SupplyOption.NOT_REQUIRED:
        raise InvalidInputError(
            f"order {claim.order_id} line {claim.line_id} ({claim.product_id}) needs no stock "
            "(supply option 'not required'): there is nothing to reserve",
            order=claim.order_id,
            line=claim.line_id,
        )


def _wanted(claim: ReserveClaim, held: Quantity, quantity: Quantity | None) -> Quantity:
    room = claim.quantity - held
    if quantity is None:
        return room if room.value > 0 else zero(claim.unit)
    if quantity > room:
        raise InvalidInputError(
            f"order {claim.order_id} line {claim.line_id} needs {claim.quantity} of "
            f"{claim.product_id} and holds {held}: reserving {quantity} more would exceed "
            f"its need; reserve at most {max(room, zero(claim.unit), key=lambda q: q.value)}",
            order=claim.order_id,
            line=claim.line_id,
            asked=quantity,
        )
    return quantity


def reserve_from_stock(
    ledger: StockLedger,
    claim: ReserveClaim,
    quantity: Quantity | None = None,
    *,
    document: str,
    at: datetime,
) -> MoveReport:
    """Reserve for an order line from free stock [резервировать из свободных остатков].

    Args:
        quantity: how much to reserve; by default what the line still lacks.

    Raises:
        InsufficientStockError: free stock is short; nothing is reserved.
        InvalidInputError: the line needs no stock, or the reserve would
            exceed what the line needs.
    """
    if hasattr(ledger, "reserve_line"):  # (isinstance on the protocol costs more than the rest)
        _check_reservable(claim)
        done = cast(OneStepReserve, ledger).reserve_line(claim, quantity, document, at)
        if done is not None:
            held, entry = done
            if entry is None:
                _wanted(claim, held, quantity)  # raises when more is asked than the line lacks
                return MoveReport(Operation.RESERVE_FROM_STOCK, document)
            return MoveReport(Operation.RESERVE_FROM_STOCK, document, (entry,))
    wanted = _to_reserve(ledger, claim, quantity)
    if wanted.is_zero():
        return MoveReport(Operation.RESERVE_FROM_STOCK, document)
    move = Move(claim.product_id, claim.warehouse_id, Bucket.free(), claim.bucket, wanted)
    report = _write(ledger, [move], Operation.RESERVE_FROM_STOCK, document, at)
    ledger.save_claim(claim)
    return report


def release_excess(
    ledger: StockLedger, claims: Iterable[ReserveClaim], *, document: str, at: datetime
) -> MoveReport:
    """Drop the part of each line's reserve above its need [снять излишек резерва].

    The claims carry the lines' current needs (after a line was reduced, say);
    the excess goes back to free stock.
    """
    moves = []
    kept = []
    for claim in claims:
        held = ledger.balance(claim.product_id, claim.warehouse_id, claim.bucket, claim.unit)
        excess = held - claim.quantity
        if excess.value > 0:
            moves.append(
                Move(claim.product_id, claim.warehouse_id, claim.bucket, Bucket.free(), excess)
            )
        if not held.is_zero():
            kept.append(claim)
    report = _write(ledger, moves, Operation.RELEASE_EXCESS, document, at)
    for claim in kept:
        ledger.save_claim(claim)
    return report


def reserve_from_orders(
    ledger: StockLedger,
    claim: ReserveClaim,
    quantity: Quantity | None = None,
    *,
    document: str,
    at: datetime,
    donors: Sequence[OrderId] | None = None,
    policy: DonorPolicy | None = None,
    use_free_first: bool = True,
) -> MoveReport:
    """Reserve for a line by taking reserve from other orders [резервировать из других заказов].

    Args:
        quantity: how much to secure; by default what the line still lacks.
        donors: the orders to take from, in this order (their lines of the
            same product and warehouse, by line id). Naming an order also
            takes reserve supplied separately. None lets ``policy`` choose.
        policy: ranks donors when none are named; :class:`LatestShipmentFirst`
            by default.
        use_free_first: take what free stock has before taking from orders.

    Raises:
        InsufficientStockError: free stock and the donors together hold less
            than asked; nothing moves.
        InvalidInputError: the line needs no stock, or the reserve would
            exceed what the line needs.
    """
    p, w = claim.product_id, claim.warehouse_id
    wanted = _to_reserve(ledger, claim, quantity)
    if wanted.is_zero():
        return MoveReport(Operation.RESERVE_FROM_ORDERS, document)
    moves, reasons = [], []
    left = wanted
    if use_free_first:
        free = ledger.balance(p, w, Bucket.free(), claim.unit)
        take = min(free, left, key=lambda q: q.value)
        if take.value > 0:
            moves.append(Move(p, w, Bucket.free(), claim.bucket, take))
            reasons.append("free stock first")
            left -= take
    candidates = [
        h
        for h in ledger.holdings(product_id=p, warehouse_id=w)
        if h.claim.line_key != claim.line_key
    ]
    ranked = (
        _named(candidates, donors)
        if donors is not None
        else ((policy or LatestShipmentFirst()).rank(claim, candidates))
    )
    for holding in ranked:
        if left.is_zero():
            break
        take = min(holding.quantity, left, key=lambda q: q.value)
        moves.append(Move(p, w, holding.claim.bucket, claim.bucket, take))
        reasons.append("named donor" if donors is not None else _why(holding))
        left -= take
    if not left.is_zero():
        source = (
            f"orders {', '.join(donors)}" if donors is not None else "the orders the policy allows"
        )
        raise InsufficientStockError(
            f"cannot secure {wanted} of {p} at {w} for order {claim.order_id} line "
            f"{claim.line_id}: free stock and {source} give only {wanted - left}. "
            "Name other donor orders, ask for less, or wait for a receipt.",
            product=p,
            warehouse=w,
            asked=wanted,
            free=wanted - left,
        )
    report = _write(ledger, moves, Operation.RESERVE_FROM_ORDERS, document, at, reasons)
    ledger.save_claim(claim)
    return report


def _why(donor: Holding) -> str:
    c = donor.claim
    return f"policy: ships {c.planned_shipment}, ordered {c.order_date}, priority {c.priority}"


def _named(candidates: Sequence[Holding], donors: Sequence[OrderId]) -> list[Holding]:
    ranked = []
    for order_id in dict.fromkeys(donors):  # an order named twice gives once
        ranked += [h for h in candidates if h.claim.order_id == order_id]
    return ranked


def release_all(
    ledger: StockLedger, order_id: OrderId, *, document: str, at: datetime
) -> MoveReport:
    """Drop an order's whole reserve, every line, back to free stock [снять резерв]."""
    moves = [
        Move(h.claim.product_id, h.claim.warehouse_id, h.claim.bucket, Bucket.free(), h.quantity)
        for h in ledger.holdings(order_id=order_id)
    ]
    return _write(ledger, moves, Operation.RELEASE_ALL, document, at)
