"""``salescore aging FILE --on DATE``: the aging report of the settlements in a scenario file."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from salescore.cli._output import print_json
from salescore.errors import InvalidInputError
from salescore.receivables import Measure
from salescore.scenario.receivables import aging_json, load_receivables

__all__ = ["register", "report_date"]


def report_date(text: str) -> date:
    """A ``--on DATE`` argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def register(sub: Any) -> None:
    """Add the ``aging`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "aging", help="print the aging of receivables in a scenario file on a date"
    )
    parser.add_argument("file", help="a receivables scenario file (TOML)")
    parser.add_argument(
        "--on",
        type=report_date,
        help="the report date (default: as_of in the file)",
        metavar="DATE",
    )
    parser.add_argument(
        "--by", help="comma-separated grouping, e.g. partner,manager (default: from the file)"
    )
    parser.add_argument(
        "--measure", choices=[m.value for m in Measure], help="actual (default) or planned debt"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the aging report."""
    scenario = load_receivables(args.file)
    on = args.on or scenario.as_of
    if on is None:
        raise InvalidInputError(f"{args.file}: give the report date with --on DATE", usage=True)
    group_by = tuple(f.strip() for f in args.by.split(",")) if args.by else None
    measure = Measure(args.measure) if args.measure else None
    report = scenario.aging_report(on, group_by, measure)
    if args.json:
        print_json(aging_json(report))
    else:
        print(report.as_text())
    return 0
