"""The four reserve reassignments and shipments, one rule per example (fast, memory ledger).

Every value is built inside its test: a value built at import would be built by the
original code under mutation testing, not by the mutant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from tests.unit.reservation._fixtures import AT, CM, MAIN, held, line

from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import KG, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    LatestShipmentFirst,
    LedgerStockSource,
    LineId,
    OrderId,
    ReserveClaim,
    StockLedger,
    StockMeasure,
    SupplyOption,
    expect_receipt,
    receive,
    release_all,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
    ship,
)

LATER = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
GRINDER, STORE = ProductId("GR-7"), WarehouseId("STORE-1")


# --- release_all ---------------------------------------------------------------------------


def test_releasing_an_order_frees_its_reserve_and_leaves_other_orders_alone(
    ledger: StockLedger,
) -> None:
    so1, so2 = line("SO-1", 4), line("SO-2", 3)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    reserve_from_stock(ledger, so2, document="SO-2", at=AT)
    report = release_all(ledger, OrderId("SO-1"), document="CANCEL-1", at=LATER)
    assert (held(ledger, so1), held(ledger, so2)) == (Quantity(0), Quantity(3))
    assert ledger.position(CM, MAIN).free == Quantity(7)
    assert [
        (m.product_id, m.warehouse_id, str(m.source), str(m.target), m.quantity)
        for m in report.moves
    ] == [(CM, MAIN, "reserve SO-1/1", "free", Quantity(4))]
    assert report.as_text() == "release_all (CANCEL-1)\n  1. 4 CM-100@MAIN: reserve SO-1/1 -> free"
    assert [(e.document, e.at, e.operation.value) for e in report.entries] == [
        ("CANCEL-1", LATER, "release_all")
    ]


def test_releasing_an_order_without_reserve_moves_nothing(ledger: StockLedger) -> None:
    report = release_all(ledger, OrderId("SO-1"), document="CANCEL-1", at=AT)
    assert report.as_text() == "release_all (CANCEL-1)\n  nothing moved"


# --- release_excess ------------------------------------------------------------------------


def test_releasing_the_excess_of_a_line_held_exactly_at_its_need_moves_nothing(
    ledger: StockLedger,
) -> None:
    so1 = line("SO-1", 4)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    report = release_excess(ledger, [so1], document="C-1", at=LATER)
    assert report.entries == ()
    assert report.as_text() == "release_excess (C-1)\n  nothing moved"
    assert held(ledger, so1) == Quantity(4)


def test_an_excess_of_a_single_piece_goes_back_to_free_stock(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 4), document="SO-1", at=AT)
    report = release_excess(ledger, [line("SO-1", 3)], document="C-1", at=LATER)
    assert report.as_text() == "release_excess (C-1)\n  1. 1 CM-100@MAIN: reserve SO-1/1 -> free"
    assert [(e.document, e.at) for e in report.entries] == [("C-1", LATER)]
    assert ledger.position(CM, MAIN).free == Quantity(7)


def test_a_line_cut_to_zero_gives_back_its_whole_reserve(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 4), document="SO-1", at=AT)
    release_excess(ledger, [line("SO-1", 0)], document="C-1", at=AT)
    assert ledger.position(CM, MAIN).free == Quantity(10)


# --- reserve_from_orders -------------------------------------------------------------------


def test_a_line_that_lacks_nothing_takes_from_no_order(ledger: StockLedger) -> None:
    so1 = line("SO-1", 2)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    report = reserve_from_orders(ledger, so1, document="C-1", at=AT)
    assert report.as_text() == "reserve_from_orders (C-1)\n  nothing moved"


def test_an_asked_quantity_below_what_the_line_lacks_takes_only_that(
    ledger: StockLedger,
) -> None:
    reserve_from_stock(ledger, line("SO-1", 10, date(2026, 3, 20)), document="SO-1", at=AT)
    taker = line("SO-2", 5, date(2026, 3, 5))
    report = reserve_from_orders(ledger, taker, Quantity(2), document="C-1", at=AT)
    assert [m.quantity for m in report.moves] == [Quantity(2)]
    assert held(ledger, taker) == Quantity(2)


def test_a_single_free_piece_is_taken_before_any_order(ledger: StockLedger) -> None:
    donor = line("SO-1", 9, date(2026, 3, 20))
    reserve_from_stock(ledger, donor, document="SO-1", at=AT)  # 1 piece stays free
    taker = line("SO-2", 3, date(2026, 3, 5))
    report = reserve_from_orders(ledger, taker, document="C-1", at=AT)
    assert [(str(m.source), m.quantity) for m in report.moves] == [
        ("free", Quantity(1)),
        ("reserve SO-1/1", Quantity(2)),
    ]
    assert report.reasons[0] == "free stock first"


def test_the_next_named_donor_gives_what_the_first_lacks(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 2), document="SO-1", at=AT)
    reserve_from_stock(ledger, line("SO-3", 5), document="SO-3", at=AT)
    taker = line("SO-9", 4)
    report = reserve_from_orders(
        ledger,
        taker,
        document="C-1",
        at=AT,
        donors=[OrderId("SO-1"), OrderId("SO-3")],
        use_free_first=False,
    )
    assert [(str(m.source), m.quantity) for m in report.moves] == [
        ("reserve SO-1/1", Quantity(2)),
        ("reserve SO-3/1", Quantity(2)),
    ]
    assert report.reasons == ("named donor", "named donor")
    assert held(ledger, taker) == Quantity(4)


def test_donors_left_over_once_the_line_is_covered_give_nothing(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 5, date(2026, 3, 20)), document="SO-1", at=AT)
    reserve_from_stock(ledger, line("SO-3", 5, date(2026, 3, 15)), document="SO-3", at=AT)
    taker = line("SO-9", 3, date(2026, 3, 5))
    report = reserve_from_orders(ledger, taker, document="C-1", at=AT)
    assert [str(m.source) for m in report.moves] == ["reserve SO-1/1"]
    assert report.reasons == ("policy: ships 2026-03-20, ordered 2026-02-01, priority 0",)
    assert ledger.claim(OrderId("SO-9"), LineId("1")) == taker


def test_only_reserves_of_the_same_product_at_the_same_warehouse_are_taken(
    ledger: StockLedger,
) -> None:
    receive(ledger, GRINDER, MAIN, Quantity(5), document="GR-2", at=AT)
    receive(ledger, CM, STORE, Quantity(5), document="GR-3", at=AT)
    # Other products and warehouses: shipping latest, the policy would rank them first.
    reserve_from_stock(
        ledger, line("SO-1", 5, date(2026, 4, 9), product=GRINDER), document="SO-1", at=AT
    )
    reserve_from_stock(
        ledger, line("SO-2", 5, date(2026, 4, 9), warehouse=STORE), document="SO-2", at=AT
    )
    reserve_from_stock(ledger, line("SO-3", 10, date(2026, 3, 20)), document="SO-3", at=AT)
    taker = line("SO-9", 4, date(2026, 3, 5))
    report = reserve_from_orders(ledger, taker, document="C-1", at=AT)
    assert [(m.product_id, m.warehouse_id, str(m.source)) for m in report.moves] == [
        (CM, MAIN, "reserve SO-3/1")
    ]
    assert held(ledger, line("SO-1", 5, product=GRINDER)) == Quantity(5)
    assert held(ledger, line("SO-2", 5, warehouse=STORE)) == Quantity(5)


def test_the_refusal_says_the_policy_allowed_too_little(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 10, date(2026, 3, 2)), document="SO-1", at=AT)
    with pytest.raises(
        InsufficientStockError,
        match="free stock and the orders the policy allows give only 0 pcs",
    ):
        reserve_from_orders(ledger, line("SO-9", 1, date(2026, 3, 5)), document="C-1", at=AT)


def test_the_refusal_lists_every_named_donor(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 1), document="SO-1", at=AT)
    with pytest.raises(InsufficientStockError, match="free stock and orders SO-1, SO-3 give"):
        reserve_from_orders(
            ledger,
            line("SO-9", 5),
            document="C-1",
            at=AT,
            donors=[OrderId("SO-1"), OrderId("SO-3")],
            use_free_first=False,
        )


def test_an_order_shipping_the_same_day_keeps_its_reserve(ledger: StockLedger) -> None:
    same_day = line("SO-1", 10, date(2026, 3, 5))
    reserve_from_stock(ledger, same_day, document="SO-1", at=AT)
    taker = line("SO-9", 1, date(2026, 3, 5))
    assert not LatestShipmentFirst().is_eligible(
        taker, ledger.holdings(order_id=OrderId("SO-1"))[0]
    )
    with pytest.raises(InsufficientStockError):
        reserve_from_orders(ledger, taker, document="C-1", at=AT)
    assert held(ledger, same_day) == Quantity(10)


# --- ship ----------------------------------------------------------------------------------


def test_a_line_that_needs_no_stock_ships_with_an_empty_report_of_its_document(
    ledger: StockLedger,
) -> None:
    service = line("SO-1", 1, supply=SupplyOption.NOT_REQUIRED)
    report = ship(ledger, service, Quantity(1), document="SH-1", at=AT)
    assert report.as_text() == "shipment (SH-1)\n  nothing moved"


# --- a quantity in another unit than the product is kept in ------------------------------


def _receive_in_kg(ledger: StockLedger) -> object:
    expect_receipt(ledger, CM, MAIN, Quantity(3), date(2026, 3, 2), document="PO-1", at=AT)
    return receive(
        ledger, CM, MAIN, Quantity(2, KG), document="GR-2", at=AT, expected_on=date(2026, 3, 2)
    )


def _kg_line(order: str) -> ReserveClaim:
    return ReserveClaim(
        OrderId(order), LineId("1"), CM, MAIN, Quantity(1, KG), date(2026, 3, 5), date(2026, 2, 1)
    )


def _take_free_in_kg(ledger: StockLedger) -> object:
    return reserve_from_orders(ledger, _kg_line("SO-9"), document="C-1", at=AT)


def _take_from_an_order_in_kg(ledger: StockLedger) -> object:
    reserve_from_stock(ledger, line("SO-1", 5), document="SO-1", at=AT)
    return reserve_from_orders(
        ledger,
        _kg_line("SO-9"),
        document="C-1",
        at=AT,
        donors=[OrderId("SO-1")],
        use_free_first=False,
    )


def _ship_reserved_in_kg(ledger: StockLedger) -> object:
    so1 = line("SO-1", 5)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    return ship(ledger, so1, Quantity(2, KG), document="SH-1", at=AT)


@pytest.mark.parametrize(
    "operation",
    [_receive_in_kg, _take_free_in_kg, _take_from_an_order_in_kg, _ship_reserved_in_kg],
    ids=["receipt", "free stock", "donor order", "shipment"],
)
def test_an_operation_in_another_unit_is_refused_naming_the_unit_the_product_is_kept_in(
    ledger: StockLedger, operation: Callable[[StockLedger], object]
) -> None:
    with pytest.raises(InvalidInputError, match=r"^CM-100 is kept in pcs, not kg: convert"):
        operation(ledger)


# --- stock for price lists -----------------------------------------------------------------


def test_a_product_the_ledger_never_saw_does_not_hide_the_products_after_it(
    ledger: StockLedger,
) -> None:
    source = LedgerStockSource(ledger, StockMeasure.FREE)
    answer = source.balances([ProductId("NEW"), CM], [MAIN], date(2026, 3, 1))
    assert answer == {CM: Quantity(10)}
