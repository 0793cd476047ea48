"""Shipment and return values built by hand for unit and contract tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.money import Money
from salescore.orders import LineId, OrderId
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId, WarehouseId
from salescore.shipments import (
    CustomerReturn,
    ReturnId,
    ReturnLine,
    Shipment,
    ShipmentId,
    ShipmentLine,
    hand_priced_return_line,
    return_line,
)
from salescore.tax import VatCategory, VatRate, russian_vat_rates

PARTNER, COUNTERPARTY = PartnerId("VOLGA-KZN"), CounterpartyId("KZN-LLC")
ORG = OrganizationId("ORG-1")


def rub(text: str) -> Money:
    return Money(text, "RUB")


def shipment_line(
    line_no: str,
    order_id: str,
    quantity: str,
    net: str,
    vat: str,
    *,
    rate: str = "22",
    product: str = "CM-100",
    warehouse: str | None = "MAIN",
) -> ShipmentLine:
    return ShipmentLine(
        line_no,
        OrderId(order_id),
        LineId("1"),
        ProductId(product),
        None if warehouse is None else WarehouseId(warehouse),
        Decimal(quantity),
        warehouse is None,
        net=rub(net),
        vat_rate=VatRate.parse(rate),
        vat_included=True,
        vat=rub(vat),
    )


def shipment(number: str, on: date, *lines: ShipmentLine, partner: str = "VOLGA-KZN") -> Shipment:
    return Shipment(
        ShipmentId(number), PartnerId(partner), COUNTERPARTY, ORG, "RUB", on=on, lines=lines
    )


def customer_return(
    number: str, on: date, of: Shipment, line_no: str, quantity: str
) -> CustomerReturn:
    line = return_line(of, line_no, Decimal(quantity), "1", {})
    return CustomerReturn(
        ReturnId(number), of.partner_id, of.counterparty_id, ORG, "RUB", on=on, lines=[line]
    )


def typed_line(
    line_no: str, *, order_id: str | None = None, order_line_id: str | None = None
) -> ReturnLine:
    # 1 KB-7 at a hand-typed 122.00 of 1 March 2026: 22 %, VAT 22.00
    return hand_priced_return_line(
        line_no,
        ProductId("KB-7"),
        WarehouseId("MAIN"),
        Decimal(1),
        rub("122.00"),
        sold_on=date(2026, 3, 1),
        category=VatCategory.GENERAL,
        vat_rates=russian_vat_rates(),
        order_id=None if order_id is None else OrderId(order_id),
        order_line_id=None if order_line_id is None else LineId(order_line_id),
    )
