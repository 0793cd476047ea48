"""The sale pricer: agreement → price type → unit prices → discounts → deviations.

One sale is priced in five steps, each by its own context:

1. **agreements**: the terms that apply to the client on the sale date
   (:meth:`~salescore.agreements.AgreementBook.resolve_many`: for each line,
   because an agreement may cover only a nomenclature segment, but resolved
   once per group of lines the same agreements cover);
2. the **price type** those terms name;
3. **pricing**: the unit price of each product under that price type from a
   :class:`~salescore.pricing.PricingSnapshot` (formula chains included);
4. **discounts**: a :class:`~salescore.discounts.SaleContext` built from the
   terms (discount scope, manual-discount limits and their refinements per
   price group) and the sale (payment form, warehouse, card), applied by the
   compiled :class:`~salescore.discounts.DiscountEngine`;
5. the **deviations** of the sale from its terms
   (:func:`~salescore.agreements.check_sale`).

Deviations are one concept at this boundary: a manual discount above its
limit, found by the discount engine, is turned into the same
:class:`salescore.agreements.Deviation` (kind ``discount_above_limit``) that
:func:`~salescore.agreements.check_sale` returns for a price below the
reference or another warehouse, so the approval process
(:func:`salescore.app.agreements.start_sale_approval`) takes them all.

:class:`SalePricer` works in memory on what it is given and reads no
storage; :mod:`salescore.app.sales` loads it from a store (only what the
orders touch) and prices with it.

>>> from datetime import date, datetime
>>> from decimal import Decimal
>>> from salescore.agreements import Agreement, AgreementBook, AgreementId, AgreementStatus, Terms
>>> from salescore.money import Money
>>> from salescore.parties import Partner, PartnerId, Product, ProductId
>>> from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot
>>> base = PriceType(PriceTypeId("BASE"), "Base", "RUB")
>>> kettle = Product(ProductId("K-1"), "Kettle")
>>> snapshot = PricingSnapshot.build([base], date(2026, 3, 1), products=[kettle],
...     records=[PriceRecord(base.id, kettle.id, date(2026, 1, 1), Money("1500.00", "RUB"))])
>>> terms = Agreement.typical(AgreementId("TA"), "Everyone", valid_from=date(2026, 1, 1),
...     status=AgreementStatus.ACTIVE, terms=Terms(price_type_id=base.id))
>>> pricer = SalePricer(partners={PartnerId("P"): Partner(PartnerId("P"), "Client")},
...     products={kettle.id: kettle}, book=AgreementBook([terms]),
...     snapshot_for=lambda on: snapshot)
>>> sale = SaleOrder("S-1", PartnerId("P"), datetime(2026, 3, 1, 12),
...                  [SaleOrderLine("1", kettle.id, Decimal(2))])
>>> priced = pricer.price(sale)
>>> str(priced.lines[0].unit_price), str(priced.net), priced.lines[0].agreement_id
('1500.00 RUB', '3000.00 RUB', 'TA')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from salescore.agreements import (
    DEFAULT_SEVERITIES,
    AgreementBook,
    AgreementId,
    Deviation,
    DeviationKind,
    PaymentForm,
    ProposedLine,
    ProposedSale,
    ResolvedTerms,
    Severity,
    check_sale,
)
from salescore.agreements.model import check_sale_payment_form
from salescore.discounts import (
    Combination,
    DiscountEngine,
    DiscountGroup,
    DiscountRuleSet,
    DocumentResult,
    GiftLine,
    GroupId,
    LimitExcess,
    LineDiscount,
    SaleContext,
    SaleLine,
)
from salescore.errors import AgreementError, InvalidInputError, NotFoundError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, Rounding
from salescore.parties import (
    ClientSegment,
    NomenclatureSegment,
    Partner,
    PartnerId,
    Product,
    ProductId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing import PriceTypeId, PricingSnapshot
from salescore.records import Record

__all__ = [
    "RESOLUTION_CACHE_SIZE",
    "SNAPSHOT_CACHE_SIZE",
    "LineEvidence",
    "PriceEvidence",
    "PricedLine",
    "PricedOrder",
    "SaleOrder",
    "SaleOrderLine",
    "SalePricer",
    "deviation_of_limit_excess",
]

_HUNDRED = Decimal(100)
SNAPSHOT_CACHE_SIZE = 64
"""How many pricing snapshots a :class:`SalePricer` keeps by default (one per date)."""
RESOLUTION_CACHE_SIZE = 4096
"""How many (client, date, named agreement) agreement resolutions a :class:`SalePricer` keeps."""


def _manual(value: Mapping[str, Any]) -> Mapping[str, Decimal | None]:
    return {str(k): None if v is None else Decimal(v) for k, v in value.items()}


@attrs.frozen
class SaleOrderLine:
    """One line of an order to price.

    Attributes:
        line_id: the line's id in the order (``"1"``, ``"2"`` …).
        product_id: the product.
        quantity: how much, in the product's unit.
        manual_discounts: manual discounts the manager chose: rule id -> a
            typed value, or None for the rule's own value.
        price: a unit price set by hand instead of the price type's; a price
            below the price type's is a deviation.
    """

    line_id: str
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=Decimal)
    manual_discounts: Mapping[str, Decimal | None] = attrs.field(
        factory=dict, converter=_manual, hash=False
    )
    price: Money | None = None


def _lines(value: Iterable[SaleOrderLine]) -> tuple[SaleOrderLine, ...]:
    return tuple(value)


@attrs.frozen
class SaleOrder:
    """An order to price [заказ клиента]: who, when, where, how, and what.

    Attributes:
        id: the order's number.
        partner_id: the client.
        moment: the moment of sale; its date picks the agreement and the prices.
        lines: the lines.
        agreement_id: the agreement the order names; resolved when None.
        warehouse_id: the selling warehouse or store; the agreement's when None.
        card_kind: the kind of loyalty card shown, if any.
        payment_form: ``cash``, ``noncash`` or ``card`` (a
            :class:`~salescore.agreements.PaymentForm` value): what discount
            conditions compare and what is checked against the agreement.
        user: the manager entering the order (for manual-discount limits).
        manual_discounts: manual discounts chosen for the whole document.
    """

    id: str
    partner_id: PartnerId
    moment: datetime
    lines: tuple[SaleOrderLine, ...] = attrs.field(converter=_lines)
    agreement_id: AgreementId | None = None
    warehouse_id: WarehouseId | None = None
    card_kind: str | None = None
    payment_form: str | None = attrs.field(default=None, validator=check_sale_payment_form)
    user: str | None = None
    manual_discounts: Mapping[str, Decimal | None] = attrs.field(
        factory=dict, converter=_manual, hash=False
    )

    @property
    def on(self) -> date:
        """The date of the order."""
        return self.moment.date()


class PriceEvidence:
    """What a priced line's price explanation is built from.

    In the process that priced the line it refers to the day's pricing
    snapshot and builds the explanation when asked; pickled, it carries the
    built explanation and the price type's name instead (a snapshot is not
    sent along with every line). Not compared: two priced lines are equal
    when their figures are.
    """

    __slots__ = ("_explanation", "_name", "_snapshot", "price_type_id", "product_id")

    def __init__(
        self, snapshot: PricingSnapshot, product_id: ProductId, price_type_id: PriceTypeId
    ) -> None:
        self._snapshot: PricingSnapshot | None = snapshot
        self.product_id = product_id
        self.price_type_id = price_type_id
        self._explanation: Explanation | None = None
        self._name: str | None = None

    @property
    def price_type_name(self) -> str:
        """The price type's name."""
        if self._name is None:
            assert self._snapshot is not None
            self._name = self._snapshot.price_type(self.price_type_id).name
        return self._name

    def explanation(self) -> Explanation:
        """How the unit price was obtained."""
        if self._explanation is None:
            assert self._snapshot is not None
            self._explanation = self._snapshot.explain(self.product_id, self.price_type_id)
        return self._explanation

    def __getstate__(self) -> tuple[ProductId, PriceTypeId, str, Explanation]:
        return self.product_id, self.price_type_id, self.price_type_name, self.explanation()

    def __setstate__(self, state: tuple[ProductId, PriceTypeId, str, Explanation]) -> None:
        self.product_id, self.price_type_id, self._name, self._explanation = state
        self._snapshot = None

    def __repr__(self) -> str:
        return f"PriceEvidence({self.product_id!r}, {self.price_type_id!r})"


