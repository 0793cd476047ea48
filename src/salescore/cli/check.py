"""``salescore check FILE``: check a discount rule-set file at authoring time."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from salescore.app.discount_rules import read_rule_set_file
from salescore.cli._output import EXIT_OK, EXIT_PROBLEMS, issue_json, print_issues, print_json
from salescore.discounts import ConditionRegistry, check_rule_set

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
    parser.add_argument("--json", action="store_true", help="print the issues as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print every issue; exit 1 if any is an error, else 0."""
    parsed = read_rule_set_file(args.file)
    issues = check_rule_set(
        parsed.rule_set,
        ConditionRegistry.installed(),
        known_products=parsed.known_products,
        known_users=parsed.known_users,
        as_of=args.as_of,
    )
    errors = sum(1 for issue in issues if issue.severity == "error")
    warnings = len(issues) - errors
    if args.json:
        print_json(
            {
                "file": args.file,
                "errors": errors,
                "warnings": warnings,
                "issues": [issue_json(issue) for issue in issues],
            }
        )
    else:
        print_issues(args.file, issues)
        print(f"{args.file}: {errors} error(s), {warnings} warning(s)")
    return EXIT_PROBLEMS if errors else EXIT_OK
