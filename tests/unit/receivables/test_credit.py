"""Credit control (F5): limits, decisions, overrides, stop list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salescore.errors import CreditLimitExceededError, InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    ControlPoint,
    CreditLimit,
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
    override_decision,
    stop_list,
)

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
