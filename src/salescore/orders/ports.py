"""Storage ports of the orders context (implemented by the storage adapters).

Quotes and orders are stored whole, with their frozen prices, schedule and
history. Both repositories use *optimistic versions*: :meth:`add` stores
version 1, :meth:`update` stores the document only if the stored version is
the one the document was read at, and returns it with the next version; a
stale update is refused with :class:`~salescore.errors.ConcurrencyError`
naming both versions, and nothing is written.
"""

from __future__ import annotations

from typing import Protocol

from salescore.errors import ConcurrencyError, OrderError
from salescore.orders.model import Order, OrderId, Quote, QuoteId
from salescore.parties import OrganizationId, PartnerId

__all__ = [
    "ORDER_NUMBER_DIGITS",
    "OrderRepository",
    "QuoteRepository",
    "is_numbered_order_id",
    "next_order_id",
    "order_number_prefix",
    "stale_version",
]


class QuoteRepository(Protocol):
    """Commercial proposals and their versions, inside a unit of work."""

    def add(self, quote: Quote) -> Quote:
        """Store a new quote; returns it at version 1.

        Raises:
            ConflictError: the id is taken.
        """
        ...

    def update(self, quote: Quote) -> Quote:
        """Store a changed quote read at ``quote.version``; returns it at the next version.

        Raises:
            NotFoundError: no such quote.
            ConcurrencyError: the stored version is not ``quote.version``.
        """
        ...

    def get(self, quote_id: QuoteId) -> Quote:
        """The quote; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, quote_id: QuoteId) -> Quote | None:
        """The quote, or None."""
        ...

    def versions(self, quote_id: QuoteId) -> list[Quote]:
        """The negotiation history: every version from the first to ``quote_id``."""
        ...


class OrderRepository(Protocol):
    """Sales orders, inside a unit of work."""

    def next_id(self, organization_id: OrganizationId, year: int) -> OrderId:
        """The next order number of an organization in a year (``ORG-2026-000001``): one
        more than its highest (:func:`next_order_id`); SQLite and PostgreSQL find the
        highest with one index seek."""
        ...

    def add(self, order: Order) -> Order:
        """Store a new order; returns it at version 1.

        Raises:
            ConflictError: the number is taken.
        """
        ...

    def update(self, order: Order) -> Order:
        """Store a changed order read at ``order.version``; returns it at the next version.

        Raises:
            NotFoundError: no such order.
            ConcurrencyError: the stored version is not ``order.version``.
        """
        ...

    def get(self, order_id: OrderId) -> Order:
        """The order; :class:`~salescore.errors.NotFoundError` if none."""
        ...

    def find(self, order_id: OrderId) -> Order | None:
        """The order, or None."""
        ...

    def of_partner(self, partner_id: PartnerId) -> list[Order]:
        """The partner's orders, by number."""
        ...


def stale_version(kind: str, key: str, read: int, stored: int) -> ConcurrencyError:
    """The error of an update made from a version that is no longer the stored one."""
    return ConcurrencyError(
        f"{kind} {key!r} was changed by someone else: the change was made to version {read}, "
        f"the stored one is version {stored}; read it again and redo the change",
        id=key,
        read_version=read,
        stored_version=stored,
    )


ORDER_NUMBER_DIGITS = 6
"""The digits of an order's number within its organization's year (``ORG-2026-000001``)."""


def order_number_prefix(organization_id: str, year: int) -> str:
    """What every order id of an organization's year starts with: ``ORG-2026-``."""
    return f"{organization_id}-{year}-"


def is_numbered_order_id(order_id: str, prefix: str) -> bool:
    """True for an id made by numbering: ``prefix`` and six digits, nothing else."""
    digits = order_id[len(prefix) :]
    return (
        order_id.startswith(prefix)
        and len(digits) == ORDER_NUMBER_DIGITS
        and digits.isascii()
        and digits.isdigit()
    )


def next_order_id(organization_id: str, year: int, highest: str | None) -> OrderId:
    """``ORG-YYYY-NNNNNN``: one more than ``highest``, the organization's year's highest
    numbered order id (None when it has none yet).

    Numbers are never reused: one after a gap left by an order given its own id
    is not filled, as document numbering in accounting expects.

    Raises:
        OrderError: the year's six-digit numbers are used up.
    """
    prefix = order_number_prefix(organization_id, year)
    number = 1 if highest is None else int(highest[len(prefix) :]) + 1
    if number >= 10**ORDER_NUMBER_DIGITS:
        raise OrderError(
            f"organization {organization_id!r} has used every order number of {year} "
            f"({prefix}{'9' * ORDER_NUMBER_DIGITS} is taken): give the order its own id",
            organization=organization_id,
            year=year,
        )
    return OrderId(f"{prefix}{number:0{ORDER_NUMBER_DIGITS}d}")
