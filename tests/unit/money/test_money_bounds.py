"""The documented bounds on amounts, and the examples of issue 12 worked by hand."""

from __future__ import annotations

import decimal
import pickle
import random
import tracemalloc
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.errors import InvalidAmountError, InvalidInputError
from salescore.money import (
    AMOUNT_LIMIT,
    KG,
    PIECE,
    Currency,
    Money,
    Quantity,
    Rounding,
    Unit,
    allocate,
    decimal_places,
    round_to_step,
)
from salescore.receivables import Payment, SettlementAccount

TOP = "999999999999999999.99"  # the largest amount in roubles


def test_the_examples_of_the_issue_are_exact_under_a_four_digit_context() -> None:
    with decimal.localcontext(decimal.Context(prec=4)):
        assert Money("123.45", "RUB") + Money("0.01", "RUB") == Money("123.46", "RUB")
        parts = allocate(Money("123.45", "RUB"), [1, 2])
        price = Money("1234.56", "RUB").multiply(Decimal("0.15"), Rounding.HALF_UP)
    # 123.45 / 3 = 41.15 exactly; the rest goes to the second part.
    assert parts == (Money("41.15", "RUB"), Money("82.30", "RUB"))
    assert price == Money("185.18", "RUB")  # 185.184 rounded half up


@pytest.mark.parametrize("text", ["1e18", "-1e18", "1e31", "1e32", "1E+999999", "1E+999999999"])
def test_amounts_at_or_beyond_the_bound_are_refused_with_what_to_do(text: str) -> None:
    with pytest.raises(InvalidAmountError, match=r"below 10\^18") as caught:
        Money(text, "RUB")
    assert not isinstance(caught.value, decimal.DecimalException)
    with pytest.raises(InvalidAmountError, match=r"below 10\^18"):
        Money.of(text, "RUB")


def test_the_largest_amount_is_kept_exactly_and_rounding_up_past_the_bound_is_refused() -> None:
    top = Money(TOP, "RUB")
    assert top.minor_units == 10**20 - 1
    assert -top == Money("-" + TOP, "RUB")
    assert abs(Decimal(TOP)) < AMOUNT_LIMIT == Decimal(10) ** 18
    with pytest.raises(InvalidAmountError):
        Money.of("999999999999999999.995", "RUB", Rounding.HALF_UP)
    assert Money.of("999999999999999999.995", "RUB", Rounding.DOWN) == top


def test_arithmetic_that_would_leave_the_bound_is_refused_not_rounded() -> None:
    top, kopeck = Money(TOP, "RUB"), Money("0.01", "RUB")
    with pytest.raises(InvalidAmountError, match="adding"):
        top + kopeck
    with pytest.raises(InvalidAmountError, match="subtracting"):
        -top - kopeck
    with pytest.raises(InvalidAmountError, match="multiplying"):
        top * 2
    with pytest.raises(InvalidAmountError, match="multiplying"):
        top.multiply(Decimal("1.0000000000000000000001"), Rounding.UP)
    with pytest.raises(InvalidAmountError, match="multiplying"):
        kopeck.multiply(Decimal("1E+999999999"), Rounding.UP)
    assert top.multiply(Decimal("1.0000000000000000000001"), Rounding.DOWN) == top
    assert top - kopeck + kopeck == top


def test_from_minor_is_exact_up_to_the_bound_and_refuses_beyond() -> None:
    assert Money.from_minor(10**19 + 1, "RUB").minor_units == 10**19 + 1
    assert Money.from_minor(10**20 - 1, "RUB") == Money(TOP, "RUB")
    for units in (10**20, 10**28 + 1, -(10**40)):
        with pytest.raises(InvalidAmountError, match=r"below 10\^18"):
            Money.from_minor(units, "RUB")
    assert Money.from_minor(10**18 - 1, "JPY").minor_units == 10**18 - 1


@given(st.integers(-(10**20) + 1, 10**20 - 1))
def test_minor_units_round_trip_exactly_over_the_whole_range(units: int) -> None:
    assert Money.from_minor(units, "RUB").minor_units == units


def test_allocating_the_largest_amount_sums_exactly() -> None:
    parts = allocate(Money(TOP, "RUB"), [1, 1, 1])
    assert [p.minor_units for p in parts] == [33333333333333333333] * 3
    assert sum(p.minor_units for p in parts) == 10**20 - 1


@pytest.mark.parametrize("weight", ["1E+36", "1E-37", "1E+999999"])
def test_weights_out_of_range_are_refused(weight: str) -> None:
    with pytest.raises(InvalidAmountError, match="weight 1"):
        allocate(Money("10.00", "RUB"), [Decimal(1), Decimal(weight)])


