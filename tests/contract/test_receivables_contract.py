"""The receivables storage contract, held against every storage adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salescore.app.stores import Store
from salescore.dates import BusinessCalendar, RollConvention
from salescore.errors import ConflictError, NotFoundError, SettlementError
from salescore.money import Currency, Money
from salescore.receivables import (
    ControlPoint,
    CreditLimit,
    CreditOverride,
    DayCount,
    DueEvent,
    EntryKind,
    LimitScope,
    ManualAllocation,
    Measure,
    OrderSchedule,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    StageKind,
    Verdict,
    load_ledger,
    post_entries,
    record_payment,
)

ACC = SettlementAccount("CAFE", "RUB", "CAFE-LLC", "ORG-1", "K-1")
OTHER = SettlementAccount("VOLGA", "RUB")
TEMPLATE = PaymentScheduleTemplate(
    "ADV30",
    "30% advance, rest in 14 working days",
    (
        ScheduleStage(StageKind.ADVANCE, Decimal(30)),
        ScheduleStage(StageKind.CREDIT, None, 14, DayCount.WORKING, DueEvent.SHIPMENT),
    ),
    RollConvention.FOLLOWING,
    "ru",
)


def entry(eid: str, acc: SettlementAccount = ACC, amount: str = "100.00") -> SettlementEntry:
    return SettlementEntry(
        eid,
        EntryKind.SHIPMENT,
        acc,
        "SO-1" if acc == ACC else "SO-9",
        eid,
        date(2026, 3, 2),
        date(2026, 3, 16),
        Money(amount, "RUB"),
        "petrov",
    )


def test_templates_schedules_limits_and_overrides_are_read_back_equal(store: Store) -> None:
    schedule = TEMPLATE.generate(
        Money("1000.00", "RUB"), date(2026, 3, 2), date(2026, 3, 4), BusinessCalendar()
    )
    limit = CreditLimit("L1", LimitScope.PARTNER, "CAFE", "RUB", Money("500.00", "RUB"), 30,
                        None, Money("0.01", "RUB"), Verdict.HOLD,
                        frozenset({ControlPoint.ORDER}))  # fmt: skip
    override = CreditOverride(
        "SO-3@x",
        "SO-3",
        Verdict.BLOCK,
        "cfo",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        "wire sent",
        ("debt",),
    )
    with store.unit_of_work() as uow:
        uow.schedule_templates.add(TEMPLATE)
        uow.order_schedules.add(OrderSchedule("SO-1", schedule))
        uow.credit_limits.add(limit)
        uow.credit_overrides.add(override)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.schedule_templates.get("ADV30") == TEMPLATE
        assert uow.order_schedules.get("SO-1").schedule == schedule
        assert uow.credit_limits.find_by("subject_id", "CAFE") == [limit]
        assert uow.credit_overrides.find_by("document_id", "SO-3") == [override]


def test_entries_payments_and_allocations_are_read_back_equal(store: Store) -> None:
    usd = Payment("PAY-USD", ACC, date(2026, 3, 3), Money("1.50", "USD"), Decimal("90.5"),
                  (ManualAllocation("SO-1", Money("100.00", "RUB")),))  # fmt: skip
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1"), entry("E2"), entry("E9", OTHER)])
        record_payment(uow.settlements, usd)
        uow.commit()
    with store.unit_of_work() as uow:
        assert [e.id for e in uow.settlements.entries()] == ["E1", "E2", "E9"]
        assert uow.settlements.entries(account=ACC) == [entry("E1"), entry("E2")]
        assert uow.settlements.entries(partner_id="VOLGA") == [entry("E9", OTHER)]
        assert uow.settlements.payment("PAY-USD") == usd
        assert uow.settlements.payments(partner_id="CAFE") == [usd]
        allocations = uow.settlements.allocations(partner_id="CAFE")
        assert [(a.measure, a.entry_id, a.amount, a.manual) for a in allocations] == [
            (Measure.ACTUAL, "E1", Money("100.00", "RUB"), True),
            (Measure.ACTUAL, "E2", Money("35.75", "RUB"), False),
        ]
        assert uow.settlements.allocations(partner_id="VOLGA") == []


def test_a_duplicate_entry_or_payment_id_is_a_conflict(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("E1")])
        uow.commit()
        with pytest.raises(ConflictError):
            uow.settlements.add_entries([entry("E2"), entry("E1")])
        assert [e.id for e in uow.settlements.entries()] == ["E1"]  # the batch left nothing
        payment = Payment("P", ACC, date(2026, 3, 3), Money("1.00", "RUB"))
        uow.settlements.add_payment(payment)
        with pytest.raises(ConflictError):
            uow.settlements.add_payment(payment)


def test_an_unknown_payment_is_not_found(store: Store) -> None:
    with store.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            uow.settlements.payment("NOPE")
        with pytest.raises(NotFoundError):
            uow.settlements.remove_payment("NOPE")


def test_a_custom_currency_keeps_its_minor_units(store: Store) -> None:
    token = Currency("XTS", 3)
    acc = SettlementAccount("LAB", token)
    special = SettlementEntry("X1", EntryKind.SHIPMENT, acc, "SO-X", "X1", date(2026, 1, 1),
                              date(2026, 1, 2), Money("1.234", token))  # fmt: skip
    with store.unit_of_work() as uow:
        uow.settlements.add_entries([special])
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.settlements.entries() == [special]


def test_a_failed_unit_of_work_leaves_nothing_of_the_ledger(store: Store) -> None:
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [entry("KEEP")])
        uow.commit()
        before = load_ledger(uow.settlements)

    def failing() -> None:
        with store.unit_of_work() as uow:
            post_entries(uow.settlements, [entry("E2")])
            record_payment(uow.settlements, Payment("P1", ACC, date(2026, 3, 5), Money(50, "RUB")))
            uow.schedule_templates.add(TEMPLATE)
            record_payment(  # fails: SO-1 is closed
                uow.settlements,
                Payment("P2", ACC, date(2026, 3, 6), Money(10, "RUB"),
                        manual=(ManualAllocation("SO-1", Money(10, "RUB")),)),
                closed_orders={"SO-1"},
            )  # fmt: skip
            uow.commit()

    with pytest.raises(SettlementError):
        failing()
    with store.unit_of_work() as uow:
        after = load_ledger(uow.settlements)
        assert (after.entries, after.payments, after.allocations) == (
            before.entries, before.payments, before.allocations
        )  # fmt: skip
        assert uow.schedule_templates.all() == []
