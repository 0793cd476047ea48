"""The settlement ledger [расчеты с клиентами]: planned and actual debt, payments, allocations.

Debt is kept as *entries* on a settlement account (partner, counterparty,
our organization, contract, currency), each for one order, one settlement
document and one due date:

* **planned debt** — the stages of an order's payment schedule
  (:attr:`EntryKind.SCHEDULE`): what the client is to pay, and by when;
* **actual debt** — shipments increase it, returns decrease it, corrections
  go either way (:attr:`EntryKind.SHIPMENT`, ``RETURN``, ``CORRECTION``).

:class:`Payment` values bring money in; :class:`Allocation` values say which
entry a payment (or a return) paid, on which date. Payments reduce planned and
actual debt alike, each measure with its own allocations.

A :class:`SettlementLedger` answers questions *as of a date* by replaying
only what was posted up to that date, so a report for a past date comes out
the same however many later payments were entered since.

>>> from salescore.money import Money
>>> acc = SettlementAccount("P1", "RUB")
>>> ship = SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1", "SHIP-1",
...                        date(2026, 3, 2), date(2026, 3, 16), Money("1000.00", "RUB"))
>>> pay = Payment("PAY-1", acc, date(2026, 3, 20), Money("400.00", "RUB"))
>>> paid = Allocation(Measure.ACTUAL, "PAY-1", "E1", date(2026, 3, 20), Money("400.00", "RUB"))
>>> ledger = SettlementLedger([ship], [pay], [paid])
>>> ledger.balance(date(2026, 3, 19)), ledger.balance(date(2026, 3, 31))
(Money('1000.00', 'RUB'), Money('600.00', 'RUB'))
"""

from __future__ import annotations

import contextlib
import enum
from collections import OrderedDict, defaultdict
from collections.abc import Container, Iterable
from datetime import date
from decimal import Decimal

import attrs

from salescore.dates import BusinessCalendar
from salescore.errors import CurrencyMismatchError, SettlementError
from salescore.money import Currency, Money, Rounding, to_decimal, total
from salescore.money._context import EXACT
from salescore.receivables.schedule import PaymentSchedule, PaymentScheduleTemplate
from salescore.records import Record, html_table

__all__ = [
    "ALLOCATED_DATES_KEPT",
    "Allocation",
    "EntryKind",
    "ManualAllocation",
    "Measure",
    "OpenCredit",
    "OpenItem",
    "Payment",
    "SettlementAccount",
    "SettlementEntry",
    "SettlementLedger",
    "check_account_entries",
    "schedule_entries",
    "shipment_entries",
]


ALLOCATED_DATES_KEPT = 8
"""How many (date, measure) allocation totals a :class:`SettlementLedger` keeps.

Each is one sum per entry and per payment; a ledger asked about ever new
dates (a report per day over years) keeps the most recently used ones only
(least recently used first out), so its memory stays bounded.
"""


class Measure(enum.Enum):
    """Which debt a figure is about."""

    PLANNED = "planned"
    """The payment schedule: stages minus payments."""
    ACTUAL = "actual"
    """The receivable: shipments, returns and corrections minus payments."""


class EntryKind(enum.Enum):
    """What created a ledger entry."""

    SCHEDULE = "schedule"
    SHIPMENT = "shipment"
    RETURN = "return"
    CORRECTION = "correction"

    @property
    def measure(self) -> Measure:
        """Planned for schedule stages, actual for everything else."""
        return Measure.PLANNED if self is EntryKind.SCHEDULE else Measure.ACTUAL


def _currency(value: Currency | str) -> Currency:
    return value if isinstance(value, Currency) else Currency.of(value)


