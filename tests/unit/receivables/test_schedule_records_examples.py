"""A generated payment schedule as records, notebook tables and stages of one kind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.dates import BusinessCalendar
from salescore.errors import InvalidAmountError
from salescore.money import Money
from salescore.receivables import (
    DueEvent,
    PaymentSchedule,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
)

CALENDAR = BusinessCalendar("weekdays")
ORDERED, SHIPPED = date(2026, 3, 2), date(2026, 3, 5)
# 30 % advance on the order date, 20 % prepayment on shipment, the rest 10 days after it.
THREE = PaymentScheduleTemplate(
    "30-20-50",
    "advance, prepayment, credit",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(StageKind.PREPAYMENT, Decimal(20), event=DueEvent.BEFORE_SHIPMENT),
        ScheduleStage(StageKind.CREDIT, days=10, event=DueEvent.SHIPMENT),
    ),
)


def _schedule() -> PaymentSchedule:
    # 1000.00 split 30 / 20 / 50: 300.00, 200.00, 500.00
    return THREE.generate(Money("1000.00", "RUB"), ORDERED, SHIPPED, CALENDAR)


def test_schedule_records_number_the_stages_from_one_and_name_the_template() -> None:
    assert _schedule().to_records() == [
        {"stage": 1, "kind": "advance", "due_date": ORDERED, "amount": Decimal("300.00"),
         "currency": "RUB", "percent": Decimal(30), "rule": "due on order",
         "template_id": "30-20-50"},
        {"stage": 2, "kind": "prepayment", "due_date": SHIPPED, "amount": Decimal("200.00"),
         "currency": "RUB", "percent": Decimal(20), "rule": "due on shipment",
         "template_id": "30-20-50"},
        {"stage": 3, "kind": "credit", "due_date": date(2026, 3, 15),
         "amount": Decimal("500.00"), "currency": "RUB", "percent": Decimal(50),
         "rule": "due 10 calendar day(s) after shipment", "template_id": "30-20-50"},
    ]  # fmt: skip


def test_a_planned_stage_shows_as_a_table_captioned_with_its_number_from_one() -> None:
    shown = _schedule().stages[1]._repr_html_()
    assert shown.startswith("<table><caption>stage 2</caption><thead><tr><th>stage</th>")
    assert '<td style="text-align: right">2</td><td>prepayment</td>' in shown


def test_a_schedule_shows_as_a_table_of_its_stages_captioned_with_template_and_total() -> None:
    shown = _schedule()._repr_html_()
    assert shown.startswith("<table><caption>payment schedule 30-20-50 of 1000.00 RUB</caption>")
    assert "<th>rule</th></tr></thead>" in shown  # the template id is in the caption, not a column
    assert shown.count("<tr>") == 4  # the header and three stages


def test_a_schedule_without_stages_still_shows_the_header() -> None:
    empty = PaymentSchedule("NONE", Money("0.00", "RUB"), ())
    assert empty.to_records() == []
    assert empty._repr_html_() == (
        "<table><caption>payment schedule NONE of 0.00 RUB</caption><thead><tr><th>stage</th>"
        "<th>kind</th><th>due_date</th><th>amount</th><th>currency</th><th>percent</th>"
        "<th>rule</th></tr></thead><tbody></tbody></table>"
    )


def test_stages_of_one_kind_come_in_payment_order() -> None:
    schedule = _schedule()
    assert [s.index for s in schedule.of_kind(StageKind.ADVANCE)] == [0]
    assert [s.amount for s in schedule.of_kind(StageKind.CREDIT)] == [Money("500.00", "RUB")]
    split = PaymentScheduleTemplate(
        "HALVES", "two credit halves", (ScheduleStage(StageKind.CREDIT, parts=2, every_days=7),)
    ).generate(Money("10.01", "RUB"), ORDERED, None, CALENDAR)
    assert [(s.due_date, s.amount) for s in split.of_kind(StageKind.CREDIT)] == [
        (ORDERED, Money("5.01", "RUB")),
        (date(2026, 3, 9), Money("5.00", "RUB")),
    ]
    assert split.of_kind(StageKind.ADVANCE) == ()


def test_a_stage_percent_that_is_not_a_number_is_refused_as_a_percent() -> None:
    with pytest.raises(InvalidAmountError, match=r"^percent 'half' is not a decimal number"):
        ScheduleStage(StageKind.ADVANCE, "half")
