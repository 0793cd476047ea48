"""Settlement statements [ведомость расчетов] and reconciliation acts [акт сверки].

:func:`settlement_statement` gives, for a period and any grouping (partner,
order, contract …), the opening balance, the increases, the decreases and the
closing balance; every row satisfies ``opening + increase - decrease ==
closing``. When grouped by order or document, an allocation moves money from
the payment's row (order ``""``) to the order it paid.

:func:`reconciliation_act` lists the documents between our organization and
a counterparty in a period, in the form both sides sign: debit (the
counterparty's debt grows), credit (it shrinks), opening and closing
balances. Given the counterparty's own figures it compares them line by line
by document number; in their books our debit is their credit.

>>> from datetime import date
>>> from salescore.dates import Period
>>> from salescore.money import Money
>>> from salescore.receivables.ledger import (EntryKind, Payment, SettlementAccount,
...     SettlementEntry)
>>> acc = SettlementAccount("P1", "RUB", counterparty_id="C1", organization_id="ORG")
>>> ledger = SettlementLedger(
...     [SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1", "SHIP-1", date(2026, 3, 2),
...                      date(2026, 3, 16), Money("1000.00", "RUB"))],
...     [Payment("PAY-1", acc, date(2026, 3, 20), Money("400.00", "RUB"))])
>>> theirs = [
...     CounterpartyLine(date(2026, 3, 2), "SHIP-1", credit=Money("1000.00", "RUB")),
...     CounterpartyLine(date(2026, 3, 20), "PAY-1", debit=Money("450.00", "RUB"))]
>>> act = reconciliation_act(ledger, "ORG", "C1", Period(date(2026, 3, 1), date(2026, 3, 31)),
...     "RUB", their_lines=theirs, their_closing=Money("550.00", "RUB"))
>>> print(act.as_text())
Reconciliation act ORG / C1, 2026-03-01..2026-03-31, RUB
date        document    debit  credit  theirs: debit   credit  status
----------  --------  -------  ------  -------------  -------  ---------
            opening 0.00
2026-03-02  SHIP-1    1000.00    0.00           0.00  1000.00  agreed
2026-03-20  PAY-1        0.00  400.00         450.00     0.00  DIFFERENT
            closing 600.00 (theirs 550.00)
>>> act.is_agreed
False
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import attrs

from salescore.dates import Period
from salescore.errors import InvalidInputError
from salescore.explain import text_table
from salescore.money import Currency, Money
from salescore.receivables.ledger import (
    Measure,
    SettlementAccount,
    SettlementLedger,
    _currency,
)
from salescore.records import Record, html_table

__all__ = [
    "ActLine",
    "ActStatus",
    "CounterpartyLine",
    "ReconciliationAct",
    "SettlementStatement",
    "StatementLine",
    "reconciliation_act",
    "settlement_statement",
]

STATEMENT_FIELDS = ("partner", "counterparty", "organization", "contract", "order", "document")


def _field(name: str, account: SettlementAccount, order: str, document: str) -> str:
    if name == "order":
        return order
    if name == "document":
        return document
    return account.field(name)


@attrs.frozen
class StatementLine:
    """One row of a settlement statement."""

    group: tuple[str, ...]
    currency: Currency
    opening: Money
    increase: Money
    decrease: Money

    @property
    def closing(self) -> Money:
        """``opening + increase - decrease``."""
        return self.opening + self.increase - self.decrease


@attrs.frozen
class SettlementStatement:
    """Opening, increases, decreases and closing per group for a period."""

    period: Period
    group_by: tuple[str, ...]
    measure: Measure
    lines: tuple[StatementLine, ...]

    def rows(self) -> list[dict[str, str]]:
        """One dict per line, amounts as decimal strings."""
        out = []
        for line in self.lines:
            row = dict(zip(self.group_by, line.group, strict=True))
            row["currency"] = line.currency.code
            for name in ("opening", "increase", "decrease", "closing"):
                row[name] = str(getattr(line, name).amount)
            out.append(row)
        return out

    def to_records(self) -> list[Record]:
        """One typed row per line: the grouping fields, ``currency``, then ``opening``,
        ``increase``, ``decrease`` and ``closing`` as Decimals."""
        out: list[Record] = []
        for line in self.lines:
            row: Record = dict(zip(self.group_by, line.group, strict=True))
            row["currency"] = line.currency.code
            for name in ("opening", "increase", "decrease", "closing"):
                row[name] = getattr(line, name).amount
            out.append(row)
        return out

    @property
    def title(self) -> str:
        """``Settlement statement (actual) <period>``."""
        return f"Settlement statement ({self.measure.value}) {self.period}"

    def _repr_html_(self) -> str:
        columns = [*self.group_by, "currency", "opening", "increase", "decrease", "closing"]
        return html_table(self.to_records(), caption=self.title, columns=columns)

    def as_text(self) -> str:
        """A fixed-width table."""
        headers = [*self.group_by, "cur", "opening", "increase", "decrease", "closing"]
        return _table(
            self.title,
            headers,
            [list(r.values()) for r in self.rows()],
            len(self.group_by) + 1,
        )


def settlement_statement(
    ledger: SettlementLedger,
    period: Period,
    *,
    group_by: Sequence[str] = ("partner",),
    measure: Measure = Measure.ACTUAL,
) -> SettlementStatement:
    """The settlement statement of ``ledger`` for ``period`` (both ends included).

    Raises:
        InvalidInputError: an unknown grouping field, or an open-ended period.
    """
    fields = tuple(group_by)
    bad = [f for f in fields if f not in STATEMENT_FIELDS]
    if bad:
        raise InvalidInputError(
            f"cannot group a statement by {', '.join(map(repr, bad))}: "
            f"use any of {', '.join(STATEMENT_FIELDS)}"
        )
    if period.end is None:
        raise InvalidInputError("a settlement statement needs a period with an end date")
    end = period.end
    by_order = "order" in fields or "document" in fields
    moves: list[tuple[date, tuple[str, ...], Currency, int]] = []

    def key(account: SettlementAccount, order: str, document: str) -> tuple[str, ...]:
        return tuple(_field(f, account, order, document) for f in fields)

    for e in ledger.entries:
        if e.measure is measure:
            moves.append(
                (
                    e.posted_on,
                    key(e.account, e.order_id, e.document_id),
                    e.account.currency,
                    e.amount.minor_units,
                )
            )
    for p in ledger.payments:
        moves.append(
            (p.received_on, key(p.account, "", p.id), p.account.currency, -p.settled.minor_units)
        )
    if by_order:
        payments = {p.id: p for p in ledger.payments}
        for a in ledger.allocations:
            if a.measure is not measure:
                continue
            target = ledger.entry(a.entry_id)
            if a.source_id in payments:
                source = key(payments[a.source_id].account, "", a.source_id)
            else:
                src = ledger.entry(a.source_id)
                source = key(src.account, src.order_id, src.document_id)
            units = a.amount.minor_units
            cur = target.account.currency
            moves.append((a.allocated_on, source, cur, units))
            moves.append(
                (
                    a.allocated_on,
                    key(target.account, target.order_id, target.document_id),
                    cur,
                    -units,
                )
            )
    sums: dict[tuple[tuple[str, ...], Currency], list[int]] = {}
    for day, group, cur, units in moves:
        if day > end:
            continue
        row = sums.setdefault((group, cur), [0, 0, 0])
        if day < period.start:
            row[0] += units
        elif units > 0:
            row[1] += units
        else:
            row[2] -= units
    lines = tuple(
        StatementLine(group, cur, *(Money.from_minor(v, cur) for v in sums[group, cur]))
        for group, cur in sorted(sums, key=lambda k: (k[0], k[1].code))
    )
    return SettlementStatement(period, fields, measure, lines)


class ActStatus(enum.Enum):
    """How one line of a reconciliation act compares with the counterparty's books."""

    AGREED = "agreed"
    DIFFERENT = "DIFFERENT"
    ONLY_OURS = "only ours"
    ONLY_THEIRS = "only theirs"
    NOT_COMPARED = ""


