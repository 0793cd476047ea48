"""Aging computed in PostgreSQL: buckets and grouping in SQL, only the sums travel.

The Python path (:func:`~salescore.receivables.age_store` over
:meth:`~salescore.adapters.sqlite.receivables.SqliteSettlementLedger.open_item_columns`)
reads every open item to the client and buckets it there: for ten million
items that is ten million rows over the wire and through Python. Here the
server replays the allocations up to the date, puts each open item in its
bucket by comparing its due date with the bucket edges
(:func:`~salescore.receivables.aging.due_thresholds`, so working-day policies
work the same) and sums per group and bucket: the client receives one row
per group and bucket. The report is built from those sums by the same code
as the Python path's, so both give the same :class:`~salescore.receivables.AgingReport`.

Payments with parts allocated by hand to orders (usually few) are read row
by row and split as the Python path splits them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from salescore.adapters.sqlite.receivables import _FIELD_COLUMNS, _check_fields, _currency, _manual
from salescore.dates import BusinessCalendar
from salescore.receivables import AgingCache, AgingPolicy, AgingReport, Measure, age_store
from salescore.receivables.aging import Key, OpenGroupSums

if TYPE_CHECKING:
    from salescore.adapters.postgres.store import PostgresSettlementLedger

__all__ = ["age_in_database", "open_group_sums"]

_KINDS = {Measure.PLANNED: "e.kind = 'schedule'", Measure.ACTUAL: "e.kind <> 'schedule'"}
_ACCOUNT_FIELDS = ("partner", "counterparty", "organization", "contract")


def _bucket_sql(column: str, edges: Sequence[str]) -> str:
    """The bucket number of ``column`` (an ISO date): how many edges are on or after it."""
    if not edges:
        return "0"
    whens = " ".join(
        f"WHEN {column} > '{edge}' THEN {n}" for n, edge in enumerate(edges)
    )  # edges are ISO dates made here, never caller text
    return f"CASE {whens} ELSE {len(edges)} END"


def _credit_key_sql(fields: Sequence[str], table: str, document: str) -> list[str]:
    """A credit's group: its account's fields; no manager, no order, the document ``document``."""
    out = []
    for f in fields:
        if f in _ACCOUNT_FIELDS:
            out.append(f"coalesce({table}.{_FIELD_COLUMNS[f]}, '')")
        elif f == "document":
            out.append(document)
        else:  # manager and order: a general credit has neither
            out.append("''")
    return out


def open_group_sums(
    ledger: PostgresSettlementLedger,
    as_of: date,
    measure: Measure,
    fields: Sequence[str],
    thresholds: Sequence[int],
) -> OpenGroupSums | None:
    """:meth:`~salescore.receivables.OpenLedgerSums.open_group_sums` in SQL.

    None when a bucket edge falls before the first day of the calendar (the
    Python path then ages the columns).
    """
    _check_fields(fields)
    if any(t < 1 for t in thresholds):
        return None
    edges = [date.fromordinal(t).isoformat() for t in thresholds]
    on = as_of.isoformat()
    width = len(thresholds) + 1
    currencies: dict[tuple[str, int], Any] = {}

    def key(values: Sequence[str], code: str, minor: int) -> Key:
        cur = currencies.get((code, minor))
        if cur is None:
            cur = currencies[code, minor] = _currency(code, minor)
        return tuple(values), cur

    n = len(fields)
    sums: dict[Key, list[int]] = {}
    items: dict[Key, int] = {}
    item_keys = ", ".join([*(f"coalesce(e.{_FIELD_COLUMNS[f]}, '')" for f in fields), ""])
    rows = ledger._execute(
        f"SELECT {item_keys}e.currency, e.minor_units, {_bucket_sql('e.due_date', edges)} AS b, "
        "count(*), sum(e.amount_minor - coalesce(a.units, 0)) "
        "FROM settlement_entries e LEFT JOIN (SELECT entry_id, sum(amount_minor) AS units "
        "FROM settlement_allocations WHERE measure = ? AND allocated_on <= ? GROUP BY entry_id) a "
        f"ON a.entry_id = e.id WHERE {_KINDS[measure]} AND e.amount_minor > 0 "
        "AND e.posted_on <= ? AND e.amount_minor <> coalesce(a.units, 0) "
        f"GROUP BY {', '.join(str(i) for i in range(1, n + 4))}",
        (measure.value, on, on),
    ).fetchall()
    for row in rows:
        group = key(row[:n], row[n], row[n + 1])
        bucket_sums = sums.get(group)
        if bucket_sums is None:
            bucket_sums = sums[group] = [0] * width
        bucket_sums[row[n + 2]] += int(row[n + 4])
        items[group] = items.get(group, 0) + int(row[n + 3])

    credits: dict[Key, int] = {}
    credit_count: dict[Key, int] = {}

    def credit(group: Key, units: int, count: int = 1) -> None:
        credits[group] = credits.get(group, 0) + units
        credit_count[group] = credit_count.get(group, 0) + count

    auto = (
        "(SELECT source_id, sum(amount_minor) AS units FROM settlement_allocations "
        "WHERE measure = ? AND manual = 0 AND allocated_on <= ? GROUP BY source_id)"
    )
    # Payments without hand parts: what is left of them after automatic allocation.
    pay_keys = ", ".join([*_credit_key_sql(fields, "p", "p.id"), ""])
    for row in ledger._execute(
        f"SELECT {pay_keys}p.currency, p.minor_units, count(*), "
        "sum(p.settled_minor - coalesce(a.units, 0)) "
        f"FROM settlement_payments p LEFT JOIN {auto} a ON a.source_id = p.id "
        "WHERE p.received_on <= ? AND p.manual = '[]' AND p.settled_minor <> coalesce(a.units, 0) "
        f"GROUP BY {', '.join(str(i) for i in range(1, n + 3))}",
        (measure.value, on, on),
    ).fetchall():
        credit(key(row[:n], row[n], row[n + 1]), int(row[n + 3]), int(row[n + 2]))
    _hand_parts(ledger, on, measure, fields, key, credit)
    if measure is Measure.ACTUAL:  # returns and other negative entries are credit
        ent_keys = ", ".join([*_credit_key_sql(fields, "e", "e.id"), ""])
        for row in ledger._execute(
            f"SELECT {ent_keys}e.currency, e.minor_units, count(*), "
            "sum(-e.amount_minor - coalesce(a.units, 0)) "
            f"FROM settlement_entries e LEFT JOIN {auto} a ON a.source_id = e.id "
            "WHERE e.kind <> 'schedule' AND e.amount_minor < 0 AND e.posted_on <= ? "
            "AND -e.amount_minor <> coalesce(a.units, 0) "
            f"GROUP BY {', '.join(str(i) for i in range(1, n + 3))}",
            (measure.value, on, on),
        ).fetchall():
            credit(key(row[:n], row[n], row[n + 1]), int(row[n + 3]), int(row[n + 2]))
    return OpenGroupSums(sums, items, credits, credit_count)


def _hand_parts(
    ledger: PostgresSettlementLedger,
    on: str,
    measure: Measure,
    fields: Sequence[str],
    key: Any,
    credit: Any,
) -> None:
    """Credits of payments with parts allocated by hand: split as the Python path splits them."""
    columns = ", ".join(f"coalesce(p.{_FIELD_COLUMNS[f]}, '')" for f in _ACCOUNT_FIELDS)
    payments = ledger._execute(
        f"SELECT {columns}, p.currency, p.minor_units, p.id, p.manual, p.settled_minor - "
        "coalesce((SELECT sum(a.amount_minor) FROM settlement_allocations a "
        "WHERE a.source_id = p.id AND a.measure = ? AND a.manual = 0 AND a.allocated_on <= ?), 0) "
        "FROM settlement_payments p WHERE p.received_on <= ? AND p.manual <> '[]'",
        (measure.value, on, on),
    ).fetchall()
    if not payments:
        return
    by_order: dict[tuple[str, str], int] = {
        (source, order): int(units)
        for source, order, units in ledger._execute(
            "SELECT a.source_id, e.order_id, sum(a.amount_minor) FROM settlement_allocations a "
            "JOIN settlement_entries e ON e.id = a.entry_id WHERE a.source_id = ANY(?) "
            "AND a.measure = ? AND a.manual = 1 AND a.allocated_on <= ? "
            "GROUP BY a.source_id, e.order_id",
            ([row[6] for row in payments], measure.value, on),
        ).fetchall()
    }
    for row in payments:
        account = dict(zip(_ACCOUNT_FIELDS, row[:4], strict=True))
        code, minor, payment_id, general = row[4], row[5], row[6], int(row[8])
        parts: list[tuple[str, int]] = []
        for part in _manual(row[7]):
            units = part.amount.minor_units
            general -= units
            parts.append((part.order_id, units - by_order.get((payment_id, part.order_id), 0)))
        parts.append(("", general))
        for order, left in parts:
            if left:
                values = {**account, "manager": "", "order": order, "document": payment_id}
                credit(key([values[f] for f in fields], code, minor), left)


def age_in_database(
    ledger: PostgresSettlementLedger,
    as_of: date,
    *,
    policy: AgingPolicy | None = None,
    group_by: Sequence[str] = ("partner",),
    measure: Measure = Measure.ACTUAL,
    calendar: BusinessCalendar | None = None,
    segments: Mapping[str, str] | None = None,
    cache: AgingCache | None = None,
) -> AgingReport:
    """The aging report of ``ledger`` on ``as_of``, bucketed and grouped by the server.

    Arguments as :func:`~salescore.receivables.age_receivables`; the report is
    the same. :func:`~salescore.app.receivables.age_receivables_from_store`
    chooses this path by itself on a PostgreSQL store. With a ``cache``, a
    report on another date of an unchanged ledger starts from the cached one
    as on every store.
    """
    return age_store(
        ledger,
        as_of,
        policy=policy,
        group_by=group_by,
        measure=measure,
        calendar=calendar,
        segments=segments,
        cache=cache,
        summed=ledger,
    )
