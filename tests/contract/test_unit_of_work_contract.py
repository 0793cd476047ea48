"""Units of work behave the same on every store: nesting, read-only, threads, close."""

from __future__ import annotations

import threading

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store
from salescore.errors import ConflictError, StorageError, UnitOfWorkError
from salescore.parties import Partner, PartnerId

ACME = Partner(PartnerId("P1"), "Acme")


def add(store: Store, partner: Partner) -> None:
    with store.unit_of_work() as uow:
        uow.partners.add(partner)
        uow.commit()


def names(store: Store) -> list[str]:
    with store.unit_of_work(read_only=True) as uow:
        return [p.name for p in uow.partners.all()]


def shares_one_connection(store: Store) -> bool:
    """The memory store and in-memory SQLite serialise every unit of work, readers too."""
    return isinstance(store, MemoryStore) or (
        isinstance(store, SqliteStore) and store.path == ":memory:"
    )


def test_a_unit_of_work_inside_another_in_one_thread_is_refused_and_the_outer_goes_on(
    store: Store,
) -> None:
    with store.unit_of_work() as outer:
        outer.partners.add(ACME)
        with pytest.raises(UnitOfWorkError, match="do not nest"), store.unit_of_work():
            pass  # pragma: no cover - never entered
        with (
            pytest.raises(UnitOfWorkError, match="do not nest"),
            store.unit_of_work(read_only=True),
        ):
            pass  # pragma: no cover - never entered
        outer.commit()
    assert names(store) == ["Acme"]


def test_a_read_only_unit_of_work_reads_and_refuses_every_write(store: Store) -> None:
    add(store, ACME)
    with store.unit_of_work(read_only=True) as uow:
        assert uow.partners.get(PartnerId("P1")) == ACME
        with pytest.raises(UnitOfWorkError, match="read-only"):
            uow.partners.add(Partner(PartnerId("P2"), "Beta"))
        with pytest.raises(UnitOfWorkError, match="read-only"):
            uow.partners.remove(PartnerId("P1"))
        uow.commit()
    assert names(store) == ["Acme"]


def test_a_reader_does_not_wait_for_a_writer_and_sees_only_committed_data(store: Store) -> None:
    if shares_one_connection(store):
        pytest.skip("one connection for every unit of work: a reader waits for the writer")
    add(store, ACME)
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.unit_of_work() as uow:
            uow.partners.save(Partner(PartnerId("P1"), "Renamed"))
            uow.partners.add(Partner(PartnerId("P2"), "Uncommitted"))
            writing.set()
            done.wait(10)
            uow.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        assert names(store) == ["Acme"]  # the writer holds its lock; the reader did not wait
    finally:
        done.set()
        thread.join(10)
    assert names(store) == ["Renamed", "Uncommitted"]


def test_threads_share_a_store_each_with_its_own_units_of_work(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                add(store, Partner(PartnerId(f"T{n}-{i}"), f"thread {n}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(names(store)) == 20


def test_close_closes_the_store_for_every_thread(store: Store) -> None:
    add(store, ACME)
    outcome: list[object] = []

    def use() -> None:
        try:
            outcome.append(names(store))
        except StorageError as exc:
            outcome.append(exc)

    first = threading.Thread(target=use)
    first.start()
    first.join(10)
    store.close()
    second = threading.Thread(target=use)
    second.start()
    second.join(10)
    assert outcome[0] == ["Acme"]
    assert isinstance(outcome[1], StorageError)
    assert "closed" in str(outcome[1])
    with pytest.raises(StorageError, match="closed"), store.unit_of_work():
        pass  # pragma: no cover - never entered


def test_a_refused_write_does_not_spoil_the_rest_of_the_unit_of_work(store: Store) -> None:
    # On PostgreSQL a failed statement would abort the whole transaction: it must not.
    add(store, ACME)
    with store.unit_of_work() as uow:
        uow.partners.add(Partner(PartnerId("P2"), "Beta"))
        with pytest.raises(ConflictError, match="P1"):
            uow.partners.add(Partner(PartnerId("P1"), "Again"))
        uow.partners.add(Partner(PartnerId("P3"), "Gamma"))
        uow.commit()
    assert names(store) == ["Acme", "Beta", "Gamma"]
