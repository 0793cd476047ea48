"""The ``salescore`` command line.

Subcommands live in modules of this package; each module has
``register(subparsers)`` that adds its parser and sets ``handler``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from salescore.cli import aging, check, demo, devices, price, schedule
from salescore.errors import SalescoreError

__all__ = ["main"]

COMMANDS = (demo, check, price, schedule, aging, devices)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="salescore", description="Sales rules: prices, discounts, orders, receivables."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 a salescore error, 2 usage)."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except SalescoreError as exc:
        print(f"salescore: error: {exc}", file=sys.stderr)
        return 1
    return code
