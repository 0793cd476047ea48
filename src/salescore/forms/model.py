"""The figures of a printed form, computed once by the library from a posted document.

A form's template only places these strings and amounts; it computes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import ShipmentError
from salescore.forms.units import NationalUnit, national_unit
from salescore.forms.words import amount_in_words
from salescore.money import PIECE, Money, Quantity, Unit, total
from salescore.orders import FrozenLine, Order
from salescore.parties import Counterparty, Organization
from salescore.shipments import (
    CommissionLine,
    CommissionTransfer,
    CorrectionKind,
    CorrectionLine,
    Shipment,
    ShipmentCorrection,
    ShipmentLine,
    corrected_shipment,
    share,
)
from salescore.tax import VatRate

__all__ = [
    "Amounts",
    "CorrectionFormData",
    "CorrectionFormLine",
    "FormData",
    "FormKind",
    "FormLine",
    "RateRow",
    "Requisites",
    "corrected_upd_data",
    "correction_form_data",
    "form_data",
    "payment_invoice_data",
    "transfer_form_data",
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
    M15 = "Накладная на отпуск материалов на сторону М-15"
    """[М-15]: goods handed to the side without a sale (a transfer to a commission agent)."""
    UKD = "Универсальный корректировочный документ"
    """[УКД]: the corrective document of a correction agreed after the sale."""


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
    unit_code: str = ""
    """The unit's OKEI code (``796`` for ``шт``), empty when the unit has none."""


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
        revision: the correction mark of an исправленный document
            ("Исправление № 1 от 20.03.2026"), if any.
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
    revision: str = ""


def _quantity(
    line: ShipmentLine | FrozenLine | CommissionLine, units: Mapping[str, Unit]
) -> tuple[Decimal, NationalUnit]:
    """The quantity and its unit as the form prints it: an order line's own unit; for a
    shipment or transfer line (a bare number), its product's unit in ``units``, else
    pieces."""
    q = line.quantity
    if isinstance(q, Quantity):
        return q.value, national_unit(q.unit.code)
    return q, national_unit(units.get(line.product_id, PIECE).code)


