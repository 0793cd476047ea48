"""Aging and overdue classification (F4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.dates import BusinessCalendar
from salescore.errors import InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    AgingBucket,
    AgingPolicy,
    DayCount,
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    age_columns,
    age_receivables,
    allocate_payments,
)

AS_OF = date(2026, 3, 31)
VOLGA = SettlementAccount("VOLGA", "RUB", counterparty_id="VOLGA-LLC", organization_id="ORG-1")
CAFE = SettlementAccount("CAFE", "RUB", organization_id="ORG-1")


def entry(
    eid: str, acc: SettlementAccount, due: date, amount: str, manager: str
) -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SHIPMENT, acc, f"SO-{eid}", eid, date(2025, 10, 1), due,
                           Money(amount, "RUB"), manager)  # fmt: skip


ENTRIES = [
    entry("1", VOLGA, date(2026, 4, 10), "100.00", "ivanova"),  # not due
    entry("2", VOLGA, date(2026, 3, 1), "200.00", "ivanova"),  # 30 days: 1-30
    entry("3", CAFE, date(2026, 1, 30), "300.00", "petrov"),  # 60 days: 31-60
    entry("4", CAFE, date(2025, 12, 1), "400.00", "petrov"),  # 120 days: 90+
]


def ledger_with(*payments: Payment) -> SettlementLedger:
    return SettlementLedger(ENTRIES, payments, allocate_payments(ENTRIES, payments))


def test_each_open_item_lands_in_the_bucket_of_its_days_overdue() -> None:
    report = age_receivables(ledger_with(), AS_OF)
    assert report.rows() == [
        {"partner": "CAFE", "currency": "RUB", "not due": "0.00", "1-30": "0.00",
         "31-60": "300.00", "61-90": "0.00", "90+": "400.00", "total": "700.00",
         "credit": "0.00"},
        {"partner": "VOLGA", "currency": "RUB", "not due": "100.00", "1-30": "200.00",
         "31-60": "0.00", "61-90": "0.00", "90+": "0.00", "total": "300.00", "credit": "0.00"},
    ]  # fmt: skip


def test_a_report_for_a_past_date_ignores_later_payments() -> None:
    before = age_receivables(ledger_with(), AS_OF)
    later = Payment("PAY", CAFE, AS_OF + timedelta(days=5), Money("1000.00", "RUB"))
    assert age_receivables(ledger_with(later), AS_OF) == before
    assert age_receivables(ledger_with(later), AS_OF + timedelta(days=5)).rows()[0]["total"] == (
        "0.00"
    )


def test_grouping_by_manager_and_organization_sums_across_partners() -> None:
    report = age_receivables(ledger_with(), AS_OF, group_by=("organization", "manager"))
    assert [(r["organization"], r["manager"], r["total"]) for r in report.rows()] == [
        ("ORG-1", "ivanova", "300.00"),
        ("ORG-1", "petrov", "700.00"),
    ]


def test_grouping_by_segment_uses_the_given_partner_segments() -> None:
    report = age_receivables(
        ledger_with(), AS_OF, group_by=("segment",), segments={"CAFE": "horeca", "VOLGA": "horeca"}
    )
    assert [(r["segment"], r["total"]) for r in report.rows()] == [("horeca", "1000.00")]


def test_unused_credit_is_shown_beside_the_buckets() -> None:
    over = Payment("PAY", CAFE, date(2026, 3, 15), Money("750.00", "RUB"))
    cafe = age_receivables(ledger_with(over), AS_OF).lines[0]
    assert (cafe.total, cafe.credit) == (Money("0.00", "RUB"), Money("50.00", "RUB"))


def test_working_day_policy_counts_only_working_days_overdue() -> None:
    # Due Friday 2026-03-27; on Tuesday 2026-03-31 that is 4 calendar but 2 working days.
    policy = AgingPolicy(
        (AgingBucket("not due", None, 0), AgingBucket("1-2", 1, 2), AgingBucket("3+", 3, None)),
        DayCount.WORKING,
    )
    due = date(2026, 3, 27).toordinal()
    sums = age_columns(["P"], [due], [5], AS_OF.toordinal(), policy, BusinessCalendar())
    assert sums == {"P": [0, 5, 0]}


def test_a_working_day_policy_without_a_calendar_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="pass the business calendar"):
        age_columns(["P"], [1], [1], 2, AgingPolicy.default(DayCount.WORKING))


def test_buckets_with_a_gap_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="should start at 31"):
        AgingPolicy(
            (AgingBucket("a", None, 30), AgingBucket("b", 40, None)),
        )


def test_an_unknown_grouping_field_names_the_allowed_ones() -> None:
    with pytest.raises(InvalidInputError, match="cannot group aging by 'colour'"):
        age_receivables(ledger_with(), AS_OF, group_by=("colour",))


def test_the_text_report_has_a_total_line() -> None:
    text = age_receivables(ledger_with(), AS_OF).as_text()
    assert text.splitlines()[0] == "Aging of actual receivables on 2026-03-31 (calendar days)"
    assert text.splitlines()[-1].split() == [
        "TOTAL", "RUB", "100.00", "200.00", "300.00", "0.00", "400.00", "1000.00", "0.00",
    ]  # fmt: skip


def test_an_ungrouped_text_report_has_one_column_per_figure() -> None:
    lines = age_receivables(ledger_with(), AS_OF, group_by=()).as_text().splitlines()
    assert lines[1].split() == ["cur", "not", "due", "1-30", "31-60", "61-90", "90+", "total",
                                "credit"]  # fmt: skip
    assert lines[-1].split() == [
        "RUB", "100.00", "200.00", "300.00", "0.00", "400.00", "1000.00", "0.00",
    ]  # fmt: skip


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.integers(-400, 400), st.integers(0, 10**9)),
        max_size=60,
    ),
    st.lists(st.integers(1, 200), min_size=0, max_size=5, unique=True).map(sorted),
    st.booleans(),
)
def test_aging_buckets_sum_to_the_open_balance_and_each_item_is_in_one_bucket(
    items: list[tuple[str, int, int]], bounds: list[int], working: bool
) -> None:
    as_of = AS_OF.toordinal()
    policy = AgingPolicy.from_bounds(bounds, DayCount.WORKING if working else DayCount.CALENDAR)
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 1, 1), date(2026, 3, 9)}))
    keys = [k for k, _, _ in items]
    dues = [as_of - d for _, d, _ in items]
    amounts = [a for _, _, a in items]
    sums = age_columns(keys, dues, amounts, as_of, policy, calendar)
    for key in set(keys):
        assert sum(sums[key]) == sum(a for k, _, a in items if k == key)
    for key, due, amount in zip(keys, dues, amounts, strict=True):
        days = as_of - due
        if working:
            days = calendar.working_days_between(date.fromordinal(due), AS_OF)
        alone = age_columns([key], [due], [amount], as_of, policy, calendar)[key]
        assert alone[policy.index(days)] == amount
        assert sum(1 for b in policy.buckets if b.contains(days)) == 1
