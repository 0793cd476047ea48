"""Money, currencies and quantities at their edges: equality in comparisons, the errors a caller
reads (which input, which operation), codes and scales at their bounds, fresh currency codes."""

from __future__ import annotations

import decimal
import pickle
from decimal import Decimal

import pytest

from salescore.errors import CurrencyMismatchError, InvalidAmountError, InvalidInputError
from salescore.money import (
    BOX,
    KG,
    PIECE,
    Currency,
    Money,
    Quantity,
    Rounding,
    Unit,
    allocate,
    allocate_units,
    as_currency,
    to_decimal,
)
from salescore.money import currency as currency_module

TOP = Money("999999999999999999.99", "RUB")  # the largest amount in roubles
ONE = Money("1.00", "RUB")
DOLLAR = Money("1.00", "USD")


def test_equal_amounts_compare_as_equal_not_as_greater() -> None:
    same = Money("1.00", "RUB")
    assert same >= ONE
    assert same <= ONE
    assert not same > ONE
    assert not same < ONE
    assert Money("1.01", "RUB") >= ONE
    assert not Money("0.99", "RUB") >= ONE
    assert Money("0.99", "RUB") <= ONE
    assert not Money("1.01", "RUB") <= ONE


def test_equal_quantities_compare_as_equal_not_as_greater() -> None:
    a, b = Quantity("2.500", KG), Quantity("2.5", KG)
    assert a >= b
    assert a <= b
    assert not a > b
    assert not a < b
    assert Quantity("2.501", KG) >= b
    assert not Quantity("2.499", KG) >= b
    with pytest.raises(InvalidInputError, match="cannot combine pcs with kg"):
        assert a <= Quantity(2, PIECE)
    with pytest.raises(InvalidInputError, match="cannot combine pcs with kg"):
        assert a >= Quantity(2, PIECE)


def test_money_of_two_currencies_is_refused_naming_the_operation() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"^cannot add USD to RUB"):
        _ = ONE + DOLLAR
    with pytest.raises(CurrencyMismatchError, match=r"^cannot subtract USD to RUB"):
        _ = ONE - DOLLAR
    with pytest.raises(CurrencyMismatchError, match=r"^cannot compare USD to RUB"):
        _ = ONE < DOLLAR
    with pytest.raises(CurrencyMismatchError, match=r"^cannot divide USD to RUB"):
        ONE.ratio(DOLLAR)


def test_money_with_a_number_that_is_not_money_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _ = ONE + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = ONE - Decimal(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = ONE * Decimal("1.5")  # type: ignore[operator]


def test_an_amount_beyond_the_bound_names_the_operation_and_both_operands() -> None:
    with pytest.raises(
        InvalidAmountError, match=r"^adding 999999999999999999\.99 RUB and 1\.00 RUB"
    ):
        _ = TOP + ONE
    with pytest.raises(InvalidAmountError, match=r"^subtracting .* and 1\.00 RUB") as error:
        _ = -TOP - ONE
    assert error.value.details["value"] == -TOP.amount
    with pytest.raises(InvalidAmountError, match=r"^multiplying .* and 2 gives"):
        _ = TOP * 2
    with pytest.raises(InvalidAmountError, match=r"^multiplying .* and 1\.5 gives"):
        TOP.multiply(Decimal("1.5"), Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match=r"^amount 1E\+18 is beyond"):
        Money(Decimal("1E+18"), "RUB")
    with pytest.raises(InvalidAmountError, match=r"^quantity 1E\+18 is beyond"):
        Quantity(Decimal("1E+18"), PIECE)
    with pytest.raises(InvalidAmountError, match=r"^quantity 1E\+18 is beyond"):
        Quantity.of(Decimal("1E+18"), PIECE)


def test_an_input_that_is_not_a_number_is_named_by_its_role() -> None:
    with pytest.raises(InvalidAmountError, match=r"^factor 'x' is not a decimal number"):
        ONE.multiply("x", Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match=r"^factor must be finite"):
        ONE.multiply(Decimal("Infinity"), Rounding.HALF_UP)
    with pytest.raises(InvalidAmountError, match=r"^quantity 'two' is not a decimal number"):
        Quantity("two", PIECE)
    with pytest.raises(InvalidAmountError, match=r"^quantity 'two' is not a decimal number"):
        Quantity.of("two", PIECE)
    with pytest.raises(InvalidAmountError, match=r"^factor 'x' is not a decimal number"):
        Quantity(1, KG).convert(PIECE, "x")
    with pytest.raises(InvalidAmountError, match=r"^weight 1 'x' is not a decimal number"):
        allocate(ONE, [1, "x"])
    with pytest.raises(InvalidAmountError, match=r"^weight 0 'x' is not a decimal number"):
        allocate_units(5, ["x"])


def test_a_finite_decimal_factor_and_a_string_factor_multiply_alike() -> None:
    assert ONE.multiply(Decimal("0.125"), Rounding.HALF_UP) == Money("0.13", "RUB")
    assert ONE.multiply("0.125", Rounding.DOWN) == Money("0.12", "RUB")


def test_from_minor_refuses_what_is_not_a_whole_number_of_units() -> None:
    with pytest.raises(InvalidAmountError, match="minor units must be an int, got Decimal"):
        Money.from_minor(Decimal(150), "RUB")  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="minor units must be an int, got bool"):
        Money.from_minor(True, "RUB")
    assert Money.from_minor(150, "RUB") == Money("1.50", "RUB")
    assert Money.from_minor(150, "JPY") == Money("150", "JPY")
    assert Money.from_minor(0, Currency.of("KWD")).amount == Decimal("0.000")


