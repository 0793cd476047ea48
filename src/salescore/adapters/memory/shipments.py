"""Shipments, client returns and return requests in memory (undoable within a unit of work)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from salescore.errors import ConflictError, NotFoundError
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
    from salescore.adapters.memory.store import MemoryUnitOfWork

__all__ = [
    "MemoryPostedDocuments",
    "MemoryReturnRepository",
    "MemoryReturnRequestRepository",
    "MemoryShipmentRepository",
]

D = TypeVar("D", bound=PostedDocument)


def _add(uow: MemoryUnitOfWork, table: str, kind: str, document: Any) -> Any:
    rows = uow.table(table)
    if document.id in rows:
        raise ConflictError(f"{kind} {document.id!r} exists already; give another number")
    stored = attrs.evolve(document, version=1)
    uow.put(rows, document.id, stored)
    return stored


def _get(uow: MemoryUnitOfWork, table: str, kind: str, key: str) -> Any:
    found = uow.table(table).get(key)
    if found is None:
        raise NotFoundError(f"no {kind} {key!r}", id=key)
    return found


class MemoryShipmentRepository:
    """:class:`~salescore.shipments.ShipmentRepository` in memory."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def add(self, shipment: Shipment) -> Shipment:
        stored: Shipment = _add(self._uow, "shipments", "shipment", shipment)
        return stored

    def get(self, shipment_id: ShipmentId) -> Shipment:
        found: Shipment = _get(self._uow, "shipments", "shipment", shipment_id)
        return found

    def find(self, shipment_id: ShipmentId) -> Shipment | None:
        found: Shipment | None = self._uow.table("shipments").get(shipment_id)
        return found

    def _sorted(self, keep: Any) -> list[Shipment]:
        rows: dict[str, Shipment] = self._uow.table("shipments")
        return sorted((s for s in rows.values() if keep(s)), key=lambda s: (s.on, s.id))

    def of_order(self, order_id: OrderId) -> list[Shipment]:
        return self._sorted(lambda s: order_id in s.order_ids)

    def of_partner(self, partner_id: PartnerId) -> list[Shipment]:
        return self._sorted(lambda s: s.partner_id == partner_id)


class MemoryReturnRepository:
    """:class:`~salescore.shipments.ReturnRepository` in memory."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def add(self, document: CustomerReturn) -> CustomerReturn:
        stored: CustomerReturn = _add(self._uow, "customer_returns", "return", document)
        return stored

    def get(self, return_id: ReturnId) -> CustomerReturn:
        found: CustomerReturn = _get(self._uow, "customer_returns", "return", return_id)
        return found

    def find(self, return_id: ReturnId) -> CustomerReturn | None:
        found: CustomerReturn | None = self._uow.table("customer_returns").get(return_id)
        return found

    def _sorted(self, keep: Any) -> list[CustomerReturn]:
        rows: dict[str, CustomerReturn] = self._uow.table("customer_returns")
        return sorted((r for r in rows.values() if keep(r)), key=lambda r: (r.on, r.id))

    def of_order(self, order_id: OrderId) -> list[CustomerReturn]:
        return self._sorted(lambda r: any(x.order_id == order_id for x in r.lines))

    def of_shipment(self, shipment_id: ShipmentId) -> list[CustomerReturn]:
        return self._sorted(lambda r: shipment_id in r.shipment_ids)


class MemoryReturnRequestRepository:
    """:class:`~salescore.shipments.ReturnRequestRepository` in memory."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def add(self, request: ReturnRequest) -> ReturnRequest:
        stored: ReturnRequest = _add(self._uow, "return_requests", "return request", request)
        return stored

    def update(self, request: ReturnRequest) -> ReturnRequest:
        rows = self._uow.table("return_requests")
        current = rows.get(request.id)
        if current is None:
            raise NotFoundError(f"no return request {request.id!r} to update", id=request.id)
        if current.version != request.version:
            raise stale_version("return request", request.id, request.version, current.version)
        stored = attrs.evolve(request, version=request.version + 1)
        self._uow.put(rows, request.id, stored)
        return stored

    def get(self, request_id: str) -> ReturnRequest:
        found: ReturnRequest = _get(self._uow, "return_requests", "return request", request_id)
        return found


class MemoryPostedDocuments(Generic[D]):
    """:class:`~salescore.shipments.PostedDocumentRepository` of one kind in memory."""

    def __init__(self, uow: MemoryUnitOfWork, kind: PostedKind[D]) -> None:
        self._uow = uow
        self._kind = kind

    def add(self, document: D) -> D:
        stored: D = _add(self._uow, self._kind.name, self._kind.noun, document)
        return stored

    def update(self, document: D) -> D:
        rows = self._uow.table(self._kind.name)
        current = rows.get(document.id)
        if current is None:
            raise NotFoundError(f"no {self._kind.noun} {document.id!r} to update", id=document.id)
        if current.version != document.version:
            raise stale_version(self._kind.noun, document.id, document.version, current.version)
        stored: D = attrs.evolve(document, version=document.version + 1)  # type: ignore[misc]
        self._uow.put(rows, document.id, stored)
        return stored

    def get(self, document_id: str) -> D:
        found: D = _get(self._uow, self._kind.name, self._kind.noun, document_id)
        return found

    def find(self, document_id: str) -> D | None:
        found: D | None = self._uow.table(self._kind.name).get(document_id)
        return found

    def _sorted(self, keep: Any) -> list[D]:
        rows: dict[str, D] = self._uow.table(self._kind.name)
        return sorted((d for d in rows.values() if keep(d)), key=lambda d: (d.on, d.id))

    def of_order(self, order_id: str) -> list[D]:
        return self._sorted(lambda d: bool(order_id) and any(o == order_id for o, _ in d.links))

    def of_shipment(self, shipment_id: str) -> list[D]:
        return self._sorted(
            lambda d: bool(shipment_id) and any(s == shipment_id for _, s in d.links)
        )

    def of_party(self, party_id: str) -> list[D]:
        return self._sorted(lambda d: d.party_id == party_id)
