"""Posting to a stored ledger: one partner's ledger, a payment's own allocations, duplicate ids."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.errors import ConflictError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    Payment,
    SettlementAccount,
    SettlementEntry,
    load_ledger,
    post_entries,
    record_payment,
    reverse_payment,
)

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
