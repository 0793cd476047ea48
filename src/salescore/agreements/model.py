"""Sales agreements: typical terms for a client segment, individual terms for one client.

Every sale happens under an agreement [соглашение с клиентом]. A *typical*
agreement [типовое соглашение] sets the terms of sale for a client segment
(wholesale, retail chains, cafes), optionally only for one nomenclature
segment; an *individual* agreement [индивидуальное соглашение] is made from a
typical one for one client: it inherits the typical terms, overrides any of
them and fills what the typical one left open (A4, A5).

The terms are one flat record, :class:`Terms`, in which ``None`` means "not
set here". An individual agreement keeps only its own values; the typical
values show through wherever it has ``None``.

>>> from datetime import date
>>> from salescore.money import Currency
>>> wholesale = Agreement.typical(
...     AgreementId("TA-WHOLESALE"), "Wholesale", client_segment_id=SegmentId("WHOLESALE"),
...     valid_from=date(2026, 1, 1), status=AgreementStatus.ACTIVE,
...     terms=Terms(price_type_id="WHOLESALE", currency=Currency.of("RUB"),
...                 manual_discount_limit_percent=Decimal(5)))
>>> volga = create_individual(wholesale, AgreementId("IA-VOLGA"), "Volga Kazan",
...     partner_id=PartnerId("VOLGA-KZN"), valid_from=date(2026, 3, 1),
...     terms=Terms(manual_discount_limit_percent=Decimal(7)))
>>> volga.kind.value, volga.base_id, volga.status.value
('individual', 'TA-WHOLESALE', 'not_agreed')
>>> wholesale.terms.overlay(volga.terms).manual_discount_limit_percent
Decimal('7')
>>> create_individual(wholesale.with_status(AgreementStatus.CLOSED), AgreementId("IA-2"), "x",
...     partner_id=PartnerId("CAFE"), valid_from=date(2026, 3, 1))
Traceback (most recent call last):
...
salescore.errors.AgreementError: individual agreement 'IA-2': its base 'TA-WHOLESALE' is closed; ...
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NewType

import attrs

from salescore._validation import non_empty_text, percent_0_to_100
from salescore.errors import AgreementError
from salescore.money import Currency, as_currency
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    PriceGroupId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing.price_types import PriceTypeId

__all__ = [
    "TERM_LABELS",
    "Agreement",
    "AgreementId",
    "AgreementKind",
    "AgreementStatus",
    "PaymentForm",
    "SettlementProcedure",
    "Taxation",
    "Terms",
    "create_individual",
]

AgreementId = NewType("AgreementId", str)


class AgreementKind(enum.Enum):
    """Typical (for a client segment) or individual (for one client)."""

    TYPICAL = "typical"
    INDIVIDUAL = "individual"


class AgreementStatus(enum.Enum):
    """Statuses set by hand [статусы соглашения]; only an active agreement applies."""

    NOT_AGREED = "not_agreed"
    ACTIVE = "active"
    CLOSED = "closed"


class PaymentForm(enum.Enum):
    """How the client pays [форма оплаты]; one vocabulary for agreements, orders and
    discount conditions. ``ANY`` is for agreements only: a sale is paid one way."""

    CASH = "cash"
    NONCASH = "noncash"
    CARD = "card"
    ANY = "any"

    @classmethod
    def of_sale(cls, value: str) -> PaymentForm:
        """The payment form of a sale given as text (``"cash"``, ``"noncash"``, ``"card"``).

        >>> PaymentForm.of_sale("card")
        <PaymentForm.CARD: 'card'>
        >>> PaymentForm.of_sale("bank")
        Traceback (most recent call last):
        ...
        salescore.errors.AgreementError: unknown payment form 'bank': a sale is paid ...
        """
        for form in cls:
            if form.value == value and form is not cls.ANY:
                return form
        raise AgreementError(
            f"unknown payment form {value!r}: a sale is paid 'cash', 'noncash' or 'card'",
            value=value,
        )


def check_sale_payment_form(_instance: object, _attribute: object, value: str | None) -> None:
    """An attrs validator: ``value`` is None or a payment form a sale can have."""
    if value is not None:
        PaymentForm.of_sale(value)


class SettlementProcedure(enum.Enum):
    """What debts are kept against [порядок расчетов]: the order, the agreement or the contract."""

    BY_ORDER = "by_order"
    BY_AGREEMENT = "by_agreement"
    BY_CONTRACT = "by_contract"


class Taxation(enum.Enum):
    """How the sale is taxed [налогообложение]."""

    VAT = "vat"
    NO_VAT = "no_vat"
    EXPORT = "export"


TERM_LABELS: Mapping[str, str] = {
    "price_type_id": "price type",
    "discount_scope": "discount scope",
    "manual_discount_limit_percent": "manual discount limit, %",
    "manual_discount_limits_by_price_group": "manual discount limits by price group, %",
    "manual_markup_limit_percent": "manual markup limit, %",
    "manual_markup_limits_by_price_group": "manual markup limits by price group, %",
    "currency": "currency",
    "payment_schedule_id": "payment schedule",
    "payment_form": "payment form",
    "settlement_procedure": "settlement procedure",
    "warehouse_id": "shipping warehouse",
    "delivery_lead_days": "delivery lead time, working days",
    "organization_id": "organization",
    "taxation": "taxation",
}
"""Every term of :class:`Terms`, by field name, with the label explanations use."""


def _percent(value: object) -> Decimal | None:
    if value is None:
        return None
    return percent_0_to_100(value, "a manual discount or markup limit", AgreementError)


def _percent_map(value: Mapping[Any, object] | None) -> Mapping[PriceGroupId, Decimal] | None:
    if value is None:
        return None
    return {PriceGroupId(str(k)): _percent(v) or Decimal(0) for k, v in value.items()}


def _lead_days(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value < 0):
        raise AgreementError(f"delivery lead time must be 0 or more working days, got {value!r}")


@attrs.frozen
class Terms:
    """The terms of sale an agreement sets; ``None`` means "not set here".

    Attributes:
        price_type_id: the price type sales are priced by (a salescore.pricing
            PriceTypeId).
        discount_scope: ids of the discount rules and groups that apply
            (built by the discounts context); an empty set means "no
            automatic discounts".
        manual_discount_limit_percent: the largest manual discount a manager
            may give without approval; read by the discounts context.
        manual_discount_limits_by_price_group: refinements of that limit per
            price group.
        manual_markup_limit_percent: the largest manual markup [ручная наценка]
            a manager may add without approval; read by the discounts context.
        manual_markup_limits_by_price_group: refinements of that limit per
            price group.
        currency: the currency of the sale.
        payment_schedule_id: the payment schedule template [график оплаты]
            (built by the receivables context).
        payment_form: cash, non-cash, card, or any.
        settlement_procedure: by order, by agreement or by contract.
        warehouse_id: the shipping warehouse [склад отгрузки].
        delivery_lead_days: the delivery lead time in working days [срок поставки].
        organization_id: our selling organization.
        taxation: VAT, no VAT, export.
    """

    price_type_id: PriceTypeId | None = None
    discount_scope: frozenset[str] | None = None
    manual_discount_limit_percent: Decimal | None = attrs.field(default=None, converter=_percent)
    manual_discount_limits_by_price_group: Mapping[PriceGroupId, Decimal] | None = attrs.field(
        default=None, converter=_percent_map, hash=False
    )
    manual_markup_limit_percent: Decimal | None = attrs.field(default=None, converter=_percent)
    manual_markup_limits_by_price_group: Mapping[PriceGroupId, Decimal] | None = attrs.field(
        default=None, converter=_percent_map, hash=False
    )
    currency: Currency | None = attrs.field(
        default=None, converter=attrs.converters.optional(as_currency)
    )
    payment_schedule_id: str | None = None  # a salescore.receivables payment schedule template id
    payment_form: PaymentForm | None = None
    settlement_procedure: SettlementProcedure | None = None
    warehouse_id: WarehouseId | None = None
    delivery_lead_days: int | None = attrs.field(default=None, validator=_lead_days)
    organization_id: OrganizationId | None = None
    taxation: Taxation | None = None

    def get(self, name: str) -> object:
        """The value of the term ``name`` (a key of :data:`TERM_LABELS`)."""
        if name not in TERM_LABELS:
            raise AgreementError(
                f"unknown term {name!r}; use one of {', '.join(TERM_LABELS)}", value=name
            )
        return getattr(self, name)

    def set_names(self) -> frozenset[str]:
        """Names of the terms that are set (not ``None``)."""
        return frozenset(name for name in TERM_LABELS if getattr(self, name) is not None)

    def overlay(self, refinement: Terms) -> Terms:
        """These terms with every term that ``refinement`` sets replacing ours.

        >>> Terms(price_type_id="A", payment_schedule_id="S").overlay(Terms(price_type_id="B"))
        Terms(price_type_id='B', ..., payment_schedule_id='S', ...)
        """
        changes = {name: getattr(refinement, name) for name in refinement.set_names()}
        return attrs.evolve(self, **changes)

    def manual_discount_limit(self, price_group_id: PriceGroupId | None) -> Decimal | None:
        """The manual discount limit for a product of ``price_group_id``.

        The refinement for the price group wins over the general limit;
        ``None`` means no limit is set.

        >>> t = Terms(manual_discount_limit_percent=5,
        ...           manual_discount_limits_by_price_group={"MACHINES": 3})
        >>> t.manual_discount_limit(PriceGroupId("MACHINES")), t.manual_discount_limit(None)
        (Decimal('3'), Decimal('5'))
        """
        refinements = self.manual_discount_limits_by_price_group or {}
        if price_group_id is not None and price_group_id in refinements:
            return refinements[price_group_id]
        return self.manual_discount_limit_percent

    def manual_markup_limit(self, price_group_id: PriceGroupId | None) -> Decimal | None:
        """The manual markup limit for a product of ``price_group_id``.

        Markups are limited as discounts are [ограничения ручных скидок
        (наценок)]: the refinement for the price group wins over the general
        limit; ``None`` means no limit is set.

        >>> t = Terms(manual_markup_limit_percent=2,
        ...           manual_markup_limits_by_price_group={"MACHINES": 1})
        >>> t.manual_markup_limit(PriceGroupId("MACHINES")), t.manual_markup_limit(None)
        (Decimal('1'), Decimal('2'))
        """
        refinements = self.manual_markup_limits_by_price_group or {}
        if price_group_id is not None and price_group_id in refinements:
            return refinements[price_group_id]
        return self.manual_markup_limit_percent


_non_empty = non_empty_text(AgreementError)


@attrs.frozen
class Agreement:
    """A typical or individual agreement with a client [соглашение с клиентом].

    Build one with :meth:`typical` or :func:`create_individual`.

    Attributes:
        kind: typical or individual.
        status: not agreed, active or closed (set by hand).
        valid_from, valid_to: the validity period, both days included;
            ``valid_to=None`` is open-ended.
        terms: the terms this agreement sets itself.
        client_segment_id: a typical agreement's client segment; ``None``
            means every client.
        nomenclature_segment_id: the products the agreement covers; ``None``
            means every product.
        partner_id: an individual agreement's client.
        counterparty_id: an individual agreement's counterparty, if fixed.
        base_id: the typical agreement an individual one was made from.
    """

    id: AgreementId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kind: AgreementKind
    valid_from: date
    status: AgreementStatus = AgreementStatus.NOT_AGREED
    valid_to: date | None = None
    terms: Terms = Terms()
    client_segment_id: SegmentId | None = None
    nomenclature_segment_id: SegmentId | None = None
    partner_id: PartnerId | None = None
    counterparty_id: CounterpartyId | None = None
    base_id: AgreementId | None = None

    def __attrs_post_init__(self) -> None:
        where = f"{self.kind.value} agreement {self.id!r}"
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise AgreementError(
                f"{where}: valid_to {self.valid_to} is before valid_from {self.valid_from}; "
                "swap them or leave valid_to empty",
                agreement=self.id,
            )
        if self.kind is AgreementKind.TYPICAL:
            if self.partner_id or self.counterparty_id or self.base_id:
                raise AgreementError(
                    f"{where}: a typical agreement has no partner, counterparty or base; "
                    "make an individual agreement from it with create_individual",
                    agreement=self.id,
                )
        elif self.partner_id is None or self.base_id is None:
            raise AgreementError(
                f"{where}: an individual agreement needs a partner and a base typical "
                "agreement; build it with create_individual",
                agreement=self.id,
            )
        elif self.client_segment_id is not None:
            raise AgreementError(
                f"{where}: an individual agreement is for one partner, not a client segment",
                agreement=self.id,
            )

    @classmethod
    def typical(
        cls,
        id: AgreementId,
        name: str,
        *,
        valid_from: date,
        client_segment_id: SegmentId | None = None,
        nomenclature_segment_id: SegmentId | None = None,
        terms: Terms = Terms(),
        valid_to: date | None = None,
        status: AgreementStatus = AgreementStatus.NOT_AGREED,
    ) -> Agreement:
        """A typical agreement for ``client_segment_id`` (every client when None)."""
        return cls(
            id,
            name,
            AgreementKind.TYPICAL,
            valid_from,
            status,
            valid_to,
            terms,
            client_segment_id,
            nomenclature_segment_id,
        )

    @property
    def is_individual(self) -> bool:
        """True for an individual agreement."""
        return self.kind is AgreementKind.INDIVIDUAL

    @property
    def label(self) -> str:
        """``typical agreement 'TA-1'`` or ``individual agreement 'IA-1'``, for messages."""
        return f"{self.kind.value} agreement {self.id!r}"

    def is_valid_on(self, day: date) -> bool:
        """True if ``day`` is within the validity period."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def is_in_force_on(self, day: date) -> bool:
        """True if the agreement is active and valid on ``day``."""
        return self.status is AgreementStatus.ACTIVE and self.is_valid_on(day)

    def with_status(self, status: AgreementStatus) -> Agreement:
        """The agreement with a new status; a closed agreement stays closed.

        Raises:
            AgreementError: the agreement is closed and ``status`` is another one.
        """
        if self.status is AgreementStatus.CLOSED and status is not AgreementStatus.CLOSED:
            raise AgreementError(
                f"{self.label} is closed and cannot become {status.value}; "
                "make a new agreement instead",
                agreement=self.id,
            )
        return attrs.evolve(self, status=status)


