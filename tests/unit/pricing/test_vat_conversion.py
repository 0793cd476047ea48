"""A price type of the other VAT mode adds or takes out the VAT of the product's
category in force on the snapshot date (22 % general from 2026-01-01, 20 % before).

Every expected figure is worked out by hand in the comment beside it; the property
test compares with a conversion written here from the published rates, not with
the library's table.
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.errors import ScenarioError, TaxError
from salescore.money import Money
from salescore.parties import Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot
from salescore.scenario.sales import parse_sales
from salescore.tax import VatCategory

LAST_20 = date(2025, 12, 31)
FIRST_22 = date(2026, 1, 1)

PURCHASE = PriceType(PriceTypeId("PURCHASE"), "Purchase", "RUB", vat_included=False)
WHOLESALE = PriceType(PriceTypeId("WHOLESALE"), "Wholesale", "RUB", formula="[Purchase]")
RETAIL = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB")
NET = PriceType(PriceTypeId("NET"), "Net", "RUB", vat_included=False, formula="[Retail]")
BACK = PriceType(PriceTypeId("BACK"), "Back", "RUB", formula="[Net]")
TYPES = [PURCHASE, WHOLESALE, RETAIL, NET, BACK]

PRODUCTS = [
    Product(ProductId("GEN"), "general"),
    Product(ProductId("RED"), "reduced", vat_category=VatCategory.REDUCED),
    Product(ProductId("ZERO"), "zero", vat_category=VatCategory.ZERO),
    Product(ProductId("FREE"), "exempt", vat_category=VatCategory.EXEMPT),
]


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def snapshot(on: date, purchase: str = "1000.00", retail: str = "1220.00") -> PricingSnapshot:
    records = []
    for product in PRODUCTS:
        records.append(PriceRecord(PURCHASE.id, product.id, date(2025, 1, 1), rub(purchase)))
        records.append(PriceRecord(RETAIL.id, product.id, date(2025, 1, 1), rub(retail)))
    return PricingSnapshot.build(TYPES, on, products=PRODUCTS, records=records)


def prices(on: date, type_id: PriceTypeId) -> dict[str, str]:
    return {pid: str(m.amount) for pid, m in snapshot(on).prices(type_id).items()}


def test_vat_is_added_at_20_percent_on_2025_12_31_and_at_22_percent_from_2026_01_01() -> None:
    # general: 1000.00 × 1.20 = 1200.00 on 31 Dec 2025; 1000.00 × 1.22 = 1220.00 on 1 Jan 2026
    # reduced: 1000.00 × 1.10 = 1100.00 on both; 0 % and without VAT: 1000.00 unchanged
    assert prices(LAST_20, WHOLESALE.id) == {
        "GEN": "1200.00",
        "RED": "1100.00",
        "ZERO": "1000.00",
        "FREE": "1000.00",
    }
    assert prices(FIRST_22, WHOLESALE.id) == {
        "GEN": "1220.00",
        "RED": "1100.00",
        "ZERO": "1000.00",
        "FREE": "1000.00",
    }


def test_vat_is_taken_out_at_the_rate_of_the_snapshot_date() -> None:
    # general: 1220.00 / 1.20 = 1016.666… → 1016.67 in 2025; 1220.00 / 1.22 = 1000.00 in 2026
    # reduced: 1220.00 / 1.10 = 1109.0909… → 1109.09 on both dates
    assert prices(LAST_20, NET.id) == {
        "GEN": "1016.67",
        "RED": "1109.09",
        "ZERO": "1220.00",
        "FREE": "1220.00",
    }
    assert prices(FIRST_22, NET.id) == {
        "GEN": "1000.00",
        "RED": "1109.09",
        "ZERO": "1220.00",
        "FREE": "1220.00",
    }


def test_the_explanation_shows_the_rate_of_the_date_and_an_unconverted_product() -> None:
    old = snapshot(LAST_20).explain(ProductId("GEN"), WHOLESALE.id).as_text()
    new = snapshot(FIRST_22).explain(ProductId("GEN"), WHOLESALE.id).as_text()
    assert "[Purchase] with VAT 20% = 1200.00" in old
    assert "[Purchase] with VAT 22% = 1220.00" in new
    reduced = snapshot(FIRST_22).explain(ProductId("RED"), NET.id).as_text()
    assert "[Retail] without VAT 10% = 1109.09" in reduced
    exempt = snapshot(FIRST_22).explain(ProductId("FREE"), WHOLESALE.id).as_text()
    assert "[Purchase] unchanged (exempt: без НДС) = 1000.00" in exempt
    zero = snapshot(FIRST_22).explain(ProductId("ZERO"), WHOLESALE.id).as_text()
    assert "[Purchase] unchanged (zero: 0%) = 1000.00" in zero


def test_the_vat_rate_parameter_is_the_percent_of_the_date() -> None:
    with_param = PriceType(PriceTypeId("P"), "P", "RUB", formula="[Purchase] * 0 + vat_rate")
    on = {
        day: PricingSnapshot.build(
            [PURCHASE, with_param],
            day,
            products=PRODUCTS,
            records=[
                PriceRecord(PURCHASE.id, p.id, date(2025, 1, 1), rub("1.00")) for p in PRODUCTS
            ],
        ).amounts(with_param.id)
        for day in (LAST_20, FIRST_22)
    }
    assert on[LAST_20] == {"GEN": 20, "RED": 10, "ZERO": 0, "FREE": 0}
    assert on[FIRST_22] == {"GEN": 22, "RED": 10, "ZERO": 0, "FREE": 0}


def test_a_category_without_a_rate_on_the_date_is_refused_only_when_converted() -> None:
    # the simplified 5 % exists from 2025-01-01: in 2024 there is no rate to add
    simple = Product(ProductId("S5"), "simplified", vat_category=VatCategory.SIMPLIFIED_5)
    records = [PriceRecord(PURCHASE.id, simple.id, date(2024, 1, 1), rub("100.00"))]
    early = PricingSnapshot.build(
        [PURCHASE, WHOLESALE], date(2024, 6, 1), products=[simple], records=records
    )
    assert early.prices(PURCHASE.id) == {"S5": rub("100.00")}
    with pytest.raises(TaxError, match=r"product 'S5'.*no 'simplified_5' rate on 2024-06-01"):
        early.prices(WHOLESALE.id)
    with pytest.raises(TaxError, match="product 'S5'"):
        early.explain(simple.id, WHOLESALE.id)
    later = PricingSnapshot.build(
        [PURCHASE, WHOLESALE], date(2025, 6, 1), products=[simple], records=records
    )
    assert later.prices(WHOLESALE.id) == {"S5": rub("105.00")}  # 100.00 × 1.05


_HAND_FACTORS = {  # published rates, written here independently of ru_vat.toml
    (VatCategory.GENERAL, LAST_20): Decimal("1.20"),
    (VatCategory.GENERAL, FIRST_22): Decimal("1.22"),
    (VatCategory.REDUCED, LAST_20): Decimal("1.10"),
    (VatCategory.REDUCED, FIRST_22): Decimal("1.10"),
    (VatCategory.ZERO, LAST_20): Decimal(1),
    (VatCategory.ZERO, FIRST_22): Decimal(1),
    (VatCategory.EXEMPT, LAST_20): Decimal(1),
    (VatCategory.EXEMPT, FIRST_22): Decimal(1),
}
_CENT = Decimal("0.01")


@settings(max_examples=200, deadline=None)
@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2),
    category=st.sampled_from(
        [VatCategory.GENERAL, VatCategory.REDUCED, VatCategory.ZERO, VatCategory.EXEMPT]
    ),
    on=st.sampled_from([LAST_20, FIRST_22]),
)
def test_out_of_vat_and_back_loses_nothing_beyond_one_rounding_step(
    amount: Decimal, category: VatCategory, on: date
) -> None:
    product = Product(ProductId("X"), "x", vat_category=category)
    snap = PricingSnapshot.build(
        TYPES,
        on,
        products=[product],
        records=[PriceRecord(RETAIL.id, product.id, date(2025, 1, 1), rub(str(amount)))],
    )
    factor = _HAND_FACTORS[category, on]
    net = snap.prices(NET.id)[product.id].amount
    back = snap.prices(BACK.id)[product.id].amount
    # each step is the exact conversion rounded half up to the kopeck
    with decimal.localcontext(decimal.Context(prec=50)):
        assert net == (amount / factor).quantize(_CENT, decimal.ROUND_HALF_UP)
        assert back == (net * factor).quantize(_CENT, decimal.ROUND_HALF_UP)
        # the net price is off by at most half a kopeck, which the factor scales, plus the
        # half kopeck of the last rounding: never more than one kopeck in all
        assert abs(back - amount) <= _CENT / 2 * factor + _CENT / 2
        assert abs(back - amount) <= _CENT
    if factor == 1:
        assert net == back == amount


SCENARIO = """
currency = "RUB"

[[products]]
id = "BEANS"
vat_rate = "10"
"""


def test_a_scenario_still_using_vat_rate_is_refused_naming_file_key_and_the_new_key() -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_sales(SCENARIO, "old.toml")
    message = str(refused.value)
    assert message.startswith("old.toml: products[0].vat_rate: the key `vat_rate` is no longer")
    assert 'write the VAT category as vat = "reduced"' in message
    assert refused.value.details["path"] == "products[0].vat_rate"
    with pytest.raises(ScenarioError, match=r"products\[0\]\.vat: expected one of 'general'"):
        parse_sales(SCENARIO.replace('vat_rate = "10"', 'vat = "20"'), "bad.toml")
