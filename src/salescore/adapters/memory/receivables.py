"""The in-memory settlement ledger: dictionaries that roll back with the unit of work."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from salescore.adapters.memory._delete import DELETE
from salescore.errors import ConflictError, NotFoundError
from salescore.receivables.aging import (
    LedgerChanges,
    OpenCreditColumns,
    OpenItemColumns,
    ledger_credit_columns,
    ledger_item_columns,
)
from salescore.receivables.allocation import (
    AllocationRow,
    EntryRow,
    PaymentRow,
    allocations_of_rows,
    payment_row,
)
from salescore.receivables.ledger import (
    Allocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    check_account_entries,
)
from salescore.receivables.ports import CreditPosition

if TYPE_CHECKING:
    from salescore.adapters.memory.store import MemoryUnitOfWork

__all__ = ["InMemorySettlementLedger"]


def _measure_value(allocation: Allocation) -> str:
    return allocation.measure.value


class InMemorySettlementLedger:
    """A :class:`~salescore.receivables.ports.SettlementLedgerRepository` over dictionaries."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _table(self, name: str) -> dict[Any, Any]:
        return self._uow.table(name)

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._uow.put(table, key, value)
        # Every write gives the ledger a new version (undone with the write on rollback).
        self._uow.put(self._table("settlement_version"), "token", uuid.uuid4().hex)

    def version(self) -> str:
        table = self._table("settlement_version")
        if "token" not in table:  # a new store: its own token, not a shared constant
            table["token"] = uuid.uuid4().hex
        token: str = table["token"]
        return token

    def _ledger(self, partner_id: str | None = None) -> SettlementLedger:
        return SettlementLedger(
            self.entries(partner_id=partner_id),
            self.payments(partner_id=partner_id),
            self.allocations(partner_id=partner_id),
        )

    def open_item_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenItemColumns:
        ledger = self._ledger(partner_id)
        return ledger_item_columns(ledger, as_of, measure, fields, changes)

    def open_credit_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenCreditColumns:
        ledger = self._ledger(partner_id)
        return ledger_credit_columns(ledger, as_of, measure, fields, changes)

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        table = self._table("settlement_entries")
        entries = list(entries)
        for e in entries:
            if e.id in table:
                raise ConflictError(f"settlement entry {e.id!r} already exists", id=e.id)
        for e in entries:
            self._set(table, e.id, e)

    def entries(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[SettlementEntry]:
        found = [
            e
            for e in self._table("settlement_entries").values()
            if (partner_id is None or e.account.partner_id == partner_id)
            and (account is None or e.account == account)
            and (order_id is None or e.order_id == order_id)
        ]
        return sorted(found, key=lambda e: (e.posted_on, e.id))

    def add_payment(self, payment: Payment) -> None:
        table = self._table("settlement_payments")
        if payment.id in table:
            raise ConflictError(f"payment {payment.id!r} already exists", id=payment.id)
        self._set(table, payment.id, payment)

    def add_payments(self, payments: Iterable[Payment]) -> None:
        table = self._table("settlement_payments")
        payments = list(payments)
        seen: set[str] = set()
        for p in payments:
            if p.id in table or p.id in seen:
                raise ConflictError(f"payment {p.id!r} already exists", id=p.id)
            seen.add(p.id)
        for p in payments:
            self._set(table, p.id, p)

    def payment(self, payment_id: str) -> Payment:
        found: Payment | None = self._table("settlement_payments").get(payment_id)
        if found is None:
            raise NotFoundError(f"no payment with id {payment_id!r}", id=payment_id)
        return found

    def remove_payment(self, payment_id: str) -> None:
        self.payment(payment_id)  # NotFoundError for an unknown id
        self._set(self._table("settlement_payments"), payment_id, DELETE)

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        found = [
            p
            for p in self._table("settlement_payments").values()
            if (partner_id is None or p.account.partner_id == partner_id)
            and (account is None or p.account == account)
        ]
        return sorted(found, key=lambda p: (p.received_on, p.id))

    def allocations(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[Allocation]:
        table = self._table("settlement_allocations")
        result: list[Allocation] = []
        for acc in sorted(table, key=lambda a: a.key):
            if (partner_id is None or acc.partner_id == partner_id) and (
                account is None or acc == account
            ):
                result.extend(sorted(table[acc], key=_measure_value))
        if order_id is not None:
            entries = self._table("settlement_entries")
            result = [a for a in result if entries[a.entry_id].order_id == order_id]
        return result

    def open_rows(self, account: SettlementAccount) -> list[EntryRow]:
        paid: defaultdict[str, int] = defaultdict(int)
        for a in self._table("settlement_allocations").get(account, ()):
            paid[a.entry_id] += a.amount.minor_units
        return [
            (e.id, e.measure, e.order_id, e.posted_on.toordinal(), e.due_date.toordinal(), left)
            for e in self.entries(account=account)
            if e.amount.is_positive() and (left := e.amount.minor_units - paid[e.id]) > 0
        ]

    def add_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._check_own(account, allocations)
        table = self._table("settlement_allocations")
        self._set(table, account, (*table.get(account, ()), *allocations))

    def _check_own(self, account: SettlementAccount, allocations: Sequence[Allocation]) -> None:
        entries = self._table("settlement_entries")
        own = {
            a.entry_id
            for a in allocations
            if (e := entries.get(a.entry_id)) is not None and e.account == account
        }
        check_account_entries(account, allocations, own)

    def credit_position(self, account: SettlementAccount) -> CreditPosition:
        payments = self.payments(account=account)
        returns = [
            e
            for e in self.entries(account=account)
            if e.amount.is_negative() and e.measure is Measure.ACTUAL
        ]
        allocations = self._table("settlement_allocations").get(account, ())
        sums = dict.fromkeys(Measure, 0)
        last: dict[Measure, date | None] = dict.fromkeys(Measure)
        for a in allocations:
            sums[a.measure] += a.amount.minor_units
            on = last[a.measure]
            last[a.measure] = a.allocated_on if on is None else max(on, a.allocated_on)
        return CreditPosition(
            sum(p.settled.minor_units for p in payments),
            sum(-e.amount.minor_units for e in returns),
            sums[Measure.PLANNED],
            sums[Measure.ACTUAL],
            last[Measure.PLANNED],
            last[Measure.ACTUAL],
        )

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._check_own(account, allocations)
        self._set(self._table("settlement_allocations"), account, tuple(allocations))

    def settlement_rows(
        self,
    ) -> Iterator[tuple[SettlementAccount, list[EntryRow], list[PaymentRow]]]:
        entries: dict[SettlementAccount, list[EntryRow]] = defaultdict(list)
        payments: dict[SettlementAccount, list[PaymentRow]] = defaultdict(list)
        for e in self.entries():
            entries[e.account].append(
                (
                    e.id,
                    e.measure,
                    e.order_id,
                    e.posted_on.toordinal(),
                    e.due_date.toordinal(),
                    e.amount.minor_units,
                )
            )
        for p in self.payments():
            payments[p.account].append(payment_row(p))
        for account in sorted(set(entries) | set(payments), key=lambda a: a.key):
            yield account, entries.get(account, []), payments.get(account, [])

    def replace_all_allocations(
        self, allocations: Iterable[tuple[SettlementAccount, Sequence[AllocationRow]]]
    ) -> int:
        table = self._table("settlement_allocations")
        left = set(table)
        stored = 0
        computed = list(allocations)  # all computed before anything is written
        for account, rows in computed:
            self.replace_allocations(account, allocations_of_rows(account, rows))
            left.discard(account)
            stored += len(rows)
        for account in left:
            self._set(table, account, DELETE)
        return stored
