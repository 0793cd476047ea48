"""The aging cache is bounded: by states, and by the groups of one state."""

from __future__ import annotations

from datetime import date

from salescore.adapters.memory import MemoryStore
from salescore.app.receivables import age_receivables_from_store, aging_cache_of
from salescore.money import Money
from salescore.receivables import (
    AgingCache,
    EntryKind,
    SettlementAccount,
    SettlementEntry,
    age_receivables,
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