@attrs.frozen(eq=False)
class LineEvidence:
    """What a priced line's explanation is built from: its texts, figures and evidence.

    The agreement's terms and the price are explanations already built (the
    price's when first asked for, from the day's snapshot); the discounts
    are the engine's result, which explains itself from the
    :class:`~salescore.discounts.DiscountEvidence` it carries. Kept by a
    frozen order line, so its explanation is built only when someone reads
    it, and stored as data (:mod:`salescore.adapters.codec`), so a stored
    order explains itself exactly as it did when priced, whatever the store
    holds by then. Compared by identity.

    Attributes:
        line_id, product_id, product_name, quantity: the line.
        agreement_id, agreement_title: the agreement and how it is named.
        terms: how the agreement's terms were resolved.
        price_type_id, price_type_name: the price type.
        price_type_source: which agreement set the price type.
        pricing: how the reference price was obtained (or its evidence).
        reference_price, unit_price: the prices.
        discount: the discount engine's result for the line.
    """

    line_id: str
    product_id: ProductId
    product_name: str
    quantity: Quantity
    agreement_id: AgreementId
    agreement_title: str
    terms: Explanation
    price_type_id: PriceTypeId
    price_type_name: str
    price_type_source: str
    pricing: PriceEvidence | Explanation
    reference_price: Money
    unit_price: Money
    discount: LineDiscount

    def pricing_explanation(self) -> Explanation:
        """How the reference price was obtained."""
        pricing = self.pricing
        return pricing if isinstance(pricing, Explanation) else pricing.explanation()

    def explain(self) -> Explanation:
        """Which agreement and why, the price and how, the discounts, the net amount."""
        name = self.price_type_name
        steps = [
            Step("agreement", self.agreement_id, self.agreement_title, self.terms),
            Step("price type", self.price_type_id, f"'{name}', {self.price_type_source}"),
        ]
        pricing = self.pricing_explanation()
        if self.unit_price == self.reference_price:
            steps.append(Step("unit price", str(self.unit_price), f"price type {name}", pricing))
        else:
            steps.append(
                Step("reference price", str(self.reference_price), f"price type {name}", pricing)
            )
            steps.append(Step("unit price", str(self.unit_price), "set by hand"))
        discount = self.discount
        steps.append(
            Step(
                "discounts",
                str(discount.discount),
                ", ".join(discount.rule_ids) or "none apply",
                discount.explain(),
            )
        )
        steps.append(Step("net amount", str(discount.net)))
        return Explanation(
            f"line {self.line_id}: {self.product_id} '{self.product_name}', {self.quantity}",
            tuple(steps),
        )


