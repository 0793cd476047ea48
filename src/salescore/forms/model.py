"""The figures of a printed form, computed once by the library from a posted document.

A form's template only places these strings and amounts; it computes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import ShipmentError
from salescore.forms.words import amount_in_words
from salescore.money import Money, Quantity, total
from salescore.orders import FrozenLine, Order
from salescore.parties import Counterparty, Organization
from salescore.shipments import Shipment, ShipmentLine, share
from salescore.tax import VatRate

__all__ = [
    "FormData",
    "FormKind",
    "FormLine",
    "RateRow",
    "Requisites",
    "form_data",
    "payment_invoice_data",
]


class FormKind(enum.Enum):
    """The printed forms; the value is the title printed on the form."""

    UPD = "Универсальный передаточный документ"
    """[УПД]: invoice and transfer document in one (status 1)."""
    TORG12 = "Товарная накладная ТОРГ-12"
    """[ТОРГ-12]: the consignment note."""
    INVOICE = "Счёт-фактура"
    """[счёт-фактура]: the VAT invoice."""
    PAYMENT_INVOICE = "Счёт на оплату"
    """[счёт на оплату]: the request to pay an order."""


@attrs.frozen
class Requisites:
    """A party as a form prints it: name, INN, KPP."""

    name: str
    tax_id: str = ""
    kpp: str = ""

    @classmethod
    def of(cls, party: Organization | Counterparty) -> Requisites:
        """The requisites of our organization or of a counterparty."""
        return cls(party.name, party.tax_id or "", party.kpp or "")


@attrs.frozen
class FormLine:
    """One printed line, every figure already computed."""

    number: int
    name: str
    unit: str
    quantity: Decimal
    price_without_vat: Money
    without_vat: Money
    vat_rate: VatRate
    vat: Money
    with_vat: Money


@attrs.frozen
class RateRow:
    """The totals at one VAT rate (a form prints one row per rate)."""

    vat_rate: VatRate
    without_vat: Money
    vat: Money
    with_vat: Money


@attrs.frozen
class FormData:
    """Everything a form prints.

    Attributes:
        kind: which form.
        number, on: the document's number and date.
        seller, buyer: the two parties.
        lines: the printed lines.
        rates: totals per VAT rate, highest first ("without VAT" last).
        without_vat, vat, with_vat: the totals.
        in_words: the total with VAT in Russian words.
        basis: what the document is made on (an order, a contract), if any.
    """

    kind: FormKind
    number: str
    on: date
    seller: Requisites
    buyer: Requisites
    lines: tuple[FormLine, ...]
    rates: tuple[RateRow, ...]
    without_vat: Money
    vat: Money
    with_vat: Money
    in_words: str
    basis: str = ""


def _quantity(line: ShipmentLine | FrozenLine) -> tuple[Decimal, str]:
    q = line.quantity
    if isinstance(q, Quantity):
        return q.value, q.unit.code
    return q, "pcs"


def _build(
    kind: FormKind,
    number: str,
    on: date,
    seller: Requisites,
    buyer: Requisites,
    lines: Iterable[ShipmentLine | FrozenLine],
    names: Mapping[str, str],
    basis: str,
) -> FormData:
    printed = []
    for n, line in enumerate(lines, start=1):
        quantity, unit = _quantity(line)
        printed.append(
            FormLine(
                n,
                names.get(line.product_id, line.product_id),
                unit,
                quantity,
                share(line.without_vat, Decimal(1), quantity),
                line.without_vat,
                line.vat_rate,
                line.vat,
                line.with_vat,
            )
        )
    if not printed:
        raise ShipmentError(f"{kind.value} {number}: the document has no lines to print")
    currency = printed[0].with_vat.currency
    by_rate: dict[VatRate, list[FormLine]] = {}
    for x in printed:
        by_rate.setdefault(x.vat_rate, []).append(x)
    rates = sorted(
        (
            RateRow(
                rate,
                total((x.without_vat for x in rows), currency),
                total((x.vat for x in rows), currency),
                total((x.with_vat for x in rows), currency),
            )
            for rate, rows in by_rate.items()
        ),
        key=lambda r: -(r.vat_rate.percent if r.vat_rate.percent is not None else Decimal(-1)),
    )
    with_vat = total((x.with_vat for x in printed), currency)
    return FormData(
        kind,
        number,
        on,
        seller,
        buyer,
        tuple(printed),
        tuple(rates),
        total((x.without_vat for x in printed), currency),
        total((x.vat for x in printed), currency),
        with_vat,
        amount_in_words(with_vat),
        basis,
    )


def form_data(
    kind: FormKind,
    shipment: Shipment,
    seller: Requisites,
    buyer: Requisites,
    names: Mapping[str, str] | None = None,
) -> FormData:
    """The figures of a УПД, TORG-12 or invoice of a posted shipment.

    Raises:
        ShipmentError: the shipment was never posted (stored), or a payment
            invoice is asked of a shipment (it is made from an order).
    """
    if kind is FormKind.PAYMENT_INVOICE:
        raise ShipmentError(
            "a payment invoice is made from an order: use payment_invoice_data(order, ...)"
        )
    if shipment.version == 0:
        raise ShipmentError(
            f"shipment {shipment.id!r} is not posted: post it before printing its {kind.value}",
            shipment=shipment.id,
        )
    basis = ", ".join(f"заказ {i}" for i in shipment.order_ids)
    return _build(kind, shipment.id, shipment.on, seller, buyer, shipment.lines, names or {}, basis)


def payment_invoice_data(
    order: Order, seller: Requisites, buyer: Requisites, names: Mapping[str, str] | None = None
) -> FormData:
    """The figures of a payment invoice [счёт на оплату] of a priced order.

    Raises:
        ShipmentError: the order is not priced.
    """
    if order.prices is None:
        raise ShipmentError(
            f"order {order.id!r} is not priced: price it before printing a payment invoice",
            order=order.id,
        )
    return _build(
        FormKind.PAYMENT_INVOICE,
        order.id,
        order.on,
        seller,
        buyer,
        order.prices.lines,
        names or {},
        f"договор {order.header.contract_id}" if order.header.contract_id else "",
    )
