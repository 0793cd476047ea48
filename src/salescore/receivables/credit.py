"""Credit control [контроль лимита задолженности, стоп-листы]: may this client get more?

A :class:`CreditLimit` caps a partner's (or a counterparty's, or a
contract's) debt: its maximum debt, its maximum days overdue and its maximum
overdue amount, with a tolerance that ignores rounding dust. The decision on a
proposed document is a pure function of the ledger, the limits and the
document (:func:`check_credit`): allow, warn, hold or block, with the reasons —
which limit, the figure now, and the figure after the document.

A limit runs at the control points it names (quote, order confirmation,
shipment). A document paid in full in advance is exempt unless the limit
says otherwise. A person with the authority may override a decision; the
override records who, when and why (:func:`override_decision`).
:func:`stop_list` lists every subject over a limit on a date.

>>> from datetime import date
>>> from salescore.money import Money
>>> from salescore.receivables.ledger import EntryKind, SettlementAccount, SettlementEntry
>>> acc = SettlementAccount("CAFE", "RUB")
>>> old = SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1", "SHIP-1",
...                       date(2026, 1, 10), date(2026, 1, 20), Money("5000.00", "RUB"))
>>> ledger = SettlementLedger([old])
>>> limit = CreditLimit("L1", LimitScope.PARTNER, "CAFE", "RUB",
...                     max_debt=Money("100000.00", "RUB"), max_overdue_days=30)
>>> order = ProposedDocument("SO-2", ControlPoint.ORDER, acc, Money("2000.00", "RUB"))
>>> decision = check_credit(ledger, [limit], order, date(2026, 3, 2))
>>> decision.verdict
<Verdict.BLOCK: 'block'>
>>> print(decision.explain().as_text())
credit check of SO-2 on 2026-03-02: block
  1. limit L1: overdue days 41 > 30 = block  (partner CAFE; after the document: 41)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from salescore.errors import CreditLimitExceededError, InvalidInputError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money
from salescore.receivables.aging import OpenCreditColumns, OpenItemColumns
from salescore.receivables.ledger import (
    Measure,
    SettlementAccount,
    SettlementLedger,
    _currency,
)
from salescore.records import Record, html_table

__all__ = [
    "EXPOSURE_FIELDS",
    "ControlPoint",
    "CreditDecision",
    "CreditExposure",
    "CreditLimit",
    "CreditOverride",
    "LimitBreach",
    "LimitScope",
    "ProposedDocument",
    "StopListEntry",
    "Verdict",
    "check_credit",
    "credit_exposure",
    "decide_credit",
    "exposures_from_columns",
    "override_decision",
    "stop_list",
    "stop_list_of",
]


class ControlPoint(enum.Enum):
    """Where in the sale a credit check runs."""

    QUOTE = "quote"
    ORDER = "order"
    """Order confirmation."""
    SHIPMENT = "shipment"


class Verdict(enum.Enum):
    """The outcome of a credit check, from mildest to strictest."""

    ALLOW = "allow"
    WARN = "warn"
    """Go on, but tell the manager."""
    HOLD = "hold"
    """Stop until someone with authority releases the document."""
    BLOCK = "block"
    """Refuse."""

    @property
    def rank(self) -> int:
        """0 for allow up to 3 for block."""
        return list(Verdict).index(self)


class LimitScope(enum.Enum):
    """What a limit is set for."""

    PARTNER = "partner"
    COUNTERPARTY = "counterparty"
    CONTRACT = "contract"

    def subject(self, account: SettlementAccount) -> str | None:
        """The id of this scope's subject on ``account``."""
        if self is LimitScope.PARTNER:
            return account.partner_id
        if self is LimitScope.COUNTERPARTY:
            return account.counterparty_id
        return account.contract_id