@attrs.frozen
class SettlementAccount:
    """Who owes whom in which currency: the scope of automatic allocation.

    Attributes:
        partner_id: the partner [партнер].
        currency: the settlement currency [валюта взаиморасчетов].
        counterparty_id: the counterparty [контрагент] that signs, if known.
        organization_id: our organization that is owed.
        contract_id: the contract [договор] settlements are kept by, if any.
    """

    partner_id: str
    currency: Currency = attrs.field(converter=_currency)
    counterparty_id: str | None = None
    organization_id: str | None = None
    contract_id: str | None = None

    def field(self, name: str) -> str:
        """The id of ``partner``, ``counterparty``, ``organization`` or ``contract`` ("" if unset).

        >>> SettlementAccount("P1", "RUB", contract_id="K-1").field("contract")
        'K-1'
        """
        ids = {
            "partner": self.partner_id,
            "counterparty": self.counterparty_id,
            "organization": self.organization_id,
            "contract": self.contract_id,
        }
        return ids[name] or ""

    @property
    def key(self) -> str:
        """A canonical text key (storage adapters index and order by it)."""
        parts = [self.partner_id, self.counterparty_id, self.organization_id, self.contract_id]
        return "\x1f".join([*(p or "" for p in parts), self.currency.code])

    def __str__(self) -> str:
        parts = [self.partner_id, self.counterparty_id, self.organization_id, self.contract_id]
        return "/".join(p or "-" for p in parts) + f" {self.currency.code}"


@attrs.frozen
class SettlementEntry:
    """A change of debt on one account, order, settlement document and due date.

    Attributes:
        id: unique entry id.
        kind: schedule stage, shipment, return or correction.
        account: the settlement account.
        order_id: the order [заказ] the debt belongs to.
        document_id: the settlement document [документ расчетов]: the order for
            schedule stages, the shipment or return document otherwise.
        posted_on: when the debt arises (schedule: the order date).
        due_date: when it is to be paid.
        amount: signed; positive increases debt. Schedule stages and shipments
            are positive, returns negative.
        manager: the responsible manager, for grouping reports.
    """

    id: str
    kind: EntryKind
    account: SettlementAccount
    order_id: str
    document_id: str
    posted_on: date
    due_date: date
    amount: Money
    manager: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.currency != self.account.currency:
            raise CurrencyMismatchError(
                f"entry {self.id!r} is in {self.amount.currency.code} but its account settles "
                f"in {self.account.currency.code}: convert the amount first",
                entry=self.id,
            )
        positive = self.kind in (EntryKind.SCHEDULE, EntryKind.SHIPMENT)
        if positive and not self.amount.is_positive():
            raise SettlementError(
                f"{self.kind.value} entry {self.id!r} must increase debt, got {self.amount}",
                entry=self.id,
            )
        if self.kind is EntryKind.RETURN and not self.amount.is_negative():
            raise SettlementError(
                f"return entry {self.id!r} must decrease debt (a negative amount), "
                f"got {self.amount}",
                entry=self.id,
            )

    @property
    def measure(self) -> Measure:
        """The measure this entry changes."""
        return self.kind.measure


def check_account_entries(
    account: SettlementAccount, allocations: Iterable[Allocation], entry_ids: Container[str]
) -> None:
    """Refuse allocations that name an entry other than one of ``account``'s own.

    ``entry_ids`` holds the ids of the account's entries. A store calls this
    before it replaces an account's allocations with ones a caller built.

    Raises:
        SettlementError: naming the first such allocation's payment and entry.
    """
    for a in allocations:
        if a.entry_id not in entry_ids:
            raise SettlementError(
                f"allocation of {a.source_id!r} names entry {a.entry_id!r}, which is not an "
                f"entry of account {account.key!r}: an account's allocations pay its own "
                "entries; let salescore.receivables.reallocate compute them",
                entry=a.entry_id,
                account=account.key,
            )


@attrs.frozen
class ManualAllocation:
    """A part of a payment a person allocated by hand to one order."""

    order_id: str
    amount: Money


def _manual_parts(parts: Iterable[ManualAllocation]) -> tuple[ManualAllocation, ...]:
    return tuple(parts)


def _rate(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "rate")


