"""Aging read from a store (memory, SQLite in memory) on hand-computed examples.

The report a user reads from the store (:func:`age_receivables_from_store`,
:func:`age_store`) must be the report of the loaded ledger
(:func:`age_receivables`) on every date, whether it was read in full, started
from a cached date, or rebuilt after the ledger changed.

The ledger (default buckets: not due, 1-30, 31-60, 61-90, 90+):

* CAFE (RUB, counterparty CAFE-LLC, ORG-1, contract K-1): E1 300.00 of order SO-1,
  due 9 Feb, manager petrov; E2 200.00 of SO-2, due 3 Mar, manager ivanova;
  a return R2 of 40.00 on SO-2 posted 5 Mar (pays E2 first); PAY1 100.00 on 10 Mar
  (pays E1, the oldest due).
* VOLGA (RUB, ORG-1): E3 150.00 of SO-3, due 31 Mar, petrov; PAY2 200.00 on 20 Mar
  pays E3 and leaves 50.00 of credit.
* VOLGA (USD): E4 50.00 of SO-4, due 2 Mar, no manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.receivables import age_receivables_from_store
from salescore.app.stores import Store
from salescore.dates import BusinessCalendar
from salescore.errors import InvalidInputError
from salescore.money import Money
from salescore.receivables import (
    AgingBucket,
    AgingCache,
    AgingPolicy,
    AgingReport,
    DayCount,
    EntryKind,
    LedgerChanges,
    ManualAllocation,
    Measure,
    OpenGroupSums,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    age_receivables,
    age_store,
    load_ledger,
    post_entries,
    record_payment,
)
from salescore.receivables.aging import due_thresholds

CAFE = SettlementAccount("CAFE", "RUB", "CAFE-LLC", "ORG-1", "K-1")
VOLGA = SettlementAccount("VOLGA", "RUB", None, "ORG-1")
VOLGA_USD = SettlementAccount("VOLGA", "USD")
MAR4, APR1, APR2, APR3 = date(2026, 3, 4), date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3)


def _entry(eid: str, acc: SettlementAccount, order: str, posted: date, due: date, amount: str,
           manager: str | None = None) -> SettlementEntry:  # fmt: skip
    return SettlementEntry(eid, EntryKind.SHIPMENT, acc, order, f"S-{eid}", posted, due,
                           Money(amount, acc.currency), manager)  # fmt: skip


ENTRIES = [
    _entry("E1", CAFE, "SO-1", date(2026, 1, 10), date(2026, 2, 9), "300.00", "petrov"),
    _entry("E2", CAFE, "SO-2", date(2026, 2, 1), date(2026, 3, 3), "200.00", "ivanova"),
    SettlementEntry(
        "R2",
        EntryKind.RETURN,
        CAFE,
        "SO-2",
        "RET-2",
        date(2026, 3, 5),
        date(2026, 3, 5),
        Money("-40.00", "RUB"),
    ),
    _entry("E3", VOLGA, "SO-3", date(2026, 2, 15), date(2026, 3, 31), "150.00", "petrov"),
    _entry("E4", VOLGA_USD, "SO-4", date(2026, 2, 20), date(2026, 3, 2), "50.00"),
]
PAYMENTS = [
    Payment("PAY1", CAFE, date(2026, 3, 10), Money("100.00", "RUB")),
    Payment("PAY2", VOLGA, date(2026, 3, 20), Money("200.00", "RUB")),
]


@pytest.fixture(params=["memory", "sqlite-memory"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    made: Store = MemoryStore() if request.param == "memory" else SqliteStore(":memory:")
    with made.unit_of_work() as uow:
        post_entries(uow.settlements, ENTRIES)
        for payment in PAYMENTS:
            record_payment(uow.settlements, payment)
        uow.commit()
    yield made
    if isinstance(made, SqliteStore):
        made.close()


def _figures(report: AgingReport) -> list[tuple[str, ...]]:
    """Each row as its group, currency, non-zero buckets (label=amount), total and credit."""
    return [
        (
            *r.group,
            r.currency.code,
            *(f"{label}={m.amount}" for label, m in zip(report.policy.labels, r.buckets,
                                                         strict=True) if not m.is_zero()),
            f"total={r.total.amount}",
            f"credit={r.credit.amount}",
        )
        for r in report.lines
    ]  # fmt: skip


# On 4 March nothing is paid yet: E1 is 23 days overdue, E2 1 day, E4 2 days; E3 is not due.
ON_MAR4 = [
    ("CAFE", "RUB", "1-30=500.00", "total=500.00", "credit=0.00"),
    ("VOLGA", "RUB", "not due=150.00", "total=150.00", "credit=0.00"),
    ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
]
# On 2 April: E1 has 200.00 open, 52 days overdue; E2 160.00 open, 30 days; E3 is paid and
# VOLGA has 50.00 of credit; E4 is 31 days overdue.
ON_APR2 = [
    ("CAFE", "RUB", "1-30=160.00", "31-60=200.00", "total=360.00", "credit=0.00"),
    ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
    ("VOLGA", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
]
# On 3 April E2 is 31 days overdue: CAFE's 160.00 moves to 31-60; VOLGA's rows do not change.
ON_APR3 = [
    ("CAFE", "RUB", "31-60=360.00", "total=360.00", "credit=0.00"),
    ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
    ("VOLGA", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
]
# On 1 April E4 is 30 days overdue, still in 1-30; the rest as on 2 April.
ON_APR1 = [
    ("CAFE", "RUB", "1-30=160.00", "31-60=200.00", "total=360.00", "credit=0.00"),
    ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
    ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
]
# On 10 March PAY1 has paid 100.00 of E1 (29 days overdue) and the return 40.00 of E2.
ON_MAR10 = [
    ("CAFE", "RUB", "1-30=360.00", "total=360.00", "credit=0.00"),
    ("VOLGA", "RUB", "not due=150.00", "total=150.00", "credit=0.00"),
    ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
]
# On 20 March E1 is 39 days overdue; PAY2 pays E3 that day and leaves 50.00 of credit.
ON_MAR20 = [
    ("CAFE", "RUB", "1-30=160.00", "31-60=200.00", "total=360.00", "credit=0.00"),
    ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
    ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
]
MAR10, MAR20 = date(2026, 3, 10), date(2026, 3, 20)
EXPECTED = {
    MAR4: ON_MAR4,
    MAR10: ON_MAR10,
    MAR20: ON_MAR20,
    APR1: ON_APR1,
    APR2: ON_APR2,
    APR3: ON_APR3,
}


def test_a_report_read_in_full_from_the_store_is_the_report_of_the_loaded_ledger(
    store: Store,
) -> None:
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        for on, figures in EXPECTED.items():
            report = age_receivables_from_store(uow, on, cache=AgingCache())
            assert _figures(report) == figures
            assert report == age_receivables(ledger, on)
            assert age_store(uow.settlements, on) == report  # no cache at all
        with pytest.raises(InvalidInputError, match="cannot group aging by 'colour'"):
            age_store(uow.settlements, APR2, group_by=("partner", "colour"))


def test_reports_on_other_dates_start_from_the_cached_one_and_give_the_same_figures(
    store: Store,
) -> None:
    cache = AgingCache(reuse_share=float("inf"))  # always start from the cached date
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        # Forward a month (return, payments and bucket edges in between), back, the same
        # date again, then one day at a time both ways.
        # Then over the payments' dates, each the last or the first day of an interval.
        for on in (MAR4, APR2, MAR4, MAR4, APR2, APR3, APR2, APR1, APR3, MAR4,
                   MAR10, MAR20, APR2, MAR20, MAR10, MAR4):  # fmt: skip
            report = age_store(uow.settlements, on, cache=cache)
            assert _figures(report) == EXPECTED[on], on
            assert report == age_receivables(ledger, on)
    assert len(cache) == 1  # one ledger version, one grouping: one state


def test_a_cached_report_is_the_same_under_every_grouping(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    groupings: list[tuple[str, ...]] = [
        (),
        ("manager",),
        ("order",),
        ("document",),
        ("counterparty", "contract"),
        ("organization", "manager"),
        ("segment",),
        ("partner",),  # the same storage groups as by segment: another report from them
        ("segment", "partner"),
    ]
    segments = {"CAFE": "horeca"}
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        for fields in groupings:
            for on in (MAR4, APR2, APR3, MAR4):
                expected = age_receivables(ledger, on, group_by=fields, segments=segments)
                got = age_store(uow.settlements, on, group_by=fields, segments=segments,
                                cache=cache)  # fmt: skip
                assert got == expected, (fields, on)
    assert len(cache) == 8  # by segment and by partner share the state of partners


def test_grouped_by_segment_partners_of_one_segment_make_one_row(store: Store) -> None:
    segments = {"CAFE": "horeca", "VOLGA": "horeca"}
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        for on in (MAR4, APR2, APR3, APR3):
            report = age_store(uow.settlements, on, group_by=("segment",), segments=segments,
                               cache=cache)  # fmt: skip
            assert report == age_receivables(ledger, on, group_by=("segment",), segments=segments)
        # CAFE and VOLGA's RUB rows merge (on 4 March both have debt); VOLGA's USD row
        # stays apart.
        on_mar4 = age_store(uow.settlements, MAR4, group_by=("segment",), segments=segments,
                            cache=cache)  # fmt: skip
        assert _figures(on_mar4) == [
            ("horeca", "RUB", "not due=150.00", "1-30=500.00", "total=650.00", "credit=0.00"),
            ("horeca", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
        ]
        on_apr3 = age_store(uow.settlements, APR3, group_by=("segment",), segments=segments,
                            cache=cache)  # fmt: skip
        assert _figures(on_apr3) == [
            ("horeca", "RUB", "31-60=360.00", "total=360.00", "credit=50.00"),
            ("horeca", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
        ]


def test_a_partner_in_a_segment_named_after_another_partner_adds_up_with_it(
    store: Store,
) -> None:
    # VOLGA's segment is "CAFE": the report's row "CAFE" is CAFE's and VOLGA's together,
    # not the storage group of the partner CAFE alone, on the next day too.
    segments = {"VOLGA": "CAFE", "CAFE": "CAFE"}
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        for on, rub in ((APR2, ("1-30=160.00", "31-60=200.00")), (APR3, ("31-60=360.00",))):
            report = age_store(uow.settlements, on, group_by=("segment",), segments=segments,
                               cache=cache)  # fmt: skip
            assert _figures(report) == [
                ("CAFE", "RUB", *rub, "total=360.00", "credit=50.00"),
                ("CAFE", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
            ]


def test_partners_of_one_segment_add_up_their_credit(store: Store) -> None:
    segments = {"CAFE": "horeca", "VOLGA": "horeca"}
    with store.unit_of_work() as uow:
        # 400.00 from CAFE on 1 April pays E1 (200.00) and E2 (160.00): 40.00 is left.
        record_payment(uow.settlements, Payment("PAY4", CAFE, APR1, Money("400.00", "RUB")))
        cache = AgingCache(reuse_share=float("inf"))
        for on in (MAR4, APR2):
            report = age_store(uow.settlements, on, group_by=("segment",), segments=segments,
                               cache=cache)  # fmt: skip
        assert _figures(report) == [
            ("horeca", "RUB", "total=0.00", "credit=90.00"),
            ("horeca", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
        ]


def test_grouped_by_manager_and_document_the_rows_follow_the_entries(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        age_store(uow.settlements, MAR4, group_by=("manager",), cache=cache)
        by_manager = age_store(uow.settlements, APR2, group_by=("manager",), cache=cache)
        age_store(uow.settlements, MAR4, group_by=("document",), cache=cache)
        by_document = age_store(uow.settlements, APR2, group_by=("document",), cache=cache)
    # The credit has no manager; E4 neither. E3 (petrov) is paid: petrov keeps E1's 200.00.
    assert _figures(by_manager) == [
        ("", "RUB", "total=0.00", "credit=50.00"),
        ("", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
        ("ivanova", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
        ("petrov", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
    ]
    # A credit is grouped under its source: the payment PAY2.
    assert _figures(by_document) == [
        ("PAY2", "RUB", "total=0.00", "credit=50.00"),
        ("S-E1", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
        ("S-E2", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
        ("S-E4", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
    ]


def test_a_row_that_did_not_change_since_the_last_report_is_the_same_row(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        first = age_store(uow.settlements, APR2, cache=cache)
        again = age_store(uow.settlements, APR2, cache=cache)
        later = age_store(uow.settlements, APR3, cache=cache)
    assert again.lines == first.lines
    assert all(a is b for a, b in zip(again.lines, first.lines, strict=True))
    # On 3 April only CAFE's row changed: VOLGA's two rows are the ones built on 2 April,
    # and so is CAFE's unchanged credit (0.00) and unchanged 90+ bucket.
    cafe, volga, volga_usd = later.lines
    assert volga is first.lines[1]
    assert volga_usd is first.lines[2]
    assert cafe is not first.lines[0]
    assert cafe.credit is first.lines[0].credit
    assert cafe.buckets[4] is first.lines[0].buckets[4]
    assert cafe.buckets[2] == Money("360.00", "RUB")


def test_a_write_to_the_ledger_gives_a_fresh_report_not_the_cached_one(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        before = age_store(uow.settlements, APR2, cache=cache)
        assert _figures(before) == ON_APR2
        # 60.00 more from CAFE on 1 April pays E1 (the oldest due): 140.00 of it stays open.
        record_payment(uow.settlements, Payment("PAY3", CAFE, APR1, Money("60.00", "RUB")))
        after = age_store(uow.settlements, APR2, cache=cache)
        assert _figures(after)[0] == (
            "CAFE", "RUB", "1-30=160.00", "31-60=140.00", "total=300.00", "credit=0.00"
        )  # fmt: skip
        assert after == age_receivables(load_ledger(uow.settlements), APR2)
        # A new entry on another date: the report starts afresh from the new version too.
        post_entries(uow.settlements, [_entry("E5", VOLGA, "SO-5", APR1, APR2, "70.00")])
        newer = age_store(uow.settlements, APR3, cache=cache)
        # VOLGA's 50.00 of credit pays E5 when it is posted: 20.00 stays open.
        assert _figures(newer)[1] == ("VOLGA", "RUB", "1-30=20.00", "total=20.00",
                                      "credit=0.00")  # fmt: skip
        assert newer == age_receivables(load_ledger(uow.settlements), APR3)
    assert len(cache) == 3  # one state per ledger version


def test_the_cache_can_be_emptied_and_then_reads_everything_again(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        age_store(source, APR2, cache=cache)
        assert len(cache) == 1
        cache.clear()
        assert len(cache) == 0
        assert _figures(age_store(source, APR3, cache=cache)) == ON_APR3
    assert _changes(*source.calls) == [None, None]  # both dates read in full


class _Counting:
    """A ledger repository that records what each read of open items asked for."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[date, LedgerChanges | None]] = []

    def version(self) -> str:
        return str(self.inner.version())

    def open_item_columns(self, as_of: date, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((as_of, args[2] if len(args) > 2 else None))
        return self.inner.open_item_columns(as_of, *args, **kwargs)

    def open_credit_columns(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.open_credit_columns(*args, **kwargs)


def _changes(*calls: tuple[date, LedgerChanges | None]) -> list[LedgerChanges | None]:
    return [c for _, c in calls]


def test_the_next_day_reads_only_the_rows_that_changed_in_between(store: Store) -> None:
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        assert _figures(age_store(source, APR2, cache=cache)) == ON_APR2
        assert _figures(age_store(source, APR3, cache=cache)) == ON_APR3
        # 3 April starts from 2 April's items at hand: only what was posted or allocated
        # on 3 April is read, on both dates.
        between = LedgerChanges(APR2, APR3)
        assert source.calls == [(APR2, None), (APR2, between), (APR3, between)]
        # 1 April starts from 3 April, whose items were not all read: the items due where
        # a bucket edge moved are read again too (two days at each of the four edges).
        assert _figures(age_store(source, APR1, cache=cache)) == ON_APR1
        moved = [
            (date(2026, 1, 1), date(2026, 1, 2)),
            (date(2026, 1, 31), date(2026, 2, 1)),
            (date(2026, 3, 2), date(2026, 3, 3)),
            (date(2026, 4, 1), date(2026, 4, 2)),
        ]
        dues = tuple((a.toordinal(), b.toordinal()) for a, b in moved)
        assert source.calls[3:] == [
            (APR3, LedgerChanges(APR1, APR3, dues)),
            (APR1, LedgerChanges(APR1, APR3, dues)),
        ]


def test_a_date_too_far_from_the_cached_one_is_read_afresh(store: Store) -> None:
    cache = AgingCache(reuse_share=1.0)
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        age_store(source, MAR4, cache=cache)  # 4 open items on 4 March
        # To 5 March: 1 day + one due date at each of 4 edges = 5 rows of work, more than
        # the 4 items a share of 1.0 allows: read afresh.
        assert _figures(age_store(source, date(2026, 3, 5), cache=cache)) == [
            ("CAFE", "RUB", "1-30=460.00", "total=460.00", "credit=0.00"),
            ("VOLGA", "RUB", "not due=150.00", "total=150.00", "credit=0.00"),
            ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
        ]
    assert _changes(*source.calls) == [None, None]


def test_a_date_within_the_reuse_share_starts_from_the_cached_one(store: Store) -> None:
    # 4 open items on 4 March; 5 rows of work to 5 March: a share of 1.25 allows exactly 5.
    cache = AgingCache(reuse_share=1.25)
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        age_store(source, MAR4, cache=cache)
        age_store(source, date(2026, 3, 5), cache=cache)
    assert _changes(*source.calls)[1] == LedgerChanges(MAR4, date(2026, 3, 5))


def test_planned_debt_from_the_store_follows_the_schedule(store: Store) -> None:
    stages = [
        SettlementEntry("P1", EntryKind.SCHEDULE, CAFE, "SO-1", "SO-1", date(2026, 1, 5),
                        date(2026, 1, 20), Money("100.00", "RUB")),
        SettlementEntry("P2", EntryKind.SCHEDULE, CAFE, "SO-1", "SO-1", date(2026, 1, 5),
                        date(2026, 3, 20), Money("400.00", "RUB")),
    ]  # fmt: skip
    # On 4 March P1 (due 20 January) is 43 days overdue and P2 not due. PAY1's 100.00 on
    # 10 March pays P1; on 2 April P2 is 13 days overdue. VOLGA has no planned debt: all
    # of PAY2 (20 March) is planned credit.
    expected = {
        MAR4: [("CAFE", "RUB", "not due=400.00", "31-60=100.00", "total=500.00", "credit=0.00")],
        APR2: [
            ("CAFE", "RUB", "1-30=400.00", "total=400.00", "credit=0.00"),
            ("VOLGA", "RUB", "total=0.00", "credit=200.00"),
        ],
    }
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, stages)
        ledger = load_ledger(uow.settlements)
        for on in (MAR4, APR2, MAR4):
            report = age_store(uow.settlements, on, measure=Measure.PLANNED, cache=cache)
            assert _figures(report) == expected[on]
            assert report == age_receivables(ledger, on, measure=Measure.PLANNED)
        # The actual debt of the same ledger is cached apart and is not the planned one.
        assert _figures(age_store(uow.settlements, APR2, cache=cache)) == ON_APR2
    assert len(cache) == 2


def test_a_working_day_policy_ages_the_store_by_the_calendar(store: Store) -> None:
    # Weekends and Monday 9 March off. Buckets: not due, 1-5, 6-20, 20+ working days.
    calendar = BusinessCalendar("test", holidays=frozenset({date(2026, 3, 9)}))
    policy = AgingPolicy.from_bounds((5, 20), DayCount.WORKING)
    cache = AgingCache(reuse_share=float("inf"))
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        for on in (MAR4, date(2026, 3, 11), APR2, date(2026, 3, 10), APR3):
            report = age_store(uow.settlements, on, policy=policy, calendar=calendar, cache=cache)
            assert report == age_receivables(ledger, on, policy=policy, calendar=calendar)
        # On Wednesday 11 March E2 (due Tuesday 3 March, 160.00 open) is overdue by the
        # working days 4, 5, 6, 10 and 11 March: 5, still in 1-5; E1 (due Monday 9 February,
        # 200.00 open) by 4 + 5 + 5 + 5 + 2 = 21: 20+; E4 (due Monday 2 March) by 6: 6-20.
        source = _Counting(uow.settlements)
        report = age_store(source, date(2026, 3, 11), policy=policy, calendar=calendar,
                           cache=cache)  # fmt: skip
    assert len(cache) == 1
    assert _changes(*source.calls)[0] is not None  # started from the cached date
    assert _figures(report) == [
        ("CAFE", "RUB", "1-5=160.00", "20+=200.00", "total=360.00", "credit=0.00"),
        ("VOLGA", "RUB", "not due=150.00", "total=150.00", "credit=0.00"),
        ("VOLGA", "USD", "6-20=50.00", "total=50.00", "credit=0.00"),
    ]


def _items(columns: Any) -> list[tuple[tuple[str, ...], str, date, int]]:
    """Open items read from the store as (group, currency, due date, minor units), sorted."""
    return sorted(
        (columns.groups[k][0], columns.groups[k][1].code, date.fromordinal(due), units)
        for k, due, units in zip(
            columns.keys, columns.due_ordinals, columns.open_units, strict=True
        )
    )


def _credits(columns: Any) -> list[tuple[tuple[str, ...], str, int]]:
    return sorted(
        (key[0], key[1].code, units)
        for key, units in zip(columns.keys, columns.open_units, strict=True)
    )


def test_the_store_reads_only_the_items_touched_between_two_dates(store: Store) -> None:
    fields = ("partner", "document")
    with store.unit_of_work() as uow:
        repo = uow.settlements
        # Allocated after 5 March and by 20 March: E1 (PAY1, 10 March) and E3 (PAY2, 20 March);
        # E2's return on 5 March itself is not after it. Open on 19 March: E1 200.00 and E3.
        changes = LedgerChanges(date(2026, 3, 5), date(2026, 3, 20))
        assert _items(repo.open_item_columns(date(2026, 3, 19), Measure.ACTUAL, fields,
                                             changes)) == [
            (("CAFE", "S-E1"), "RUB", date(2026, 2, 9), 20000),
            (("VOLGA", "S-E3"), "RUB", date(2026, 3, 31), 15000),
        ]  # fmt: skip
        # Without changes: every open item.
        assert len(repo.open_item_columns(date(2026, 3, 19), Measure.ACTUAL, fields).keys) == 4
        # Posted after 1 March and by 5 March: the return R2, a credit, not an item; due
        # 2-3 March (a bucket edge moved there): E2 and E4.
        due = (date(2026, 3, 2).toordinal(), date(2026, 3, 3).toordinal())
        edges = LedgerChanges(date(2026, 3, 1), date(2026, 3, 5), (due,))
        assert _items(repo.open_item_columns(date(2026, 3, 5), Measure.ACTUAL, fields,
                                             edges)) == [
            (("CAFE", "S-E2"), "RUB", date(2026, 3, 3), 16000),
            (("VOLGA", "S-E4"), "USD", date(2026, 3, 2), 5000),
        ]  # fmt: skip
        # PAY2's 50.00 left on 20 March pays 30.00 of E5, posted on 1 April.
        post_entries(repo, [_entry("E5", VOLGA, "SO-5", APR1, APR2, "30.00")])
        later = LedgerChanges(date(2026, 3, 25), APR2)
        # PAY2 was received before 25 March but allocated from on 1 April: read again.
        assert _credits(repo.open_credit_columns(APR3, Measure.ACTUAL, fields, later)) == [
            (("VOLGA", "PAY2"), "RUB", 2000)
        ]
        # Received after 5 March and by 20 March: PAY1 (used up, no open credit) and PAY2.
        assert _credits(repo.open_credit_columns(APR3, Measure.ACTUAL, fields, changes)) == [
            (("VOLGA", "PAY2"), "RUB", 2000)
        ]
        # Allocated from on 1 April, the last day of the interval: read again.
        assert _credits(repo.open_credit_columns(APR3, Measure.ACTUAL, fields,
                                                 LedgerChanges(date(2026, 3, 20), APR1))) == [
            (("VOLGA", "PAY2"), "RUB", 2000)
        ]  # fmt: skip
        # The planned measure has no allocations at all: PAY1 and PAY2 are planned credit,
        # read only when received in the interval.
        planned = repo.open_credit_columns(APR3, Measure.PLANNED, fields, later)
        assert _credits(planned) == []
        planned = repo.open_credit_columns(APR3, Measure.PLANNED, fields, changes)
        assert _credits(planned) == [
            (("CAFE", "PAY1"), "RUB", 10000),
            (("VOLGA", "PAY2"), "RUB", 20000),
        ]
        # Received on 10 March, the day the interval starts after: PAY1 is not read; PAY2,
        # received on its last day, is.
        planned = repo.open_credit_columns(APR3, Measure.PLANNED, fields,
                                           LedgerChanges(MAR10, MAR20))  # fmt: skip
        assert _credits(planned) == [(("VOLGA", "PAY2"), "RUB", 20000)]
        # PAY2 was received and allocated from on 20 March: not after it.
        after_pay2 = LedgerChanges(MAR20, date(2026, 3, 25))
        assert _credits(repo.open_credit_columns(APR3, Measure.ACTUAL, fields, after_pay2)) == []
        # E7 (CAFE has no credit: it stays open) is posted on 2 April: read when the interval
        # ends that day, not when it starts after it.
        post_entries(repo, [_entry("E7", CAFE, "SO-7", APR2, APR3, "10.00")])
        e7 = [(("CAFE", "S-E7"), "RUB", APR3, 1000)]
        assert _items(repo.open_item_columns(APR3, Measure.ACTUAL, fields,
                                             LedgerChanges(APR1, APR2))) == e7  # fmt: skip
        assert _items(repo.open_item_columns(APR3, Measure.ACTUAL, fields,
                                             LedgerChanges(APR2, APR3))) == []  # fmt: skip


def test_a_hand_allocated_prepayment_waits_under_its_order_until_the_order_takes_it(
    store: Store,
) -> None:
    with store.unit_of_work() as uow:
        # 80.00 by hand to SO-3 on 25 March, when SO-3's E3 is paid already: it waits.
        # E6 of SO-3 (100.00, posted 1 April) takes it, and 20.00 of PAY2's 50.00 credit.
        by_hand = [ManualAllocation("SO-3", Money("80.00", "RUB"))]
        pay3 = Payment("PAY3", VOLGA, date(2026, 3, 25), Money("80.00", "RUB"), manual=by_hand)
        record_payment(uow.settlements, pay3)
        post_entries(uow.settlements, [_entry("E6", VOLGA, "SO-3", APR1, date(2026, 4, 10),
                                              "100.00")])  # fmt: skip
        ledger = load_ledger(uow.settlements)
        cache = AgingCache(reuse_share=float("inf"))
        mar30 = date(2026, 3, 30)
        # By partner, VOLGA's 50.00 left of PAY2 and the 80.00 waiting make one credit.
        by_partner = age_store(uow.settlements, mar30, cache=cache)
        assert _figures(by_partner)[1] == ("VOLGA", "RUB", "total=0.00", "credit=130.00")
        reports = []
        for on in (mar30, APR2, mar30):
            report = age_store(uow.settlements, on, group_by=("order",), cache=cache)
            assert report == age_receivables(ledger, on, group_by=("order",))
            reports.append(report)
            if on == mar30:
                assert _figures(report) == [
                    ("", "RUB", "total=0.00", "credit=50.00"),
                    ("SO-1", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
                    ("SO-2", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
                    ("SO-3", "RUB", "total=0.00", "credit=80.00"),
                    ("SO-4", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
                ]
            else:  # SO-3 is settled and has no row; PAY2 has 30.00 left
                assert _figures(report) == [
                    ("", "RUB", "total=0.00", "credit=30.00"),
                    ("SO-1", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
                    ("SO-2", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
                    ("SO-4", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
                ]
        # SO-3's row went: every row is placed again, but SO-1's and SO-2's did not change
        # and are the rows of 30 March; the general credit's row changed, its zero buckets
        # did not.
        first, second = reports[0].lines, reports[1].lines
        assert (second[1], second[2]) == (first[1], first[2])
        assert second[1] is first[1]
        assert second[2] is first[2]
        assert second[0] is not first[0]
        assert second[0].buckets[0] is first[0].buckets[0]


def test_the_aging_table_shows_its_columns_in_order_even_without_rows() -> None:
    policy = AgingPolicy.from_bounds((30,))
    empty = age_receivables(SettlementLedger([]), MAR4, policy=policy, group_by=("manager",))
    head = empty._repr_html_().split("<thead>")[1].split("</thead>")[0]
    assert head == (
        "<tr><th>manager</th><th>currency</th><th>not due</th><th>1-30</th><th>30+</th>"
        "<th>total</th><th>credit</th></tr>"
    )


def test_a_new_group_on_the_next_day_gets_its_row_in_order(store: Store) -> None:
    with store.unit_of_work() as uow:
        # E8 of a new manager, kim, posted on 23 March; no bucket edge moves any item that day.
        e8 = _entry("E8", CAFE, "SO-8", date(2026, 3, 23), date(2026, 4, 30), "20.00", "kim")
        post_entries(uow.settlements, [e8])
        cache = AgingCache(reuse_share=float("inf"))
        age_store(uow.settlements, date(2026, 3, 22), group_by=("manager",), cache=cache)
        report = age_store(uow.settlements, date(2026, 3, 23), group_by=("manager",), cache=cache)
    # E4 is 21 days overdue, E2 20, E1 42.
    assert _figures(report) == [
        ("", "RUB", "total=0.00", "credit=50.00"),
        ("", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
        ("ivanova", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
        ("kim", "RUB", "not due=20.00", "total=20.00", "credit=0.00"),
        ("petrov", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
    ]


def test_items_due_on_a_bucket_edge_move_together_on_the_next_day(store: Store) -> None:
    with store.unit_of_work() as uow:
        # Two CAFE items due 22 March (not due that day, one day overdue the next) and
        # 10.00 more credit for VOLGA on 23 March.
        post_entries(uow.settlements, [
            _entry("E10", CAFE, "SO-10", date(2026, 3, 1), date(2026, 3, 22), "10.00"),
            _entry("E11", CAFE, "SO-10", date(2026, 3, 1), date(2026, 3, 22), "20.00"),
        ])  # fmt: skip
        record_payment(uow.settlements, Payment("PAY5", VOLGA, date(2026, 3, 23), Money(10, "RUB")))
        cache = AgingCache(reuse_share=float("inf"))
        before = age_store(uow.settlements, date(2026, 3, 22), cache=cache)
        after = age_store(uow.settlements, date(2026, 3, 23), cache=cache)
    assert _figures(before)[:2] == [
        ("CAFE", "RUB", "not due=30.00", "1-30=160.00", "31-60=200.00", "total=390.00",
         "credit=0.00"),
        ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
    ]  # fmt: skip
    assert _figures(after)[:2] == [
        ("CAFE", "RUB", "1-30=190.00", "31-60=200.00", "total=390.00", "credit=0.00"),
        ("VOLGA", "RUB", "total=0.00", "credit=60.00"),
    ]


def test_a_partner_whose_items_are_paid_one_by_one_has_no_row_when_all_are_paid(
    store: Store,
) -> None:
    with store.unit_of_work() as uow:
        # CAFE pays E1 (200.00) on 24 March and E2 (160.00) on 26 March, exactly.
        record_payment(uow.settlements, Payment("PAY6", CAFE, date(2026, 3, 24), Money(200, "RUB")))
        record_payment(uow.settlements, Payment("PAY7", CAFE, date(2026, 3, 26), Money(160, "RUB")))
        cache = AgingCache(reuse_share=float("inf"))
        reports = [
            age_store(uow.settlements, date(2026, 3, day), cache=cache) for day in (23, 25, 27)
        ]
    assert _figures(reports[1])[0] == ("CAFE", "RUB", "1-30=160.00", "total=160.00", "credit=0.00")
    assert _figures(reports[2]) == [
        ("VOLGA", "RUB", "total=0.00", "credit=50.00"),
        ("VOLGA", "USD", "1-30=50.00", "total=50.00", "credit=0.00"),
    ]


def test_due_thresholds_are_the_latest_due_dates_of_each_bucket() -> None:
    # An item due on ordinal d falls in bucket sum(d <= t for t in thresholds).
    calendar = BusinessCalendar("test", holidays=frozenset({date(2026, 3, 9)}))
    working = AgingPolicy.from_bounds((5, 20), DayCount.WORKING)
    # On Wednesday 11 March an item due 10 March is 1 working day overdue; due 2 March,
    # 6 (3, 4, 5, 6, 10, 11 March); due 9 February, 21 (as E1 above).
    found = due_thresholds(date(2026, 3, 11), working, calendar)
    assert found == [d.toordinal() for d in (date(2026, 3, 10), date(2026, 3, 2), date(2026, 2, 9))]
    calendar_days = AgingPolicy.from_bounds((5, 20))
    assert due_thresholds(date(2026, 3, 11), calendar_days) == [
        d.toordinal() for d in (date(2026, 3, 10), date(2026, 3, 5), date(2026, 2, 18))
    ]
    # A bucket from day 0 (due today) starts at the report date itself.
    today = (
        AgingBucket("ahead", None, -1),
        AgingBucket("today", 0, 0),
        AgingBucket("late", 1, None),
    )
    at = APR2.toordinal()
    assert due_thresholds(APR2, AgingPolicy(today)) == [at, at - 1]
    assert due_thresholds(APR2, AgingPolicy(today, DayCount.WORKING), calendar) == [at, at - 1]


def test_due_thresholds_look_back_twenty_years_at_most() -> None:
    every_day = BusinessCalendar("every day", weekend=frozenset())
    at = APR2.toordinal()
    # 7,306 working days back is still within 7,305 days before the last one counted.
    within = AgingPolicy.from_bounds((7305,), DayCount.WORKING)
    assert due_thresholds(APR2, within, every_day) == [at - 1, at - 7306]
    beyond = AgingPolicy.from_bounds((7306,), DayCount.WORKING)
    assert due_thresholds(APR2, beyond, every_day) is None


def test_a_policy_beyond_twenty_years_of_working_days_is_aged_but_not_cached(store: Store) -> None:
    policy = AgingPolicy.from_bounds((6000,), DayCount.WORKING)  # about 23 years
    calendar = BusinessCalendar("weekdays")
    cache = AgingCache()
    with store.unit_of_work() as uow:
        ledger = load_ledger(uow.settlements)
        report = age_store(uow.settlements, APR2, policy=policy, calendar=calendar, cache=cache)
        assert report == age_receivables(ledger, APR2, policy=policy, calendar=calendar)
    assert _figures(report)[0] == ("CAFE", "RUB", "1-6000=360.00", "total=360.00", "credit=0.00")
    assert len(cache) == 0


def test_a_state_with_exactly_max_groups_groups_is_kept() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, ENTRIES)
        cache = AgingCache(max_groups=3)  # CAFE, VOLGA and VOLGA's USD have debt on 4 March
        age_store(uow.settlements, MAR4, cache=cache)
        assert len(cache) == 1
        age_store(uow.settlements, MAR4, group_by=("document",), cache=cache)  # 4 groups
        assert len(cache) == 1


def test_a_full_cache_lets_the_least_recently_used_state_go() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, ENTRIES)
        source = _Counting(uow.settlements)
        cache = AgingCache(size=1)
        age_store(source, APR2, cache=cache)
        age_store(source, APR2, group_by=("manager",), cache=cache)
        assert len(source.calls) == 2
        age_store(source, APR2, group_by=("manager",), cache=cache)  # from the cache
        assert len(source.calls) == 2
        age_store(source, APR2, cache=cache)  # by partner was let go: read again
        assert len(source.calls) == 3


def test_the_default_cache_keeps_eight_states() -> None:
    store = MemoryStore()
    groupings = [("partner",), ("manager",), ("order",), ("document",), ("contract",),
                 ("counterparty",), ("organization",), (), ("partner", "manager")]  # fmt: skip
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, ENTRIES)
        cache = AgingCache()
        for fields in groupings:
            age_store(uow.settlements, APR2, group_by=fields, cache=cache)
    assert len(cache) == 8


def test_the_default_cache_reads_afresh_when_moving_costs_over_a_quarter_of_the_items(
    store: Store,
) -> None:
    # One bucket edge: a next day is 1 day + 1 due date = 2 rows of work. On 4 March there
    # are 4 open items: a quarter is 1, so 5 March is read afresh; half of them is 2.
    policy = AgingPolicy.from_bounds(())
    with store.unit_of_work() as uow:
        source = _Counting(uow.settlements)
        default, half = AgingCache(), AgingCache(reuse_share=0.5)
        for cache in (default, half):
            age_store(source, MAR4, policy=policy, cache=cache)
            age_store(source, date(2026, 3, 5), policy=policy, cache=cache)
    between = LedgerChanges(MAR4, date(2026, 3, 5))
    assert _changes(*source.calls) == [None, None, None, between, between]


def test_the_aging_text_aligns_names_left_and_amounts_right(store: Store) -> None:
    with store.unit_of_work() as uow:
        report = age_store(uow.settlements, APR2, group_by=("partner", "manager"))
    assert report.as_text().splitlines() == [
        "Aging of actual receivables on 2026-04-02 (calendar days)",
        "partner  manager  cur  not due    1-30   31-60  61-90   90+   total  credit",
        "-------  -------  ---  -------  ------  ------  -----  ----  ------  ------",
        "CAFE     ivanova  RUB     0.00  160.00    0.00   0.00  0.00  160.00    0.00",
        "CAFE     petrov   RUB     0.00    0.00  200.00   0.00  0.00  200.00    0.00",
        "VOLGA             RUB     0.00    0.00    0.00   0.00  0.00    0.00   50.00",
        "VOLGA             USD     0.00    0.00   50.00   0.00  0.00   50.00    0.00",
        "TOTAL             RUB     0.00  160.00  200.00   0.00  0.00  360.00   50.00",
        "TOTAL             USD     0.00    0.00   50.00   0.00  0.00   50.00    0.00",
    ]


class _Summing:
    """Storage that buckets and groups open items itself (as PostgreSQL does in SQL), here
    over the columns of the store: an item due on ordinal d is in bucket
    ``sum(d <= t for t in thresholds)``."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo
        self.asked: list[date] = []

    def open_group_sums(
        self, as_of: date, measure: Measure, fields: Any, thresholds: Any
    ) -> OpenGroupSums:
        self.asked.append(as_of)
        items = self.repo.open_item_columns(as_of, measure, fields)
        credits = self.repo.open_credit_columns(as_of, measure, fields)
        sums: dict[Any, list[int]] = {}
        count: dict[Any, int] = {}
        for k, due, units in zip(items.keys, items.due_ordinals, items.open_units, strict=True):
            group = items.groups[k]
            row = sums.setdefault(group, [0] * (len(thresholds) + 1))
            row[sum(due <= t for t in thresholds)] += units
            count[group] = count.get(group, 0) + 1
        owed: dict[Any, int] = {}
        credit_count: dict[Any, int] = {}
        for group, units in zip(credits.keys, credits.open_units, strict=True):
            owed[group] = owed.get(group, 0) + units
            credit_count[group] = credit_count.get(group, 0) + 1
        return OpenGroupSums(sums, count, owed, credit_count)


def test_storage_that_sums_itself_gives_the_same_report_without_sending_items(
    store: Store,
) -> None:
    with store.unit_of_work() as uow:
        source, summing = _Counting(uow.settlements), _Summing(uow.settlements)
        ledger = load_ledger(uow.settlements)
        cache = AgingCache(reuse_share=float("inf"))
        first = age_store(source, APR2, group_by=("manager",), cache=cache, summed=summing)
        assert first == age_receivables(ledger, APR2, group_by=("manager",))
        assert source.calls == []  # no item was read through the columns
        # The next day starts from the summed state: only what changed is read.
        second = age_store(source, APR3, group_by=("manager",), cache=cache, summed=summing)
        assert second == age_receivables(ledger, APR3, group_by=("manager",))
        assert summing.asked == [APR2]
        # The summed state has no items at hand: the items due where an edge moved (one date
        # at each of the four edges) are read on both dates too.
        edges = tuple(
            (d.toordinal(), d.toordinal())
            for d in (date(2026, 1, 2), date(2026, 2, 1), date(2026, 3, 3), APR2)
        )
        assert source.calls == [
            (APR2, LedgerChanges(APR2, APR3, edges)),
            (APR3, LedgerChanges(APR2, APR3, edges)),
        ]
        # Without a cache every report is summed by the storage.
        third = age_store(source, MAR4, summed=summing)
    assert _figures(third) == ON_MAR4
    assert summing.asked == [APR2, MAR4]
    # By manager on 2 April: E4 and the credit have no manager.
    assert _figures(first) == [
        ("", "RUB", "total=0.00", "credit=50.00"),
        ("", "USD", "31-60=50.00", "total=50.00", "credit=0.00"),
        ("ivanova", "RUB", "1-30=160.00", "total=160.00", "credit=0.00"),
        ("petrov", "RUB", "31-60=200.00", "total=200.00", "credit=0.00"),
    ]
