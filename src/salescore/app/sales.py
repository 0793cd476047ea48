"""Pricing use cases: load a :class:`~salescore.orders.SalePricer` from a store and price.

The pricer itself (agreement → price type → unit prices → discounts →
deviations) is the pure :mod:`salescore.orders.pricer`. Here it is loaded:
:class:`PricingSession` reads only what the orders touch (their clients,
products, those products' prices, the clients' agreements, the rules), so
the cost of an order does not grow with the catalogue; :func:`load_pricer`
loads the whole store once. :func:`price_orders` and :func:`price_order`
are the use cases.

>>> from datetime import datetime
>>> from decimal import Decimal
>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.demo.sample_agreements import load_sample_agreements
>>> from salescore.demo.sample_pricing import load_sample_prices
>>> from salescore.app.discount_rules import save_rule_set
>>> from salescore.demo.sample_discounts import sample_rule_set
>>> from salescore.orders import SaleOrder, SaleOrderLine
>>> from salescore.parties import PartnerId, ProductId
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_prices(uow)
...     load_sample_agreements(uow)
...     _ = save_rule_set(uow, sample_rule_set())
...     order = SaleOrder("SO-1", PartnerId("VOLGA-KZN"), datetime(2026, 3, 12, 11, 30),
...                       (SaleOrderLine("1", ProductId("CM-100"), Decimal(5)),))
...     priced = price_order(uow, order)
>>> line = priced.lines[0]
>>> line.agreement_id, line.price_type_id, str(line.unit_price), str(line.net)
('IA-VOLGA-KZN', 'WHOLESALE', '18300.00 RUB', '68149.20 RUB')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    DEFAULT_SEVERITIES,
    Agreement,
    AgreementBook,
    AgreementId,
    DeviationKind,
    ResolvedTerms,
    Severity,
    TermsQuery,
)
from salescore.agreements.loading import load_book
from salescore.app.discount_rules import load_rule_set
from salescore.app.pricing import load_snapshot, partner_kinds_of
from salescore.discounts import ConditionRegistry, DiscountEngine, DiscountRuleSet
from salescore.errors import InvalidInputError
from salescore.orders.pricer import PricedOrder, SaleOrder, SalePricer
from salescore.parties import (
    ClientSegment,
    CounterpartyId,
    NomenclatureSegment,
    OrganizationId,
    Partner,
    PartnerId,
    PartnerKind,
    ProductId,
    SegmentId,
)
from salescore.pricing import CompiledPriceTypes, PricingSnapshot
from salescore.tax import VatRateTable

__all__ = ["REFERENCE_CACHE_SIZE", "PricingSession", "load_pricer", "price_order", "price_orders"]

K = TypeVar("K")
V = TypeVar("V")


def _snapshots_of(snapshots: Mapping[date, PricingSnapshot]) -> Callable[[date], PricingSnapshot]:
    """``snapshot_for`` of a pricer loaded for some dates: another date is refused."""

    def snapshot_for(on: date) -> PricingSnapshot:
        try:
            return snapshots[on]
        except KeyError:
            raise InvalidInputError(
                f"no pricing snapshot was loaded for {on.isoformat()}; load the pricer with "
                "that date",
                on=on,
            ) from None

    return snapshot_for


def load_pricer(
    uow: Repositories,
    dates: Iterable[date],
    *,
    registry: ConditionRegistry | None = None,
    severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
    vat_rates: VatRateTable | None = None,
) -> SalePricer:
    """Load once what pricing any order of ``dates`` needs, and return the pricer.

    Reads the whole store: every partner, product, segment and agreement, one
    pricing snapshot of the whole catalogue per date and the stored discount
    rule set (compiled once; no stored rules means no discounts). For orders
    known beforehand, :class:`PricingSession` loads only what they touch.
    ``vat_rates`` is the VAT table the snapshots add or take out VAT with (the
    Russian table by default).
    """
    client_segments = uow.client_segments.all()
    nomenclature_segments = uow.nomenclature_segments.all()
    snapshot_for = _snapshots_of(
        {on: load_snapshot(uow, on, vat_rates=vat_rates) for on in set(dates)}
    )
    rules, registry = load_rule_set(uow), ConditionRegistry.installed(registry)
    engine = DiscountEngine.compile(rules, registry) if rules.groups else None
    return SalePricer(
        partners={p.id: p for p in uow.partners.all()},
        products={p.id: p for p in uow.products.all()},
        book=AgreementBook(uow.agreements.all(), client_segments, nomenclature_segments),
        snapshot_for=snapshot_for,
        engine=engine,
        client_segments=client_segments,
        nomenclature_segments=nomenclature_segments,
        severities=severities,
    )


REFERENCE_CACHE_SIZE = 1024
"""How many clients (and their agreements) a :class:`PricingSession` keeps under one
reference revision of the store, least recently used first out."""


class _Reference:
    """What a session read of the store's reference data under one revision token.

    Every field is filled on first use; clients and their agreements are kept
    for the :data:`REFERENCE_CACHE_SIZE` most recent clients.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.segments: tuple[list[ClientSegment], list[NomenclatureSegment]] | None = None
        self.price_types: CompiledPriceTypes | None = None
        self.partner_kinds: dict[PartnerId, frozenset[PartnerKind]] | None = None
        self.engine: tuple[DiscountEngine | None] | None = None
        self.partners: OrderedDict[PartnerId, Partner] = OrderedDict()
        self.books: OrderedDict[
            tuple[PartnerId, frozenset[AgreementId]], dict[AgreementId, Agreement]
        ] = OrderedDict()


