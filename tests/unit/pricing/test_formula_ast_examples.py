"""The syntax tree a user can read back: its text, its depth against the limit, and the
position each node carries without being part of its value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import FormulaLimitError
from salescore.pricing.formula import ast
from salescore.pricing.formula.parser import FormulaLimits, parse


@pytest.mark.parametrize(
    "text",
    [
        "1 + 2 + 3",
        "1 - 2 - 3",
        "[Base] * 2 / 4",
        "1 + 2 * 3",
        "(1 + 2) * 3",
        "1 - (2 - 3)",
        "(1 < 2) = (3 < 4)",
        "(1 = 2) <> (3 > 4)",
        "1 < 2 and 2 < 3 and 3 < 4",
        "not 1 < 2 or 2 < 3",
    ],
)
def test_a_parsed_formula_prints_back_as_the_same_canonical_text(text: str) -> None:
    # Written canonically already: one space around operators, only the brackets needed
    # (a left-hand chain needs none; a comparison of comparisons needs both).
    tree = parse(text).tree
    assert ast.to_text(tree) == text
    assert parse(ast.to_text(tree)).tree == tree


def test_a_comparison_of_two_comparisons_keeps_the_brackets_on_both_sides() -> None:
    left = ast.BinOp("<", ast.Ref("Base"), ast.Number(Decimal(1)))
    right = ast.BinOp(">", ast.Ref("Base"), ast.Number(Decimal(2)))
    assert ast.to_text(ast.BinOp("=", left, right)) == "([Base] < 1) = ([Base] > 2)"


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("7", 1),
        ("-7", 2),
        ("1 + 2", 2),
        ("1 + 2 + 3", 3),
        ("1 + 2 * 3", 3),
        ("max(1, min(2, 3 + 4))", 4),
        ("if(1 < 2, 3, 4)", 3),
    ],
)
def test_depth_counts_the_nodes_on_the_longest_path(text: str, levels: int) -> None:
    assert ast.depth(parse(text).tree) == levels


def test_a_formula_exactly_as_deep_as_the_limit_is_accepted_and_one_level_more_is_not() -> None:
    limits = FormulaLimits(max_depth=3)
    # 1 + 2 + 3 is (1 + 2) + 3: the outer +, the inner +, a number: three levels.
    assert ast.depth(parse("1 + 2 + 3", limits).tree) == 3
    with pytest.raises(FormulaLimitError) as error:
        parse("1 + 2 + 3 + 4", limits)
    assert str(error.value) == (
        "formula is 4 levels deep, more than the limit of 3: split it into several price types"
    )
    assert error.value.details == {"limit": 3, "depth": 4}


def test_nodes_lists_parents_before_children_left_to_right() -> None:
    tree = parse("[A] * 2 + f(3, [B])").tree
    texts = [ast.to_text(n) for n in ast.nodes(tree)]
    assert texts == ["[A] * 2 + f(3, [B])", "[A] * 2", "[A]", "2", "f(3, [B])", "3", "[B]"]


def test_a_node_position_says_where_it_was_written_and_is_not_part_of_its_value() -> None:
    # Line and column of the operator, the reference, the number (all 1-based).
    tree = parse("1 +\n  [Base]").tree
    assert isinstance(tree, ast.BinOp)
    assert (tree.position, tree.left.position, tree.right.position) == ((1, 3), (1, 1), (2, 3))
    built = ast.BinOp("+", ast.Number(Decimal(1)), ast.Ref("Base"))
    assert built.position == (0, 0)  # built by hand: nowhere to point at
    assert tree == built
    assert hash(tree) == hash(built)
    assert "position" not in repr(tree)
    with pytest.raises(TypeError):
        ast.Ref("Base", (1, 1))  # the position is given by keyword only
