"""``salescore credit FILE``: the credit decisions on the documents of a receivables file."""

from __future__ import annotations

import argparse
from typing import Any

from salescore.cli._output import EXIT_OK, EXIT_PROBLEMS, print_json
from salescore.cli.aging import report_date
from salescore.errors import InvalidInputError
from salescore.scenario.receivables import credit_json, load_receivables, render_credit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``credit`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "credit",
        help="check the [[checks]] documents of a receivables file against its credit limits",
    )
    parser.add_argument("file", help="a receivables scenario file (TOML)")
    parser.add_argument(
        "--on",
        type=report_date,
        help="the date of the checks and the stop list (default: as_of in the file)",
        metavar="DATE",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print each decision with its explanation, then the stop list; exit 1 if one is stopped."""
    scenario = load_receivables(args.file)
    on = args.on or scenario.as_of
    if on is None:
        raise InvalidInputError(f"{args.file}: give the date with --on DATE", usage=True)
    stopped = any(not d.may_proceed for d in scenario.credit_decisions(on))
    if args.json:
        print_json(credit_json(scenario, on))
    else:
        print(render_credit(scenario, on))
    return EXIT_PROBLEMS if stopped else EXIT_OK
