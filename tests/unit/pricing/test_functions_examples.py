"""The data functions of formulas: what they read, and the error when there is nothing to read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import FormulaError, MissingPriceError
from salescore.money import Currency
from salescore.pricing import FunctionContext, MarketPrice
from salescore.pricing.formula.functions import avg_purchase_price, min_market_price

RUB, USD = Currency("RUB", 2), Currency("USD", 2)
ON = date(2026, 3, 31)


class Prices:
    def __init__(self, *prices: MarketPrice) -> None:
        self.prices = prices

    def market_prices(self, product_id: str) -> Sequence[MarketPrice]:
        return self.prices if product_id == "CM-100" else ()


def supplier(partner: str, on: date, amount: str, *, vat: bool = True) -> MarketPrice:
    return MarketPrice(partner, True, on, Decimal(amount), RUB, vat)


def context(*prices: MarketPrice, vat_included: bool = True) -> FunctionContext:
    return FunctionContext("CM-100", ON, RUB, Prices(*prices), "f", vat_included, Decimal(20))


def test_avg_purchase_price_without_supplier_prices_raises_missing_price() -> None:
    with pytest.raises(MissingPriceError, match=r"no supplier price of product 'CM-100' in RUB"):
        avg_purchase_price(context())
    competitor = MarketPrice("RIVAL", False, ON, Decimal(100), RUB)
    with pytest.raises(MissingPriceError, match="in the 30 days up to 2026-03-31"):
        avg_purchase_price(context(competitor))


def test_min_market_price_without_any_price_raises_missing_price() -> None:
    with pytest.raises(MissingPriceError, match=r"no competitor or supplier price of product"):
        min_market_price(context())
    # A price in another currency, or registered after the pricing date, is no data either.
    dollars = MarketPrice("RIVAL", False, ON, Decimal(1), USD)
    with pytest.raises(MissingPriceError):
        min_market_price(context(dollars, supplier("S1", date(2026, 4, 1), "10")))


def test_avg_purchase_price_counts_the_days_up_to_and_including_the_pricing_date() -> None:
    prices = (
        supplier("S1", date(2026, 3, 1), "1000"),  # 30 days before: outside (on - 30, on]
        supplier("S1", date(2026, 3, 2), "100"),  # 29 days before: inside
        supplier("S2", ON, "200"),  # the pricing date itself: inside
        supplier("S3", date(2026, 4, 1), "5000"),  # after the pricing date: outside
    )
    assert avg_purchase_price(context(*prices)) == Decimal(150)
    assert avg_purchase_price(context(*prices), Decimal(31)) == Decimal(1300) / 3


def test_avg_purchase_price_period_must_be_whole_days_from_1_to_3660() -> None:
    price = supplier("S1", ON, "100")
    assert avg_purchase_price(context(price), Decimal(1)) == Decimal(100)
    assert avg_purchase_price(context(price), Decimal(3660)) == Decimal(100)
    for days in ("0", "3661", "1.5"):
        with pytest.raises(FormulaError, match=r"whole number of days 1\.\.3660"):
            avg_purchase_price(context(price), Decimal(days))


def test_prices_on_the_other_vat_basis_are_converted_with_the_products_rate() -> None:
    # 120 with 20 % VAT is 100 without; 100 without VAT is 120 with.
    assert avg_purchase_price(context(supplier("S1", ON, "120")), Decimal(1)) == Decimal(120)
    assert avg_purchase_price(
        context(supplier("S1", ON, "120"), vat_included=False), Decimal(1)
    ) == Decimal(100)
    assert avg_purchase_price(context(supplier("S1", ON, "100", vat=False)), Decimal(1)) == Decimal(
        120
    )


def test_min_market_price_takes_each_partners_latest_price_then_the_lowest() -> None:
    prices = (
        supplier("S1", date(2026, 1, 1), "50"),  # S1's old price: superseded
        MarketPrice("RIVAL", False, date(2026, 2, 1), Decimal(90), RUB),
        supplier("S1", date(2026, 3, 1), "95"),
        supplier("S2", date(2026, 4, 2), "10"),  # after the pricing date
    )
    assert min_market_price(context(*prices)) == Decimal(90)
