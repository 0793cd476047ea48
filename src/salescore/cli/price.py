"""``salescore price FILE``: price the orders of a sales scenario file, with explanations."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from salescore.cli._output import EXIT_OK, issue_json, print_issues, print_json
from salescore.scenario import load
from salescore.scenario.sales import render_sales, sales_json

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``price`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "price",
        help="price the orders of a sales scenario file: agreement, price, discounts, deviations",
    )
    parser.add_argument("file", help="a sales scenario file (TOML)")
    parser.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the priced orders; the rule-set warnings go to stderr (or under "warnings")."""
    scenario = load(args.file)
    orders = scenario.price()
    if args.json:
        data = sales_json(orders)
        data["warnings"] = [issue_json(issue) for issue in scenario.warnings]
        print_json(data)
    else:
        print_issues(args.file, scenario.warnings, sys.stderr)
        print(render_sales(orders))
    return EXIT_OK
