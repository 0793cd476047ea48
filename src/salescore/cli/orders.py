"""``salescore orders FILE [--on DATE]``: replay the quotes, orders and events of a file."""

from __future__ import annotations

import argparse
from typing import Any

from salescore.cli._output import EXIT_OK, EXIT_PROBLEMS, print_json
from salescore.cli.aging import report_date
from salescore.scenario.orders import load_orders, render_replay, replay_json

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``orders`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "orders",
        help="replay the proposals, orders and dated events of an order scenario file",
    )
    parser.add_argument("file", help="an order scenario file (TOML)")
    parser.add_argument(
        "--on",
        type=report_date,
        help="replay the events up to this date and show every document on it "
        "(default: every event, up to the last one)",
        metavar="DATE",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print each step with its documents; exit 1 if an event was refused."""
    replay = load_orders(args.file).replay(args.on)
    if args.json:
        print_json(replay_json(replay))
    else:
        print(render_replay(replay))
    return EXIT_PROBLEMS if replay.refused else EXIT_OK
