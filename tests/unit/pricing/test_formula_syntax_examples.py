"""What a user reads for a formula that does not parse or check: the words, the line and
column, the pointer, and what was expected; signs and ``not`` in front of a value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import FormulaError, FormulaLimitError, FormulaSyntaxError
from salescore.pricing.formula.compile import FormulaSchema, compile_formula
from salescore.pricing.formula.parser import FormulaLimits, parse

SCHEMA = FormulaSchema(frozenset({"Base"}))
START = "a number, a [price type], a name, '(' or a sign"
AFTER = "')', ',', '%', an operator, a comparison, 'and' or 'or'"


@pytest.mark.parametrize(
    ("text", "message", "line", "column", "expected"),
    [
        (
            "[Base",
            "a price type reference must be a name in brackets on one line, like [Purchase]"
            "\n  [Base\n  ^",
            1,
            1,
            START,
        ),
        ("1 +", "the formula ends too early\n  1 +\n     ^", 1, 4, START),
        ("1 + (2", "the formula ends too early\n  1 + (2\n        ^", 1, 7, "')'"),
        ("1 2", "unexpected '2'\n  1 2\n    ^", 1, 3, AFTER),
        ("1 @ 2", "unexpected character '@'\n  1 @ 2\n    ^", 1, 3, AFTER),
        ("\n\n1 +", "the formula ends too early\n  1 +\n     ^", 3, 4, START),
        (
            "min(1,",
            "the formula ends too early\n  min(1,\n        ^",
            1,
            7,
            "a number, a [price type], a name, '(', 'not' or a sign",
        ),
    ],
)
def test_a_syntax_error_says_where_and_what_was_expected(
    text: str, message: str, line: int, column: int, expected: str
) -> None:
    with pytest.raises(FormulaSyntaxError) as error:
        compile_formula(text, SCHEMA)
    assert str(error.value) == (
        f"formula syntax error at line {line}, column {column}: {message}\nexpected {expected}"
    )
    assert error.value.details["line"] == line
    assert error.value.details["column"] == column
    assert error.value.details["expected"] == expected
    assert error.value.details["formula"] == text


def test_an_empty_formula_asks_for_an_expression() -> None:
    for text in ("", "   "):
        with pytest.raises(FormulaSyntaxError, match=r"^formula is empty: write an expression"):
            compile_formula(text, SCHEMA)


def test_a_not_in_front_of_a_condition_is_pointed_at_where_it_starts() -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula("not (1 > 0)", SCHEMA)
    assert str(error.value) == (
        "formula 'not (1 > 0)': the formula must compute a number, not a condition "
        "at line 1, column 1\n  not (1 > 0)\n  ^"
    )


def test_a_percent_is_written_back_as_the_user_wrote_it() -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula("not 5%", SCHEMA)
    assert str(error.value) == (
        "formula 'not 5%': '5%' is a number, a condition is needed here "
        "at line 1, column 5\n  not 5%\n      ^"
    )
    assert compile_formula("[Base] * 50%", SCHEMA).evaluate({"Base": Decimal(10)}) == 5


@pytest.mark.parametrize(
    ("text", "value"), [("+ + 1", "1"), ("- + - 2", "2"), ("+ - 2", "-2"), ("-+-+-3", "-3")]
)
def test_signs_in_front_of_a_value_multiply_out(text: str, value: str) -> None:
    assert compile_formula(text, SCHEMA).evaluate({}) == Decimal(value)


NESTING = FormulaLimits(max_nesting=2)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("( ( ( 1 ) ) )", 1, 5),
        ("\n(((1)))", 2, 3),
        ("(1) + (((1)))", 1, 9),  # closed groups do not count
        ("[A] + (((1)))", 1, 9),  # after a reference, parentheses count again
    ],
)
def test_parentheses_nested_past_the_limit_are_refused_where_the_limit_is_passed(
    text: str, line: int, column: int
) -> None:
    with pytest.raises(FormulaLimitError) as error:
        parse(text, NESTING)
    assert str(error.value).startswith(
        f"formula nests parentheses deeper than 2 levels at line {line}, column {column}: "
        "split it into price types\n"
    )
    assert (error.value.details["line"], error.value.details["column"]) == (line, column)


@pytest.mark.parametrize("text", ["(1) + (1) + ((1))", "((1)) + ((1))", "[Cost (((x] + ((1))"])
def test_groups_side_by_side_and_parentheses_inside_a_name_are_within_the_limit(text: str) -> None:
    parse(text, NESTING)
