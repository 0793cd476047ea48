"""Snapshot prices as of a date, worked out by hand: which rule and which VAT each product
gets, the bulk path against the one-by-one path, and the refusals a user reads."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.errors import TaxError
from salescore.money import Money
from salescore.parties import Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot
from salescore.tax import VatCategory

BEFORE_SIMPLIFIED = date(2024, 6, 1)  # the simplified 5 % exists from 2025-01-01


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
SIMPLE = Product(ProductId("S5"), "simplified", vat_category=VatCategory.SIMPLIFIED_5)
GENERAL = Product(ProductId("GEN"), "general")


def test_vat_rate_of_a_category_without_a_rate_on_the_date_is_refused_naming_the_product() -> None:
    # Same VAT mode (nothing converted), but the formula reads the product's rate.
    marked = PriceType(PriceTypeId("MARKED"), "Marked", "RUB", formula="[Base] + vat_rate")
    records = [
        PriceRecord(BASE.id, p.id, date(2024, 1, 1), rub("100.00")) for p in (SIMPLE, GENERAL)
    ]
    snapshot = PricingSnapshot.build(
        [BASE, marked], BEFORE_SIMPLIFIED, products=[SIMPLE, GENERAL], records=records
    )
    # 2024: general VAT 20 %, so 100.00 + 20 = 120.00.
    assert snapshot.prices(marked.id, [GENERAL.id]) == {GENERAL.id: rub("120.00")}
    with pytest.raises(TaxError, match=r"product 'S5'.*no 'simplified_5' rate on 2024-06-01"):
        snapshot.prices(marked.id)
    with pytest.raises(TaxError, match=r"product 'S5'.*no 'simplified_5' rate on 2024-06-01"):
        snapshot.price(SIMPLE.id, marked.id)
