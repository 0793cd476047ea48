"""Receivables results as typed records, notebook tables and values (issue 12, items 3-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.values import assert_is_value, assert_typed_records

from salescore.dates import BusinessCalendar, Period
from salescore.money import Money
from salescore.receivables import (
    ControlPoint,
    CounterpartyLine,
    CreditLimit,
    DayCount,
    DueEvent,
    EntryKind,
    LimitScope,
    Payment,
    PaymentScheduleTemplate,
    ProposedDocument,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    age_receivables,
    allocate_payments,
    check_credit,
    credit_exposure,
    override_decision,
    reconciliation_act,
    settlement_statement,
    stop_list,
)
from salescore.records import Record, table

AS_OF = date(2026, 3, 2)
CAFE = SettlementAccount("CAFE", "RUB", counterparty_id="CAFE-LLC", organization_id="ORG")
SCRIPT = SettlementAccount("<script>", "RUB", organization_id="ORG")


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


ENTRIES = [
    SettlementEntry("E1", EntryKind.SHIPMENT, CAFE, "SO-1", "SHIP-1", date(2026, 1, 10),
                    date(2026, 1, 20), rub("5000.00")),
    SettlementEntry("E2", EntryKind.SHIPMENT, CAFE, "SO-2", "SHIP-2", date(2026, 2, 25),
                    date(2026, 3, 20), rub("4500.50")),
    SettlementEntry("E3", EntryKind.SHIPMENT, SCRIPT, "SO-3", "SHIP-3", date(2026, 2, 1),
                    date(2026, 2, 15), rub("1000.25")),
]  # fmt: skip
PAYMENTS = [Payment("PAY-1", CAFE, date(2026, 2, 1), rub("1200.00"))]
ALLOCATIONS = allocate_payments(ENTRIES, PAYMENTS)
LEDGER = SettlementLedger(ENTRIES, PAYMENTS, ALLOCATIONS)
LIMIT = CreditLimit("L1", LimitScope.PARTNER, "CAFE", "RUB", max_debt=rub("8000.00"),
                    max_overdue_days=30)  # fmt: skip
ORDER = ProposedDocument("SO-4", ControlPoint.ORDER, CAFE, rub("500.00"))
NEW_YEAR = BusinessCalendar("RU 2026", holidays=frozenset(date(2026, 1, d) for d in range(1, 9)))
TEMPLATE = PaymentScheduleTemplate("ADV30", "30% advance, 70% after shipment", (
    ScheduleStage(StageKind.ADVANCE, percent=Decimal(30)),
    ScheduleStage(StageKind.CREDIT, days=14, day_count=DayCount.WORKING, event=DueEvent.SHIPMENT),
))  # fmt: skip
SCHEDULE = TEMPLATE.generate(rub("100000.01"), date(2025, 12, 25), date(2025, 12, 29), NEW_YEAR)


def decimals(records: list[Record], *keys: str) -> list[Decimal]:
    """The cells of ``keys`` in ``records``, each checked to be a Decimal."""
    cells = [r[k] for r in records for k in keys]
    assert all(isinstance(c, Decimal) for c in cells), cells
    return [c for c in cells if isinstance(c, Decimal)]


def test_aging_records_are_typed_and_a_data_frame_sums_them_as_decimals() -> None:
    records = age_receivables(LEDGER, AS_OF).to_records()
    # CAFE: E1 5000.00 - 1200.00 paid, 41 days overdue; E2 not due. <script>: 15 days.
    assert records == [
        {"partner": "<script>", "currency": "RUB", "not due": Decimal("0.00"),
         "1-30": Decimal("1000.25"), "31-60": Decimal("0.00"), "61-90": Decimal("0.00"),
         "90+": Decimal("0.00"), "total": Decimal("1000.25"), "credit": Decimal("0.00")},
        {"partner": "CAFE", "currency": "RUB", "not due": Decimal("4500.50"),
         "1-30": Decimal("0.00"), "31-60": Decimal("3800.00"), "61-90": Decimal("0.00"),
         "90+": Decimal("0.00"), "total": Decimal("8300.50"), "credit": Decimal("0.00")},
    ]  # fmt: skip
    frame = pd.DataFrame(records)
    total: object = frame["total"].sum()
    assert isinstance(total, Decimal)
    assert total == Decimal("9300.75")
    assert frame.groupby("currency")["31-60"].sum()["RUB"] == Decimal("3800.00")


def test_polars_takes_the_same_records_with_decimal_and_date_columns() -> None:
    frame = pl.DataFrame(SCHEDULE.to_records())
    assert frame.schema["due_date"] == pl.Date
    assert isinstance(frame.schema["amount"], pl.Decimal)
    assert frame["amount"].sum() == Decimal("100000.01")
    assert frame["due_date"].to_list() == [date(2025, 12, 25), date(2026, 1, 26)]


def test_schedule_records_keep_dates_and_sum_to_the_total() -> None:
    frame = pd.DataFrame(SCHEDULE.to_records())
    assert list(frame["kind"]) == ["advance", "credit"]
    assert all(type(d) is date for d in frame["due_date"])
    assert frame["amount"].sum() == SCHEDULE.total.amount
    assert list(frame["percent"]) == [Decimal(30), Decimal(70)]


def test_the_aging_table_escapes_a_partner_named_script() -> None:
    shown = age_receivables(LEDGER, AS_OF)._repr_html_()
    assert "<script>" not in shown
    assert "<td>&lt;script&gt;</td>" in shown
    assert "<caption>Aging of actual receivables on 2026-03-02 (calendar days)</caption>" in shown
    assert '<td style="text-align: right">8300.50</td>' in shown


def test_credit_decision_records_carry_typed_figures_now_and_after() -> None:
    decision = check_credit(LEDGER, [LIMIT], ORDER, AS_OF)
    rows = decision.to_records()
    assert [(r["figure"], r["limit"], r["current"], r["after"], r["currency"]) for r in rows] == [
        ("debt", Decimal("8000.00"), Decimal("8300.50"), Decimal("8800.50"), "RUB"),
        ("overdue days", Decimal(30), Decimal(41), Decimal(41), None),
    ]
    assert {r["verdict"] for r in rows} == {"block"}
    assert rows[0]["on"] == AS_OF
    released = override_decision(decision, by="boss", at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                                 reason="paid <by phone>")  # fmt: skip
    shown = released._repr_html_()
    assert "paid &lt;by phone&gt;" in shown
    assert "credit check of SO-4 on 2026-03-02: allow" in shown


def test_an_allowed_decision_has_no_rows_but_shows_its_header() -> None:
    decision = check_credit(LEDGER, [], ORDER, AS_OF)
    assert decision.to_records() == []
    assert "<th>limit_id</th>" in decision._repr_html_()


def test_stop_list_and_exposure_records() -> None:
    (entry,) = stop_list(LEDGER, [LIMIT], AS_OF)
    rows = table([entry]).to_records()
    assert [r["exposure_debt"] for r in rows] == [Decimal("8300.50")] * 2
    assert [r["exposure_overdue_days"] for r in rows] == [41, 41]
    exposure = credit_exposure(LEDGER, LIMIT, AS_OF)
    assert exposure.to_records() == [{"debt": Decimal("8300.50"), "overdue": Decimal("3800.00"),
                                      "currency": "RUB", "overdue_days": 41}]  # fmt: skip


def test_statement_records_balance_per_row() -> None:
    statement = settlement_statement(LEDGER, Period(date(2026, 2, 1), date(2026, 2, 28)))
    frame = pd.DataFrame(statement.to_records()).set_index("partner")
    assert frame.loc["CAFE", "opening"] == Decimal("5000.00")
    assert frame.loc["CAFE", "increase"] == Decimal("4500.50")
    assert frame.loc["CAFE", "decrease"] == Decimal("1200.00")
    assert frame.loc["CAFE", "closing"] == Decimal("8300.50")
    assert frame["closing"].sum() == Decimal("9300.75")
    assert "&lt;script&gt;" in statement._repr_html_()


def test_reconciliation_act_records() -> None:
    theirs = [CounterpartyLine(date(2026, 2, 1), "PAY-1", debit=rub("1200.00"))]
    act = reconciliation_act(LEDGER, "ORG", "CAFE-LLC", Period(date(2026, 2, 1),
                             date(2026, 2, 28)), "RUB", their_lines=theirs)  # fmt: skip
    assert act.to_records() == [
        {"date": date(2026, 2, 1), "document": "PAY-1", "debit": Decimal("0.00"),
         "credit": Decimal("1200.00"), "their_debit": Decimal("1200.00"),
         "their_credit": Decimal("0.00"), "status": "agreed", "currency": "RUB"},
        {"date": date(2026, 2, 25), "document": "SHIP-2", "debit": Decimal("4500.50"),
         "credit": Decimal("0.00"), "their_debit": None, "their_credit": None,
         "status": "only ours", "currency": "RUB"},
    ]  # fmt: skip
    assert "opening 5000.00, closing 8300.50" in act._repr_html_()


def test_allocations_and_open_items_as_one_table() -> None:
    paid = table(ALLOCATIONS, "allocations")
    rows = [(r["measure"], r["entry_id"], r["amount"], r["allocated_on"]) for r in
            paid.to_records()]  # fmt: skip
    assert rows == [("actual", "E1", Decimal("1200.00"), date(2026, 2, 1))]
    items = table(LEDGER.open_items(AS_OF), "open items").to_records()
    assert sum(decimals(items, "open")) == Decimal("9300.75")
    assert sorted(r["partner_id"] for r in items) == ["<script>", "CAFE", "CAFE"]  # type: ignore[type-var]


@pytest.mark.parametrize(
    "value",
    [
        age_receivables(LEDGER, AS_OF),
        SCHEDULE,
        SCHEDULE.stages[1],
        check_credit(LEDGER, [LIMIT], ORDER, AS_OF).breaches[0],
        check_credit(LEDGER, [LIMIT], ORDER, AS_OF),
        override_decision(check_credit(LEDGER, [LIMIT], ORDER, AS_OF), by="boss",
                          at=datetime(2026, 3, 2, 9, tzinfo=UTC), reason="phoned"),
        stop_list(LEDGER, [LIMIT], AS_OF)[0],
        credit_exposure(LEDGER, LIMIT, AS_OF),
        settlement_statement(LEDGER, Period(date(2026, 2, 1), date(2026, 2, 28))),
        reconciliation_act(LEDGER, "ORG", "CAFE-LLC", Period(date(2026, 2, 1),
                           date(2026, 2, 28)), "RUB"),
        ALLOCATIONS[0],
        LEDGER.open_items(AS_OF)[0],
        table(ALLOCATIONS, "allocations"),
    ],
    ids=lambda v: type(v).__name__,
)  # fmt: skip
def test_receivables_results_are_values_with_typed_records(value: object) -> None:
    assert_is_value(value)
    assert_typed_records(value)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**9), st.integers(-200, 60)), min_size=1, max_size=12))
def test_the_total_column_sums_exactly_to_the_open_debt(items: list[tuple[int, int]]) -> None:
    entries = [
        SettlementEntry(f"E{n}", EntryKind.SHIPMENT, SettlementAccount(f"P{n % 3}", "RUB"),
                        f"SO-{n}", f"SHIP-{n}", date(2025, 1, 1),
                        date.fromordinal(AS_OF.toordinal() - days), Money.from_minor(units, "RUB"))
        for n, (units, days) in enumerate(items)
    ]  # fmt: skip
    records = age_receivables(SettlementLedger(entries), AS_OF).to_records()
    expected = sum((Decimal(units) / 100 for units, _ in items), Decimal(0))
    assert pd.DataFrame(records)["total"].sum() == expected
    buckets = ["not due", "1-30", "31-60", "61-90", "90+"]
    for record in records:
        assert sum(decimals([record], *buckets)) == record["total"]


def _head(shown: str) -> tuple[str, list[str]]:
    caption = shown.split("<caption>")[1].split("</caption>")[0]
    head = shown.split("<thead>")[1].split("</thead>")[0]
    return caption, head.removeprefix("<tr><th>").removesuffix("</th></tr>").split("</th><th>")


def test_notebook_tables_show_their_caption_and_columns_in_order() -> None:
    period = Period(date(2026, 2, 1), date(2026, 2, 28))
    act = reconciliation_act(LEDGER, "ORG", "CAFE-LLC", period, "RUB")
    assert _head(act._repr_html_()) == (
        "Reconciliation act ORG / CAFE-LLC, 2026-02-01..2026-02-28, RUB: "
        "opening 5000.00, closing 8300.50",
        ["date", "document", "debit", "credit", "their_debit", "their_credit", "status"],
    )
    statement = settlement_statement(LEDGER, period)
    assert _head(statement._repr_html_()) == (
        "Settlement statement (actual) 2026-02-01..2026-02-28",
        ["partner", "currency", "opening", "increase", "decrease", "closing"],
    )
    decision = check_credit(LEDGER, [LIMIT], ORDER, AS_OF)
    assert _head(decision._repr_html_()) == (
        "credit check of SO-4 on 2026-03-02: block",
        ["limit_id", "subject", "figure", "limit", "current", "after", "currency"],
    )


def test_an_open_item_record_names_every_party_and_figure() -> None:
    item = LEDGER.open_items(AS_OF)[0]
    assert item.to_records() == [
        {"entry_id": "E1", "kind": "shipment", "partner_id": "CAFE",
         "counterparty_id": "CAFE-LLC", "organization_id": "ORG", "contract_id": None,
         "currency": "RUB", "order_id": "SO-1", "document_id": "SHIP-1",
         "posted_on": date(2026, 1, 10), "due_date": date(2026, 1, 20),
         "amount": Decimal("5000.00"), "open": Decimal("3800.00"), "manager": None},
    ]  # fmt: skip
    assert _head(item._repr_html_())[0] == "open item E1"


def test_an_allocation_and_an_open_credit_as_records() -> None:
    assert ALLOCATIONS[0].to_records() == [
        {"measure": "actual", "source_id": "PAY-1", "entry_id": "E1",
         "allocated_on": date(2026, 2, 1), "amount": Decimal("1200.00"), "currency": "RUB",
         "manual": False},
    ]  # fmt: skip
    account = SettlementAccount(
        "BAR", "RUB", counterparty_id="BAR-LLC", organization_id="ORG", contract_id="K-7"
    )
    entry = SettlementEntry("X1", EntryKind.SHIPMENT, account, "SO-9", "SH-9",
                            date(2026, 2, 1), date(2026, 2, 10), rub("100.00"))  # fmt: skip
    paid = [Payment("PAY-9", account, date(2026, 2, 5), rub("150.00"))]
    ledger = SettlementLedger([entry], paid, allocate_payments([entry], paid))
    (credit,) = ledger.open_credits(date(2026, 2, 28))
    assert credit.to_records() == [
        {"source_id": "PAY-9", "partner_id": "BAR", "counterparty_id": "BAR-LLC",
         "organization_id": "ORG", "contract_id": "K-7", "currency": "RUB",
         "received_on": date(2026, 2, 5), "open": Decimal("50.00"), "order_id": None},
    ]  # fmt: skip
    assert _head(credit._repr_html_())[0] == "open credit PAY-9"


def test_an_allocation_table_names_its_source() -> None:
    assert _head(ALLOCATIONS[0]._repr_html_())[0] == "allocation of PAY-1"
