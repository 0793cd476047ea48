"""Payment allocation tie-breaks and refusals on hand-computed examples."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import SettlementError
from salescore.money import Money
from salescore.receivables import (
    Allocation,
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    allocate_payments,
    sweep,
)
from salescore.receivables.allocation import (
    Credit,
    Item,
    Match,
    allocate_rows,
    allocations_of_rows,
    payment_row,
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


# --- the bulk engine on plain rows (fast examples beside the allocation properties) --------
#   item:   (posted day, due day, tie-break, order, minor units)
#   credit: (day, tie-break, minor units, order it is scoped to or None, spills)
#   match:  (credit index, item index, minor units, day, manual)


def _sweep(items: Sequence[Item], credits: Sequence[Credit]) -> list[Match]:
    """:func:`sweep`, failing within seconds rather than hanging if it never ends."""
    out: list[list[Match]] = []
    worker = threading.Thread(target=lambda: out.append(sweep(items, credits)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert out, "sweep did not finish within 10 seconds"
    return out[0]


def test_a_prepayment_waits_for_debt_and_then_pays_the_oldest_due_first() -> None:
    items = [
        (5, 20, "a", "O1", 300),
        (5, 10, "b", "O2", 200),
        (8, 9, "c", "O3", 100),
        (8, 1, "z", "O9", 0),  # nothing to pay: never matched
    ]
    credits = [
        (1, "p", 250, None, False),  # before any debt: waits until day 5
        (6, "q", 400, None, False),
        (6, "a", 0, None, False),  # nothing to give: never matched
    ]
    # Day 5: p pays b (due 10) 200 and a 50. Day 6: q pays a's other 250 and keeps 150.
    # Day 8: q pays c 100 and keeps 50.
    assert _sweep(items, credits) == [
        (0, 1, 200, 5, False),
        (0, 0, 50, 5, False),
        (1, 0, 250, 6, False),
        (1, 2, 100, 8, False),
    ]


def test_a_credit_equal_to_the_debt_closes_it_and_the_next_credit_pays_the_next_debt() -> None:
    items = [(1, 5, "a", "O1", 100), (1, 6, "b", "O1", 100)]
    credits = [(2, "p", 100, None, False), (3, "q", 100, None, False)]
    assert _sweep(items, credits) == [(0, 0, 100, 2, False), (1, 1, 100, 3, False)]


def test_equal_due_dates_go_by_posting_day_before_the_tie_break() -> None:
    items = [(2, 5, "b", "O", 1000), (1, 5, "z", "O", 1000)]
    assert _sweep(items, [(3, "p", 1500, None, False)]) == [
        (0, 1, 1000, 3, False),
        (0, 0, 500, 3, False),
    ]


def test_a_hand_part_waits_for_its_order_and_a_return_pays_its_own_order_first() -> None:
    items = [
        (1, 10, "O1\x00a", "O1", 100),
        (1, 5, "O2\x00b", "O2", 100),
        (4, 3, "O3\x00c", "O3", 50),  # O3's debt arrives on day 4
    ]
    credits = [
        (2, "0p", 60, "O3", False),  # by hand to O3
        (2, "1p", 30, None, False),  # the rest of the payment
        (3, "1r", 80, "O1", True),  # a return on O1
    ]
    # Day 2: the general 30 pays b (due 5); the hand 60 waits. Day 3: the return pays O1's a
    # 80, though b is due earlier. Day 4: the hand part pays c 50 and keeps 10 for O3.
    assert _sweep(items, credits) == [
        (1, 1, 30, 2, False),
        (2, 0, 80, 3, False),
        (0, 2, 50, 4, True),
    ]


def test_what_a_return_s_order_cannot_take_pays_other_debt_the_same_day() -> None:
    items = [(1, 5, "O1\x00a", "O1", 30), (1, 9, "O2\x00b", "O2", 100)]
    assert _sweep(items, [(2, "1r", 50, "O1", True)]) == [
        (0, 0, 30, 2, False),
        (0, 1, 20, 2, False),
    ]


def test_what_a_hand_part_s_order_cannot_take_waits_for_that_order_s_next_debt() -> None:
    items = [
        (1, 5, "O1\x00a", "O1", 30),
        (5, 8, "O1\x00c", "O1", 40),
        (1, 4, "O2\x00b", "O2", 100),
    ]
    credits = [(2, "0p", 50, "O1", False), (2, "1p", 10, None, False)]
    # Day 2: 30 of the hand 50 pays a; the general 10 pays b. Day 5: the hand part's
    # other 20 pays c, not b (due earlier, another order).
    assert _sweep(items, credits) == [
        (0, 0, 30, 2, True),
        (1, 2, 10, 2, False),
        (0, 1, 20, 5, True),
    ]


def test_a_zero_item_is_skipped_without_holding_back_the_rest_of_its_day() -> None:
    items = [
        (1, 20, "b", "O-B", 100),
        (1, 1, "z", "O-Z", 0),  # nothing to pay, listed between two debts of the same day
        (1, 5, "c", "O-C", 100),
    ]
    credits = [
        (1, "0h", 50, "O-X", False),  # by hand to an order with no debt yet: waits
        (1, "1p", 100, None, False),
    ]
    # The general 100 pays c (due 5), not b (due 20) that happens to be listed first.
    assert _sweep(items, credits) == [(1, 2, 100, 1, False)]


@dataclass(frozen=True)
class _OrderNo:
    """An order key that can be hashed but not ordered."""

    number: int


def test_order_keys_need_only_be_hashable() -> None:
    first, second = _OrderNo(1), _OrderNo(2)
    items = [(1, 5, "a", first, 100), (1, 6, "b", second, 100)]
    credits = [(2, "0p", 40, first, False), (2, "0q", 30, second, False)]
    assert _sweep(items, credits) == [(0, 0, 40, 2, True), (1, 1, 30, 2, True)]


def test_a_payment_allocated_wholly_by_hand_does_not_hold_back_a_same_day_return() -> None:
    # On 5 March: P1's 50 goes by hand to SO-A (nothing is left of it for anyone else),
    # the return R1 pays its own order SO-B's debt B1, and then P0 pays the rest of A1.
    entries = [
        SettlementEntry("B1", EntryKind.SHIPMENT, ACC, "SO-B", "S-B", date(2026, 3, 1),
                        date(2026, 3, 2), rub("100.00")),
        SettlementEntry("A1", EntryKind.SHIPMENT, ACC, "SO-A", "S-A", date(2026, 3, 1),
                        date(2026, 3, 3), rub("100.00")),
        SettlementEntry("R1", EntryKind.RETURN, ACC, "SO-B", "RET-1", DAY, DAY, rub("-100.00")),
    ]  # fmt: skip
    payments = [
        Payment("P0", ACC, DAY, rub("100.00")),
        Payment("P1", ACC, DAY, rub("50.00"), manual=[ManualAllocation("SO-A", rub("50.00"))]),
    ]
    assert actual(entries, payments) == [
        ("P1", "A1", "50.00"),
        ("R1", "B1", "100.00"),
        ("P0", "A1", "50.00"),
    ]


# --- allocate_rows: the same rules over stored rows (the bulk reallocation's engine) -------

ON = {day: date(2026, 3, day).toordinal() for day in (1, 5, 10)}


def test_rows_are_allocated_actual_then_planned_with_ties_by_order_id() -> None:
    entries = [
        ("S1", Measure.PLANNED, "SO-1", ON[1], ON[10], 10000),
        ("X", Measure.ACTUAL, "SO-10", ON[1], ON[10], 10000),
        ("Y", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
    ]
    # The payment's 150.00 is allocated once per measure: SO-1 goes before SO-10.
    assert allocate_rows(ACC, entries, [("P", ON[5], 15000, ())]) == [
        (Measure.ACTUAL, "P", "Y", ON[5], 10000, False),
        (Measure.ACTUAL, "P", "X", ON[5], 5000, False),
        (Measure.PLANNED, "P", "S1", ON[5], 10000, False),
    ]


def test_in_rows_a_hand_part_pays_its_order_before_a_same_day_return_of_that_order() -> None:
    entries = [
        ("A", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
        ("B", Measure.ACTUAL, "SO-2", ON[1], ON[10], 10000),
        ("R", Measure.ACTUAL, "SO-1", ON[5], ON[5], -10000),
    ]
    payment = ("P", ON[5], 10000, (("SO-1", 10000),))
    assert allocate_rows(ACC, entries, [payment]) == [
        (Measure.ACTUAL, "P", "A", ON[5], 10000, True),
        (Measure.ACTUAL, "R", "B", ON[5], 10000, False),
    ]


def test_in_rows_a_debt_of_one_kopeck_is_paid() -> None:
    entries = [("E", Measure.ACTUAL, "SO-1", ON[1], ON[10], 1)]
    assert allocate_rows(ACC, entries, [("P", ON[5], 1, ())]) == [
        (Measure.ACTUAL, "P", "E", ON[5], 1, False),
    ]


def test_in_rows_planned_debt_is_paid_when_there_is_no_actual_debt() -> None:
    entries = [("S1", Measure.PLANNED, "SO-1", ON[1], ON[10], 10000)]
    assert allocate_rows(ACC, entries, [("P", ON[5], 4000, ())]) == [
        (Measure.PLANNED, "P", "S1", ON[5], 4000, False),
    ]


def test_in_rows_debts_of_one_order_and_day_are_paid_in_entry_id_order() -> None:
    # Listed E2 first; same order, posting and due date: E1 is paid first, by its id.
    entries = [
        ("E2", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
        ("E1", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
    ]
    assert allocate_rows(ACC, entries, [("P", ON[5], 15000, ())]) == [
        (Measure.ACTUAL, "P", "E1", ON[5], 10000, False),
        (Measure.ACTUAL, "P", "E2", ON[5], 5000, False),
    ]


def test_in_rows_same_day_payments_are_taken_in_id_order_whatever_their_amounts() -> None:
    # PZ's 10.00 by hand pays A first; then the general money, PA's 50.00 before PB's
    # 20.00 (ids, not amounts), both to A (SO-1 before SO-2).
    entries = [
        ("A", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
        ("B", Measure.ACTUAL, "SO-2", ON[1], ON[10], 10000),
    ]
    payments = [
        ("PA", ON[5], 5000, ()),
        ("PB", ON[5], 2000, ()),
        ("PZ", ON[5], 1000, (("SO-1", 1000),)),
    ]
    assert allocate_rows(ACC, entries, payments) == [
        (Measure.ACTUAL, "PZ", "A", ON[5], 1000, True),
        (Measure.ACTUAL, "PA", "A", ON[5], 5000, False),
        (Measure.ACTUAL, "PB", "A", ON[5], 2000, False),
    ]


def test_in_rows_a_hand_part_left_over_waits_for_its_orders_next_debt_beside_a_return() -> None:
    # 5 March: P pays 150.00 by hand for SO-1, whose only debt A is 100.00; SO-1's return R
    # of 30.00 finds A paid. 10 March: SO-1's new debt B (100.00) takes the 50.00 left of the
    # hand part first, then the return's 30.00 (spilled into general money); 20.00 stay open.
    entries = [
        ("A", Measure.ACTUAL, "SO-1", ON[1], ON[10], 10000),
        ("R", Measure.ACTUAL, "SO-1", ON[5], ON[5], -3000),
        ("B", Measure.ACTUAL, "SO-1", ON[10], ON[10], 10000),
    ]
    payment = ("P", ON[5], 15000, (("SO-1", 15000),))
    assert allocate_rows(ACC, entries, [payment]) == [
        (Measure.ACTUAL, "P", "A", ON[5], 10000, True),
        (Measure.ACTUAL, "P", "B", ON[10], 5000, True),
        (Measure.ACTUAL, "R", "B", ON[10], 3000, False),
    ]


def test_rows_read_back_as_allocations_keep_which_parts_were_allocated_by_hand() -> None:
    # 5 March: P's 30.00 by hand pays SO-2's B; its other 120.00 pays A (SO-1 before SO-2),
    # then 20.00 of B. Only the first allocation was made by hand.
    entries = [ship("A", "SO-1"), ship("B", "SO-2")]
    pay = Payment("P", ACC, DAY, rub("150.00"), manual=[ManualAllocation("SO-2", rub("30.00"))])
    rows = [
        (e.id, e.measure, e.order_id, e.posted_on.toordinal(), e.due_date.toordinal(),
         e.amount.minor_units)
        for e in entries
    ]  # fmt: skip
    allocations = allocations_of_rows(ACC, allocate_rows(ACC, rows, [payment_row(pay)]))
    assert allocations == [
        Allocation(Measure.ACTUAL, "P", "B", DAY, rub("30.00"), manual=True),
        Allocation(Measure.ACTUAL, "P", "A", DAY, rub("100.00")),
        Allocation(Measure.ACTUAL, "P", "B", DAY, rub("20.00")),
    ]
    assert allocations == allocate_payments(entries, [pay])
