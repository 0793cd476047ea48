"""Storage ports of the shipments context (implemented by the storage adapters).

Shipments and returns are posted documents: they are added once and never
changed (a mistake is corrected by a later document). Return requests change
status with optimistic versions, as orders do.
"""

from __future__ import annotations

from datetime import date
from typing import Generic, Protocol, TypeVar

import attrs

from salescore.orders import OrderId
from salescore.parties import PartnerId
from salescore.shipments.commission import AgentReturn, CommissionReport, CommissionTransfer
from salescore.shipments.corrections import ShipmentCorrection
from salescore.shipments.issues import GoodsIssue, GoodsReceipt
from salescore.shipments.model import CustomerReturn, ReturnId, Shipment, ShipmentId
from salescore.shipments.operations import ReturnRequest

__all__ = [
    "AGENT_RETURNS",
    "COMMISSION_REPORTS",
    "COMMISSION_TRANSFERS",
    "CORRECTIONS",
    "GOODS_ISSUES",
    "GOODS_RECEIPTS",
    "PostedDocument",
    "PostedDocumentRepository",
    "PostedKind",
    "ReturnRepository",
    "ReturnRequestRepository",
    "ShipmentRepository",
]

D = TypeVar("D", bound="PostedDocument")


class PostedDocument(Protocol):
    """A posted document the generic repository keeps: corrections, goods issues,
    commission transfers, reports and returns."""

    @property
    def id(self) -> str: ...

    @property
    def on(self) -> date: ...

    @property
    def version(self) -> int: ...

    @property
    def party_id(self) -> str:
        """The client, agent or warehouse its documents are listed by."""
        ...

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """The (order, shipment) pairs it is found by ("" for none)."""
        ...


@attrs.frozen
class PostedKind(Generic[D]):
    """A kind of posted document: its stored name, its type and what a message calls it."""

    name: str
    type: type[D]
    noun: str


class PostedDocumentRepository(Protocol[D]):
    """Posted documents of one kind, inside a unit of work (added once; their figures
    never change, a status may: :meth:`update`)."""

    def add(self, document: D) -> D:
        """Store a posted document; returns it at version 1 (ConflictError if the
        number is taken)."""
        ...

    def update(self, document: D) -> D:
        """Store a new status of a document read at ``document.version`` (its links
        unchanged); returns it at the next version.

        Raises:
            NotFoundError: no such document.
            ConcurrencyError: the stored version is not ``document.version``.
        """
        ...

    def get(self, document_id: str) -> D:
        """The document; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, document_id: str) -> D | None:
        """The document, or None."""
        ...

    def of_order(self, order_id: str) -> list[D]:
        """The documents linked to ``order_id``, by date then number."""
        ...

    def of_shipment(self, shipment_id: str) -> list[D]:
        """The documents linked to ``shipment_id``, by date then number."""
        ...

    def of_party(self, party_id: str) -> list[D]:
        """The documents of a client, agent or warehouse, by date then number."""
        ...


class ShipmentRepository(Protocol):
    """Posted shipments, inside a unit of work."""

    def add(self, shipment: Shipment) -> Shipment:
        """Store a posted shipment; returns it at version 1.

        Raises:
            ConflictError: the number is taken.
        """
        ...

    def get(self, shipment_id: ShipmentId) -> Shipment:
        """The shipment; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, shipment_id: ShipmentId) -> Shipment | None:
        """The shipment, or None."""
        ...

    def of_order(self, order_id: OrderId) -> list[Shipment]:
        """The shipments with a line of ``order_id``, by date then number."""
        ...

    def of_partner(self, partner_id: PartnerId) -> list[Shipment]:
        """The client's shipments, by date then number."""
        ...


class ReturnRepository(Protocol):
    """Posted client returns, inside a unit of work."""

    def add(self, document: CustomerReturn) -> CustomerReturn:
        """Store a posted return; returns it at version 1.

        Raises:
            ConflictError: the number is taken.
        """
        ...

    def get(self, return_id: ReturnId) -> CustomerReturn:
        """The return; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, return_id: ReturnId) -> CustomerReturn | None:
        """The return, or None."""
        ...

    def of_order(self, order_id: OrderId) -> list[CustomerReturn]:
        """The returns with a line of ``order_id``, by date then number."""
        ...

    def of_shipment(self, shipment_id: ShipmentId) -> list[CustomerReturn]:
        """The returns with a line of ``shipment_id``, by date then number."""
        ...


class ReturnRequestRepository(Protocol):
    """Return requests [заявки на возврат], inside a unit of work."""

    def add(self, request: ReturnRequest) -> ReturnRequest:
        """Store a new request at version 1 (ConflictError if the number is taken)."""
        ...

    def update(self, request: ReturnRequest) -> ReturnRequest:
        """Store a changed request read at ``request.version``; returns the next version.

        Raises:
            NotFoundError: no such request.
            ConcurrencyError: the stored version is not ``request.version``.
        """
        ...

    def get(self, request_id: str) -> ReturnRequest:
        """The request; :class:`~salescore.errors.NotFoundError` if none."""
        ...


CORRECTIONS: PostedKind[ShipmentCorrection] = PostedKind(
    "shipment_corrections", ShipmentCorrection, "correction"
)
GOODS_ISSUES: PostedKind[GoodsIssue] = PostedKind("goods_issues", GoodsIssue, "goods issue")
GOODS_RECEIPTS: PostedKind[GoodsReceipt] = PostedKind(
    "goods_receipts", GoodsReceipt, "receipt order"
)
COMMISSION_TRANSFERS: PostedKind[CommissionTransfer] = PostedKind(
    "commission_transfers", CommissionTransfer, "commission transfer"
)
COMMISSION_REPORTS: PostedKind[CommissionReport] = PostedKind(
    "commission_reports", CommissionReport, "commission report"
)
AGENT_RETURNS: PostedKind[AgentReturn] = PostedKind(
    "agent_returns", AgentReturn, "return from the agent"
)
