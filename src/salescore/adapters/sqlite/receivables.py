"""The SQLite settlement ledger: real tables, amounts as integer minor units.

Entries, payments and allocations are rows with one column per field (dates
as ISO text, amounts as integer minor units with the currency's code and
number of minor units beside them), so that other tools can query them and
balances can be summed in SQL.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

from salescore.adapters.codec import converter, to_plain
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.money import Currency, Money
from salescore.receivables.aging import (
    ITEM_FIELDS,
    Key,
    LedgerChanges,
    OpenCreditColumns,
    OpenItemColumns,
)
from salescore.receivables.allocation import AllocationRow, EntryRow, PaymentRow
from salescore.receivables.ledger import (
    Allocation,
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    check_account_entries,
)
from salescore.receivables.ports import CreditPosition

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = [
    "SqliteSettlementLedger",
    "create_settlement_tables",
    "entry_row",
    "index_settlements_by_date",
    "plain_allocation_rows",
]

_ACCOUNT_COLUMNS = (
    "partner_id, counterparty_id, organization_id, contract_id, currency, minor_units"
)
_ACCOUNT_DDL = """account_key TEXT NOT NULL, partner_id TEXT NOT NULL, counterparty_id TEXT,
    organization_id TEXT, contract_id TEXT, currency TEXT NOT NULL, minor_units INTEGER NOT NULL"""


def create_settlement_tables(conn: sqlite3.Connection) -> None:
    """Migration 2 of the receivables component: the settlement ledger tables."""
    conn.execute(
        f"""CREATE TABLE settlement_entries (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, {_ACCOUNT_DDL},
            order_id TEXT NOT NULL, document_id TEXT NOT NULL,
            posted_on TEXT NOT NULL, due_date TEXT NOT NULL,
            amount_minor INTEGER NOT NULL, manager TEXT)"""
    )
    conn.execute("CREATE INDEX settlement_entries_by_account ON settlement_entries(account_key)")
    conn.execute("CREATE INDEX settlement_entries_by_partner ON settlement_entries(partner_id)")
    conn.execute(
        f"""CREATE TABLE settlement_payments (
            id TEXT PRIMARY KEY, {_ACCOUNT_DDL},
            received_on TEXT NOT NULL, amount TEXT NOT NULL, paid_currency TEXT NOT NULL,
            paid_minor_units INTEGER NOT NULL, rate TEXT, manual TEXT NOT NULL)"""
    )
    conn.execute("CREATE INDEX settlement_payments_by_account ON settlement_payments(account_key)")
    conn.execute("CREATE INDEX settlement_payments_by_partner ON settlement_payments(partner_id)")
    conn.execute(
        """CREATE TABLE settlement_allocations (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, account_key TEXT NOT NULL,
            partner_id TEXT NOT NULL, measure TEXT NOT NULL, source_id TEXT NOT NULL,
            entry_id TEXT NOT NULL REFERENCES settlement_entries(id),
            allocated_on TEXT NOT NULL, amount_minor INTEGER NOT NULL, manual INTEGER NOT NULL)"""
    )
    conn.execute(
        "CREATE INDEX settlement_allocations_by_account ON settlement_allocations(account_key)"
    )
    conn.execute(
        "CREATE INDEX settlement_allocations_by_partner ON settlement_allocations(partner_id)"
    )


def settlements_by_date_statements(integer: str = "INTEGER") -> tuple[str, ...]:
    """The statements of migration 3, in the dialect's 64-bit ``integer`` type."""
    return (
        "CREATE INDEX settlement_entries_by_posted ON settlement_entries(posted_on)",
        "CREATE INDEX settlement_entries_by_due ON settlement_entries(due_date)",
        "CREATE INDEX settlement_allocations_by_entry ON settlement_allocations"
        "(entry_id, measure, allocated_on, amount_minor)",
        "CREATE INDEX settlement_allocations_by_source ON settlement_allocations"
        "(source_id, measure, manual, allocated_on, amount_minor)",
        "CREATE INDEX settlement_allocations_by_date ON settlement_allocations(allocated_on)",
        "CREATE INDEX settlement_payments_by_date ON settlement_payments(received_on)",
        f"ALTER TABLE settlement_payments ADD COLUMN settled_minor {integer} NOT NULL DEFAULT 0",
        "CREATE TABLE settlement_ledger_version (token TEXT NOT NULL)",
    )