@attrs.frozen
class CounterpartyLine:
    """A line of the counterparty's side of the act: in their books our debit is their credit."""

    on: date
    document_id: str
    debit: Money | None = None
    credit: Money | None = None


@attrs.frozen
class ActLine:
    """A document in the act, with the counterparty's figures if given."""

    on: date
    document_id: str
    debit: Money
    credit: Money
    their_debit: Money | None = None
    their_credit: Money | None = None
    status: ActStatus = ActStatus.NOT_COMPARED


@attrs.frozen
class ReconciliationAct:
    """The reconciliation act between our organization and a counterparty."""

    organization_id: str
    counterparty_id: str
    period: Period
    currency: Currency
    opening: Money
    lines: tuple[ActLine, ...]
    their_closing: Money | None = None

    @property
    def closing(self) -> Money:
        """Our closing balance: what the counterparty owes us (negative: we owe them)."""
        result = self.opening
        for line in self.lines:
            result = result + line.debit - line.credit
        return result

    @property
    def is_agreed(self) -> bool:
        """True if every line agrees (and the closing balances, when theirs is known)."""
        lines_ok = all(line.status in (ActStatus.AGREED,) for line in self.lines)
        closing_ok = self.their_closing is None or self.their_closing == self.closing
        return lines_ok and closing_ok

    def rows(self) -> list[dict[str, str]]:
        """One dict per line, amounts as decimal strings ("" where unknown)."""

        def text(m: Money | None) -> str:
            return "" if m is None else str(m.amount)

        return [
            {
                "date": line.on.isoformat(),
                "document": line.document_id,
                "debit": text(line.debit),
                "credit": text(line.credit),
                "their_debit": text(line.their_debit),
                "their_credit": text(line.their_credit),
                "status": line.status.value,
            }
            for line in self.lines
        ]

    def to_records(self) -> list[Record]:
        """One typed row per line: ``date``, ``document``, ``debit``, ``credit``,
        ``their_debit``, ``their_credit`` (None where unknown), ``status``, ``currency``.

        The opening and closing balances are :attr:`opening` and :attr:`closing`.
        """

        def amount(m: Money | None) -> Decimal | None:
            return None if m is None else m.amount

        return [
            {
                "date": line.on,
                "document": line.document_id,
                "debit": line.debit.amount,
                "credit": line.credit.amount,
                "their_debit": amount(line.their_debit),
                "their_credit": amount(line.their_credit),
                "status": line.status.value,
                "currency": self.currency.code,
            }
            for line in self.lines
        ]

    @property
    def title(self) -> str:
        """``Reconciliation act <organization> / <counterparty>, <period>, <currency>``."""
        return (
            f"Reconciliation act {self.organization_id} / {self.counterparty_id}, "
            f"{self.period}, {self.currency.code}"
        )

    def _repr_html_(self) -> str:
        theirs = "" if self.their_closing is None else f" (theirs {self.their_closing.amount})"
        caption = (
            f"{self.title}: opening {self.opening.amount}, closing {self.closing.amount}{theirs}"
        )
        columns = ("date", "document", "debit", "credit", "their_debit", "their_credit", "status")
        return html_table(self.to_records(), caption=caption, columns=columns)

    def as_text(self) -> str:
        """The act as a fixed-width table with opening and closing lines."""
        headers = ["date", "document", "debit", "credit", "theirs: debit", "credit", "status"]
        body = [list(r.values()) for r in self.rows()]
        table = _table(self.title, headers, body, 2, trailing=1).split("\n")
        theirs = "" if self.their_closing is None else f" (theirs {self.their_closing.amount})"
        pad = " " * (len("2026-01-01") + 2)
        return "\n".join(
            [
                *table[:3],
                f"{pad}opening {self.opening.amount}",
                *table[3:],
                f"{pad}closing {self.closing.amount}{theirs}",
            ]
        )


