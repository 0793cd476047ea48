"""The stock ledger port: what reservation needs from storage.

The ledger is append-only: :meth:`StockLedger.record` adds entries and
updates the balances in the same transaction, and refuses a batch that would
take any bucket below zero. That check runs *inside* the storage transaction,
so two clerks reserving the last units at the same moment cannot both get
them: SQLite holds the write lock from ``BEGIN IMMEDIATE``; a PostgreSQL
adapter gets the same effect from the row lock that its conditional
``UPDATE ... WHERE quantity >= asked`` takes on the balance row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from salescore.money import Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation.model import (
    Bucket,
    Holding,
    LedgerEntry,
    LineId,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    StockPosition,
)

__all__ = ["BalanceKey", "OneStepReserve", "StockLedger"]

BalanceKey = tuple[ProductId, WarehouseId, Bucket]


class StockLedger(Protocol):
    """The append-only reservation ledger with its balances, inside one unit of work."""

    def record(
        self, moves: Sequence[Move], operation: Operation, document: str, at: datetime
    ) -> tuple[LedgerEntry, ...]:
        """Append ``moves`` as one all-or-nothing batch and update the balances.

        Raises:
            InsufficientStockError: a bucket (free stock, a reserve, an expected
                receipt) would go below zero; details name ``product``,
                ``warehouse``, ``bucket``, ``asked`` and ``free`` (what the
                bucket holds). Nothing of the batch is written.
            InvalidInputError: a move's unit differs from the unit the product
                was first recorded in.
        """
        ...

    def balance(
        self, product_id: ProductId, warehouse_id: WarehouseId, bucket: Bucket, unit: Unit
    ) -> Quantity:
        """What one bucket holds (zero in ``unit`` when it holds nothing)."""
        ...

    def unit_of(self, product_id: ProductId) -> Unit | None:
        """The unit ``product_id`` is kept in, or None if it never moved."""
        ...

    def position(
        self, product_id: ProductId, warehouse_id: WarehouseId, unit: Unit | None = None
    ) -> StockPosition:
        """Free stock, reserves and expected receipts of one product at one warehouse.

        ``unit`` is used for a product that never moved (pieces if not given).
        """
        ...

    def holdings(
        self,
        *,
        order_id: OrderId | None = None,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
    ) -> list[Holding]:
        """Non-zero reserves matching every given filter, ordered by order and line id."""
        ...

    def save_claim(self, claim: ReserveClaim) -> None:
        """Keep the latest facts about an order line (replaces an earlier claim)."""
        ...

    def claim(self, order_id: OrderId, line_id: LineId) -> ReserveClaim | None:
        """The claim kept for an order line, or None."""
        ...

    def entries(
        self,
        *,
        product_id: ProductId | None = None,
        warehouse_id: WarehouseId | None = None,
        order_id: OrderId | None = None,
    ) -> list[LedgerEntry]:
        """Ledger entries matching every given filter, oldest first (the history)."""
        ...

    def balances(self) -> Mapping[BalanceKey, Quantity]:
        """Every non-zero kept balance (for audits and consistency checks)."""
        ...


@runtime_checkable
class OneStepReserve(Protocol):
    """A stock ledger that also reserves for an order line from free stock in one step.

    Optional: :func:`~salescore.reservation.operations.reserve_from_stock`
    uses it when the ledger has it (PostgreSQL's does: one statement instead of
    a read, then a write), and reads and records through :class:`StockLedger`
    otherwise. The result must be what those steps give.
    """

    def reserve_line(
        self, claim: ReserveClaim, quantity: Quantity | None, document: str, at: datetime
    ) -> tuple[Quantity, LedgerEntry | None] | None:
        """Reserve what ``claim``'s line lacks (or ``quantity``, if the line lacks that
        much) from free stock and keep the claim, all or nothing.

        Returns:
            The line's reserve before the step and the entry written; no entry
            when nothing was written (the line lacks nothing, or ``quantity``
            is more than it lacks: the caller words that). None when the ledger
            cannot take this step at once (a product or unit it has not seen):
            the caller takes the steps one by one.

        Raises:
            InsufficientStockError: free stock is short; nothing is written.
        """
        ...
