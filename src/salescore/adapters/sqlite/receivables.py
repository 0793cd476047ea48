"""The SQLite settlement ledger: real tables, amounts as integer minor units.

Entries, payments and allocations are rows with one column per field (dates
as ISO text, amounts as integer minor units with the currency's code and
number of minor units beside them), so that other tools can query them and
balances can be summed in SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from salescore.adapters.codec import converter, to_plain
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.money import Currency, Money
from salescore.receivables.ledger import (
    Allocation,
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
)

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = ["SqliteSettlementLedger", "create_settlement_tables"]

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


def _currency(code: str, minor_units: int) -> Currency:
    try:
        known = Currency.of(code)
    except ValueError:
        return Currency(code, minor_units)
    return known if known.minor_units == minor_units else Currency(code, minor_units)


def _account_values(account: SettlementAccount) -> tuple[Any, ...]:
    return (
        account.key,
        account.partner_id,
        account.counterparty_id,
        account.organization_id,
        account.contract_id,
        account.currency.code,
        account.currency.minor_units,
    )


def _account(row: Sequence[Any]) -> SettlementAccount:
    partner, counterparty, organization, contract, code, minor = row
    return SettlementAccount(partner, _currency(code, minor), counterparty, organization, contract)


def _manual(text: str) -> tuple[ManualAllocation, ...]:
    return tuple(converter.structure(part, ManualAllocation) for part in json.loads(text))


class SqliteSettlementLedger:
    """A :class:`~salescore.receivables.ports.SettlementLedgerRepository` on SQLite tables."""

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors("settlement ledger"):
            return self._uow.connection.execute(sql, params)

    @staticmethod
    def _where(
        partner_id: str | None, account: SettlementAccount | None, table: str = ""
    ) -> tuple[str, list[Any]]:
        prefix = f"{table}." if table else ""
        clauses, params = [], []
        if partner_id is not None:
            clauses.append(f"{prefix}partner_id = ?")
            params.append(partner_id)
        if account is not None:
            clauses.append(f"{prefix}account_key = ?")
            params.append(account.key)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    # --- entries -------------------------------------------------------------------

    def add_entries(self, entries: Iterable[SettlementEntry]) -> None:
        rows = [
            (
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
            for e in entries
        ]
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

    def entries(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[SettlementEntry]:
        where, params = self._where(partner_id, account)
        rows = self._execute(
            f"SELECT id, kind, {_ACCOUNT_COLUMNS}, order_id, document_id, posted_on, due_date, "
            f"amount_minor, manager FROM settlement_entries{where} ORDER BY posted_on, id",
            params,
        ).fetchall()
        result = []
        for row in rows:
            acc = _account(row[2:8])
            result.append(
                SettlementEntry(
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
            )
        return result

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
        )
        try:
            self._uow.connection.execute(
                f"INSERT INTO settlement_payments (id, account_key, {_ACCOUNT_COLUMNS}, "
                "received_on, amount, paid_currency, paid_minor_units, rate, manual) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        except sqlite3.IntegrityError:
            raise ConflictError(f"payment {payment.id!r} already exists", id=payment.id) from None
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot store payment {payment.id!r}: {exc}") from exc

    def _payments(self, where: str, params: Sequence[Any]) -> list[Payment]:
        rows = self._execute(
            f"SELECT id, {_ACCOUNT_COLUMNS}, received_on, amount, paid_currency, "
            f"paid_minor_units, rate, manual FROM settlement_payments{where} "
            "ORDER BY received_on, id",
            params,
        ).fetchall()
        return [
            Payment(
                row[0],
                _account(row[1:7]),
                date.fromisoformat(row[7]),
                Money(row[8], _currency(row[9], row[10])),
                None if row[11] is None else Decimal(row[11]),
                _manual(row[12]),
            )
            for row in rows
        ]

    def payment(self, payment_id: str) -> Payment:
        found = self._payments(" WHERE id = ?", (payment_id,))
        if not found:
            raise NotFoundError(f"no payment with id {payment_id!r}", id=payment_id)
        return found[0]

    def remove_payment(self, payment_id: str) -> None:
        cursor = self._execute("DELETE FROM settlement_payments WHERE id = ?", (payment_id,))
        if cursor.rowcount == 0:
            raise NotFoundError(f"no payment with id {payment_id!r}", id=payment_id)

    def payments(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Payment]:
        where, params = self._where(partner_id, account)
        return self._payments(where, params)

    # --- allocations ---------------------------------------------------------------

    def allocations(
        self, *, partner_id: str | None = None, account: SettlementAccount | None = None
    ) -> list[Allocation]:
        where, params = self._where(partner_id, account, "a")
        rows = self._execute(
            "SELECT a.measure, a.source_id, a.entry_id, a.allocated_on, a.amount_minor, a.manual, "
            "e.currency, e.minor_units FROM settlement_allocations a "
            f"JOIN settlement_entries e ON e.id = a.entry_id{where} "
            "ORDER BY a.account_key, a.seq",
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

    def replace_allocations(
        self, account: SettlementAccount, allocations: Sequence[Allocation]
    ) -> None:
        self._execute("DELETE FROM settlement_allocations WHERE account_key = ?", (account.key,))
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
