"""Formula functions: reserved names, round's step, market prices in another currency or VAT
basis, and the lazy ``and`` of a formula priced through the explained path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import FormulaError, FormulaNameError
from salescore.money import Currency
from salescore.parties import Product, ProductId
from salescore.pricing import (
    FunctionContext,
    MarketPrice,
    PriceType,
    PriceTypeId,
    PricingSnapshot,
)
from salescore.pricing.formula.evaluate import Environment, evaluate
from salescore.pricing.formula.functions import FormulaFunction, FunctionRegistry
from salescore.pricing.formula.parser import parse

RUB, USD = Currency("RUB", 2), Currency("USD", 2)
ON = date(2026, 3, 31)


class Prices:
    def __init__(self, *prices: MarketPrice) -> None:
        self.prices = prices

    def market_prices(self, product_id: str) -> tuple[MarketPrice, ...]:
        return self.prices


def context(*prices: MarketPrice, vat_included: bool = True) -> FunctionContext:
    return FunctionContext("CM-100", ON, RUB, Prices(*prices), "f", vat_included, Decimal(20))


def _one(_ctx: FunctionContext) -> Decimal:
    return Decimal(1)


@pytest.mark.parametrize("name", ["if", "and", "or", "not", "2x", "with space"])
def test_a_function_cannot_take_a_keyword_or_a_name_that_is_not_an_identifier(name: str) -> None:
    with pytest.raises(FormulaError):
        FormulaFunction(name, _one, 0, 0, "one")


def test_a_function_may_take_any_other_identifier() -> None:
    assert FormulaFunction("iff", _one, 0, 0, "one").name == "iff"


def test_round_refuses_a_step_of_zero() -> None:
    round_ = FunctionRegistry.default().get("round")
    with pytest.raises(FormulaError, match=r"round\(\): the step must be positive, got 0"):
        round_.implementation(context(), Decimal("1.5"), Decimal(0))


def test_the_lowest_market_price_skips_other_currencies_wherever_they_stand() -> None:
    min_market = FunctionRegistry.default().get("min_market_price")
    dollars = MarketPrice("RIVAL", False, date(2026, 3, 1), Decimal("50.00"), USD)
    roubles = MarketPrice("BEANS", True, date(2026, 3, 2), Decimal("120.00"), RUB)
    assert min_market.implementation(context(dollars, roubles)) == Decimal("120.00")
    assert min_market.describe is not None
    assert min_market.describe(context(dollars, roubles)) == (
        "lowest of the partners' latest prices: 120.00 from BEANS on 2026-03-02"
    )


def test_a_converted_market_price_is_described_with_its_exact_figure() -> None:
    # 100.00 with 20 % VAT is 100 / 1.2 = 83.33... without VAT: shown exactly, not as 83.33.
    min_market = FunctionRegistry.default().get("min_market_price")
    gross = MarketPrice("BEANS", True, date(2026, 3, 1), Decimal("100.00"), RUB)
    assert min_market.describe is not None
    assert min_market.describe(context(gross, vat_included=False)) == (
        "lowest of the partners' latest prices: 83.33333333333333333333333333 from BEANS "
        "on 2026-03-01"
    )


def test_and_in_a_formula_needs_both_sides() -> None:
    priced = PriceType(
        PriceTypeId("P"),
        "Priced",
        "RUB",
        formula="if(1 > 0 and 0 > 1, 1, 2) + if(1 > 0 or 0 > 1, 10, 20)",
    )
    snapshot = PricingSnapshot.build([priced], ON, products=[Product(ProductId("A"), "A")])
    assert snapshot.price(ProductId("A"), priced.id).amount.amount == Decimal("12.00")


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("-[Base]", 5, -5),
        ("if(not [Base] > 10, 1, 2)", 5, 1),
        ("if(not [Base] > 10, 1, 2)", 15, 2),
        ("if([Base] > 0 and [Base] < 100, 1, 2)", 50, 1),
        ("if([Base] > 0 and [Base] < 100, 1, 2)", 150, 2),
        ("if([Base] > 10 or [Base] < 0, 1, 2)", -1, 1),
        ("if([Base] > 10 or [Base] < 0, 1, 2)", 5, 2),
    ],
)
def test_the_reference_interpreter_reads_signs_not_and_or_with_the_formulas_values(
    text: str, base: int, expected: int
) -> None:
    # The interpreter explanations use, on its own: each side read with the price given.
    tree = parse(text).tree
    assert evaluate(tree, Environment(refs={"Base": Decimal(base)})) == Decimal(expected)


def test_evaluating_without_a_value_names_what_is_missing() -> None:
    with pytest.raises(FormulaNameError, match="no value for price type 'Base'"):
        evaluate(parse("[Base] + 1").tree, Environment())
    with pytest.raises(FormulaNameError, match="no value for parameter 'quantity'"):
        evaluate(parse("quantity + 1").tree, Environment())
