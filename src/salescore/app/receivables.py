"""Receivables use cases over a store: the aging report read where the ledger is kept.

:func:`age_receivables_from_store` gives the same :class:`~salescore.receivables.AgingReport`
as :func:`~salescore.receivables.age_receivables` over
:func:`~salescore.receivables.load_ledger`, without loading the ledger: the
storage replays the allocations up to the date and returns the open items as
columns. :func:`reallocate_all` recomputes every account's allocations in one unit of
work over plain rows. Each store keeps a small :class:`~salescore.receivables.AgingCache`,
so a report on another date of the same ledger reads again only what can
differ between the two dates.

>>> from datetime import date
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.money import Money
>>> from salescore.receivables import EntryKind, SettlementAccount, SettlementEntry, post_entries
>>> acc = SettlementAccount("CAFE", "RUB")
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     post_entries(uow.settlements, [SettlementEntry("E1", EntryKind.SHIPMENT, acc, "SO-1",
...         "SHIP-1", date(2026, 2, 3), date(2026, 2, 17), Money("24000.00", "RUB"))])
...     uow.commit()
...     report = age_receivables_from_store(uow, date(2026, 3, 20))
>>> report.rows()[0]["31-60"]
'24000.00'
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from salescore.adapters.repositories import Repositories
from salescore.dates import BusinessCalendar
from salescore.errors import ConflictError, InvalidInputError
from salescore.receivables import (
    EXPOSURE_FIELDS,
    AgingCache,
    AgingPolicy,
    AgingReport,
    CreditExposure,
    CreditLimit,
    Measure,
    OpenLedgerSums,
    Payment,
    SettlementEntry,
    StopListEntry,
    age_store,
    exposures_from_columns,
    stop_list_of,
)
from salescore.receivables.allocation import allocate_rows

__all__ = [
    "age_receivables_from_store",
    "aging_cache_of",
    "credit_exposures",
    "credit_stop_list",
    "import_settlements",
    "reallocate_all",
]

_CACHES: weakref.WeakKeyDictionary[object, AgingCache] = weakref.WeakKeyDictionary()


def aging_cache_of(uow: Repositories) -> AgingCache:
    """The aging cache of the store ``uow`` belongs to (created on first use)."""
    owner = getattr(uow, "store", uow)
    cache = _CACHES.get(owner)
    if cache is None:
        cache = _CACHES[owner] = AgingCache()
    return cache


def age_receivables_from_store(
    uow: Repositories,
    as_of: date,
    *,
    policy: AgingPolicy | None = None,
    group_by: Sequence[str] = ("partner",),
    measure: Measure = Measure.ACTUAL,
    calendar: BusinessCalendar | None = None,
    segments: Mapping[str, str] | None = None,
    cache: AgingCache | None = None,
    in_database: bool | None = None,
) -> AgingReport:
    """The aging report of the stored ledger on ``as_of``, computed by the storage.

    Arguments as :func:`~salescore.receivables.age_receivables`; ``cache``
    defaults to the store's own (:func:`aging_cache_of`). ``in_database``:
    bucket and group the open items in the database, sending only the sums
    (PostgreSQL: :func:`~salescore.adapters.postgres.aging.age_in_database`),
    rather than reading every open item into Python; by default whenever the
    store can. The report is the same either way.

    Raises:
        InvalidInputError: an unknown grouping field, a working-day policy
            without a calendar, or ``in_database=True`` on a store that cannot.
    """
    repo = uow.settlements
    summed = repo if isinstance(repo, OpenLedgerSums) and in_database is not False else None
    if in_database and summed is None:
        raise InvalidInputError(
            f"the {getattr(getattr(uow, 'store', None), 'name', 'this')} store cannot age "
            "receivables in the database (PostgreSQL can): leave in_database unset"
        )
    return age_store(
        repo,
        as_of,
        policy=policy,
        group_by=group_by,
        measure=measure,
        calendar=calendar,
        segments=segments,
        cache=cache if cache is not None else aging_cache_of(uow),
        summed=summed,
    )


def reallocate_all(uow: Repositories) -> int:
    """Recompute and store the allocations of every account, in the caller's unit of work.

    The same allocations as :func:`~salescore.receivables.reallocate` on each
    account, read and written as plain rows (no value objects), one account
    at a time: for a whole ledger at once, after a bulk load or a migration.
    Commit the unit of work to keep them.

    Returns:
        The number of allocations stored.

    Raises:
        SettlementError: a stored hand allocation names an order without
            settlements on its account (the unit of work should be rolled back).
    """
    repo = uow.settlements
    return repo.replace_all_allocations(
        (account, allocate_rows(account, entries, payments))
        for account, entries, payments in repo.settlement_rows()
    )


def import_settlements(
    uow: Repositories,
    entries: Iterable[SettlementEntry],
    payments: Iterable[Payment] = (),
) -> int:
    """Load many entries and payments at once and allocate them, in the caller's unit of work.

    For a first load or a migration from another system: the rows go in by
    the store's bulk path (``COPY`` on PostgreSQL) and every account is
    allocated once at the end (:func:`reallocate_all`), instead of once per
    posted batch and per payment as :func:`~salescore.receivables.post_entries`
    and :func:`~salescore.receivables.record_payment` do. The allocations are
    the same. Commit the unit of work to keep them.

    Returns:
        The number of allocations stored.

    Raises:
        ConflictError: an entry or payment id exists already or is given twice
            (roll the unit of work back).
        SettlementError: a payment's hand allocation names an order without
            settlements on its account.
    """
    entries = list(entries)
    twice = [i for i, n in Counter(e.id for e in entries).items() if n > 1]
    if twice:
        raise ConflictError(f"entry id {twice[0]!r} is given twice: entry ids must be unique")
    repo = uow.settlements
    repo.add_entries(entries)
    repo.add_payments(payments)
    return reallocate_all(uow)


def credit_exposures(
    uow: Repositories, on: date, *, partner_id: str | None = None
) -> Callable[[CreditLimit], CreditExposure]:
    """The figures of any credit limit on ``on`` from the stored ledger (of one
    partner, or all): the store computes the actual open items and credits as
    columns, :func:`~salescore.receivables.exposures_from_columns` sums them."""
    repo = uow.settlements
    items = repo.open_item_columns(on, Measure.ACTUAL, EXPOSURE_FIELDS, partner_id=partner_id)
    credits = repo.open_credit_columns(on, Measure.ACTUAL, EXPOSURE_FIELDS, partner_id=partner_id)
    return exposures_from_columns(items, credits, on)


def credit_stop_list(uow: Repositories, on: date) -> list[StopListEntry]:
    """Every subject over one of the stored credit limits on ``on`` [стоп-лист], by
    limit id: :func:`~salescore.receivables.stop_list` of the stored ledger and limits.

    The store computes the open items and credits on the date (one pass over
    them, not over every entry, payment and allocation ever stored), and each
    limit adds up its subject's (:func:`~salescore.receivables.exposures_from_columns`).
    """
    limits = uow.credit_limits.all()
    return stop_list_of(limits, credit_exposures(uow, on)) if limits else []