def _kept(cache: OrderedDict[K, V], key: K, lock: threading.Lock) -> V | None:
    with lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def _keep(cache: OrderedDict[K, V], key: K, value: V, lock: threading.Lock) -> None:
    with lock:
        cache[key] = value
        while len(cache) > REFERENCE_CACHE_SIZE:
            cache.popitem(last=False)


class PricingSession:
    """Prices orders from a store reading only what each order touches.

    For each order (or batch) it reads the partner, the products of the lines,
    the agreements that can apply to the partner (its own, the typical ones of
    its segments and their bases, and the one the order names), the registered
    and partner prices of those products only, as of the order date, the
    segments, the price types and the discount rules. The cost of one order
    thus does not grow with the catalogue or the price register.

    Kept between orders (a long-lived session, one per process or thread
    pool): the *reference data* it read — clients, their agreements, the
    segments, the price types and the discount engine compiled from the
    stored rules — under the store's reference revision
    (:meth:`~salescore.adapters.repositories.Repositories.reference_revision`,
    one cheap read per order). Any write to them, by this process or another
    (a closed agreement, new rules, a new price type, a client moved to
    another segment), renews the revision, and the next order reads them
    again (the rules are compiled again only if they differ). Products and
    prices are read for every order, so a new price is seen at once. A
    pricer it returns, as every :class:`SalePricer`, prices with what it was
    loaded with.

    Args:
        registry: the discount conditions (the installed ones by default).
        severities: the severity per deviation kind.
        vat_rates: the VAT table the snapshots add or take out VAT with (the
            Russian table by default).
    """

    def __init__(
        self,
        *,
        registry: ConditionRegistry | None = None,
        severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
        vat_rates: VatRateTable | None = None,
    ) -> None:
        self._registry = ConditionRegistry.installed(registry)
        self.severities = severities
        self.vat_rates = vat_rates
        self._compiled: tuple[DiscountRuleSet, DiscountEngine | None] | None = None
        self._reference: _Reference | None = None
        self._lock = threading.Lock()

    def _current(self, uow: Repositories) -> _Reference:
        """What is kept under the store's reference revision (a new, empty one if it moved)."""
        token = uow.reference_revision()
        with self._lock:
            reference = self._reference
            if reference is None or reference.token != token:
                reference = self._reference = _Reference(token)
        return reference

    def _engine(self, uow: Repositories) -> DiscountEngine | None:
        rules = load_rule_set(uow)
        with self._lock:
            compiled = self._compiled
        if compiled is not None and compiled[0] == rules:
            return compiled[1]
        engine = DiscountEngine.compile(rules, self._registry) if rules.groups else None
        with self._lock:
            self._compiled = (rules, engine)
        return engine

    def _partners(
        self, uow: Repositories, reference: _Reference, partner_ids: Iterable[PartnerId]
    ) -> list[Partner]:
        found: dict[PartnerId, Partner] = {}
        missing = []
        for partner_id in sorted(set(partner_ids)):
            partner = _kept(reference.partners, partner_id, self._lock)
            if partner is None:
                missing.append(partner_id)
            else:
                found[partner_id] = partner
        for partner in uow.partners.find_many(missing) if missing else ():
            _keep(reference.partners, partner.id, partner, self._lock)
            found[partner.id] = partner
        return [found[key] for key in sorted(found)]

    def _agreements(
        self,
        uow: Repositories,
        reference: _Reference,
        partners: Iterable[Partner],
        agreement_ids: frozenset[AgreementId],
    ) -> dict[AgreementId, Agreement]:
        agreements: dict[AgreementId, Agreement] = {}
        named: list[AgreementId] | None = None  # read once, and only for a client not kept
        for partner in partners:
            key = (partner.id, agreement_ids)
            book = _kept(reference.books, key, self._lock)
            if book is None:
                if named is None:
                    named = [a.id for a in uow.agreements.find_many(agreement_ids)]
                loaded = load_book(
                    partner, uow.agreements, uow.client_segments, uow.nomenclature_segments, named
                )
                book = {a.id: a for a in loaded.agreements}
                _keep(reference.books, key, book, self._lock)
            agreements.update(book)
        return agreements

    def load(
        self,
        uow: Repositories,
        *,
        dates: Iterable[date],
        partner_ids: Iterable[PartnerId],
        product_ids: Iterable[ProductId],
        agreement_ids: Iterable[AgreementId] = (),
    ) -> SalePricer:
        """A pricer for sales of ``partner_ids`` in ``product_ids`` on ``dates``.

        Partners, products and agreements that are not stored are left out:
        the pricer then refuses the order naming them, as a pricer loaded
        with the whole store does.
        """
        reference = self._current(uow)
        partners = self._partners(uow, reference, partner_ids)
        products = uow.products.find_many(product_ids)
        if reference.engine is None:
            reference.engine = (self._engine(uow),)
        engine = reference.engine[0]
        client_segments, nomenclature_segments = self._segments(uow, reference)
        wanted_agreements = frozenset(agreement_ids)
        agreements = self._agreements(uow, reference, partners, wanted_agreements)
        if not partners:  # the order is refused for its client; the book still knows its agreement
            loaded = uow.agreements.find_many(wanted_agreements)
            bases = [a.base_id for a in loaded if a.base_id is not None]
            agreements.update((a.id, a) for a in [*loaded, *uow.agreements.find_many(bases)])
        if reference.price_types is None:
            # compiled once per revision: each order's snapshot is built from them
            reference.price_types = CompiledPriceTypes.compile(uow.price_types.all())
        price_types = reference.price_types
        if reference.partner_kinds is None:
            reference.partner_kinds = partner_kinds_of(uow, price_types.types.values())
        # The prices of the order's products under the price types its agreements name.
        wanted = [p.id for p in products]
        named_types = {
            a.terms.price_type_id for a in agreements.values() if a.terms.price_type_id is not None
        }
        snapshot_for = _snapshots_of(
            {
                on: load_snapshot(
                    uow,
                    on,
                    product_ids=wanted,
                    price_type_ids=named_types,
                    vat_rates=self.vat_rates,
                    products=products,
                    partner_kinds=reference.partner_kinds,
                    compiled=price_types,
                )
                for on in set(dates)
            }
        )
        return SalePricer(
            partners={p.id: p for p in partners},
            products={p.id: p for p in products},
            book=AgreementBook(agreements.values(), client_segments, nomenclature_segments),
            snapshot_for=snapshot_for,
            engine=engine,
            client_segments=client_segments,
            nomenclature_segments=nomenclature_segments,
            severities=self.severities,
        )

    def resolve_terms(
        self,
        uow: Repositories,
        partner_id: PartnerId,
        on: date,
        *,
        counterparty_id: CounterpartyId | None = None,
        product_id: ProductId | None = None,
        nomenclature_segment_id: SegmentId | None = None,
        organization_id: OrganizationId | None = None,
        agreement_id: AgreementId | None = None,
    ) -> ResolvedTerms:
        """:func:`salescore.app.agreements.resolve_terms` with the reference data kept.

        The same terms and explanation; the client, its candidate agreements
        and the segments are read once per reference revision (the product,
        when given, on every call), so resolving terms for a client again
        costs no reading and decoding of every segment.

        Raises:
            NotFoundError: the partner, the product or the agreement named does
                not exist.
        """
        reference = self._current(uow)
        partners = self._partners(uow, reference, [partner_id])
        if not partners:
            uow.partners.get(partner_id)  # raises the store's NotFoundError
        partner = partners[0]
        product = None if product_id is None else uow.products.get(product_id)
        named = frozenset(() if agreement_id is None else (agreement_id,))
        agreements = self._agreements(uow, reference, [partner], named)
        if agreement_id is not None and agreement_id not in agreements:
            uow.agreements.get(agreement_id)  # raises the store's NotFoundError
        client_segments, nomenclature_segments = self._segments(uow, reference)
        book = AgreementBook(agreements.values(), client_segments, nomenclature_segments)
        return book.resolve(
            TermsQuery(
                partner,
                on,
                counterparty_id,
                product,
                nomenclature_segment_id,
                organization_id,
                agreement_id,
            )
        )

    def _segments(
        self, uow: Repositories, reference: _Reference
    ) -> tuple[list[ClientSegment], list[NomenclatureSegment]]:
        if reference.segments is None:
            reference.segments = (uow.client_segments.all(), uow.nomenclature_segments.all())
        return reference.segments

    def pricer(self, uow: Repositories, orders: Iterable[SaleOrder]) -> SalePricer:
        """A pricer loaded with what ``orders`` touch (see :meth:`load`)."""
        wanted = list(orders)
        return self.load(
            uow,
            dates=[o.on for o in wanted],
            partner_ids=[o.partner_id for o in wanted],
            product_ids=[x.product_id for o in wanted for x in o.lines],
            agreement_ids=[o.agreement_id for o in wanted if o.agreement_id is not None],
        )

    def price(self, uow: Repositories, order: SaleOrder) -> PricedOrder:
        """Price one order, reading only what it touches."""
        return self.pricer(uow, [order]).price(order)

    def price_many(self, uow: Repositories, orders: Sequence[SaleOrder]) -> list[PricedOrder]:
        """Price many orders: one load of what they touch together, then in memory."""
        return self.pricer(uow, orders).price_many(orders)


def price_orders(
    uow: Repositories,
    orders: Sequence[SaleOrder],
    *,
    registry: ConditionRegistry | None = None,
    severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
    session: PricingSession | None = None,
) -> list[PricedOrder]:
    """Price many orders, loading once what they touch (see :class:`PricingSession`).

    ``session`` keeps the compiled discount rules between calls; without it
    a new session is used (``registry`` and ``severities`` are its).
    """
    if session is None:
        session = PricingSession(registry=registry, severities=severities)
    return session.price_many(uow, orders)


def price_order(
    uow: Repositories,
    order: SaleOrder,
    *,
    registry: ConditionRegistry | None = None,
    severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
    session: PricingSession | None = None,
) -> PricedOrder:
    """Price one order end to end (see the module docs for the steps)."""
    return price_orders(uow, [order], registry=registry, severities=severities, session=session)[0]
