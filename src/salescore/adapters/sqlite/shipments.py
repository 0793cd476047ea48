"""Shipments, client returns and return requests in SQLite: one row per document (JSON
data) plus link rows to find them by order and by shipment."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from salescore.adapters.codec import dumps, loads
from salescore.errors import ConflictError, NotFoundError, StorageError
from salescore.orders import OrderId
from salescore.orders.ports import stale_version
from salescore.parties import PartnerId
from salescore.shipments import (
    CustomerReturn,
    ReturnId,
    ReturnRequest,
    Shipment,
    ShipmentId,
)
from salescore.shipments.ports import PostedDocument, PostedKind

if TYPE_CHECKING:
    from salescore.adapters.sqlite.store import SqliteUnitOfWork

__all__ = [
    "SqlitePostedDocuments",
    "SqliteReturnRepository",
    "SqliteReturnRequestRepository",
    "SqliteShipmentRepository",
    "create_posted_documents",
    "create_shipment_tables",
]

D = TypeVar("D", bound=PostedDocument)


def create_shipment_tables(conn: sqlite3.Connection) -> None:
    """Migration 1 of the ``shipments`` component."""
    for table in ("shipments", "customer_returns"):
        conn.execute(
            f"CREATE TABLE {table} (id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, "
            "on_date TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID"
        )
        conn.execute(f"CREATE INDEX {table}_by_partner ON {table} (partner_id, on_date, id)")
    conn.execute(
        "CREATE TABLE shipment_links (document_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "order_id TEXT NOT NULL, shipment_id TEXT NOT NULL, "
        "PRIMARY KEY (kind, document_id, order_id, shipment_id)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX shipment_links_by_order ON shipment_links (order_id, kind)")
    conn.execute("CREATE INDEX shipment_links_by_shipment ON shipment_links (shipment_id, kind)")
    conn.execute(
        "CREATE TABLE return_requests (id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
        "data TEXT NOT NULL) WITHOUT ROWID"
    )


def create_posted_documents(conn: sqlite3.Connection) -> None:
    """Migration 2 of the ``shipments`` component: corrections, goods issues and the
    commission documents, one table for every kind, found through ``shipment_links``."""
    conn.execute(
        "CREATE TABLE posted_documents (kind TEXT NOT NULL, id TEXT NOT NULL, "
        "party_id TEXT NOT NULL, on_date TEXT NOT NULL, version INTEGER NOT NULL, "
        "data TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE INDEX posted_documents_by_party ON posted_documents (kind, party_id, on_date, id)"
    )


class _Base:
    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._uow.store._translate_errors("shipments"):
            return self._uow.connection.execute(sql, params)

    def _insert(self, sql: str, params: tuple[Any, ...], kind: str, key: str) -> None:
        try:
            self._execute(sql, params)
        except StorageError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise ConflictError(
                    f"{kind} {key!r} exists already; give another number", id=key
                ) from None
            raise


class SqliteShipmentRepository(_Base):
    """:class:`~salescore.shipments.ShipmentRepository` in SQLite."""

    def add(self, shipment: Shipment) -> Shipment:
        stored = attrs.evolve(shipment, version=1)
        self._insert(
            "INSERT INTO shipments (id, partner_id, on_date, version, data) VALUES (?, ?, ?, 1, ?)",
            (shipment.id, shipment.partner_id, shipment.on.isoformat(), dumps(stored)),
            "shipment",
            shipment.id,
        )
        for order_id in shipment.order_ids:
            self._execute(
                "INSERT INTO shipment_links VALUES (?, 'shipment', ?, ?)",
                (shipment.id, order_id, shipment.id),
            )
        return stored

    def find(self, shipment_id: ShipmentId) -> Shipment | None:
        row = self._execute("SELECT data FROM shipments WHERE id = ?", (shipment_id,)).fetchone()
        return None if row is None else loads(row[0], Shipment)

    def get(self, shipment_id: ShipmentId) -> Shipment:
        found = self.find(shipment_id)
        if found is None:
            raise NotFoundError(f"no shipment {shipment_id!r}", id=shipment_id)
        return found

    def of_order(self, order_id: OrderId) -> list[Shipment]:
        rows = self._execute(
            "SELECT s.data FROM shipment_links l JOIN shipments s ON s.id = l.document_id "
            "WHERE l.order_id = ? AND l.kind = 'shipment' ORDER BY s.on_date, s.id",
            (order_id,),
        ).fetchall()
        return [loads(row[0], Shipment) for row in rows]

    def of_partner(self, partner_id: PartnerId) -> list[Shipment]:
        rows = self._execute(
            "SELECT data FROM shipments WHERE partner_id = ? ORDER BY on_date, id", (partner_id,)
        ).fetchall()
        return [loads(row[0], Shipment) for row in rows]


class SqliteReturnRepository(_Base):
    """:class:`~salescore.shipments.ReturnRepository` in SQLite."""

    def add(self, document: CustomerReturn) -> CustomerReturn:
        stored = attrs.evolve(document, version=1)
        self._insert(
            "INSERT INTO customer_returns (id, partner_id, on_date, version, data) "
            "VALUES (?, ?, ?, 1, ?)",
            (document.id, document.partner_id, document.on.isoformat(), dumps(stored)),
            "return",
            document.id,
        )
        links = {(x.order_id or "", x.shipment_id or "") for x in document.lines}
        for order_id, shipment_id in sorted(links):
            self._execute(
                "INSERT INTO shipment_links VALUES (?, 'return', ?, ?)",
                (document.id, order_id, shipment_id),
            )
        return stored

    def find(self, return_id: ReturnId) -> CustomerReturn | None:
        row = self._execute(
            "SELECT data FROM customer_returns WHERE id = ?", (return_id,)
        ).fetchone()
        return None if row is None else loads(row[0], CustomerReturn)

    def get(self, return_id: ReturnId) -> CustomerReturn:
        found = self.find(return_id)
        if found is None:
            raise NotFoundError(f"no return {return_id!r}", id=return_id)
        return found

    def _linked(self, column: str, key: str) -> list[CustomerReturn]:
        rows = self._execute(
            "SELECT DISTINCT r.id, r.on_date, r.data FROM shipment_links l "
            "JOIN customer_returns r ON r.id = l.document_id "
            f"WHERE l.{column} = ? AND l.kind = 'return' ORDER BY r.on_date, r.id",
            (key,),
        ).fetchall()
        return [loads(row[2], CustomerReturn) for row in rows]

    def of_order(self, order_id: OrderId) -> list[CustomerReturn]:
        return self._linked("order_id", order_id) if order_id else []

    def of_shipment(self, shipment_id: ShipmentId) -> list[CustomerReturn]:
        return self._linked("shipment_id", shipment_id) if shipment_id else []


class SqliteReturnRequestRepository(_Base):
    """:class:`~salescore.shipments.ReturnRequestRepository` in SQLite."""

    def add(self, request: ReturnRequest) -> ReturnRequest:
        stored = attrs.evolve(request, version=1)
        self._insert(
            "INSERT INTO return_requests (id, version, data) VALUES (?, 1, ?)",
            (request.id, dumps(stored)),
            "return request",
            request.id,
        )
        return stored

    def update(self, request: ReturnRequest) -> ReturnRequest:
        stored = attrs.evolve(request, version=request.version + 1)
        cursor = self._execute(
            "UPDATE return_requests SET version = ?, data = ? WHERE id = ? AND version = ?",
            (stored.version, dumps(stored), request.id, request.version),
        )
        if cursor.rowcount == 0:
            row = self._execute(
                "SELECT version FROM return_requests WHERE id = ?", (request.id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no return request {request.id!r} to update", id=request.id)
            raise stale_version("return request", request.id, request.version, int(row[0]))
        return stored

    def get(self, request_id: str) -> ReturnRequest:
        row = self._execute(
            "SELECT data FROM return_requests WHERE id = ?", (request_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no return request {request_id!r}", id=request_id)
        return loads(row[0], ReturnRequest)


class SqlitePostedDocuments(_Base, Generic[D]):
    """:class:`~salescore.shipments.PostedDocumentRepository` of one kind in SQLite."""

    def __init__(self, uow: SqliteUnitOfWork, kind: PostedKind[D]) -> None:
        super().__init__(uow)
        self._kind = kind

    def add(self, document: D) -> D:
        stored: D = attrs.evolve(document, version=1)  # type: ignore[misc]
        self._insert(
            "INSERT INTO posted_documents (kind, id, party_id, on_date, version, data) "
            "VALUES (?, ?, ?, ?, 1, ?)",
            (
                self._kind.name,
                document.id,
                document.party_id,
                document.on.isoformat(),
                dumps(stored),
            ),
            self._kind.noun,
            document.id,
        )
        for order_id, shipment_id in sorted(set(document.links)):
            self._execute(
                "INSERT INTO shipment_links VALUES (?, ?, ?, ?)",
                (document.id, self._kind.name, order_id, shipment_id),
            )
        return stored

    def update(self, document: D) -> D:
        stored: D = attrs.evolve(document, version=document.version + 1)  # type: ignore[misc]
        cursor = self._execute(
            "UPDATE posted_documents SET version = ?, data = ? "
            "WHERE kind = ? AND id = ? AND version = ?",
            (stored.version, dumps(stored), self._kind.name, document.id, document.version),
        )
        if cursor.rowcount == 0:
            row = self._execute(
                "SELECT version FROM posted_documents WHERE kind = ? AND id = ?",
                (self._kind.name, document.id),
            ).fetchone()
            noun = self._kind.noun
            if row is None:
                raise NotFoundError(f"no {noun} {document.id!r} to update", id=document.id)
            raise stale_version(noun, document.id, document.version, int(row[0]))
        return stored

    def find(self, document_id: str) -> D | None:
        row = self._execute(
            "SELECT data FROM posted_documents WHERE kind = ? AND id = ?",
            (self._kind.name, document_id),
        ).fetchone()
        return None if row is None else loads(row[0], self._kind.type)

    def get(self, document_id: str) -> D:
        found = self.find(document_id)
        if found is None:
            raise NotFoundError(f"no {self._kind.noun} {document_id!r}", id=document_id)
        return found

    def _linked(self, column: str, key: str) -> list[D]:
        rows = self._execute(
            "SELECT DISTINCT d.id, d.on_date, d.data FROM shipment_links l "
            "JOIN posted_documents d ON d.id = l.document_id AND d.kind = l.kind "
            f"WHERE l.{column} = ? AND l.kind = ? ORDER BY d.on_date, d.id",
            (key, self._kind.name),
        ).fetchall()
        return [loads(row[2], self._kind.type) for row in rows]

    def of_order(self, order_id: str) -> list[D]:
        return self._linked("order_id", order_id) if order_id else []

    def of_shipment(self, shipment_id: str) -> list[D]:
        return self._linked("shipment_id", shipment_id) if shipment_id else []

    def of_party(self, party_id: str) -> list[D]:
        rows = self._execute(
            "SELECT data FROM posted_documents WHERE kind = ? AND party_id = ? "
            "ORDER BY on_date, id",
            (self._kind.name, party_id),
        ).fetchall()
        return [loads(row[0], self._kind.type) for row in rows]
