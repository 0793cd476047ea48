"""Formula text to tree, and the error a user sees with its position: the limits at their
bounds, numbers and percents exactly as written, names in brackets, ``if`` with the wrong
number of arguments, the two spellings of (in)equality, and the pointer under the spot."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from salescore.errors import FormulaError, FormulaLimitError, FormulaNameError, FormulaSyntaxError
from salescore.pricing.formula import ast
from salescore.pricing.formula.compile import FormulaSchema, compile_formula
from salescore.pricing.formula.parser import FormulaLimits, parse, point_at


def test_a_number_of_exactly_the_digit_limit_is_read_and_one_digit_more_is_refused() -> None:
    limits = FormulaLimits(max_digits=4)
    # The decimal point is not a digit: 12.34 has four.
    assert parse("12.34", limits).tree == ast.Number(Decimal("12.34"))
    assert parse("1234", limits).tree == ast.Number(Decimal(1234))
    with pytest.raises(FormulaLimitError) as error:
        parse("1 + 123.45", limits)
    assert str(error.value) == "number '123.45'... at line 1, column 5 has more than 4 digits"
    assert error.value.details == {"line": 1, "column": 5, "limit": 4}


def test_a_number_too_long_is_quoted_by_its_first_thirty_characters() -> None:
    with pytest.raises(FormulaLimitError) as error:
        parse("1" * 40)
    assert str(error.value) == f"number '{'1' * 30}'... at line 1, column 1 has more than 24 digits"


def test_numbers_and_percents_are_exact_whatever_the_callers_decimal_context() -> None:
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        number = parse("1234.5678").tree
        percent = parse("1234.5678%").tree
    assert number == ast.Number(Decimal("1234.5678"))
    # 1234.5678 % is 1234.5678 / 100 = 12.345678, all eight digits kept.
    assert isinstance(percent, ast.Number)
    assert percent.value == Decimal("12.345678")
    assert str(percent.value) == "12.345678"
    assert percent.text == "1234.5678%"


def test_a_name_in_brackets_is_read_with_its_spaces_collapsed() -> None:
    assert parse("[  Wholesale   price ]").tree == ast.Ref("Wholesale price")
    assert parse("[Цена\tоптовая]").tree == ast.Ref("Цена оптовая")


def test_brackets_with_only_spaces_are_an_empty_name_pointed_at() -> None:
    with pytest.raises(FormulaSyntaxError) as error:
        parse("1 + [   ]")
    assert str(error.value) == (
        "empty price type name at line 1, column 5: write a name between the brackets, "
        "like [Purchase]"
    )
    assert error.value.details == {"line": 1, "column": 5}


@pytest.mark.parametrize(("text", "count"), [("if(1 < 2, 3)", 2), ("1 + if(1 < 2, 3, 4, 5)", 4)])
def test_if_with_other_than_three_arguments_is_refused_where_it_is_written(
    text: str, count: int
) -> None:
    column = text.index("if") + 1
    with pytest.raises(FormulaError) as error:
        parse(text)
    assert str(error.value) == (
        f"if() takes exactly 3 arguments (condition, then, otherwise), got {count} "
        f"at line 1, column {column}"
    )
    assert error.value.details == {"line": 1, "column": column}


def test_if_with_three_arguments_is_a_choice_not_a_call() -> None:
    tree = parse("if([A] > 1, 2, 3)").tree
    assert tree == ast.IfThen(
        ast.BinOp(">", ast.Ref("A"), ast.Number(Decimal(1))),
        ast.Number(Decimal(2)),
        ast.Number(Decimal(3)),
    )
    assert tree.position == (1, 1)


def test_a_call_without_arguments_has_none() -> None:
    assert parse("today()").tree == ast.Call("today", ())


@pytest.mark.parametrize(
    ("text", "op"), [("1 == 2", "="), ("1 != 2", "<>"), ("1 = 2", "="), ("1 <> 2", "<>")]
)
def test_both_spellings_of_equal_and_not_equal_are_one_operator(text: str, op: str) -> None:
    tree = parse(text).tree
    assert tree == ast.BinOp(op, ast.Number(Decimal(1)), ast.Number(Decimal(2)))
    assert ast.to_text(tree) == f"1 {op} 2"
    assert tree.position == (1, 3)


def test_a_chain_of_and_or_groups_left_to_right_with_and_binding_first() -> None:
    a, b, c = (ast.BinOp("<", ast.Number(Decimal(n)), ast.Ref("X")) for n in (1, 2, 3))
    assert parse("1 < [X] or 2 < [X] and 3 < [X]").tree == ast.BinOp(
        "or", a, ast.BinOp("and", b, c)
    )
    assert parse("1 < [X] and 2 < [X] and 3 < [X]").tree == ast.BinOp(
        "and", ast.BinOp("and", a, b), c
    )


def test_signs_and_not_are_positioned_where_they_are_written() -> None:
    tree = parse("  - [A]").tree
    assert tree == ast.Unary("-", ast.Ref("A"))
    assert tree.position == (1, 3)
    negated = parse("not not 1 < 2").tree
    assert negated == ast.Unary("not", ast.Unary("not", ast.BinOp("<", _n(1), _n(2))))
    assert isinstance(negated, ast.Unary)
    assert (negated.position, negated.operand.position) == ((1, 1), (1, 5))


def _n(value: int) -> ast.Number:
    return ast.Number(Decimal(value))


def test_a_formula_of_exactly_the_length_limit_is_read_and_one_character_more_is_refused() -> None:
    limits = FormulaLimits(max_length=5)
    assert parse("1 + 2", limits).tree == ast.BinOp("+", _n(1), _n(2))
    with pytest.raises(FormulaLimitError) as error:
        parse("1 + 23", limits)
    assert str(error.value) == (
        "formula is 6 characters long, more than the limit of 5: split it into several price types"
    )
    assert error.value.details == {"limit": 5, "length": 6}


def test_something_other_than_text_is_refused_naming_its_type() -> None:
    with pytest.raises(FormulaError) as error:
        parse(125)  # type: ignore[arg-type]
    assert str(error.value) == "a formula is text, got int"
    assert error.value.details == {"value": 125}


def test_a_formula_lists_the_price_types_it_refers_to_once_in_order_of_first_use() -> None:
    formula = parse("[B] + min([A], [B] * [C]) - [A]")
    assert formula.references == ("B", "A", "C")
    assert str(formula) == "[B] + min([A], [B] * [C]) - [A]"
    assert parse("quantity * 2").references == ()


@pytest.mark.parametrize(
    ("text", "line", "column", "shown"),
    [
        ("[A] * 2", 1, 5, "  [A] * 2\n      ^"),
        ("one\ntwo", 2, 1, "  two\n  ^"),
        ("one\ntwo", 9, 2, "  two\n   ^"),  # past the last line: the last line
        ("one\ntwo", 0, 0, "  one\n  ^"),  # before the first: the first, at its start
        ("", 1, 1, "  \n  ^"),
    ],
)
def test_point_at_shows_the_line_and_a_caret_under_the_column(
    text: str, line: int, column: int, shown: str
) -> None:
    assert point_at(text, line, column) == shown


def test_a_formula_ending_too_early_before_blank_lines_points_after_its_last_character() -> None:
    with pytest.raises(FormulaSyntaxError) as error:
        parse("[A] *\n\n   \n")
    assert error.value.details["line"] == 1
    assert error.value.details["column"] == 6
    assert str(error.value).startswith(
        "formula syntax error at line 1, column 6: the formula ends too early\n  [A] *\n       ^"
    )


def test_an_unexpected_token_on_a_later_line_is_pointed_at_on_that_line() -> None:
    with pytest.raises(FormulaSyntaxError) as error:
        parse("[A]\n * 2 )")
    assert str(error.value) == (
        "formula syntax error at line 2, column 6: unexpected ')'\n"
        "   * 2 )\n"
        "       ^\n"
        "expected the end of the formula"
    )


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("+ 1", _n(1)),
        ("- + 2", ast.Unary("-", _n(2))),
        ("+ - + 2", ast.Unary("-", _n(2))),
        ("- - 2", ast.Unary("-", ast.Unary("-", _n(2)))),
    ],
)
def test_a_plus_sign_in_front_of_a_value_is_dropped_and_a_minus_kept(
    text: str, tree: ast.Node
) -> None:
    assert parse(text).tree == tree


def test_a_number_is_quoted_back_in_an_error_as_the_user_wrote_it() -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula("not 007.50", FormulaSchema())
    assert str(error.value) == (
        "formula 'not 007.50': '007.50' is a number, a condition is needed here "
        "at line 1, column 5\n  not 007.50\n      ^"
    )


def test_an_unknown_parameter_is_pointed_at_where_it_is_written() -> None:
    with pytest.raises(FormulaNameError) as error:
        compile_formula("2 *\n qty", FormulaSchema())
    assert error.value.details == {"formula": "2 *\n qty", "name": "qty", "line": 2, "column": 2}
    assert str(error.value).startswith(
        "formula '2 *\\n qty': unknown name 'qty' at line 2, column 2\n   qty\n   ^\n"
    )


@pytest.mark.parametrize(
    ("text", "where", "column"),
    [
        ("([A] > 1 and [A] < 9) + 1", "'[A] > 1 and [A] < 9'", 10),
        ("2 * (1 < [A] or\n [A] < 0)", "'1 < [A] or [A] < 0'", 14),
    ],
)
def test_an_and_or_an_or_where_a_number_is_needed_is_pointed_at_its_operator(
    text: str, where: str, column: int
) -> None:
    with pytest.raises(FormulaError) as error:
        compile_formula(text, FormulaSchema(frozenset({"A"})))
    first_line = text.splitlines()[0]
    assert str(error.value) == (
        f"formula {text!r}: {where} is a condition, a number is needed here "
        f"at line 1, column {column}\n  {first_line}\n  {' ' * (column - 1)}^"
    )
    assert error.value.details == {"formula": text, "line": 1, "column": column}
