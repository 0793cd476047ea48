"""Sample settlements for the demo: schedule templates, orders, shipments, a payment, a limit.

>>> from salescore.adapters.memory import MemoryStore
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_receivables(uow)
...     len(uow.schedule_templates), len(uow.settlements.payments())
(4, 1)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.dates import BusinessCalendar, RollConvention
from salescore.money import Money
from salescore.receivables import (
    CreditLimit,
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

__all__ = ["SAMPLE_AS_OF", "SAMPLE_CALENDAR", "TEMPLATES", "load_sample_receivables"]

# The sample uses an explicit holiday list, so the demo does not move when the
# holidays data is upgraded.
SAMPLE_CALENDAR = BusinessCalendar(
    "RU 2026 (sample)",
    holidays=frozenset(date(2026, 1, d) for d in (1, 2, 5, 6, 7, 8))
    | {date(2026, 2, 23), date(2026, 3, 9)},
)
SAMPLE_AS_OF = date(2026, 3, 31)

# The ids are those the sample agreements name (payment_schedule_id).
PREPAY_50 = PaymentScheduleTemplate(
    "PREPAY-50-NET-14",
    "50% advance, 50% 14 days after shipment (next working day)",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(50)),
        ScheduleStage(StageKind.CREDIT, None, 14, event=DueEvent.SHIPMENT),
    ),
    roll=RollConvention.FOLLOWING,
    calendar_id="RU",
)


def net(days: int) -> PaymentScheduleTemplate:
    """Everything due ``days`` calendar days after shipment."""
    return PaymentScheduleTemplate(
        f"NET-{days}",
        f"{days} days after shipment",
        (ScheduleStage(StageKind.CREDIT, None, days, event=DueEvent.SHIPMENT),),
    )


TEMPLATES = (PREPAY_50, net(7), net(14), net(30))
BY_ID = {t.id: t for t in TEMPLATES}

# (order, partner, counterparty, manager, template, order date, shipped on, total)
ORDERS = (
    ("SO-1001", "HOLD", "HOLD-LLC", "ivanova", "PREPAY-50-NET-14", date(2025, 12, 25),
     date(2025, 12, 29), "100000.00"),
    ("SO-1002", "CAFE", "CAFE-IE", "petrov", "NET-7", date(2026, 1, 12), date(2026, 1, 13),
     "18400.00"),
    ("SO-1003", "CHAIN", "CHAIN-LLC", "petrov", "NET-14", date(2026, 3, 2), date(2026, 3, 3),
     "64000.00"),
    ("SO-1004", "VOLGA-KZN", "KZN-LLC", "ivanova", "NET-30", date(2026, 2, 2), date(2026, 2, 3),
     "45000.50"),
    ("SO-1005", "HOLD", "HOLD-LLC", "ivanova", "PREPAY-50-NET-14", date(2026, 1, 20),
     date(2026, 1, 26), "30000.00"),
)  # fmt: skip


def account(partner: str, counterparty: str) -> SettlementAccount:
    """The sample's settlement account of a partner with ORG-1 in roubles."""
    return SettlementAccount(partner, "RUB", counterparty, "ORG-1")


def load_sample_receivables(uow: Repositories) -> None:
    """Add templates, order schedules, shipments, a payment and a credit limit to ``uow``."""
    for template in TEMPLATES:
        uow.schedule_templates.add(template)
    for order_id, partner, cp, manager, template_id, ordered, shipped, total in ORDERS:
        template = BY_ID[template_id]
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
            account("HOLD", "HOLD-LLC"),
            date(2026, 1, 30),
            Money("90000.00", "RUB"),
            manual=(ManualAllocation("SO-1005", Money("20000.00", "RUB")),),
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
