"""The shared scenario-file reader: every error names the file, the key path and the expectation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from salescore.errors import InvalidInputError, ScenarioError
from salescore.receivables import StageKind
from salescore.scenario._toml import Node, read_scenario

DOC = Node.parse(
    """
[[orders]]
id = "SO-1"
lines = [{ price = "12.50", qty = 3, on = 2026-03-01 }, { price = "abc", qty = "3" }]
""",
    "orders.toml",
)


def test_typed_values_are_read_from_their_key_paths() -> None:
    line = DOC.array("orders")[0].array("lines")[0]
    assert (line.decimal("price"), line.integer("qty"), line.day("on")) == (
        Decimal("12.50"), 3, date(2026, 3, 1)
    )  # fmt: skip


def test_a_wrong_value_names_the_nested_key_path() -> None:
    line = DOC.array("orders")[0].array("lines")[1]
    with pytest.raises(ScenarioError, match=r"^orders.toml: orders\[0\].lines\[1\].price: "):
        line.decimal("price")
    with pytest.raises(ScenarioError, match=r"lines\[1\].qty: expected an integer, got '3'"):
        line.integer("qty")


def test_a_missing_key_says_nothing_was_found() -> None:
    with pytest.raises(ScenarioError, match=r"orders\[0\].date: expected a date .*, got nothing"):
        DOC.array("orders")[0].day("date")


def test_an_enum_value_lists_the_allowed_ones() -> None:
    node = Node.parse('kind = "prepay"', "f.toml")
    with pytest.raises(ScenarioError, match="kind: expected one of 'advance', 'prepayment'"):
        node.choice(StageKind, "kind")


def test_invalid_toml_names_the_file() -> None:
    with pytest.raises(ScenarioError, match=r"^broken\.toml: not valid TOML"):
        Node.parse("a = [", "broken.toml")


def test_scenario_errors_are_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read the scenario file"):
        read_scenario(tmp_path / "missing.toml")