def index_settlements_by_date(conn: sqlite3.Connection, integer: str = "INTEGER") -> None:
    """Migration 3: date indexes for reports as of a date, settled amounts, a version token.

    Aging reads open items as of a date in SQL (allocations per entry up to the
    date) and, for a second date, only the rows posted, allocated or due
    between the two: these indexes serve both. ``settled_minor`` keeps each
    payment's amount in the settlement currency (converted at its rate), and
    ``settlement_ledger_version`` a token every write renews. ``integer`` is the
    dialect's 64-bit integer type (``BIGINT`` on PostgreSQL).
    """
    for sql in settlements_by_date_statements(integer):
        conn.execute(sql)
    conn.execute("INSERT INTO settlement_ledger_version VALUES (?)", (uuid.uuid4().hex,))
    rows = conn.execute(f"SELECT {_PAYMENT_COLUMNS} FROM settlement_payments").fetchall()
    conn.executemany(
        "UPDATE settlement_payments SET settled_minor = ? WHERE id = ?",
        [(p.settled.minor_units, p.id) for p in map(_payment, rows)],
    )


def plain_allocation_rows(conn: sqlite3.Connection) -> None:
    """Migration 4: ``settlement_allocations`` without ``AUTOINCREMENT`` and without the
    foreign key to ``settlement_entries``.

    Both cost a lookup per inserted row (``sqlite_sequence``; the entry's primary key),
    together more than half of rewriting a whole ledger's allocations
    (:func:`~salescore.app.receivables.reallocate_all`). Neither guards anything the
    code does not: ``seq`` only orders an account's allocations, and a plain rowid
    still grows within a statement; entries are never deleted, the bulk path writes
    rows computed from the account's own entries in the same unit of work, and
    :meth:`SqliteSettlementLedger.replace_allocations` checks that every allocation
    names an entry of its account (stricter than the foreign key, which accepted
    another account's entry). SQLite cannot drop a constraint in place: the table is
    rebuilt, its rows and indexes kept.
    """
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'settlement_allocations' AND sql IS NOT NULL"
        )
    ]
    columns = (
        "seq, account_key, partner_id, measure, source_id, entry_id, allocated_on, "
        "amount_minor, manual"
    )
    conn.execute(
        """CREATE TABLE settlement_allocations_plain (
            seq INTEGER PRIMARY KEY, account_key TEXT NOT NULL,
            partner_id TEXT NOT NULL, measure TEXT NOT NULL, source_id TEXT NOT NULL,
            entry_id TEXT NOT NULL, allocated_on TEXT NOT NULL,
            amount_minor INTEGER NOT NULL, manual INTEGER NOT NULL)"""
    )
    conn.execute(
        f"INSERT INTO settlement_allocations_plain ({columns}) "
        f"SELECT {columns} FROM settlement_allocations ORDER BY seq"
    )
    conn.execute("DROP TABLE settlement_allocations")
    conn.execute("ALTER TABLE settlement_allocations_plain RENAME TO settlement_allocations")
    for sql in indexes:
        conn.execute(sql)


def drop_allocation_partner_index(conn: sqlite3.Connection) -> None:
    """Migration 5: ``settlement_allocations`` without its index on ``partner_id``.

    Rewriting a whole ledger's allocations
    (:func:`~salescore.app.receivables.reallocate_all`) builds every index of the
    table again; this one cost about a tenth of it. A partner's allocations are
    found through the account index instead: an account key begins with the
    partner's id and the unit separator, so they are one range of it
    (:meth:`SqliteSettlementLedger.allocations`).
    """
    conn.execute("DROP INDEX IF EXISTS settlement_allocations_by_partner")


ENTRIES_BY_ORDER = "CREATE INDEX settlement_entries_by_order ON settlement_entries(order_id)"


def index_entries_by_order(conn: sqlite3.Connection) -> None:
    """Migration 6: ``settlement_entries`` indexed by order.

    An order's state, its securing and its release for shipment read the order's
    entries and the allocations to them (its stage payments), not the client's
    whole ledger: a client's history no longer makes each of its orders slower
    (:meth:`SqliteSettlementLedger.entries` with ``order_id``).
    """
    conn.execute(ENTRIES_BY_ORDER)


_PAYMENT_COLUMNS = (
    f"id, {_ACCOUNT_COLUMNS}, received_on, amount, paid_currency, paid_minor_units, rate, manual"
)


def _payment(row: Sequence[Any]) -> Payment:
    return Payment(
        row[0],
        _account(row[1:7]),
        date.fromisoformat(row[7]),
        Money(row[8], _currency(row[9], row[10])),
        None if row[11] is None else Decimal(row[11]),
        _manual(row[12]),
    )


