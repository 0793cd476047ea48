"""Sample settlements for the demo: schedule templates, orders, shipments, a payment, a limit.

>>> from salescore.adapters.memory import MemoryStore
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_receivables(uow)
...     len(uow.schedule_templates), len(uow.settlements.payments())
(2, 1)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.dates import BusinessCalendar
from salescore.money import Money
from salescore.receivables import (
    CreditLimit,
    DayCount,
    DueEvent,
    LimitScope,
    ManualAllocation,
    OrderSchedule,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    StageKind,
    post_entries,
    record_payment,
    schedule_entries,
    shipment_entries,
)

__all__ = ["SAMPLE_AS_OF", "SAMPLE_CALENDAR", "load_sample_receivables"]

# The sample uses an explicit holiday list, so the demo does not move when the
# holidays data is upgraded.
SAMPLE_CALENDAR = BusinessCalendar(
    "RU 2026 (sample)",
    holidays=frozenset(date(2026, 1, d) for d in (1, 2, 5, 6, 7, 8))
    | {date(2026, 2, 23), date(2026, 3, 9)},
)
SAMPLE_AS_OF = date(2026, 3, 31)

ADVANCE_30 = PaymentScheduleTemplate(
    "ADV30-CR70",
    "30% advance, 70% in 14 working days after shipment",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(StageKind.CREDIT, None, 14, DayCount.WORKING, DueEvent.SHIPMENT),
    ),
    calendar_id="RU",
)
NET_14 = PaymentScheduleTemplate(
    "NET14",
    "14 days after shipment",
    (ScheduleStage(StageKind.CREDIT, None, 14, event=DueEvent.SHIPMENT),),
)

# (order, partner, counterparty, manager, template, order date, shipped on, total)
ORDERS = (
    ("SO-1001", "VOLGA-KZN", "KZN-LLC", "ivanova", ADVANCE_30, date(2025, 12, 25),
     date(2025, 12, 29), "100000.00"),
    ("SO-1002", "CAFE", "CAFE-IE", "petrov", NET_14, date(2026, 1, 12), date(2026, 1, 13),
     "18400.00"),
    ("SO-1003", "CHAIN", "CHAIN-LLC", "petrov", NET_14, date(2026, 3, 2), date(2026, 3, 3),
     "64000.00"),
    ("SO-1004", "VOLGA-KZN", "KZN-LLC", "ivanova", NET_14, date(2026, 2, 2), date(2026, 2, 3),
     "45000.50"),
)  # fmt: skip


def account(partner: str, counterparty: str) -> SettlementAccount:
    """The sample's settlement account of a partner with ORG-1 in roubles."""
    return SettlementAccount(partner, "RUB", counterparty, "ORG-1")


def load_sample_receivables(uow: Repositories) -> None:
    """Add templates, order schedules, shipments, a payment and a credit limit to ``uow``."""
    uow.schedule_templates.add(ADVANCE_30)
    uow.schedule_templates.add(NET_14)
    for order_id, partner, cp, manager, template, ordered, shipped, total in ORDERS:
        acc = account(partner, cp)
        amount = Money(total, "RUB")
        schedule = template.generate(amount, ordered, shipped, SAMPLE_CALENDAR)
        uow.order_schedules.add(OrderSchedule(order_id, schedule))
        entries = schedule_entries(schedule, acc, order_id, ordered, manager=manager)
        entries += shipment_entries(
            template, SAMPLE_CALENDAR, acc, order_id=order_id, order_date=ordered,
            shipment_id=f"SHIP-{order_id[3:]}", shipped_on=shipped, amount=amount,
            manager=manager,
        )  # fmt: skip
        post_entries(uow.settlements, entries)
    record_payment(
        uow.settlements,
        Payment(
            "PAY-0042",
            account("VOLGA-KZN", "KZN-LLC"),
            date(2026, 1, 30),
            Money("90000.00", "RUB"),
            manual=(ManualAllocation("SO-1001", Money("60000.00", "RUB")),),
        ),
    )
    uow.credit_limits.add(
        CreditLimit(
            "L-CAFE",
            LimitScope.PARTNER,
            "CAFE",
            "RUB",
            max_debt=Money("100000.00", "RUB"),
            max_overdue_days=30,
            tolerance=Money("1.00", "RUB"),
        )
    )
