"""``salescore price FILE``: price the orders of a sales scenario file, with explanations."""

from __future__ import annotations

import argparse
import json
from typing import Any

from salescore.discounts import ConditionRegistry
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
    """Print the priced orders."""
    scenario = load(args.file, registry=ConditionRegistry.from_entry_points())
    orders = scenario.price()
    if args.json:
        print(json.dumps(sales_json(orders), ensure_ascii=False, indent=2))
    else:
        print(render_sales(orders))
    return 0
