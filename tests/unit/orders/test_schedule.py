"""Payment schedules of orders: advance, prepayment, credit; due dates before shipment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.unit.orders._fixtures import CALENDAR, ORDER_DAY, SHIP_DAY, TEMPLATE, rub

from salescore.errors import ScheduleError
from salescore.money import Money
from salescore.receivables import (
    DayCount,
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
)


def test_prepayment_two_working_days_before_a_shipment_after_a_holiday_is_due_thursday() -> None:
    template = PaymentScheduleTemplate(
        "PRE20",
        "20 % prepayment, rest on credit",
        (
            ScheduleStage(
                StageKind.PREPAYMENT,
                Decimal(20),
                days=2,
                day_count=DayCount.WORKING,
                event=DueEvent.BEFORE_SHIPMENT,
            ),
            ScheduleStage(StageKind.CREDIT, event=DueEvent.SHIPMENT),
        ),
    )
    schedule = template.generate(rub("10000.00"), ORDER_DAY, SHIP_DAY, CALENDAR)
    first = schedule.stages[0]
    # Mon 03-09 is a holiday: Fri 03-06 is one working day before Tue 03-10, Thu 03-05 two.
    assert (first.kind, first.due_date, first.amount) == (
        StageKind.PREPAYMENT,
        date(2026, 3, 5),
        rub("2000.00"),
    )
    assert first.rule == "due 2 working day(s) before shipment"


def test_three_kinds_in_one_schedule_sum_to_the_total() -> None:
    schedule = TEMPLATE.generate(Money("10000.01", "RUB"), ORDER_DAY, SHIP_DAY, CALENDAR)
    assert [(s.kind, s.due_date, s.amount) for s in schedule.stages] == [
        (StageKind.ADVANCE, date(2026, 3, 2), rub("3000.00")),
        (StageKind.PREPAYMENT, date(2026, 3, 5), rub("2000.00")),
        (StageKind.CREDIT, date(2026, 3, 20), rub("5000.01")),
    ]
    assert schedule.advance == rub("5000.00")
    assert schedule.of_kind(StageKind.PREPAYMENT) == (schedule.stages[1],)


def test_counting_back_past_the_order_date_makes_the_stage_due_on_the_order_date() -> None:
    template = PaymentScheduleTemplate(
        "PRE",
        "prepayment 10 days before",
        (ScheduleStage(StageKind.PREPAYMENT, days=10, event=DueEvent.BEFORE_SHIPMENT),),
    )
    schedule = template.generate(rub("100.00"), ORDER_DAY, date(2026, 3, 5), CALENDAR)
    assert schedule.stages[0].due_date == ORDER_DAY


def test_a_prepayment_due_after_shipment_is_refused() -> None:
    with pytest.raises(ScheduleError, match="never be met"):
        ScheduleStage(StageKind.PREPAYMENT, days=3, event=DueEvent.SHIPMENT)


def test_three_equal_parts_give_the_odd_kopeck_to_the_earliest() -> None:
    template = PaymentScheduleTemplate(
        "CR-3",
        "credit in three monthly parts",
        (
            ScheduleStage(
                StageKind.CREDIT, days=30, event=DueEvent.SHIPMENT, parts=3, every_days=30
            ),
        ),
    )
    schedule = template.generate(rub("100.00"), ORDER_DAY, SHIP_DAY, CALENDAR)
    assert [(s.index, s.due_date, s.amount) for s in schedule.stages] == [
        (0, date(2026, 4, 9), rub("33.34")),
        (1, date(2026, 5, 9), rub("33.33")),
        (2, date(2026, 6, 8), rub("33.33")),
    ]
    assert schedule.stages[0].rule == "due 30 calendar day(s) after shipment, part 1 of 3"
    assert schedule.stages[0].percent == Decimal("33.3333")


def test_equal_prepayment_parts_counted_back_from_shipment_are_in_date_order() -> None:
    template = PaymentScheduleTemplate(
        "PRE-2",
        "prepayment in two parts, the last 1 working day before shipment",
        (
            ScheduleStage(
                StageKind.PREPAYMENT,
                Decimal(50),
                days=1,
                day_count=DayCount.WORKING,
                event=DueEvent.BEFORE_SHIPMENT,
                parts=2,
                every_days=2,
            ),
            ScheduleStage(StageKind.CREDIT, event=DueEvent.SHIPMENT),
        ),
    )
    schedule = template.generate(rub("0.03"), ORDER_DAY, SHIP_DAY, CALENDAR)
    # 50 % of 0.03 is 0.02 (largest remainder, first stage), split 0.01 + 0.01;
    # 1 working day before Tue 10 March (Mon 9 a holiday) is Fri 6, 3 are Wed 4.
    assert [(s.kind, s.due_date, s.amount) for s in schedule.stages] == [
        (StageKind.PREPAYMENT, date(2026, 3, 4), rub("0.01")),
        (StageKind.PREPAYMENT, date(2026, 3, 6), rub("0.01")),
        (StageKind.CREDIT, date(2026, 3, 10), rub("0.01")),
    ]


def test_a_stage_in_zero_parts_is_refused() -> None:
    with pytest.raises(ScheduleError, match="1 or more parts"):
        ScheduleStage(StageKind.CREDIT, parts=0)
