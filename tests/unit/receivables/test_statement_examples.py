"""Settlement statements by document, in two currencies, planned, and printed (fast examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.dates import Period
from salescore.errors import InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    allocate_payments,
    settlement_statement,
)

VOLGA, CAFE = SettlementAccount("VOLGA", "RUB"), SettlementAccount("CAFE", "RUB")
VOLGA_USD = SettlementAccount("VOLGA", "USD")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def entry(
    eid: str,
    account: SettlementAccount,
    day: date,
    amount: str,
    kind: EntryKind = EntryKind.SHIPMENT,
    document: str | None = None,
) -> SettlementEntry:
    money = Money(amount, account.currency.code)
    return SettlementEntry(eid, kind, account, "SO-1", document or eid, day, day, money)


def ledger(entries: list[SettlementEntry], payments: list[Payment]) -> SettlementLedger:
    return SettlementLedger(entries, payments, allocate_payments(entries, payments))


def test_by_document_a_payment_moves_to_the_documents_it_paid() -> None:
    book = ledger(
        [entry("SH-1", VOLGA, date(2026, 3, 2), "100.00"), entry("SH-2", VOLGA, date(2026, 3, 3),
         "50.00")],
        [Payment("PAY", VOLGA, date(2026, 3, 10), Money("120.00", "RUB"))],
    )  # fmt: skip
    rows = settlement_statement(book, MARCH, group_by=("partner", "document")).rows()
    assert [(r["partner"], r["document"], r["increase"], r["decrease"], r["closing"])
            for r in rows] == [
        ("VOLGA", "PAY", "120.00", "120.00", "0.00"),
        ("VOLGA", "SH-1", "100.00", "100.00", "0.00"),
        ("VOLGA", "SH-2", "50.00", "20.00", "30.00"),
    ]  # fmt: skip


def test_a_return_paying_its_order_moves_from_the_return_to_the_shipment() -> None:
    book = ledger(
        [
            entry("SH-1", VOLGA, date(2026, 3, 2), "100.00"),
            entry("RET-1", VOLGA, date(2026, 3, 5), "-40.00", EntryKind.RETURN),
        ],
        [],
    )
    rows = settlement_statement(book, MARCH, group_by=("partner", "document")).rows()
    assert [(r["document"], r["closing"]) for r in rows] == [("RET-1", "0.00"), ("SH-1", "60.00")]


def test_lines_are_ordered_by_group_then_currency_code() -> None:
    book = ledger(
        [
            entry("1", VOLGA_USD, date(2026, 3, 2), "5.00"),
            entry("2", VOLGA, date(2026, 3, 2), "100.00"),
            entry("3", CAFE, date(2026, 3, 2), "7.00"),
        ],
        [],
    )
    statement = settlement_statement(book, MARCH)
    assert [(r["partner"], r["currency"]) for r in statement.rows()] == [
        ("CAFE", "RUB"),
        ("VOLGA", "RUB"),
        ("VOLGA", "USD"),
    ]
    assert (statement.period, statement.measure) == (MARCH, Measure.ACTUAL)


def test_a_move_on_the_first_day_is_a_movement_and_a_kopeck_is_an_increase() -> None:
    book = ledger(
        [
            entry("OLD", VOLGA, date(2026, 2, 28), "10.00"),
            entry("FIRST", VOLGA, date(2026, 3, 1), "0.01"),
        ],
        [],
    )
    (row,) = settlement_statement(book, MARCH).rows()
    assert (row["opening"], row["increase"], row["decrease"]) == ("10.00", "0.01", "0.00")


def test_a_planned_statement_by_order_uses_the_planned_allocations_only() -> None:
    book = ledger(
        [
            entry("PLAN", VOLGA, date(2026, 3, 2), "100.00", EntryKind.SCHEDULE, "SO-1"),
            entry("SH-1", VOLGA, date(2026, 3, 3), "100.00"),
        ],
        [Payment("PAY", VOLGA, date(2026, 3, 4), Money("100.00", "RUB"))],
    )
    rows = settlement_statement(book, MARCH, group_by=("order",), measure=Measure.PLANNED).rows()
    assert [(r["order"], r["increase"], r["decrease"], r["closing"]) for r in rows] == [
        ("", "100.00", "100.00", "0.00"),
        ("SO-1", "100.00", "100.00", "0.00"),
    ]


def test_the_printed_statement_aligns_groups_left_and_amounts_right() -> None:
    book = ledger(
        [entry("SH-1", VOLGA, date(2026, 2, 2), "100.00"), entry("SH-2", VOLGA, date(2026, 3, 3),
         "50.00")],
        [Payment("PAY", VOLGA, date(2026, 3, 10), Money("120.00", "RUB"))],
    )  # fmt: skip
    text = settlement_statement(book, MARCH, group_by=("partner", "order")).as_text()
    # SO-1: 100.00 shipped in February, 50.00 in March, 120.00 of the payment moved to it.
    assert text.splitlines() == [
        "Settlement statement (actual) 2026-03-01..2026-03-31",
        "partner  order  cur  opening  increase  decrease  closing",
        "-------  -----  ---  -------  --------  --------  -------",
        "VOLGA           RUB     0.00    120.00    120.00     0.00",
        "VOLGA    SO-1   RUB   100.00     50.00    120.00    30.00",
    ]


def test_a_statement_is_refused_an_unknown_grouping_field() -> None:
    book = ledger([entry("SH-1", VOLGA, date(2026, 3, 2), "100.00")], [])
    with pytest.raises(InvalidInputError, match="cannot group a statement by 'colour'"):
        settlement_statement(book, MARCH, group_by=("partner", "colour"))


def test_statement_records_name_the_currency_and_an_empty_table_keeps_its_header() -> None:
    book = ledger([entry("SH-1", VOLGA, date(2026, 3, 2), "100.00")], [])
    statement = settlement_statement(book, MARCH)
    assert statement.to_records() == [
        {
            "partner": "VOLGA",
            "currency": "RUB",
            "opening": Decimal("0.00"),
            "increase": Decimal("100.00"),
            "decrease": Decimal("0.00"),
            "closing": Decimal("100.00"),
        }
    ]
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    empty = settlement_statement(SettlementLedger([], []), april, group_by=("partner", "order"))
    assert (
        "<thead><tr><th>partner</th><th>order</th><th>currency</th><th>opening</th>"
        "<th>increase</th><th>decrease</th><th>closing</th></tr></thead><tbody></tbody>"
    ) in empty._repr_html_()


def test_moves_after_the_period_are_left_out_wherever_they_stand_in_the_ledger() -> None:
    # Listed first, SH-APR (2 April) is after March; SH-MAR (2 March) and the payment of
    # 10 March still count: 100.00 up, 40.00 down, 60.00 at the end of March.
    book = ledger(
        [entry("SH-APR", VOLGA, date(2026, 4, 2), "500.00"),
         entry("SH-MAR", VOLGA, date(2026, 3, 2), "100.00")],
        [Payment("PAY", VOLGA, date(2026, 3, 10), Money("40.00", "RUB"))],
    )  # fmt: skip
    rows = settlement_statement(book, MARCH).rows()
    assert [(r["partner"], r["opening"], r["increase"], r["decrease"], r["closing"])
            for r in rows] == [("VOLGA", "0.00", "100.00", "40.00", "60.00")]  # fmt: skip
