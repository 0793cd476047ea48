"""The in-memory price register: one sorted history per key, bisected for "as of" lookups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from salescore.parties import ProductId
from salescore.pricing import PriceHistory, PriceRecord, PriceTypeId
from salescore.pricing.register import no_such_record

if TYPE_CHECKING:
    from salescore.adapters.memory.store import MemoryUnitOfWork

__all__ = ["MemoryPriceRegister"]

_Key = tuple[PriceTypeId, ProductId, str | None]


def _order(record: PriceRecord) -> tuple[str, str, str, str]:
    return (
        record.price_type_id,
        record.product_id,
        "" if record.characteristic is None else "\0" + record.characteristic,
        record.effective.isoformat(),
    )


def _discard(_: object) -> None:
    """Undo actions return nothing; the replaced record is not needed."""


class MemoryPriceRegister:
    """A :class:`~salescore.pricing.ports.PriceRegister` kept in the memory store."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _histories(self) -> dict[_Key, PriceHistory]:
        self._uow.check_active()
        return self._uow.store.table("price_register")

    def register(self, record: PriceRecord) -> None:
        history = self._histories.setdefault(record.key, PriceHistory())
        replaced = history.put(record)
        if replaced is None:
            self._uow.record_undo(lambda: _discard(history.drop(record.effective)))
        else:
            self._uow.record_undo(lambda: _discard(history.put(replaced)))

    def remove(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        effective: date,
        characteristic: str | None = None,
    ) -> None:
        history = self._histories.get((price_type_id, product_id, characteristic))
        removed = None if history is None else history.drop(effective)
        if history is None or removed is None:
            raise no_such_record(price_type_id, product_id, effective, characteristic)
        self._uow.record_undo(lambda: _discard(history.put(removed)))

    def price_as_of(
        self,
        price_type_id: PriceTypeId,
        product_id: ProductId,
        on: date,
        characteristic: str | None = None,
    ) -> PriceRecord | None:
        history = self._histories.get((price_type_id, product_id, characteristic))
        return None if history is None else history.as_of(on)

    def history(
        self, price_type_id: PriceTypeId, product_id: ProductId, characteristic: str | None = None
    ) -> list[PriceRecord]:
        history = self._histories.get((price_type_id, product_id, characteristic))
        return [] if history is None else list(history.records)

    def _wanted(
        self, price_type_ids: Iterable[PriceTypeId], product_ids: Iterable[ProductId] | None
    ) -> list[PriceHistory]:
        types = set(price_type_ids)
        if product_ids is None:
            return [h for key, h in self._histories.items() if key[0] in types]
        products = set(product_ids)
        return [h for key, h in self._histories.items() if key[0] in types and key[1] in products]

    def prices_as_of(
        self,
        price_type_ids: Iterable[PriceTypeId],
        on: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        found = []
        for history in self._wanted(price_type_ids, product_ids):
            record = history.as_of(on)
            if record is not None:
                found.append(record)
        return sorted(found, key=_order)

    def records_between(
        self,
        price_type_ids: Iterable[PriceTypeId],
        since: date,
        until: date,
        product_ids: Iterable[ProductId] | None = None,
    ) -> list[PriceRecord]:
        found = [
            record
            for history in self._wanted(price_type_ids, product_ids)
            for record in history.records
            if since <= record.effective <= until
        ]
        return sorted(found, key=lambda r: (r.effective, *_order(r)))