@attrs.frozen(repr=False)
class PricedLine:
    """A priced, discounted line with its agreement, its price and their explanations.

    A frozen value: it compares by its figures, pickles and converts with
    :func:`attrs.asdict`; it holds neither the pricer nor the discount engine.

    Attributes:
        line_id, product: the line and its product.
        quantity: the quantity sold.
        resolved: the agreement's terms that apply, with their sources.
        reference_price: the unit price of that price type.
        unit_price: the unit price charged (the reference, unless set by hand).
        discount: the discount engine's result for the line.
        pricing: what the price explanation is built from (not compared).
    """

    line_id: str
    product: Product
    quantity: Quantity
    resolved: ResolvedTerms
    reference_price: Money
    unit_price: Money
    discount: LineDiscount
    pricing: PriceEvidence | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def agreement_id(self) -> AgreementId:
        """The agreement the line is sold under."""
        return self.resolved.agreement.id

    @property
    def price_type_id(self) -> PriceTypeId:
        """The price type of the agreement's terms."""
        price_type = self.resolved.terms.price_type_id
        assert price_type is not None  # checked when the line was priced
        return price_type

    @property
    def gross(self) -> Money:
        """Quantity times unit price."""
        return self.discount.gross

    @property
    def discount_amount(self) -> Money:
        """The discount (a net markup is negative)."""
        return self.discount.discount

    @property
    def net(self) -> Money:
        """The line amount after discounts."""
        return self.discount.net

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The discounts that applied."""
        return self.discount.rule_ids

    def explain(self) -> Explanation:
        """Which agreement and why, the price and how, the discounts, the net amount."""
        return self.evidence().explain()

    def evidence(self) -> LineEvidence:
        """What :meth:`explain` is built from, as data (see :class:`LineEvidence`)."""
        chosen = self.resolved.agreement
        if self.pricing is None:
            raise InvalidInputError(
                f"priced line {self.line_id!r} carries no price evidence (built by hand, not "
                "by SalePricer.price): explanations need the line the pricer returned"
            )
        return LineEvidence(
            self.line_id,
            self.product.id,
            self.product.name,
            self.quantity,
            chosen.id,
            f"{chosen.label} '{chosen.name}'",
            self.resolved.explanation,
            self.price_type_id,
            self.pricing.price_type_name,
            self.resolved.source("price_type_id").describe(),
            self.pricing,
            self.reference_price,
            self.unit_price,
            self.discount,
        )

    def to_records(self) -> list[Record]:
        """One typed row: the line, its product, quantity and unit, agreement and price
        type, ``reference_price``, ``unit_price``, ``gross``, ``discount``, ``net``,
        ``currency`` and the applied ``rules`` (see :mod:`salescore.records`)."""
        return [
            {
                "line_id": self.line_id,
                "product_id": str(self.product.id),
                "quantity": self.quantity.value,
                "unit": self.quantity.unit.code,
                "agreement_id": str(self.agreement_id),
                "price_type_id": str(self.price_type_id),
                "reference_price": self.reference_price.amount,
                "unit_price": self.unit_price.amount,
                "gross": self.gross.amount,
                "discount": self.discount_amount.amount,
                "net": self.net.amount,
                "currency": self.net.currency.code,
                "rules": ", ".join(self.rule_ids),
            }
        ]

    def _repr_html_(self) -> str:
        return self.explain()._repr_html_()

    def __repr__(self) -> str:
        return (
            f"PricedLine({self.line_id!r}, {self.product.id!r}, agreement={self.agreement_id!r}, "
            f"price={self.unit_price}, discount={self.discount_amount}, net={self.net})"
        )


@attrs.frozen
class PricedOrder:
    """An order priced end to end: lines, gifts, deviations and totals.

    Attributes:
        order: the order as given.
        lines: one :class:`PricedLine` per order line, in order.
        gifts: gifts granted by gift discounts.
        deviations: every deviation from the terms, those of manual discounts
            above their limit included; the approval process takes them.
    """

    order: SaleOrder
    lines: tuple[PricedLine, ...]
    gifts: tuple[GiftLine, ...]
    deviations: tuple[Deviation, ...]

    @property
    def currency(self) -> Currency:
        """The currency of the order (of its first line)."""
        return self.lines[0].unit_price.currency

    def _sum(self, part: Callable[[PricedLine], Money]) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + part(line)
        return total

    @property
    def gross(self) -> Money:
        """The order amount before discounts."""
        return self._sum(lambda x: x.gross)

    @property
    def discount(self) -> Money:
        """The sum of line discounts."""
        return self._sum(lambda x: x.discount_amount)

    @property
    def net(self) -> Money:
        """The order amount after discounts."""
        return self._sum(lambda x: x.net)

    @property
    def needs_approval(self) -> bool:
        """True if a deviation waits for approval."""
        return any(d.severity is Severity.APPROVAL for d in self.deviations)

    @property
    def is_blocked(self) -> bool:
        """True if a deviation no approval can allow is present."""
        return any(d.severity is Severity.BLOCKING for d in self.deviations)

    def explain(self) -> Explanation:
        """Every line's explanation, then gifts, deviations and totals."""
        steps = [Step(f"line {x.line_id}", str(x.net), "", x.explain()) for x in self.lines]
        steps += [Step(f"gift: {g.reason}", f"{g.quantity} x {g.product_id}") for g in self.gifts]
        steps += [Step(f"deviation ({d.severity.value}): {d.message}") for d in self.deviations]
        steps.append(Step("amount before discounts", str(self.gross)))
        steps.append(Step("discounts", str(self.discount)))
        steps.append(Step("amount after discounts", str(self.net)))
        order = self.order
        return Explanation(
            f"order {order.id} of {order.partner_id} on {order.on.isoformat()}", tuple(steps)
        )

    def to_records(self) -> list[Record]:
        """One typed row per line (:meth:`PricedLine.to_records`) with the ``order_id``."""
        return [
            {"order_id": self.order.id, **record}
            for line in self.lines
            for record in line.to_records()
        ]

    def _repr_html_(self) -> str:
        return self.explain()._repr_html_()