def test_tiny_and_huge_weights_within_range_are_split_exactly() -> None:
    # 10**35 : 1 : 10**-36 -- the last two get nothing of 10.00.
    parts = allocate(Money("10.00", "RUB"), [Decimal("1E+35"), 1, Decimal("1E-36")])
    assert parts == (Money("10.00", "RUB"), Money(0, "RUB"), Money(0, "RUB"))


def test_quantities_are_bounded_too() -> None:
    with pytest.raises(InvalidAmountError, match="quantity"):
        Quantity("1e29", PIECE)
    with pytest.raises(InvalidAmountError, match="quantity"):
        Quantity("999999999999999999", PIECE) + Quantity(1, PIECE)
    with pytest.raises(InvalidAmountError, match="quantity"):
        Quantity(1, PIECE).convert(KG, Decimal("1E+30"))
    assert Quantity("999999999999999999.999", KG).value == Decimal("999999999999999999.999")
    with pytest.raises(InvalidInputError, match=r"0\.\.9"):
        Unit("nm", "nanometre", 12)


def test_round_to_step_refuses_a_step_count_it_cannot_hold_and_handles_huge_steps() -> None:
    assert round_to_step(Decimal("123"), Decimal("1E+1000"), Rounding.HALF_UP) == 0
    assert round_to_step(Decimal("6E+999"), Decimal("1E+1000"), Rounding.HALF_UP) == Decimal(
        "1E+1000"
    )
    with pytest.raises(InvalidAmountError, match="coarser step"):
        round_to_step(Decimal("1E+50"), Decimal("0.01"), Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match="finite"):
        round_to_step(Decimal("NaN"), Decimal("0.01"), Rounding.HALF_UP)


def test_decimal_places_counts_only_significant_decimals() -> None:
    assert decimal_places(Decimal("12.50")) == 1
    assert decimal_places(Decimal("1E+1000")) == 0
    assert decimal_places(Decimal("-0.0000")) == 0
    assert decimal_places(Decimal("0.0100")) == 2
    with pytest.raises(InvalidAmountError):
        decimal_places(Decimal("Infinity"))


def test_a_converted_payment_is_rounded_once_from_the_exact_product() -> None:
    # 1.00 USD at 1.00499999999999999999999999999999999 (36 digits): exactly
    # 1.00499... RUB, so 1.00 half up. Rounding the product to 34 digits first
    # would make it 1.005 and then 1.01.
    rate = Decimal("1.00499999999999999999999999999999999")
    payment = Payment(
        "P", SettlementAccount("A", "RUB"), date(2026, 1, 5), Money("1.00", "USD"), rate=rate
    )
    assert payment.settled == Money("1.00", "RUB")


def test_a_malformed_string_is_named_whatever_the_callers_traps() -> None:
    with (
        decimal.localcontext(decimal.Context(traps=[])),
        pytest.raises(InvalidAmountError, match="not a decimal number"),
    ):
        Money("12,50", "RUB")


def test_currency_spellings_leave_the_cache_bounded() -> None:
    rng = random.Random(12)
    codes = ["RUB", "USD", "EUR", "JPY", "KWD", "CNY", "GBP"]
    Currency.of("RUB")
    spellings: set[str] = set()
    while len(spellings) < 10_000:
        code = rng.choice(codes)
        mixed = "".join(c.lower() if rng.random() < 0.5 else c for c in code)
        spellings.add(" " * rng.randrange(40) + mixed + " " * rng.randrange(40))
    for spelling in list(spellings)[:100]:  # warm up: every code built once
        Currency.of(spelling)
    for code in codes:
        Currency.of(code)
    wrong = refused = 0
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for spelling in spellings:
            wrong += Currency.of(spelling).code != spelling.strip().upper()
        for n in range(2_000):
            try:
                Currency.of(f"Q{n:05d}")
            except InvalidInputError:
                refused += 1
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert (wrong, refused) == (0, 2_000)
    # Caching 10,000 spellings would hold about a megabyte; the bounded cache holds none.
    assert grown < 64 * 1024
    assert Currency.of(" usd ") is Currency.of("USD")


def test_results_of_arithmetic_are_ordinary_money_values() -> None:
    a, b = Money("10.25", "RUB"), Money("3.10", "RUB")
    for result in (a + b, a - b, -a, abs(-a), a * 3, a.multiply(Decimal("0.5"), Rounding.UP)):
        assert type(result) is Money
        assert pickle.loads(pickle.dumps(result)) == result
        assert attrs.asdict(result)["amount"] == result.amount
        built = Money(result.amount, "RUB")
        assert (result == built, hash(result) == hash(built)) == (True, True)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.amount = Decimal(0)  # type: ignore[misc]
