"""Posting to a stored ledger: one partner's ledger, a payment's own allocations, duplicate ids."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.errors import ConflictError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    load_ledger,
    post_entries,
    record_payment,
    reverse_payment,
)
from salescore.receivables.ports import SettlementLedgerRepository

CAFE, VOLGA = SettlementAccount("CAFE", "RUB"), SettlementAccount("VOLGA", "RUB")


def ship(eid: str, account: SettlementAccount, amount: str) -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SHIPMENT, account, f"SO-{eid}", eid, date(2026, 3, 2),
                           date(2026, 3, 16), Money(amount, "RUB"))  # fmt: skip


def test_a_partners_ledger_holds_only_its_entries_payments_and_allocations() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [ship("V1", VOLGA, "300.00"), ship("C1", CAFE, "100.00")])
        record_payment(
            uow.settlements, Payment("PC", CAFE, date(2026, 3, 5), Money("40.00", "RUB"))
        )
        record_payment(
            uow.settlements, Payment("PV", VOLGA, date(2026, 3, 5), Money("5.00", "RUB"))
        )
        cafe = load_ledger(uow.settlements, partner_id="CAFE")
        assert [e.id for e in cafe.entries] == ["C1"]
        assert [p.id for p in cafe.payments] == ["PC"]
        assert cafe.balance(date(2026, 3, 31), currency="RUB") == Money("60.00", "RUB")


def test_recording_a_payment_returns_only_that_payments_allocations() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00"), ship("C2", CAFE, "100.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 3), Money("30.00", "RUB"))
        )
        second = record_payment(
            uow.settlements, Payment("P2", CAFE, date(2026, 3, 4), Money("120.00", "RUB"))
        )
        assert [
            (a.source_id, a.entry_id, a.amount) for a in second if a.measure.value == "actual"
        ] == [
            ("P2", "C1", Money("70.00", "RUB")),
            ("P2", "C2", Money("50.00", "RUB")),
        ]


def test_an_entry_id_given_twice_is_named_in_the_refusal() -> None:
    store = MemoryStore()
    with (
        store.unit_of_work() as uow,
        pytest.raises(ConflictError, match="entry id 'C2' is given twice"),
    ):
        post_entries(
            uow.settlements, [ship("C1", CAFE, "1"), ship("C2", CAFE, "1"), ship("C2", CAFE, "2")]
        )


# --- new debt and the account's history ------------------------------------------------


def stage(eid: str, posted: date, due: date, amount: str) -> SettlementEntry:
    return SettlementEntry(eid, EntryKind.SCHEDULE, CAFE, f"SO-{eid}", eid, posted, due,
                           Money(amount, "RUB"))  # fmt: skip


class _Counting:
    """The ledger port, counting the reads that list an account's history."""

    def __init__(self, raw: SettlementLedgerRepository) -> None:
        self._raw = raw
        self.listed = 0

    def __getattr__(self, name: str) -> Any:
        if name in ("entries", "payments", "allocations"):
            self.listed += 1
        return getattr(self._raw, name)


def _paid_cafe(uow: Any, payment: str = "100.00") -> _Counting:
    """CAFE owes a 100.00 stage (planned) and a 100.00 shipment (actual), and pays on 03-05."""
    post_entries(uow.settlements, [stage("S1", date(2026, 3, 2), date(2026, 3, 16), "100.00"),
                                   ship("C1", CAFE, "100.00")])  # fmt: skip
    record_payment(uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money(payment, "RUB")))
    return _Counting(uow.settlements)


def _planned(uow: Any) -> list[tuple[str, str, date, Money]]:
    return [(a.source_id, a.entry_id, a.allocated_on, a.amount)
            for a in uow.settlements.allocations() if a.measure is Measure.PLANNED]  # fmt: skip


def test_new_debt_after_every_credit_is_spent_stays_open_without_reading_the_history() -> None:
    with MemoryStore().unit_of_work() as uow:
        counting = _paid_cafe(uow)
        post_entries(cast(SettlementLedgerRepository, counting),
                     [stage("S2", date(2026, 3, 10), date(2026, 3, 24), "150.00")])  # fmt: skip
        assert counting.listed == 0
        assert _planned(uow) == [("P1", "S1", date(2026, 3, 5), Money("100.00", "RUB"))]
        ledger = load_ledger(uow.settlements)
        assert ledger.balance(date(2026, 3, 31), Measure.PLANNED) == Money("150.00", "RUB")


