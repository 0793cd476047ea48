"""Quotes and sales orders: their lines, frozen prices with VAT, and statuses.

A *commercial proposal* [коммерческое предложение] (:class:`Quote`) and a
*sales order* [заказ клиента] (:class:`Order`) share a header
(:class:`DocumentHeader`: partner, counterparty, organization, contract,
**one** agreement, currency, warehouse) and lines (:class:`DocumentLine`:
product, quantity, planned shipment date, service or goods). Once priced, a
document holds its figures as :class:`FrozenPrices`: per line the reference
and unit price, the discounts with their rule ids, the net amount, the VAT
rate and amount, and the explanation. Nothing in them is looked up again, so
a price change after confirmation cannot move a confirmed order.

VAT of a line is computed once, after discounts, half up to the kopeck:
``net × r/(100+r)`` when the price type includes VAT, ``net × r/100`` when it
does not (:meth:`salescore.tax.VatRate.split`):

>>> from salescore.money import Money, Quantity
>>> from salescore.tax import VatRate
>>> line = FrozenLine.of(
...     LineId("1"), ProductId("CM-100"), Quantity(2),
...     reference_price=Money("1200.00", "RUB"), unit_price=Money("1200.00", "RUB"),
...     discount=Money("0.00", "RUB"), rule_ids=(),
...     vat_rate=VatRate.parse("20"), vat_included=True)
>>> line.net, line.vat, line.without_vat, line.with_vat
(Money('2400.00', 'RUB'), Money('400.00', 'RUB'), Money('2000.00', 'RUB'), Money('2400.00', 'RUB'))
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NewType

import attrs

from salescore.agreements import (
    AgreementId,
    ContractId,
    Deviation,
    Severity,
    Taxation,
)
from salescore.errors import OrderError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity, Rounding, as_currency, total
from salescore.orders.pricer import LineEvidence
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    ProductId,
    WarehouseId,
)
from salescore.receivables import PaymentSchedule
from salescore.reservation import LineId, OrderId, SupplyOption
from salescore.tax import VatCategory, VatLineFigures, VatRate, VatRateTable, VatTotals

__all__ = [
    "DocumentEvent",
    "DocumentHeader",
    "DocumentLine",
    "FrozenLine",
    "FrozenPrices",
    "LazyExplanation",
    "LineId",
    "Order",
    "OrderId",
    "OrderStatus",
    "PriceDifference",
    "Quote",
    "QuoteId",
    "QuoteStatus",
    "price_differences",
    "vat_rate_for",
]

QuoteId = NewType("QuoteId", str)


class QuoteStatus(enum.Enum):
    """Where a commercial proposal stands."""

    DRAFT = "draft"
    """Being prepared; prices may change."""
    SENT = "sent"
    """Sent to the client; waiting for an answer until its validity date."""
    ACCEPTED = "accepted"
    """The client agreed; an order is made from it."""
    REJECTED = "rejected"
    """The client declined."""
    REPLACED = "replaced"
    """A revision replaced it (the negotiation goes on in the next version)."""


class OrderStatus(enum.Enum):
    """The status of a sales order [статус заказа], set by its transitions.

    ``not confirmed → to pay → to secure → to ship → closed``; an order that is
    not closed may be cancelled with a reason.
    """

    NOT_CONFIRMED = "not_confirmed"
    """[не согласован]: the client's intent; nothing reserved, nothing planned."""
    TO_PAY = "to_pay"
    """[к оплате]: confirmed; prices frozen; advances are awaited."""
    TO_SECURE = "to_secure"
    """[к обеспечению]: advances paid; goods may be secured (reserved)."""
    TO_SHIP = "to_ship"
    """[к отгрузке]: prepayments paid, credit allows; goods may leave."""
    CLOSED = "closed"
    """[закрыт]: done."""
    CANCELLED = "cancelled"
    """[отменен]: cancelled with a reason."""

    @property
    def is_active(self) -> bool:
        """True from confirmation until closed or cancelled."""
        return self in (OrderStatus.TO_PAY, OrderStatus.TO_SECURE, OrderStatus.TO_SHIP)


