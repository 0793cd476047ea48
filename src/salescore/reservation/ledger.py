"""The ledger's arithmetic, shared by every storage adapter.

A batch of moves is netted per bucket before it is checked, so a batch that
reserves and ships in one go needs only what it finally takes. Balances are
derived from the entries by :func:`derive_balances`; adapters keep running
totals for speed, and the consistency checks compare the two.

>>> from salescore.money import Quantity
>>> from salescore.parties import ProductId, WarehouseId
>>> from salescore.reservation.model import Bucket, LineId, Move, OrderId
>>> p, w = ProductId("CM-100"), WarehouseId("MAIN")
>>> moves = [
...     Move(p, w, Bucket.outside(), Bucket.free(), Quantity(5)),
...     Move(p, w, Bucket.free(), Bucket.reserved(OrderId("SO-1"), LineId("1")), Quantity(2)),
... ]
>>> {str(key[2]): str(delta) for key, delta in net_deltas(moves).items()}
{'free': '3 pcs', 'reserve SO-1/1': '2 pcs'}
>>> print(insufficient(p, w, Bucket.free(), Quantity(7), Quantity(3)))
cannot take 7 pcs of CM-100 at MAIN from free stock: only 3 pcs there. Reserve less,
receive goods first, or take reserve from other orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import Quantity, Unit
from salescore.money._context import CTX
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.model import Bucket, BucketKind, LedgerEntry, Move
from salescore.reservation.ports import BalanceKey

__all__ = [
    "check_units",
    "derive_balances",
    "from_units",
    "insufficient",
    "net_deltas",
    "to_units",
]


def net_deltas(moves: Iterable[Move]) -> dict[BalanceKey, Quantity]:
    """The change of every kept bucket a batch makes (outside is not kept), in first-use order."""
    deltas: dict[BalanceKey, Quantity] = {}
    for move in moves:
        for bucket, sign in ((move.source, -1), (move.target, 1)):
            if not bucket.is_tracked:
                continue
            key = (move.product_id, move.warehouse_id, bucket)
            change = move.quantity if sign > 0 else -move.quantity
            deltas[key] = deltas[key] + change if key in deltas else change
    return deltas


def derive_balances(entries: Iterable[LedgerEntry]) -> dict[BalanceKey, Quantity]:
    """Every non-zero kept balance, recomputed from the ledger entries alone."""
    totals = net_deltas(entry.move for entry in entries)
    return {key: q for key, q in totals.items() if not q.is_zero()}


# Reserves and expected receipts name their order line or date: insufficient() words them.
_WHERE = {BucketKind.FREE: "free stock", BucketKind.OUTSIDE: "outside"}


def insufficient(
    product_id: ProductId,
    warehouse_id: WarehouseId,
    bucket: Bucket,
    asked: Quantity,
    held: Quantity,
) -> InsufficientStockError:
    """The error for taking ``asked`` from ``bucket`` which holds only ``held``."""
    if bucket.kind is BucketKind.RESERVED:
        where = f"the reserve of order {bucket.order_id} line {bucket.line_id}"
    elif bucket.kind is BucketKind.EXPECTED:
        where = f"the receipt expected on {bucket.expected_on}"
    else:
        where = _WHERE[bucket.kind]
    return InsufficientStockError(
        f"cannot take {asked} of {product_id} at {warehouse_id} from {where}: "
        f"only {held} there. Reserve less, receive goods first, or take reserve from other orders.",
        product=product_id,
        warehouse=warehouse_id,
        bucket=str(bucket),
        asked=asked,
        free=held,
    )


def check_units(moves: Sequence[Move], known: Mapping[ProductId, Unit]) -> dict[ProductId, Unit]:
    """The units of products new to the ledger; refuses a unit other than the known one.

    Raises:
        InvalidInputError: a product moves in another unit than before.
    """
    new: dict[ProductId, Unit] = {}
    for move in moves:
        unit = move.quantity.unit
        expected = known.get(move.product_id) or new.get(move.product_id)
        if expected is None:
            new[move.product_id] = unit
        elif expected != unit:
            raise InvalidInputError(
                f"{move.product_id} is kept in {expected.code}, not {unit.code}: "
                "convert the quantity first",
                product=move.product_id,
                unit=unit.code,
                expected=expected.code,
            )
    return new


def to_units(quantity: Quantity) -> int:
    """``quantity`` as a whole number of its unit's smallest step (grams for kg)."""
    return int(quantity.value.scaleb(quantity.unit.scale, CTX))


def from_units(units: int, unit: Unit) -> Quantity:
    """The quantity ``units`` smallest steps of ``unit`` make."""
    return Quantity(Decimal(units).scaleb(-unit.scale, CTX), unit)