def test_credit_left_over_pays_new_debt_the_day_it_is_posted() -> None:
    with MemoryStore().unit_of_work() as uow:
        counting = _paid_cafe(uow, "130.00")  # 30.00 left in both measures
        post_entries(cast(SettlementLedgerRepository, counting),
                     [stage("S2", date(2026, 3, 10), date(2026, 3, 24), "150.00")])  # fmt: skip
        assert counting.listed > 0
        assert _planned(uow) == [
            ("P1", "S1", date(2026, 3, 5), Money("100.00", "RUB")),
            ("P1", "S2", date(2026, 3, 10), Money("30.00", "RUB")),
        ]


def test_new_debt_posted_before_a_payment_takes_it_if_it_is_due_first() -> None:
    with MemoryStore().unit_of_work() as uow:
        _paid_cafe(uow)
        # S0 is posted on 03-01, before the 03-05 payment, and due before S1: it is paid
        # first. S3, posted with it, comes later and stays open.
        later = stage("S3", date(2026, 3, 20), date(2026, 4, 1), "10.00")
        early = stage("S0", date(2026, 3, 1), date(2026, 3, 3), "80.00")
        post_entries(uow.settlements, [later, early])
        assert _planned(uow) == [
            ("P1", "S0", date(2026, 3, 5), Money("80.00", "RUB")),
            ("P1", "S1", date(2026, 3, 5), Money("20.00", "RUB")),
        ]


def test_new_debt_posted_the_day_of_a_payment_takes_it_if_it_is_due_first() -> None:
    with MemoryStore().unit_of_work() as uow:
        _paid_cafe(uow)
        post_entries(uow.settlements, [stage("S0", date(2026, 3, 5), date(2026, 3, 6), "80.00")])
        assert _planned(uow) == [
            ("P1", "S0", date(2026, 3, 5), Money("80.00", "RUB")),
            ("P1", "S1", date(2026, 3, 5), Money("20.00", "RUB")),
        ]


def test_new_debt_posted_before_an_allocation_of_a_later_debt_takes_its_money() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [stage("S1", date(2026, 3, 8), date(2026, 3, 20), "100.00"),
                                       ship("C1", CAFE, "100.00")])  # fmt: skip
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money("100.00", "RUB"))
        )
        assert _planned(uow) == [("P1", "S1", date(2026, 3, 8), Money("100.00", "RUB"))]
        # Posted on 03-07, after the payment but before S1: the money waiting pays it first.
        post_entries(uow.settlements, [stage("S0", date(2026, 3, 7), date(2026, 3, 10), "60.00")])
        assert _planned(uow) == [
            ("P1", "S0", date(2026, 3, 7), Money("60.00", "RUB")),
            ("P1", "S1", date(2026, 3, 8), Money("40.00", "RUB")),
        ]


def test_a_return_posted_to_a_paid_account_is_allocated() -> None:
    with MemoryStore().unit_of_work() as uow:
        counting = _paid_cafe(uow)
        back = SettlementEntry("R1", EntryKind.RETURN, CAFE, "SO-C1", "R1", date(2026, 3, 10),
                               date(2026, 3, 10), Money("-30.00", "RUB"))  # fmt: skip
        post_entries(cast(SettlementLedgerRepository, counting), [back])
        assert counting.listed > 0
        assert load_ledger(uow.settlements).open_credits(date(2026, 3, 31))


def _actual(uow: Any) -> list[tuple[str, str, date, Money]]:
    return [(a.source_id, a.entry_id, a.allocated_on, a.amount)
            for a in uow.settlements.allocations() if a.measure is Measure.ACTUAL]  # fmt: skip