def _positive_quantity(value: object) -> Decimal:
    quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    if not quantity.is_finite() or quantity <= 0:
        raise OrderError(f"a line quantity must be above zero, got {value!r}", value=value)
    return quantity


def _manual(value: Mapping[str, Any]) -> Mapping[str, Decimal | None]:
    return {str(k): None if v is None else Decimal(v) for k, v in value.items()}


@attrs.frozen
class DocumentLine:
    """One line of a quote or an order: what, how much, and when.

    Attributes:
        line_id: the line's id in the document (``"1"``, ``"2"`` …).
        product_id: the product or service.
        quantity: how much, in the product's unit (above zero).
        planned_shipment: when the line is to ship (the document's date if None).
        is_service: a service line (nothing to reserve or ship from stock).
        supply: how the goods are secured [вариант обеспечения]; a service line
            needs none.
        manual_discounts: manual discounts the manager chose: rule id -> value
            (None: the rule's own value).
        price: a unit price set by hand (checked against the reference price).
    """

    line_id: LineId
    product_id: ProductId
    quantity: Decimal = attrs.field(converter=_positive_quantity)
    planned_shipment: date | None = None
    is_service: bool = False
    supply: SupplyOption = SupplyOption.FROM_STOCK
    manual_discounts: Mapping[str, Decimal | None] = attrs.field(
        factory=dict, converter=_manual, hash=False
    )
    price: Money | None = None


def _lines(value: Iterable[DocumentLine]) -> tuple[DocumentLine, ...]:
    lines = tuple(value)
    seen: set[str] = set()
    for line in lines:
        if line.line_id in seen:
            raise OrderError(
                f"line id {line.line_id!r} is used twice: give every line its own id",
                line=line.line_id,
            )
        seen.add(line.line_id)
    return lines


@attrs.frozen
class DocumentHeader:
    """Who sells to whom, under which agreement, in which currency, from where.

    Attributes:
        partner_id: the client [партнер].
        counterparty_id: the client's legal entity that signs [контрагент].
        organization_id: our selling organization [организация].
        agreement_id: the ONE agreement the document is made under [соглашение].
        currency: the currency of the prices.
        warehouse_id: the shipping warehouse [склад].
        contract_id: the contract [договор], if settlements are kept by one.
    """

    partner_id: PartnerId
    counterparty_id: CounterpartyId
    organization_id: OrganizationId
    agreement_id: AgreementId
    currency: Currency = attrs.field(converter=as_currency)
    warehouse_id: WarehouseId | None = None
    contract_id: ContractId | None = None


def vat_rate_for(
    category: VatCategory, taxation: Taxation | None, table: VatRateTable, on: date
) -> VatRate:
    """The VAT rate of a line: none or 0 % by the agreement's taxation, else the product's.

    >>> from salescore.tax import russian_vat_rates
    >>> table = russian_vat_rates()
    >>> vat_rate_for(VatCategory.GENERAL, Taxation.VAT, table, date(2026, 3, 2)).code
    '22'
    >>> vat_rate_for(VatCategory.GENERAL, Taxation.EXPORT, table, date(2026, 3, 2)).code
    '0'
    >>> vat_rate_for(VatCategory.REDUCED, Taxation.NO_VAT, table, date(2026, 3, 2)).code
    'none'
    """
    if taxation is Taxation.NO_VAT:
        return VatRate(None)
    if taxation is Taxation.EXPORT:
        return VatRate(Decimal(0))
    return table.rate(category, on)


def _vat_step(rate: VatRate, net: Money, vat: Money, *, included: bool) -> Step:
    """The VAT step of a frozen line's explanation."""
    return Step(
        "VAT",
        str(vat),
        f"{rate.label} of {net}, "
        + ("included in the price" if included else "on top of the price"),
    )


