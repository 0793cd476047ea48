"""Aging by order and document, and the overdue figure a collector reads (fast examples)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from salescore.errors import InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    age_receivables,
    allocate_payments,
)

AS_OF = date(2026, 3, 31)
VOLGA = SettlementAccount("VOLGA", "RUB")


def shipment(eid: str, order: str, document: str, due: date, amount: str) -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SHIPMENT, VOLGA, order, document, date(2026, 1, 10),
                           due, Money(amount, "RUB"))  # fmt: skip


# One order shipped in two documents, a second order in one; one document not yet due.
ENTRIES = [
    shipment("1", "SO-1", "SH-1", date(2026, 3, 1), "200.00"),  # 30 days overdue
    shipment("2", "SO-1", "SH-2", date(2026, 4, 10), "100.00"),  # not due
    shipment("3", "SO-2", "SH-3", date(2026, 1, 20), "50.00"),  # 70 days overdue
]
LEDGER = SettlementLedger(ENTRIES, [], allocate_payments(ENTRIES, []))


def test_aging_grouped_by_order_sums_the_orders_documents() -> None:
    report = age_receivables(LEDGER, AS_OF, group_by=("order",))
    assert [
        (r["order"], r["not due"], r["1-30"], r["61-90"], r["total"]) for r in report.rows()
    ] == [
        ("SO-1", "100.00", "200.00", "0.00", "300.00"),
        ("SO-2", "0.00", "0.00", "50.00", "50.00"),
    ]


def test_aging_grouped_by_document_keeps_each_shipment_apart() -> None:
    report = age_receivables(LEDGER, AS_OF, group_by=("partner", "document"))
    assert [(r["partner"], r["document"], r["total"]) for r in report.rows()] == [
        ("VOLGA", "SH-1", "200.00"),
        ("VOLGA", "SH-2", "100.00"),
        ("VOLGA", "SH-3", "50.00"),
    ]


def test_overdue_is_the_open_debt_past_its_due_date() -> None:
    by_order = {row.group: row for row in age_receivables(LEDGER, AS_OF, group_by=("order",)).lines}
    # SO-1: 300.00 open, of which 100.00 is not due yet; SO-2: all 50.00 is overdue.
    assert by_order["SO-1",].overdue == Money("200.00", "RUB")
    assert by_order["SO-2",].overdue == Money("50.00", "RUB")
    assert by_order["SO-1",].total == Money("300.00", "RUB")


def test_nothing_is_overdue_on_the_day_before_the_first_due_date() -> None:
    (row,) = age_receivables(LEDGER, date(2026, 1, 19), group_by=()).lines
    assert row.overdue == Money("0.00", "RUB")
    assert row.buckets[0] == Money("350.00", "RUB")


def test_a_partner_without_a_segment_is_grouped_under_an_empty_segment() -> None:
    report = age_receivables(LEDGER, AS_OF, group_by=("segment",), segments={"CAFE": "horeca"})
    assert [(r["segment"], r["total"]) for r in report.rows()] == [("", "350.00")]


def test_a_report_built_by_hand_with_a_row_of_the_wrong_shape_is_refused_naming_the_row() -> None:
    report = age_receivables(LEDGER, AS_OF, group_by=("order",))
    good, other = report.lines
    short = attrs.evolve(other, buckets=other.buckets[:-1])
    wide = attrs.evolve(other, group=("SO-2", "SH-3"))
    for bad in (short, wide):
        with pytest.raises(InvalidInputError) as error:
            attrs.evolve(report, lines=(good, bad))
        assert str(error.value).startswith("aging report row 2 has ")
        assert "grouped by 1 field(s) ['order']" in str(error.value)
        assert error.value.details == {"row": 2}
    with pytest.raises(InvalidInputError) as error:
        attrs.evolve(report, lines=(short,))
    assert str(error.value) == (
        "aging report row 1 has 1 group values and 4 buckets; the report is grouped by 1 "
        "field(s) ['order'] and its policy has 5 buckets: give each row one value per field "
        "and one amount per bucket"
    )