def _build(
    kind: FormKind,
    number: str,
    on: date,
    seller: Requisites,
    buyer: Requisites,
    lines: Iterable[ShipmentLine | FrozenLine | CommissionLine],
    names: Mapping[str, str],
    basis: str,
    units: Mapping[str, Unit] | None = None,
) -> FormData:
    printed = []
    for n, line in enumerate(lines, start=1):
        quantity, unit = _quantity(line, units or {})
        printed.append(
            FormLine(
                n,
                names.get(line.product_id, line.product_id),
                unit.symbol,
                quantity,
                share(line.without_vat, Decimal(1), quantity),
                line.without_vat,
                line.vat_rate,
                line.vat,
                line.with_vat,
                unit.okei,
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
    *,
    units: Mapping[str, Unit] | None = None,
) -> FormData:
    """The figures of a УПД, TORG-12 or invoice of a posted shipment.

    ``names`` gives the printed name and ``units`` the unit of measure of each
    product id (a product missing from ``units`` counts in pieces, ``шт``).

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
    return _build(
        kind, shipment.id, shipment.on, seller, buyer, shipment.lines, names or {}, basis, units
    )


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


def transfer_form_data(
    transfer: CommissionTransfer,
    sender: Requisites,
    receiver: Requisites,
    names: Mapping[str, str] | None = None,
    *,
    units: Mapping[str, Unit] | None = None,
) -> FormData:
    """The figures of an M-15 [накладная на отпуск материалов на сторону] of a posted
    transfer to a commission agent (goods leave to the side, still ours).

    Raises:
        ShipmentError: the transfer was never posted.
    """
    if transfer.version == 0:
        raise ShipmentError(
            f"transfer {transfer.id!r} is not posted: post it before printing its M-15",
            transfer=transfer.id,
        )
    return _build(
        FormKind.M15,
        transfer.id,
        transfer.on,
        sender,
        receiver,
        transfer.lines,
        names or {},
        "передача на комиссию",
        units,
    )


def corrected_upd_data(
    shipment: Shipment,
    corrections: Sequence[ShipmentCorrection],
    seller: Requisites,
    buyer: Requisites,
    names: Mapping[str, str] | None = None,
    *,
    units: Mapping[str, Unit] | None = None,
) -> FormData:
    """The исправленный УПД of a shipment after error fixes [исправление ошибок]: the
    shipment's number and date with the corrected figures and the mark
    "Исправление № n от date" (n: how many error fixes were made).

    Raises:
        ShipmentError: no posted error fix among ``corrections``, or nothing is left.
    """
    fixes = sorted(
        (c for c in corrections if c.kind is CorrectionKind.ERROR_FIX and c.is_posted),
        key=lambda c: (c.on, c.id),
    )
    if not fixes:
        raise ShipmentError(
            f"shipment {shipment.id!r} has no posted error fix: print its УПД with form_data",
            shipment=shipment.id,
        )
    now = corrected_shipment(shipment, corrections)
    if now is None:
        raise ShipmentError(f"shipment {shipment.id!r} was corrected to nothing: no lines to print")
    data = form_data(FormKind.UPD, now, seller, buyer, names, units=units)
    mark = f"Исправление № {len(fixes)} от {fixes[-1].on.strftime('%d.%m.%Y')}"
    return attrs.evolve(data, revision=mark)


@attrs.frozen
class Amounts:
    """Without VAT, VAT and with VAT (a column group of the УКД)."""

    without_vat: Money
    vat: Money
    with_vat: Money


@attrs.frozen
class CorrectionFormLine:
    """One УКД line: before (А), after (Б), increase (В) and decrease (Г)."""

    number: int
    name: str
    unit: str
    quantity_before: Decimal
    quantity_after: Decimal
    price_before: Money
    price_after: Money
    vat_rate: VatRate
    before: Amounts
    after: Amounts
    increase: Amounts
    decrease: Amounts


@attrs.frozen
class CorrectionFormData:
    """Everything a УКД prints, computed by the library.

    Attributes:
        number, on: the correction's number and date.
        shipment_number, shipment_on: the shipment (счёт-фактура) it corrects.
        seller, buyer: the parties.
        lines: the corrected lines.
        increase, decrease: the totals of the increases and decreases.
        in_words: the total change with VAT in words (its magnitude).
    """

    kind: FormKind
    number: str
    on: date
    shipment_number: str
    shipment_on: date
    seller: Requisites
    buyer: Requisites
    lines: tuple[CorrectionFormLine, ...]
    increase: Amounts
    decrease: Amounts
    in_words: str


def _unit_price(amount: Money, quantity: Decimal) -> Money:
    return share(amount, Decimal(1), quantity) if quantity > 0 else Money.zero(amount.currency)


def _split(line: CorrectionLine) -> tuple[Amounts, Amounts]:
    zero = Money.zero(line.after.net.currency)
    changes = (line.without_vat_change, line.vat_change, line.with_vat_change)
    up = Amounts(*(c if c.is_positive() else zero for c in changes))
    down = Amounts(*(-c if c.is_negative() else zero for c in changes))
    return up, down


def correction_form_data(
    correction: ShipmentCorrection,
    shipment: Shipment,
    seller: Requisites,
    buyer: Requisites,
    names: Mapping[str, str] | None = None,
    *,
    units: Mapping[str, Unit] | None = None,
) -> CorrectionFormData:
    """The figures of the УКД [универсальный корректировочный документ] of a posted
    correction: per line the quantity, price and amounts before and after, and the
    increase and decrease of each amount; the totals of both.

    Raises:
        ShipmentError: the correction was never posted, is an error fix (it prints
            an исправленный УПД: :func:`corrected_upd_data`), or is of another shipment.
    """
    if not correction.is_posted:
        raise ShipmentError(
            f"correction {correction.id!r} is not posted: post it before printing its УКД",
            correction=correction.id,
        )
    if correction.kind is CorrectionKind.ERROR_FIX:
        raise ShipmentError(
            f"correction {correction.id!r} fixes an error: it gives an исправительный "
            "document, not a УКД; print it with corrected_upd_data",
            correction=correction.id,
        )
    if correction.shipment_id != shipment.id:
        raise ShipmentError(
            f"correction {correction.id!r} corrects shipment {correction.shipment_id!r}, "
            f"not {shipment.id!r}: give its own shipment",
            correction=correction.id,
        )
    names = names or {}
    printed = []
    for n, x in enumerate(correction.lines, start=1):
        up, down = _split(x)
        _, unit = _quantity(shipment.line(x.line_no), units or {})
        printed.append(
            CorrectionFormLine(
                n,
                names.get(x.product_id, x.product_id),
                unit.symbol,
                x.before.quantity,
                x.after.quantity,
                _unit_price(x.without_vat_before, x.before.quantity),
                _unit_price(x.without_vat_after, x.after.quantity),
                x.vat_rate,
                Amounts(x.without_vat_before, x.before.vat, x.with_vat_before),
                Amounts(x.without_vat_after, x.after.vat, x.with_vat_after),
                up,
                down,
            )
        )
    c = correction.currency

    def column(group: str) -> Amounts:
        parts = [getattr(x, group) for x in printed]
        return Amounts(
            total((p.without_vat for p in parts), c),
            total((p.vat for p in parts), c),
            total((p.with_vat for p in parts), c),
        )

    increase, decrease = column("increase"), column("decrease")
    change = increase.with_vat - decrease.with_vat
    return CorrectionFormData(
        FormKind.UKD,
        correction.id,
        correction.on,
        shipment.id,
        shipment.on,
        seller,
        buyer,
        tuple(printed),
        increase,
        decrease,
        amount_in_words(-change if change.is_negative() else change),
    )