def test_a_new_shipment_after_payment_and_return_are_spent_stays_open_without_the_history() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00"), ship("C2", CAFE, "30.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money("100.00", "RUB"))
        )
        back = SettlementEntry("R1", EntryKind.RETURN, CAFE, "SO-C1", "R1", date(2026, 3, 10),
                               date(2026, 3, 10), Money("-30.00", "RUB"))  # fmt: skip
        post_entries(uow.settlements, [back])  # C1 is paid: the return's 30.00 pays C2
        counting = _Counting(uow.settlements)
        later = SettlementEntry("C3", EntryKind.SHIPMENT, CAFE, "SO-C3", "C3", date(2026, 3, 12),
                                date(2026, 3, 26), Money("40.00", "RUB"))  # fmt: skip
        post_entries(cast(SettlementLedgerRepository, counting), [later])
        assert counting.listed == 0
        assert _actual(uow) == [
            ("P1", "C1", date(2026, 3, 5), Money("100.00", "RUB")),
            ("R1", "C2", date(2026, 3, 10), Money("30.00", "RUB")),
        ]
        assert load_ledger(uow.settlements).balance(date(2026, 3, 31)) == Money("40.00", "RUB")


def test_a_payment_after_every_credit_is_spent_pays_what_is_open_without_the_history() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00"), ship("C2", CAFE, "50.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money("120.00", "RUB"))
        )
        later = SettlementEntry("C3", EntryKind.SHIPMENT, CAFE, "SO-C3", "C3", date(2026, 3, 12),
                                date(2026, 3, 14), Money("40.00", "RUB"))  # fmt: skip
        post_entries(uow.settlements, [later])  # P1 is spent: C1 100.00, C2 20.00
        counting = _Counting(uow.settlements)
        p2 = Payment("P2", CAFE, date(2026, 3, 10), Money("50.00", "RUB"))
        paid = record_payment(cast(SettlementLedgerRepository, counting), p2)
        assert counting.listed == 0
        # C2's 30.00 left on 03-10, then C3 (posted 03-12) 20.00 of its 40.00 on 03-12.
        assert [
            (a.entry_id, a.allocated_on, a.amount) for a in paid if a.measure is Measure.ACTUAL
        ] == [
            ("C2", date(2026, 3, 10), Money("30.00", "RUB")),
            ("C3", date(2026, 3, 12), Money("20.00", "RUB")),
        ]
        assert _actual(uow) == [
            ("P1", "C1", date(2026, 3, 5), Money("100.00", "RUB")),
            ("P1", "C2", date(2026, 3, 5), Money("20.00", "RUB")),
            ("P2", "C2", date(2026, 3, 10), Money("30.00", "RUB")),
            ("P2", "C3", date(2026, 3, 12), Money("20.00", "RUB")),
        ]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # Entered late: the bank received P2 on 03-06, before P1.
        (("P1", date(2026, 3, 10)), ("P2", date(2026, 3, 6))),
        # The same day as P1's allocation, and first by id.
        (("P1", date(2026, 3, 5)), ("P0", date(2026, 3, 5))),
    ],
    ids=["dated-before", "same-day-sorting-first"],
)
def test_a_payment_that_comes_first_in_time_pays_first_even_if_recorded_later(
    earlier: tuple[str, date], later: tuple[str, date]
) -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00")])
        for pid, day in (earlier, later):
            record_payment(uow.settlements, Payment(pid, CAFE, day, Money("100.00", "RUB")))
        assert _actual(uow) == [(later[0], "C1", later[1], Money("100.00", "RUB"))]


def test_a_payment_beside_money_left_over_waits_behind_it() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money("150.00", "RUB"))
        )
        counting = _Counting(uow.settlements)
        record_payment(cast(SettlementLedgerRepository, counting),
                       Payment("P2", CAFE, date(2026, 3, 10), Money("70.00", "RUB")))  # fmt: skip
        assert counting.listed == 0  # nothing is open: P2 joins P1's 50.00 left over
        later = SettlementEntry("C2", EntryKind.SHIPMENT, CAFE, "SO-C2", "C2", date(2026, 3, 12),
                                date(2026, 3, 26), Money("80.00", "RUB"))  # fmt: skip
        post_entries(uow.settlements, [later])
        # P1's 50.00 left over goes first to C2; P2 pays the other 30.00.
        assert _actual(uow) == [
            ("P1", "C1", date(2026, 3, 5), Money("100.00", "RUB")),
            ("P1", "C2", date(2026, 3, 12), Money("50.00", "RUB")),
            ("P2", "C2", date(2026, 3, 12), Money("30.00", "RUB")),
        ]


