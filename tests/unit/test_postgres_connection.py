"""The PostgreSQL connection: statements without an answer travel with the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest

from salescore.adapters.postgres import PostgresStore
from salescore.adapters.postgres.connection import PgConnection
from salescore.errors import InsufficientStockError, StorageError
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId, ReserveClaim, receive, reserve_from_stock

AT = datetime(2026, 3, 1, tzinfo=UTC)
BEANS, MAIN = ProductId("BEANS"), WarehouseId("MAIN")


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements that went to the server, one string per round trip."""
    sent: list[str] = []
    original = PgConnection._send

    def counting(self: PgConnection, query: str | None, params: tuple[Any, ...] = ()) -> Any:
        sent.append(" | ".join([*(q[:20] for q, _ in self._pending), (query or "")[:20]]))
        return original(self, query, params)

    monkeypatch.setattr(PgConnection, "_send", counting)
    return sent


def claim(order: str, quantity: int = 1) -> ReserveClaim:
    return ReserveClaim(OrderId(order), LineId("1"), BEANS, MAIN, Quantity(quantity),
                        date(2026, 3, 9), date(2026, 3, 1))  # fmt: skip


def test_a_reserve_from_stock_is_two_round_trips(postgres_url: str, trips: list[str]) -> None:
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        with store.unit_of_work() as uow:
            receive(uow.stock_ledger, BEANS, MAIN, Quantity(10), document="GR", at=AT)
            uow.commit()
        with store.unit_of_work() as uow:  # the store learns the product's unit
            reserve_from_stock(uow.stock_ledger, claim("SO-0", 1), document="SO-0", at=AT)
            uow.commit()
        trips.clear()
        with store.unit_of_work() as uow:
            reserve_from_stock(uow.stock_ledger, claim("SO-1", 3), document="SO-1", at=AT)
            uow.commit()
        # BEGIN with the one-step reserve (salescore_reserve_line, the claim too), COMMIT
        assert len(trips) == 2, trips
        with store.unit_of_work(read_only=True) as uow:
            position = uow.stock_ledger.position(BEANS, MAIN)
            assert position.free == Quantity(6)
            assert uow.stock_ledger.claim(OrderId("SO-1"), LineId("1")) == claim("SO-1", 3)
        with store.unit_of_work() as uow, pytest.raises(InsufficientStockError, match="free"):
            reserve_from_stock(uow.stock_ledger, claim("SO-2", 7), document="SO-2", at=AT)
    finally:
        store.close()


def test_a_unit_of_work_that_does_nothing_costs_no_round_trip(
    postgres_url: str, trips: list[str]
) -> None:
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        trips.clear()
        with store.unit_of_work() as uow:
            uow.commit()
        with store.unit_of_work(read_only=True):
            pass
        assert trips == []
    finally:
        store.close()


def test_a_waiting_statements_error_comes_with_the_commit_and_nothing_is_kept(
    postgres_url: str,
) -> None:
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        with store.unit_of_work() as uow:
            conn = cast(PgConnection, uow.connection)
            conn.defer("INSERT INTO salescore_schema VALUES (?, ?)", ("kept", 1))
            conn.defer("INSERT INTO salescore_schema VALUES (?, ?)", ("broken", None))
            with pytest.raises(StorageError, match="null value"):
                uow.commit()
        with store.unit_of_work(read_only=True) as uow:
            found = uow.connection.execute(
                "SELECT count(*) FROM salescore_schema WHERE component IN ('kept', 'broken')"
            ).fetchone()
            assert found[0] == 0
    finally:
        store.close()
