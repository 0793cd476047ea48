"""Payment allocation tie-breaks and refusals on hand-computed examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import SettlementError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    allocate_payments,
)

ACC, EMPTY = SettlementAccount("CAFE", "RUB"), SettlementAccount("NOBODY", "RUB")
DAY = date(2026, 3, 5)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def ship(eid: str, order: str, amount: str = "100.00") -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SHIPMENT, ACC, order, eid, date(2026, 3, 1),
                           date(2026, 3, 10), rub(amount))  # fmt: skip


def actual(entries: list[SettlementEntry], payments: list[Payment]) -> list[tuple[str, str, str]]:
    return [
        (a.source_id, a.entry_id, str(a.amount.amount))
        for a in allocate_payments(entries, payments)
        if a.measure is Measure.ACTUAL
    ]


def test_a_hand_allocation_pays_its_order_before_a_same_day_return_of_that_order() -> None:
    # Both credit SO-1 on the same day: the payment's hand part goes first, so the return
    # finds SO-1 paid and its money pays the other order instead.
    entries = [
        ship("A", "SO-1"),
        ship("B", "SO-2"),
        SettlementEntry("R", EntryKind.RETURN, ACC, "SO-1", "RET-1", DAY, DAY, rub("-100.00")),
    ]
    pay = Payment("P", ACC, DAY, rub("100.00"), manual=[ManualAllocation("SO-1", rub("100.00"))])
    assert actual(entries, [pay]) == [("P", "A", "100.00"), ("R", "B", "100.00")]


def test_same_day_payments_are_taken_in_id_order_not_by_size() -> None:
    payments = [
        Payment("P-B", ACC, DAY, rub("20.00")),
        Payment("P-A", ACC, DAY, rub("30.00")),
    ]
    assert actual([ship("A", "SO-1", "40.00")], payments) == [
        ("P-A", "A", "30.00"),
        ("P-B", "A", "10.00"),
    ]


def test_equal_due_dates_go_by_order_id_even_when_one_id_prefixes_the_other() -> None:
    entries = [ship("X", "SO-10"), ship("Y", "SO-1")]
    assert actual(entries, [Payment("P", ACC, DAY, rub("150.00"))]) == [
        ("P", "Y", "100.00"),
        ("P", "X", "50.00"),
    ]


def test_a_hand_allocation_on_an_account_without_settlements_is_refused() -> None:
    pay = Payment("P", EMPTY, DAY, rub("10.00"), manual=[ManualAllocation("SO-1", rub("10.00"))])
    with pytest.raises(SettlementError, match="has no settlements on account"):
        allocate_payments([ship("A", "SO-1")], [pay])


def test_a_payment_rate_must_be_positive_but_may_be_below_one() -> None:
    usd = Payment("P", ACC, DAY, Money("10.00", "USD"), rate=Decimal("0.5"))
    assert usd.rate == Decimal("0.5")
    with pytest.raises(SettlementError, match="rate must be positive"):
        Payment("P", ACC, DAY, Money("10.00", "USD"), rate=Decimal(0))


def test_a_payment_naming_one_order_twice_by_hand_is_refused_with_that_order() -> None:
    parts = [
        ManualAllocation("SO-1", rub("1.00")),
        ManualAllocation("SO-2", rub("1.00")),
        ManualAllocation("SO-2", rub("1.00")),
    ]
    with pytest.raises(SettlementError, match="allocates to order 'SO-2' by hand twice"):
        Payment("P", ACC, DAY, rub("10.00"), manual=parts)