def test_the_largest_amount_in_minor_units_is_accepted_and_one_more_is_not() -> None:
    assert Money.from_minor(99999999999999999999, "RUB") == TOP
    assert Money.from_minor(-99999999999999999999, "RUB") == -TOP
    with pytest.raises(InvalidAmountError):
        Money.from_minor(100000000000000000000, "RUB")


@pytest.mark.parametrize(
    ("code", "minor_units"), [("kwd", "3"), (" clf ", "4"), ("Isk", "0"), ("omr", "3")]
)
def test_an_iso_code_in_any_spelling_gives_its_currency_once(
    code: str, minor_units: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a fresh process: no currency looked up yet, so this one is built from the CLDR data.
    monkeypatch.setattr(currency_module, "_BY_CODE", {})
    currency = Currency.of(code)
    assert currency.code == code.strip().upper()
    assert currency.minor_units == int(minor_units)
    assert Currency.of(code.strip().upper()) is currency
    assert Currency.of(code) is currency
    assert Currency.of("RUB").code == "RUB"


@pytest.mark.parametrize("code", ["RU", "RUBL", "R1B", "rub", "Rub", "ру6"])
def test_a_currency_code_is_three_capital_letters(code: str) -> None:
    with pytest.raises(InvalidInputError, match="three capital letters"):
        Currency(code, 2)


def test_a_latin_code_of_three_capitals_is_a_valid_currency() -> None:
    assert Currency("XTS", 2).code == "XTS"


@pytest.mark.parametrize("places", [0, 8])
def test_a_currency_has_zero_to_eight_minor_units(places: int) -> None:
    assert Currency("XTS", places).minor_units == places


@pytest.mark.parametrize("places", [-1, 9])
def test_minor_units_outside_zero_to_eight_are_refused(places: int) -> None:
    with pytest.raises(InvalidInputError, match=r"minor units must be 0\.\.8"):
        Currency("XTS", places)


@pytest.mark.parametrize("scale", [0, 9])
def test_a_unit_has_zero_to_nine_decimals(scale: int) -> None:
    assert Unit("u", "unit", scale).scale == scale


@pytest.mark.parametrize("scale", [-1, 10, True, 2.0])
def test_a_unit_scale_outside_zero_to_nine_or_not_an_int_is_refused(scale: object) -> None:
    with pytest.raises(InvalidInputError, match=r"scale .* must be 0\.\.9"):
        Unit("u", "unit", scale)  # type: ignore[arg-type]


def test_a_quantity_survives_pickling() -> None:
    weight = Quantity("2.125", KG)
    assert pickle.loads(pickle.dumps(weight)) == weight
    assert pickle.loads(pickle.dumps(Quantity(0, PIECE))) == Quantity(0, PIECE)


def test_a_zero_total_allocates_zeros_and_a_positive_total_positive_parts() -> None:
    assert allocate_units(0, [1, 2]) == (0, 0)
    assert allocate_units(3, [1, 2]) == (1, 2)
    assert allocate_units(1, [1, 1]) == (1, 0)
    assert allocate(Money("0.01", "RUB"), [0, 1]) == (Money("0.00", "RUB"), Money("0.01", "RUB"))


def test_a_currency_built_by_hand_is_kept_as_built() -> None:
    # The error for an unknown code tells the caller to build Currency(code, minor_units) itself.
    points = Currency("ZZP", 3)
    amount = Money("1.125", points)
    assert amount.currency is points
    assert Money.from_minor(1125, points) == amount
    # the converter of every other currency field keeps it too, not looked up by its code
    assert as_currency(points) is points


def test_a_float_is_refused_naming_what_was_given() -> None:
    with pytest.raises(InvalidAmountError, match=r"^money cannot be built from a float \(0\.1\)"):
        to_decimal(0.1)
    # A parameter whose name contains "amount" keeps its name (it was 'min_money').
    with pytest.raises(InvalidAmountError, match=r"^parameter 'min_amount' cannot be built"):
        to_decimal(0.5, "parameter 'min_amount'")


def test_the_leftover_unit_goes_to_the_largest_remainder_not_the_first_part() -> None:
    # 10 by 1:2 is 3.33 and 6.67 exactly: floors 3 and 6, remainders 1/3 and 2/3,
    # so the one unit left over goes to the second part.
    assert allocate_units(10, [1, 2]) == (3, 7)
    # 1.00 RUB by 1:2 is 0.333 and 0.667: the cent left over goes to the larger remainder.
    assert allocate(ONE, [1, 2]) == (Money("0.33", "RUB"), Money("0.67", "RUB"))
    # Equal remainders: the lowest index first (10 by 1:1:1 is 3.33 each).
    assert allocate_units(10, [1, 1, 1]) == (4, 3, 3)


class TaggedMoney(Money):
    """A caller's own kind of money (say, money tagged with its source)."""


def test_money_of_a_subclass_adds_and_subtracts_as_money() -> None:
    tagged = TaggedMoney("2.50", "RUB")
    assert ONE + tagged == Money("3.50", "RUB")
    assert ONE - tagged == Money("-1.50", "RUB")


def test_the_fast_path_for_amounts_in_minor_units_gives_the_same_money_and_keeps_the_bound() -> (
    None
):
    # Pricing builds its rounded prices through Money._exact, skipping the validating
    # constructor: the result must be the Money the constructor gives, and the bound holds.
    rub = Currency.of("RUB")
    made = Money._exact(Decimal("12.34"), rub)
    assert made == Money("12.34", "RUB")
    assert (made.amount, made.currency) == (Decimal("12.34"), rub)
    assert Money._exact(TOP.amount, rub) == TOP
    for beyond in ("1000000000000000000.00", "-1000000000000000000.00"):
        with pytest.raises(InvalidAmountError, match=r"below 10\^18"):
            Money._exact(Decimal(beyond), rub)


def test_zero_money_is_zero_and_one_kopeck_is_not() -> None:
    assert Money.zero("RUB").is_zero()
    assert Money("-0.00", "RUB").is_zero()
    assert not Money("0.01", "RUB").is_zero()
    assert not Money("-0.01", "RUB").is_zero()


def test_only_an_amount_below_zero_is_negative() -> None:
    assert Money("-0.01", "RUB").is_negative()
    assert not Money("0.00", "RUB").is_negative()
    assert not Money("0.50", "RUB").is_negative()


def test_a_negated_quantity_keeps_its_unit() -> None:
    assert -Quantity("1.5", KG) == Quantity("-1.500", KG)
    assert repr(-Quantity("1.5", KG)) == "Quantity('-1.500', 'kg')"
    assert Quantity("2.5", KG) - Quantity("1", KG) == Quantity("1.500", KG)


def test_converting_rounds_as_asked() -> None:
    # 7 pieces at 10 pieces a box are 0.7 boxes: 0 full boxes rounded down, 1 half up.
    assert Quantity(7, PIECE).convert(BOX, "0.1", Rounding.DOWN) == Quantity(0, BOX)
    assert Quantity(7, PIECE).convert(BOX, "0.1") == Quantity(1, BOX)


def test_quantities_do_not_depend_on_a_callers_narrow_decimal_context() -> None:
    # 12345.678 kg has eight digits: a caller's three-digit context must not cut it short
    # (nor refuse it) when the quantity is built or rounded to the unit.
    with decimal.localcontext() as caller:
        caller.prec = 3
        built = Quantity("12345.678", KG)
        rounded = Quantity.of("12345.6785", KG)
    assert built.value == Decimal("12345.678")
    assert rounded == Quantity("12345.679", KG)


def test_money_and_allocation_do_not_depend_on_a_callers_narrow_decimal_context() -> None:
    with decimal.localcontext() as caller:
        caller.prec = 3
        # 123456 kopecks are 1234.56 roubles, all six digits kept
        from_kopecks = Money.from_minor(123456, "RUB")
        # one unit by 1 : 1.001 goes to the larger weight (1.001 is not taken as 1.00)
        units = allocate_units(1, ["1", "1.001"])
    assert from_kopecks == Money("1234.56", "RUB")
    assert units == (0, 1)
