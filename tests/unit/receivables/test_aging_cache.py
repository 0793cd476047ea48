"""The aging cache is bounded: by states, and by the groups of one state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.repositories import Repositories
from salescore.app.receivables import age_receivables_from_store, aging_cache_of
from salescore.errors import InvalidInputError
from salescore.money import Currency, Money
from salescore.receivables import (
    AgingCache,
    EntryKind,
    Measure,
    OpenCreditColumns,
    OpenGroupSums,
    OpenItemColumns,
    SettlementAccount,
    SettlementEntry,
    age_receivables,
    age_store,
    load_ledger,
    post_entries,
)


def _store() -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(
            uow.settlements,
            [
                SettlementEntry(f"E{n}", EntryKind.SHIPMENT, SettlementAccount(f"P{n}", "RUB"),
                                f"SO-{n}", f"S{n}", date(2026, 1, n + 1), date(2026, 2, n + 1),
                                Money("10.00", "RUB"), f"M{n % 2}")
                for n in range(6)
            ],
        )  # fmt: skip
        uow.commit()
    return store


def test_the_cache_keeps_at_most_its_size_and_skips_states_with_too_many_groups() -> None:
    store = _store()
    small, narrow = AgingCache(size=2), AgingCache(max_groups=3)
    on = date(2026, 3, 1)
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        for fields in (("manager",), ("organization",), ("contract",), ("partner",)):
            for cache in (small, narrow):
                report = age_receivables_from_store(uow, on, group_by=fields, cache=cache)
                assert report == age_receivables(ledger, on, group_by=fields)
    assert len(small) == 2
    assert len(narrow) == 3  # six partners are more groups than max_groups: not kept


def test_each_store_has_its_own_default_cache() -> None:
    first, second = _store(), _store()
    with first.unit_of_work() as a, second.unit_of_work() as b:
        assert aging_cache_of(a) is aging_cache_of(a)
        assert aging_cache_of(a) is not aging_cache_of(b)
        age_receivables_from_store(a, date(2026, 3, 1))
        assert len(aging_cache_of(a)) == 1
        assert len(aging_cache_of(b)) == 0


def test_every_unit_of_work_of_a_store_reports_from_the_same_default_cache() -> None:
    # The cache belongs to the store, not to one unit of work: tomorrow's report, in
    # another unit of work, starts from today's state.
    store = _store()
    with store.unit_of_work() as first:
        age_receivables_from_store(first, date(2026, 3, 1))
    with store.unit_of_work() as second:
        assert aging_cache_of(second) is aging_cache_of(first)
        assert len(aging_cache_of(second)) == 1


def test_the_open_items_of_only_the_newest_full_report_are_kept() -> None:
    # A state read in full keeps its open items for the next date's report (about
    # 24 bytes an item); the cache keeps them for one state only, so its memory
    # stays bounded by one ledger's items.
    store = _store()
    cache = AgingCache()
    on = date(2026, 3, 1)
    with store.unit_of_work() as uow:
        for fields in (("manager",), ("partner",)):
            age_receivables_from_store(uow, on, group_by=fields, cache=cache)
    kept = [state.columns is not None for state in cache._states.values()]
    assert kept == [False, True]
    assert len(next(reversed(cache._states.values())).columns.keys) == 6  # type: ignore[union-attr]


class _ManyPartners:
    """A storage that buckets and groups by itself (the ``OpenLedgerSums`` port, as
    PostgreSQL's ledger does): each of ``partners`` partners owes 1.00 RUB 31-60 days
    overdue. Its sums are built once, not computed."""

    def __init__(self, partners: int) -> None:
        rub = Currency.of("RUB")
        groups: list[tuple[tuple[str, ...], Currency]] = [
            ((f"P{n}",), rub) for n in range(partners)
        ]
        sums = dict.fromkeys(groups, (0, 0, 100, 0, 0))  # 1.00 RUB in the third bucket
        self.sums = OpenGroupSums(sums, dict.fromkeys(groups, 1), {}, {})

    def version(self) -> str:
        return f"{len(self.sums.sums)} partners"

    def open_group_sums(
        self, as_of: date, measure: Measure, fields: Sequence[str], thresholds: Sequence[int]
    ) -> OpenGroupSums:
        return self.sums

    def open_item_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: object = None,
        *,
        partner_id: str | None = None,
    ) -> OpenItemColumns:
        raise AssertionError("the sums are enough: no open item is read")

    def open_credit_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: object = None,
        *,
        partner_id: str | None = None,
    ) -> OpenCreditColumns:
        raise AssertionError("the sums are enough: no open credit is read")


def test_by_default_a_state_of_more_than_200_000_groups_is_not_kept() -> None:
    # The default bound of one state's groups (smaller states are kept: see above). The
    # storage groups by partner even when the report shows segments, so the report
    # itself stays one row.
    cache, storage = AgingCache(), _ManyPartners(200_001)
    report = age_store(storage, date(2026, 4, 1), group_by=("segment",), cache=cache,
                       summed=storage)  # fmt: skip
    (row,) = report.lines
    assert row.buckets[2] == Money("200001.00", "RUB")
    assert len(cache) == 0
    wider = AgingCache(max_groups=200_001)
    age_store(storage, date(2026, 4, 1), group_by=("segment",), cache=wider, summed=storage)
    assert len(wider) == 1


class _SummingUnitOfWork:
    """A unit of work of a storage that sums by itself, without a ``store`` of its own."""

    def __init__(self, partners: int) -> None:
        self.settlements = _ManyPartners(partners)


def test_a_storage_that_sums_is_aged_by_its_sums_unless_told_otherwise() -> None:
    # Three partners owe 1.00 RUB each, 31-60 days overdue: the storage's sums, with no
    # open item read (its columns would fail the test), by default and when asked to.
    uow = cast(Repositories, _SummingUnitOfWork(3))
    for in_database in (None, True):
        report = age_receivables_from_store(uow, date(2026, 4, 1), in_database=in_database)
        assert [(r["partner"], r["31-60"], r["total"]) for r in report.rows()] == [
            ("P0", "1.00", "1.00"),
            ("P1", "1.00", "1.00"),
            ("P2", "1.00", "1.00"),
        ]
    # Without a store, the unit of work keeps the default cache itself.
    assert len(aging_cache_of(uow)) == 1
    # Told not to, it reads the open items (which this storage refuses to give).
    with pytest.raises(AssertionError, match="no open item is read"):
        age_receivables_from_store(uow, date(2026, 4, 1), in_database=False, cache=AgingCache())


def test_a_store_that_cannot_sum_refuses_to_age_in_the_database() -> None:
    store = _store()
    with store.unit_of_work() as uow:
        with pytest.raises(InvalidInputError, match="cannot age receivables in the database"):
            age_receivables_from_store(uow, date(2026, 3, 1), in_database=True)
        report = age_receivables_from_store(uow, date(2026, 3, 1), in_database=False)
        assert report == age_receivables(load_ledger(uow.settlements), date(2026, 3, 1))
