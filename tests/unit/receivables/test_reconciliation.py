"""Settlement statements and reconciliation acts (F6)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.dates import Period
from salescore.money import Money
from salescore.receivables import (
    ActStatus,
    CounterpartyLine,
    EntryKind,
    ManualAllocation,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    allocate_payments,
    reconciliation_act,
    settlement_statement,
)

ACC = SettlementAccount("VOLGA", "RUB", counterparty_id="VOLGA-LLC", organization_id="ORG-1")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def shipment(eid: str, order: str, day: date, amount: str) -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SHIPMENT, ACC, order, eid, day, day, rub(amount))


ENTRIES = [
    shipment("SHIP-1", "SO-1", date(2026, 2, 10), "1000.00"),
    shipment("SHIP-2", "SO-2", date(2026, 3, 5), "500.00"),
    SettlementEntry("RET-2", EntryKind.RETURN, ACC, "SO-2", "RET-2", date(2026, 3, 7),
                    date(2026, 3, 7), rub("-100.00")),
]  # fmt: skip
PAYMENTS = [
    Payment("PAY-1", ACC, date(2026, 2, 20), rub("300.00")),
    Payment("PAY-2", ACC, date(2026, 3, 15), rub("600.00"),
            manual=(ManualAllocation("SO-2", rub("400.00")),)),
]  # fmt: skip
LEDGER = SettlementLedger(ENTRIES, PAYMENTS, allocate_payments(ENTRIES, PAYMENTS))


def test_the_statement_by_partner_has_opening_increases_decreases_and_closing() -> None:
    (row,) = settlement_statement(LEDGER, MARCH).rows()
    assert row == {"partner": "VOLGA", "currency": "RUB", "opening": "700.00",
                   "increase": "500.00", "decrease": "700.00", "closing": "500.00"}  # fmt: skip


def test_the_statement_by_order_moves_payments_to_the_orders_they_paid() -> None:
    rows = settlement_statement(LEDGER, MARCH, group_by=("order",)).rows()
    closing = {r["order"]: r["closing"] for r in rows}
    assert closing == {"": "0.00", "SO-1": "500.00", "SO-2": "0.00"}


def test_the_statement_closing_equals_the_ledger_balance() -> None:
    (row,) = settlement_statement(LEDGER, MARCH).rows()
    assert rub(row["closing"]) == LEDGER.balance(date(2026, 3, 31))


def test_the_act_lists_documents_with_debit_and_credit_and_agrees_with_mirrored_lines() -> None:
    theirs = [
        CounterpartyLine(date(2026, 3, 5), "SHIP-2", credit=rub("500.00")),
        CounterpartyLine(date(2026, 3, 7), "RET-2", debit=rub("100.00")),
        CounterpartyLine(date(2026, 3, 15), "PAY-2", debit=rub("600.00")),
    ]
    act = reconciliation_act(LEDGER, "ORG-1", "VOLGA-LLC", MARCH, "RUB", their_lines=theirs,
                             their_closing=rub("500.00"))  # fmt: skip
    assert act.opening == rub("700.00")
    assert act.closing == rub("500.00")
    assert [line.status for line in act.lines] == [ActStatus.AGREED] * 3
    assert act.is_agreed


def test_the_act_flags_lines_missing_on_either_side() -> None:
    theirs = [
        CounterpartyLine(date(2026, 3, 5), "SHIP-2", credit=rub("500.00")),
        CounterpartyLine(date(2026, 3, 20), "THEIR-9", debit=rub("50.00")),
    ]
    act = reconciliation_act(LEDGER, "ORG-1", "VOLGA-LLC", MARCH, "RUB", their_lines=theirs)
    status = {line.document_id: line.status for line in act.lines}
    assert status == {"SHIP-2": ActStatus.AGREED, "RET-2": ActStatus.ONLY_OURS,
                      "PAY-2": ActStatus.ONLY_OURS, "THEIR-9": ActStatus.ONLY_THEIRS}  # fmt: skip
    assert not act.is_agreed


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.integers(0, 90), st.integers(-50_000, 100_000)), max_size=15),
    st.lists(st.tuples(st.integers(0, 90), st.integers(1, 80_000)), max_size=6),
    st.integers(0, 60),
    st.integers(0, 40),
)
def test_every_statement_row_balances(
    moves: list[tuple[int, int]], pays: list[tuple[int, int]], start: int, length: int
) -> None:
    base = date(2026, 1, 1).toordinal()
    entries = [
        SettlementEntry(f"E{n}", EntryKind.CORRECTION if units < 0 else EntryKind.SHIPMENT, ACC,
                        f"SO-{n % 3}", f"E{n}", date.fromordinal(base + day),
                        date.fromordinal(base + day), Money.from_minor(units or 1, "RUB"))
        for n, (day, units) in enumerate(moves)
    ]  # fmt: skip
    payments = [
        Payment(f"P{n}", ACC, date.fromordinal(base + day), Money.from_minor(units, "RUB"))
        for n, (day, units) in enumerate(pays)
    ]
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    period = Period(date.fromordinal(base + start), date.fromordinal(base + start + length))
    for group_by in (("partner",), ("order",), ("order", "document")):
        statement = settlement_statement(ledger, period, group_by=group_by)
        closing = Money.zero("RUB")
        for line in statement.lines:
            assert line.opening + line.increase - line.decrease == line.closing
            closing = closing + line.closing
        assert closing == ledger.balance(period.end or period.start, currency="RUB")