@attrs.frozen
class CreditLimit:
    """A debt limit [лимит задолженности] for one partner, counterparty or contract.

    Attributes:
        id: stable identifier.
        scope: what ``subject_id`` names.
        subject_id: the partner, counterparty or contract id.
        currency: the currency of the amounts (debts in others are not counted).
        max_debt: the most the subject may owe, the document included.
        max_overdue_days: the most days any debt may be overdue.
        max_overdue_amount: the most the subject may owe past due.
        tolerance: amounts within this of a limit do not breach it, and an
            overdue total within it counts no overdue days (rounding dust).
        on_breach: what a breach means: warn, hold or block.
        control_points: where the limit is checked.
        exempt_prepaid: documents prepaid in full are not checked.
    """

    id: str
    scope: LimitScope
    subject_id: str
    currency: Currency = attrs.field(converter=_currency)
    max_debt: Money | None = None
    max_overdue_days: int | None = None
    max_overdue_amount: Money | None = None
    tolerance: Money | None = None
    on_breach: Verdict = Verdict.BLOCK
    control_points: frozenset[ControlPoint] = frozenset(ControlPoint)
    exempt_prepaid: bool = True

    def __attrs_post_init__(self) -> None:
        for name in ("max_debt", "max_overdue_amount", "tolerance"):
            value: Money | None = getattr(self, name)
            if value is not None and value.currency != self.currency:
                raise InvalidInputError(
                    f"credit limit {self.id!r}: {name} is in {value.currency.code}, "
                    f"the limit in {self.currency.code}; give every amount in one currency"
                )
            if value is not None and value.is_negative():
                raise InvalidInputError(f"credit limit {self.id!r}: {name} cannot be negative")
        if not self.subject_id.strip():
            raise InvalidInputError(
                f"credit limit {self.id!r} names no {self.scope.value}: give the id of the "
                f"{self.scope.value} it limits"
            )
        if self.max_overdue_days is not None and self.max_overdue_days < 0:
            raise InvalidInputError(
                f"credit limit {self.id!r}: max_overdue_days cannot be negative"
            )
        if self.on_breach is Verdict.ALLOW:
            raise InvalidInputError(
                f"credit limit {self.id!r}: a breach must warn, hold or block, not allow"
            )
        if (
            self.max_debt is None
            and self.max_overdue_days is None
            and self.max_overdue_amount is None
        ):
            raise InvalidInputError(
                f"credit limit {self.id!r} limits nothing: set max_debt, max_overdue_days "
                "or max_overdue_amount"
            )

    @property
    def dust(self) -> Money:
        """The tolerance, zero when not set."""
        return self.tolerance if self.tolerance is not None else Money.zero(self.currency)

    def applies_to(self, account: SettlementAccount) -> bool:
        """True if ``account`` belongs to this limit's subject and currency."""
        return account.currency == self.currency and self.scope.subject(account) == self.subject_id


@attrs.frozen
class ProposedDocument:
    """A quote, an order or a shipment about to raise the client's debt.

    Attributes:
        id: the document id.
        control_point: where the check runs.
        account: whose debt it raises.
        amount: how much debt it will create.
        prepaid: how much of it is already paid in advance.
    """

    id: str
    control_point: ControlPoint
    account: SettlementAccount
    amount: Money
    prepaid: Money | None = None

    @property
    def unpaid(self) -> Money:
        """The amount not covered by the prepayment (never negative)."""
        prepaid = self.prepaid if self.prepaid is not None else Money.zero(self.amount.currency)
        left = self.amount - prepaid
        return left if left.is_positive() else Money.zero(self.amount.currency)