def deviation_of_limit_excess(
    excess: LimitExcess,
    line: SaleLine,
    number: int,
    severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
) -> Deviation:
    """The agreements :class:`~salescore.agreements.Deviation` for a manual discount over its limit.

    The discount engine reports the excess in its own terms (line, percent,
    limit and where the limit comes from); this is the one place that turns
    it into a deviation the approval process takes. ``amount`` is what the
    discount gives above the limit.

    Args:
        excess: the discount engine's report.
        line: the discounted line.
        number: the 1-based line number in the order.
        severities: the severity per kind (``discount_above_limit``).
    """
    percent = Decimal(excess.figures["percent"])
    limit = Decimal(excess.figures["limit"])
    amount = Money.of(line.amount * (percent - limit) / _HUNDRED, line.currency, Rounding.HALF_UP)
    kind = DeviationKind.DISCOUNT_ABOVE_LIMIT
    return Deviation(
        kind,
        severities.get(kind, DEFAULT_SEVERITIES[kind]),
        excess.message,
        line=number,
        product_id=line.product.id,
        expected=f"{limit.normalize():f}%",
        actual=f"{percent}%",
        amount=amount,
    )


def _no_discounts() -> DiscountEngine:
    return DiscountEngine.compile(
        DiscountRuleSet((), [DiscountGroup(GroupId("ROOT"), "No discounts", Combination.MAX, [])])
    )