@attrs.frozen
class Payment:
    """Money received from a client [оплата].

    Attributes:
        id: unique payment id (the bank statement line, the cash receipt).
        account: the settlement account it pays; its currency is the
            settlement currency.
        received_on: the date of the payment.
        amount: the amount as paid, possibly in another currency.
        rate: settlement-currency units per one unit of the paid currency;
            required when the currencies differ.
        manual: parts allocated by hand to orders; the rest is allocated
            automatically.

    >>> usd = Payment("P", SettlementAccount("C", "RUB"), date(2026, 1, 5), Money(10, "USD"))
    Traceback (most recent call last):
    ...
    salescore.errors.SettlementError: payment 'P' is in USD but settles in RUB and has no rate: ...
    """

    id: str
    account: SettlementAccount
    received_on: date
    amount: Money
    rate: Decimal | None = attrs.field(default=None, converter=_rate)
    manual: tuple[ManualAllocation, ...] = attrs.field(default=(), converter=_manual_parts)

    def __attrs_post_init__(self) -> None:
        paid, settles = self.amount.currency, self.account.currency
        if paid != settles and self.rate is None:
            raise SettlementError(
                f"payment {self.id!r} is in {paid.code} but settles in {settles.code} and has "
                f"no rate: give rate ({settles.code} per 1 {paid.code})",
                payment=self.id,
            )
        if self.rate is not None and self.rate <= 0:
            raise SettlementError(f"payment {self.id!r}: rate must be positive, got {self.rate}")
        if not self.amount.is_positive():
            raise SettlementError(
                f"payment {self.id!r} must be positive, got {self.amount}: "
                "reverse a payment instead of entering a negative one",
                payment=self.id,
            )
        by_hand = Money.zero(settles)
        orders = [part.order_id for part in self.manual]
        if len(set(orders)) != len(orders):
            twice = next(o for o in orders if orders.count(o) > 1)
            raise SettlementError(
                f"payment {self.id!r} allocates to order {twice!r} by hand twice: "
                "give one hand allocation per order",
                payment=self.id,
            )
        for part in self.manual:
            if part.amount.currency != settles:
                raise CurrencyMismatchError(
                    f"payment {self.id!r}: hand allocation to {part.order_id!r} is in "
                    f"{part.amount.currency.code}; give it in {settles.code}",
                    payment=self.id,
                )
            if not part.amount.is_positive():
                raise SettlementError(
                    f"payment {self.id!r}: hand allocation to {part.order_id!r} must be "
                    f"positive, got {part.amount}",
                    payment=self.id,
                )
            by_hand = by_hand + part.amount
        if by_hand > self.settled:
            raise SettlementError(
                f"payment {self.id!r} allocates {by_hand} by hand but is only "
                f"{self.settled}: lower the hand allocations",
                payment=self.id,
            )

    @property
    def settled(self) -> Money:
        """The amount in the settlement currency (converted at ``rate``, half up)."""
        if self.rate is None:
            return self.amount
        exact = EXACT.multiply(self.amount.amount, self.rate)  # rounded once, by Money.of
        return Money.of(exact, self.account.currency, Rounding.HALF_UP)


