"""Pricing use cases: save price types and prices with checks, load a pricing snapshot.

These are the only places that read pricing data from storage; the pricing
context itself does no I/O. A snapshot is loaded once per date and then
prices any number of products without touching storage.

>>> from datetime import date
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.money import Money
>>> from salescore.parties import Product, ProductId
>>> from salescore.pricing import PriceRecord, PriceType, PriceTypeId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     uow.products.add(Product(ProductId("CM-100"), "Coffee maker"))
...     save_price_type(uow, PriceType(PriceTypeId("BASE"), "Base", "RUB"))
...     save_price_type(uow, PriceType(PriceTypeId("SALE"), "Sale", "RUB", formula="[Base] * 2"))
...     register_price(uow, PriceRecord(PriceTypeId("BASE"), ProductId("CM-100"),
...                                     date(2026, 1, 1), Money("10.00", "RUB")))
...     uow.commit()
>>> with store.unit_of_work() as uow:
...     snapshot = load_snapshot(uow, date(2026, 2, 1))
>>> snapshot.prices(PriceTypeId("SALE"))
{'CM-100': Money('20.00', 'RUB')}
>>> with store.unit_of_work() as uow:
...     save_price_type(uow, PriceType(PriceTypeId("BAD"), "Bad", "RUB", formula="[Nope] + 1"))
Traceback (most recent call last):
...
salescore.errors.FormulaNameError: price type 'Bad' (default formula): formula '[Nope] + 1': ...
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.errors import InvalidInputError
from salescore.parties import PartnerId, PartnerKind, Product, ProductId
from salescore.pricing import (
    CompiledPriceTypes,
    FunctionRegistry,
    PriceRecord,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
    check_record,
    parse,
)
from salescore.tax import VatRateTable

__all__ = [
    "load_snapshot",
    "partner_kinds_of",
    "reached_price_types",
    "register_price",
    "save_price_type",
]


@functools.lru_cache(maxsize=1024)
def _references(formula: str) -> tuple[str, ...]:
    """The price type names ``formula`` refers to (parsed once per text)."""
    return parse(formula).references


def reached_price_types(
    types: Iterable[PriceType], roots: Iterable[PriceTypeId]
) -> frozenset[PriceTypeId]:
    """``roots`` and every price type their formulas (default and per price group) reach.

    A formula names price types by name; a name no type bears is left for the
    snapshot to refuse.
    """
    by_name = {t.name: t for t in types}
    by_id = {t.id: t for t in by_name.values()}
    found: set[PriceTypeId] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        price_type = by_id.get(current)
        if price_type is None:
            continue
        for text in (price_type.formula, *price_type.group_formulas.values()):
            if text is not None:
                todo += [by_name[n].id for n in _references(text) if n in by_name]
    return frozenset(found)


def save_price_type(uow: Repositories, price_type: PriceType) -> None:
    """Save (add or replace) ``price_type`` after checking every formula with the others.

    Raises:
        FormulaError (and subclasses): a formula does not parse, names an unknown
            price type or function, or closes a cycle; nothing is saved.
        InvalidInputError: another price type has the same name.
    """
    others = [t for t in uow.price_types.all() if t.id != price_type.id]
    PricingSnapshot.build([*others, price_type], date.min)
    uow.price_types.save(price_type)


def register_price(uow: Repositories, record: PriceRecord) -> None:
    """Register a price after checking it fits its price type.

    Raises:
        NotFoundError: the price type or the product does not exist.
        InvalidInputError: the type is calculated, the currency differs, or the
            price is negative.
    """
    check_record(record, uow.price_types.get(record.price_type_id))
    uow.products.get(record.product_id)
    uow.price_register.register(record)


def partner_kinds_of(
    uow: Repositories, price_types: Iterable[PriceType]
) -> dict[PartnerId, frozenset[PartnerKind]]:
    """The kinds of the partners that partner price types name (none for one not stored)."""
    kinds: dict[PartnerId, frozenset[PartnerKind]] = {}
    for price_type in price_types:
        if price_type.partner_id is not None:
            partner = uow.partners.find(price_type.partner_id)
            kinds[price_type.partner_id] = partner.kinds if partner is not None else frozenset()
    return kinds


def load_snapshot(
    uow: Repositories,
    on: date,
    *,
    product_ids: Iterable[ProductId] | None = None,
    params: Mapping[str, Decimal] | None = None,
    functions: FunctionRegistry | None = None,
    price_type_ids: Iterable[PriceTypeId] | None = None,
    vat_rates: VatRateTable | None = None,
    price_types: Sequence[PriceType] | None = None,
    products: Sequence[Product] | None = None,
    partner_kinds: Mapping[PartnerId, frozenset[PartnerKind]] | None = None,
    compiled: CompiledPriceTypes | None = None,
) -> PricingSnapshot:
    """Load everything needed to price on ``on`` and compile it.

    Args:
        on: the pricing date.
        product_ids: the products to load (all by default); only their
            registered and partner prices are read.
        params: values of formula parameters (``quantity``, ``currency_rate``).
        functions: the formula functions (the built-ins by default).
        price_type_ids: the price types to price with (all by default): only
            the registered prices of these and of the types their formulas
            reach are read.
        vat_rates: the VAT table for formulas that add or take out VAT (the
            Russian table by default).
        price_types, products, partner_kinds: what was read already (a pricing
            session's, under the store's current reference revision): every
            price type, the products of ``product_ids`` (those not stored left
            out) and the kinds of the partners that partner price types name.
            Each not given is read.
        compiled: every price type compiled already (a session's, see
            :class:`~salescore.pricing.CompiledPriceTypes`): the snapshot is
            built from it, nothing is compiled. Give it instead of
            ``price_types``, ``functions`` and ``params``.

    Raises:
        InvalidInputError: ``compiled`` is given with ``price_types``,
            ``functions`` or ``params``.
    """
    if compiled is not None:
        if price_types is not None or functions is not None or params is not None:
            raise InvalidInputError(
                "load_snapshot: compiled price types carry the price types, functions "
                "and parameters; give either compiled or those"
            )
        types = list(compiled.types.values())
    else:
        types = uow.price_types.all() if price_types is None else list(price_types)
    reached = None if price_type_ids is None else reached_price_types(types, price_type_ids)
    registered = [
        t.id for t in types if not t.is_calculated and (reached is None or t.id in reached)
    ]
    partner_types = [t for t in types if t.partner_id is not None]
    if product_ids is None:
        catalogue = uow.products.all()
        wanted = None
    else:
        if products is None:
            catalogue = [uow.products.get(pid) for pid in product_ids]
        else:
            given = {p.id: p for p in products}
            catalogue = [given.get(pid) or uow.products.get(pid) for pid in product_ids]
        wanted = [p.id for p in catalogue]  # only their prices: not the whole register
    kinds = partner_kinds_of(uow, types) if partner_kinds is None else partner_kinds
    return PricingSnapshot.build(
        types if compiled is None else compiled,
        on,
        records=uow.price_register.prices_as_of(registered, on, wanted),
        products=catalogue,
        market_records=uow.price_register.records_between(
            [t.id for t in partner_types], date.min, on, wanted
        ),
        partner_kinds=kinds,
        functions=functions,
        params=params,
        vat_rates=vat_rates,
    )
