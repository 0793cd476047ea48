"""Payment schedule templates whose explicit stages sum to exactly 100 % (fast examples)."""

from __future__ import annotations

import decimal
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


def _in_parts() -> PaymentScheduleTemplate:
    return PaymentScheduleTemplate(
        "PARTS",
        "half in two parts before shipment, half in three after",
        (
            ScheduleStage(StageKind.ADVANCE, Decimal(50), 3, event=DueEvent.BEFORE_SHIPMENT,
                          parts=2, every_days=5),
            ScheduleStage(StageKind.CREDIT, Decimal(50), 10, event=DueEvent.SHIPMENT, parts=3,
                          every_days=30),
        ),
    )  # fmt: skip


def test_a_stage_in_parts_is_paid_in_equal_parts_every_so_many_days() -> None:
    schedule = _in_parts().generate(Money("1000.01", "RUB"), ORDERED, date(2026, 3, 20), CALENDAR)
    # 500.01 in two parts, 8 and 3 days before the shipment on 2026-03-20; 500.00 in three,
    # 10, 40 and 70 days after it (the odd kopecks go to the first parts).
    assert [(s.kind, s.due_date, s.amount, s.percent, s.rule) for s in schedule.stages] == [
        (StageKind.ADVANCE, date(2026, 3, 12), Money("250.01", "RUB"), Decimal("25.0000"),
         "due 8 calendar day(s) before shipment, part 1 of 2"),
        (StageKind.ADVANCE, date(2026, 3, 17), Money("250.00", "RUB"), Decimal("25.0000"),
         "due 3 calendar day(s) before shipment, part 2 of 2"),
        (StageKind.CREDIT, date(2026, 3, 30), Money("166.67", "RUB"), Decimal("16.6667"),
         "due 10 calendar day(s) after shipment, part 1 of 3"),
        (StageKind.CREDIT, date(2026, 4, 29), Money("166.67", "RUB"), Decimal("16.6667"),
         "due 40 calendar day(s) after shipment, part 2 of 3"),
        (StageKind.CREDIT, date(2026, 5, 29), Money("166.66", "RUB"), Decimal("16.6667"),
         "due 70 calendar day(s) after shipment, part 3 of 3"),
    ]  # fmt: skip
    assert [s.index for s in schedule.stages] == [0, 1, 2, 3, 4]


def test_a_part_counted_back_to_before_the_order_is_due_on_the_order_date() -> None:
    ordered = date(2026, 3, 14)
    schedule = _in_parts().generate(Money("1000.01", "RUB"), ordered, date(2026, 3, 20), CALENDAR)
    assert [s.due_date for s in schedule.stages[:2]] == [ordered, date(2026, 3, 17)]


def test_the_parts_of_a_stage_are_single_stages_of_their_own() -> None:
    stage = ScheduleStage(StageKind.CREDIT, Decimal(60), 10, event=DueEvent.SHIPMENT, parts=3,
                          every_days=30)  # fmt: skip
    parts = stage.split()
    assert [(p.days, p.parts, p.every_days, p.percent) for p in parts] == [
        (10, 1, 0, None),
        (40, 1, 0, None),
        (70, 1, 0, None),
    ]


@pytest.mark.parametrize(("parts", "every_days"), [(0, 0), (1, -1)])
def test_a_stage_needs_one_part_or_more_and_days_between_them_not_negative(
    parts: int, every_days: int
) -> None:
    with pytest.raises(
        InvalidInputError,
        match=rf"^a stage is paid in 1 or more parts at least 0 days apart; "
        rf"got {parts} parts every {every_days} days",
    ):
        ScheduleStage(StageKind.CREDIT, Decimal(50), parts=parts, every_days=every_days)


def test_parts_are_planned_whatever_the_callers_decimal_context() -> None:
    with decimal.localcontext(decimal.Context(prec=3, traps=[decimal.Inexact])):
        schedule = _in_parts().generate(Money("1000.01", "RUB"), ORDERED, date(2026, 3, 20),
                                        CALENDAR)  # fmt: skip
    assert [s.percent for s in schedule.stages][-1] == Decimal("16.6667")
