"""Retail outlets [розничные точки] (G1): a store warehouse with its own prices,
discounts, equipment and way of recording sales.

An :class:`Outlet` is a store warehouse [склад-магазин] with its retail price
type [розничный вид цен магазина], the automatic discounts that apply there
(its discount scope), the workplaces with the devices that serve them (its
equipment set [подключаемое оборудование]) and its mode:

* :attr:`OutletMode.AUTOMATED`: cashiers sell at workplaces with a fiscal
  register; every receipt is recorded as it is made;
* :attr:`OutletMode.OFFLINE`: a cash register offline [ККМ offline] sells on
  its own from a product table uploaded to it; its sales are loaded back;
* :attr:`OutletMode.NON_AUTOMATED`: no register talks to salescore; the sales
  come from a report entered by hand or from two inventories.

>>> from salescore.parties import WarehouseId
>>> from salescore.pricing import PriceTypeId
>>> shop = Outlet(OutletId("SHOP-1"), "Shop on Lenina", WarehouseId("STORE-1"),
...               PriceTypeId("RETAIL"),
...               workplaces=(Workplace("POS-1", register="tcp://10.0.0.5:7778"),))
>>> shop.workplace("POS-1").register
'tcp://10.0.0.5:7778'
>>> shop.workplace("POS-9")
Traceback (most recent call last):
...
salescore.errors.RetailError: outlet 'SHOP-1' has no workplace 'POS-9'; its workplaces: POS-1
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, NewType

import attrs

from salescore.errors import RetailError
from salescore.parties import WarehouseId
from salescore.pricing import PriceTypeId

__all__ = ["Outlet", "OutletId", "OutletMode", "Workplace"]

OutletId = NewType("OutletId", str)


class OutletMode(enum.Enum):
    """How an outlet records its sales."""

    AUTOMATED = "automated"
    """Workplaces with fiscal registers: each receipt is recorded as it is made."""
    OFFLINE = "offline"
    """A cash register offline [ККМ offline]: a product table goes to it, its sales come back."""
    NON_AUTOMATED = "non_automated"
    """No register: a report entered by hand, or sales derived from two inventories."""


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value:
        raise RetailError(f"{type(instance).__name__} needs a non-empty {attribute.name}")


@attrs.frozen
class Workplace:
    """A cashier's workplace [рабочее место кассира] and its equipment set.

    Attributes:
        id: the workplace's id, unique within its outlet.
        register: the fiscal register's URL (see
            :func:`salescore.hardware.connect_fiscal`); empty for none.
        scale, scanner, display, printer: the other devices' URLs or names
            (empty for none): the equipment set of this workplace.
    """

    id: str = attrs.field(validator=_non_empty)
    register: str = ""
    scale: str = ""
    scanner: str = ""
    display: str = ""
    printer: str = ""


def _scope(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen
class Outlet:
    """A retail outlet: a store warehouse selling at its own retail prices.

    Attributes:
        id: the outlet's id.
        name: what people call it.
        warehouse_id: the store warehouse its goods are sold from.
        price_type_id: its retail price type; the price type must include VAT.
        mode: how it records its sales.
        discount_scope: the ids of the discount rules and groups that apply
            automatically at this outlet (``None``: every rule of the rule set).
        workplaces: its cashiers' workplaces with their devices.
        currency: the currency it sells in.
    """

    id: OutletId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    warehouse_id: WarehouseId = attrs.field(validator=_non_empty)
    price_type_id: PriceTypeId = attrs.field(validator=_non_empty)
    mode: OutletMode = OutletMode.AUTOMATED
    discount_scope: frozenset[str] | None = attrs.field(default=None, converter=_scope)
    workplaces: tuple[Workplace, ...] = attrs.field(default=(), converter=tuple[Workplace, ...])
    currency: str = "RUB"

    def __attrs_post_init__(self) -> None:
        ids = [w.id for w in self.workplaces]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise RetailError(
                f"outlet {self.id!r} lists workplace {', '.join(twice)} twice; "
                "give each its own id",
                outlet=self.id,
            )
        if self.mode is not OutletMode.AUTOMATED and self.workplaces:
            raise RetailError(
                f"outlet {self.id!r} is {self.mode.value}: it has no cashiers' workplaces "
                "(only an automated outlet sells at workplaces)",
                outlet=self.id,
            )

    def workplace(self, workplace_id: str) -> Workplace:
        """The workplace ``workplace_id``.

        Raises:
            RetailError: the outlet has no such workplace.
        """
        for workplace in self.workplaces:
            if workplace.id == workplace_id:
                return workplace
        known = ", ".join(w.id for w in self.workplaces) or "none"
        raise RetailError(
            f"outlet {self.id!r} has no workplace {workplace_id!r}; its workplaces: {known}",
            outlet=self.id,
            workplace=workplace_id,
        )