def test_a_payment_beside_a_hand_part_waiting_for_its_order_pays_the_other_orders() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00"), ship("X1", CAFE, "30.00")])
        # 100.00 by hand for order SO-X1: it pays X1's 30.00; 70.00 waits for that order.
        hand = ManualAllocation("SO-X1", Money("100.00", "RUB"))
        p1 = Payment("P1", CAFE, date(2026, 3, 5), Money("100.00", "RUB"), manual=(hand,))
        record_payment(uow.settlements, p1)
        counting = _Counting(uow.settlements)
        record_payment(cast(SettlementLedgerRepository, counting),
                       Payment("P2", CAFE, date(2026, 3, 10), Money("70.00", "RUB")))  # fmt: skip
        assert counting.listed == 0
        assert _actual(uow) == [
            ("P1", "X1", date(2026, 3, 5), Money("30.00", "RUB")),
            ("P2", "C1", date(2026, 3, 10), Money("70.00", "RUB")),
        ]
        ledger = load_ledger(uow.settlements)
        assert [(c.source_id, c.open) for c in ledger.open_credits(date(2026, 3, 31))] == [
            ("P1", Money("70.00", "RUB"))
        ]


def test_a_payment_dated_before_the_last_planned_allocation_pays_the_stage_first() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [stage("S1", date(2026, 3, 2), date(2026, 3, 16), "100.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 10), Money("100.00", "RUB"))
        )
        record_payment(
            uow.settlements, Payment("P2", CAFE, date(2026, 3, 6), Money("100.00", "RUB"))
        )
        assert _planned(uow) == [("P2", "S1", date(2026, 3, 6), Money("100.00", "RUB"))]


def test_a_hand_part_for_a_paid_order_waits_for_more_of_it() -> None:
    with MemoryStore().unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00")])
        record_payment(
            uow.settlements, Payment("P1", CAFE, date(2026, 3, 5), Money("100.00", "RUB"))
        )
        hand = ManualAllocation("SO-C1", Money("40.00", "RUB"))
        p2 = Payment("P2", CAFE, date(2026, 3, 10), Money("40.00", "RUB"), manual=(hand,))
        assert record_payment(uow.settlements, p2) == []
        ledger = load_ledger(uow.settlements)
        assert [(c.source_id, c.open) for c in ledger.open_credits(date(2026, 3, 31))] == [
            ("P2", Money("40.00", "RUB"))
        ]


def test_reversing_a_payment_returns_it_and_gives_its_place_to_the_later_payments() -> None:
    # C1 and C2 owe 100.00 each. P1 (30.00, 3 March) pays C1 first, P2 (120.00, 4 March)
    # the other 70.00 of C1 and 50.00 of C2. Without P1, P2 pays all of C1 (100.00) and
    # 20.00 of C2: 80.00 stays open.
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [ship("C1", CAFE, "100.00"), ship("C2", CAFE, "100.00")])
        first = Payment("P1", CAFE, date(2026, 3, 3), Money("30.00", "RUB"))
        record_payment(uow.settlements, first)
        record_payment(
            uow.settlements, Payment("P2", CAFE, date(2026, 3, 4), Money("120.00", "RUB"))
        )
        assert reverse_payment(uow.settlements, "P1") == first
        ledger = load_ledger(uow.settlements)
        assert [p.id for p in ledger.payments] == ["P2"]
        assert [
            (a.source_id, a.entry_id, a.amount)
            for a in ledger.allocations
            if a.measure.value == "actual"
        ] == [
            ("P2", "C1", Money("100.00", "RUB")),
            ("P2", "C2", Money("20.00", "RUB")),
        ]
        assert ledger.balance(date(2026, 3, 31), currency="RUB") == Money("80.00", "RUB")
