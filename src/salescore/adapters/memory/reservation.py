"""The reservation ledger in memory: dictionaries that roll back with the unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from salescore.adapters.memory._delete import DELETE
from salescore.money import PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.ledger import check_units, insufficient, net_deltas
from salescore.reservation.model import (
    Bucket,
    BucketKind,
    Holding,
    LedgerEntry,
    LineId,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    StockPosition,
    zero,
)
from salescore.reservation.ports import BalanceKey

if TYPE_CHECKING:  # the unit of work builds this ledger: no import cycle at run time
    from salescore.adapters.memory.store import MemoryUnitOfWork

__all__ = ["MemoryStockLedger"]


class MemoryStockLedger:
    """A :class:`~salescore.reservation.ports.StockLedger` kept in the memory store."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _table(self, name: str) -> dict[Any, Any]:
        return self._uow.table(name)

    @property
    def _entries(self) -> dict[int, LedgerEntry]:
        return self._table("reservation_entries")

    @property
    def _balances(self) -> dict[BalanceKey, Quantity]:
        return self._table("reservation_balances")

    @property
    def _units(self) -> dict[ProductId, Unit]:
        return self._table("reservation_units")

    @property
    def _claims(self) -> dict[tuple[OrderId, LineId], ReserveClaim]:
        return self._table("reservation_claims")

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._uow.put(table, key, value)

    def record(
        self, moves: Sequence[Move], operation: Operation, document: str, at: datetime
    ) -> tuple[LedgerEntry, ...]:
        units = self._units
        new_units = check_units(moves, units)
        deltas = net_deltas(moves)
        balances = self._balances
        for key, delta in deltas.items():
            held = balances.get(key, zero(delta.unit))
            if (held + delta).value < 0:
                product_id, warehouse_id, bucket = key
                raise insufficient(product_id, warehouse_id, bucket, -delta, held)
        # Checked everything: from here on nothing can fail half-way.
        for product_id, unit in new_units.items():
            self._set(units, product_id, unit)
        for key, delta in deltas.items():
            after = balances.get(key, zero(delta.unit)) + delta
            self._set(balances, key, DELETE if after.is_zero() else after)
        table = self._entries
        start = len(table) + 1  # append-only: the undo log only ever drops the newest
        written = tuple(
            LedgerEntry(start + i, move, operation, document, at) for i, move in enumerate(moves)
        )
        for entry in written:
            self._set(table, entry.seq, entry)
        return written

    def balance(
        self, product_id: ProductId, warehouse_id: WarehouseId, bucket: Bucket, unit: Unit
    ) -> Quantity:
        return self._balances.get((product_id, warehouse_id, bucket), zero(unit))

    def unit_of(self, product_id: ProductId) -> Unit | None:
        return self._units.get(product_id)

    def position(
        self, product_id: ProductId, warehouse_id: WarehouseId, unit: Unit | None = None
    ) -> StockPosition:
        unit = self.unit_of(product_id) or unit or PIECE
        free = zero(unit)
        reserved: dict[tuple[OrderId, LineId], Quantity] = {}
        expected = {}
        for (p, w, bucket), quantity in self._balances.items():
            if p != product_id or w != warehouse_id:
                continue
            if bucket.kind is BucketKind.FREE:
                free = quantity
            elif bucket.kind is BucketKind.RESERVED:
                reserved[(OrderId(bucket.order_id), LineId(bucket.line_id))] = quantity
            elif bucket.expected_on is not None:
                expected[bucket.expected_on] = quantity
        return StockPosition(
            product_id,
            warehouse_id,
            unit,
            free,
            dict(sorted(reserved.items())),
            dict(sorted(expected.items())),
        )

    def holdings(
        self,
        *,
        order_id: OrderId | None = None,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
    ) -> list[Holding]:
        found = []
        claims = self._claims
        for (p, w, bucket), quantity in self._balances.items():
            if bucket.kind is not BucketKind.RESERVED:
                continue
            if (order_id is not None and bucket.order_id != order_id) or (
                (product_id is not None and p != product_id)
                or (warehouse_id is not None and w != warehouse_id)
            ):
                continue
            claim = claims.get((OrderId(bucket.order_id), LineId(bucket.line_id)))
            if claim is not None:  # reserves are made through operations, which save claims
                found.append(Holding(claim, quantity))
        return sorted(found, key=lambda h: h.claim.line_key)

    def save_claim(self, claim: ReserveClaim) -> None:
        self._set(self._claims, claim.line_key, claim)

    def claim(self, order_id: OrderId, line_id: LineId) -> ReserveClaim | None:
        return self._claims.get((order_id, line_id))

    def entries(
        self,
        *,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
        order_id: OrderId | None = None,
    ) -> list[LedgerEntry]:
        table = self._entries
        found = []
        for seq in sorted(table):
            entry = table[seq]
            m = entry.move
            if (product_id is not None and m.product_id != product_id) or (
                warehouse_id is not None and m.warehouse_id != warehouse_id
            ):
                continue
            if order_id is not None and order_id not in (m.source.order_id, m.target.order_id):
                continue
            found.append(entry)
        return found

    def balances(self) -> Mapping[BalanceKey, Quantity]:
        return dict(self._balances)
