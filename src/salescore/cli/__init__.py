"""The ``salescore`` command line.

Subcommands live in modules of this package; each module has
``register(subparsers)`` that adds its parser and sets ``handler``.

Exit codes: 0 success; 1 the content has problems (a mistake at a key path of
the file, a rule-set error found by ``check``, a document stopped by
``credit``, an event refused by ``orders``); 2 the input cannot be read (no
such file, not UTF-8, not TOML, nested too deeply) or the command line is
wrong. A salescore error is printed as ``salescore: error: MESSAGE`` on
stderr, never as a traceback; with ``--json`` it is a JSON document on stdout
instead
(``{"error": {"code": ..., "message": ..., "file": ..., "path": ...}}``), so
stdout always holds exactly one JSON document. A closed pipe
(``salescore price FILE | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from salescore import __version__
from salescore.cli import aging, check, credit, demo, devices, orders, price, schedule
from salescore.cli._output import EXIT_PROBLEMS, EXIT_UNREADABLE, print_error
from salescore.errors import SalescoreError

__all__ = ["build_parser", "main"]

COMMANDS = (demo, check, price, schedule, aging, credit, orders, devices)


class _UsageError(Exception):
    """The command line is wrong (what argparse reports, as an exception)."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`_UsageError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self.format_usage())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="salescore", description="Sales rules: prices, discounts, orders, receivables."
    )
    parser.add_argument("--version", action="version", version=f"salescore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 problems, 2 unreadable or usage)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args_list
    try:
        try:
            args = build_parser().parse_args(args_list)
        except _UsageError as exc:
            if not as_json:
                sys.stderr.write(exc.usage)
            return print_error(str(exc), EXIT_UNREADABLE, as_json, code="usage")
        except SystemExit as exc:  # --help, --version
            return exc.code if isinstance(exc.code, int) else 0
        try:
            code: int = args.handler(args)
        except SalescoreError as exc:
            unreadable = exc.details.get("unreadable") or exc.details.get("usage")
            status = EXIT_UNREADABLE if unreadable else EXIT_PROBLEMS
            return print_error(exc, status, as_json)
        except KeyboardInterrupt:
            return 130
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (``| head``): stop quietly. Python flushes
        # stdout again at exit; point it at devnull so that flush cannot fail
        # (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code
