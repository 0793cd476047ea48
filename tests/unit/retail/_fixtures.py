"""Shared values of the retail tests: the golden shop, its products and receipt."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salescore.money import KG, Money, Quantity
from salescore.parties import Product, ProductId, WarehouseId
from salescore.pricing import PriceTypeId
from salescore.retail import (
    Outlet,
    OutletId,
    PaymentKind,
    PricedItem,
    ReceiptKind,
    RetailLine,
    RetailPayment,
    RetailReceipt,
    Workplace,
    compose_lines,
)
from salescore.tax import VatCategory, russian_vat_rates

DAY = date(2026, 3, 2)
OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BREAD = Product(ProductId("BREAD"), "Bread")
CHEESE = Product(ProductId("CHEESE"), "Cheese", unit=KG, vat_category=VatCategory.REDUCED)
SHOP = Outlet(
    OutletId("SHOP-1"),
    "Shop on Lenina",
    WarehouseId("STORE-1"),
    PriceTypeId("RETAIL"),
    workplaces=(Workplace("POS-1", register="tcp://127.0.0.1:7778"), Workplace("POS-2")),
    discount_scope={"RETAIL-AUTO"},
)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def golden_lines() -> tuple[RetailLine, ...]:
    """2 × 45.50 bread and 1.250 kg × 129.90 cheese, 5.00 off the receipt."""
    return compose_lines(
        [
            PricedItem(BREAD, Quantity(2), rub("45.50")),
            PricedItem(CHEESE, Quantity("1.250", KG), rub("129.90")),
        ],
        receipt_discount=rub("5.00"),
        vat_rates=russian_vat_rates(),
        on=DAY,
    )


def golden_receipt(receipt_id: str = "R-1", shift_id: str = "S-1") -> RetailReceipt:
    return RetailReceipt(
        receipt_id,
        ReceiptKind.SALE,
        "SHOP-1",
        "POS-1",
        shift_id,
        datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
        golden_lines(),
        (RetailPayment(PaymentKind.CASH, rub("300.00")),),
        card_number="0001",
    )
