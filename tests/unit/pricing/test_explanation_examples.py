"""Whole explanations of calculated prices, worked by hand: VAT taken out and added by the
product's category, parameters, characteristics, price groups without a formula, missing
references. The golden scenario files cover data functions; these cover the rest of a trace."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest

from salescore.money import Money
from salescore.parties import PriceGroupId, Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot
from salescore.pricing import snapshot as snapshot_module
from salescore.tax import VatCategory

ON = date(2026, 3, 2)
RETAIL = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB")
NET = PriceType(
    PriceTypeId("NET"), "Net", "RUB", vat_included=False, formula="[Retail] * quantity / 2"
)
PURCHASE = PriceType(PriceTypeId("PURCHASE"), "Purchase", "RUB", vat_included=False)
SHELF = PriceType(
    PriceTypeId("SHELF"),
    "Shelf",
    "RUB",
    formula="[Purchase] * 2 - vat_rate",
    group_formulas={"TEA": "[Purchase] * 2"},
)
GROUPED = PriceType(PriceTypeId("GROUPED"), "Grouped", "RUB", group_formulas={"TEA": "[Retail]"})
PRODUCTS = [  # a product without prices first: the bulk path must go on past it
    Product(ProductId("MUG"), "Mug", price_group_id=PriceGroupId("MUGS")),
    Product(
        ProductId("TEA"), "Tea", price_group_id=PriceGroupId("TEA"), vat_category=VatCategory.ZERO
    ),
    Product(ProductId("CUP"), "Cup"),
]


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


RECORDS = [
    PriceRecord(RETAIL.id, ProductId("CUP"), date(2026, 1, 1), rub("122.00")),
    PriceRecord(RETAIL.id, ProductId("CUP"), date(2026, 2, 1), rub("244.00"), "XL"),
    PriceRecord(PURCHASE.id, ProductId("CUP"), date(2026, 1, 1), rub("100.00")),
    PriceRecord(PURCHASE.id, ProductId("TEA"), date(2026, 1, 1), rub("50.00")),
]
SNAPSHOT = PricingSnapshot.build(
    [RETAIL, NET, PURCHASE, SHELF, GROUPED],
    ON,
    records=RECORDS,
    products=PRODUCTS,
    params={"quantity": Decimal(3)},
)


def explained(product: str, type_id: PriceTypeId, characteristic: str | None = None) -> str:
    return SNAPSHOT.explain(ProductId(product), type_id, characteristic).as_text()


def test_a_net_price_takes_the_vat_out_of_its_gross_reference_then_applies_the_formula() -> None:
    # 122.00 / 1.22 = 100.00 without VAT; 100.00 * 3 / 2 = 150.00.
    assert explained("CUP", NET.id) == (
        "Net price of CUP on 2026-03-02\n"
        "  1. [Retail] = 122.00 RUB  (price type Retail)\n"
        "     Retail price of CUP on 2026-03-02\n"
        "       1. registered price = 122.00 RUB  (price register, effective 2026-01-01)\n"
        "  2. [Retail] without VAT 22% = 100.00  (Retail includes VAT, Net excludes it)\n"
        "  3. parameter quantity = 3.00\n"
        "  4. formula [Retail] * quantity / 2 = 150.00  (price type Net, default formula)\n"
        "  5. rounded half up to a step of 0.01 = 150.00 RUB"
    )
    assert SNAPSHOT.price(ProductId("CUP"), NET.id).amount == rub("150.00")


def test_a_characteristic_price_is_explained_with_its_characteristic_at_every_level() -> None:
    # 244.00 / 1.22 = 200.00; 200.00 * 3 / 2 = 300.00.
    assert explained("CUP", NET.id, "XL") == (
        "Net price of CUP (XL) on 2026-03-02\n"
        "  1. [Retail] = 244.00 RUB  (price type Retail)\n"
        "     Retail price of CUP (XL) on 2026-03-02\n"
        "       1. registered price = 244.00 RUB  "
        "(price register, effective 2026-02-01, characteristic XL)\n"
        "  2. [Retail] without VAT 22% = 200.00  (Retail includes VAT, Net excludes it)\n"
        "  3. parameter quantity = 3.00\n"
        "  4. formula [Retail] * quantity / 2 = 300.00  (price type Net, default formula)\n"
        "  5. rounded half up to a step of 0.01 = 300.00 RUB"
    )


def test_a_gross_price_adds_the_vat_and_reads_the_products_rate_as_vat_rate() -> None:
    # 100.00 * 1.22 = 122.00 with VAT; 122.00 * 2 - 22 = 222.00.
    assert explained("CUP", SHELF.id) == (
        "Shelf price of CUP on 2026-03-02\n"
        "  1. [Purchase] = 100.00 RUB  (price type Purchase)\n"
        "     Purchase price of CUP on 2026-03-02\n"
        "       1. registered price = 100.00 RUB  (price register, effective 2026-01-01)\n"
        "  2. [Purchase] with VAT 22% = 122.00  (Purchase excludes VAT, Shelf includes it)\n"
        "  3. parameter vat_rate = 22.00\n"
        "  4. formula [Purchase] * 2 - vat_rate = 222.00  (price type Shelf, default formula)\n"
        "  5. rounded half up to a step of 0.01 = 222.00 RUB"
    )


def test_a_zero_rate_product_keeps_its_reference_and_uses_its_groups_formula() -> None:
    # 0 %: 50.00 stays 50.00; the TEA group's formula gives 50.00 * 2 = 100.00.
    assert explained("TEA", SHELF.id) == (
        "Shelf price of TEA on 2026-03-02\n"
        "  1. [Purchase] = 50.00 RUB  (price type Purchase)\n"
        "     Purchase price of TEA on 2026-03-02\n"
        "       1. registered price = 50.00 RUB  (price register, effective 2026-01-01)\n"
        "  2. [Purchase] unchanged (zero: 0%) = 50.00  (Purchase excludes VAT, Shelf includes it)\n"
        "  3. formula [Purchase] * 2 = 100.00  (price type Shelf, formula for price group TEA)\n"
        "  4. rounded half up to a step of 0.01 = 100.00 RUB"
    )


@pytest.mark.parametrize(("product", "group"), [("MUG", "MUGS"), ("CUP", "(none)")])
def test_a_price_group_without_a_formula_and_no_default_gives_no_price(
    product: str, group: str
) -> None:
    assert explained(product, GROUPED.id) == (
        f"Grouped price of {product} on 2026-03-02\n"
        f"  1. price type Grouped has no formula for price group {group} and no default formula"
    )


def test_a_reference_without_a_price_says_so_at_both_levels() -> None:
    assert explained("MUG", NET.id) == (
        "Net price of MUG on 2026-03-02\n"
        "  1. [Retail] has no price\n"
        "     Retail price of MUG on 2026-03-02\n"
        "       1. no registered Retail price in force on 2026-03-02: "
        "register one in the price register\n"
        "  2. no price: [Retail] has no price"
    )


def test_bulk_prices_are_the_explained_prices() -> None:
    assert SNAPSHOT.prices(NET.id) == {ProductId("CUP"): rub("150.00")}
    assert SNAPSHOT.prices(SHELF.id) == {
        ProductId("TEA"): rub("100.00"),
        ProductId("CUP"): rub("222.00"),
    }
    assert SNAPSHOT.amounts(SHELF.id, [ProductId("CUP"), ProductId("MUG")]) == {
        ProductId("CUP"): Decimal("222.00")
    }
    assert SNAPSHOT.prices(GROUPED.id) == {}


def test_explanations_and_prices_do_not_depend_on_the_callers_decimal_context() -> None:
    expected = {t: explained("CUP", t) for t in (NET.id, SHELF.id)}
    bulk = SNAPSHOT.prices(SHELF.id)
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        again = PricingSnapshot.build(
            [RETAIL, NET, PURCHASE, SHELF, GROUPED],
            ON,
            records=RECORDS,
            products=PRODUCTS,
            params={"quantity": Decimal(3)},
        )
        assert {t: again.explain(ProductId("CUP"), t).as_text() for t in expected} == expected
        assert again.prices(SHELF.id) == bulk
        assert again.amounts(NET.id) == {ProductId("CUP"): Decimal("150.00")}


def test_a_tiny_figure_is_shown_in_full_not_in_exponent_notation() -> None:
    snapshot = PricingSnapshot.build(
        [RETAIL, NET], ON, records=RECORDS, products=PRODUCTS, params={"quantity": Decimal("1E-7")}
    )
    text = snapshot.explain(ProductId("CUP"), NET.id).as_text()
    # 100.00 * 0.0000001 / 2 = 0.000005, rounded to 0.00.
    assert "  3. parameter quantity = 0.0000001\n" in text
    assert "  4. formula [Retail] * quantity / 2 = 0.000005  " in text
    assert text.endswith("rounded half up to a step of 0.01 = 0.00 RUB")


def test_a_full_price_memo_starts_afresh_and_still_answers_every_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    snapshot = PricingSnapshot.build(
        [RETAIL, NET, PURCHASE, SHELF, GROUPED],
        ON,
        records=RECORDS,
        products=PRODUCTS,
        params={"quantity": Decimal(3)},
    )
    monkeypatch.setattr(snapshot_module, "PRICE_MEMO_SIZE", 2)
    cup, tea, mug = ProductId("CUP"), ProductId("TEA"), ProductId("MUG")
    assert snapshot.prices(SHELF.id, [cup]) == {cup: rub("222.00")}
    # Two more ids than the memo holds, one twice: the memo is emptied and refilled.
    assert snapshot.prices(SHELF.id, [tea, mug, tea]) == {tea: rub("100.00")}
    for product in (cup, tea, mug, cup):
        snapshot.prices(SHELF.id, [product])
        assert len(snapshot._money_memo[SHELF.id]) <= 2
    assert snapshot.prices(SHELF.id, [mug, cup]) == {cup: rub("222.00")}


def test_a_price_carries_its_product_type_and_date_and_explains_itself() -> None:
    price = SNAPSHOT.price(ProductId("CUP"), NET.id)
    assert (price.product_id, price.price_type_id, price.on) == (ProductId("CUP"), NET.id, ON)
    assert price.explain().as_text() == explained("CUP", NET.id)
