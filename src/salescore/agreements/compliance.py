"""Checking a proposed sale against the agreement's terms (A6, D6).

A sale that deviates from the terms of its agreement [отклонение от условий
соглашения] can be completed only after a manager approves it. The check is
pure: :func:`check_sale` compares a :class:`ProposedSale` (plain values the
caller fills in from an order or a quote, with the reference price of each
line taken from the agreement's price type) with the effective
:class:`~salescore.agreements.Terms`, and returns every :class:`Deviation`
it finds, each with a :class:`Severity`.

>>> from decimal import Decimal
>>> from salescore.money import Currency, Money
>>> rub = Currency.of("RUB")
>>> terms = Terms(currency=rub, warehouse_id=WarehouseId("MAIN"),
...               manual_discount_limit_percent=Decimal(5))
>>> sale = ProposedSale(currency=rub, warehouse_id=WarehouseId("STORE-1"), lines=(
...     ProposedLine(ProductId("CM-100"), Decimal(2), Money("900.00", rub), Money("1000.00", rub),
...              manual_discount_percent=Decimal(7)),))
>>> for d in check_sale(sale, terms):
...     print(d)
approval: line 1 (CM-100): price 900.00 RUB is below the reference price 1000.00 RUB (by 200.00 RUB)
approval: line 1 (CM-100): manual discount 7% is above the limit of 5%
approval: shipping warehouse is STORE-1, the agreement says MAIN
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal

import attrs

from salescore.agreements.model import TERM_LABELS, PaymentForm, SettlementProcedure, Terms
from salescore.agreements.resolution import format_term
from salescore.errors import InvalidInputError
from salescore.money import Currency, Money, Rounding, to_decimal
from salescore.money._context import CTX, EXACT
from salescore.parties import OrganizationId, PriceGroupId, ProductId, WarehouseId
from salescore.records import Record, html_table

__all__ = [
    "DEFAULT_SEVERITIES",
    "Deviation",
    "DeviationKind",
    "ProposedLine",
    "ProposedSale",
    "Severity",
    "check_sale",
    "needs_approval",
]


class Severity(enum.Enum):
    """How much a deviation matters."""

    WARNING = "warning"
    """Worth a note; the sale goes on without approval."""
    APPROVAL = "approval"
    """The sale waits for approval."""
    BLOCKING = "blocking"
    """No approval can allow it; the sale must be changed."""


class DeviationKind(enum.Enum):
    """What a sale does differently from the terms."""

    PRICE_BELOW_REFERENCE = "price_below_reference"
    DISCOUNT_ABOVE_LIMIT = "discount_above_limit"
    PRICE_TYPE_CHANGED = "price_type_changed"
    CURRENCY_CHANGED = "currency_changed"
    WAREHOUSE_CHANGED = "warehouse_changed"
    PAYMENT_SCHEDULE_CHANGED = "payment_schedule_changed"
    PAYMENT_FORM_CHANGED = "payment_form_changed"
    SETTLEMENT_PROCEDURE_CHANGED = "settlement_procedure_changed"
    DELIVERY_SOONER = "delivery_sooner"
    ORGANIZATION_CHANGED = "organization_changed"


DEFAULT_SEVERITIES: Mapping[DeviationKind, Severity] = {
    DeviationKind.PRICE_BELOW_REFERENCE: Severity.APPROVAL,
    DeviationKind.DISCOUNT_ABOVE_LIMIT: Severity.APPROVAL,
    DeviationKind.PRICE_TYPE_CHANGED: Severity.APPROVAL,
    DeviationKind.CURRENCY_CHANGED: Severity.APPROVAL,
    DeviationKind.WAREHOUSE_CHANGED: Severity.APPROVAL,
    DeviationKind.PAYMENT_SCHEDULE_CHANGED: Severity.APPROVAL,
    DeviationKind.PAYMENT_FORM_CHANGED: Severity.APPROVAL,
    DeviationKind.SETTLEMENT_PROCEDURE_CHANGED: Severity.WARNING,
    DeviationKind.DELIVERY_SOONER: Severity.WARNING,
    # Another organization is another seller on the documents: it is a
    # different sale, not a concession a manager can grant.
    DeviationKind.ORGANIZATION_CHANGED: Severity.BLOCKING,
}
"""The severity of each deviation kind unless the caller passes its own."""


def _decimal(value: object) -> Decimal:
    return to_decimal(value, "quantity or percent")


@attrs.frozen
class ProposedLine:
    """One line of a proposed sale.

    Attributes:
        product_id: the product.
        quantity: how many units.
        unit_price: the price per unit the sale asks, before manual discount.
        reference_price: the price per unit of the agreement's price type,
            supplied by the caller (from salescore.pricing); None skips the
            price check for this line.
        manual_discount_percent: the manual discount given on the line.
        price_group_id: the product's price group, for per-group discount limits.
    """

    product_id: ProductId
    quantity: Decimal = attrs.field(converter=_decimal)
    unit_price: Money
    reference_price: Money | None = None
    manual_discount_percent: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    price_group_id: PriceGroupId | None = None

    def __attrs_post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidInputError(
                f"sale line {self.product_id!r}: quantity must be positive, got {self.quantity}",
                value=self.quantity,
            )
        if not Decimal(0) <= self.manual_discount_percent <= Decimal(100):
            raise InvalidInputError(
                f"sale line {self.product_id!r}: manual discount must be a percent in 0..100, "
                f"got {self.manual_discount_percent}",
                value=self.manual_discount_percent,
            )
        if (
            self.reference_price is not None
            and self.reference_price.currency != self.unit_price.currency
        ):
            raise InvalidInputError(
                f"sale line {self.product_id!r}: reference price is in "
                f"{self.reference_price.currency.code} but the price in "
                f"{self.unit_price.currency.code}; convert the reference price first",
                value=self.reference_price,
            )


@attrs.frozen
class ProposedSale:
    """A sale to check: what an order or a quote proposes, as plain values.

    Every field left ``None`` is not checked (the sale takes the agreement's value).
    """

    currency: Currency | None = None
    lines: tuple[ProposedLine, ...] = ()
    price_type_id: str | None = None  # a salescore.pricing PriceTypeId
    warehouse_id: WarehouseId | None = None
    payment_schedule_id: str | None = None
    payment_form: PaymentForm | None = None
    settlement_procedure: SettlementProcedure | None = None
    delivery_lead_days: int | None = None
    organization_id: OrganizationId | None = None


@attrs.frozen
class Deviation:
    """One way a sale departs from its agreement's terms.

    Attributes:
        kind: what deviates.
        severity: warning, approval or blocking.
        message: what deviates, in words.
        line: the 1-based line number, for line deviations.
        product_id: the line's product.
        expected: the agreement's value, as text.
        actual: the sale's value, as text.
        amount: the money the deviation costs us (a price below the
            reference: the difference times the quantity), for approval
            rules by amount.
    """

    kind: DeviationKind
    severity: Severity
    message: str
    line: int | None = None
    product_id: ProductId | None = None
    expected: str = ""
    actual: str = ""
    amount: Money | None = None

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.message}"

    def to_records(self) -> list[Record]:
        """One typed row; the deviations of a sale together: :func:`salescore.records.table`.

        ``amount`` is a Decimal in ``currency`` (both None when the deviation
        costs no money); ``expected`` and ``actual`` are the values as text.
        """
        return [
            {
                "kind": self.kind.value,
                "severity": self.severity.value,
                "line": self.line,
                "product_id": self.product_id,
                "expected": self.expected,
                "actual": self.actual,
                "amount": None if self.amount is None else self.amount.amount,
                "currency": None if self.amount is None else self.amount.currency.code,
                "message": self.message,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"deviation: {self.kind.value}")


# The header terms a sale may change, checked in this order: the field of
# ProposedSale and of Terms (same name), and the deviation it makes.
_HEADER_TERMS: Mapping[str, DeviationKind] = {
    "price_type_id": DeviationKind.PRICE_TYPE_CHANGED,
    "currency": DeviationKind.CURRENCY_CHANGED,
    "warehouse_id": DeviationKind.WAREHOUSE_CHANGED,
    "payment_schedule_id": DeviationKind.PAYMENT_SCHEDULE_CHANGED,
    "payment_form": DeviationKind.PAYMENT_FORM_CHANGED,
    "settlement_procedure": DeviationKind.SETTLEMENT_PROCEDURE_CHANGED,
    "organization_id": DeviationKind.ORGANIZATION_CHANGED,
}


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize(CTX):f}%"


def check_sale(
    sale: ProposedSale,
    terms: Terms,
    severities: Mapping[DeviationKind, Severity] = DEFAULT_SEVERITIES,
) -> tuple[Deviation, ...]:
    """Every deviation of ``sale`` from ``terms``: lines first, then the header.

    A term the agreement leaves open (``None``) or a sale value left
    ``None`` is not checked. ``severities`` overrides the severity per kind;
    kinds it does not name keep :data:`DEFAULT_SEVERITIES`.
    """
    found: list[Deviation] = []

    def add(kind: DeviationKind, message: str, **fields: object) -> None:
        severity = severities.get(kind, DEFAULT_SEVERITIES[kind])
        found.append(Deviation(kind, severity, message, **fields))  # type: ignore[arg-type]

    for number, line in enumerate(sale.lines, 1):
        where = f"line {number} ({line.product_id})"
        reference = line.reference_price
        if reference is not None and line.unit_price < reference:
            loss = (reference - line.unit_price).multiply(line.quantity, Rounding.HALF_UP)
            add(
                DeviationKind.PRICE_BELOW_REFERENCE,
                f"{where}: price {line.unit_price} is below the reference price {reference} "
                f"(by {loss})",
                line=number,
                product_id=line.product_id,
                expected=str(reference),
                actual=str(line.unit_price),
                amount=loss,
            )
        limit = terms.manual_discount_limit(line.price_group_id)
        if limit is not None and line.manual_discount_percent > limit:
            excess = EXACT.subtract(line.manual_discount_percent, limit)
            amount = line.unit_price.multiply(
                EXACT.multiply(line.quantity, excess).scaleb(-2, EXACT), Rounding.HALF_UP
            )
            add(
                DeviationKind.DISCOUNT_ABOVE_LIMIT,
                f"{where}: manual discount {_percent_text(line.manual_discount_percent)} is "
                f"above the limit of {_percent_text(limit)}",
                line=number,
                product_id=line.product_id,
                expected=_percent_text(limit),
                actual=_percent_text(line.manual_discount_percent),
                amount=amount,
            )

    for term, kind in _HEADER_TERMS.items():
        expected, actual = getattr(terms, term), getattr(sale, term)
        if expected is None or actual is None or expected == actual:
            continue
        if kind is DeviationKind.PAYMENT_FORM_CHANGED and expected is PaymentForm.ANY:
            continue
        add(
            kind,
            f"{TERM_LABELS[term]} is {format_term(actual)}, "
            f"the agreement says {format_term(expected)}",
            expected=format_term(expected),
            actual=format_term(actual),
        )
    agreed_days, asked_days = terms.delivery_lead_days, sale.delivery_lead_days
    if agreed_days is not None and asked_days is not None and asked_days < agreed_days:
        add(
            DeviationKind.DELIVERY_SOONER,
            f"delivery in {asked_days} working days, the agreement allows "
            f"{agreed_days} at the soonest",
            expected=str(agreed_days),
            actual=str(asked_days),
        )
    return tuple(found)


def needs_approval(deviations: tuple[Deviation, ...]) -> bool:
    """True if any deviation waits for approval (and none blocks the sale).

    >>> needs_approval(())
    False
    """
    severities = {d.severity for d in deviations}
    return Severity.APPROVAL in severities and Severity.BLOCKING not in severities
