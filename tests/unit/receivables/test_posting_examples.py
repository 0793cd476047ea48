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
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    load_ledger,
    post_entries,
    record_payment,
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
