"""Price types and rounding rules at their edges, and the price history's put and drop."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest

from salescore.errors import InvalidAmountError, InvalidInputError, NotFoundError
from salescore.money import Money, Rounding
from salescore.money._context import decimal_context
from salescore.parties import ProductId
from salescore.pricing import PriceHistory, PriceRecord, PriceType, PriceTypeId, RoundingRule
from salescore.pricing.register import no_such_record

BASE = PriceTypeId("BASE")
CUP = ProductId("CUP")


@pytest.mark.parametrize("name", ["Base [old]", "Base]", "Base[", "Base\nprice"])
def test_a_price_type_name_cannot_hold_brackets_or_line_breaks(name: str) -> None:
    with pytest.raises(InvalidInputError, match="cannot contain brackets or line breaks"):
        PriceType(BASE, name, "RUB")


def test_an_empty_price_type_name_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError, match=r"^PriceType\.name must be a non-empty string"):
        PriceType(BASE, " ", "RUB")


def test_a_rounding_step_must_be_a_positive_number() -> None:
    with pytest.raises(InvalidInputError, match="rounding step must be positive, got 0"):
        RoundingRule(Decimal(0))
    with pytest.raises(InvalidAmountError, match=r"^rounding step 'x' is not a decimal number"):
        RoundingRule("x")
    with pytest.raises(InvalidAmountError, match=r"^price ending 'x' is not a decimal number"):
        RoundingRule(Decimal(1), Rounding.CEILING, "x")


def test_an_ending_may_be_zero_but_not_the_step_itself() -> None:
    assert RoundingRule(Decimal(10), Rounding.CEILING, Decimal(0)).apply(Decimal("41")) == 50
    assert RoundingRule(Decimal(1), Rounding.CEILING, Decimal("0.99")).apply(Decimal("4.2")) == (
        Decimal("4.99")
    )
    with pytest.raises(InvalidInputError, match="must be at least 0 and below the step 1"):
        RoundingRule(Decimal(1), Rounding.CEILING, Decimal(1))


def test_a_rule_applies_in_the_library_context_whatever_the_callers() -> None:
    rule = RoundingRule(Decimal("0.01"), Rounding.HALF_UP)
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert rule.apply(Decimal("12345.675")) == Decimal("12345.68")


def test_a_rule_finer_than_the_currency_names_the_price_type_and_the_figure() -> None:
    fine_step = RoundingRule(Decimal("0.001"))
    with pytest.raises(
        InvalidInputError,
        match=r"^price type 'Base': rounding step 0\.001 is finer than RUB allows \(0\.01\); "
        r"use a multiple of 0\.01",
    ):
        PriceType(BASE, "Base", "RUB", rounding=fine_step)
    fine_ending = RoundingRule(Decimal(1), Rounding.CEILING, Decimal("0.999"))
    with pytest.raises(InvalidInputError, match=r"rounding ending 0\.999 is finer than RUB"):
        PriceType(BASE, "Base", "RUB", rounding=fine_ending)


def _record(day: int, price: str) -> PriceRecord:
    return PriceRecord(BASE, CUP, date(2026, 1, day), Money(price, "RUB"))


def test_putting_a_price_on_a_taken_date_replaces_it_and_returns_the_old_one() -> None:
    history = PriceHistory()
    assert history.put(_record(5, "10.00")) is None
    assert history.put(_record(5, "12.00")) == _record(5, "10.00")
    assert history.records == [_record(5, "12.00")]


def test_dropping_a_price_removes_only_that_date() -> None:
    history = PriceHistory()
    for day, price in ((1, "10.00"), (5, "11.00"), (9, "12.00")):
        history.put(_record(day, price))
    assert history.drop(date(2026, 1, 4)) is None
    assert history.drop(date(2026, 1, 5)) == _record(5, "11.00")
    assert history.records == [_record(1, "10.00"), _record(9, "12.00")]
    assert history.as_of(date(2026, 1, 8)) == _record(1, "10.00")


def test_removing_a_price_that_is_not_there_says_which() -> None:
    error = no_such_record(BASE, CUP, date(2026, 1, 5))
    assert isinstance(error, NotFoundError)
    assert str(error) == "price register: no price of 'BASE' for 'CUP' effective 2026-01-05"
    assert error.details["id"] == (BASE, CUP, None, date(2026, 1, 5))
    sized = no_such_record(BASE, CUP, date(2026, 1, 5), "XL")
    assert str(sized) == "price register: no price of 'BASE' for 'CUP' (XL) effective 2026-01-05"


# A caller's context whose exponent range stops at whole numbers: 0.1 there is below the
# smallest number it can hold and becomes 0.
NARROW = decimal.Context(prec=1, Emin=0, Emax=1)


def test_a_rounding_rules_rounder_made_in_a_callers_context_rounds_to_its_step() -> None:
    with decimal.localcontext(NARROW):
        rounder = RoundingRule(Decimal("0.1")).rounder()
    with decimal.localcontext(decimal_context()):
        assert rounder(Decimal("12.34")) == Decimal("12.3")  # not 12: the step is 0.1


def test_a_price_types_rounder_made_in_a_callers_context_rounds_to_its_step() -> None:
    tenths = PriceType(BASE, "Base", "RUB", rounding=RoundingRule(Decimal("0.1")))
    with decimal.localcontext(NARROW):
        rounder = tenths.rounder()
    with decimal.localcontext(decimal_context()):
        price = rounder(Decimal("12.34"))
    assert str(price) == "12.30"  # to the step 0.1, then written in kopecks; not 12.00
