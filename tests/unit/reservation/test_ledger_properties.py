"""Stateful property test: any sequence of stock operations keeps the ledger sound.

Hypothesis drives receipts, expected receipts, reserves, the four
reassignments and shipments in any order, on the memory and the SQLite
ledger. After every step: no reserve exceeds what is on hand, on hand equals
what was received minus what was shipped, the stored balances equal the
balances derived from the entries, and the moves balance (what came in from
outside is exactly what the buckets hold plus what went out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store
from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import KG, PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    BucketKind,
    LatestShipmentFirst,
    LineId,
    OrderId,
    ReserveClaim,
    StockLedger,
    SupplyOption,
    derive_balances,
    expect_receipt,
    receive,
    release_all,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
    ship,
)

AT = datetime(2026, 3, 1, tzinfo=UTC)
DAY0 = date(2026, 3, 1)
# Each line id stands for one product at one warehouse.
LINES: dict[str, tuple[ProductId, WarehouseId, Unit]] = {
    "1": (ProductId("CM-100"), WarehouseId("MAIN"), PIECE),
    "2": (ProductId("BEANS-ARABICA"), WarehouseId("MAIN"), KG),
    "3": (ProductId("CM-100"), WarehouseId("STORE-1"), PIECE),
}
STOCKS = sorted({(p, w) for p, w, _ in LINES.values()})
UNIT_OF = {p: u for p, _, u in LINES.values()}

orders = st.sampled_from([OrderId(f"SO-{i}") for i in range(1, 5)])
line_ids = st.sampled_from(sorted(LINES))
stocks = st.sampled_from(STOCKS)
amounts = st.integers(min_value=1, max_value=12)
days = st.integers(min_value=0, max_value=20)
supplies = st.sampled_from(list(SupplyOption))


def quantity(amount: int, unit: Unit) -> Quantity:
    """Whole pieces, or kilograms with grams (amount * 0.250 kg)."""
    return Quantity(amount, unit) if unit is PIECE else Quantity(Decimal(amount) / 4, unit)


class LedgerMachine(RuleBasedStateMachine):
    """The ledger against a simple model of what entered and left the company."""

    store: Store

    def make_store(self) -> Store:
        return MemoryStore()

    @initialize()
    def open_store(self) -> None:
        self.store = self.make_store()
        self.on_hand: dict[tuple[ProductId, WarehouseId], Quantity] = {
            (p, w): Quantity(0, UNIT_OF[p]) for p, w in STOCKS
        }

    def teardown(self) -> None:
        if isinstance(getattr(self, "store", None), SqliteStore):
            self.store.close()

    def _claim(
        self, order: OrderId, line: str, need: int, ships: int, supply: SupplyOption
    ) -> ReserveClaim:
        product, warehouse, unit = LINES[line]
        return ReserveClaim(
            order,
            LineId(line),
            product,
            warehouse,
            quantity(need, unit),
            DAY0 + timedelta(days=ships),
            DAY0 - timedelta(days=int(order[-1])),
            priority=int(order[-1]) % 2,
            supply=supply,
        )

    def _refusable(self, action: object) -> None:
        """Run one operation in its own unit of work; a refusal must change nothing."""
        with self.store.unit_of_work() as uow:
            ledger = uow.stock_ledger
            before = dict(ledger.balances())
            try:
                action(ledger)  # type: ignore[operator]
            except InsufficientStockError as exc:
                # A refusal is justified: it asked for more than there was.
                assert exc.details["asked"] > exc.details["free"]  # noqa: PT017 - a machine step, not a test
                assert ledger.balances() == before
                return
            except InvalidInputError:
                assert ledger.balances() == before
                return
            uow.commit()

    @rule(stock=stocks, amount=amounts)
    def receive_goods(self, stock: tuple[ProductId, WarehouseId], amount: int) -> None:
        q = quantity(amount, UNIT_OF[stock[0]])
        self._refusable(lambda ledger: receive(ledger, *stock, q, document="GR", at=AT))
        self.on_hand[stock] += q

    @rule(stock=stocks, amount=amounts, day=days)
    def expect_goods(self, stock: tuple[ProductId, WarehouseId], amount: int, day: int) -> None:
        q = quantity(amount, UNIT_OF[stock[0]])
        on = DAY0 + timedelta(days=day)
        self._refusable(lambda ledger: expect_receipt(ledger, *stock, q, on, document="PO", at=AT))

    @rule(stock=stocks, amount=amounts, day=days)
    def expected_goods_arrive(
        self, stock: tuple[ProductId, WarehouseId], amount: int, day: int
    ) -> None:
        q = quantity(amount, UNIT_OF[stock[0]])
        on = DAY0 + timedelta(days=day)
        self._refusable(
            lambda ledger: receive(ledger, *stock, q, document="GR", at=AT, expected_on=on)
        )
        self.on_hand[stock] += q

    @rule(order=orders, line=line_ids, need=amounts, ships=days, supply=supplies, part=amounts)
    def reserve(
        self, order: OrderId, line: str, need: int, ships: int, supply: SupplyOption, part: int
    ) -> None:
        claim = self._claim(order, line, need, ships, supply)
        asked = quantity(part, claim.unit) if part % 3 else None
        self._refusable(
            lambda ledger: reserve_from_stock(ledger, claim, asked, document=order, at=AT)
        )

    @rule(
        order=orders,
        line=line_ids,
        need=amounts,
        ships=days,
        supply=supplies,
        donors=st.none() | st.lists(orders, max_size=3),
        later_only=st.booleans(),
    )
    def reassign(
        self,
        order: OrderId,
        line: str,
        need: int,
        ships: int,
        supply: SupplyOption,
        donors: list[OrderId] | None,
        later_only: bool,
    ) -> None:
        claim = self._claim(order, line, need, ships, supply)
        policy = LatestShipmentFirst(only_later_shipments=later_only)

        def action(ledger: StockLedger) -> None:
            reserve_from_orders(ledger, claim, document="C", at=AT, donors=donors, policy=policy)

        self._refusable(action)

    @rule(order=orders, line=line_ids, need=amounts, ships=days)
    def drop_excess(self, order: OrderId, line: str, need: int, ships: int) -> None:
        claim = self._claim(order, line, need, ships, SupplyOption.FROM_STOCK)
        self._refusable(lambda ledger: release_excess(ledger, [claim], document="C", at=AT))

    @rule(order=orders)
    def drop_order(self, order: OrderId) -> None:
        self._refusable(lambda ledger: release_all(ledger, order, document="C", at=AT))

    @rule(order=orders, line=line_ids, amount=amounts, ships=days, supply=supplies)
    def ship_goods(
        self, order: OrderId, line: str, amount: int, ships: int, supply: SupplyOption
    ) -> None:
        claim = self._claim(order, line, amount, ships, supply)
        q = quantity(amount, claim.unit)
        shipped: list[Quantity] = []

        def action(ledger: StockLedger) -> None:
            report = ship(ledger, claim, q, document="SH", at=AT)
            shipped.extend(m.quantity for m in report.moves)

        self._refusable(action)
        for part in shipped:
            self.on_hand[(claim.product_id, claim.warehouse_id)] -= part

    @precondition(lambda self: hasattr(self, "store"))
    @invariant()
    def reserved_never_exceeds_on_hand_and_on_hand_matches_the_model(self) -> None:
        with self.store.unit_of_work() as uow:
            for p, w in STOCKS:
                position = uow.stock_ledger.position(p, w, UNIT_OF[p])
                assert position.free.value >= 0
                assert position.reserved_total <= position.on_hand
                assert position.on_hand == self.on_hand[(p, w)]

    @precondition(lambda self: hasattr(self, "store"))
    @invariant()
    def balances_are_derived_from_the_entries_and_the_moves_balance(self) -> None:
        with self.store.unit_of_work() as uow:
            balances = uow.stock_ledger.balances()
            entries = uow.stock_ledger.entries()
        assert balances == derive_balances(entries)
        assert all(q.value > 0 for q in balances.values())
        for p, w in STOCKS:
            came_in = sum(
                e.move.quantity.value
                for e in entries
                if e.move.source.kind is BucketKind.OUTSIDE
                and (e.move.product_id, e.move.warehouse_id) == (p, w)
            )
            went_out = sum(
                e.move.quantity.value
                for e in entries
                if e.move.target.kind is BucketKind.OUTSIDE
                and (e.move.product_id, e.move.warehouse_id) == (p, w)
            )
            held = sum(q.value for (bp, bw, _), q in balances.items() if (bp, bw) == (p, w))
            assert came_in - went_out == held


class SqliteLedgerMachine(LedgerMachine):
    """The same machine on the SQLite ledger (in memory: the SQL is the same as on a file)."""

    def make_store(self) -> Store:
        return SqliteStore(":memory:")


TestMemoryLedger = LedgerMachine.TestCase
TestMemoryLedger.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestSqliteLedger = SqliteLedgerMachine.TestCase
TestSqliteLedger.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
