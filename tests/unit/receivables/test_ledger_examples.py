"""Ledger entries from schedules and shipments, balances per partner, aging in two currencies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.dates import BusinessCalendar
from salescore.errors import InvalidAmountError, InvalidInputError, SettlementError
from salescore.money import Money
from salescore.receivables import (
    AgingBucket,
    AgingPolicy,
    EntryKind,
    ManualAllocation,
    OpenCredit,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    age_columns,
    age_receivables,
    allocate_payments,
    schedule_entries,
    shipment_entries,
)

CAL = BusinessCalendar("weekdays")
VOLGA, CAFE = SettlementAccount("VOLGA", "RUB"), SettlementAccount("CAFE", "RUB")
VOLGA_USD = SettlementAccount("VOLGA", "USD")
DAY = date(2026, 3, 2)
HALVES = PaymentScheduleTemplate(
    "50-50",
    "half now, half later",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(50)),
        ScheduleStage(StageKind.CREDIT, Decimal(50), 10),
    ),
)


def test_schedule_entries_are_numbered_from_one_and_carry_the_manager() -> None:
    schedule = HALVES.generate(Money("100.00", "RUB"), date(2026, 3, 2), None, CAL)
    entries = schedule_entries(schedule, VOLGA, "SO-7", date(2026, 3, 2), manager="ivanova")
    assert [(e.id, e.document_id, e.kind, e.due_date, e.amount, e.manager) for e in entries] == [
        ("SO-7/plan/1", "SO-7", EntryKind.SCHEDULE, date(2026, 3, 2), Money("50.00", "RUB"),
         "ivanova"),
        ("SO-7/plan/2", "SO-7", EntryKind.SCHEDULE, date(2026, 3, 12), Money("50.00", "RUB"),
         "ivanova"),
    ]  # fmt: skip


def test_a_stage_that_gets_nothing_makes_no_entry() -> None:
    # 0.01 split in halves: the first stage gets the kopeck, the second nothing.
    schedule = HALVES.generate(Money("0.01", "RUB"), date(2026, 3, 2), None, CAL)
    assert [e.id for e in schedule_entries(schedule, VOLGA, "SO-7", date(2026, 3, 2))] == [
        "SO-7/plan/1"
    ]
    shipped = shipment_entries(HALVES, CAL, VOLGA, order_id="SO-7", order_date=date(2026, 3, 2),
                               shipment_id="SH-1", shipped_on=date(2026, 3, 4),
                               amount=Money("0.01", "RUB"))  # fmt: skip
    assert [e.id for e in shipped] == ["SH-1/1"]


def test_shipment_entries_are_numbered_from_one_and_carry_the_manager() -> None:
    shipped = shipment_entries(HALVES, CAL, VOLGA, order_id="SO-7", order_date=date(2026, 3, 2),
                               shipment_id="SH-1", shipped_on=date(2026, 3, 4),
                               amount=Money("10.00", "RUB"), manager="petrov")  # fmt: skip
    assert [(e.id, e.document_id, e.posted_on, e.manager) for e in shipped] == [
        ("SH-1/1", "SH-1", date(2026, 3, 4), "petrov"),
        ("SH-1/2", "SH-1", date(2026, 3, 4), "petrov"),
    ]


def settled(entries: list[SettlementEntry], payments: list[Payment]) -> SettlementLedger:
    return SettlementLedger(entries, payments, allocate_payments(entries, payments))


def ship(eid: str, account: SettlementAccount, amount: str, due: date) -> SettlementEntry:
    money = Money(amount, account.currency.code)
    return SettlementEntry(eid, EntryKind.SHIPMENT, account, f"SO-{eid}", eid, date(2026, 1, 5),
                           due, money)  # fmt: skip


def test_the_balance_of_one_partner_leaves_the_others_out() -> None:
    entries = [ship("1", VOLGA, "100.00", date(2026, 2, 1)), ship("2", CAFE, "70.00",
               date(2026, 2, 1))]  # fmt: skip
    payments = [Payment("P1", CAFE, date(2026, 1, 10), Money("90.00", "RUB"))]
    ledger = settled(entries, payments)
    on = date(2026, 3, 1)
    assert ledger.balance(on, currency="RUB", partner_id="VOLGA") == Money("100.00", "RUB")
    assert ledger.balance(on, currency="RUB", partner_id="CAFE") == Money("-20.00", "RUB")
    assert ledger.balance(on, currency="RUB") == Money("80.00", "RUB")


def test_aging_in_two_currencies_gives_a_row_and_a_total_line_per_currency() -> None:
    entries = [ship("1", VOLGA_USD, "5.00", date(2026, 2, 1)), ship("2", VOLGA, "100.00",
               date(2026, 2, 1))]  # fmt: skip
    payments = [Payment("P1", VOLGA_USD, date(2026, 3, 1), Money("7.00", "USD"))]
    report = age_receivables(settled(entries, payments), date(2026, 3, 31))
    assert [(r["partner"], r["currency"], r["total"], r["credit"]) for r in report.rows()] == [
        ("VOLGA", "RUB", "100.00", "0.00"),
        ("VOLGA", "USD", "0.00", "2.00"),
    ]
    totals = [line.split() for line in report.as_text().splitlines() if "TOTAL" in line]
    assert totals == [
        ["TOTAL", "RUB", "0.00", "0.00", "100.00", "0.00", "0.00", "100.00", "0.00"],
        ["TOTAL", "USD", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "2.00"],
    ]


def test_what_a_return_leaves_after_paying_its_order_is_general_credit_of_its_source() -> None:
    entries = [
        ship("1", VOLGA, "100.00", date(2026, 2, 1)),
        SettlementEntry("R1", EntryKind.RETURN, VOLGA, "SO-1", "RET-1", date(2026, 1, 20),
                        date(2026, 1, 20), Money("-130.00", "RUB")),
    ]  # fmt: skip
    report = age_receivables(settled(entries, []), date(2026, 3, 31),
                             group_by=("order", "document"))  # fmt: skip
    # The return pays its own order's 100.00 first; the other 30.00 joins the general credit.
    assert [(r["order"], r["document"], r["total"], r["credit"]) for r in report.rows()] == [
        ("", "R1", "0.00", "30.00"),
    ]


def test_age_columns_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="zip"):
        age_columns(["P1", "P2"], [1, 2], [100], 3, AgingPolicy.default())


def test_a_policy_whose_first_bucket_has_a_start_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="cover every day"):
        AgingPolicy((AgingBucket("1-30", 1, 30), AgingBucket("31+", 31, None)))
    with pytest.raises(InvalidInputError, match="cover every day"):
        AgingPolicy((AgingBucket("not due", None, 0), AgingBucket("1-30", 1, 30)))


def test_an_account_names_each_of_its_parties_and_an_unset_one_as_empty() -> None:
    account = SettlementAccount("P1", "RUB", counterparty_id="P1-LLC", organization_id="ORG")
    fields = ("partner", "counterparty", "organization", "contract")
    assert [account.field(name) for name in fields] == ["P1", "P1-LLC", "ORG", ""]


def test_an_account_prints_its_parties_with_a_dash_for_each_unset_one() -> None:
    account = SettlementAccount("P1", "RUB", organization_id="ORG")
    assert str(account) == "P1/-/ORG/- RUB"


def test_a_float_rate_is_refused_as_a_rate() -> None:
    with pytest.raises(InvalidAmountError, match=r"^rate cannot be built from a float"):
        Payment("P", CAFE, date(2026, 2, 1), Money("100.00", "USD"), rate=1.5)


@pytest.mark.parametrize("kind", [EntryKind.SCHEDULE, EntryKind.SHIPMENT])
@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_a_schedule_or_shipment_entry_that_does_not_increase_debt_is_refused(
    kind: EntryKind, amount: str
) -> None:
    with pytest.raises(SettlementError, match=f"entry 'E1' must increase debt, got {amount}"):
        SettlementEntry("E1", kind, CAFE, "SO-1", "S1", DAY, DAY, Money(amount, "RUB"))


def test_a_balance_of_an_empty_ledger_without_a_currency_says_there_is_none() -> None:
    with pytest.raises(SettlementError, match=r"^the ledger has settlements in none: name the"):
        SettlementLedger([]).balance(DAY)
    assert SettlementLedger([]).balance(DAY, currency="RUB") == Money("0.00", "RUB")


def test_a_hand_allocation_spread_over_an_orders_stages_is_used_up_by_them_together() -> None:
    # SO-1 has two stages, 60.00 and 40.00; the 100.00 paid by hand for SO-1 pays both.
    entries = [
        SettlementEntry("E1", EntryKind.SHIPMENT, CAFE, "SO-1", "S1", DAY, DAY,
                        Money("60.00", "RUB")),
        SettlementEntry("E2", EntryKind.SHIPMENT, CAFE, "SO-1", "S2", DAY, DAY,
                        Money("40.00", "RUB")),
    ]  # fmt: skip
    by_hand = [ManualAllocation("SO-1", Money("100.00", "RUB"))]
    payments = [Payment("P", CAFE, DAY, Money("100.00", "RUB"), manual=by_hand)]
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    assert [(a.entry_id, str(a.amount.amount), a.manual) for a in ledger.allocations] == [
        ("E1", "60.00", True),
        ("E2", "40.00", True),
    ]
    assert ledger.open_items(DAY) == []
    assert ledger.open_credits(DAY) == []  # nothing of the 100.00 is left for SO-1
    assert ledger.balance(DAY) == Money("0.00", "RUB")


def test_an_open_credit_is_dated_when_its_money_came_in() -> None:
    # P (10 March) pays 30.00 by hand for SO-2, which has no debt yet: a prepayment for SO-2
    # dated 10 March (SO-2's only entry is its planned stage). The return R (12 March) of
    # 5.00 has no debt to pay: general credit dated 12 March.
    entries = [
        SettlementEntry("SO-2/plan/1", EntryKind.SCHEDULE, CAFE, "SO-2", "SO-2",
                        date(2026, 3, 10), date(2026, 3, 31), Money("30.00", "RUB")),
        SettlementEntry("R", EntryKind.RETURN, CAFE, "SO-1", "R1", date(2026, 3, 12),
                        date(2026, 3, 12), Money("-5.00", "RUB")),
    ]  # fmt: skip
    by_hand = [ManualAllocation("SO-2", Money("30.00", "RUB"))]
    payments = [Payment("P", CAFE, date(2026, 3, 10), Money("30.00", "RUB"), manual=by_hand)]
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    assert ledger.open_credits(date(2026, 3, 20)) == [
        OpenCredit("P", CAFE, date(2026, 3, 10), Money("30.00", "RUB"), "SO-2"),
        OpenCredit("R", CAFE, date(2026, 3, 12), Money("5.00", "RUB")),
    ]
