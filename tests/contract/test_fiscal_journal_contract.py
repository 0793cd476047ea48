"""The fiscal journal contract, held by the memory and SQLite adapters alike."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import psycopg
import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.adapters.postgres import PostgresFiscalJournal
from salescore.adapters.sqlite.fiscal_journal import SqliteFiscalJournal
from salescore.errors import StorageError
from salescore.hardware.fiscal import FiscalJournal, JournalEntry, JournalState


@pytest.fixture(params=["memory", "sqlite-memory", "sqlite-file", "postgresql"])
def journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FiscalJournal]:
    if request.param == "memory":
        yield MemoryFiscalJournal()
        return
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS fiscal_journal")
        postgres = PostgresFiscalJournal(url)
        yield postgres
        postgres.close()
        return
    sqlite = SqliteFiscalJournal(
        ":memory:" if request.param == "sqlite-memory" else tmp_path / "j.db"
    )
    yield sqlite
    sqlite.close()


def entry(receipt_id: str, state: JournalState = JournalState.STARTED) -> JournalEntry:
    return JournalEntry(receipt_id, state, Decimal("123.45"), change=Decimal("0.55"))


def test_a_recorded_entry_reads_back_equal(journal: FiscalJournal) -> None:
    full = attrs.evolve(
        entry("a"),
        expected_document=7,
        document_number=7,
        fiscal_sign=2**32 - 1,
        task_id="u",
        payments=(("cash", Decimal("23.45")), ("electronically", Decimal("100.00"))),
        not_before="2026-11-23T12:05",
        document_type=31,
    )
    journal.record(full)
    assert journal.get("a") == full
    assert journal.get("nope") is None


def test_recording_again_replaces_the_entry(journal: FiscalJournal) -> None:
    journal.record(entry("a"))
    journal.record(attrs.evolve(entry("a"), state=JournalState.CLOSING, expected_document=3))
    got = journal.get("a")
    assert got is not None
    assert got.state is JournalState.CLOSING
    assert got.expected_document == 3


def test_unfinished_lists_started_and_closing_oldest_first(journal: FiscalJournal) -> None:
    journal.record(entry("a", JournalState.CLOSING))
    journal.record(entry("b", JournalState.DONE))
    journal.record(entry("c", JournalState.STARTED))
    journal.record(entry("d", JournalState.CANCELLED))
    journal.record(attrs.evolve(entry("a"), state=JournalState.CLOSING, expected_document=2))
    assert [e.receipt_id for e in journal.unfinished()] == ["a", "c"]


def test_the_sqlite_journal_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    first = SqliteFiscalJournal(path)
    first.record(attrs.evolve(entry("a"), state=JournalState.CLOSING, expected_document=5))
    first.close()
    second = SqliteFiscalJournal(path)
    assert [e.expected_document for e in second.unfinished()] == [5]
    second.close()


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    journal = SqliteFiscalJournal(tmp_path / "j.db")
    journal.record(entry("a"))
    journal._conn.execute(
        "CREATE TRIGGER no_b BEFORE INSERT ON fiscal_journal WHEN NEW.receipt_id = 'b' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(StorageError, match="'b'"):
        journal.record(entry("b"))
    assert journal.get("b") is None
    assert journal.get("a") == entry("a")
    journal.close()


def test_a_journal_table_of_the_first_release_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE fiscal_journal (receipt_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
            "state TEXT NOT NULL, total TEXT NOT NULL, expected_document INTEGER, "
            "document_number INTEGER, fiscal_sign INTEGER, change TEXT NOT NULL, task_id TEXT)"
        )
        conn.execute(
            "INSERT INTO fiscal_journal VALUES ('old', 1, 'closing', '10.00', 3, NULL, NULL, "
            "'0.00', NULL)"
        )
    journal = SqliteFiscalJournal(path)
    old = journal.get("old")
    assert old is not None
    assert (old.expected_document, old.payments, old.not_before) == (3, (), None)
    assert old.document_type == 3
    journal.record(attrs.evolve(old, payments=(("cash", Decimal("10.00")),)))
    again = journal.get("old")
    assert again is not None
    assert again.payments == (("cash", Decimal("10.00")),)
    journal.close()


def test_a_write_not_forced_to_disk_reads_back_and_is_replaced(journal: FiscalJournal) -> None:
    journal.record(entry("a"), durable=False)
    assert journal.get("a") == entry("a")
    closing = attrs.evolve(entry("a"), state=JournalState.CLOSING, expected_document=4)
    journal.record(closing)
    done = attrs.evolve(closing, state=JournalState.DONE, document_number=4, fiscal_sign=9)
    journal.record(done, durable=False)
    assert journal.get("a") == done
    assert journal.unfinished() == []


def test_the_sqlite_file_journal_syncs_one_log_and_keeps_durable_writes_durable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    first = SqliteFiscalJournal(path)
    assert first._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first.record(entry("a"), durable=False)
    # The next write is durable again (synchronous FULL = 2), whatever came before.
    assert first._conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    first.close()
    second = SqliteFiscalJournal(path)  # a restart of the program (not a power cut) keeps it
    assert second.get("a") == entry("a")
    second.close()
