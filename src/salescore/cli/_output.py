"""What every command prints the same way: errors, issues and JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from salescore.errors import Issue, SalescoreError

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_UNREADABLE",
    "issue_json",
    "print_error",
    "print_issues",
    "print_json",
]

EXIT_OK = 0
"""The command did what was asked and found no problem."""
EXIT_PROBLEMS = 1
"""The content has problems: a mistake in the file, a rule-set error, a stopped document."""
EXIT_UNREADABLE = 2
"""The input cannot be read (missing, not UTF-8, not TOML) or the command line is wrong."""

_DETAILS = ("file", "source", "path", "line", "depth")


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (amounts are already strings)."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def issue_json(issue: Issue) -> dict[str, str]:
    """An issue as JSON-ready data."""
    return {
        "severity": issue.severity,
        "code": issue.code,
        "path": issue.path,
        "message": issue.message,
    }


def print_issues(file: str, issues: Iterable[Issue], stream: TextIO | None = None) -> None:
    """Each issue on its own line, after the file name (``FILE: warning: PATH: ...``)."""
    for issue in issues:
        print(f"{file}: {issue}", file=stream or sys.stdout)


def print_error(error: SalescoreError | str, status: int, as_json: bool, code: str = "") -> int:
    """Report ``error`` (on stderr, or as JSON on stdout) and return ``status``."""
    message = str(error)
    if not as_json:
        print(f"salescore: error: {message}", file=sys.stderr)
        return status
    body: dict[str, Any] = {"code": code, "message": message, "exit_code": status}
    if isinstance(error, SalescoreError):
        body["code"] = error.code
        for key in _DETAILS:
            if key in error.details:
                name = "file" if key == "source" else key
                value = error.details[key]
                body[name] = value if isinstance(value, int) else str(value)
    print_json({"error": body})
    return status
