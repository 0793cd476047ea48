"""Bad formulas: every failure is the engine's own error, saying what, where and what to do."""

from __future__ import annotations

import contextlib
import time
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from salescore.errors import (
    FormulaError,
    FormulaEvaluationError,
    FormulaLimitError,
    FormulaNameError,
    FormulaSyntaxError,
)
from salescore.pricing import LIMITS, FormulaSchema, compile_formula, parse

SCHEMA = FormulaSchema(frozenset({"Purchase", "Закупочная"}))


def test_a_syntax_error_gives_line_column_a_caret_and_what_was_expected() -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse("[Purchase] * 1.25\n  + * 3")
    error = caught.value
    assert (error.details["line"], error.details["column"]) == (2, 5)
    assert str(error) == (
        "formula syntax error at line 2, column 5: unexpected '*'\n"
        "    + * 3\n"
        "      ^\n"
        "expected a number, a [price type], a name, '(' or a sign"
    )


def test_a_formula_that_ends_too_early_points_after_its_last_character() -> None:
    with pytest.raises(FormulaSyntaxError, match="column 16: the formula ends too early") as caught:
        parse("max([Purchase],")
    assert caught.value.details["context"] == "  max([Purchase],\n                 ^"


def test_an_unknown_character_is_quoted() -> None:
    with pytest.raises(FormulaSyntaxError, match="unexpected character '\\$'"):
        parse("[Purchase] $ 2")


def test_chained_comparisons_are_refused_where_the_second_one_starts() -> None:
    with pytest.raises(FormulaSyntaxError, match="column 7: unexpected '<'"):
        parse("1 < 2 < 3")


def test_an_unknown_price_type_is_named_with_the_known_ones() -> None:
    with pytest.raises(FormulaNameError) as caught:
        compile_formula("[Закупочная] + [Purchse]", SCHEMA)
    assert caught.value.details["name"] == "Purchse"
    assert "unknown price type [Purchse] at line 1, column 16" in str(caught.value)
    assert "known price types: [Purchase], [Закупочная]" in str(caught.value)


def test_an_unknown_function_is_named_with_the_known_ones() -> None:
    with pytest.raises(FormulaNameError) as caught:
        compile_formula("sqrt([Purchase])", SCHEMA)
    assert "unknown function 'sqrt' at line 1, column 1" in str(caught.value)
    assert "known functions: abs, avg_purchase_price, ceil, floor, max" in str(caught.value)


def test_a_bare_unknown_name_suggests_brackets() -> None:
    with pytest.raises(FormulaNameError, match="write price types in brackets, like \\[Purchse\\]"):
        compile_formula("Purchse * 2", SCHEMA)


def test_wrong_argument_counts_and_types_are_refused_when_compiling() -> None:
    with pytest.raises(FormulaError, match="round\\(\\) takes 1 to 2 argument"):
        compile_formula("round(1, 2, 3)", SCHEMA)
    with pytest.raises(FormulaError, match="'1 < 2' is a condition, a number is needed"):
        compile_formula("(1 < 2) + 1", SCHEMA)
    with pytest.raises(FormulaError, match="'1' is a number, a condition is needed"):
        compile_formula("if(1, 2, 3)", SCHEMA)
    with pytest.raises(FormulaError, match="must compute a number, not a condition"):
        compile_formula("[Purchase] > 1", SCHEMA)


def test_division_by_zero_names_the_formula_and_the_product() -> None:
    compiled = compile_formula("[Purchase] / (quantity - 1)", SCHEMA)
    with pytest.raises(FormulaEvaluationError) as caught:
        compiled.evaluate({"Purchase": Decimal(10)}, {"quantity": Decimal(1)}, product_id="CM-1")
    assert str(caught.value) == (
        "formula '[Purchase] / (quantity - 1)' for product 'CM-1': division by zero"
    )
    details = caught.value.details
    assert (details["formula"], details["product"]) == ("[Purchase] / (quantity - 1)", "CM-1")


def test_zero_divided_by_zero_is_also_reported_as_division_by_zero() -> None:
    with pytest.raises(FormulaEvaluationError, match="division by zero"):
        compile_formula("0 / 0", SCHEMA).evaluate({}, product_id="X")


# --- limits and hostile input -------------------------------------------------------


def test_a_formula_longer_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(FormulaLimitError, match="more than the limit of 1000"):
        parse("1 + " * 300 + "1")


def test_deep_parentheses_are_refused_at_the_first_level_too_many() -> None:
    text = "(" * 21 + "1" + ")" * 21
    with pytest.raises(FormulaLimitError, match="deeper than 20 levels at line 1, column 21"):
        parse(text)
    assert parse("(" * 20 + "1" + ")" * 20).tree == parse("1").tree


def test_long_operator_chains_are_refused_by_the_depth_limit() -> None:
    with pytest.raises(FormulaLimitError, match="levels deep, more than the limit of 64"):
        parse(" + ".join(["1"] * 100))
    with pytest.raises(FormulaLimitError, match="levels deep"):
        parse("-" * 200 + "1")
    parse(" + ".join(["1"] * 60))


def test_numbers_with_too_many_digits_are_refused() -> None:
    with pytest.raises(FormulaLimitError, match="more than 24 digits"):
        parse("1" * 30)


@pytest.mark.parametrize(
    "hostile",
    [
        "(" * 5000,
        "[" * 999,
        "-" * 999 + "1",
        "not " * 240 + "1 < 2",
        "max(" * 30 + "1" + ")" * 30,
        "9" * 24 + " * " + "9" * 24 + " * " + "9" * 24 + " * " + "9" * 24,
        "round(1, 0.000000000000000000000001)",
        "1 / 3 * 3 / 7 * 7",
        "[" + "x" * 990 + "]",
        "\x00\uffff\n\t",
    ],
)
def test_hostile_inputs_end_quickly_with_an_engine_error_or_a_value(hostile: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(FormulaError):
        compile_formula(hostile, SCHEMA).evaluate({}, product_id="X")
    assert time.perf_counter() - start < 1.0


def test_the_default_limits_are_the_documented_ones() -> None:
    assert (LIMITS.max_length, LIMITS.max_nesting, LIMITS.max_depth, LIMITS.max_digits) == (
        1000,
        20,
        64,
        24,
    )


formula_alphabet = st.sampled_from(
    [*"0123456789.+-*/()[],%<>=! \n", "and", "or", "not", "if", "min", "round", "Purchase"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(formula_alphabet, max_size=40).map("".join),
    )
)
@example("[Purchase] * 1.25 ,")
@example("1e5")
@example("round(1, 0)")
@example("round(1, -1)")
def test_random_text_never_raises_anything_but_the_engines_own_errors(text: str) -> None:
    try:
        compiled = compile_formula(text, SCHEMA)
        compiled.evaluate({"Purchase": Decimal("12.50"), "Закупочная": Decimal(0)}, product_id="X")
    except FormulaError:
        pass