@attrs.frozen
class Allocation:
    """``amount`` of credit ``source_id`` (a payment or a return) paid entry ``entry_id``.

    Attributes:
        measure: planned or actual debt.
        source_id: the payment id, or the id of a negative entry.
        entry_id: the debt entry paid.
        allocated_on: when (the later of the payment and the debt).
        amount: how much; positive.
        manual: True when it comes from a hand allocation to the order.
    """

    measure: Measure
    source_id: str
    entry_id: str
    allocated_on: date
    amount: Money
    manual: bool = False

    def to_records(self) -> list[Record]:
        """One typed row (see :mod:`salescore.records`); many: :func:`salescore.records.table`."""
        return [
            {
                "measure": self.measure.value,
                "source_id": self.source_id,
                "entry_id": self.entry_id,
                "allocated_on": self.allocated_on,
                "amount": self.amount.amount,
                "currency": self.amount.currency.code,
                "manual": self.manual,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"allocation of {self.source_id}")


@attrs.frozen
class OpenItem:
    """An entry's unpaid part on a date."""

    entry: SettlementEntry
    open: Money

    def to_records(self) -> list[Record]:
        """One typed row: the entry, its account's parties and the open amount."""
        e = self.entry
        return [
            {
                "entry_id": e.id,
                "kind": e.kind.value,
                **_account_record(e.account),
                "order_id": e.order_id,
                "document_id": e.document_id,
                "posted_on": e.posted_on,
                "due_date": e.due_date,
                "amount": e.amount.amount,
                "open": self.open.amount,
                "manager": e.manager,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"open item {self.entry.id}")


@attrs.frozen
class OpenCredit:
    """Unallocated money on a date: a prepayment, an over-payment or an unused return.

    ``order_id`` is set when the money was allocated by hand to that order
    and waits for its debt.
    """

    source_id: str
    account: SettlementAccount
    received_on: date
    open: Money
    order_id: str | None = None

    def to_records(self) -> list[Record]:
        """One typed row: the source, its account's parties and the open amount."""
        return [
            {
                "source_id": self.source_id,
                **_account_record(self.account),
                "received_on": self.received_on,
                "open": self.open.amount,
                "order_id": self.order_id,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"open credit {self.source_id}")


def _account_record(account: SettlementAccount) -> Record:
    return {
        "partner_id": account.partner_id,
        "counterparty_id": account.counterparty_id,
        "organization_id": account.organization_id,
        "contract_id": account.contract_id,
        "currency": account.currency.code,
    }


class SettlementLedger:
    """Entries, payments and allocations, queried as of any date.

    Args:
        entries: every settlement entry.
        payments: every payment.
        allocations: every allocation (from :func:`~salescore.receivables.allocate_payments`).
    """

    def __init__(
        self,
        entries: Iterable[SettlementEntry],
        payments: Iterable[Payment] = (),
        allocations: Iterable[Allocation] = (),
    ) -> None:
        self.entries: tuple[SettlementEntry, ...] = tuple(entries)
        self.payments: tuple[Payment, ...] = tuple(payments)
        if len({p.id for p in self.payments}) != len(self.payments):
            raise SettlementError("payment ids must be unique: one id is used twice")
        self.allocations: tuple[Allocation, ...] = tuple(allocations)
        self._allocated_memo: OrderedDict[
            tuple[date, Measure],
            tuple[dict[str, int], dict[str, int], dict[tuple[str, str], int]],
        ] = OrderedDict()
        self._by_id: dict[str, SettlementEntry] = {}
        for e in self.entries:
            if e.id in self._by_id:
                raise SettlementError(f"entry id {e.id!r} is used twice: entry ids must be unique")
            self._by_id[e.id] = e

    def entry(self, entry_id: str) -> SettlementEntry:
        """The entry with ``entry_id``."""
        return self._by_id[entry_id]

    def currencies(self) -> list[Currency]:
        """The settlement currencies present, by code."""
        found = {e.account.currency for e in self.entries}
        found.update(p.account.currency for p in self.payments)
        return sorted(found, key=lambda c: c.code)

    def _allocated(
        self, on: date, measure: Measure
    ) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, str], int]]:
        """Minor units allocated by ``on``: to each entry, automatically from each
        source, and by hand from each (source, order). Cached, as the ledger is
        immutable: the :data:`ALLOCATED_DATES_KEPT` most recently used dates."""
        memo = self._allocated_memo
        cached = memo.get((on, measure))
        if cached is not None:
            with contextlib.suppress(KeyError):  # another thread let it go meanwhile
                memo.move_to_end((on, measure))
            return cached
        to_entry: dict[str, int] = defaultdict(int)
        auto_from: dict[str, int] = defaultdict(int)
        manual_from: dict[tuple[str, str], int] = defaultdict(int)
        for a in self.allocations:
            if a.measure is measure and a.allocated_on <= on:
                units = a.amount.minor_units
                to_entry[a.entry_id] += units
                if a.manual:
                    manual_from[a.source_id, self._by_id[a.entry_id].order_id] += units
                else:
                    auto_from[a.source_id] += units
        memo[on, measure] = (to_entry, auto_from, manual_from)
        while len(memo) > ALLOCATED_DATES_KEPT:
            try:
                memo.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                break
        return to_entry, auto_from, manual_from

    def open_items(self, on: date, measure: Measure = Measure.ACTUAL) -> list[OpenItem]:
        """Debt entries posted by ``on`` and not fully paid by then, oldest due first."""
        to_entry, _, _ = self._allocated(on, measure)
        items = []
        for e in self.entries:
            if e.measure is measure and e.posted_on <= on and e.amount.is_positive():
                units = e.amount.minor_units - to_entry.get(e.id, 0)
                if units:
                    items.append(OpenItem(e, Money.from_minor(units, e.account.currency)))
        items.sort(
            key=lambda i: (i.entry.due_date, i.entry.posted_on, i.entry.order_id, i.entry.id)
        )
        return items

    def open_credits(self, on: date, measure: Measure = Measure.ACTUAL) -> list[OpenCredit]:
        """Money received (or returned) by ``on`` and not yet allocated by then.

        What is left of a hand allocation is reported against its order (a
        prepayment for that order); the rest of a payment is general credit.
        """
        _, auto_from, manual_from = self._allocated(on, measure)
        credits = []
        for p in self.payments:
            if p.received_on > on:
                continue
            cur = p.account.currency
            general = p.settled.minor_units - auto_from.get(p.id, 0)
            for part in p.manual:
                units = part.amount.minor_units
                general -= units
                left = units - manual_from.get((p.id, part.order_id), 0)
                if left:
                    credits.append(
                        OpenCredit(
                            p.id,
                            p.account,
                            p.received_on,
                            Money.from_minor(left, cur),
                            part.order_id,
                        )
                    )
            if general:
                credits.append(
                    OpenCredit(p.id, p.account, p.received_on, Money.from_minor(general, cur))
                )
        if measure is Measure.ACTUAL:
            for e in self.entries:
                if e.measure is measure and e.posted_on <= on and e.amount.is_negative():
                    left = -e.amount.minor_units - auto_from.get(e.id, 0)
                    if left:
                        credits.append(
                            OpenCredit(
                                e.id,
                                e.account,
                                e.posted_on,
                                Money.from_minor(left, e.account.currency),
                            )
                        )
        return credits

    def balance(
        self,
        on: date,
        measure: Measure = Measure.ACTUAL,
        currency: Currency | str | None = None,
        partner_id: str | None = None,
    ) -> Money:
        """Open debt minus open credit on ``on`` (negative: the client paid ahead)."""
        cur = _currency(currency) if currency is not None else self._only_currency()
        debt = total(
            (
                i.open
                for i in self.open_items(on, measure)
                if i.entry.account.currency == cur
                and (partner_id is None or i.entry.account.partner_id == partner_id)
            ),
            cur,
        )
        credit = total(
            (
                c.open
                for c in self.open_credits(on, measure)
                if c.account.currency == cur
                and (partner_id is None or c.account.partner_id == partner_id)
            ),
            cur,
        )
        return debt - credit

    def _only_currency(self) -> Currency:
        found = self.currencies()
        if len(found) != 1:
            codes = ", ".join(c.code for c in found) or "none"
            raise SettlementError(
                f"the ledger has settlements in {codes}: name the currency for a balance"
            )
        return found[0]


