"""The command-line reference lists every subcommand and option of the parser, as it is."""

from __future__ import annotations

import argparse

import pytest
from tests.docs import cli_reference

from salescore.cli import build_parser


def test_the_generated_part_of_the_page_matches_the_parser() -> None:
    assert cli_reference.current() == cli_reference.render(), (
        "docs/reference/cli.md is out of date: run `python -m tests.docs.cli_reference`"
    )


def test_every_subcommand_and_option_is_on_the_page() -> None:
    page = cli_reference.PAGE.read_text(encoding="utf-8")
    found = list(cli_reference._subcommands(build_parser(), ("salescore",)))
    assert {path[1] for path, _, _ in found} >= {"demo", "check", "price", "aging", "orders"}
    for path, _, sub in found:
        assert f"### `{' '.join(path)}`" in page
        for action in cli_reference._arguments(sub):
            for option in action.option_strings:
                assert f"`{option}" in page, f"{' '.join(path)} {option} is not documented"


def test_a_new_option_makes_the_page_out_of_date(monkeypatch: pytest.MonkeyPatch) -> None:
    real = build_parser

    def with_extra() -> argparse.ArgumentParser:
        parser = real()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                action.choices["price"].add_argument("--brand-new", help="a new option")
        return parser

    monkeypatch.setattr(cli_reference, "build_parser", with_extra)
    assert cli_reference.current() != cli_reference.render()
    assert "`--brand-new BRAND_NEW`\n: a new option" in cli_reference.render()
