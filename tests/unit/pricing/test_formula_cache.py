"""Compiled formulas are kept per process, bounded, and never shared across schemas."""

from __future__ import annotations

from decimal import Decimal

from salescore.pricing import FormulaSchema, compile_formula
from salescore.pricing.formula.compile import COMPILED_KEPT, _compile_text
from salescore.pricing.formula.functions import (
    FormulaFunction,
    FunctionContext,
    FunctionRegistry,
)

SCHEMA = FormulaSchema(frozenset({"Base"}))


def test_the_same_text_under_an_equal_schema_is_compiled_once() -> None:
    first = compile_formula("[Base] * 1.25", SCHEMA)
    again = compile_formula("[Base] * 1.25", FormulaSchema(frozenset({"Base"})))
    assert again is first
    assert again.evaluate({"Base": Decimal("100.00")}, {}) == Decimal("125.0000")


def test_a_schema_that_names_other_price_types_compiles_anew() -> None:
    narrow = compile_formula("[Base] + 1", SCHEMA)
    wide = compile_formula("[Base] + 1", FormulaSchema(frozenset({"Base", "Cost"})))
    assert wide is not narrow


def test_a_function_of_the_same_name_in_another_registry_is_not_taken_from_the_cache() -> None:
    def plus(_ctx: FunctionContext, value: Decimal) -> Decimal:
        return value + 1

    def minus(_ctx: FunctionContext, value: Decimal) -> Decimal:
        return value - 1

    def schema(function: object) -> FormulaSchema:
        registry = FunctionRegistry.default().with_functions(
            FormulaFunction("shift", function, 1, 1)  # type: ignore[arg-type]
        )
        return FormulaSchema(frozenset({"Base"}), functions=registry)

    up = compile_formula("shift([Base])", schema(plus))
    down = compile_formula("shift([Base])", schema(minus))
    assert up.evaluate({"Base": Decimal(10)}, {}) == 11
    assert down.evaluate({"Base": Decimal(10)}, {}) == 9


def test_the_cache_keeps_at_most_compiled_kept_formulas() -> None:
    for n in range(COMPILED_KEPT + 50):
        compile_formula(f"[Base] + {n}", SCHEMA)
    assert _compile_text.cache_info().currsize <= COMPILED_KEPT
