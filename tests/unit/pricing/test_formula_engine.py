"""The formula engine: the compiled callable against the reference interpreter, and round trips."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.money._context import decimal_context
from salescore.pricing import FormulaSchema, compile_formula, parse
from salescore.pricing.formula import ast
from salescore.pricing.formula.ast import Node, to_text
from salescore.pricing.formula.evaluate import Environment, evaluate
from salescore.pricing.formula.parser import Formula

# --- price formulas ----------------------------------------------------------------

FORMULA_REFS = ("Purchase", "Закупочная", "Wholesale price")
FORMULA_PARAMS = ("quantity", "currency_rate")

formula_numbers = st.decimals(
    min_value=Decimal(0), max_value=Decimal("99999"), places=3, allow_nan=False
)


@st.composite
def numeric_trees(draw: st.DrawFn, depth: int = 4) -> Node:
    """A type-correct formula tree computing a number (``salescore.pricing.formula.ast``)."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["number", "ref", "param"]))
        if kind == "number":
            return ast.Number(draw(formula_numbers))
        if kind == "ref":
            return ast.Ref(draw(st.sampled_from(FORMULA_REFS)))
        return ast.Param(draw(st.sampled_from(FORMULA_PARAMS)))
    kind = draw(st.sampled_from(["binop", "binop", "neg", "call", "if"]))
    if kind == "binop":
        return ast.BinOp(
            draw(st.sampled_from(["+", "-", "*", "/"])),
            draw(numeric_trees(depth - 1)),
            draw(numeric_trees(depth - 1)),
        )
    if kind == "neg":
        return ast.Unary("-", draw(numeric_trees(depth - 1)))
    if kind == "if":
        return ast.IfThen(
            draw(condition_trees(depth - 1)),
            draw(numeric_trees(depth - 1)),
            draw(numeric_trees(depth - 1)),
        )
    name = draw(st.sampled_from(["min", "max", "round", "ceil", "floor", "abs"]))
    count = {"min": (1, 3), "max": (1, 3), "round": (1, 2)}.get(name, (1, 1))
    args = draw(st.lists(numeric_trees(depth - 1), min_size=count[0], max_size=count[1]))
    return ast.Call(name, tuple(args))


@st.composite
def condition_trees(draw: st.DrawFn, depth: int = 3) -> Node:
    """A type-correct formula tree computing a condition."""
    kind = draw(st.sampled_from(["compare", "compare", "logic", "not"])) if depth > 0 else "compare"
    if kind == "compare":
        return ast.BinOp(
            draw(st.sampled_from(sorted(ast.COMPARISON_OPS))),
            draw(numeric_trees(max(depth - 1, 0))),
            draw(numeric_trees(max(depth - 1, 0))),
        )
    if kind == "not":
        return ast.Unary("not", draw(condition_trees(depth - 1)))
    return ast.BinOp(
        draw(st.sampled_from(["and", "or"])),
        draw(condition_trees(depth - 1)),
        draw(condition_trees(depth - 1)),
    )


SCHEMA = FormulaSchema(frozenset(FORMULA_REFS))

values = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal(-(10**6)), max_value=Decimal(10**6), places=4, allow_nan=False),
)


def outcome(run: object) -> tuple[str, object]:
    assert callable(run)
    with decimal.localcontext(decimal_context()):
        try:
            result = run()
        except Exception as exc:  # the kind of failure must match too
            return ("error", type(exc))
    return ("value", (result, str(result)))


@settings(max_examples=100, deadline=None)
@given(
    tree=numeric_trees(),
    refs=st.tuples(*[values for _ in FORMULA_REFS]),
    params=st.tuples(*[values for _ in FORMULA_PARAMS]),
)
def test_the_compiled_formula_computes_exactly_what_the_reference_interpreter_does(
    tree: Node, refs: tuple[Decimal, ...], params: tuple[Decimal, ...]
) -> None:
    compiled = compile_formula(Formula(to_text(tree), tree), SCHEMA)
    ref_values = dict(zip(FORMULA_REFS, refs, strict=True))
    param_values = dict(zip(FORMULA_PARAMS, params, strict=True))
    env = Environment(ref_values, param_values)
    expected = outcome(lambda: evaluate(tree, env))
    r = tuple(ref_values[name] for name in compiled.references)
    p = tuple(param_values[name] for name in compiled.params)
    assert outcome(lambda: compiled.function(r, p, env.context)) == expected


@settings(max_examples=100, deadline=None)
@given(tree=numeric_trees())
def test_printing_a_tree_and_parsing_the_text_gives_the_same_tree(tree: Node) -> None:
    assert parse(to_text(tree)).tree == tree


def test_generated_code_holds_no_formula_text() -> None:
    schema = FormulaSchema(frozenset({"__import__('os').system('x')"}))
    compiled = compile_formula("[__import__('os').system('x')] * 2 + quantity", schema)
    assert "import" not in compiled.source
    assert "quantity" not in compiled.source
    assert compiled.evaluate({"__import__('os').system('x')": Decimal(3)}) == Decimal(7)


def test_if_evaluates_only_the_chosen_branch() -> None:
    compiled = compile_formula("if([Purchase] > 0, [Purchase], 1 / 0)", SCHEMA)
    assert compiled.evaluate({"Purchase": Decimal(5)}) == Decimal(5)


def test_percent_literals_are_hundredths() -> None:
    compiled = compile_formula("[Purchase] * (1 + 15%)", SCHEMA)
    assert compiled.evaluate({"Purchase": Decimal("200.00")}) == Decimal("230.00")


def test_round_ceil_floor_abs_min_max_follow_their_documented_meaning() -> None:
    cases = {
        "round(12.345, 0.05)": Decimal("12.35"),
        "round(12.5)": Decimal(13),
        "round(-12.5)": Decimal(-13),
        "ceil(1.01)": Decimal(2),
        "floor(-1.01)": Decimal(-2),
        "abs(-3.5)": Decimal("3.5"),
        "min(3, 1.5, 2)": Decimal("1.5"),
        "max(3, 1.5, 2)": Decimal(3),
        "if(1 < 2 and not 2 < 1 or 1 = 0, 10, 20)": Decimal(10),
        "if(1 <> 1, 10, 20)": Decimal(20),
    }
    for text, expected in cases.items():
        assert compile_formula(text, SCHEMA).evaluate({}) == expected, text
