"""Payment schedule templates whose explicit stages sum to exactly 100 % (fast examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.dates import BusinessCalendar, RollConvention
from salescore.errors import InvalidInputError, ScheduleError
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


def test_an_advance_due_on_the_shipment_day_is_accepted_a_day_later_is_not() -> None:
    on_shipment = ScheduleStage(StageKind.ADVANCE, Decimal(100), 0, event=DueEvent.SHIPMENT)
    assert on_shipment.rule == "due on shipment"
    with pytest.raises(ScheduleError, match="can never be met"):
        ScheduleStage(StageKind.ADVANCE, Decimal(100), 1, event=DueEvent.SHIPMENT)


def test_a_template_without_stages_is_refused() -> None:
    with pytest.raises(ScheduleError, match="has no stages"):
        PaymentScheduleTemplate("EMPTY", "nothing", ())


def test_a_percent_that_is_not_a_number_is_named_in_the_refusal() -> None:
    with pytest.raises(InvalidInputError, match="percent"):
        ScheduleStage(StageKind.ADVANCE, "half")


def test_a_due_date_on_a_weekend_is_rolled_back_under_the_preceding_convention() -> None:
    # 2026-03-02 (Monday) + 5 calendar days = Saturday 2026-03-07: back to Friday the 6th.
    template = PaymentScheduleTemplate(
        "T", "5 days", (ScheduleStage(StageKind.CREDIT, Decimal(100), 5),), RollConvention.PRECEDING
    )
    schedule = template.generate(Money("10.00", "RUB"), ORDERED, None, CALENDAR)
    assert schedule.stages[0].due_date == date(2026, 3, 6)


def test_a_schedule_names_its_template_and_calendar_in_its_explanation() -> None:
    template = PaymentScheduleTemplate(
        "PREPAY", "all now", (ScheduleStage(StageKind.ADVANCE, Decimal(100)),)
    )
    schedule = template.generate(Money("10.00", "RUB"), ORDERED, None, CALENDAR)
    assert (schedule.template_id, schedule.calendar) == ("PREPAY", "weekdays")
    assert [step.source for step in schedule.explain().steps] == [
        "template PREPAY, calendar weekdays"
    ]