def _payment_form(value: str | None) -> PaymentForm | None:
    return None if value is None else PaymentForm.of_sale(value)


class SalePricer:
    """Prices orders in memory from a loaded catalogue, agreements, prices and rules.

    Everything is given once; :meth:`price` then reads no storage. Pricing
    snapshots are asked for by date (``snapshot_for``) and the most recently
    used ``snapshot_cache_size`` of them are kept (least recently used first
    out), so a long-running pricer fed orders of ever new dates holds a
    bounded number of snapshots. The segments of products and partners are
    remembered per product and partner of the catalogue given (bounded by it).
    The agreement that applies is resolved once per order (once per group
    of lines the same agreements cover) and remembered for the client, date
    and named agreement, the :data:`RESOLUTION_CACHE_SIZE` most recent of
    them: the book does not change, so the next order of that client that
    day reuses it (each line's explanation still names its product).

    Args:
        partners: the clients, by id.
        products: the products, by id.
        book: the agreements (with the segments they name).
        snapshot_for: the pricing snapshot of a date.
        engine: the compiled discount rules (None: no discounts).
        client_segments: for the discount conditions on client segments.
        nomenclature_segments: for the discount conditions on nomenclature segments.
        severities: the severity per deviation kind.
        snapshot_cache_size: how many pricing snapshots to keep (at least 1;
            :data:`SNAPSHOT_CACHE_SIZE` by default).
    """

    def __init__(
        self,
        *,
        partners: Mapping[PartnerId, Partner],
        products: Mapping[ProductId, Product],
        book: AgreementBook,
        snapshot_for: Callable[[date], PricingSnapshot],
        engine: DiscountEngine | None = None,
        client_segments: Iterable[ClientSegment] = (),
        nomenclature_segments: Iterable[NomenclatureSegment] = (),
        severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
        snapshot_cache_size: int = SNAPSHOT_CACHE_SIZE,
    ) -> None:
        if snapshot_cache_size < 1:
            raise InvalidInputError(
                f"snapshot_cache_size must be at least 1, got {snapshot_cache_size}",
                value=snapshot_cache_size,
            )
        self.partners = dict(partners)
        self.products = dict(products)
        self.book = book
        self.engine = engine if engine is not None else _no_discounts()
        self.severities = severities
        self._snapshot_for = snapshot_for
        self._snapshots: OrderedDict[date, PricingSnapshot] = OrderedDict()
        self._snapshot_cache_size = snapshot_cache_size
        self._snapshot_lock = threading.Lock()
        self._client_segments = tuple(client_segments)
        self._nomenclature_segments = tuple(nomenclature_segments)
        self._product_segments: dict[ProductId, frozenset[SegmentId]] = {}
        self._partner_segments: dict[PartnerId, frozenset[SegmentId]] = {}
        self._resolutions: OrderedDict[
            tuple[PartnerId, date, AgreementId | None], dict[tuple[SegmentId, ...], ResolvedTerms]
        ] = OrderedDict()

    def snapshot(self, on: date) -> PricingSnapshot:
        """The pricing snapshot of ``on`` (built or loaded when not among those kept)."""
        snapshots = self._snapshots
        with self._snapshot_lock:
            snapshot = snapshots.get(on)
            if snapshot is not None:
                snapshots.move_to_end(on)
                return snapshot
        snapshot = self._snapshot_for(on)  # outside the lock: it may read storage
        with self._snapshot_lock:
            snapshots[on] = snapshot
            snapshots.move_to_end(on)
            while len(snapshots) > self._snapshot_cache_size:
                snapshots.popitem(last=False)
        return snapshot

    def cached_snapshot_dates(self) -> list[date]:
        """The dates whose snapshots are kept, least recently used first."""
        with self._snapshot_lock:
            return list(self._snapshots)

    def cached_resolutions(self) -> list[tuple[PartnerId, date, AgreementId | None]]:
        """The (client, date, named agreement) resolutions kept, least recently used first."""
        with self._snapshot_lock:
            return list(self._resolutions)

    def _known_resolutions(
        self, partner_id: PartnerId, on: date, agreement_id: AgreementId | None
    ) -> dict[tuple[SegmentId, ...], ResolvedTerms]:
        """The agreement resolutions made for this client, day and named agreement."""
        key = (partner_id, on, agreement_id)
        kept = self._resolutions
        with self._snapshot_lock:
            known = kept.get(key)
            if known is None:
                known = kept[key] = {}
                while len(kept) > RESOLUTION_CACHE_SIZE:
                    kept.popitem(last=False)
            else:
                kept.move_to_end(key)
        return known

    def resolve_terms(
        self, partner: Partner, on: date, product: Product, agreement_id: AgreementId | None
    ) -> ResolvedTerms:
        """The terms for ``product`` sold to ``partner`` on ``on``, as pricing resolves them.

        The same value as the book's :meth:`~salescore.agreements.AgreementBook.resolve`
        of that query, reusing the resolutions this pricer has kept for the
        client, day and named agreement (confirming an order asks again for the
        terms its pricing resolved).
        """
        return self.book.resolve_many(
            partner,
            on,
            [product],
            agreement_id=agreement_id,
            known=self._known_resolutions(partner.id, on, agreement_id),
        )[0]

    def _partner(self, partner_id: PartnerId, order: SaleOrder) -> Partner:
        partner = self.partners.get(partner_id)
        if partner is None:
            raise NotFoundError(
                f"order {order.id!r}: client {partner_id!r} is not known; add the partner first",
                order=order.id,
                partner=partner_id,
            )
        return partner

    def _product(self, product_id: ProductId, order: SaleOrder, line_id: str) -> Product:
        product = self.products.get(product_id)
        if product is None:
            raise NotFoundError(
                f"order {order.id!r}, line {line_id}: product {product_id!r} is not in the "
                "catalogue",
                order=order.id,
                line=line_id,
                product=product_id,
            )
        return product

    def _segments_of_product(self, product: Product) -> frozenset[SegmentId]:
        found = self._product_segments.get(product.id)
        if found is None:
            found = frozenset(s.id for s in self._nomenclature_segments if s.contains(product))
            self._product_segments[product.id] = found
        return found

    def _segments_of_partner(self, partner: Partner) -> frozenset[SegmentId]:
        found = self._partner_segments.get(partner.id)
        if found is None:
            found = frozenset(s.id for s in self._client_segments if s.contains(partner))
            self._partner_segments[partner.id] = found
        return found

    def price_many(self, orders: Iterable[SaleOrder]) -> list[PricedOrder]:
        """Every order priced, in order."""
        return [self.price(order) for order in orders]

    def price(self, order: SaleOrder) -> PricedOrder:
        """Price ``order``: agreement, price type, unit prices, discounts, deviations.

        Raises:
            NotFoundError: the client or a product is unknown.
            AgreementError: no agreement (or two equally) applies to a line, or
                the agreement sets no price type.
            MissingPriceError: a product has no price of the agreement's price type.
            DiscountError: lines under one agreement are in different currencies.
        """
        if not order.lines:
            raise InvalidInputError(f"order {order.id!r} has no lines; add at least one")
        partner = self._partner(order.partner_id, order)
        snapshot = self.snapshot(order.on)
        products = [self._product(x.product_id, order, x.line_id) for x in order.lines]
        # One resolution per group of lines the same agreements cover (normally
        # one per order), each line's explanation still titled with its product.
        resolved = self.book.resolve_many(
            partner,
            order.on,
            products,
            agreement_id=order.agreement_id,
            known=self._known_resolutions(partner.id, order.on, order.agreement_id),
        )
        # Unit prices: one bulk call per price type.
        wanted: dict[PriceTypeId, list[ProductId]] = {}
        for line, terms in zip(order.lines, resolved, strict=True):
            price_type = terms.terms.price_type_id
            if price_type is None:
                raise AgreementError(
                    f"order {order.id!r}, line {line.line_id}: {terms.agreement.label} sets no "
                    "price type; set one in the agreement or its base",
                    agreement=terms.agreement.id,
                )
            wanted.setdefault(price_type, []).append(line.product_id)
        price_lists = {pt: snapshot.prices(pt, pids) for pt, pids in wanted.items()}
        references: list[Money] = []
        sale_lines: list[SaleLine] = []
        for line, product, terms in zip(order.lines, products, resolved, strict=True):
            price_type = terms.terms.price_type_id
            assert price_type is not None
            reference = price_lists[price_type].get(product.id)
            if reference is None:  # ask for the one price: its error says why
                reference = snapshot.price(product.id, price_type).amount
            references.append(reference)
            sale_lines.append(
                SaleLine(
                    line.line_id,
                    product,
                    Quantity(line.quantity, product.unit),
                    reference if line.price is None else line.price,
                    self._segments_of_product(product),
                    manual_discounts=line.manual_discounts,
                )
            )
        # One discount document per agreement (normally the whole order).
        groups: dict[AgreementId, list[int]] = {}
        for pos, terms in enumerate(resolved):
            groups.setdefault(terms.agreement.id, []).append(pos)
        line_results: list[LineDiscount | None] = [None] * len(sale_lines)
        gifts: list[GiftLine] = []
        deviations: list[Deviation] = []
        for positions in groups.values():
            terms = resolved[positions[0]]
            document = [sale_lines[p] for p in positions]
            result = self.engine.apply(document, self._context(order, partner, terms))
            for pos, item in zip(positions, result.lines, strict=True):
                line_results[pos] = item
            gifts.extend(result.gifts)
            deviations.extend(
                self._deviations(order, terms, positions, sale_lines, references, result)
            )
        deviations.sort(key=lambda d: (d.line is None, d.line or 0))
        priced = tuple(
            PricedLine(
                sale.line_id,
                sale.product,
                sale.quantity,
                terms,
                reference,
                sale.unit_price,
                item,
                PriceEvidence(snapshot, sale.product.id, terms.terms.price_type_id),  # type: ignore[arg-type]
            )
            for sale, terms, reference, item in zip(
                sale_lines, resolved, references, line_results, strict=True
            )
            if item is not None
        )
        return PricedOrder(order, priced, tuple(gifts), tuple(deviations))

    def _context(self, order: SaleOrder, partner: Partner, resolved: ResolvedTerms) -> SaleContext:
        terms = resolved.terms
        return SaleContext(
            moment=order.moment,
            partner_id=partner.id,
            client_segment_ids=self._segments_of_partner(partner),
            agreement_id=resolved.agreement.id,
            discount_scope=terms.discount_scope,
            manual_limit_percent=terms.manual_discount_limit_percent,
            manual_limit_by_price_group=dict(terms.manual_discount_limits_by_price_group or {}),
            card_kind=order.card_kind,
            warehouse_id=order.warehouse_id or terms.warehouse_id,
            payment_form=order.payment_form,
            user=order.user,
            manual_discounts=order.manual_discounts,
            manual_markup_limit_percent=terms.manual_markup_limit_percent,
            manual_markup_limit_by_price_group=dict(
                terms.manual_markup_limits_by_price_group or {}
            ),
        )

    def _deviations(
        self,
        order: SaleOrder,
        resolved: ResolvedTerms,
        positions: Sequence[int],
        sale_lines: Sequence[SaleLine],
        references: Sequence[Money],
        result: DocumentResult,
    ) -> list[Deviation]:
        # Manual discounts are left out of check_sale: the discount engine
        # checks them against every limit (the agreement's and the stored ones).
        proposed = ProposedSale(
            currency=sale_lines[positions[0]].currency,
            lines=tuple(
                ProposedLine(
                    sale_lines[p].product.id,
                    sale_lines[p].quantity.value,
                    sale_lines[p].unit_price,
                    references[p],
                    price_group_id=sale_lines[p].product.price_group_id,
                )
                for p in positions
            ),
            warehouse_id=order.warehouse_id,
            payment_form=_payment_form(order.payment_form),
        )
        found = []
        for deviation in check_sale(proposed, resolved.terms, self.severities):
            if deviation.line is not None:
                number = positions[deviation.line - 1] + 1
                deviation = attrs.evolve(
                    deviation,
                    line=number,
                    message=deviation.message.replace(
                        f"line {deviation.line} (", f"line {number} (", 1
                    ),
                )
            found.append(deviation)
        by_id = {sale_lines[p].line_id: p for p in positions}
        for excess in result.deviations:
            pos = by_id[excess.figures["line"]]
            found.append(
                deviation_of_limit_excess(excess, sale_lines[pos], pos + 1, self.severities)
            )
        return found
