"""Payment schedule templates whose explicit stages sum to exactly 100 % (fast examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.dates import BusinessCalendar
from salescore.money import Money
from salescore.receivables import (
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
)

CALENDAR = BusinessCalendar("weekdays")
ORDERED, SHIPPED = date(2026, 3, 2), date(2026, 3, 5)


def test_a_half_advance_half_credit_template_without_a_remainder_stage_is_accepted() -> None:
    halves = PaymentScheduleTemplate(
        "50-50",
        "half before, half 10 days after shipment",
        (
            ScheduleStage(StageKind.ADVANCE, Decimal(50)),
            ScheduleStage(StageKind.CREDIT, Decimal(50), 10, event=DueEvent.SHIPMENT),
        ),
    )
    schedule = halves.generate(Money("1000.01", "RUB"), ORDERED, SHIPPED, CALENDAR)
    assert [(s.due_date, s.amount, s.percent) for s in schedule.stages] == [
        (date(2026, 3, 2), Money("500.01", "RUB"), Decimal(50)),
        (date(2026, 3, 15), Money("500.00", "RUB"), Decimal(50)),
    ]
    assert schedule.advance == Money("500.01", "RUB")


def test_a_single_full_prepayment_stage_is_accepted() -> None:
    prepay = PaymentScheduleTemplate(
        "PREPAY", "100 % before shipment", (ScheduleStage(StageKind.ADVANCE, Decimal(100)),)
    )
    assert prepay.weights() == (Decimal(100),)
    schedule = prepay.generate(Money("99.99", "RUB"), ORDERED, SHIPPED, CALENDAR)
    assert [(s.kind, s.due_date, s.amount) for s in schedule.stages] == [
        (StageKind.ADVANCE, ORDERED, Money("99.99", "RUB")),
    ]
    assert schedule.advance == Money("99.99", "RUB")


def test_a_remainder_stage_takes_100_minus_the_explicit_percents() -> None:
    template = PaymentScheduleTemplate(
        "T",
        "25 % advance, rest on shipment",
        (ScheduleStage(StageKind.ADVANCE, Decimal(25)), ScheduleStage(StageKind.CREDIT)),
    )
    assert template.weights() == (Decimal(25), Decimal(75))
