"""``salescore check FILE``: check a discount rule-set file at authoring time."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from salescore.app.discount_rules import check_rule_set_file
from salescore.discounts import ConditionRegistry

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``check`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="check a discount rule-set file (TOML): conflicts, dead rules, bad references",
    )
    parser.add_argument("file", help="the rule-set file")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="report rules that ended before this date (YYYY-MM-DD) as expired",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print every issue; exit 1 if any is an error, else 0."""
    registry = ConditionRegistry.from_entry_points()
    issues = check_rule_set_file(args.file, registry, args.as_of)
    for issue in issues:
        print(f"{args.file}: {issue}")
    errors = sum(1 for issue in issues if issue.severity == "error")
    warnings = len(issues) - errors
    print(f"{args.file}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
