"""Compiled formulas: the position and names an error carries, errors of a tree without
positions, evaluation failures in words, and evaluation in the library's decimal context."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from salescore.errors import (
    FormulaError,
    FormulaEvaluationError,
    FormulaNameError,
    MissingPriceError,
)
from salescore.pricing.formula import ast
from salescore.pricing.formula.compile import FormulaSchema, check, compile_formula
from salescore.pricing.formula.parser import Formula, parse

SCHEMA = FormulaSchema(frozenset({"Base"}))


def test_a_condition_where_a_number_is_needed_is_refused_with_its_position() -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula("[Base] > 1", SCHEMA)
    assert str(error.value) == (
        "formula '[Base] > 1': the formula must compute a number, not a condition "
        "at line 1, column 8\n  [Base] > 1\n         ^"
    )
    assert error.value.details == {"formula": "[Base] > 1", "line": 1, "column": 8}


def test_an_unknown_price_type_is_named_with_its_position_and_the_known_ones() -> None:
    with pytest.raises(FormulaNameError) as error:
        compile_formula("1 + [Nope]", SCHEMA)
    assert str(error.value).endswith("\nknown price types: [Base]")
    assert error.value.details == {"formula": "1 + [Nope]", "name": "Nope", "line": 1, "column": 5}
    with pytest.raises(FormulaNameError, match=r"known price types: none$"):
        compile_formula("[Nope] + 1", FormulaSchema(frozenset()))


def test_a_tree_built_by_hand_has_no_position_to_point_at() -> None:
    tree = ast.BinOp(">", ast.Ref("Base"), ast.Number(Decimal(1)))
    with pytest.raises(FormulaError) as error:
        check(Formula("[Base] > 1", tree), SCHEMA)
    assert str(error.value) == (
        "formula '[Base] > 1': the formula must compute a number, not a condition"
    )
    assert error.value.details == {"formula": "[Base] > 1", "line": 0, "column": 0}


def test_evaluation_failures_are_said_in_words_naming_formula_and_product() -> None:
    divide = compile_formula("[Base] / 0", SCHEMA)
    with pytest.raises(FormulaEvaluationError) as error:
        divide.evaluate({"Base": Decimal(10)}, product_id="CUP")
    assert str(error.value) == "formula '[Base] / 0' for product 'CUP': division by zero"
    assert error.value.details == {"formula": "[Base] / 0", "product": "CUP"}
    with pytest.raises(FormulaEvaluationError, match=r"for product '': division by zero$"):
        divide.evaluate({"Base": Decimal(10)})
    huge = compile_formula("[Base] * 10", SCHEMA)
    with pytest.raises(
        FormulaEvaluationError, match=r"for product 'CUP': the result is too large$"
    ):
        huge.evaluate({"Base": Decimal("9E+999999")}, product_id="CUP")


def test_a_data_function_without_data_raises_the_missing_price_error_it_documents() -> None:
    average = compile_formula("avg_purchase_price(30)", SCHEMA)
    with pytest.raises(MissingPriceError, match="no supplier price of product 'CUP'"):
        average.evaluate({}, product_id="CUP")


def test_evaluation_does_not_depend_on_the_callers_decimal_context() -> None:
    third = compile_formula("[Base] / 3", SCHEMA)
    expected = third.evaluate({"Base": Decimal(10)})
    assert expected == Decimal("3." + "3" * 33)  # 34 digits, the library's precision
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert third.evaluate({"Base": Decimal(10)}) == expected


@pytest.mark.parametrize(
    ("base", "expected"), [(Decimal(5), Decimal(20)), (Decimal(1), Decimal(10))]
)
def test_not_turns_a_condition_around(base: Decimal, expected: Decimal) -> None:
    # Compiled from a parsed formula: a text is compiled once per process and kept, so a
    # formula object shows what compiling it gives now. [Base] 5: "5 > 1" holds, "not" makes
    # it false, so the else branch (20); [Base] 1: "1 > 1" fails, "not" makes it true (10).
    formula = parse("if(not [Base] > 1, 10, 20)")
    assert compile_formula(formula, SCHEMA).evaluate({"Base": base}) == expected


def test_a_formula_calling_two_functions_calls_each_one() -> None:
    # Parsed fresh, not from the compile cache (as above). [Base] 3: min(3, 5) + max(3, 5)
    # is 3 + 5 = 8; min twice would give 6, max twice 10.
    formula = parse("min([Base], 5) + max([Base], 5)")
    assert compile_formula(formula, SCHEMA).evaluate({"Base": Decimal(3)}) == Decimal(8)
