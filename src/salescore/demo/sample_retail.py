"""The sample shop: a grocery outlet with two workplaces, its products, prices, stock and cards.

Separate ids from the sample company (``SHOP-*``, ``STORE-LENINA``,
``SHOP-RETAIL``), so it loads into a store on its own or beside the company.
Prices are registered from 2026-03-01; bread (general VAT, 22 % in 2026) is
45.50, cheese by weight (reduced VAT, 10 %) 129.90 a kilogram.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.app.discount_rules import save_rule_set
from salescore.app.pricing import register_price, save_price_type
from salescore.app.retail import issue_card, save_outlet
from salescore.discounts import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
)
from salescore.money import KG, LITRE, Money, Quantity
from salescore.parties import Product, ProductId, Warehouse, WarehouseId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId
from salescore.reservation import receive
from salescore.retail import CardKind, LoyaltyCard, Outlet, OutletId, TurnoverTier, Workplace
from salescore.tax import VatCategory

__all__ = [
    "PRICES",
    "SHOP",
    "SHOP_PRICE_TYPE",
    "SHOP_PRODUCTS",
    "SHOP_STORE",
    "load_sample_shop",
    "load_sample_shop_rules",
    "sample_shop_rules",
]

SHOP_STORE = WarehouseId("STORE-LENINA")
SHOP_PRICE_TYPE = PriceTypeId("SHOP-RETAIL")
SHOP = Outlet(
    OutletId("SHOP-LENINA"),
    "Grocery on Lenina",
    SHOP_STORE,
    SHOP_PRICE_TYPE,
    workplaces=(
        Workplace("POS-1", register="tcp://127.0.0.1:7778"),
        Workplace("POS-2", register="tcp://127.0.0.1:7779"),
    ),
)
SHOP_PRODUCTS = (
    Product(ProductId("BREAD"), "Bread", attributes={"barcode": "4600000000015"}),
    Product(
        ProductId("CHEESE"),
        "Cheese",
        unit=KG,
        vat_category=VatCategory.REDUCED,
        attributes={"plu": "00123"},
    ),
    Product(
        ProductId("MILK"),
        "Milk 1 l",
        vat_category=VatCategory.REDUCED,
        attributes={"barcode": "4600000000022"},
    ),
    Product(ProductId("TEA"), "Black tea", attributes={"barcode": "4600000000039"}),
    Product(ProductId("JUICE"), "Apple juice", unit=LITRE, attributes={"gtin": "04600000000046"}),
)
PRICES = {
    ProductId("BREAD"): Money("45.50", "RUB"),
    ProductId("CHEESE"): Money("129.90", "RUB"),
    ProductId("MILK"): Money("89.90", "RUB"),
    ProductId("TEA"): Money("249.00", "RUB"),
    ProductId("JUICE"): Money("119.00", "RUB"),
}
_STOCK = {
    ProductId("BREAD"): Quantity(100),
    ProductId("CHEESE"): Quantity("20.000", KG),
    ProductId("MILK"): Quantity(60),
    ProductId("TEA"): Quantity(30),
    ProductId("JUICE"): Quantity("40.000", LITRE),
}


def load_sample_shop(uow: Repositories, *, stock: bool = True) -> None:
    """Add the sample shop: warehouse, products, retail price type and prices, the
    outlet, its opening stock and a club card kind with one card (the caller commits)."""
    uow.warehouses.add(Warehouse(SHOP_STORE, "Store on Lenina", is_store=True))
    for product in SHOP_PRODUCTS:
        uow.products.add(product)
    save_price_type(uow, PriceType(SHOP_PRICE_TYPE, "Shop retail", "RUB", vat_included=True))
    for product_id, price in PRICES.items():
        register_price(uow, PriceRecord(SHOP_PRICE_TYPE, product_id, date(2026, 3, 1), price))
    save_outlet(uow, SHOP)
    if stock:
        for product_id, quantity in _STOCK.items():
            receive(
                uow.stock_ledger,
                product_id,
                SHOP_STORE,
                quantity,
                document="opening balance",
                at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
            )
    uow.card_kinds.add(
        CardKind(
            "CLUB",
            "Club card",
            (
                TurnoverTier(Decimal("5000"), "CLUB-SILVER"),
                TurnoverTier(Decimal("20000"), "CLUB-GOLD"),
            ),
        )
    )
    issue_card(uow, LoyaltyCard("0001", "2990000000019", "CLUB", "Anna Petrova"))


def sample_shop_rules() -> DiscountRuleSet:
    """The shop's discounts: 10 % off tea at the store (automatic), and the club card's
    tiers, 3 % silver (from 5,000.00 of turnover in a year) and 5 % gold (from 20,000.00);
    the best one applies."""
    return DiscountRuleSet(
        (
            Discount(
                DiscountId("TEA-WEEK"),
                "Tea week: 10 %",
                value=Decimal(10),
                condition=ConditionExpr.all_of(
                    ConditionExpr.leaf("warehouse", warehouses=[SHOP_STORE]),
                    ConditionExpr.leaf("product", products=["TEA"]),
                ),
            ),
            Discount(
                DiscountId("CLUB-SILVER"),
                "Club silver: 3 %",
                value=Decimal(3),
                condition=ConditionExpr.leaf("card_kind", kinds=["CLUB-SILVER"]),
            ),
            Discount(
                DiscountId("CLUB-GOLD"),
                "Club gold: 5 %",
                value=Decimal(5),
                condition=ConditionExpr.leaf("card_kind", kinds=["CLUB-GOLD"]),
            ),
        ),
        (
            DiscountGroup(
                GroupId("SHOP"),
                "Shop discounts",
                Combination.MAX,
                ("TEA-WEEK", "CLUB-SILVER", "CLUB-GOLD"),
            ),
        ),
    )


def load_sample_shop_rules(uow: Repositories) -> None:
    """Store :func:`sample_shop_rules` as the rule set (replacing the stored one)."""
    save_rule_set(uow, sample_shop_rules())