_FIELD_COLUMNS = {
    "partner": "partner_id",
    "counterparty": "counterparty_id",
    "organization": "organization_id",
    "contract": "contract_id",
    "manager": "manager",
    "order": "order_id",
    "document": "document_id",
}
_SEP = "\x1f"
_MEASURE_KINDS = {
    Measure.PLANNED: "e.kind = 'schedule'",
    Measure.ACTUAL: "e.kind <> 'schedule'",
}


def _check_fields(fields: Sequence[str]) -> None:
    unknown = [f for f in fields if f not in ITEM_FIELDS]
    if unknown:
        raise StorageError(
            f"the settlement ledger cannot group by {', '.join(map(repr, unknown))}: "
            f"use any of {', '.join(ITEM_FIELDS)}"
        )


class _Keys:
    """Group numbers from ``\\x1f``-joined text: each distinct text is split once."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.groups: list[Key] = []
        self._currencies: dict[tuple[str, int], Currency] = {}

    def __call__(self, text: str) -> int:
        *values, code, minor = text.split(_SEP)
        cur = self._currencies.get((code, int(minor)))
        if cur is None:
            cur = self._currencies[code, int(minor)] = _currency(code, int(minor))
        number = self.seen[text] = len(self.groups)
        self.groups.append((tuple(values), cur))
        return number


def _currency(code: str, minor_units: int) -> Currency:
    try:
        known = Currency.of(code)
    except ValueError:
        return Currency(code, minor_units)
    return known if known.minor_units == minor_units else Currency(code, minor_units)


def _account_values(account: SettlementAccount) -> tuple[Any, ...]:
    """An account's columns: key, partner, counterparty, organization, contract, currency
    code and minor units (the SQL of SQLite and PostgreSQL stores alike)."""
    return (
        account.key,
        account.partner_id,
        account.counterparty_id,
        account.organization_id,
        account.contract_id,
        account.currency.code,
        account.currency.minor_units,
    )


def entry_row(e: SettlementEntry) -> tuple[Any, ...]:
    """The ``settlement_entries`` row of an entry: id, kind, the account's columns,
    order, document, posted and due dates, amount in minor units, manager."""
    return (
        e.id,
        e.kind.value,
        *_account_values(e.account),
        e.order_id,
        e.document_id,
        e.posted_on.isoformat(),
        e.due_date.isoformat(),
        e.amount.minor_units,
        e.manager,
    )


class _IsoDates(dict[int, str]):
    """ISO texts of date ordinals, each made once (``iso[739252] == "2025-01-01"``)."""

    def __missing__(self, ordinal: int) -> str:
        found = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return found


class _Ordinals(dict[str, int]):
    """Date ordinals by ISO text, each text parsed once (``ordinals["2026-03-01"]``)."""

    def __missing__(self, text: str) -> int:
        found = self[text] = date.fromisoformat(text).toordinal()
        return found


def _account(row: Sequence[Any]) -> SettlementAccount:
    partner, counterparty, organization, contract, code, minor = row
    return SettlementAccount(partner, _currency(code, minor), counterparty, organization, contract)


_IDS_PER_QUERY = 500  # entry ids named in one IN (...) list


def _entry(row: Sequence[Any]) -> SettlementEntry:
    """An entry from the columns ``entries`` selects, in their order."""
    acc = _account(row[2:8])
    return SettlementEntry(
        row[0],
        EntryKind(row[1]),
        acc,
        row[8],
        row[9],
        date.fromisoformat(row[10]),
        date.fromisoformat(row[11]),
        Money.from_minor(row[12], acc.currency),
        row[13],
    )


_MEASURES = {kind.value: kind.measure for kind in EntryKind}


def _entry_rows(rows: Iterable[Sequence[Any]]) -> list[EntryRow]:
    """Stored rows of :data:`SqliteSettlementLedger._ENTRY_ROW_COLUMNS` (the stored kind
    second) as :data:`EntryRow`, the kind turned into its measure."""
    return [(r[0], _MEASURES[r[1]], r[2], r[3], r[4], r[5]) for r in rows]


def _manual(text: str) -> tuple[ManualAllocation, ...]:
    return tuple(converter.structure(part, ManualAllocation) for part in json.loads(text))


class SqliteSettlementLedger:
    """A :class:`~salescore.receivables.ports.SettlementLedgerRepository` on SQLite tables."""

    # The few words where SQL dialects differ; a PostgreSQL subclass overrides them.
    _ROWID = "rowid"
    """The row identifier column."""
    _SEPARATOR = "char(31)"
    """An SQL expression for the unit separator that joins the parts of a group key."""
    _SCAN_HINT = "+"
    """Prefixed to a date column to keep SQLite's planner off its index (scan instead)."""
    _STREAM_ROWS = True
    """Whether ``executemany`` may take rows from a generator that itself reads through
    the same connection (SQLite may; psycopg holds the connection for the whole call)."""
    _KEY_RANGE = True
    """Whether text compares byte by byte, so that a partner's account keys (its id, the
    unit separator, the rest) form one range of the account index (SQLite's ``BINARY``
    collation; a PostgreSQL database's collation may ignore control characters)."""

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _renew_version(self) -> None:
        token = uuid.uuid4().hex
        if self._execute("UPDATE settlement_ledger_version SET token = ?", (token,)).rowcount == 0:
            # an emptied table (truncated by hand) gets its one row back
            self._execute("INSERT INTO settlement_ledger_version VALUES (?)", (token,))

    def version(self) -> str:
        row = self._execute("SELECT token FROM settlement_ledger_version").fetchone()
        return "" if row is None else str(row[0])

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors("settlement ledger"):
            return self._uow.connection.execute(sql, params)

    @classmethod
    def _where(
        cls,
        partner_id: str | None,
        account: SettlementAccount | None,
        table: str = "",
        order_id: str | None = None,
        entries: str = "",
    ) -> tuple[str, list[Any]]:
        """The filters as a ``WHERE`` clause; ``entries`` is the alias of the entries
        table the order filter reads (``table`` itself when not given)."""
        prefix = f"{table}." if table else ""
        clauses, params = [], []
        # An order's rows are few: found by the order index, the other filters only
        # checked on them (SQLite's unary + keeps it off their indexes).
        hint = "" if order_id is None else cls._SCAN_HINT
        if order_id is not None:
            clauses.append(f"{f'{entries}.' if entries else prefix}order_id = ?")
            params.append(order_id)
        if partner_id is not None:
            if cls._KEY_RANGE:
                # A partner's accounts are the keys that begin with its id and the
                # separator: a range of the account index (allocations have no partner
                # index, see drop_allocation_partner_index); the equality keeps it exact.
                clauses.append(f"{hint}{prefix}account_key >= ? AND {hint}{prefix}account_key < ?")
                params += [partner_id + "\x1f", partner_id + "\x20"]
            clauses.append(f"{hint}{prefix}partner_id = ?")
            params.append(partner_id)
        if account is not None:
            clauses.append(f"{hint}{prefix}account_key = ?")
            params.append(account.key)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    # --- entries -------------------------------------------------------------------

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        rows = [entry_row(e) for e in entries]
        # A savepoint makes the batch all-or-nothing even if the caller goes on
        # with the unit of work after a conflict (as the memory adapter does).
        with self._uow.savepoint("add_entries") as conn:
            try:
                conn.executemany(
                    f"INSERT INTO settlement_entries (id, kind, account_key, {_ACCOUNT_COLUMNS}, "
                    "order_id, document_id, posted_on, due_date, amount_minor, manager) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            except sqlite3.IntegrityError as exc:
                raise ConflictError(f"a settlement entry id already exists: {exc}") from None
            except sqlite3.DatabaseError as exc:
                raise StorageError(f"cannot store settlement entries: {exc}") from exc
            self._renew_version()

    def entries(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[SettlementEntry]:
        where, params = self._where(partner_id, account, order_id=order_id)
        rows = self._execute(
            f"SELECT id, kind, {_ACCOUNT_COLUMNS}, order_id, document_id, posted_on, due_date, "
            f"amount_minor, manager FROM settlement_entries{where} ORDER BY posted_on, id",
            params,
        ).fetchall()
        return [_entry(row) for row in rows]

    def open_rows(self, account: SettlementAccount) -> list[EntryRow]:
        ordinals = _Ordinals()
        return [
            (eid, _MEASURES[kind], order, ordinals[posted], ordinals[due], int(left))
            for eid, kind, order, posted, due, left in self._execute(
                "SELECT * FROM (SELECT id, kind, order_id, posted_on, due_date, amount_minor - "
                "COALESCE((SELECT SUM(a.amount_minor) FROM settlement_allocations a "
                "WHERE a.entry_id = e.id), 0) AS open_minor FROM settlement_entries e "
                "WHERE account_key = ? AND amount_minor > 0) AS debts WHERE open_minor > 0",
                (account.key,),
            )
        ]

    # --- payments ------------------------------------------------------------------

    def add_payment(self, payment: Payment) -> None:
        values = (
            payment.id,
            *_account_values(payment.account),
            payment.received_on.isoformat(),
            str(payment.amount.amount),
            payment.amount.currency.code,
            payment.amount.currency.minor_units,
            None if payment.rate is None else str(payment.rate),
            json.dumps(to_plain(payment.manual), sort_keys=True),
            payment.settled.minor_units,
        )
        try:
            self._uow.connection.execute(
                f"INSERT INTO settlement_payments (id, account_key, {_ACCOUNT_COLUMNS}, "
                "received_on, amount, paid_currency, paid_minor_units, rate, manual, "
                "settled_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            self._renew_version()
        except sqlite3.IntegrityError:
            raise ConflictError(f"payment {payment.id!r} already exists", id=payment.id) from None
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot store payment {payment.id!r}: {exc}") from exc

    def add_payments(self, payments: Iterable[Payment]) -> None:
        with self._uow.savepoint("add_payments"):  # all or none
            for payment in payments:
                self.add_payment(payment)

    def _payments(self, where: str, params: Sequence[Any]) -> list[Payment]:
        rows = self._execute(
            f"SELECT {_PAYMENT_COLUMNS} FROM settlement_payments{where} ORDER BY received_on, id",
            params,
        ).fetchall()
        return [_payment(row) for row in rows]

    def payment(self, payment_id: str) -> Payment:
        found = self._payments(" WHERE id = ?", (payment_id,))
        if not found:
            raise NotFoundError(f"no payment with id {payment_id!r}", id=payment_id)
        return found[0]

    def remove_payment(self, payment_id: str) -> None:
        cursor = self._execute("DELETE FROM settlement_payments WHERE id = ?", (payment_id,))
        if cursor.rowcount == 0:
            raise NotFoundError(f"no payment with id {payment_id!r}", id=payment_id)
        self._renew_version()

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        where, params = self._where(partner_id, account)
        return self._payments(where, params)

    # --- allocations ---------------------------------------------------------------

    def allocations(
        self,
        *,
        partner_id: str | None = None,
        account: SettlementAccount | None = None,
        order_id: str | None = None,
    ) -> list[Allocation]:
        where, params = self._where(partner_id, account, "a", order_id, "e")
        rows = self._execute(
            "SELECT a.measure, a.source_id, a.entry_id, a.allocated_on, a.amount_minor, a.manual, "
            "e.currency, e.minor_units FROM settlement_allocations a "
            f"JOIN settlement_entries e ON e.id = a.entry_id{where} "
            "ORDER BY a.account_key, a.measure, a.seq",
            params,
        ).fetchall()
        return [
            Allocation(
                Measure(row[0]),
                row[1],
                row[2],
                date.fromisoformat(row[3]),
                Money.from_minor(row[4], _currency(row[6], row[7])),
                bool(row[5]),
            )
            for row in rows
        ]

    def credit_position(self, account: SettlementAccount) -> CreditPosition:
        key = (account.key,)
        (paid,) = self._execute(
            "SELECT COALESCE(SUM(settled_minor), 0) FROM settlement_payments WHERE account_key = ?",
            key,
        ).fetchone()
        (returned,) = self._execute(
            "SELECT COALESCE(SUM(-amount_minor), 0) FROM settlement_entries "
            "WHERE account_key = ? AND amount_minor < 0 AND kind <> ?",
            (*key, EntryKind.SCHEDULE.value),
        ).fetchone()
        sums = dict.fromkeys(Measure, 0)
        last: dict[Measure, date | None] = dict.fromkeys(Measure)
        for measure, units, on in self._execute(
            "SELECT measure, SUM(amount_minor), MAX(allocated_on) FROM settlement_allocations "
            "WHERE account_key = ? GROUP BY measure",
            key,
        ):
            sums[Measure(measure)] = int(units)
            last[Measure(measure)] = date.fromisoformat(on)
        return CreditPosition(
            int(paid),
            int(returned),
            sums[Measure.PLANNED],
            sums[Measure.ACTUAL],
            last[Measure.PLANNED],
            last[Measure.ACTUAL],
        )

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        own = {
            r[0]
            for r in self._execute(
                "SELECT id FROM settlement_entries WHERE account_key = ?", (account.key,)
            )
        }
        check_account_entries(account, allocations, own)
        self._execute("DELETE FROM settlement_allocations WHERE account_key = ?", (account.key,))
        self._insert_allocations(account, allocations)

    def add_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        named = sorted({a.entry_id for a in allocations})
        own: set[str] = set()
        for start in range(0, len(named), _IDS_PER_QUERY):
            part = named[start : start + _IDS_PER_QUERY]
            own.update(
                r[0]
                for r in self._execute(
                    "SELECT id FROM settlement_entries WHERE account_key = ? AND id IN "
                    f"({', '.join('?' for _ in part)})",
                    (account.key, *part),
                )
            )
        check_account_entries(account, allocations, own)
        self._insert_allocations(account, allocations)

    def _insert_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        rows = [
            (
                account.key,
                account.partner_id,
                a.measure.value,
                a.source_id,
                a.entry_id,
                a.allocated_on.isoformat(),
                a.amount.minor_units,
                int(a.manual),
            )
            for a in allocations
        ]
        with self._uow.store._translate_errors("settlement allocations"):
            self._uow.connection.executemany(
                "INSERT INTO settlement_allocations (account_key, partner_id, measure, source_id, "
                "entry_id, allocated_on, amount_minor, manual) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        self._renew_version()

    def replace_all_allocations(
        self, allocations: Iterable[tuple[SettlementAccount, Sequence[AllocationRow]]]
    ) -> int:
        iso = _IsoDates()
        stored = 0

        def rows() -> Iterator[list[tuple[Any, ...]]]:
            nonlocal stored
            for account, found in allocations:
                key, partner = account.key, account.partner_id
                yield [
                    # m._value_ is m.value without the enum property's call; sqlite3
                    # stores a bool as the integer 1 or 0
                    (key, partner, m._value_, source, entry, iso[day], units, manual)
                    for m, source, entry, day, units, manual in found
                ]
                stored += len(found)

        # One statement empties the table and one inserts every row as it is computed;
        # an error while computing them (a bad hand allocation) undoes both. On SQLite
        # the table's indexes are dropped first and built again after the rows are in
        # (one sort per index instead of a B-tree insert per row and index); the
        # savepoint undoes that too.
        with (
            self._uow.savepoint("replace_all_allocations") as conn,
            self._uow.store._translate_errors("settlement allocations"),
        ):
            indexes: list[tuple[str, str]] = []
            if isinstance(conn, sqlite3.Connection):
                indexes = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = 'settlement_allocations' AND sql IS NOT NULL"
                ).fetchall()
                for name, _ in indexes:
                    conn.execute(f'DROP INDEX "{name}"')
            conn.execute("DELETE FROM settlement_allocations")
            conn.executemany(
                "INSERT INTO settlement_allocations (account_key, partner_id, measure, source_id, "
                "entry_id, allocated_on, amount_minor, manual) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                chain.from_iterable(rows())
                if self._STREAM_ROWS
                else [*chain.from_iterable(rows())],
            )
            for _, sql in indexes:
                conn.execute(sql)
        self._renew_version()
        return stored

    def settlement_rows(
        self,
    ) -> Iterator[tuple[SettlementAccount, list[EntryRow], list[PaymentRow]]]:
        ordinals = _Ordinals()
        payments = self._execute(
            f"SELECT account_key, {_ACCOUNT_COLUMNS}, id, received_on, settled_minor, manual "
            "FROM settlement_payments ORDER BY account_key, received_on, id"
        )
        groups = self._entry_groups()
        e_group = next(groups, None)
        p_row = next(payments, None)
        while e_group is not None or p_row is not None:
            if e_group is None:
                key = p_row[0]  # type: ignore[index]
            elif p_row is None:
                key = e_group[0]
            else:
                key = min(e_group[0], p_row[0])
            if p_row is not None and p_row[0] == key:
                account = _account(p_row[1:7])
            else:
                account = _account(
                    self._execute(
                        f"SELECT {_ACCOUNT_COLUMNS} FROM settlement_entries "
                        "WHERE account_key = ? LIMIT 1",
                        (key,),
                    ).fetchone()
                )
            debts: list[EntryRow] = []
            if e_group is not None and e_group[0] == key:
                debts = e_group[1]
                e_group = next(groups, None)
            paid: list[PaymentRow] = []
            while p_row is not None and p_row[0] == key:
                parts: tuple[tuple[str, int], ...] = ()
                if p_row[10] != "[]":
                    parts = tuple((m.order_id, m.amount.minor_units) for m in _manual(p_row[10]))
                paid.append((p_row[7], ordinals[p_row[8]], p_row[9], parts))
                p_row = next(payments, None)
            yield account, debts, paid

    _ENTRY_ROW_COLUMNS = (
        "id, kind, order_id, CAST(julianday(posted_on) - 1721424.5 AS INTEGER), "
        "CAST(julianday(due_date) - 1721424.5 AS INTEGER), amount_minor"
    )
    """An entry's columns as :data:`EntryRow` holds them, its dates as ordinals computed by
    the database (``julianday`` of 0001-01-01 is 1721425.5; ordinal 1) at no more cost than
    reading their text, instead of parsing the text in Python."""

    def _entry_groups(self) -> Iterator[tuple[str, list[EntryRow]]]:
        """Every account key with its entries, in key order.

        Entries come by account only (the account index, no sort of the whole table): the
        allocation does not depend on their order within an account. Each account's rows
        are taken as one slice of the cursor, as many as the account has (counted first in
        the same transaction, so the counts match: SQLite's transaction reads one
        snapshot), so no row carries its account key.
        """
        counts = self._execute(
            "SELECT account_key, count(*) FROM settlement_entries GROUP BY account_key "
            "ORDER BY account_key"
        ).fetchall()
        rows = self._execute(
            f"SELECT {self._ENTRY_ROW_COLUMNS} FROM settlement_entries ORDER BY account_key"
        )
        take = rows.fetchmany
        for key, count in counts:
            yield key, _entry_rows(take(count))

    # --- open items and credits as of a date ------------------------------------------

    def open_item_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenItemColumns:
        _check_fields(fields)
        key_sql = f" || {self._SEPARATOR} || ".join(
            [
                *(f"coalesce(e.{_FIELD_COLUMNS[f]}, '')" for f in fields),
                "e.currency",
                "e.minor_units",
            ]
        )
        on = as_of.isoformat()
        params: list[Any] = [measure.value, on, on]
        touched = ""
        # Most rows are posted by the date: scan the table (the unary + keeps SQLite off
        # the posting-date index, whose random reads cost three times the scan).
        scan, row = self._SCAN_HINT, self._ROWID
        if changes is not None:
            scan = ""
            lo, hi = changes.after.isoformat(), changes.until.isoformat()
            parts = [
                f"SELECT {row} FROM settlement_entries WHERE posted_on > ? AND posted_on <= ?",
                f"SELECT e2.{row} FROM settlement_allocations a2 JOIN settlement_entries e2 "
                "ON e2.id = a2.entry_id WHERE a2.allocated_on > ? AND a2.allocated_on <= ? "
                "AND a2.measure = ?",
            ]
            params += [lo, hi, lo, hi, measure.value]
            for first, last in changes.due_ranges:
                parts.append(f"SELECT {row} FROM settlement_entries WHERE due_date BETWEEN ? AND ?")
                params += [date.fromordinal(first).isoformat(), date.fromordinal(last).isoformat()]
            touched = f" AND e.{row} IN (" + " UNION ".join(parts) + ")"
        if partner_id is not None:  # one client's rows, found by its index
            scan = ""
            touched += " AND e.partner_id = ?"
            params.append(partner_id)
        cursor = self._execute(
            f"SELECT {key_sql}, e.due_date, e.amount_minor - coalesce((SELECT "
            "CAST(sum(a.amount_minor) AS BIGINT) FROM settlement_allocations a "
            "WHERE a.entry_id = e.id "
            "AND a.measure = ? AND a.allocated_on <= ?), 0) FROM settlement_entries e "
            f"WHERE {_MEASURE_KINDS[measure]} AND e.amount_minor > 0 AND {scan}e.posted_on <= ?"
            f"{touched}",
            params,
        )
        keys: list[int] = []
        dues: list[int] = []
        units = array("q")  # 8 bytes an item, not an int object each
        key_of = _Keys()
        due_of: dict[str, int] = {}
        add_key, add_due, add_units = keys.append, dues.append, units.append
        known_key, known_due = key_of.seen.get, due_of.get
        for text, due, left in cursor:
            if left:
                number = known_key(text)
                add_key(key_of(text) if number is None else number)
                ordinal = known_due(due)
                if ordinal is None:
                    ordinal = due_of[due] = date.fromisoformat(due).toordinal()
                add_due(ordinal)
                add_units(left)
        return OpenItemColumns(key_of.groups, keys, dues, units)

    def open_credit_columns(
        self,
        as_of: date,
        measure: Measure,
        fields: Sequence[str],
        changes: LedgerChanges | None = None,
        *,
        partner_id: str | None = None,
    ) -> OpenCreditColumns:
        _check_fields(fields)
        on = as_of.isoformat()
        account = ("partner_id", "counterparty_id", "organization_id", "contract_id")
        columns = ", ".join(f"coalesce({c}, '')" for c in account)
        pay_touch = ent_touch = ""
        touch_params: list[Any] = []
        scan, row = self._SCAN_HINT, self._ROWID  # see open_item_columns
        if changes is not None:
            scan = ""
            lo, hi = changes.after.isoformat(), changes.until.isoformat()
            moved = (
                "SELECT source_id FROM settlement_allocations WHERE allocated_on > ? "
                "AND allocated_on <= ? AND measure = ?"
            )
            pay_touch = (
                f" AND p.{row} IN (SELECT {row} FROM settlement_payments WHERE received_on > ? "
                f"AND received_on <= ? UNION SELECT p2.{row} FROM settlement_payments p2 "
                f"WHERE p2.id IN ({moved}))"
            )
            ent_touch = (
                f" AND e.{row} IN (SELECT {row} FROM settlement_entries WHERE posted_on > ? "
                f"AND posted_on <= ? UNION SELECT e2.{row} FROM settlement_entries e2 "
                f"WHERE e2.id IN ({moved}))"
            )
            touch_params = [lo, hi, lo, hi, measure.value]
        if partner_id is not None:  # one client's rows, found by its index
            scan = ""
            pay_touch += " AND p.partner_id = ?"
            ent_touch += " AND e.partner_id = ?"
            touch_params.append(partner_id)
        allocated = (
            "coalesce((SELECT CAST(sum(a.amount_minor) AS BIGINT) FROM settlement_allocations a "
            "WHERE a.source_id = {0}.id AND a.measure = ? AND a.manual = 0 "
            "AND a.allocated_on <= ?), 0)"
        )
        keys: list[Key] = []
        units: list[int] = []
        currencies: dict[tuple[str, int], Currency] = {}

        def key(row: Sequence[Any], order: str, document: str) -> Key:
            names = ("partner", "counterparty", "organization", "contract")
            values = dict(zip(names, row[:4], strict=True))
            values.update(manager="", order=order, document=document)
            cur = currencies.get((row[4], row[5]))
            if cur is None:
                cur = currencies[row[4], row[5]] = _currency(row[4], row[5])
            return tuple(values[f] for f in fields), cur

        rows = self._execute(
            f"SELECT {columns}, p.currency, p.minor_units, p.id, p.settled_minor, p.manual, "
            f"{allocated.format('p')} FROM settlement_payments p WHERE {scan}p.received_on <= ?"
            f"{pay_touch}",
            [measure.value, on, on, *touch_params],
        )
        for row in rows.fetchall():
            general = row[7] - row[9]
            if row[8] != "[]":
                by_order = dict(
                    self._execute(
                        "SELECT e.order_id, CAST(sum(a.amount_minor) AS BIGINT) "
                        "FROM settlement_allocations a "
                        "JOIN settlement_entries e ON e.id = a.entry_id WHERE a.source_id = ? "
                        "AND a.measure = ? AND a.manual = 1 AND a.allocated_on <= ? "
                        "GROUP BY e.order_id",
                        (row[6], measure.value, on),
                    ).fetchall()
                )
                for part in _manual(row[8]):
                    part_units = part.amount.minor_units
                    general -= part_units
                    left = part_units - by_order.get(part.order_id, 0)
                    if left:
                        keys.append(key(row, part.order_id, row[6]))
                        units.append(left)
            if general:
                keys.append(key(row, "", row[6]))
                units.append(general)
        if measure is Measure.ACTUAL:
            rows = self._execute(
                f"SELECT {columns}, e.currency, e.minor_units, e.id, -e.amount_minor - "
                f"{allocated.format('e')} FROM settlement_entries e WHERE e.kind <> 'schedule' "
                f"AND e.amount_minor < 0 AND {scan}e.posted_on <= ?{ent_touch}",
                [measure.value, on, on, *touch_params],
            )
            for row in rows.fetchall():
                if row[7]:
                    keys.append(key(row, "", row[6]))
                    units.append(row[7])
        return OpenCreditColumns(keys, units)
