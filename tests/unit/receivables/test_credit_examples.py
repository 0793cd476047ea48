"""Credit limits at their exact bounds, and limits that are skipped (fast examples)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salescore.errors import CreditLimitExceededError, InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    ControlPoint,
    CreditExposure,
    CreditLimit,
    CreditOverride,
    EntryKind,
    LimitScope,
    Payment,
    ProposedDocument,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    Verdict,
    allocate_payments,
    check_credit,
    credit_exposure,
    override_decision,
    stop_list,
)

CAFE = SettlementAccount("CAFE", "RUB")
BAR = SettlementAccount("BAR", "RUB")
ON = date(2026, 3, 11)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def ledger(*payments: Payment) -> SettlementLedger:
    # CAFE: 300.00 due 10 days ago (overdue), 200.00 due today (not overdue yet),
    # 100.00 due 5 days ago; BAR: 1000.00 overdue, not CAFE's business.
    entries = [
        SettlementEntry("A", EntryKind.SHIPMENT, CAFE, "SO-1", "SH-1", date(2026, 2, 1),
                        date(2026, 3, 1), rub("300.00")),
        SettlementEntry("B", EntryKind.SHIPMENT, CAFE, "SO-2", "SH-2", date(2026, 2, 1),
                        ON, rub("200.00")),
        SettlementEntry("C", EntryKind.SHIPMENT, CAFE, "SO-3", "SH-3", date(2026, 2, 1),
                        date(2026, 3, 6), rub("100.00")),
        SettlementEntry("D", EntryKind.SHIPMENT, BAR, "SO-4", "SH-4", date(2026, 2, 1),
                        date(2026, 2, 1), rub("1000.00")),
    ]  # fmt: skip
    return SettlementLedger(entries, payments, allocate_payments(entries, payments))


def limit(**terms: object) -> CreditLimit:
    return CreditLimit("L", LimitScope.PARTNER, "CAFE", "RUB", **terms)  # type: ignore[arg-type]


def order(amount: str, prepaid: str | None = None) -> ProposedDocument:
    return ProposedDocument("SO-9", ControlPoint.ORDER, CAFE, rub(amount),
                            None if prepaid is None else rub(prepaid))  # fmt: skip


def test_exposure_sums_overdue_items_and_takes_the_oldest_days() -> None:
    exposure = credit_exposure(ledger(), limit(max_debt=rub("1")), ON)
    assert exposure == CreditExposure(rub("600.00"), rub("400.00"), 10)


def test_unused_credit_lowers_the_debt_but_not_the_overdue_amount() -> None:
    early = Payment("P", CAFE, date(2026, 2, 1), rub("650.00"))
    exposure = credit_exposure(ledger(early), limit(max_debt=rub("1")), ON)
    assert (exposure.debt, exposure.overdue, exposure.overdue_days) == (
        rub("-50.00"),
        rub("0.00"),
        0,
    )


def test_overdue_within_the_tolerance_counts_no_overdue_days() -> None:
    paid = Payment("P", CAFE, date(2026, 3, 2), rub("399.00"))
    small = credit_exposure(ledger(paid), limit(max_debt=rub("1"), tolerance=rub("1.00")), ON)
    assert (small.overdue, small.overdue_days) == (rub("1.00"), 0)
    big = credit_exposure(ledger(paid), limit(max_debt=rub("1"), tolerance=rub("0.99")), ON)
    assert (big.overdue, big.overdue_days) == (rub("1.00"), 5)


def test_a_debt_exactly_at_the_limit_plus_tolerance_is_allowed() -> None:
    # 600.00 open + 100.00 ordered = 700.00.
    at_limit = limit(max_debt=rub("690.00"), tolerance=rub("10.00"))
    assert check_credit(ledger(), [at_limit], order("100.00"), ON).verdict is Verdict.ALLOW
    over = limit(max_debt=rub("690.00"), tolerance=rub("9.99"))
    assert check_credit(ledger(), [over], order("100.00"), ON).verdict is Verdict.BLOCK


def test_overdue_days_exactly_at_the_limit_are_allowed() -> None:
    assert check_credit(ledger(), [limit(max_overdue_days=10)], order("1"), ON).may_proceed
    decision = check_credit(ledger(), [limit(max_overdue_days=9)], order("1"), ON)
    assert [(b.figure, b.limit, b.current) for b in decision.breaches] == [
        ("overdue days", "9", "10")
    ]


def test_an_overdue_amount_exactly_at_the_limit_plus_tolerance_is_allowed() -> None:
    ok = limit(max_overdue_amount=rub("399.00"), tolerance=rub("1.00"))
    assert check_credit(ledger(), [ok], order("1"), ON).may_proceed
    breach = limit(max_overdue_amount=rub("399.00"), tolerance=rub("0.50"))
    decision = check_credit(ledger(), [breach], order("1"), ON)
    assert [(b.subject, b.figure, b.limit, b.current) for b in decision.breaches] == [
        ("partner CAFE", "overdue amount", "399.00 RUB", "400.00 RUB")
    ]


def test_every_limit_is_checked_even_after_one_that_is_skipped() -> None:
    shipment_only = CreditLimit("S", LimitScope.PARTNER, "CAFE", "RUB", max_debt=rub("1"),
                                control_points=frozenset({ControlPoint.SHIPMENT}))  # fmt: skip
    other_partner = CreditLimit("O", LimitScope.PARTNER, "BAR", "RUB", max_debt=rub("1"))
    strict = limit(max_debt=rub("1"))
    for limits in ([shipment_only, strict], [other_partner, strict]):
        assert check_credit(ledger(), limits, order("100.00"), ON).verdict is Verdict.BLOCK
    prepaid_first = [limit(max_debt=rub("1")), CreditLimit("X", LimitScope.PARTNER, "CAFE", "RUB",
                     max_debt=rub("1"), exempt_prepaid=False, on_breach=Verdict.WARN)]  # fmt: skip
    decision = check_credit(ledger(), prepaid_first, order("100.00", prepaid="100.00"), ON)
    assert decision.verdict is Verdict.WARN
    assert decision.notes == ("limit L: the document is prepaid in full, so it is exempt",)


def test_a_limit_of_zero_overdue_days_is_accepted() -> None:
    assert limit(max_overdue_days=0).max_overdue_days == 0
    with pytest.raises(InvalidInputError, match="max_overdue_days cannot be negative"):
        limit(max_overdue_days=-1)


def test_an_override_records_who_when_why_and_the_breaches_it_released() -> None:
    stopped = check_credit(ledger(), [limit(max_overdue_days=9)], order("1"), ON)
    at = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    released = override_decision(stopped, by=" ivanova ", at=at, reason=" pays on Friday ")
    assert released.override == CreditOverride(
        "SO-9@2026-03-11T12:00:00+00:00",
        "SO-9",
        Verdict.BLOCK,
        "ivanova",
        at,
        "pays on Friday",
        (str(stopped.breaches[0]),),
    )
    steps = released.explain().steps
    assert (steps[-1].value, steps[-1].source) == (
        "allow",
        "2026-03-11T12:00:00+00:00: pays on Friday",
    )


def test_the_explanation_lists_the_notes_of_skipped_limits() -> None:
    shipment_only = CreditLimit("S", LimitScope.PARTNER, "CAFE", "RUB", max_debt=rub("1"),
                                control_points=frozenset({ControlPoint.SHIPMENT}))  # fmt: skip
    decision = check_credit(ledger(), [shipment_only], order("1"), ON)
    assert [step.description for step in decision.explain().steps] == [
        "limit S is not checked at order"
    ]


def test_a_limit_amount_in_another_currency_or_negative_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="max_debt is in USD, the limit in RUB"):
        limit(max_debt=Money("10.00", "USD"))
    with pytest.raises(InvalidInputError, match="tolerance cannot be negative"):
        limit(max_debt=rub("10.00"), tolerance=rub("-1.00"))


def test_each_breach_carries_its_figures_as_text_and_numbers() -> None:
    terms = limit(max_debt=rub("700.00"), max_overdue_amount=rub("350.00"), max_overdue_days=9)
    decision = check_credit(ledger(), [terms], order("150.00"), ON)
    # Debt 600.00, 750.00 with the order; 400.00 overdue, the oldest 10 days.
    debt, days, overdue = decision.breaches
    assert (debt.subject, debt.figure, debt.limit, debt.current, debt.after, debt.added) == (
        "partner CAFE", "debt", "700.00 RUB", "600.00 RUB", "750.00 RUB", "150.00 RUB")  # fmt: skip
    assert (debt.values, debt.currency) == (
        (Decimal("700.00"), Decimal("600.00"), Decimal("750.00")), "RUB")  # fmt: skip
    assert (days.figure, days.limit, days.after, days.added, days.currency) == (
        "overdue days", "9", "10", None, None)  # fmt: skip
    assert (overdue.subject, overdue.current, overdue.after, overdue.added) == (
        "partner CAFE", "400.00 RUB", "400.00 RUB", None)  # fmt: skip
    assert (overdue.values, overdue.currency) == (
        (Decimal("350.00"), Decimal("400.00"), Decimal("400.00")), "RUB")  # fmt: skip


def test_a_prepaid_order_checked_anyway_adds_nothing_to_a_debt_above_its_limit() -> None:
    terms = limit(max_debt=rub("500.00"), exempt_prepaid=False)
    decision = check_credit(ledger(), [terms], order("150.00", "150.00"), ON)
    (debt,) = decision.breaches
    assert (debt.current, debt.after, debt.added) == ("600.00 RUB", "600.00 RUB", None)


def test_a_stopped_decision_explains_records_and_refuses_with_every_breach() -> None:
    terms = limit(max_debt=rub("700.00"), max_overdue_amount=rub("350.00"), max_overdue_days=9)
    decision = check_credit(ledger(), [terms], order("150.00"), ON)
    assert decision.explain().as_text().splitlines() == [
        "credit check of SO-9 on 2026-03-11: block",
        "  1. limit L: debt after the document 750.00 RUB > 700.00 RUB = block  "
        "(partner CAFE; debt now 600.00 RUB + the document 150.00 RUB)",
        "  2. limit L: overdue days 10 > 9 = block  (partner CAFE; after the document: 10)",
        "  3. limit L: overdue amount 400.00 RUB > 350.00 RUB = block  "
        "(partner CAFE; after the document: 400.00 RUB)",
    ]
    first = decision.to_records()[0]
    assert (first["document_id"], first["verdict"], first["breach_verdict"]) == (
        "SO-9", "block", "block")  # fmt: skip
    with pytest.raises(CreditLimitExceededError) as info:
        decision.raise_if_stopped()
    assert "limit L: debt 750.00 RUB > 700.00 RUB; limit L: overdue days 10 > 9; " in str(
        info.value
    )
    exposure = credit_exposure(ledger(), terms, ON)
    assert "<caption>credit exposure</caption>" in exposure._repr_html_()


def test_a_stop_list_row_puts_the_exposure_beside_each_breach_in_the_exposure_currency() -> None:
    terms = limit(max_debt=rub("500.00"), max_overdue_days=9)
    (entry,) = stop_list(ledger(), [terms], ON)
    # CAFE owes 600.00 on 11 March, 400.00 of it overdue, the oldest 10 days.
    exposure = {
        "exposure_debt": Decimal("600.00"),
        "exposure_overdue": Decimal("400.00"),
        "exposure_overdue_days": 10,
        "currency": "RUB",  # also on the overdue-days row, whose breach has no currency
        "limit_id": "L",
        "subject": "partner CAFE",
        "verdict": "block",
    }
    assert entry.to_records() == [
        {**exposure, "figure": "debt", "limit": Decimal("500.00"),
         "current": Decimal("600.00"), "after": Decimal("600.00")},
        {**exposure, "figure": "overdue days", "limit": Decimal(9), "current": Decimal(10),
         "after": Decimal(10)},
    ]  # fmt: skip
    assert "<caption>stop list: partner CAFE</caption>" in entry._repr_html_()
    debt = entry.breaches[0]
    assert "<caption>limit L: debt 600.00 RUB &gt; 500.00 RUB</caption>" in debt._repr_html_()


def test_a_decision_in_a_notebook_lists_its_notes_under_a_note_header() -> None:
    shipment_only = CreditLimit("S", LimitScope.PARTNER, "CAFE", "RUB", max_debt=rub("1"),
                                control_points=frozenset({ControlPoint.SHIPMENT}))  # fmt: skip
    html = check_credit(ledger(), [shipment_only], order("1"), ON)._repr_html_()
    assert "<th>note</th></tr></thead><tbody><tr><td>limit S is not checked at order</td>" in html
