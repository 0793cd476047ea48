"""``salescore demo``: the sample company on the embedded SQLite default, or any store by URL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import open_store
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
    parser.add_argument(
        "--store",
        metavar="URL",
        help="an empty store to load instead of the SQLite file, e.g. "
        "postgresql://user@host/db (needs the postgres extra) or memory:",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Recreate the demo database (or load an empty store by URL) and print the report."""
    if args.store:
        chosen = open_store(args.store)
        try:
            print(run_demo(chosen))
            print(f"\n(stored in {args.store})")
        finally:
            chosen.close()
        return 0
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
