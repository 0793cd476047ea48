"""The PostgreSQL settlement ledger at scale: bounded locks, COPY batches, bulk import."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.postgres import LOCK_SLOTS, PostgresStore
from salescore.adapters.postgres.bulk import COPY_THRESHOLD
from salescore.app.receivables import import_settlements
from salescore.errors import ConflictError
from salescore.money import Money
from salescore.receivables import (
    EntryKind,
    ManualAllocation,
    Payment,
    SettlementAccount,
    SettlementEntry,
    load_ledger,
    post_entries,
    record_payment,
)

DAY0 = date(2026, 3, 1)


def shipment(n: int, account: SettlementAccount, units: int = 10_000) -> SettlementEntry:
    return SettlementEntry(
        f"E{n}", EntryKind.SHIPMENT, account, f"SO-{n % 7}", f"S{n}",
        DAY0 + timedelta(n % 40), DAY0 + timedelta(n % 40 + 14), Money.from_minor(units, "RUB"),
        "petrov" if n % 3 else None,
    )  # fmt: skip


def test_writing_twenty_thousand_accounts_in_one_unit_of_work_holds_few_locks(
    postgres_url: str,
) -> None:
    # One advisory lock per account ran the server's lock table out of shared memory
    # ("out of shared memory", max_locks_per_transaction) beyond about 10,000 accounts.
    entries = [shipment(n, SettlementAccount(f"P{n:05d}", "RUB")) for n in range(20_000)]
    store = PostgresStore(postgres_url, min_size=1)
    try:
        with store.unit_of_work() as uow:
            uow.settlements.add_entries(entries)
            held = uow.connection.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid()"
            ).fetchone()[0]
            assert 0 < held <= LOCK_SLOTS
            uow.commit()
        with store.unit_of_work(read_only=True) as uow:
            assert len(uow.settlements.entries()) == 20_000
            assert uow.settlements.entries(partner_id="P12345") == [entries[12_345]]
    finally:
        store.close()


@pytest.mark.parametrize("size", [COPY_THRESHOLD - 1, COPY_THRESHOLD])
def test_a_batch_repeating_a_stored_id_is_refused_whole_by_insert_and_by_copy(
    postgres_url: str, size: int
) -> None:
    account = SettlementAccount("CAFE", "RUB")
    store = PostgresStore(postgres_url, min_size=1)
    try:
        with store.unit_of_work() as uow:
            post_entries(uow.settlements, [shipment(0, account)])
            batch = [shipment(n, account) for n in range(size, 0, -1)] + [shipment(0, account)]
            with pytest.raises(ConflictError):
                uow.settlements.add_entries(batch)
            assert [e.id for e in uow.settlements.entries()] == ["E0"]  # the unit goes on
            with pytest.raises(ConflictError):
                uow.settlements.add_payments(
                    [Payment(f"P{n}", account, DAY0, Money("1.00", "RUB")) for n in range(size)]
                    + [Payment("P0", account, DAY0, Money("1.00", "RUB"))]
                )
            assert uow.settlements.payments() == []
            uow.commit()
    finally:
        store.close()


def _ledger(accounts: int, per_account: int) -> tuple[list[SettlementEntry], list[Payment]]:
    entries, payments = [], []
    for a in range(accounts):
        account = SettlementAccount(f"P{a}", "RUB", f"P{a}-LLC", "ORG-1", f"K-{a % 3}")
        for k in range(per_account):
            n = a * per_account + k
            entries.append(shipment(n, account, 1_000 + 37 * n))
            if k % 4 == 3:  # a return of part of the shipment
                back = DAY0 + timedelta(n % 40 + 3)
                entries.append(
                    SettlementEntry(f"R{n}", EntryKind.RETURN, account, f"SO-{n % 7}", f"R{n}",
                                    back, back, Money.from_minor(-300, "RUB"))
                )  # fmt: skip
        manual = (ManualAllocation(f"SO-{(a * per_account) % 7}", Money("5.00", "RUB")),)
        payments.append(Payment(f"PAY{a}", account, DAY0 + timedelta(a % 30 + 5),
                                Money.from_minor(9_000 * per_account // 2, "RUB"),
                                manual=manual if a % 2 else ()))  # fmt: skip
    return entries, payments


def test_importing_a_ledger_by_copy_allocates_as_posting_it_does(postgres_url: str) -> None:
    entries, payments = _ledger(accounts=40, per_account=12)
    assert len(entries) >= COPY_THRESHOLD  # entries by COPY, these payments one by one
    assert len(payments) < COPY_THRESHOLD
    many_payments = [
        Payment(f"X{n}", SettlementAccount(f"Q{n}", "RUB"), DAY0, Money("1.00", "RUB"))
        for n in range(COPY_THRESHOLD)
    ]
    posted = MemoryStore()
    with posted.unit_of_work() as uow:
        post_entries(uow.settlements, entries)
        for payment in [*payments, *many_payments]:
            record_payment(uow.settlements, payment)
        expected = load_ledger(uow.settlements)
    store = PostgresStore(postgres_url, min_size=1)
    try:
        with store.unit_of_work() as uow:
            stored = import_settlements(uow, entries, [*payments, *many_payments])
            uow.commit()
        with store.unit_of_work(read_only=True) as uow:
            got = load_ledger(uow.settlements)
        assert stored == len(expected.allocations) > 0
        assert got.entries == expected.entries
        assert got.payments == expected.payments
        assert sorted(got.allocations, key=repr) == sorted(expected.allocations, key=repr)
    finally:
        store.close()


def test_an_import_repeating_an_entry_id_is_refused(postgres_url: str) -> None:
    account = SettlementAccount("CAFE", "RUB")
    store = PostgresStore(postgres_url, min_size=1)
    try:
        with store.unit_of_work() as uow, pytest.raises(ConflictError, match="'E1' is given twice"):
            import_settlements(uow, [shipment(1, account), shipment(1, account)])
    finally:
        store.close()
