"""What a reconciliation act counts: whose documents, which days, and how it prints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from salescore.dates import Period
from salescore.money import Money
from salescore.receivables import (
    ActStatus,
    CounterpartyLine,
    EntryKind,
    Payment,
    ReconciliationAct,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    reconciliation_act,
)

OURS = SettlementAccount("VOLGA", "RUB", counterparty_id="VOLGA-LLC", organization_id="ORG-1")
OTHER_ORG = SettlementAccount("VOLGA", "RUB", counterparty_id="VOLGA-LLC", organization_id="ORG-2")
OTHER_CP = SettlementAccount("VOLGA", "RUB", counterparty_id="VOLGA-2", organization_id="ORG-1")
DOLLARS = SettlementAccount("VOLGA", "USD", counterparty_id="VOLGA-LLC", organization_id="ORG-1")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def entry(
    document: str,
    day: date,
    amount: str,
    account: SettlementAccount = OURS,
    kind: EntryKind = EntryKind.SHIPMENT,
) -> SettlementEntry:
    eid = f"{document}/{day.isoformat()}/{amount}/{account.organization_id}/{kind.value}"
    money = Money(amount, account.currency.code)
    return SettlementEntry(eid, kind, account, "SO-1", document, day, day, money)


def payment(pid: str, day: date, amount: str, account: SettlementAccount = OURS) -> Payment:
    return Payment(pid, account, day, Money(amount, account.currency.code))


def act_of(
    entries: Sequence[SettlementEntry],
    payments: Sequence[Payment] = (),
    their_lines: Sequence[CounterpartyLine] = (),
    their_closing: Money | None = None,
) -> ReconciliationAct:
    ledger = SettlementLedger(list(entries), list(payments))
    return reconciliation_act(
        ledger,
        "ORG-1",
        "VOLGA-LLC",
        MARCH,
        "RUB",
        their_lines=their_lines,
        their_closing=their_closing,
    )


def figures(act: ReconciliationAct) -> list[tuple[str, str, str]]:
    return [
        (line.document_id, str(line.debit.amount), str(line.credit.amount)) for line in act.lines
    ]


def test_only_the_organizations_documents_with_the_counterparty_in_the_currency_count() -> None:
    day = date(2026, 3, 10)
    act = act_of(
        [
            entry("SH-1", day, "100.00"),
            entry("SH-2", day, "200.00", OTHER_ORG),
            entry("SH-3", day, "300.00", OTHER_CP),
            entry("SH-4", day, "400.00", DOLLARS),
        ],
        [payment("PAY-2", day, "20.00", OTHER_ORG), payment("PAY-3", day, "30.00", OTHER_CP)],
    )
    assert figures(act) == [("SH-1", "100.00", "0.00")]
    assert act.closing == rub("100.00")


def test_planned_schedule_stages_are_not_documents_of_the_act() -> None:
    day = date(2026, 3, 10)
    act = act_of([entry("SO-1", day, "500.00", kind=EntryKind.SCHEDULE)])
    assert act.lines == ()
    assert act.opening == rub("0.00")


def test_the_period_includes_its_first_and_last_day() -> None:
    act = act_of(
        [
            entry("BEFORE-1", date(2026, 2, 27), "10.00"),
            entry("BEFORE-2", date(2026, 2, 28), "20.00"),
            entry("FIRST", date(2026, 3, 1), "100.00"),
            entry("LAST", date(2026, 3, 31), "200.00"),
            entry("AFTER", date(2026, 4, 1), "999.00"),
        ],
        [
            payment("PAY-OLD-1", date(2026, 2, 1), "1.00"),
            payment("PAY-OLD-2", date(2026, 2, 2), "2.00"),
            payment("PAY-FIRST", date(2026, 3, 1), "5.00"),
            payment("PAY-LAST", date(2026, 3, 31), "7.00"),
            payment("PAY-LATE", date(2026, 4, 1), "99.00"),
        ],
    )
    # Opening: 10 + 20 shipped, 1 + 2 paid before March 1st.
    assert act.opening == rub("27.00")
    assert figures(act) == [
        ("FIRST", "100.00", "0.00"),
        ("PAY-FIRST", "0.00", "5.00"),
        ("LAST", "200.00", "0.00"),
        ("PAY-LAST", "0.00", "7.00"),
    ]
    assert act.closing == rub("315.00")


def test_entries_of_one_document_are_summed_on_its_line() -> None:
    day = date(2026, 3, 10)
    act = act_of(
        [
            entry("SH-1", day, "100.00"),
            entry("SH-1", day, "50.00", kind=EntryKind.CORRECTION),
            entry("RET-1", day, "-30.00", kind=EntryKind.RETURN),
            entry("RET-1", day, "-5.00", kind=EntryKind.CORRECTION),
        ]
    )
    assert figures(act) == [("RET-1", "0.00", "35.00"), ("SH-1", "150.00", "0.00")]


def test_an_act_without_their_figures_prints_without_a_theirs_column_value() -> None:
    act = act_of([entry("SH-1", date(2026, 3, 2), "1000.00")])
    assert act.rows() == [
        {
            "date": "2026-03-02",
            "document": "SH-1",
            "debit": "1000.00",
            "credit": "0.00",
            "their_debit": "",
            "their_credit": "",
            "status": "",
        }
    ]
    assert act.as_text().splitlines()[-1] == "            closing 1000.00"


def test_the_printed_act_aligns_amounts_right_and_the_status_left() -> None:
    act = act_of(
        [entry("SH-1", date(2026, 3, 2), "1000.00")],
        [payment("PAY-1", date(2026, 3, 20), "400.00")],
        their_lines=[
            CounterpartyLine(date(2026, 3, 2), "SH-1", credit=rub("1000.00")),
            CounterpartyLine(date(2026, 3, 20), "PAY-1", debit=rub("450.00")),
        ],
        their_closing=rub("550.00"),
    )
    assert act.as_text().splitlines() == [
        "Reconciliation act ORG-1 / VOLGA-LLC, 2026-03-01..2026-03-31, RUB",
        "date        document    debit  credit  theirs: debit   credit  status",
        "----------  --------  -------  ------  -------------  -------  ---------",
        "            opening 0.00",
        "2026-03-02  SH-1      1000.00    0.00           0.00  1000.00  agreed",
        "2026-03-20  PAY-1        0.00  400.00         450.00     0.00  DIFFERENT",
        "            closing 600.00 (theirs 550.00)",
    ]


def test_a_document_only_they_have_shows_their_figures_and_zero_on_our_side() -> None:
    act = act_of(
        [entry("SH-1", date(2026, 3, 2), "100.00")],
        their_lines=[
            CounterpartyLine(date(2026, 3, 2), "SH-1", credit=rub("100.00")),
            CounterpartyLine(date(2026, 3, 3), "PAY-9", debit=rub("40.00")),
        ],
        their_closing=rub("60.00"),
    )
    only_theirs = act.lines[1]
    assert (only_theirs.debit, only_theirs.credit) == (rub("0.00"), rub("0.00"))
    assert (only_theirs.their_debit, only_theirs.their_credit) == (rub("40.00"), rub("0.00"))
    assert only_theirs.status is ActStatus.ONLY_THEIRS
    assert act.lines[0].status is ActStatus.AGREED
    assert not act.is_agreed


def test_a_payment_and_a_correction_under_one_document_number_share_its_line() -> None:
    # A bank fee booked as a correction under the payment's own number: one document,
    # one line, its credit the sum of both.
    day = date(2026, 3, 12)
    act = act_of(
        [entry("SH-1", day, "500.00"), entry("PAY-7", day, "-20.00", kind=EntryKind.CORRECTION)],
        [payment("PAY-7", day, "300.00")],
    )
    assert figures(act) == [("PAY-7", "0.00", "320.00"), ("SH-1", "500.00", "0.00")]
    assert act.closing == rub("180.00")


def test_the_act_in_a_notebook_shows_their_closing_balance_in_its_caption() -> None:
    act = act_of(
        [entry("SH-1", date(2026, 3, 2), "100.00")],
        their_lines=[CounterpartyLine(date(2026, 3, 2), "SH-1", credit=rub("100.00"))],
        their_closing=rub("90.00"),
    )
    assert "opening 0.00, closing 100.00 (theirs 90.00)</caption>" in act._repr_html_()
    assert (
        "closing 100.00</caption>" in act_of([entry("SH-1", MARCH.start, "100.00")])._repr_html_()
    )


def test_an_act_whose_every_line_agrees_is_agreed_when_they_gave_no_closing_balance() -> None:
    # They confirmed both documents but sent no closing balance of theirs: nothing to compare
    # the closing 1000.00 - 400.00 = 600.00 with, so the act is agreed on its lines alone.
    act = act_of(
        [entry("SH-1", date(2026, 3, 2), "1000.00")],
        [payment("PAY-1", date(2026, 3, 20), "400.00")],
        their_lines=[
            CounterpartyLine(date(2026, 3, 2), "SH-1", credit=rub("1000.00")),
            CounterpartyLine(date(2026, 3, 20), "PAY-1", debit=rub("400.00")),
        ],
    )
    assert [line.status for line in act.lines] == [ActStatus.AGREED, ActStatus.AGREED]
    assert act.closing == rub("600.00")
    assert act.their_closing is None
    assert act.is_agreed