class LazyExplanation:
    """An explanation given, or built by ``build`` when first asked for and then kept.

    Compared, hashed, shown and pickled as the explanation it stands for (a
    pickle carries the built explanation, never the builder), so a frozen
    line compares and travels exactly as it did when its explanation was
    built at once. Made by :meth:`of_evidence`, it also keeps what it is
    built from (``evidence`` and the ``tail`` steps after it), which storage
    writes in place of the built explanation.
    """

    __slots__ = ("_build", "_evidence", "_value", "tail")

    def __init__(
        self, value: Explanation | None, build: Callable[[], Explanation] | None = None
    ) -> None:
        if value is None and build is None:
            raise OrderError("an explanation needs a value or a way to build it")
        self._value = value
        self._build = build
        self._evidence: LineEvidence | Callable[[], LineEvidence] | None = None
        self.tail: tuple[Step, ...] = ()

    @classmethod
    def of_evidence(
        cls, evidence: LineEvidence | Callable[[], LineEvidence], *tail: Step
    ) -> LazyExplanation:
        """The explanation of ``evidence`` (or of what ``evidence()`` returns, asked
        for once, when first needed) followed by ``tail``, built when first read."""
        # No builder: get() builds from the evidence (a closure over the new value
        # would make every frozen line a reference cycle, freed only by the collector).
        lazy = cls.__new__(cls)
        lazy._value = None
        lazy._build = None
        lazy._evidence = evidence
        lazy.tail = tail
        return lazy

    @property
    def evidence(self) -> LineEvidence | None:
        """What the explanation is built from, when it was made from evidence."""
        evidence = self._evidence
        if evidence is None or isinstance(evidence, LineEvidence):
            return evidence
        found = self._evidence = evidence()
        return found

    @property
    def is_built(self) -> bool:
        """True once the explanation exists (given, or built by a first read)."""
        return self._value is not None

    def get(self) -> Explanation:
        """The explanation (built now if it was not yet)."""
        value = self._value
        if value is None:
            build = self._build
            if build is None:  # made by of_evidence
                evidence = self.evidence
                assert evidence is not None
                value = evidence.explain().add(*self.tail)
            else:
                value = build()
                self._build = None
            self._value = value
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LazyExplanation):
            return NotImplemented
        return self is other or self.get() == other.get()

    def __hash__(self) -> int:
        return hash(self.get())

    def __getstate__(self) -> Explanation:
        return self.get()

    def __setstate__(self, state: Explanation) -> None:
        self._value = state
        self._build = None
        self._evidence = None
        self.tail = ()

    def __repr__(self) -> str:
        return repr(self.get())


def _lazy(value: Explanation | LazyExplanation) -> LazyExplanation:
    return value if isinstance(value, LazyExplanation) else LazyExplanation(value)


