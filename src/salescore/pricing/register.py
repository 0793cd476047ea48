"""The price register [регистр цен]: prices set by hand, effective from a date (B2).

Each :class:`PriceRecord` says "from this date, this product (and optional
characteristic [характеристика]) costs this much under this price type".
A price stays in force until a later record for the same key replaces it;
earlier records are kept as history. Looking a price up "as of" a date finds
the latest record on or before it, in logarithmic time (a bisection in
memory, an index seek in SQLite).

>>> from datetime import date
>>> from salescore.money import Money
>>> history = PriceHistory()
>>> for day, amount in [(date(2026, 1, 10), "100.00"), (date(2026, 3, 1), "120.00")]:
...     history.put(PriceRecord(PriceTypeId("PURCHASE"), ProductId("CM-100"), day,
...                             Money(amount, "RUB")))
>>> history.as_of(date(2026, 2, 14)).price
Money('100.00', 'RUB')
>>> history.as_of(date(2026, 1, 9)) is None
True
>>> [r.effective.isoformat() for r in history.records]
['2026-01-10', '2026-03-01']
"""

from __future__ import annotations

import bisect
from datetime import date

import attrs

from salescore.errors import InvalidInputError, NotFoundError
from salescore.money import Money
from salescore.parties import ProductId
from salescore.pricing.price_types import PriceType, PriceTypeId

__all__ = ["PriceHistory", "PriceRecord", "check_record", "no_such_record"]


@attrs.frozen
class PriceRecord:
    """One registered price.

    Attributes:
        price_type_id: the price type.
        product_id: the product.
        effective: the first date the price is in force.
        price: the price per unit, in the price type's currency.
        characteristic: an optional product characteristic (size, colour); a
            lookup for a characteristic without its own price falls back to the
            product's price.
    """

    price_type_id: PriceTypeId
    product_id: ProductId
    effective: date
    price: Money
    characteristic: str | None = attrs.field(default=None)

    @characteristic.validator
    def _check_characteristic(self, _attribute: object, value: str | None) -> None:
        if value is not None and not value.strip():
            raise InvalidInputError(
                "a characteristic must be a non-empty name, or None for the product's own price"
            )

    @property
    def key(self) -> tuple[PriceTypeId, ProductId, str | None]:
        """What a later record replaces: price type, product, characteristic."""
        return (self.price_type_id, self.product_id, self.characteristic)


def _effective(record: PriceRecord) -> date:
    return record.effective


@attrs.define
class PriceHistory:
    """The records of one key, oldest first; the building block of the memory register."""

    records: list[PriceRecord] = attrs.field(factory=list)

    def _find(self, effective: date) -> int | None:
        """The index of the record of ``effective``, or None if there is none."""
        i = bisect.bisect_left(self.records, effective, key=_effective)
        return i if i < len(self.records) and self.records[i].effective == effective else None

    def put(self, record: PriceRecord) -> PriceRecord | None:
        """Add ``record``; returns the record of the same date it replaced, if any."""
        i = self._find(record.effective)
        if i is not None:
            replaced = self.records[i]
            self.records[i] = record
            return replaced
        bisect.insort_right(self.records, record, key=_effective)
        return None

    def drop(self, effective: date) -> PriceRecord | None:
        """Remove the record of ``effective``; returns it, or None if there is none."""
        i = self._find(effective)
        return None if i is None else self.records.pop(i)

    def as_of(self, on: date) -> PriceRecord | None:
        """The record in force on ``on``: the latest one not after it."""
        i = bisect.bisect_right(self.records, on, key=_effective)
        return self.records[i - 1] if i else None


def check_record(record: PriceRecord, price_type: PriceType) -> None:
    """Refuse a record that ``price_type`` cannot hold.

    Raises:
        InvalidInputError: the type is calculated (its prices come from a
            formula), the price is in another currency, or it is negative.
    """
    if record.price_type_id != price_type.id:
        raise InvalidInputError(
            f"price record of {record.price_type_id!r} checked against price type {price_type.id!r}"
        )
    if price_type.is_calculated:
        raise InvalidInputError(
            f"price type {price_type.name!r} is calculated by a formula; register prices "
            "for a base price type instead",
            price_type=price_type.id,
        )
    if record.price.currency != price_type.currency:
        raise InvalidInputError(
            f"price type {price_type.name!r} is in {price_type.currency.code}, the price "
            f"{record.price} is not: convert it first",
            price_type=price_type.id,
        )
    if record.price.is_negative():
        raise InvalidInputError(
            f"price type {price_type.name!r}: the price {record.price} of product "
            f"{record.product_id!r} is negative; a price is zero or more (a discount or a "
            "markup is a discount rule)",
            price_type=price_type.id,
            product=record.product_id,
        )


def no_such_record(
    price_type_id: PriceTypeId,
    product_id: ProductId,
    effective: date,
    characteristic: str | None = None,
) -> NotFoundError:
    """The error every price register raises when asked to remove a record it does not have."""
    what = f" ({characteristic})" if characteristic is not None else ""
    return NotFoundError(
        f"price register: no price of {price_type_id!r} for {product_id!r}{what} effective "
        f"{effective.isoformat()}",
        id=(price_type_id, product_id, characteristic, effective),
    )