def schedule_entries(
    schedule: PaymentSchedule,
    account: SettlementAccount,
    order_id: str,
    order_date: date,
    *,
    manager: str | None = None,
) -> list[SettlementEntry]:
    """Planned debt: one schedule entry per stage of an order's schedule.

    Entry ids are ``"<order>/plan/<n>"``; the settlement document is the order.
    """
    return [
        SettlementEntry(
            f"{order_id}/plan/{stage.index + 1}",
            EntryKind.SCHEDULE,
            account,
            order_id,
            order_id,
            order_date,
            stage.due_date,
            stage.amount,
            manager,
        )
        for stage in schedule.stages
        if not stage.amount.is_zero()
    ]


def shipment_entries(
    template: PaymentScheduleTemplate,
    calendar: BusinessCalendar,
    account: SettlementAccount,
    *,
    order_id: str,
    order_date: date,
    shipment_id: str,
    shipped_on: date,
    amount: Money,
    manager: str | None = None,
) -> list[SettlementEntry]:
    """Actual debt of a shipment, split over the order's stages with their due dates.

    The shipped amount follows the same percents as the order; due dates are
    computed from the actual shipment date, and an advance share is due when
    its stage said (it was to be paid already). Entry ids are
    ``"<shipment>/<n>"``; the settlement document is the shipment.
    """
    schedule = template.generate(amount, order_date, shipped_on, calendar)
    return [
        SettlementEntry(
            f"{shipment_id}/{stage.index + 1}",
            EntryKind.SHIPMENT,
            account,
            order_id,
            shipment_id,
            shipped_on,
            stage.due_date,
            stage.amount,
            manager,
        )
        for stage in schedule.stages
        if not stage.amount.is_zero()
    ]
