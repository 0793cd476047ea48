"""``salescore demo``: the sample company on the embedded SQLite default, or any store by URL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store, open_store
from salescore.demo.demo_shipping import UPD_SHIPMENT, upd_pdf
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
    parser.add_argument(
        "--pdf",
        metavar="FILE",
        help="where to write the demo shipment's УПД as PDF (default: beside the SQLite "
        "file, NAME-upd.pdf; with --store only when given)",
    )
    parser.set_defaults(handler=run)


def _write_upd(store: Store, path: Path) -> None:
    with store.unit_of_work() as uow:
        path.write_bytes(upd_pdf(uow))
    print(f"(the УПД of {UPD_SHIPMENT} as PDF: {path})")


def run(args: argparse.Namespace) -> int:
    """Recreate the demo database (or load an empty store by URL) and print the report."""
    if args.store:
        chosen = open_store(args.store)
        try:
            print(run_demo(chosen))
            print(f"\n(stored in {args.store})")
            if args.pdf:
                _write_upd(chosen, Path(args.pdf))
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
        _write_upd(store, Path(args.pdf) if args.pdf else path.with_name(f"{path.stem}-upd.pdf"))
    finally:
        store.close()
    return 0