@attrs.frozen
class CreditExposure:
    """A subject's figures on a date: net debt, overdue amount, oldest overdue days."""

    debt: Money
    overdue: Money
    overdue_days: int

    def to_records(self) -> list[Record]:
        """One typed row: ``debt``, ``overdue``, ``currency``, ``overdue_days``."""
        return [
            {
                "debt": self.debt.amount,
                "overdue": self.overdue.amount,
                "currency": self.debt.currency.code,
                "overdue_days": self.overdue_days,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="credit exposure")


def credit_exposure(ledger: SettlementLedger, limit: CreditLimit, on: date) -> CreditExposure:
    """The actual debt figures of ``limit``'s subject on ``on``."""
    cur = limit.currency
    debt = overdue = 0
    days = 0
    for item in ledger.open_items(on, Measure.ACTUAL):
        if limit.applies_to(item.entry.account):
            units = item.open.minor_units
            debt += units
            if item.entry.due_date < on:
                overdue += units
                days = max(days, (on - item.entry.due_date).days)
    for credit in ledger.open_credits(on, Measure.ACTUAL):
        if limit.applies_to(credit.account):
            debt -= credit.open.minor_units
    if overdue <= limit.dust.minor_units:
        days = 0
    return CreditExposure(Money.from_minor(debt, cur), Money.from_minor(overdue, cur), days)


#: The fields open-item and open-credit columns are grouped by for
#: :func:`exposures_from_columns`: every subject a limit can name.
EXPOSURE_FIELDS: tuple[str, ...] = ("partner", "counterparty", "contract")
_SCOPE_FIELD = {"partner": 0, "counterparty": 1, "contract": 2}


def exposures_from_columns(
    items: OpenItemColumns, credits: OpenCreditColumns, on: date
) -> Callable[[CreditLimit], CreditExposure]:
    """:func:`credit_exposure` of any limit from the actual open items and credits on
    ``on`` as columns grouped by :data:`EXPOSURE_FIELDS`: the same figures.

    A store computes the columns without loading the ledger
    (:meth:`SettlementLedgerRepository.open_item_columns
    <salescore.receivables.ports.SettlementLedgerRepository.open_item_columns>`
    and ``open_credit_columns``, of one partner or of all). They are summed once
    per group (partner, counterparty, contract and currency), and each limit then
    adds up the groups of its subject: a stop list of every client costs one pass
    over the open items.
    """
    at = on.toordinal()
    # Per group: the debt, the overdue part and the oldest overdue days.
    sums = [[0, 0, 0] for _ in items.groups]
    for group, due, units in zip(items.keys, items.due_ordinals, items.open_units, strict=True):
        figures = sums[group]
        figures[0] += units
        if due < at:
            figures[1] += units
            figures[2] = max(figures[2], at - due)
    by_key = dict(zip(items.groups, sums, strict=True))
    for key, units in zip(credits.keys, credits.open_units, strict=True):
        by_key.setdefault(key, [0, 0, 0])[0] -= units
    # The groups of each subject: (its field, its id, the currency).
    of_subject: dict[tuple[int, str, Currency], list[list[int]]] = {}
    for (values, currency), figures in by_key.items():
        for field in range(len(EXPOSURE_FIELDS)):
            of_subject.setdefault((field, values[field], currency), []).append(figures)

    def exposure(limit: CreditLimit) -> CreditExposure:
        key = (_SCOPE_FIELD[limit.scope.value], limit.subject_id, limit.currency)
        found = of_subject.get(key, [])
        debt = sum(f[0] for f in found)
        overdue = sum(f[1] for f in found)
        days = max((f[2] for f in found), default=0)
        if overdue <= limit.dust.minor_units:
            days = 0
        cur = limit.currency
        return CreditExposure(Money.from_minor(debt, cur), Money.from_minor(overdue, cur), days)

    return exposure


@attrs.frozen
class LimitBreach:
    """One limit a document breaks: the figure now and after the document.

    ``limit``, ``current`` and ``after`` are the figures as text; ``values``
    holds them as numbers (amounts in ``currency``, or days when ``currency``
    is None) for records. ``after`` is the figure the verdict compares with
    ``limit``; ``added`` is what the document adds to it (its unpaid amount,
    for the debt), or None when the document does not change the figure
    (overdue days and amounts).
    """

    limit_id: str
    subject: str
    figure: str
    limit: str
    current: str
    after: str
    verdict: Verdict
    values: tuple[Decimal, Decimal, Decimal] | None = None
    currency: str | None = None
    added: str | None = None

    def __str__(self) -> str:
        return f"limit {self.limit_id}: {self.figure} {self.after} > {self.limit}"

    def to_records(self) -> list[Record]:
        """One typed row: the limit, the figure, its limit, now and after, the verdict."""
        limit, current, after = self.values or (None, None, None)
        return [
            {
                "limit_id": self.limit_id,
                "subject": self.subject,
                "figure": self.figure,
                "limit": limit,
                "current": current,
                "after": after,
                "currency": self.currency,
                "verdict": self.verdict.value,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=str(self))


@attrs.frozen
class CreditOverride:
    """An authorised release of a held or blocked document: who, when and why."""

    id: str
    document_id: str
    overridden: Verdict
    by: str
    at: datetime
    reason: str
    breaches: tuple[str, ...] = ()


@attrs.frozen
class CreditDecision:
    """The verdict on a document with its reasons."""

    document_id: str
    on: date
    verdict: Verdict
    breaches: tuple[LimitBreach, ...] = ()
    notes: tuple[str, ...] = ()
    override: CreditOverride | None = None

    @property
    def may_proceed(self) -> bool:
        """True for allow and warn (and for an overridden decision)."""
        return self.verdict in (Verdict.ALLOW, Verdict.WARN)

    def raise_if_stopped(self) -> None:
        """Raise :class:`~salescore.errors.CreditLimitExceededError` for hold or block."""
        if not self.may_proceed:
            reasons = "; ".join(str(b) for b in self.breaches)
            raise CreditLimitExceededError(
                f"document {self.document_id!r} is {self.verdict.value}ed by credit control: "
                f"{reasons}; pay the overdue debt or ask for an authorised override",
                document=self.document_id,
                breaches=self.breaches,
            )

    @property
    def title(self) -> str:
        """``credit check of <document> on <date>: <verdict>``."""
        return f"credit check of {self.document_id} on {self.on.isoformat()}: {self.verdict.value}"

    def to_records(self) -> list[Record]:
        """One typed row per breach (none when nothing is breached), with the document,
        the date and the decision's verdict (``verdict``) beside the breach's own."""
        return [
            {
                "document_id": self.document_id,
                "on": self.on,
                "verdict": self.verdict.value,
                **{("breach_verdict" if k == "verdict" else k): v for k, v in record.items()},
            }
            for breach in self.breaches
            for record in breach.to_records()
        ]

    def _repr_html_(self) -> str:
        columns = ("limit_id", "subject", "figure", "limit", "current", "after", "currency")
        table = html_table(self.to_records(), caption=self.title, columns=columns)
        notes = list(self.notes)
        if self.override is not None:
            o = self.override
            notes.append(f"{o.overridden.value} overridden by {o.by} at {o.at}: {o.reason}")
        if notes:
            table += html_table([{"note": note} for note in notes])
        return table

    def explain(self) -> Explanation:
        """The breaches, notes and override as an explanation."""
        steps = [_breach_step(b) for b in self.breaches]
        steps.extend(Step(note) for note in self.notes)
        if self.override is not None:
            o = self.override
            steps.append(
                Step(
                    f"{o.overridden.value} overridden by {o.by}",
                    "allow",
                    source=f"{o.at.isoformat()}: {o.reason}",
                )
            )
        return Explanation(self.title, tuple(steps))


def _breach_step(breach: LimitBreach) -> Step:
    """A breach as the figures its verdict compared: after the document against the limit."""
    if breach.added is None:
        return Step(
            f"limit {breach.limit_id}: {breach.figure} {breach.after} > {breach.limit}",
            breach.verdict.value,
            source=f"{breach.subject}; after the document: {breach.after}",
        )
    return Step(
        f"limit {breach.limit_id}: {breach.figure} after the document {breach.after} "
        f"> {breach.limit}",
        breach.verdict.value,
        source=f"{breach.subject}; {breach.figure} now {breach.current} "
        f"+ the document {breach.added}",
    )


def _breaches(limit: CreditLimit, now: CreditExposure, after_debt: Money) -> list[LimitBreach]:
    dust = limit.dust
    subject = f"{limit.scope.value} {limit.subject_id}"
    found = []
    if limit.max_debt is not None and after_debt > limit.max_debt + dust:
        found.append(
            LimitBreach(
                limit.id,
                subject,
                "debt",
                str(limit.max_debt),
                str(now.debt),
                str(after_debt),
                limit.on_breach,
                (limit.max_debt.amount, now.debt.amount, after_debt.amount),
                limit.currency.code,
                str(after_debt - now.debt) if after_debt != now.debt else None,
            )
        )
    if limit.max_overdue_days is not None and now.overdue_days > limit.max_overdue_days:
        found.append(
            LimitBreach(
                limit.id,
                subject,
                "overdue days",
                str(limit.max_overdue_days),
                str(now.overdue_days),
                str(now.overdue_days),
                limit.on_breach,
                (
                    Decimal(limit.max_overdue_days),
                    Decimal(now.overdue_days),
                    Decimal(now.overdue_days),
                ),
            )
        )
    if limit.max_overdue_amount is not None and now.overdue > limit.max_overdue_amount + dust:
        found.append(
            LimitBreach(
                limit.id,
                subject,
                "overdue amount",
                str(limit.max_overdue_amount),
                str(now.overdue),
                str(now.overdue),
                limit.on_breach,
                (limit.max_overdue_amount.amount, now.overdue.amount, now.overdue.amount),
                limit.currency.code,
            )
        )
    return found


def check_credit(
    ledger: SettlementLedger,
    limits: Iterable[CreditLimit],
    document: ProposedDocument,
    on: date,
) -> CreditDecision:
    """Decide whether ``document`` may go ahead on ``on``.

    Args:
        ledger: the settlements (replayed up to ``on``).
        limits: every limit; those of other subjects, currencies or control
            points are ignored.
        document: the proposed document.
        on: the date of the check.

    Returns:
        The strictest verdict of the limits it breaks (allow when none), with
        the reasons.
    """
    return decide_credit(limits, document, on, lambda limit: credit_exposure(ledger, limit, on))


def decide_credit(
    limits: Iterable[CreditLimit],
    document: ProposedDocument,
    on: date,
    exposure: Callable[[CreditLimit], CreditExposure],
) -> CreditDecision:
    """:func:`check_credit` with the subject's figures given by ``exposure`` (called
    once per limit checked), for figures computed elsewhere: by a store
    (:func:`exposures_from_columns`) instead of from a loaded ledger."""
    breaches: list[LimitBreach] = []
    notes: list[str] = []
    for limit in limits:
        if not limit.applies_to(document.account):
            continue
        if document.control_point not in limit.control_points:
            notes.append(f"limit {limit.id} is not checked at {document.control_point.value}")
            continue
        if limit.exempt_prepaid and document.unpaid.is_zero():
            notes.append(f"limit {limit.id}: the document is prepaid in full, so it is exempt")
            continue
        now = exposure(limit)
        breaches.extend(_breaches(limit, now, now.debt + document.unpaid))
    verdict = max((b.verdict for b in breaches), key=lambda v: v.rank, default=Verdict.ALLOW)
    return CreditDecision(document.id, on, verdict, tuple(breaches), tuple(notes))


def override_decision(
    decision: CreditDecision, *, by: str, at: datetime, reason: str
) -> CreditDecision:
    """Release a held or blocked document, recording who, when and why.

    Raises:
        InvalidInputError: no person or reason given, a naive timestamp, or
            nothing to override.
    """
    if decision.may_proceed:
        raise InvalidInputError(
            f"document {decision.document_id!r} is not stopped ({decision.verdict.value}): "
            "there is nothing to override"
        )
    if not by.strip() or not reason.strip():
        raise InvalidInputError("an override needs the person (by) and the reason (reason)")
    if at.tzinfo is None:
        raise InvalidInputError("an override's time must be timezone-aware (use a Clock)")
    record = CreditOverride(
        f"{decision.document_id}@{at.isoformat()}",
        decision.document_id,
        decision.verdict,
        by.strip(),
        at,
        reason.strip(),
        tuple(str(b) for b in decision.breaches),
    )
    return attrs.evolve(decision, verdict=Verdict.ALLOW, override=record)


@attrs.frozen
class StopListEntry:
    """A subject over one of its limits on a date [стоп-лист]."""

    limit_id: str
    subject: str
    exposure: CreditExposure
    breaches: tuple[LimitBreach, ...]

    def to_records(self) -> list[Record]:
        """One typed row per breach, with the subject's exposure beside it."""
        (exposure,) = self.exposure.to_records()
        return [
            {
                **{f"exposure_{k}" if k != "currency" else k: v for k, v in exposure.items()},
                **record,
                "currency": exposure["currency"],
            }
            for record in (r for b in self.breaches for r in b.to_records())
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"stop list: {self.subject}")

    @property
    def verdict(self) -> Verdict:
        """The strictest verdict of the breaches."""
        return max((b.verdict for b in self.breaches), key=lambda v: v.rank)


def stop_list(
    ledger: SettlementLedger, limits: Iterable[CreditLimit], on: date
) -> list[StopListEntry]:
    """Every subject over a limit on ``on`` (no new document), by limit id."""
    return stop_list_of(limits, lambda limit: credit_exposure(ledger, limit, on))


def stop_list_of(
    limits: Iterable[CreditLimit], exposure: Callable[[CreditLimit], CreditExposure]
) -> list[StopListEntry]:
    """:func:`stop_list` with each subject's figures given by ``exposure`` (by a store:
    :func:`exposures_from_columns`)."""
    entries = []
    for limit in sorted(limits, key=lambda lim: lim.id):
        now = exposure(limit)
        found = _breaches(limit, now, now.debt)
        if found:
            subject = f"{limit.scope.value} {limit.subject_id}"
            entries.append(StopListEntry(limit.id, subject, now, tuple(found)))
    return entries
