"""The PostgreSQL connection: statements without an answer travel with the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescore.adapters.postgres import LOCK_SLOTS, PostgresStore
from salescore.adapters.postgres.connection import PgConnection
from salescore.adapters.postgres.reservation import (
    _TARGET_SLOT,
    LINE_LOCK_KEY,
    RESERVE_LINE_FUNCTION,
    PostgresStockLedger,
)
from salescore.adapters.sqlite.reservation import SqliteStockLedger
from salescore.errors import InsufficientStockError, SalescoreError, StorageError
from salescore.money import KG, PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    Bucket,
    LineId,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    StockLedger,
    receive,
    reserve_from_stock,
)
from salescore.shipments import ShipmentId

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


def one_reserve(
    store: PostgresStore,
    one_step: bool,
    unit: Unit,
    free: int,
    held: int,
    need: int,
    quantity: int | None,
) -> tuple[object, ...]:
    """A line holding ``held`` of ``unit`` with ``free`` left in stock, then one reserve
    towards ``need``: what it gave or raised and the ledger after (rolled back)."""
    product = ProductId(f"P-{unit.code}")
    line = Bucket.reserved(OrderId("SO-1"), LineId("1"))

    def line_claim(units: int) -> ReserveClaim:
        return ReserveClaim(OrderId("SO-1"), LineId("1"), product, MAIN, Quantity(units, unit),
                            date(2026, 3, 9), date(2026, 3, 1))  # fmt: skip

    with store.unit_of_work() as uow:
        ledger: StockLedger = uow.stock_ledger if one_step else SqliteStockLedger(uow)
        assert isinstance(ledger, PostgresStockLedger) is one_step
        # The setup through the shared steps: one unit reserved elsewhere keeps the
        # product's unit known when no free stock is left.
        receive(ledger, product, MAIN, Quantity(free + held + 1, unit), document="GR", at=AT)
        other = Bucket.reserved(OrderId("SO-0"), LineId("1"))
        setup = [Move(product, MAIN, Bucket.free(), other, Quantity(1, unit))]
        if held:
            setup.append(Move(product, MAIN, Bucket.free(), line, Quantity(held, unit)))
        ledger.record(setup, Operation.RESERVE_FROM_STOCK, "setup", AT)
        if held:
            ledger.save_claim(line_claim(held))
        asked = None if quantity is None else Quantity(quantity, unit)
        try:
            report = reserve_from_stock(ledger, line_claim(need), asked, document="D", at=AT)
            outcome: object = [(e.move, e.operation, e.document, e.at) for e in report.entries]
        except SalescoreError as exc:
            outcome = (type(exc), str(exc))
        empty = uow.connection.execute(
            "SELECT count(*) FROM reservation_balances WHERE quantity = 0"
        ).fetchone()[0]
        return (
            outcome,
            dict(ledger.balances()),
            ledger.claim(OrderId("SO-1"), LineId("1")),
            [(e.move, e.operation, e.document) for e in ledger.entries()],
            empty,
        )  # the unit of work is not committed: rolled back


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    unit=st.sampled_from([PIECE, KG]),
    free=st.integers(0, 6),
    held=st.integers(0, 4),
    need=st.integers(1, 8),
    quantity=st.none() | st.integers(-1, 8),
)
def test_the_one_step_reserve_gives_the_ledger_and_errors_of_the_steps(
    postgres_url: str, unit: Unit, free: int, held: int, need: int, quantity: int | None
) -> None:
    """PostgreSQL's ledger reserves in one server call (OneStepReserve); the statement-per-
    step ledger on the same database reads, then writes. Every outcome must be the same."""
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        with store.unit_of_work() as uow:  # the product's unit known to the store
            receive(uow.stock_ledger, ProductId(f"P-{unit.code}"), WarehouseId("ELSEWHERE"),
                    Quantity(1, unit), document="GR", at=AT)  # fmt: skip
            uow.commit()
        args = (unit, free, held, need, quantity)
        assert one_reserve(store, True, *args) == one_reserve(store, False, *args)
    finally:
        store.close()


def test_an_older_database_gets_the_reserve_function_that_locks_the_line(
    postgres_url: str,
) -> None:
    """A database made before the line's lock (its reserve function at version 1, without
    the lock) is given today's function when a store opens it."""
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    unlocked = RESERVE_LINE_FUNCTION.split("-- the line's lock first")[0] + "SELECT quantity"
    unlocked += RESERVE_LINE_FUNCTION.split("SELECT quantity", 1)[1]
    assert "pg_advisory_xact_lock" not in unlocked
    with store.unit_of_work() as uow:
        conn = uow.connection
        conn.execute(unlocked)
        conn.execute(
            "UPDATE salescore_schema SET version = 1 WHERE component = 'reservation_functions'"
        )
        uow.commit()
    store.close()

    def body() -> str:
        with store.unit_of_work(read_only=True) as uow:
            row = uow.connection.execute(
                "SELECT pg_get_functiondef('salescore_reserve_line'::regproc)"
            ).fetchone()
        return str(row[0])

    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        assert "pg_advisory_xact_lock" in body()
    finally:
        store.close()


def test_a_unit_of_work_reading_many_orders_documents_holds_few_locks(postgres_url: str) -> None:
    """Reading the shipments and corrections of 2,000 orders and the returns of 2,000
    shipments for writing takes each kind's lock on one of LOCK_SLOTS slots: at most
    256 locks of each kind, not one per document (the server's lock table is small)."""
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        with store.unit_of_work() as uow:
            for n in range(2_000):
                uow.shipments.of_order(OrderId(f"SO-{n}"))
                uow.shipment_corrections.of_order(f"SO-{n}")
                uow.customer_returns.of_shipment(ShipmentId(f"SH-{n}"))
            row = uow.connection.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid()"
            ).fetchone()
        assert 0 < row[0] <= LOCK_SLOTS
    finally:
        store.close()


def test_a_line_read_for_writing_takes_the_lock_the_reserve_function_takes(
    postgres_url: str,
) -> None:
    """The ledger's read of a line's reserve and the server function lock the same slot,
    so a reserve from stock and one from other orders for one line take turns too."""
    store = PostgresStore(postgres_url, min_size=1, max_size=1)
    try:
        with store.unit_of_work() as uow:
            line = Bucket.reserved(OrderId("SO-9"), LineId("1"))
            uow.stock_ledger.balance(BEANS, MAIN, line, PIECE)
            held = uow.connection.execute(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = ? "
                "AND pid = pg_backend_pid()",
                (LINE_LOCK_KEY,),
            ).fetchall()
            (function_slot,) = uow.connection.execute(
                f"SELECT {_TARGET_SLOT}::bigint FROM (SELECT ?::text AS p_product, "
                "?::text AS p_warehouse, ?::text AS p_target_order, ?::text AS p_target_line) AS p",
                (BEANS, MAIN, "SO-9", "1"),
            ).fetchone()
        assert [int(row[0]) for row in held] == [function_slot]
    finally:
        store.close()
