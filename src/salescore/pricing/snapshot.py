"""The pricing snapshot: every price type compiled once, priced in bulk on a date.

:meth:`PricingSnapshot.build` takes the price types, the registered prices in
force on a date, the products and (for data functions) the partner prices,
all loaded beforehand. It parses, checks and compiles every formula, orders
the price types by their references and rejects a cycle, naming it. Pricing
then touches no storage: :meth:`~PricingSnapshot.amounts` computes one price
type for many products level by level through the chain, and every price can
explain itself afterwards (:meth:`~PricingSnapshot.explain`), computed lazily
with the reference interpreter.

>>> from datetime import date
>>> from decimal import Decimal
>>> from salescore.money import Money, Rounding
>>> from salescore.pricing.price_types import RoundingRule
>>> from salescore.parties import PriceGroupId, Product, ProductId
>>> purchase = PriceType(PriceTypeId("PURCHASE"), "Purchase", "RUB", vat_included=False)
>>> wholesale = PriceType(PriceTypeId("WHOLESALE"), "Wholesale", "RUB",
...                       formula="[Purchase] * 1.25")
>>> retail = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB", formula="[Wholesale] * 1.4",
...                    rounding=RoundingRule(Decimal(1), Rounding.CEILING, Decimal("0.99")))
>>> product = Product(ProductId("CM-100"), "Coffee maker")  # general VAT category
>>> snapshot = PricingSnapshot.build(
...     [purchase, wholesale, retail], date(2026, 2, 1), products=[product],
...     records=[PriceRecord(purchase.id, product.id, date(2026, 1, 10), Money(1000, "RUB"))])

Purchase excludes VAT and Wholesale includes it, so the purchase price gets the
VAT of the product's category in force on the snapshot date: 22 % general in 2026
(1000 × 1.22 = 1220.00; × 1.25 = 1525.00; × 1.4 = 2135.00, rounded up to 2135.99):

>>> snapshot.price(ProductId("CM-100"), PriceTypeId("RETAIL")).amount
Money('2135.99', 'RUB')
>>> print(snapshot.explain(ProductId("CM-100"), PriceTypeId("RETAIL")).as_text())
Retail price of CM-100 on 2026-02-01
  1. [Wholesale] = 1525.00 RUB  (price type Wholesale)
     Wholesale price of CM-100 on 2026-02-01
       1. [Purchase] = 1000.00 RUB  (price type Purchase)
          Purchase price of CM-100 on 2026-02-01
            1. registered price = 1000.00 RUB  (price register, effective 2026-01-10)
       2. [Purchase] with VAT 22% = 1220.00  (Purchase excludes VAT, Wholesale includes it)
       3. formula [Purchase] * 1.25 = 1525.00  (price type Wholesale, default formula)
       4. rounded half up to a step of 0.01 = 1525.00 RUB
  2. formula [Wholesale] * 1.4 = 2135.00  (price type Retail, default formula)
  3. rounded up to a step of 1 with the ending 0.99 = 2135.99 RUB

The same price list dated 2025-12-31 converts at the 20 % in force then
(1000 × 1.20 = 1200.00; × 1.25 = 1500.00; × 1.4 = 2100.00, rounded up to 2100.99):

>>> PricingSnapshot.build(
...     [purchase, wholesale, retail], date(2025, 12, 31), products=[product],
...     records=[PriceRecord(purchase.id, product.id, date(2025, 12, 10), Money(1000, "RUB"))],
... ).price(ProductId("CM-100"), PriceTypeId("RETAIL")).amount
Money('2100.99', 'RUB')

A cycle is refused when the snapshot is built:

>>> a = PriceType(PriceTypeId("A"), "A", "RUB", formula="[B] + 1")
>>> b = PriceType(PriceTypeId("B"), "B", "RUB", formula="[A] * 2")
>>> PricingSnapshot.build([a, b], date(2026, 1, 1))
Traceback (most recent call last):
...
salescore.errors.FormulaError: price types refer to each other in a cycle: [A] -> [B] -> [A]; ...
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from salescore.errors import (
    FormulaError,
    FormulaEvaluationError,
    InvalidInputError,
    MissingPriceError,
    NotFoundError,
    TaxError,
)
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money
from salescore.money._context import decimal_context
from salescore.parties import PartnerId, PartnerKind, PriceGroupId, Product, ProductId
from salescore.pricing.formula import ast
from salescore.pricing.formula.compile import (
    DEFAULT_PARAMS,
    CompiledFormula,
    FormulaSchema,
    compile_formula,
    evaluation_error,
)
from salescore.pricing.formula.evaluate import CallRecord, Environment, evaluate
from salescore.pricing.formula.functions import (
    FunctionContext,
    FunctionRegistry,
    MarketPrice,
)
from salescore.pricing.price_types import PriceType, PriceTypeId
from salescore.pricing.register import PriceRecord
from salescore.tax import VatCategory, VatRate, VatRateTable, russian_vat_rates

__all__ = ["PRICE_MEMO_SIZE", "CompiledPriceTypes", "Price", "PricingSnapshot"]

_HUNDRED = Decimal(100)
PRICE_MEMO_SIZE = 1 << 18
"""How many prices per price type a snapshot remembers (see :meth:`PricingSnapshot.prices`)."""


@attrs.frozen
class Price:
    """A price of a product under a price type on a date, able to explain itself.

    Attributes:
        product_id: the product.
        price_type_id: the price type.
        amount: the price per unit, in the price type's currency, rounded by its rule.
        on: the pricing date.
    """

    product_id: ProductId
    price_type_id: PriceTypeId
    amount: Money
    on: date
    _snapshot: PricingSnapshot = attrs.field(eq=False, repr=False, alias="snapshot")

    def explain(self) -> Explanation:
        """How this price was obtained (computed on demand)."""
        return self._snapshot.explain(self.product_id, self.price_type_id)


@attrs.frozen
class _Rule:
    """One compiled formula of one calculated type."""

    compiled: CompiledFormula
    source: str
    uses_data: bool
    # for each reference: (price type id, VAT conversion: 0 none, 1 add VAT, -1 remove VAT)
    refs: tuple[tuple[PriceTypeId, int], ...]


@attrs.frozen
class _Calculated:
    default: _Rule | None
    by_group: Mapping[PriceGroupId, _Rule]

    def rules(self) -> list[_Rule]:
        return [r for r in (self.default, *self.by_group.values()) if r is not None]

    def rule_for(self, group: PriceGroupId | None) -> _Rule | None:
        """The rule of ``group``, else the default (None: no price for the group)."""
        return self.default if group is None else self.by_group.get(group, self.default)


class _Market:
    """Partner prices per product, oldest first (the data functions' view)."""

    def __init__(self, prices: Mapping[str, Sequence[MarketPrice]]) -> None:
        self._prices = prices

    def market_prices(self, product_id: str) -> Sequence[MarketPrice]:
        return self._prices.get(product_id, ())


def _dependency_order(
    graph: Mapping[PriceTypeId, Sequence[PriceTypeId]],
) -> tuple[list[PriceTypeId], list[PriceTypeId] | None]:
    """Every node after the nodes it refers to, and the first cycle met (None if none).

    One depth-first walk: a node is finished (appended to the order) after its
    children; reaching a node still on the path closes a cycle.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    order: list[PriceTypeId] = []
    for root in sorted(graph):
        if colour[root] != white:
            continue
        path: list[PriceTypeId] = [root]
        iterators = [iter(graph[root])]
        colour[root] = grey
        while iterators:
            child = next(iterators[-1], None)
            if child is None:
                done = path.pop()
                colour[done] = black
                order.append(done)
                iterators.pop()
            elif colour[child] == grey:
                return order, [*path[path.index(child) :], child]
            elif colour[child] == white:
                colour[child] = grey
                path.append(child)
                iterators.append(iter(graph[child]))
    return order, None


@attrs.frozen(eq=False)
class CompiledPriceTypes:
    """Price types with their formulas compiled, ready to build snapshots from.

    What :meth:`PricingSnapshot.build` compiles on every call, done once: a
    long-lived pricing session keeps it while the stored price types do not
    change and builds each order's snapshot from it. Immutable; compared by
    identity.

    Attributes:
        types: every price type by id.
        order: the price types in dependency order (a type after those its
            formulas read).
        functions: the functions formulas may call.
        params: the values of the formula parameters.
    """

    types: Mapping[PriceTypeId, PriceType]
    order: Sequence[PriceTypeId]
    calculated: Mapping[PriceTypeId, _Calculated] = attrs.field(repr=False)
    functions: FunctionRegistry = attrs.field(repr=False)
    params: Mapping[str, Decimal]

    @classmethod
    def compile(
        cls,
        price_types: Iterable[PriceType],
        *,
        functions: FunctionRegistry | None = None,
        params: Mapping[str, Decimal] | None = None,
    ) -> CompiledPriceTypes:
        """Compile ``price_types`` (see :meth:`PricingSnapshot.build` for the arguments).

        Raises:
            InvalidInputError: two price types share a name.
            FormulaError (and subclasses): a formula does not parse or check, or the
                price types refer to each other in a cycle (the cycle is named).
        """
        registry = functions or FunctionRegistry.default()
        types: dict[PriceTypeId, PriceType] = {}
        by_name: dict[str, PriceType] = {}
        for price_type in price_types:
            other = by_name.get(price_type.name)
            if other is not None and other.id != price_type.id:
                raise InvalidInputError(
                    f"price types {other.id!r} and {price_type.id!r} are both named "
                    f"{price_type.name!r}: formulas could not tell them apart; rename one",
                    name=price_type.name,
                )
            types[price_type.id] = price_type
            by_name[price_type.name] = price_type
        given = {**DEFAULT_PARAMS, **(params or {})}
        schema = FormulaSchema(frozenset(by_name), frozenset(given), registry)

        calculated: dict[PriceTypeId, _Calculated] = {}
        graph: dict[PriceTypeId, list[PriceTypeId]] = {}
        for price_type in types.values():
            if not price_type.is_calculated:
                graph[price_type.id] = []
                continue

            def rule(text: str, source: str, owner: PriceType = price_type) -> _Rule:
                try:
                    compiled = compile_formula(text, schema)
                except FormulaError as exc:
                    raise type(exc)(
                        f"price type {owner.name!r} ({source}): {exc}", **exc.details
                    ) from exc
                refs = []
                for name in compiled.references:
                    ref = by_name[name]
                    vat = (
                        0
                        if ref.vat_included == owner.vat_included
                        else (1 if owner.vat_included else -1)
                    )
                    refs.append((ref.id, vat))
                uses_data = any(registry.get(c).uses_data for c in _calls(compiled))
                return _Rule(compiled, source, uses_data, tuple(refs))

            default = (
                rule(price_type.formula, "default formula")
                if price_type.formula is not None
                else None
            )
            by_group = {
                group: rule(text, f"formula for price group {group}")
                for group, text in sorted(price_type.group_formulas.items())
            }
            entry = _Calculated(default, by_group)
            calculated[price_type.id] = entry
            graph[price_type.id] = list(
                dict.fromkeys(ref for r in entry.rules() for ref, _ in r.refs)
            )
        order, cycle = _dependency_order(graph)
        if cycle is not None:
            names = " -> ".join(f"[{types[t].name}]" for t in cycle)
            raise FormulaError(
                f"price types refer to each other in a cycle: {names}; "
                "break it by registering one of them or changing a formula",
                cycle=tuple(cycle),
            )

        return cls(types, order, calculated, registry, given)


class PricingSnapshot:
    """Compiled price types and the data to price with, on one date. Immutable once built."""

    def __init__(
        self,
        on: date,
        types: Mapping[PriceTypeId, PriceType],
        order: Sequence[PriceTypeId],
        calculated: Mapping[PriceTypeId, _Calculated],
        base: Mapping[PriceTypeId, dict[ProductId, PriceRecord]],
        base_by_characteristic: Mapping[tuple[PriceTypeId, ProductId, str], PriceRecord],
        products: Mapping[ProductId, Product],
        vat_rates: VatRateTable,
        market: _Market,
        functions: FunctionRegistry,
        params: Mapping[str, Decimal],
    ) -> None:
        self.on = on
        self.types = types
        self.order = order
        self._calculated = calculated
        self._base = base
        self._base_by_characteristic = base_by_characteristic
        self._base_amounts = {
            type_id: {pid: r.price.amount for pid, r in records.items()}
            for type_id, records in base.items()
        }
        self._products = products
        self._group_of = {pid: p.price_group_id for pid, p in products.items()}
        # Each product's VAT percent on ``on``, from its category (None: without VAT,
        # converted by nothing). A category the table lacks on ``on`` is left out and
        # refused by _vat_percent_of only when a conversion needs it.
        self._vat_table = vat_rates
        rates: dict[VatCategory, VatRate | None] = {}
        for category in {p.vat_category for p in products.values()}:
            try:
                rates[category] = vat_rates.rate(category, on)
            except TaxError:
                rates[category] = None
        self._vat_rates = rates
        self._vat_percent: dict[ProductId, Decimal] = {}
        for pid, p in products.items():
            rate = rates[p.vat_category]
            if rate is not None:
                self._vat_percent[pid] = rate.percent or Decimal(0)
        with decimal.localcontext(decimal_context()):
            self._vat_factors = {pid: 1 + pct / _HUNDRED for pid, pct in self._vat_percent.items()}
        self._all_products = list(products)
        self._products_by_group: dict[PriceGroupId | None, list[ProductId]] = {}
        for pid, group in self._group_of.items():
            self._products_by_group.setdefault(group, []).append(pid)
        self._market = market
        self._functions = functions
        self._params = {**DEFAULT_PARAMS, **params}
        # Bulk prices depend only on (price type, product) in a snapshot: its date,
        # data and parameters are fixed. Order after order asks for the same
        # products, so each is computed once (None: the product has no price).
        self._money_memo: dict[PriceTypeId, dict[ProductId, Money | None]] = {}
        # Each price type's rounding function, made when first needed (a document's
        # lines share a few price types; tracing each line's price rounds once).
        self._rounders: dict[PriceTypeId, Callable[[Decimal], Decimal]] = {}

    # --- building ---------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        price_types: Iterable[PriceType] | CompiledPriceTypes,
        on: date,
        *,
        records: Iterable[PriceRecord] = (),
        products: Iterable[Product] = (),
        market_records: Iterable[PriceRecord] = (),
        partner_kinds: Mapping[PartnerId, frozenset[PartnerKind]] | None = None,
        functions: FunctionRegistry | None = None,
        params: Mapping[str, Decimal] | None = None,
        vat_rates: VatRateTable | None = None,
    ) -> PricingSnapshot:
        """Compile ``price_types`` and index the data for pricing on ``on``.

        Args:
            price_types: every price type formulas may refer to, or those
                compiled already (:class:`CompiledPriceTypes`, with their
                functions and parameters: then give neither ``functions`` nor
                ``params``).
            on: the pricing date.
            records: registered prices in force on ``on`` (later ones are ignored;
                of several for one key the latest counts).
            products: the products to price (price group, VAT category).
            market_records: prices of partner price types up to ``on``, for
                ``avg_purchase_price`` and ``min_market_price``.
            partner_kinds: each partner's kinds (supplier, competitor).
            functions: the functions formulas may call (the built-ins by default).
            params: values of context parameters (``quantity``, ``currency_rate``).
            vat_rates: the VAT table that turns each product's VAT category into
                the rate in force on ``on``: a formula reading a price type of the
                other VAT mode adds or takes out that rate (nothing for 0 % and
                without VAT), and ``vat_rate`` in a formula is its percent (the
                Russian table by default: 20 % general until 2025-12-31, 22 % from
                2026-01-01, 10 % reduced).

        Raises:
            InvalidInputError: two price types share a name, or compiled price
                types come with ``functions`` or ``params``.
            FormulaError (and subclasses): a formula does not parse or check, or the
                price types refer to each other in a cycle (the cycle is named).
        """
        if isinstance(price_types, CompiledPriceTypes):
            if functions is not None or params is not None:
                raise InvalidInputError(
                    "price types compiled already carry their functions and parameters: "
                    "compile them with these, or pass the price types themselves"
                )
            compiled: CompiledPriceTypes = price_types
        else:
            compiled = CompiledPriceTypes.compile(price_types, functions=functions, params=params)
        types = compiled.types

        base: dict[PriceTypeId, dict[ProductId, PriceRecord]] = {t: {} for t in types}
        by_characteristic: dict[tuple[PriceTypeId, ProductId, str], PriceRecord] = {}
        for record in records:
            if record.effective > on or record.price_type_id not in types:
                continue
            if record.characteristic is None:
                table = base[record.price_type_id]
                known = table.get(record.product_id)
                if known is None or known.effective <= record.effective:
                    table[record.product_id] = record
            else:
                key = (record.price_type_id, record.product_id, record.characteristic)
                known = by_characteristic.get(key)
                if known is None or known.effective <= record.effective:
                    by_characteristic[key] = record

        kinds = partner_kinds or {}
        market: dict[str, list[MarketPrice]] = {}
        for record in sorted(market_records, key=lambda r: r.effective):
            owner = types.get(record.price_type_id)
            if owner is None or owner.partner_id is None or record.effective > on:
                continue
            partner_kinds_of = kinds.get(owner.partner_id, frozenset())
            is_supplier = PartnerKind.SUPPLIER in partner_kinds_of
            if not is_supplier and PartnerKind.COMPETITOR not in partner_kinds_of:
                continue
            market.setdefault(record.product_id, []).append(
                MarketPrice(
                    owner.partner_id,
                    is_supplier,
                    record.effective,
                    record.price.amount,
                    record.price.currency,
                    owner.vat_included,
                )
            )
        return cls(
            on,
            types,
            compiled.order,
            compiled.calculated,
            base,
            by_characteristic,
            {p.id: p for p in products},
            vat_rates or russian_vat_rates(),
            _Market(market),
            compiled.functions,
            compiled.params,
        )

    # --- lookups -------------------------------------------------------------------------

    def price_type(self, price_type_id: PriceTypeId) -> PriceType:
        """The price type ``price_type_id``; NotFoundError naming the known ones."""
        found = self.types.get(price_type_id)
        if found is None:
            raise NotFoundError(
                f"unknown price type {price_type_id!r}; known: {', '.join(sorted(self.types))}",
                id=price_type_id,
            )
        return found

    def product(self, product_id: ProductId) -> Product:
        """A loaded product; NotFoundError if it was not loaded into the snapshot."""
        found = self._products.get(product_id)
        if found is None:
            raise NotFoundError(
                f"product {product_id!r} was not loaded into the pricing snapshot", id=product_id
            )
        return found

    def _vat_rate_of(self, product: Product) -> VatRate:
        """The rate of the product's VAT category on the snapshot date.

        Raises:
            TaxError: the VAT table has no rate of that category on that date.
        """
        rate = self._vat_rates[product.vat_category]
        if rate is None:
            try:
                self._vat_table.rate(product.vat_category, self.on)
            except TaxError as exc:
                raise TaxError(
                    f"cannot add or take out the VAT of product {product.id!r}: {exc}",
                    product=product.id,
                    category=product.vat_category.value,
                    on=self.on,
                ) from exc
        assert rate is not None  # the table had no rate when the snapshot was built
        return rate

    def _vat_percent_of(self, product_id: ProductId) -> Decimal:
        """The product's VAT percent on the snapshot date (0 for 0 % and without VAT)."""
        percent = self._vat_percent.get(product_id)
        if percent is None:
            self._vat_rate_of(self._products[product_id])  # raises, naming the product
        assert percent is not None
        return percent

    def _vat_factor_of(self, product_id: ProductId) -> Decimal:
        """1 + percent / 100 of the product (1 for 0 % and without VAT)."""
        factor = self._vat_factors.get(product_id)
        if factor is None:
            self._vat_rate_of(self._products[product_id])  # raises, naming the product
        assert factor is not None
        return factor

    def _needed(self, type_id: PriceTypeId) -> list[PriceTypeId]:
        wanted = {type_id}
        for current in reversed(self.order):
            if current in wanted and current in self._calculated:
                for r in self._calculated[current].rules():
                    wanted.update(ref for ref, _ in r.refs)
        return [t for t in self.order if t in wanted]

    # --- bulk pricing ----------------------------------------------------------------------

    def amounts(
        self, price_type_id: PriceTypeId, product_ids: Iterable[ProductId] | None = None
    ) -> dict[ProductId, Decimal]:
        """Prices of ``price_type_id`` as Decimals, for ``product_ids`` (all loaded products).

        Products without a price (a missing registered price up the chain, no
        market data, no formula for their price group) are absent; ask
        :meth:`explain` why.

        Raises:
            FormulaEvaluationError: a formula failed (division by zero, a price below
                zero …), naming the formula and the product.
        """
        return self._compute(price_type_id, product_ids, as_money=False)

    def _compute(
        self, price_type_id: PriceTypeId, product_ids: Iterable[ProductId] | None, as_money: bool
    ) -> dict[ProductId, Any]:
        price_type = self.price_type(price_type_id)
        if product_ids is None:
            products = self._all_products
        else:
            products = list(product_ids)
            for pid in products:
                self.product(pid)
        values: dict[PriceTypeId, dict[ProductId, Any]] = {}
        with decimal.localcontext(decimal_context()):
            for type_id in self._needed(price_type_id):
                if type_id in self._calculated:
                    # The requested type becomes Money in the same loop: no second pass.
                    money = as_money and type_id == price_type_id
                    values[type_id] = self._calculate(type_id, products, values, money)
                else:
                    values[type_id] = self._base_amounts[type_id]
        result = values[price_type_id]
        if price_type_id in self._calculated:
            return result  # computed for exactly ``products``
        if as_money:
            currency = price_type.currency
            return {pid: _money(result[pid], currency) for pid in products if pid in result}
        return {pid: result[pid] for pid in products if pid in result}

    def _calculate(
        self,
        type_id: PriceTypeId,
        products: Sequence[ProductId],
        values: Mapping[PriceTypeId, dict[ProductId, Decimal]],
        as_money: bool = False,
    ) -> dict[ProductId, Any]:
        price_type = self.types[type_id]
        entry = self._calculated[type_id]
        # Group the products by the rule that prices them, then run one tight loop per rule.
        if not entry.by_group:
            groups: Mapping[PriceGroupId | None, list[ProductId]] = {None: list(products)}
        elif products is self._all_products:
            groups = self._products_by_group
        else:
            group_of = self._group_of
            collected: dict[PriceGroupId | None, list[ProductId]] = {}
            for pid in products:
                collected.setdefault(group_of[pid], []).append(pid)
            groups = collected
        batches: dict[int, tuple[_Rule, list[ProductId]]] = {}
        for group, pids in groups.items():
            rule = entry.rule_for(group)
            if rule is not None:
                known = batches.get(id(rule))
                batches[id(rule)] = (rule, pids if known is None else known[1] + pids)
        out: dict[ProductId, Decimal] = {}
        shared = FunctionContext(
            on=self.on,
            currency=price_type.currency,
            market=self._market,
            vat_included=price_type.vat_included,
        )
        rounder = self._rounder(price_type)
        if as_money:
            to_decimal_places, currency, exact = rounder, price_type.currency, Money._exact

            def rounder(value: Decimal) -> Any:
                # whole minor units with the currency's exponent: see _money()
                return exact(to_decimal_places(value), currency)

        for rule, pids in batches.values():
            self._run(rule, pids, values, rounder, shared, out)
        return out

    def _run(
        self,
        rule: _Rule,
        pids: list[ProductId],
        values: Mapping[PriceTypeId, dict[ProductId, Decimal]],
        rounder: Callable[[Decimal], Decimal],
        shared: FunctionContext,
        out: dict[ProductId, Decimal],
    ) -> None:
        compiled = rule.compiled
        function = compiled.function
        pid = ProductId("")
        try:
            if len(rule.refs) == 1 and not rule.uses_data and "vat_rate" not in compiled.params:
                # The common case (one reference, nothing per product): the fast path.
                ref_id, vat = rule.refs[0]
                source = values[ref_id]
                params = self._params_for(compiled, None)
                if not vat:
                    for pid in pids:
                        value = source.get(pid)
                        if value is not None:
                            out[pid] = rounder(function((value,), params, shared))
                    return
                factors = self._vat_factors
                for pid in pids:
                    value = source.get(pid)
                    if value is not None:
                        factor = factors.get(pid) or self._vat_factor_of(pid)
                        value = value * factor if vat > 0 else value / factor
                        out[pid] = rounder(function((value,), params, shared))
                return
            catalogue = self._products
            for pid in pids:
                product = catalogue[pid]
                refs: list[Decimal] = []
                for ref_id, vat in rule.refs:
                    value = values[ref_id].get(pid)
                    if value is None:
                        break
                    if vat:
                        factor = self._vat_factor_of(pid)
                        value = value * factor if vat > 0 else value / factor
                    refs.append(value)
                else:
                    ctx = (
                        attrs.evolve(
                            shared,
                            product_id=pid,
                            formula=compiled.text,
                            vat_rate=self._vat_percent_of(pid),
                        )
                        if rule.uses_data
                        else shared
                    )
                    try:
                        out[pid] = rounder(function(refs, self._params_for(compiled, product), ctx))
                    except MissingPriceError:
                        continue
        except (ArithmeticError, FormulaError) as exc:
            raise evaluation_error(exc, compiled.text, pid) from exc

    def _params_for(
        self, compiled: CompiledFormula, product: Product | None
    ) -> tuple[Decimal, ...]:
        given = self._params
        return tuple(
            self._vat_percent_of(product.id)
            if name == "vat_rate" and product is not None
            else given[name]
            for name in compiled.params
        )

    def prices(
        self, price_type_id: PriceTypeId, product_ids: Iterable[ProductId] | None = None
    ) -> dict[ProductId, Money]:
        """Like :meth:`amounts`, as :class:`~salescore.money.Money` in the type's currency.

        The bulk path: no explanation is built; ask :meth:`explain` for any of them.
        Prices of named products are remembered in the snapshot, so pricing order
        after order computes each product's price once; at most
        :data:`PRICE_MEMO_SIZE` per price type (a full memo is emptied and fills
        again), so asking for ever new product ids never grows it without end.
        """
        if product_ids is None:
            return self._compute(price_type_id, None, as_money=True)
        wanted = list(product_ids)
        memo = self._money_memo.setdefault(price_type_id, {})
        missing = [pid for pid in wanted if pid not in memo]
        if missing:
            if len(memo) + len(missing) > PRICE_MEMO_SIZE:
                memo.clear()  # bounded: ids asked for beyond any catalogue start it afresh
                missing = list(dict.fromkeys(wanted))
            computed = self._compute(price_type_id, missing, as_money=True)
            for pid in missing:
                memo[pid] = computed.get(pid)
        found: dict[ProductId, Money] = {}
        for pid in wanted:
            money = memo[pid]
            if money is not None:
                found[pid] = money
        return found

    def price(
        self,
        product_id: ProductId,
        price_type_id: PriceTypeId,
        characteristic: str | None = None,
    ) -> Price:
        """One price (a characteristic's own registered prices count when given).

        Raises:
            MissingPriceError: the product has no price of this type; the message says why.
            FormulaEvaluationError: a formula failed for this product.
        """
        amount, _ = self._trace(product_id, price_type_id, characteristic)
        if amount is None:
            reason = self.explain(product_id, price_type_id, characteristic).steps[-1]
            raise MissingPriceError(
                f"no {self.types[price_type_id].name} price of product {product_id!r} on "
                f"{self.on.isoformat()}: {reason.description}",
                product=product_id,
                price_type=price_type_id,
            )
        currency = self.types[price_type_id].currency
        return Price(product_id, price_type_id, _money(amount, currency), self.on, self)

    def _rounder(self, price_type: PriceType) -> Callable[[Decimal], Decimal]:
        # A formula's result rounded to the type's step, refused below zero: the caller
        # names the formula and the product (evaluation_error).
        found = self._rounders.get(price_type.id)
        if found is None:
            to_step = price_type.rounder()

            def found(value: Decimal) -> Decimal:
                rounded = to_step(value)
                if rounded < 0:
                    raise FormulaEvaluationError(
                        f"the {price_type.name} price comes out at {rounded}, below zero; a "
                        "price is zero or more: bound the formula, as in max(..., 0), or check "
                        "the prices it reads"
                    )
                return rounded

            self._rounders[price_type.id] = found
        return found

    # --- explanations --------------------------------------------------------------------

    def explain(
        self,
        product_id: ProductId,
        price_type_id: PriceTypeId,
        characteristic: str | None = None,
    ) -> Explanation:
        """How the price of ``product_id`` under ``price_type_id`` is obtained, or why not."""
        _, explanation = self._trace(product_id, price_type_id, characteristic)
        return explanation

    def _trace(
        self, product_id: ProductId, type_id: PriceTypeId, characteristic: str | None
    ) -> tuple[Decimal | None, Explanation]:
        price_type = self.price_type(type_id)
        product = self.product(product_id)
        subject = f"{price_type.name} price of {product_id}"
        if characteristic is not None:
            subject += f" ({characteristic})"
        explanation = Explanation(f"{subject} on {self.on.isoformat()}")
        currency = price_type.currency
        if type_id not in self._calculated:
            record = None
            if characteristic is not None:
                record = self._base_by_characteristic.get((type_id, product_id, characteristic))
            record = record or self._base[type_id].get(product_id)
            if record is None:
                return None, explanation.add(
                    Step(
                        f"no registered {price_type.name} price in force on "
                        f"{self.on.isoformat()}: register one in the price register"
                    )
                )
            where = f"price register, effective {record.effective.isoformat()}"
            if record.characteristic is not None:
                where += f", characteristic {record.characteristic}"
            return record.price.amount, explanation.add(
                Step("registered price", str(record.price), source=where)
            )
        rule = self._calculated[type_id].rule_for(product.price_group_id)
        if rule is None:
            return None, explanation.add(
                Step(
                    f"price type {price_type.name} has no formula for price group "
                    f"{product.price_group_id or '(none)'} and no default formula"
                )
            )
        steps: list[Step] = []
        refs: dict[str, Decimal] = {}
        for name, (ref_id, vat) in zip(rule.compiled.references, rule.refs, strict=True):
            value, detail = self._trace(product_id, ref_id, characteristic)
            ref_currency = self.types[ref_id].currency
            if value is None:
                steps.append(Step(f"[{name}] has no price", detail=detail))
                return None, explanation.add(*steps, Step(f"no price: [{name}] has no price"))
            steps.append(
                Step(
                    f"[{name}]",
                    str(_money(value, ref_currency)),
                    source=f"price type {name}",
                    detail=detail,
                )
            )
            if vat:
                rate = self._vat_rate_of(product)
                if rate.percent:
                    with decimal.localcontext(decimal_context()):
                        factor = self._vat_factor_of(product_id)
                        value = value * factor if vat > 0 else value / factor
                    words = f"[{name}] {'with' if vat > 0 else 'without'} VAT {rate.label}"
                else:  # 0 % or without VAT: nothing to add or take out
                    words = f"[{name}] unchanged ({product.vat_category.value}: {rate.label})"
                if vat > 0:
                    why = f"{name} excludes VAT, {price_type.name} includes it"
                else:
                    why = f"{name} includes VAT, {price_type.name} excludes it"
                steps.append(Step(words, _plain(value), source=why))
            refs[name] = value
        params = dict(
            zip(rule.compiled.params, self._params_for(rule.compiled, product), strict=True)
        )
        calls: list[CallRecord] = []
        ctx = FunctionContext(
            product_id,
            self.on,
            currency,
            self._market,
            rule.compiled.text,
            price_type.vat_included,
            self._vat_percent_of(product_id) if rule.uses_data else Decimal(0),
        )
        env = Environment(refs, params, self._functions, ctx, calls)
        with decimal.localcontext(decimal_context()):
            try:
                raw = evaluate(rule.compiled.formula.tree, env)
                assert isinstance(raw, Decimal)  # the checker allows numbers only at the top
                rounded = self._rounder(price_type)(raw)
            except MissingPriceError as exc:
                return None, explanation.add(*steps, Step(f"no price: {exc}"))
            except (ArithmeticError, FormulaError) as exc:
                raise evaluation_error(exc, rule.compiled.text, product_id) from exc
        for call in calls:
            args = ", ".join(str(a) for a in call.args)
            describe = self._functions.get(call.name).describe
            if describe is None:
                source = "market data"
            else:
                with decimal.localcontext(decimal_context()):
                    source = describe(ctx, *call.args)
            steps.append(Step(f"{call.name}({args})", _plain(call.result), source=source))
        for name in rule.compiled.params:
            steps.append(Step(f"parameter {name}", _plain(params[name])))
        steps.append(
            Step(
                f"formula {rule.compiled.text}",
                _plain(raw),
                source=f"price type {price_type.name}, {rule.source}",
            )
        )
        steps.append(Step(price_type.rounding.describe(), str(_money(rounded, currency))))
        return rounded, explanation.add(*steps)


def _calls(compiled: CompiledFormula) -> list[str]:
    return [n.name for n in ast.nodes(compiled.formula.tree) if isinstance(n, ast.Call)]


def _plain(value: Decimal) -> str:
    """An intermediate figure for people: no trailing zeros past two decimals."""
    with decimal.localcontext(decimal_context()):
        short = value.normalize()
        if short.as_tuple().exponent > -2 and short.adjusted() < 30:  # type: ignore[operator]
            short = short.quantize(Decimal("0.01"))
    return format(short, "f")


def _money(amount: Decimal, currency: Currency) -> Money:
    # Amounts reaching here went through PriceType.rounder() or come from registered
    # Money: whole minor units with the currency's exponent by construction, so the
    # validating constructor (a third of the bulk pricing time) is skipped.
    return Money._exact(amount, currency)
