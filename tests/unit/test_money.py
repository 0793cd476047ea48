"""Money: exact, one currency at a time, explicit rounding, no kopeck lost."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import currencies, decimal_factors, money, weights

from salescore.errors import CurrencyMismatchError, InvalidAmountError, InvalidInputError
from salescore.money import (
    Currency,
    Money,
    Rounding,
    allocate,
    allocate_units,
    round_to_step,
    total,
)

RUB = Currency.of("RUB")
USD = Currency.of("USD")


def test_currency_minor_units_come_from_iso_data() -> None:
    assert Currency.of("RUB").minor_units == 2
    assert Currency.of("JPY").minor_units == 0
    assert Currency.of("kwd").minor_units == 3


@pytest.mark.parametrize("code", ["XYZ", "", "RU"])
def test_an_unknown_currency_code_is_refused(code: str) -> None:
    with pytest.raises(InvalidInputError):
        Currency.of(code)


def test_money_refuses_floats_and_tells_what_to_pass() -> None:
    with pytest.raises(InvalidAmountError, match="float"):
        Money(0.1, RUB)  # type: ignore[arg-type]


def test_money_refuses_more_decimals_than_the_currency_has() -> None:
    with pytest.raises(InvalidAmountError, match="more decimals than RUB allows"):
        Money("1.001", RUB)
    with pytest.raises(InvalidAmountError, match="JPY"):
        Money("1.5", "JPY")


@pytest.mark.parametrize("bad", ["abc", "1,5", "NaN", "Infinity", True, None])
def test_money_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(InvalidAmountError):
        Money(bad, RUB)  # type: ignore[arg-type]


def test_equal_amounts_written_differently_are_equal_and_hash_alike() -> None:
    assert Money("1.5", RUB) == Money("1.50", RUB) == Money(Decimal("1.500"), RUB)
    assert hash(Money("1.5", RUB)) == hash(Money("1.50", RUB))
    assert Money(1, RUB) != Money(1, USD)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (Rounding.HALF_UP, "10.01"),
        (Rounding.HALF_EVEN, "10.00"),
        (Rounding.DOWN, "10.00"),
        (Rounding.UP, "10.01"),
    ],
)
def test_rounding_mode_is_explicit(rounding: Rounding, expected: str) -> None:
    assert Money.of("10.005", RUB, rounding) == Money(expected, RUB)


def test_multiplying_by_a_decimal_needs_a_rounding_and_whole_numbers_do_not() -> None:
    assert Money("0.10", RUB) * 3 == Money("0.30", RUB)
    assert Money("10.00", RUB).multiply("0.333", Rounding.HALF_UP) == Money("3.33", RUB)
    with pytest.raises(TypeError):
        Money("10.00", RUB) * Decimal("1.5")  # type: ignore[operator]


def test_formatting_follows_the_given_locale() -> None:
    assert Money("1234.50", RUB).format("ru_RU") == "1\xa0234,50\xa0₽"
    assert Money("1234.50", USD).format("en_US") == "$1,234.50"


def test_total_of_nothing_is_zero_and_money_pickles() -> None:
    assert total([], RUB) == Money.zero(RUB)
    price = Money("12.34", RUB)
    assert pickle.loads(pickle.dumps(price)) == price


def test_ratio_of_money_by_zero_is_a_clear_error() -> None:
    with pytest.raises(InvalidAmountError, match="by zero"):
        Money(1, RUB).ratio(Money(0, RUB))


@given(money(), money())
def test_arithmetic_never_mixes_currencies_silently(a: Money, b: Money) -> None:
    if a.currency == b.currency:
        assert (a + b).amount == a.amount + b.amount
        assert (a - b) + b == a
        assert (a < b) == (a.amount < b.amount)
    else:
        with pytest.raises(CurrencyMismatchError):
            a + b
        with pytest.raises(CurrencyMismatchError):
            a - b
        with pytest.raises(CurrencyMismatchError):
            _ = a < b


@given(money(), decimal_factors, st.sampled_from(list(Rounding)))
def test_multiply_result_is_within_one_minor_unit_of_the_exact_product(
    m: Money, factor: Decimal, rounding: Rounding
) -> None:
    result = m.multiply(factor, rounding)
    assert abs(result.amount - m.amount * factor) < m.currency.quantum


@given(money(), weights)
@example(Money("100.00", RUB), [Decimal(1), Decimal(1), Decimal(1)])
@example(Money("0.01", RUB), [Decimal(0), Decimal(5), Decimal(5)])
def test_allocation_sums_exactly_to_the_total(amount: Money, ws: list[Decimal]) -> None:
    parts = allocate(amount, ws)
    assert len(parts) == len(ws)
    assert total(parts, amount.currency) == amount
    assert all(p.currency == amount.currency for p in parts)


@given(money(), weights)
def test_each_allocated_part_is_within_one_minor_unit_of_its_exact_share(
    amount: Money, ws: list[Decimal]
) -> None:
    parts = allocate(amount, ws)
    weight_sum = sum(ws)
    for part, weight in zip(parts, ws, strict=True):
        exact = amount.amount * weight / weight_sum
        assert abs(part.amount - exact) < amount.currency.quantum
        if weight == 0:
            assert part.is_zero()


@given(money(), weights, st.integers(min_value=2, max_value=1000))
def test_scaling_all_weights_does_not_change_the_allocation(
    amount: Money, ws: list[Decimal], factor: int
) -> None:
    assert allocate(amount, ws) == allocate(amount, [w * factor for w in ws])


def test_leftover_units_go_to_the_largest_remainders_then_the_lowest_index() -> None:
    assert allocate_units(100, [1, 1, 1]) == (34, 33, 33)
    assert allocate_units(5, [1, 2, 2]) == (1, 2, 2)
    assert allocate_units(7, [1, 1, 1, 1]) == (2, 2, 2, 1)
    assert allocate_units(-7, [1, 1, 1, 1]) == (-2, -2, -2, -1)


@pytest.mark.parametrize(
    ("ws", "message"),
    [([], "no weights"), ([1, -1], "negative"), ([0, 0], "all weights are zero")],
)
def test_bad_weights_are_refused_with_a_reason(ws: list[int], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        allocate(Money(1, RUB), ws)


@given(currencies)
def test_allocation_works_in_every_currency_precision(currency: Currency) -> None:
    amount = Money.from_minor(1001, currency)
    assert total(allocate(amount, [1, 1, 1]), currency) == amount


def test_round_to_step_rounds_to_multiples_of_the_step() -> None:
    assert round_to_step(Decimal("1234.5"), Decimal("10"), Rounding.HALF_UP) == Decimal("1230")
    assert round_to_step(Decimal("1235"), Decimal("10"), Rounding.HALF_UP) == Decimal("1240")
    assert round_to_step(Decimal("1.02"), Decimal("0.05"), Rounding.UP) == Decimal("1.05")
    with pytest.raises(InvalidAmountError, match="positive"):
        round_to_step(Decimal(1), Decimal(0), Rounding.UP)
