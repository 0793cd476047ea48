"""Storage ports of the receivables context (implemented by the storage adapters).

Templates, order schedules, credit limits and overrides are entities kept in
ordinary repositories. The settlement ledger has its own port: entries and
payments are appended and queried by partner or account, and the
allocations of one account are replaced as a whole when they are recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Protocol, TypeAlias

import attrs

from salescore.ports import Repository
from salescore.receivables.aging import LedgerChanges, OpenCreditColumns, OpenItemColumns
from salescore.receivables.allocation import AllocationRow, EntryRow, PaymentRow
from salescore.receivables.credit import CreditLimit, CreditOverride
from salescore.receivables.ledger import (
    Allocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
)
from salescore.receivables.schedule import PaymentSchedule, PaymentScheduleTemplate

__all__ = [
    "CreditLimitRepository",
    "CreditOverrideRepository",
    "CreditPosition",
    "OrderSchedule",
    "OrderScheduleRepository",
    "ScheduleTemplateRepository",
    "SettlementLedgerRepository",
]


@attrs.frozen
class OrderSchedule:
    """The stored payment schedule of one order (``id`` is the order id)."""

    id: str
    schedule: PaymentSchedule


ScheduleTemplateRepository: TypeAlias = Repository[str, PaymentScheduleTemplate]
OrderScheduleRepository: TypeAlias = Repository[str, OrderSchedule]


@attrs.frozen
class CreditPosition:
    """An account's credit against its stored allocations, in minor units.

    What :func:`~salescore.receivables.post_entries` and
    :func:`~salescore.receivables.record_payment` read to tell whether new debt
    or a new payment can change any stored allocation, so that they do not read
    and reallocate the account's whole history when it cannot.

    Attributes:
        paid: the payments' settled amounts (each pays in both measures).
        returned: the returns and negative corrections (actual measure only),
            as a positive amount.
        allocated_planned: the stored allocations to planned debt.
        allocated_actual: the stored allocations to actual debt.
        last_planned_on: the latest allocation date to planned debt, ``None``
            without any.
        last_actual_on: the same for actual debt.
    """

    paid: int
    returned: int
    allocated_planned: int
    allocated_actual: int
    last_planned_on: date | None
    last_actual_on: date | None

    def unspent(self, measure: Measure) -> int:
        """Credit of ``measure`` no stored allocation spends (a prepayment, an
        over-payment, an unused return)."""
        if measure is Measure.PLANNED:
            return self.paid - self.allocated_planned
        return self.paid + self.returned - self.allocated_actual

    def last_allocated_on(self, measure: Measure) -> date | None:
        """The latest allocation date of ``measure``, ``None`` without any."""
        return self.last_planned_on if measure is Measure.PLANNED else self.last_actual_on


CreditLimitRepository: TypeAlias = Repository[str, CreditLimit]
CreditOverrideRepository: TypeAlias = Repository[str, CreditOverride]


class SettlementLedgerRepository(Protocol):
    """The settlement ledger's storage, inside a unit of work.

    Lists come back in a stable order: entries by posting date then id,
    payments by date then id, allocations by account and measure in the order
    they were stored.
    """

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        """Append entries; :class:`~salescore.errors.ConflictError` if an id exists."""
        ...

    def entries(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[SettlementEntry]:
        """Entries, all or of one partner, account or order (every filter given applies),
        by posting date, then id."""
        ...

    def add_payment(self, payment: Payment) -> None:
        """Store a payment; :class:`~salescore.errors.ConflictError` if its id exists."""
        ...

    def add_payments(self, payments: Iterable[Payment]) -> None:
        """Store many payments, unallocated, all or none (a bulk load; on PostgreSQL a
        ``COPY``); :class:`~salescore.errors.ConflictError` if an id exists or repeats."""
        ...

    def payment(self, payment_id: str) -> Payment:
        """The payment; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def remove_payment(self, payment_id: str) -> None:
        """Delete a payment; :class:`~salescore.errors.NotFoundError` if none.

        Its allocations stay until the account is reallocated:
        :func:`~salescore.receivables.reverse_payment` does both.
        """
        ...

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        """Payments, all or of one partner or account."""
        ...

    def allocations(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[Allocation]:
        """Allocations, all or of one partner or account, or to the entries of one order
        (every filter given applies): by account, then measure (actual, then planned),
        then in the order they were stored."""
        ...

    def open_rows(self, account: SettlementAccount) -> list[EntryRow]:
        """``account``'s debt entries (positive) that its stored allocations leave
        partly or wholly unpaid, both measures, as :func:`~salescore.receivables.allocate_rows`
        reads them, the unpaid part as the amount."""
        ...

    def add_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        """Store more allocations of ``account`` after those it has; refused, nothing
        stored, if one names an entry of another account."""
        ...

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        """Replace every allocation of ``account`` with ``allocations``."""
        ...

    def credit_position(self, account: SettlementAccount) -> CreditPosition:
        """``account``'s credits against its stored allocations (a few sums, read
        without listing the account's entries or payments)."""
        ...

    def version(self) -> str:
        """A token that changes whenever anything in the stored ledger changes.

        Equal tokens mean equal ledgers, so figures computed from one version
        (an :class:`~salescore.receivables.AgingCache`) are reused only for it.
        """
        ...

    def open_item_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenItemColumns:
        """Debt entries posted by ``as_of`` with a non-zero open amount after the
        allocations made by then, as columns grouped by ``fields`` (any of
        :data:`~salescore.receivables.ITEM_FIELDS`); only those ``changes`` touches
        if given, only ``partner_id``'s if given."""
        ...

    def open_credit_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenCreditColumns:
        """Open credits on ``as_of`` as :meth:`SettlementLedger.open_credits
        <salescore.receivables.SettlementLedger.open_credits>` finds them, as columns
        (only ``partner_id``'s if given)."""
        ...

    def settlement_rows(
        self,
    ) -> Iterator[tuple[SettlementAccount, list[EntryRow], list[PaymentRow]]]:
        """Every account with its entries (in any order: the allocation does not depend
        on it) and payments (by date, then id) as plain rows, one account at a time, by
        account key."""
        ...

    def replace_all_allocations(
        self, allocations: Iterable[tuple[SettlementAccount, Sequence[AllocationRow]]]
    ) -> int:
        """Replace every allocation of the ledger with ``allocations`` (plain rows per
        account, in the account's currency), consumed as they come; returns how many."""
        ...
