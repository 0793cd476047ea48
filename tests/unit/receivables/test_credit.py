"""Credit control (F5): limits, decisions, overrides, stop list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import CreditLimitExceededError, InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    EXPOSURE_FIELDS,
    ControlPoint,
    CreditLimit,
    EntryKind,
    LimitScope,
    Measure,
    Payment,
    ProposedDocument,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    Verdict,
    allocate_payments,
    check_credit,
    credit_exposure,
    exposures_from_columns,
    override_decision,
    stop_list,
    stop_list_of,
)
from salescore.receivables.aging import ledger_credit_columns, ledger_item_columns

CAFE = SettlementAccount("CAFE", "RUB", contract_id="K-7")
ON = date(2026, 3, 2)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def ledger(*payments: Payment) -> SettlementLedger:
    entries = [
        SettlementEntry("OLD", EntryKind.SHIPMENT, CAFE, "SO-1", "SHIP-1", date(2026, 1, 10),
                        date(2026, 1, 20), rub("5000.00")),
        SettlementEntry("NEW", EntryKind.SHIPMENT, CAFE, "SO-2", "SHIP-2", date(2026, 2, 25),
                        date(2026, 3, 10), rub("40000.00")),
    ]  # fmt: skip
    return SettlementLedger(entries, payments, allocate_payments(entries, payments))


def order(
    amount: str, prepaid: str | None = None, point: ControlPoint = ControlPoint.ORDER
) -> ProposedDocument:
    return ProposedDocument("SO-3", point, CAFE, rub(amount), rub(prepaid) if prepaid else None)


def limit(**kw: object) -> CreditLimit:
    values: dict[str, object] = {"id": "L", "scope": LimitScope.PARTNER, "subject_id": "CAFE",
                                 "currency": "RUB"}  # fmt: skip
    values.update(kw)
    return CreditLimit(**values)  # type: ignore[arg-type]


def test_a_client_over_its_overdue_days_is_blocked_though_under_its_debt_limit() -> None:
    decision = check_credit(
        ledger(), [limit(max_debt=rub("100000.00"), max_overdue_days=30)], order("1000.00"), ON
    )
    assert decision.verdict is Verdict.BLOCK
    assert [(b.figure, b.current, b.limit) for b in decision.breaches] == [
        ("overdue days", "41", "30")
    ]


def test_a_debt_breach_reports_the_figures_now_and_after_the_document() -> None:
    decision = check_credit(ledger(), [limit(max_debt=rub("45500.00"))], order("1000.00"), ON)
    (breach,) = decision.breaches
    assert (breach.current, breach.after, breach.limit) == (
        "45000.00 RUB", "46000.00 RUB", "45500.00 RUB"
    )  # fmt: skip


def test_the_tolerance_ignores_rounding_dust() -> None:
    lenient = limit(max_debt=rub("45999.99"), tolerance=rub("0.05"))
    assert check_credit(ledger(), [lenient], order("1000.00"), ON).verdict is Verdict.ALLOW


def test_overdue_dust_within_the_tolerance_counts_no_overdue_days() -> None:
    nearly_paid = Payment("PAY", CAFE, date(2026, 1, 25), rub("4999.99"))
    days = limit(max_overdue_days=10, tolerance=rub("1.00"))
    assert check_credit(ledger(nearly_paid), [days], order("1.00"), ON).verdict is Verdict.ALLOW
    strict = limit(max_overdue_days=10)
    assert check_credit(ledger(nearly_paid), [strict], order("1.00"), ON).verdict is Verdict.BLOCK


def test_a_fully_prepaid_document_is_exempt_by_default() -> None:
    tight = limit(max_debt=rub("1.00"))
    decision = check_credit(ledger(), [tight], order("1000.00", prepaid="1000.00"), ON)
    assert decision.verdict is Verdict.ALLOW
    assert "prepaid in full" in decision.notes[0]
    no_exemption = limit(max_debt=rub("1.00"), exempt_prepaid=False)
    assert check_credit(ledger(), [no_exemption], order("1.00", "1.00"), ON).verdict is (
        Verdict.BLOCK
    )


def test_a_limit_runs_only_at_its_control_points() -> None:
    at_shipment = limit(max_debt=rub("1.00"), control_points=frozenset({ControlPoint.SHIPMENT}))
    assert check_credit(ledger(), [at_shipment], order("10.00"), ON).verdict is Verdict.ALLOW
    shipment = order("10.00", point=ControlPoint.SHIPMENT)
    assert check_credit(ledger(), [at_shipment], shipment, ON).verdict is Verdict.BLOCK


def test_the_strictest_breached_limit_decides() -> None:
    limits = [
        limit(id="WARN", max_debt=rub("1.00"), on_breach=Verdict.WARN),
        limit(id="HOLD", max_overdue_amount=rub("100.00"), on_breach=Verdict.HOLD),
    ]
    decision = check_credit(ledger(), limits, order("1.00"), ON)
    assert decision.verdict is Verdict.HOLD
    assert {b.limit_id for b in decision.breaches} == {"WARN", "HOLD"}


def test_a_contract_limit_applies_to_its_contract_only() -> None:
    other = limit(scope=LimitScope.CONTRACT, subject_id="K-8", max_debt=rub("1.00"))
    mine = limit(scope=LimitScope.CONTRACT, subject_id="K-7", max_debt=rub("1.00"))
    assert check_credit(ledger(), [other], order("1.00"), ON).verdict is Verdict.ALLOW
    assert check_credit(ledger(), [mine], order("1.00"), ON).verdict is Verdict.BLOCK


def test_a_stopped_decision_raises_with_the_reasons() -> None:
    decision = check_credit(ledger(), [limit(max_overdue_days=30)], order("1.00"), ON)
    with pytest.raises(CreditLimitExceededError, match="overdue days 41 > 30"):
        decision.raise_if_stopped()


def test_an_override_records_who_when_and_why_and_lets_the_document_go() -> None:
    decision = check_credit(ledger(), [limit(max_overdue_days=30)], order("1.00"), ON)
    at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    released = override_decision(decision, by="cfo.smirnova", at=at, reason="paid by wire today")
    assert released.may_proceed
    assert released.override is not None
    assert (released.override.by, released.override.at, released.override.reason) == (
        "cfo.smirnova", at, "paid by wire today"
    )  # fmt: skip
    assert released.override.overridden is Verdict.BLOCK
    assert "overridden by cfo.smirnova" in released.explain().as_text()


def test_an_override_needs_a_reason() -> None:
    decision = check_credit(ledger(), [limit(max_overdue_days=30)], order("1.00"), ON)
    with pytest.raises(InvalidInputError, match="needs the person"):
        override_decision(decision, by="cfo", at=datetime(2026, 3, 2, tzinfo=UTC), reason=" ")


def test_the_stop_list_names_every_subject_over_a_limit() -> None:
    limits = [
        limit(id="L-CAFE", max_overdue_days=30),
        limit(id="L-OTHER", subject_id="VOLGA", max_debt=rub("1.00")),
    ]
    (entry,) = stop_list(ledger(), limits, ON)
    assert (entry.limit_id, entry.subject, entry.verdict) == (
        "L-CAFE",
        "partner CAFE",
        Verdict.BLOCK,
    )
    assert entry.exposure.overdue == rub("5000.00")


def test_a_limit_that_limits_nothing_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="limits nothing"):
        limit()


@pytest.mark.parametrize("subject", ["", "  "])
def test_a_limit_that_names_no_subject_is_refused(subject: str) -> None:
    with pytest.raises(InvalidInputError, match="names no counterparty: give the id"):
        CreditLimit("L", LimitScope.COUNTERPARTY, subject, "RUB", max_debt=rub("1.00"))


# --- the figures from columns (what a store computes) ----------------------------------

ACCOUNTS = (
    SettlementAccount("CAFE", "RUB", "CAFE-LLC", "ORG-1", "K-1"),
    SettlementAccount("CAFE", "RUB", "CAFE-IE", "ORG-1"),
    SettlementAccount("CAFE", "USD", "CAFE-LLC", "ORG-1", "K-1"),
    SettlementAccount("VOLGA", "RUB", "VOLGA-LLC", "ORG-1", "K-2"),
)
SUBJECTS = (
    (LimitScope.PARTNER, "CAFE"),
    (LimitScope.PARTNER, "VOLGA"),
    (LimitScope.COUNTERPARTY, "CAFE-LLC"),
    (LimitScope.COUNTERPARTY, "CAFE-IE"),
    (LimitScope.CONTRACT, "K-1"),
    (LimitScope.CONTRACT, "K-2"),
)


@st.composite
def credit_cases(draw: st.DrawFn) -> tuple[SettlementLedger, list[CreditLimit], date]:
    """Debts (some returned) and payments on four accounts, limits on each subject, a day."""
    entries, payments = [], []
    for n in range(draw(st.integers(0, 14))):
        account = draw(st.sampled_from(ACCOUNTS))
        code = account.currency.code
        posted = ON + timedelta(draw(st.integers(-60, 10)))
        due = posted + timedelta(draw(st.integers(0, 40)))
        units = draw(st.integers(1, 100_000))
        amount = Money.from_minor(units, code)
        entries.append(
            SettlementEntry(f"E{n}", EntryKind.SHIPMENT, account, f"SO-{n % 3}", f"D{n}", posted,
                            due, amount)
        )  # fmt: skip
        if draw(st.booleans()):
            back = Money.from_minor(draw(st.integers(1, units)), code)
            entries.append(SettlementEntry(f"R{n}", EntryKind.RETURN, account, f"SO-{n % 3}",
                                           f"R{n}", posted, posted, -back))  # fmt: skip
    for n in range(draw(st.integers(0, 5))):
        account = draw(st.sampled_from(ACCOUNTS))
        day = ON + timedelta(draw(st.integers(-50, 10)))
        units = draw(st.integers(1, 120_000))
        payments.append(Payment(f"P{n}", account, day, Money.from_minor(units, account.currency)))
    limits = []
    for n in range(draw(st.integers(1, 5))):
        scope, subject = draw(st.sampled_from(SUBJECTS))
        code = draw(st.sampled_from(["RUB", "USD"]))
        tolerance = draw(st.one_of(st.none(), st.integers(0, 3_000)))
        limits.append(
            CreditLimit(f"L{n}", scope, subject, code,
                        max_debt=Money.from_minor(draw(st.integers(0, 200_000)), code),
                        max_overdue_days=draw(st.integers(0, 30)),
                        tolerance=None if tolerance is None else Money.from_minor(tolerance, code))
        )  # fmt: skip
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    return ledger, limits, ON + timedelta(draw(st.integers(-10, 20)))


@settings(max_examples=200, deadline=None)
@given(case=credit_cases())
def test_the_figures_from_columns_are_the_figures_of_the_ledger(
    case: tuple[SettlementLedger, list[CreditLimit], date],
) -> None:
    ledger, limits, on = case
    items = ledger_item_columns(ledger, on, Measure.ACTUAL, EXPOSURE_FIELDS)
    credits = ledger_credit_columns(ledger, on, Measure.ACTUAL, EXPOSURE_FIELDS)
    exposure = exposures_from_columns(items, credits, on)
    for limit in limits:
        assert exposure(limit) == credit_exposure(ledger, limit, on), limit
    assert stop_list_of(limits, exposure) == stop_list(ledger, limits, on)


def test_overdue_exactly_the_tolerance_counts_no_overdue_days_from_columns() -> None:
    # 0.01 left of the old debt, a tolerance of exactly 0.01: no overdue days, both ways.
    nearly_paid = Payment("PAY", CAFE, date(2026, 1, 25), rub("4999.99"))
    paid = ledger(nearly_paid)
    items = ledger_item_columns(paid, ON, Measure.ACTUAL, EXPOSURE_FIELDS)
    credits = ledger_credit_columns(paid, ON, Measure.ACTUAL, EXPOSURE_FIELDS)
    dust = limit(max_overdue_days=10, tolerance=rub("0.01"))
    figures = exposures_from_columns(items, credits, ON)(dust)
    assert (figures.overdue, figures.overdue_days) == (rub("0.01"), 0)
    assert figures == credit_exposure(paid, dust, ON)
