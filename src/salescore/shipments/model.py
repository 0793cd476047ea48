"""Shipments [реализация товаров и услуг] and client returns [возврат товаров от клиента].

A :class:`Shipment` is one document per client: its lines come from one or
several orders and warehouses. A line refers to an order line and takes that
line's **frozen** price and VAT: the line's share of the order line's net
amount and VAT in proportion to the quantity, and the last shipment of a line
takes exactly what is left, so the shipments of a line add up to its order
line to the kopeck.

A :class:`CustomerReturn` refers to a shipment line and **mirrors** its net
amount and VAT in the same way (never today's price); a return of goods that
were never shipped through a shipment document carries a hand-typed price and
the VAT rate of the original sale's date (:func:`hand_priced_return_line`).

>>> from fractions import Fraction
>>> share(Money("100.00", "RUB"), Decimal(1), Decimal(3))
Money('33.33', 'RUB')
>>> share(Money("0.05", "RUB"), Decimal(1), Decimal(2))
Money('0.03', 'RUB')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NewType, TypeVar

import attrs

from salescore.errors import ShipmentError
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, as_currency, total
from salescore.orders import LineId, OrderId
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.tax import VatLineFigures, VatRate, VatTotals

__all__ = [
    "CustomerReturn",
    "ReturnId",
    "ReturnLine",
    "Shipment",
    "ShipmentId",
    "ShipmentLine",
    "VatSummary",
    "share",
    "vat_summary",
]

ShipmentId = NewType("ShipmentId", str)
ReturnId = NewType("ReturnId", str)

_NO_PERCENT = Decimal(1)
"""The sort key of "without VAT" among rates sorted by minus their percent: after 0 %."""


def share(amount: Money, part: Decimal, whole: Decimal) -> Money:
    """``amount × part / whole``, half up (away from zero) to minor units, exactly.

    Computed with fractions, so the caller's decimal context changes nothing.
    """
    if whole <= 0:
        raise ShipmentError(f"cannot take a share of a quantity {whole}; it must be above zero")
    exact = Fraction(amount.minor_units) * Fraction(part) / Fraction(whole)
    sign = -1 if exact < 0 else 1
    magnitude = abs(exact)
    units = int(magnitude)
    if magnitude - units >= Fraction(1, 2):
        units += 1
    return Money.from_minor(sign * units, amount.currency)


def _quantity(value: object) -> Decimal:
    quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    if not quantity.is_finite() or quantity <= 0:
        raise ShipmentError(f"a quantity must be above zero, got {value!r}", value=str(value))
    return quantity


class _DocumentLine(VatLineFigures):
    """What shipment and return lines share beyond their VAT figures."""

    __slots__ = ()
    line_no: str
    quantity: Decimal
    net: Money
    vat: Money
    vat_included: bool

    @property
    def unit_price(self) -> Money:
        """The price of one unit with VAT (for printed forms), half up."""
        return share(self.with_vat, Decimal(1), self.quantity)


_L = TypeVar("_L", bound=_DocumentLine)


def _unique_numbers(value: Iterable[_L], kind: str) -> tuple[_L, ...]:
    """A document's lines, refusing a line number used twice."""
    lines = tuple(value)
    if len({x.line_no for x in lines}) != len(lines):
        raise ShipmentError(f"a line number is used twice: give every {kind} line its own number")
    return lines


@attrs.frozen
class ShipmentLine(_DocumentLine):
    """One line of a shipment: goods (or a service) of one order line from one warehouse.

    Attributes:
        line_no: the line's number in the shipment (``"1"``, ``"2"`` …).
        order_id, order_line_id: the order line it executes.
        product_id: the product.
        warehouse_id: the warehouse the goods leave (None for a service).
        quantity: how much.
        is_service: a service: debt, no stock.
        net: the line amount, in the order's VAT mode (a share of the frozen net).
        vat_rate, vat_included: from the order line's frozen prices.
        vat: the VAT of the line (a share of the frozen VAT).
    """

    line_no: str
    order_id: OrderId
    order_line_id: LineId
    product_id: ProductId
    warehouse_id: WarehouseId | None
    quantity: Decimal = attrs.field(converter=_quantity)
    is_service: bool = False
    net: Money = attrs.field(kw_only=True)
    vat_rate: VatRate = attrs.field(kw_only=True)
    vat_included: bool = attrs.field(kw_only=True)
    vat: Money = attrs.field(kw_only=True)