@attrs.frozen
class FrozenLine(VatLineFigures):
    """The figures of one priced line, frozen: nothing here is looked up again.

    Attributes:
        line_id, product_id, quantity: the line.
        reference_price: the unit price of the agreement's price type.
        unit_price: the unit price charged (the reference unless set by hand).
        gross: quantity × unit price.
        discount: the discounts (negative: a markup).
        rule_ids: the discount rules that applied.
        net: the line amount after discounts (in the price type's VAT mode).
        vat_rate: the VAT rate of the line.
        vat_included: True when ``net`` includes VAT (from the price type).
        vat: the VAT of ``net``, half up to minor units.
        explained: the explanation as kept (given as ``explanation=``;
            :meth:`of` with ``explain`` builds it only when first read); read
            it as :attr:`explanation`. The line's ``repr`` shows its figures
            only, so showing a line builds no explanation.
    """

    line_id: LineId
    product_id: ProductId
    quantity: Quantity
    reference_price: Money
    unit_price: Money
    gross: Money
    discount: Money
    rule_ids: tuple[str, ...]
    net: Money
    vat_rate: VatRate
    vat_included: bool
    vat: Money
    explained: LazyExplanation = attrs.field(
        alias="explanation",
        factory=lambda: LazyExplanation(Explanation("")),
        converter=_lazy,
        repr=False,
    )

    @property
    def explanation(self) -> Explanation:
        """How the figures came about (built when first asked for, then kept)."""
        return self.explained.get()

    @classmethod
    def of(
        cls,
        line_id: LineId,
        product_id: ProductId,
        quantity: Quantity,
        *,
        reference_price: Money,
        unit_price: Money,
        discount: Money,
        rule_ids: Iterable[str],
        vat_rate: VatRate,
        vat_included: bool,
        gross: Money | None = None,
        explanation: Explanation | None = None,
        evidence: LineEvidence | None = None,
    ) -> FrozenLine:
        """A line whose gross, net and VAT are computed here, once.

        ``gross`` is the pricer's quantity × unit price when given (it rounds it);
        otherwise it is computed half up. The line's explanation is
        ``explanation``, or the one ``evidence`` (the pricer's line's, see
        :meth:`~salescore.orders.PricedLine.evidence`) builds when it is first
        read, so nothing is built for a line nobody reads; the VAT step follows.
        """
        if gross is None:
            gross = unit_price.multiply(quantity.value, Rounding.HALF_UP)
        net = gross - discount
        vat = vat_rate.vat_of(net, included=vat_included)
        step = _vat_step(vat_rate, net, vat, included=vat_included)
        if evidence is not None and explanation is None:
            explained = LazyExplanation.of_evidence(evidence, step)
        else:
            base = explanation or Explanation(f"line {line_id}: {product_id}, {quantity}")
            explained = LazyExplanation(base.add(step))
        return cls(
            line_id,
            product_id,
            quantity,
            reference_price,
            unit_price,
            gross,
            discount,
            tuple(rule_ids),
            net,
            vat_rate,
            vat_included,
            vat,
            explained,
        )


def _frozen_lines(value: Iterable[FrozenLine]) -> tuple[FrozenLine, ...]:
    return tuple(value)


def _deviations(value: Iterable[Deviation]) -> tuple[Deviation, ...]:
    return tuple(value)


