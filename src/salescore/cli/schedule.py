"""``salescore schedule FILE``: the payment schedules of the orders in a scenario file."""

from __future__ import annotations

import argparse
from typing import Any

from salescore.cli._output import print_json
from salescore.scenario.receivables import load_receivables, render_schedules, schedules_json

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``schedule`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "schedule", help="print the payment schedules of the orders in a scenario file"
    )
    parser.add_argument("file", help="a receivables scenario file (TOML)")
    parser.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the schedules."""
    scenario = load_receivables(args.file)
    if args.json:
        print_json(schedules_json(scenario))
    else:
        print(render_schedules(scenario))
    return 0
