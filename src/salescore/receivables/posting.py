"""Posting to a stored settlement ledger: entries, payments, reversals, reallocation.

These functions keep the stored allocations in step with the stored entries
and payments: every change to an account recomputes that account's
allocations (:func:`~salescore.receivables.allocate_payments`), inside the
caller's unit of work, unless the change cannot move any of them: new debt
posted after every credit of the account was spent, or a payment dated after
the account's last allocation (which is then allocated alone against the open
debt). A few sums tell,
:meth:`~salescore.receivables.ports.SettlementLedgerRepository.credit_position`.
A check that fails raises before anything is written, so the unit of work holds
nothing half-done.

>>> from datetime import date
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.money import Money
>>> from salescore.receivables import EntryKind, Payment, SettlementAccount, SettlementEntry
>>> acc = SettlementAccount("P1", "RUB")
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     post_entries(uow.settlements, [SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1",
...         "SHIP-1", date(2026, 3, 2), date(2026, 3, 16), Money("1000.00", "RUB"))])
...     _ = record_payment(uow.settlements, Payment("PAY-1", acc, date(2026, 3, 20),
...                                                 Money("400.00", "RUB")))
...     uow.commit()
...     load_ledger(uow.settlements).balance(date(2026, 3, 31))
Money('600.00', 'RUB')
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from salescore.errors import ConflictError
from salescore.receivables.allocation import (
    allocate_payments,
    allocate_rows,
    allocations_of_rows,
    check_payment,
    payment_row,
)
from salescore.receivables.ledger import (
    Allocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
)
from salescore.receivables.ports import SettlementLedgerRepository

__all__ = ["load_ledger", "post_entries", "reallocate", "record_payment", "reverse_payment"]


def load_ledger(
    repo: SettlementLedgerRepository, *, partner_id: str | None = None
) -> SettlementLedger:
    """The stored ledger (or one partner's part of it) as a :class:`SettlementLedger`."""
    return SettlementLedger(
        repo.entries(partner_id=partner_id),
        repo.payments(partner_id=partner_id),
        repo.allocations(partner_id=partner_id),
    )


def reallocate(repo: SettlementLedgerRepository, account: SettlementAccount) -> list[Allocation]:
    """Recompute and store every allocation of ``account``; idempotent."""
    return _reallocate(repo, account, repo.entries(account=account))


def _reallocate(
    repo: SettlementLedgerRepository, account: SettlementAccount, entries: list[SettlementEntry]
) -> list[Allocation]:
    """:func:`reallocate` with the account's entries already read."""
    allocations = allocate_payments(entries, repo.payments(account=account))
    repo.replace_allocations(account, allocations)
    return allocations


def post_entries(repo: SettlementLedgerRepository, entries: Iterable[SettlementEntry]) -> None:
    """Append debt entries and reallocate the accounts they touch.

    Raises:
        ConflictError: an entry id exists already (nothing is written).
    """
    entries = list(entries)
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise ConflictError(f"entry id {twice!r} is given twice: entry ids must be unique")
    repo.add_entries(entries)
    for account in sorted({e.account for e in entries}, key=lambda a: a.key):
        if not _moves_nothing(repo, account, [e for e in entries if e.account == account]):
            reallocate(repo, account)


def _moves_nothing(
    repo: SettlementLedgerRepository, account: SettlementAccount, posted: list[SettlementEntry]
) -> bool:
    """Whether new entries ``posted`` on ``account`` leave its allocations as they are.

    Allocation runs forward in time, each measure on its own (see
    :mod:`~salescore.receivables.allocation`). If every credit of a measure was
    received, and spent, before its first new entry is posted, its run is the same
    up to that day, and from then on there is no money left and none coming: the
    stored allocations stay and the new debt is simply open. Credit left over, or
    an allocation on or after that day (a return posted now is credit not yet
    spent: the entries are stored before this is asked): the account is
    reallocated.
    """
    position = repo.credit_position(account)
    for measure in {e.measure for e in posted}:
        if position.unspent(measure):
            return False
        # Each credit spent has an allocation on or after the day it came: the
        # last allocation is also on or after the last credit.
        last = position.last_allocated_on(measure)
        if last is not None and last >= min(e.posted_on for e in posted if e.measure is measure):
            return False
    return True


def _allocated_alone(repo: SettlementLedgerRepository, payment: Payment) -> list[Allocation] | None:
    """The allocations of ``payment`` (no hand parts) if it leaves every stored
    allocation of its account as it is; ``None`` if the account must be reallocated.

    Allocation runs forward in time, each measure on its own. When no allocation
    is dated on or after the day the payment comes, the run is the same up to
    that day. Money left over by then cannot meet open debt: it would have paid
    it (debt of another order than a hand part waits for excepted), and later
    debt would carry a later allocation. So from that day on the payment alone
    pays, oldest due first, what is open: exactly what allocating it alone
    against the open parts gives.
    """
    position = repo.credit_position(payment.account)
    for measure in Measure:
        last = position.last_allocated_on(measure)
        if last is not None and last >= payment.received_on:
            return None
    account = payment.account
    return allocations_of_rows(
        account, allocate_rows(account, repo.open_rows(account), [payment_row(payment)])
    )


def record_payment(
    repo: SettlementLedgerRepository,
    payment: Payment,
    *,
    closed_orders: Container[str] = frozenset(),
) -> list[Allocation]:
    """Store a payment and allocate it (hand parts to their orders, the rest automatically).

    Returns:
        The allocations of this payment.

    Raises:
        SettlementError: a hand allocation names a closed or unknown order
            (nothing is written).
        ConflictError: the payment id exists already.
    """
    alone = None if payment.manual else _allocated_alone(repo, payment)
    if alone is not None:
        repo.add_payment(payment)
        repo.add_allocations(payment.account, alone)
        return alone
    entries = repo.entries(account=payment.account)  # a payment changes no entry: read once
    check_payment(payment, entries, closed_orders)
    repo.add_payment(payment)
    allocations = _reallocate(repo, payment.account, entries)
    return [a for a in allocations if a.source_id == payment.id]


def reverse_payment(repo: SettlementLedgerRepository, payment_id: str) -> Payment:
    """Cancel a payment entered by mistake: remove it and reallocate its account.

    The allocations afterwards are exactly those from before the payment was
    recorded (allocation is a pure function of entries and payments).

    Raises:
        NotFoundError: no payment has this id.
    """
    payment = repo.payment(payment_id)
    repo.remove_payment(payment_id)
    reallocate(repo, payment.account)
    return payment