@attrs.frozen
class FrozenPrices(VatTotals):
    """A document's prices, discounts, VAT and deviations as of one pricing.

    Attributes:
        priced_on: the date the prices were taken from.
        currency: the currency of every amount.
        lines: one frozen line per document line, in order.
        deviations: the deviations from the agreement (approval takes them).
    """

    priced_on: date
    currency: Currency
    lines: tuple[FrozenLine, ...] = attrs.field(converter=_frozen_lines)
    deviations: tuple[Deviation, ...] = attrs.field(default=(), converter=_deviations)

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            if line.net.currency != self.currency:
                raise OrderError(
                    f"line {line.line_id} is priced in {line.net.currency.code}, the document "
                    f"in {self.currency.code}: price every line in the document's currency",
                    line=line.line_id,
                )

    def line(self, line_id: str) -> FrozenLine:
        """The frozen line ``line_id``."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise OrderError(f"no priced line {line_id!r}", line=line_id)

    def _sum(self, part: Callable[[FrozenLine], Money]) -> Money:
        return total((part(x) for x in self.lines), self.currency)

    @property
    def gross(self) -> Money:
        """Before discounts."""
        return self._sum(lambda x: x.gross)

    @property
    def discount(self) -> Money:
        """The discounts of every line."""
        return self._sum(lambda x: x.discount)

    @property
    def net(self) -> Money:
        """After discounts (in the price types' VAT mode)."""
        return self._sum(lambda x: x.net)

    @property
    def vat_lines(self) -> tuple[FrozenLine, ...]:
        """The lines the VAT totals (:class:`~salescore.tax.VatTotals`) add up."""
        return self.lines

    @property
    def awaiting_approval(self) -> tuple[Deviation, ...]:
        """The deviations an approval may allow."""
        return tuple(d for d in self.deviations if d.severity is Severity.APPROVAL)

    @property
    def blocking(self) -> tuple[Deviation, ...]:
        """The deviations no approval can allow."""
        return tuple(d for d in self.deviations if d.severity is Severity.BLOCKING)

    def explain(self) -> Explanation:
        """Every line, the deviations, and the totals with and without VAT."""
        steps = [Step(f"line {x.line_id}", str(x.net), "", x.explanation) for x in self.lines]
        steps += [Step(f"deviation ({d.severity.value}): {d.message}") for d in self.deviations]
        steps += [
            Step("amount before discounts", str(self.gross)),
            Step("discounts", str(self.discount)),
            Step("total without VAT", str(self.without_vat)),
            Step("VAT", str(self.vat)),
            Step("total with VAT", str(self.with_vat)),
        ]
        return Explanation(f"prices as of {self.priced_on.isoformat()}", tuple(steps))


@attrs.frozen
class PriceDifference:
    """How one line's figures would change if the document were priced again."""

    line_id: LineId
    product_id: ProductId
    old_unit_price: Money
    new_unit_price: Money
    old_net: Money
    new_net: Money
    old_vat: Money
    new_vat: Money

    @property
    def net_change(self) -> Money:
        """New net minus old net."""
        return self.new_net - self.old_net


def price_differences(old: FrozenPrices, new: FrozenPrices) -> tuple[PriceDifference, ...]:
    """The lines whose unit price, net or VAT differ between two pricings, line by line."""
    by_id = {x.line_id: x for x in new.lines}
    found = []
    for before in old.lines:
        after = by_id.get(before.line_id)
        if after is None:
            continue
        if (before.unit_price, before.net, before.vat) != (after.unit_price, after.net, after.vat):
            found.append(
                PriceDifference(
                    before.line_id,
                    before.product_id,
                    before.unit_price,
                    after.unit_price,
                    before.net,
                    after.net,
                    before.vat,
                    after.vat,
                )
            )
    return tuple(found)


@attrs.frozen
class DocumentEvent:
    """One step of a document's history: what happened, when, by whom."""

    action: str
    on: date
    status: str
    by: str | None = None
    note: str = ""


def _events(value: Iterable[DocumentEvent]) -> tuple[DocumentEvent, ...]:
    return tuple(value)


@attrs.frozen
class Quote:
    """A commercial proposal [коммерческое предложение] (D1), one version of it.

    A revision is a new :class:`Quote` made from the previous version
    (``previous_id``, ``revision`` + 1); the chain of versions is the history of
    the negotiation.

    Attributes:
        id: this version's id.
        header: parties, agreement, currency, warehouse.
        on: the proposal's date (prices are taken on it).
        valid_until: the last day the client may accept it [срок действия].
        lines: what is proposed.
        status: draft, sent, accepted, rejected or replaced.
        prices: the frozen prices (None until priced).
        revision: 1 for the first version.
        previous_id: the version this one revises.
        approval_id: the approval process of its deviations, if any.
        approved: True once that approval agreed.
        history: every status change.
        version: the stored version (optimistic locking; 0 before the first save).
    """

    id: QuoteId
    header: DocumentHeader
    on: date
    valid_until: date
    lines: tuple[DocumentLine, ...] = attrs.field(converter=_lines)
    status: QuoteStatus = QuoteStatus.DRAFT
    prices: FrozenPrices | None = None
    revision: int = 1
    previous_id: QuoteId | None = None
    approval_id: str | None = None
    approved: bool = False
    history: tuple[DocumentEvent, ...] = attrs.field(default=(), converter=_events)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise OrderError(f"quote {self.id!r} has no lines: add at least one", quote=self.id)
        if self.valid_until < self.on:
            raise OrderError(
                f"quote {self.id!r} is valid until {self.valid_until}, before its date "
                f"{self.on}: give a validity date on or after the quote's date",
                quote=self.id,
            )

    def is_expired(self, on: date) -> bool:
        """True after the validity date."""
        return on > self.valid_until

    def explain(self) -> Explanation:
        """The version, its status and validity, frozen prices and history."""
        steps = [
            Step("status", self.status.value, f"valid until {self.valid_until.isoformat()}"),
            Step(
                "revision", str(self.revision), f"of {self.previous_id}" if self.previous_id else ""
            ),
        ]
        if self.prices is not None:
            steps.append(
                Step("total with VAT", str(self.prices.with_vat), "", self.prices.explain())
            )
        steps += [
            Step(f"{e.on.isoformat()} {e.action}", e.status, " ".join(filter(None, [e.by, e.note])))
            for e in self.history
        ]
        return Explanation(f"quote {self.id} of {self.on.isoformat()}", tuple(steps))


@attrs.frozen
class Order:
    """A sales order [заказ клиента] (D2–D6).

    Attributes:
        id: the order number (unique per organization and year).
        header: parties, the one agreement, currency, warehouse.
        on: the order date.
        lines: what is ordered.
        status: see :class:`OrderStatus`.
        prices: the frozen prices (None until priced; frozen at confirmation).
        schedule: the payment schedule fixed at confirmation.
        quote_id: the proposal it was made from, if any.
        basis: a deal or a representative's task it was made from, if any.
        approval_id: the approval process of its deviations, if any.
        approved: True once that approval agreed.
        cancel_reason: why it was cancelled.
        history: every status change.
        version: the stored version (optimistic locking; 0 before the first save).
    """

    id: OrderId
    header: DocumentHeader
    on: date
    lines: tuple[DocumentLine, ...] = attrs.field(converter=_lines)
    status: OrderStatus = OrderStatus.NOT_CONFIRMED
    prices: FrozenPrices | None = None
    schedule: PaymentSchedule | None = None
    quote_id: QuoteId | None = None
    basis: str | None = None
    approval_id: str | None = None
    approved: bool = False
    cancel_reason: str | None = None
    history: tuple[DocumentEvent, ...] = attrs.field(default=(), converter=_events)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise OrderError(f"order {self.id!r} has no lines: add at least one", order=self.id)
        for line in self.lines:
            if line.planned_shipment is not None and line.planned_shipment < self.on:
                raise OrderError(
                    f"order {self.id!r}, line {line.line_id}: planned shipment "
                    f"{line.planned_shipment} is before the order date {self.on}",
                    order=self.id,
                    line=line.line_id,
                )

    def shipment_date(self, line: DocumentLine) -> date:
        """The planned shipment date of ``line`` (the order date if it has none)."""
        return line.planned_shipment or self.on

    @property
    def first_shipment(self) -> date:
        """The earliest planned shipment date: payment stages count back from it."""
        return min(self.shipment_date(x) for x in self.lines)

    def line(self, line_id: str) -> DocumentLine:
        """The line ``line_id``."""
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise OrderError(f"order {self.id!r} has no line {line_id!r}", order=self.id, line=line_id)

    def explain(self) -> Explanation:
        """The order's status and parties, frozen prices, payment schedule and history."""
        h = self.header
        steps = [
            Step("status", self.status.value.replace("_", " "), self.cancel_reason or ""),
            Step("client", h.partner_id, f"counterparty {h.counterparty_id}"),
            Step("agreement", h.agreement_id, f"organization {h.organization_id}"),
        ]
        if self.quote_id is not None:
            steps.append(Step("from quote", self.quote_id))
        if self.prices is not None:
            steps.append(
                Step("total with VAT", str(self.prices.with_vat), "", self.prices.explain())
            )
        if self.schedule is not None:
            steps.append(Step("payment schedule", "", "", self.schedule.explain()))
        steps += [
            Step(f"{e.on.isoformat()} {e.action}", e.status, " ".join(filter(None, [e.by, e.note])))
            for e in self.history
        ]
        return Explanation(f"order {self.id} of {self.on.isoformat()}", tuple(steps))
