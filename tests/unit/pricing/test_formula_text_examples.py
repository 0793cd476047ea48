"""Printing a syntax tree built by hand: the text is the shortest that parses back to it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.pricing.formula import ast
from salescore.pricing.formula.ast import Node, to_text
from salescore.pricing.formula.parser import parse

BASE = ast.Ref("Base")


@pytest.mark.parametrize(
    ("tree", "text"),
    [
        (ast.Unary("-", ast.Unary("-", BASE)), "--[Base]"),
        (ast.Unary("-", ast.BinOp("+", BASE, ast.Number(Decimal(1)))), "-([Base] + 1)"),
        (ast.Unary("not", ast.BinOp(">", BASE, ast.Number(Decimal(1)))), "not [Base] > 1"),
        (ast.Number(Decimal("1E+3")), "1000"),
        (ast.Number(Decimal("0.5")), "0.5"),
    ],
)
def test_a_hand_built_tree_prints_as_text_that_parses_back_to_it(tree: Node, text: str) -> None:
    assert to_text(tree) == text
    assert parse(text).tree == tree


def test_a_negative_number_is_bracketed_where_a_sign_would_bind_differently() -> None:
    # The text parses back as minus two, a sign in front of 2: the same value.
    tree = ast.BinOp("*", ast.Number(Decimal(-2)), BASE)
    assert to_text(tree) == "(-2) * [Base]"
    assert parse("(-2) * [Base]").tree == ast.BinOp(
        "*", ast.Unary("-", ast.Number(Decimal(2))), BASE
    )
