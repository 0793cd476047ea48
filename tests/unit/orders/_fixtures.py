"""Small builders shared by the orders tests (hand-made values, no storage)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.agreements import AgreementId, Deviation, DeviationKind, Severity
from salescore.dates import BusinessCalendar
from salescore.money import Currency, Money, Quantity
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    FrozenLine,
    FrozenPrices,
    LineId,
    Order,
    OrderId,
    Quote,
    QuoteId,
)
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId
from salescore.receivables import (
    DayCount,
    DueEvent,
    PaymentSchedule,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
)
from salescore.tax import VatRate

RUB = Currency.of("RUB")
HEADER = DocumentHeader(
    PartnerId("VOLGA"),
    CounterpartyId("VOLGA-LLC"),
    OrganizationId("TD"),
    AgreementId("IA-VOLGA"),
    RUB,
)
ORDER_DAY = date(2026, 3, 2)  # a Monday
SHIP_DAY = date(2026, 3, 10)  # a Tuesday
HOLIDAY = date(2026, 3, 9)
CALENDAR = BusinessCalendar("RU test", holidays=frozenset({HOLIDAY}))

# 30 % advance on the order date, 20 % prepayment 2 working days before shipment,
# 50 % credit 10 calendar days after shipment.
TEMPLATE = PaymentScheduleTemplate(
    "ADV-PRE-CR",
    "advance, prepayment, credit",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(
            StageKind.PREPAYMENT,
            Decimal(20),
            days=2,
            day_count=DayCount.WORKING,
            event=DueEvent.BEFORE_SHIPMENT,
        ),
        ScheduleStage(StageKind.CREDIT, days=10, event=DueEvent.SHIPMENT),
    ),
)


def rub(text: str) -> Money:
    return Money(text, RUB)


def frozen_line(
    line_id: str,
    quantity: str,
    price: str,
    *,
    discount: str = "0.00",
    rate: str = "20",
    included: bool = True,
    reference: str | None = None,
) -> FrozenLine:
    return FrozenLine.of(
        LineId(line_id),
        ProductId(f"P{line_id}"),
        Quantity(quantity),
        reference_price=rub(reference or price),
        unit_price=rub(price),
        discount=rub(discount),
        rule_ids=("MANUAL",) if discount != "0.00" else (),
        vat_rate=VatRate.parse(rate),
        vat_included=included,
    )


def prices(*lines: FrozenLine, deviations: tuple[Deviation, ...] = ()) -> FrozenPrices:
    return FrozenPrices(ORDER_DAY, RUB, lines, deviations)


def price_cut(line: int = 1) -> Deviation:
    return Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE,
        Severity.APPROVAL,
        f"line {line}: price below the reference",
        line=line,
        amount=rub("100.00"),
    )


def lines(count: int = 1) -> tuple[DocumentLine, ...]:
    return tuple(
        DocumentLine(LineId(str(i)), ProductId(f"P{i}"), Decimal(2), planned_shipment=SHIP_DAY)
        for i in range(1, count + 1)
    )


def order(**changes: object) -> Order:
    values: dict[str, object] = {
        "id": OrderId("TD-2026-000001"),
        "header": HEADER,
        "on": ORDER_DAY,
        "lines": lines(),
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


def quote(**changes: object) -> Quote:
    values: dict[str, object] = {
        "id": QuoteId("KP-1"),
        "header": HEADER,
        "on": ORDER_DAY,
        "valid_until": date(2026, 3, 16),
        "lines": lines(),
    }
    values.update(changes)
    return Quote(**values)  # type: ignore[arg-type]


def schedule_for(total: Money) -> PaymentSchedule:
    return TEMPLATE.generate(total, ORDER_DAY, SHIP_DAY, CALENDAR)
