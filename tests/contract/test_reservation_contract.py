"""The stock ledger contract, held against every storage adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salescore.app.stores import Store
from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import KG, PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    Bucket,
    LineId,
    Move,
    Operation,
    OrderId,
    ReserveClaim,
    SupplyOption,
    derive_balances,
    expect_receipt,
    receive,
    release_all,
    reserve_from_stock,
    ship,
)

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
CM, BEANS = ProductId("CM-100"), ProductId("BEANS-ARABICA")
MAIN, STORE = WarehouseId("MAIN"), WarehouseId("STORE-1")


def claim(
    order: str,
    need: int | str,
    *,
    line: str = "1",
    product: ProductId = CM,
    warehouse: WarehouseId = MAIN,
    unit: Unit = PIECE,
    supply: SupplyOption = SupplyOption.FROM_STOCK,
) -> ReserveClaim:
    return ReserveClaim(
        OrderId(order),
        LineId(line),
        product,
        warehouse,
        Quantity(need, unit),
        date(2026, 3, 10),
        date(2026, 2, 20),
        supply=supply,
    )


def stock(store: Store, quantity: int = 10, warehouse: WarehouseId = MAIN) -> None:
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, CM, warehouse, Quantity(quantity), document="GR-1", at=AT)
        uow.commit()


def test_a_reserve_moves_free_stock_to_the_line_and_keeps_on_hand(store: Store) -> None:
    stock(store, 10)
    with store.unit_of_work() as uow:
        reserve_from_stock(uow.stock_ledger, claim("SO-1", 4), document="SO-1", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(CM, MAIN)
    assert position.free == Quantity(6)
    assert position.reserved == {(OrderId("SO-1"), LineId("1")): Quantity(4)}
    assert position.on_hand == Quantity(10)


def test_entries_are_read_back_equal_in_order_with_their_history(store: Store) -> None:
    stock(store, 10)
    with store.unit_of_work() as uow:
        report = reserve_from_stock(uow.stock_ledger, claim("SO-1", 4), document="SO-1", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        everything = uow.stock_ledger.entries()
        of_order = uow.stock_ledger.entries(order_id=OrderId("SO-1"))
        elsewhere = uow.stock_ledger.entries(warehouse_id=STORE)
    assert [e.operation for e in everything] == [Operation.RECEIPT, Operation.RESERVE_FROM_STOCK]
    assert everything[0].seq < everything[1].seq
    assert of_order == list(report.entries)
    assert of_order[0].at == AT
    assert elsewhere == []


def test_a_reserve_above_free_stock_names_product_warehouse_asked_and_free(store: Store) -> None:
    stock(store, 3)
    with store.unit_of_work() as uow:
        with pytest.raises(InsufficientStockError, match="only 3 pcs there") as info:
            reserve_from_stock(uow.stock_ledger, claim("SO-1", 5), document="SO-1", at=AT)
        details = info.value.details
        assert (details["product"], details["warehouse"]) == (CM, MAIN)
        assert (details["asked"], details["free"]) == (Quantity(5), Quantity(3))
        # the refused batch wrote nothing, and the unit of work goes on
        assert uow.stock_ledger.position(CM, MAIN).free == Quantity(3)
        assert len(uow.stock_ledger.entries()) == 1
        assert uow.stock_ledger.claim(OrderId("SO-1"), LineId("1")) is None
        reserve_from_stock(uow.stock_ledger, claim("SO-1", 3), document="SO-1", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.stock_ledger.position(CM, MAIN).reserved_total == Quantity(3)


def test_a_refused_batch_leaves_none_of_its_moves(store: Store) -> None:
    stock(store, 5)
    reserve = Bucket.reserved(OrderId("SO-1"), LineId("1"))
    moves = [
        Move(CM, MAIN, Bucket.free(), reserve, Quantity(4)),
        Move(CM, MAIN, Bucket.outside(), Bucket.free(), Quantity(1)),
        Move(CM, MAIN, Bucket.free(), Bucket.outside(), Quantity(3)),  # 5 - 4 + 1 - 3 < 0
    ]
    with store.unit_of_work() as uow:
        with pytest.raises(InsufficientStockError):
            uow.stock_ledger.record(moves, Operation.SHIPMENT, "X", AT)
        assert uow.stock_ledger.balances() == {(CM, MAIN, Bucket.free()): Quantity(5)}


def test_a_failed_unit_of_work_leaves_nothing(store: Store) -> None:
    stock(store, 5)

    def interrupted_unit_of_work() -> None:
        with store.unit_of_work() as uow:
            reserve_from_stock(uow.stock_ledger, claim("SO-1", 2), document="SO-1", at=AT)
            receive(uow.stock_ledger, BEANS, MAIN, Quantity("1.5", KG), document="GR-2", at=AT)
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        interrupted_unit_of_work()
    with store.unit_of_work() as uow:
        assert uow.stock_ledger.balances() == {(CM, MAIN, Bucket.free()): Quantity(5)}
        assert len(uow.stock_ledger.entries()) == 1
        assert uow.stock_ledger.claim(OrderId("SO-1"), LineId("1")) is None
        assert uow.stock_ledger.unit_of(BEANS) is None


def test_weighed_goods_keep_every_gram_and_their_unit(store: Store) -> None:
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, BEANS, MAIN, Quantity("12.345", KG), document="GR", at=AT)
        beans = claim("SO-1", "0.125", product=BEANS, unit=KG)
        reserve_from_stock(uow.stock_ledger, beans, document="SO-1", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(BEANS, MAIN)
        assert uow.stock_ledger.unit_of(BEANS) == KG
        assert uow.stock_ledger.entries()[1].move.quantity == Quantity("0.125", KG)
    assert position.free == Quantity("12.220", KG)
    assert position.on_hand == Quantity("12.345", KG)


def test_a_product_moved_in_another_unit_is_refused(store: Store) -> None:
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, BEANS, MAIN, Quantity("2", KG), document="GR", at=AT)
        with pytest.raises(InvalidInputError, match="BEANS-ARABICA is kept in kg, not pcs"):
            receive(uow.stock_ledger, BEANS, MAIN, Quantity(2), document="GR", at=AT)


def test_expected_receipts_count_towards_availability_up_to_their_date(store: Store) -> None:
    stock(store, 2)
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        expect_receipt(ledger, CM, MAIN, Quantity(5), date(2026, 3, 5), document="PO-1", at=AT)
        expect_receipt(ledger, CM, MAIN, Quantity(7), date(2026, 3, 9), document="PO-2", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        assert position.expected == {date(2026, 3, 5): Quantity(5), date(2026, 3, 9): Quantity(7)}
        assert position.available_on(date(2026, 3, 4)) == Quantity(2)
        assert position.available_on(date(2026, 3, 9)) == Quantity(14)
        assert position.on_hand == Quantity(2)
        receive(
            uow.stock_ledger,
            CM,
            MAIN,
            Quantity(6),
            document="GR-2",
            at=AT,
            expected_on=date(2026, 3, 5),
        )
        after = uow.stock_ledger.position(CM, MAIN)
    assert after.expected == {date(2026, 3, 9): Quantity(7)}
    assert after.free == Quantity(8)


def test_holdings_carry_the_claims_and_filter_by_order_product_and_warehouse(
    store: Store,
) -> None:
    stock(store, 10)
    stock(store, 10, STORE)
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        reserve_from_stock(ledger, claim("SO-1", 2), document="SO-1", at=AT)
        reserve_from_stock(ledger, claim("SO-1", 3, line="2"), document="SO-1", at=AT)
        reserve_from_stock(ledger, claim("SO-2", 4, warehouse=STORE), document="SO-2", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        assert [
            (h.claim.line_key, h.quantity) for h in ledger.holdings(order_id=OrderId("SO-1"))
        ] == [
            (("SO-1", "1"), Quantity(2)),
            (("SO-1", "2"), Quantity(3)),
        ]
        assert [h.claim.order_id for h in ledger.holdings(warehouse_id=STORE)] == ["SO-2"]
        assert ledger.holdings(product_id=BEANS) == []
        assert ledger.claim(OrderId("SO-2"), LineId("1")) == claim("SO-2", 4, warehouse=STORE)


def test_stored_balances_equal_the_balances_derived_from_the_entries(store: Store) -> None:
    stock(store, 10)
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        reserve_from_stock(ledger, claim("SO-1", 6), document="SO-1", at=AT)
        ship(ledger, claim("SO-1", 6), Quantity(2), document="SH-1", at=AT)
        release_all(ledger, OrderId("SO-1"), document="CORR", at=AT)
        expect_receipt(ledger, CM, MAIN, Quantity(5), date(2026, 3, 5), document="PO", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        balances = uow.stock_ledger.balances()
        assert balances == derive_balances(uow.stock_ledger.entries())
    assert balances == {
        (CM, MAIN, Bucket.free()): Quantity(8),
        (CM, MAIN, Bucket.expected(date(2026, 3, 5))): Quantity(5),
    }


def test_a_product_that_never_moved_has_an_empty_position(store: Store) -> None:
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(BEANS, MAIN, KG)
        assert uow.stock_ledger.unit_of(BEANS) is None
    assert position.on_hand == Quantity(0, KG)
    assert position.reserved == {}


def test_a_rolled_back_first_receipt_does_not_fix_the_products_unit(store: Store) -> None:
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, BEANS, MAIN, Quantity("2", KG), document="GR", at=AT)
        assert uow.stock_ledger.unit_of(BEANS) == KG
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, BEANS, MAIN, Quantity(3), document="GR", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        receive(uow.stock_ledger, BEANS, STORE, Quantity(1), document="GR", at=AT)
        with pytest.raises(InvalidInputError, match="kept in pcs, not kg"):
            receive(uow.stock_ledger, BEANS, MAIN, Quantity("1", KG), document="GR", at=AT)
        uow.commit()
        assert uow.stock_ledger.unit_of(BEANS) == PIECE


def test_a_batch_that_moves_goods_in_and_out_of_a_reserve_leaves_no_empty_reserve(
    store: Store,
) -> None:
    stock(store, 5)
    reserve = Bucket.reserved(OrderId("SO-1"), LineId("1"))
    moves = [
        Move(CM, MAIN, Bucket.free(), reserve, Quantity(2)),
        Move(CM, MAIN, reserve, Bucket.outside(), Quantity(2)),
    ]
    with store.unit_of_work() as uow:
        uow.stock_ledger.record(moves, Operation.SHIPMENT, "SH-1", AT)
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        assert len(uow.stock_ledger.entries()) == 3
    assert (position.free, position.reserved) == (Quantity(3), {})


def test_a_released_reserve_and_a_used_up_free_stock_leave_no_empty_balance(store: Store) -> None:
    stock(store, 3)
    with store.unit_of_work() as uow:
        reserve_from_stock(uow.stock_ledger, claim("SO-1", 3), document="SO-1", at=AT)  # free 0
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.stock_ledger.position(CM, MAIN).reserved == {(OrderId("SO-1"), LineId("1")):
                                                                Quantity(3)}  # fmt: skip
        release_all(uow.stock_ledger, OrderId("SO-1"), document="SO-1", at=AT)  # reserve 0
        uow.commit()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        assert (position.free, position.reserved) == (Quantity(3), {})
        assert uow.stock_ledger.holdings(order_id=OrderId("SO-1")) == []
        with pytest.raises(InsufficientStockError):
            reserve_from_stock(uow.stock_ledger, claim("SO-2", 4), document="SO-2", at=AT)
        assert uow.stock_ledger.position(CM, MAIN).free == Quantity(3)  # nothing half-taken


def test_a_line_is_reserved_up_to_its_need_and_never_above(store: Store) -> None:
    stock(store, 10)
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        first = reserve_from_stock(ledger, claim("SO-1", 4), Quantity(1), document="A", at=AT)
        rest = reserve_from_stock(ledger, claim("SO-1", 4), document="B", at=AT)  # what it lacks
        none = reserve_from_stock(ledger, claim("SO-1", 4), document="C", at=AT)
        with pytest.raises(InvalidInputError, match="needs 4 pcs of CM-100 and holds 4 pcs"):
            reserve_from_stock(ledger, claim("SO-1", 4), Quantity(1), document="D", at=AT)
        with pytest.raises(InvalidInputError, match="quantity must be positive, got -1 pcs"):
            reserve_from_stock(ledger, claim("SO-2", 4), Quantity(-1), document="E", at=AT)
        uow.commit()
    assert [e.move.quantity for e in first.entries] == [Quantity(1)]
    assert [(e.move.quantity, e.document) for e in rest.entries] == [(Quantity(3), "B")]
    assert rest.entries[0].move.target == Bucket.reserved(OrderId("SO-1"), LineId("1"))
    assert none.entries == ()
    with store.unit_of_work() as uow:
        position = uow.stock_ledger.position(CM, MAIN)
        assert [e.document for e in uow.stock_ledger.entries()] == ["GR-1", "A", "B"]
        assert uow.stock_ledger.claim(OrderId("SO-1"), LineId("1")) == claim("SO-1", 4)
    assert (position.free, position.reserved_total) == (Quantity(6), Quantity(4))


def test_a_line_needing_less_than_it_holds_reserves_nothing_and_keeps_its_claim(
    store: Store,
) -> None:
    stock(store, 10)
    with store.unit_of_work() as uow:
        reserve_from_stock(uow.stock_ledger, claim("SO-1", 5), document="A", at=AT)
        uow.commit()
    with store.unit_of_work() as uow:
        report = reserve_from_stock(uow.stock_ledger, claim("SO-1", 2), document="B", at=AT)
        kept = uow.stock_ledger.claim(OrderId("SO-1"), LineId("1"))
        uow.commit()
    assert report.entries == ()
    assert kept == claim("SO-1", 5)  # an empty reserve step keeps no new claim


def test_a_reserve_of_a_product_never_received_is_refused_and_fixes_no_unit(store: Store) -> None:
    with store.unit_of_work() as uow:
        with pytest.raises(
            InsufficientStockError, match=r"cannot take 1\.500 kg .* only 0\.000 kg there"
        ):
            reserve_from_stock(
                uow.stock_ledger, claim("SO-1", "1.5", product=BEANS, unit=KG), document="A",
                at=AT,
            )  # fmt: skip
        assert uow.stock_ledger.unit_of(BEANS) is None
        assert uow.stock_ledger.entries() == []
