"""Storage ports of the shipments context (implemented by the storage adapters).

Shipments and returns are posted documents: they are added once and never
changed (a mistake is corrected by a later document). Return requests change
status with optimistic versions, as orders do.
"""

from __future__ import annotations

from typing import Protocol

from salescore.orders import OrderId
from salescore.parties import PartnerId
from salescore.shipments.model import CustomerReturn, ReturnId, Shipment, ShipmentId
from salescore.shipments.operations import ReturnRequest

__all__ = ["ReturnRepository", "ReturnRequestRepository", "ShipmentRepository"]


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
