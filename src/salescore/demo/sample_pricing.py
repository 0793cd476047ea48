"""The sample company's price types and prices (B1–B4), for the demo and the docs.

Purchase prices are registered without VAT; wholesale is calculated from
them (machines and consumables with different margins, by price group);
retail from wholesale, rounded up to .99 (machines up to 9.99 in tens). The
supplier's and the competitor's price lists feed two data-based types:
the average purchase price of the last 30 days and the minimum market price.

>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.app.pricing import load_snapshot
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_prices(uow)
...     snapshot = load_snapshot(uow, SAMPLE_DATE)
>>> snapshot.prices(RETAIL)["CM-100"]  # 12000 x 1.22 (VAT 2026) x 1.25 x 1.2 = 21960.00
Money('21960.99', 'RUB')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.app.pricing import register_price, save_price_type
from salescore.money import Money, Rounding
from salescore.parties import PartnerId, PriceGroupId, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, RoundingRule

__all__ = [
    "AVERAGE_PURCHASE",
    "MARKET",
    "PURCHASE",
    "RETAIL",
    "SAMPLE_DATE",
    "WHOLESALE",
    "load_sample_prices",
]

SAMPLE_DATE = date(2026, 3, 2)
"""The date the demo prices on."""

PURCHASE = PriceTypeId("PURCHASE")
WHOLESALE = PriceTypeId("WHOLESALE")
RETAIL = PriceTypeId("RETAIL")
AVERAGE_PURCHASE = PriceTypeId("AVG-PURCHASE")
MARKET = PriceTypeId("MARKET")
HORECA = PriceTypeId("HORECA")
WHOLESALE_COFFEE = PriceTypeId("WHOLESALE-COFFEE")
CHAIN = PriceTypeId("CHAIN")
SUPPLIER_LIST = PriceTypeId("BEANS-LIST")
RIVAL_LIST = PriceTypeId("RIVAL-LIST")

_PURCHASE_PRICES = {
    "CM-100": "12000.00",
    "CM-300": "31500.00",
    "GR-10": "4150.00",
    "BEANS-ARABICA": "1180.00",
    "FILTERS": "95.00",
    "SETUP": "1500.00",
}
_SUPPLIER_PRICES = [  # (product, date, price): the supplier's price list over time
    ("BEANS-ARABICA", date(2026, 1, 20), "1150.00"),
    ("BEANS-ARABICA", date(2026, 2, 10), "1200.00"),
    ("BEANS-ARABICA", date(2026, 2, 25), "1240.00"),
    ("FILTERS", date(2026, 2, 15), "90.00"),
]
_RIVAL_PRICES = [
    ("CM-100", date(2026, 2, 1), "19990.00"),
    ("BEANS-ARABICA", date(2026, 2, 20), "1990.00"),
    ("FILTERS", date(2026, 2, 20), "149.00"),
]


def load_sample_prices(uow: Repositories) -> None:
    """Add the sample price types and prices; the sample company must be loaded first."""
    price_types = [
        PriceType(PURCHASE, "Закупочная", "RUB", vat_included=False),
        PriceType(
            SUPPLIER_LIST,
            "Bean Importers list",
            "RUB",
            vat_included=False,
            partner_id=PartnerId("BEANS"),
        ),
        PriceType(RIVAL_LIST, "Coffee Rival prices", "RUB", partner_id=PartnerId("RIVAL")),
        PriceType(
            WHOLESALE,
            "Оптовая",
            "RUB",
            formula="[Закупочная] * 1.25",
            group_formulas={PriceGroupId("CONSUMABLES"): "[Закупочная] * (1 + 40%)"},
        ),
        PriceType(
            RETAIL,
            "Розничная",
            "RUB",
            formula="[Оптовая] * 1.3",
            group_formulas={PriceGroupId("MACHINES"): "[Оптовая] * 1.2"},
            rounding=RoundingRule(Decimal(1), Rounding.CEILING, Decimal("0.99")),
        ),
        # The price types the sample agreements name (see sample_agreements.py).
        PriceType(HORECA, "Для кафе", "RUB", formula="[Оптовая] * 1.1"),
        PriceType(WHOLESALE_COFFEE, "Оптовая (кофе)", "RUB", formula="[Закупочная] * 1.3"),
        PriceType(CHAIN, "Для сетей", "RUB", formula="[Оптовая] * 1.05"),
        PriceType(
            AVERAGE_PURCHASE,
            "Average purchase (30 days)",
            "RUB",
            vat_included=False,
            formula="avg_purchase_price(30)",
        ),
        PriceType(
            MARKET,
            "Market minimum",
            "RUB",
            formula="min_market_price()",
            rounding=RoundingRule(Decimal(10), Rounding.FLOOR),
        ),
    ]
    for price_type in price_types:
        save_price_type(uow, price_type)
    for product, amount in _PURCHASE_PRICES.items():
        register_price(
            uow, PriceRecord(PURCHASE, ProductId(product), date(2026, 1, 10), Money(amount, "RUB"))
        )
    for type_id, rows in ((SUPPLIER_LIST, _SUPPLIER_PRICES), (RIVAL_LIST, _RIVAL_PRICES)):
        for product, day, amount in rows:
            register_price(uow, PriceRecord(type_id, ProductId(product), day, Money(amount, "RUB")))
