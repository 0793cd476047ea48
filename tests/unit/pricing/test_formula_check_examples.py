"""Checking and compiling a formula: a condition where a number is needed, the schema's
limits, what a custom function sees, the generated source, and evaluation failures in words.

Formulas here are compiled from a parsed :class:`Formula` (the uncached path) or with
text no other test compiles: ``compile_formula`` keeps compiled texts per process."""

from __future__ import annotations

import traceback
import types
from decimal import Decimal

import pytest

from salescore.errors import FormulaError, FormulaEvaluationError, FormulaLimitError
from salescore.pricing.formula.compile import FormulaSchema, compile_formula
from salescore.pricing.formula.functions import (
    FormulaFunction,
    FunctionContext,
    FunctionRegistry,
)
from salescore.pricing.formula.parser import FormulaLimits, parse

SCHEMA = FormulaSchema(frozenset({"Base"}))


@pytest.mark.parametrize(
    ("text", "where", "column"),
    [
        ("min(1 < 2, 3)", "'1 < 2'", 7),
        ("max(3, [Base] >= 2)", "'[Base] >= 2'", 15),
        ("if(1 < 2, 3 > 1, 3)", "'3 > 1'", 13),
        ("if(1 < 2, 3, 4 <> 5)", "'4 <> 5'", 16),
    ],
)
def test_a_condition_given_as_a_number_argument_is_refused_where_it_is_written(
    text: str, where: str, column: int
) -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula(text, SCHEMA)
    pointer = " " * (column - 1) + "^"
    assert str(error.value) == (
        f"formula {text!r}: {where} is a condition, a number is needed here "
        f"at line 1, column {column}\n  {text}\n  {pointer}"
    )
    assert error.value.details == {"formula": text, "line": 1, "column": column}


def test_a_formula_is_parsed_with_the_limits_of_its_schema() -> None:
    short = FormulaSchema(frozenset({"Base"}), limits=FormulaLimits(max_length=8))
    assert compile_formula("[Base]*2", short).evaluate({"Base": Decimal(3)}) == 6
    with pytest.raises(FormulaLimitError, match=r"^formula is 9 characters long, more than"):
        compile_formula("[Base] *2", short)


def test_a_custom_function_sees_the_formula_and_the_product_it_is_evaluated_for() -> None:
    seen: list[tuple[str, str]] = []

    def spy(ctx: FunctionContext, value: Decimal) -> Decimal:
        seen.append((ctx.formula, ctx.product_id))
        return value

    registry = FunctionRegistry.default().with_functions(FormulaFunction("spy", spy, 1, 1))
    schema = FormulaSchema(frozenset({"Base"}), functions=registry)
    compiled = compile_formula(parse("spy([Base]) + 1"), schema)
    assert compiled.evaluate({"Base": Decimal(2)}, product_id="CUP") == 3
    assert seen == [("spy([Base]) + 1", "CUP")]


def test_a_function_failing_with_a_formula_error_is_reported_in_its_own_words() -> None:
    compiled = compile_formula(parse("round([Base], 0)"), SCHEMA)
    with pytest.raises(FormulaEvaluationError) as error:
        compiled.evaluate({"Base": Decimal(1)}, product_id="CUP")
    assert str(error.value) == (
        "formula 'round([Base], 0)' for product 'CUP': round(): the step must be positive, got 0"
    )
    assert error.value.details == {"formula": "round([Base], 0)", "product": "CUP"}


def test_the_generated_source_uses_positions_and_named_constants_only() -> None:
    compiled = compile_formula(parse("[Base] * 1.25 + min(quantity, 1.25, 1.250)"), SCHEMA)
    # 1.25 twice is one constant; 1.250 prints differently, so it is another.
    assert compiled.source == (
        "def _formula(r, p, x):\n    return ((r[0] * _k0) + _k1(x, p[0], _k0, _k2))\n"
    )
    assert compiled.evaluate({"Base": Decimal(2)}, {"quantity": Decimal(5)}) == Decimal("3.750")


def test_a_compiled_formula_runs_without_builtins_and_shows_as_a_salescore_formula() -> None:
    def boom(_ctx: FunctionContext) -> Decimal:
        raise LookupError("from a custom function")

    registry = FunctionRegistry.default().with_functions(FormulaFunction("boom", boom, 0, 0))
    compiled = compile_formula(parse("boom() + 1"), FormulaSchema(functions=registry))
    function = compiled.function
    assert isinstance(function, types.FunctionType)
    assert function.__globals__["__builtins__"] == {}
    # An error a custom function raises is its own (not an arithmetic failure): the
    # traceback passes through the formula under this name.
    with pytest.raises(LookupError) as error:
        compiled.evaluate({})
    frames = [frame.filename for frame in traceback.extract_tb(error.value.__traceback__)]
    assert "<salescore formula>" in frames