def create_individual(
    base: Agreement,
    id: AgreementId,
    name: str,
    *,
    partner_id: PartnerId,
    valid_from: date,
    valid_to: date | None = None,
    counterparty_id: CounterpartyId | None = None,
    terms: Terms = Terms(),
    nomenclature_segment_id: SegmentId | None = None,
    status: AgreementStatus = AgreementStatus.NOT_AGREED,
) -> Agreement:
    """An individual agreement for one client, made from the typical agreement ``base``.

    The new agreement keeps only the terms it sets itself (``terms``); the
    rest are inherited from ``base`` when terms are resolved. It covers the
    base's nomenclature segment unless another one is given.

    Raises:
        AgreementError: ``base`` is not a typical agreement, or it is closed.
    """
    where = f"individual agreement {id!r}"
    if base.kind is not AgreementKind.TYPICAL:
        raise AgreementError(
            f"{where}: its base {base.id!r} is an individual agreement; "
            "make it from a typical agreement",
            agreement=id,
            base=base.id,
        )
    if base.status is AgreementStatus.CLOSED:
        raise AgreementError(
            f"{where}: its base {base.id!r} is closed; make it from an active or "
            "not yet agreed typical agreement",
            agreement=id,
            base=base.id,
        )
    return Agreement(
        id,
        name,
        AgreementKind.INDIVIDUAL,
        valid_from,
        status,
        valid_to,
        terms,
        None,
        nomenclature_segment_id
        if nomenclature_segment_id is not None
        else base.nomenclature_segment_id,
        partner_id,
        counterparty_id,
        base.id,
    )
