"""What the pricing context needs from storage and from other contexts.

* :data:`PriceTypeRepository` keeps price types (documents).
* :class:`PriceRegister` keeps registered prices with their history and
  answers "as of a date" lookups in logarithmic time.
* :class:`StockSource` gives stock balances for price lists; the reservation
  context implements it over its stock ledger, and
  :class:`~salescore.pricing.price_list.StaticStock` is a fixed one for tests
  and notebooks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Protocol, TypeAlias

from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.ports import Repository
from salescore.pricing.price_types import PriceType, PriceTypeId
from salescore.pricing.register import PriceRecord

__all__ = ["PriceRegister", "PriceTypeRepository", "StockSource"]

PriceTypeRepository: TypeAlias = Repository[PriceTypeId, PriceType]


class PriceRegister(Protocol):
    """Registered prices, effective from a date, with history (B2)."""

    def register(self, record: PriceRecord) -> None:
        """Set a price from ``record.effective`` on; replaces a record of the same key and date."""
        ...

    def remove(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        effective: date,
        characteristic: str | None = None,
    ) -> None:
        """Delete one record (a mistaken entry); NotFoundError if there is none."""
        ...

    def price_as_of(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        on: date,
        characteristic: str | None = None,
    ) -> PriceRecord | None:
        """The record in force on ``on`` for exactly this key, or None."""
        ...

    def history(
        self, price_type_id: PriceTypeId, product_id: ProductId, characteristic: str | None = None
    ) -> list[PriceRecord]:
        """Every record of this key, oldest first."""
        ...

    def prices_as_of(
        self,
        price_type_ids: Iterable[PriceTypeId],
        on: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        """For each key of these price types, the record in force on ``on``.

        Only of ``product_ids`` when given (an order's products, not the whole
        catalogue). Ordered by price type, product, characteristic (None first).
        """
        ...

    def records_between(
        self,
        price_type_ids: Iterable[PriceTypeId],
        since: date,
        until: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        """Every record of these price types effective in ``[since, until]``.

        Only of ``product_ids`` when given. Ordered by date, then price type,
        product, characteristic.
        """
        ...


class StockSource(Protocol):
    """Stock balances for price lists (B5); the reservation context supplies the real one."""

    def balances(
        self,
        products: Collection[ProductId],
        warehouse_ids: Collection[WarehouseId],
        on: date,
    ) -> Mapping[ProductId, Quantity]:
        """Stock of each product summed over ``warehouse_ids`` on ``on``.

        Products without stock may be missing from the result; every quantity
        is in the product's unit.
        """
        ...
