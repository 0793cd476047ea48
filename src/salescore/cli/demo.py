"""``salescore demo``: the sample company on the embedded SQLite default."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from salescore.adapters.sqlite import SqliteStore
from salescore.demo.report import run_demo
from salescore.errors import InvalidInputError

__all__ = ["register"]

DEFAULT_DB = "salescore-demo.sqlite"


def register(sub: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="load a sample company into SQLite and print a report"
    )
    parser.add_argument(
        "--db", default=DEFAULT_DB, help=f"SQLite file to (re)create (default: {DEFAULT_DB})"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Recreate the demo database and print the report."""
    path = Path(args.db)
    if path.exists() and not path.is_file():
        raise InvalidInputError(f"{path} exists and is not a file: give another --db path")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = SqliteStore(path)
    try:
        print(run_demo(store))
        print(f"\n(stored in {path})")
    finally:
        store.close()
    return 0