def reconciliation_act(
    ledger: SettlementLedger,
    organization_id: str,
    counterparty_id: str,
    period: Period,
    currency: Currency | str,
    *,
    their_lines: Iterable[CounterpartyLine] = (),
    their_closing: Money | None = None,
) -> ReconciliationAct:
    """The reconciliation act for ``period``, compared with the counterparty's lines if given.

    Our lines are the actual settlement documents (shipments, returns,
    corrections, one line per document) and payments of the counterparty to
    ``organization_id``; a line agrees when the counterparty has the same
    document with the mirrored amounts.
    """
    cur = _currency(currency)
    if period.end is None:
        raise InvalidInputError("a reconciliation act needs a period with an end date")

    def ours(account: SettlementAccount) -> bool:
        return (
            account.organization_id == organization_id
            and account.counterparty_id == counterparty_id
            and account.currency == cur
        )

    opening = 0
    docs: dict[str, tuple[date, list[int]]] = {}
    for e in ledger.entries:
        if e.measure is Measure.ACTUAL and ours(e.account) and e.posted_on <= period.end:
            if e.posted_on < period.start:
                opening += e.amount.minor_units
                continue
            _, sums = docs.setdefault(e.document_id, (e.posted_on, [0, 0]))
            sums[0 if e.amount.is_positive() else 1] += abs(e.amount.minor_units)
    for p in ledger.payments:
        if ours(p.account) and p.received_on <= period.end:
            if p.received_on < period.start:
                opening -= p.settled.minor_units
                continue
            _, sums = docs.setdefault(p.id, (p.received_on, [0, 0]))
            sums[1] += p.settled.minor_units
    theirs = {line.document_id: line for line in their_lines}
    compare = bool(theirs)
    zero = Money.zero(cur)
    lines = []
    for doc_id, (on, (debit, credit)) in docs.items():
        ours_debit = Money.from_minor(debit, cur)
        ours_credit = Money.from_minor(credit, cur)
        mine = ActLine(on, doc_id, ours_debit, ours_credit)
        other = theirs.pop(doc_id, None)
        if other is not None:
            t_debit, t_credit = other.debit or zero, other.credit or zero
            agreed = t_debit == ours_credit and t_credit == ours_debit
            mine = attrs.evolve(
                mine,
                their_debit=t_debit,
                their_credit=t_credit,
                status=ActStatus.AGREED if agreed else ActStatus.DIFFERENT,
            )
        elif compare:
            mine = attrs.evolve(mine, status=ActStatus.ONLY_OURS)
        lines.append(mine)
    for other in theirs.values():
        lines.append(
            ActLine(
                other.on,
                other.document_id,
                zero,
                zero,
                other.debit or zero,
                other.credit or zero,
                ActStatus.ONLY_THEIRS,
            )
        )
    lines.sort(key=lambda line: (line.on, line.document_id))
    return ReconciliationAct(
        organization_id,
        counterparty_id,
        period,
        cur,
        Money.from_minor(opening, cur),
        tuple(lines),
        their_closing,
    )


def _table(
    title: str, headers: list[str], body: list[list[str]], text_columns: int, trailing: int = 0
) -> str:
    """A fixed-width table: the first ``text_columns`` and the last ``trailing``
    columns left-aligned, the amounts between them right-aligned."""
    amounts = range(text_columns, len(headers) - trailing)
    return "\n".join([title, *text_table(headers, body, right=amounts)])