def _shipment_lines(value: Iterable[ShipmentLine]) -> tuple[ShipmentLine, ...]:
    return _unique_numbers(value, "shipment")


@attrs.frozen
class VatSummary:
    """Amounts of a document at one VAT rate (printed forms show one row per rate)."""

    rate: VatRate
    without_vat: Money
    vat: Money
    with_vat: Money


class _Priced(VatTotals):
    """Totals shared by shipments and returns: the VAT sums of their lines."""

    __slots__ = ()

    @property
    def vat_lines(self) -> Sequence[ShipmentLine | ReturnLine]:
        """The lines the VAT totals add up."""
        raise NotImplementedError


@attrs.frozen
class Shipment(_Priced):
    """A shipment [реализация товаров и услуг] to one client, posted on ``on``.

    Attributes:
        id: the document number.
        partner_id, counterparty_id, organization_id: who buys from whom.
        currency: the currency of every amount.
        on: the shipment date (stock leaves and actual debt arises on it).
        lines: one or more lines, from one or several orders and warehouses.
        replaces: the return this shipment replaces goods for (an exchange).
        by_goods_issue: the goods leave by goods issues [расходный ордер] of an
            order-based warehouse, not by this document (it posts the debt only).
        version: the stored version (0 before the first save).
    """

    id: ShipmentId
    partner_id: PartnerId
    counterparty_id: CounterpartyId
    organization_id: OrganizationId
    currency: Currency = attrs.field(converter=as_currency)
    on: date = attrs.field(kw_only=True)
    lines: tuple[ShipmentLine, ...] = attrs.field(kw_only=True, converter=_shipment_lines)
    replaces: ReturnId | None = attrs.field(default=None, kw_only=True)
    by_goods_issue: bool = attrs.field(default=False, kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise ShipmentError(f"shipment {self.id!r} has no lines: add at least one")
        for line in self.lines:
            if line.net.currency != self.currency:
                raise ShipmentError(
                    f"shipment {self.id!r} line {line.line_no} is in {line.net.currency.code}, "
                    f"the shipment in {self.currency.code}: ship each currency separately",
                    shipment=self.id,
                )

    @property
    def vat_lines(self) -> tuple[ShipmentLine, ...]:
        return self.lines

    @property
    def order_ids(self) -> tuple[OrderId, ...]:
        """The orders the shipment executes, in line order."""
        return tuple(dict.fromkeys(x.order_id for x in self.lines))

    def line(self, line_no: str) -> ShipmentLine:
        """The line ``line_no``."""
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise ShipmentError(
            f"shipment {self.id!r} has no line {line_no!r}", shipment=self.id, line=line_no
        )

    def explain(self) -> Explanation:
        """Every line with its order line, warehouse, amount and VAT, then the totals."""
        steps = [
            Step(
                f"line {x.line_no}: {x.quantity:f} {x.product_id}",
                str(x.with_vat),
                f"order {x.order_id}/{x.order_line_id}, "
                + (f"from {x.warehouse_id}" if x.warehouse_id else "service")
                + f", VAT {x.vat_rate.label} {x.vat}",
            )
            for x in self.lines
        ]
        steps += [Step("VAT", str(self.vat)), Step("total with VAT", str(self.with_vat))]
        return Explanation(f"shipment {self.id} of {self.on.isoformat()}", tuple(steps))


@attrs.frozen
class ReturnLine(_DocumentLine):
    """One returned line: a quantity of a shipment line, at that line's price and VAT.

    ``shipment_id`` and ``shipment_line_no`` are None for goods returned
    without a shipment document (a hand-typed price). ``by_receipt_order``: the
    line returns goods of a shipment posted ``by_goods_issue`` (an order-based
    warehouse); the return lowers the debt and the goods come back only with a
    receipt order [приходный ордер на товары] (:class:`~salescore.shipments.GoodsReceipt`).
    """

    line_no: str
    order_id: OrderId | None
    order_line_id: LineId | None
    product_id: ProductId
    warehouse_id: WarehouseId | None
    quantity: Decimal = attrs.field(converter=_quantity)
    shipment_id: ShipmentId | None = attrs.field(default=None, kw_only=True)
    shipment_line_no: str | None = attrs.field(default=None, kw_only=True)
    is_service: bool = attrs.field(default=False, kw_only=True)
    by_receipt_order: bool = attrs.field(default=False, kw_only=True)
    net: Money = attrs.field(kw_only=True)
    vat_rate: VatRate = attrs.field(kw_only=True)
    vat_included: bool = attrs.field(kw_only=True)
    vat: Money = attrs.field(kw_only=True)


def _return_lines(value: Iterable[ReturnLine]) -> tuple[ReturnLine, ...]:
    return _unique_numbers(value, "return")


@attrs.frozen
class CustomerReturn(_Priced):
    """Goods a client brought back [возврат товаров от клиента], posted on ``on``.

    Attributes:
        id: the document number.
        partner_id, counterparty_id, organization_id: the client and our organization.
        currency: the currency of every amount.
        on: the return date (stock comes back and debt decreases on it).
        lines: what came back, each mirroring its shipment line.
        request_id: the return request [заявка на возврат] it executes, if any.
        reason: why the goods came back.
        version: the stored version.
    """

    id: ReturnId
    partner_id: PartnerId
    counterparty_id: CounterpartyId
    organization_id: OrganizationId
    currency: Currency = attrs.field(converter=as_currency)
    on: date = attrs.field(kw_only=True)
    lines: tuple[ReturnLine, ...] = attrs.field(kw_only=True, converter=_return_lines)
    request_id: str | None = attrs.field(default=None, kw_only=True)
    reason: str = attrs.field(default="", kw_only=True)
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise ShipmentError(f"return {self.id!r} has no lines: add at least one")

    @property
    def vat_lines(self) -> tuple[ReturnLine, ...]:
        return self.lines

    @property
    def shipment_ids(self) -> tuple[ShipmentId, ...]:
        """The shipments it returns goods of."""
        return tuple(dict.fromkeys(x.shipment_id for x in self.lines if x.shipment_id))

    def explain(self) -> Explanation:
        """Every line with the shipment line it mirrors, then the totals."""
        steps = [
            Step(
                f"line {x.line_no}: {x.quantity:f} {x.product_id}",
                str(x.with_vat),
                (
                    f"mirrors shipment {x.shipment_id}/{x.shipment_line_no}"
                    if x.shipment_id
                    else "hand-typed price"
                )
                + f", VAT {x.vat_rate.label} {x.vat}",
            )
            for x in self.lines
        ]
        steps += [Step("VAT", str(self.vat)), Step("total with VAT", str(self.with_vat))]
        return Explanation(f"return {self.id} of {self.on.isoformat()}", tuple(steps))


def vat_summary(document: Shipment | CustomerReturn) -> tuple[VatSummary, ...]:
    """The document's amounts per VAT rate, highest rate first ("without VAT" last)."""
    rates: dict[VatRate, list[ShipmentLine | ReturnLine]] = {}
    for line in document.lines:
        rates.setdefault(line.vat_rate, []).append(line)
    found = []
    for rate, lines in rates.items():
        c = document.currency
        found.append(
            VatSummary(
                rate,
                total((x.without_vat for x in lines), c),
                total((x.vat for x in lines), c),
                total((x.with_vat for x in lines), c),
            )
        )
    # 0 % before "without VAT" (no percent), whichever line comes first
    return tuple(
        sorted(found, key=lambda s: _NO_PERCENT if s.rate.percent is None else -s.rate.percent)
    )
