"""Reserve operations on the in-memory ledger: the rules beyond the golden scenarios."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.reservation._fixtures import AT, CM, MAIN, held, line

from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import Quantity
from salescore.reservation import (
    LatestShipmentFirst,
    LineId,
    OrderId,
    StockLedger,
    SupplyOption,
    assess_line,
    expect_receipt,
    receive,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
    ship,
)


def test_reserving_by_default_takes_what_the_line_still_lacks(ledger: StockLedger) -> None:
    so1 = line("SO-1", 5)
    reserve_from_stock(ledger, so1, Quantity(2), document="SO-1", at=AT)
    report = reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    assert [m.quantity for m in report.moves] == [Quantity(3)]
    assert held(ledger, so1) == Quantity(5)


def test_a_line_that_lacks_nothing_moves_nothing(ledger: StockLedger) -> None:
    so1 = line("SO-1", 2)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    report = reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    assert report.entries == ()
    assert report.as_text() == "reserve_from_stock (SO-1)\n  nothing moved"


def test_a_line_holding_more_than_it_now_needs_reserves_nothing_more(
    ledger: StockLedger,
) -> None:
    reserve_from_stock(ledger, line("SO-1", 4), document="SO-1", at=AT)
    reduced = line("SO-1", 2)  # the line was cut to 2 and still holds 4
    report = reserve_from_stock(ledger, reduced, document="SO-1/2", at=AT)
    assert report.as_text() == "reserve_from_stock (SO-1/2)\n  nothing moved"
    assert held(ledger, reduced) == Quantity(4)
    assert ledger.position(CM, MAIN).free == Quantity(6)


def test_reserving_beyond_the_lines_need_is_refused_with_what_is_possible(
    ledger: StockLedger,
) -> None:
    so1 = line("SO-1", 5)
    reserve_from_stock(ledger, so1, Quantity(4), document="SO-1", at=AT)
    with pytest.raises(InvalidInputError, match="reserve at most 1 pcs"):
        reserve_from_stock(ledger, so1, Quantity(2), document="SO-1", at=AT)


def test_lines_that_need_no_stock_cannot_reserve_and_ship_nothing(ledger: StockLedger) -> None:
    setup = line("SO-1", 1, supply=SupplyOption.NOT_REQUIRED)
    with pytest.raises(InvalidInputError, match="needs no stock"):
        reserve_from_stock(ledger, setup, document="SO-1", at=AT)
    with pytest.raises(InvalidInputError, match="needs no stock"):
        reserve_from_orders(ledger, setup, document="SO-1", at=AT)
    assert ship(ledger, setup, Quantity(1), document="SH-1", at=AT).entries == ()
    assert ledger.position(CM, MAIN).free == Quantity(10)


def test_a_shipment_takes_the_lines_reserve_first_then_free_stock(ledger: StockLedger) -> None:
    so1 = line("SO-1", 3)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    report = ship(ledger, so1, Quantity(5), document="SH-1", at=AT)
    assert [(str(m.source), m.quantity) for m in report.moves] == [
        ("reserve SO-1/1", Quantity(3)),
        ("free", Quantity(2)),
    ]
    position = ledger.position(CM, MAIN)
    assert (position.on_hand, position.reserved) == (Quantity(5), {})


def test_a_shipment_above_reserve_and_free_stock_is_refused(ledger: StockLedger) -> None:
    so1 = line("SO-1", 3)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    with pytest.raises(InsufficientStockError) as info:
        ship(ledger, so1, Quantity(11), document="SH-1", at=AT)
    assert info.value.details["free"] == Quantity(7)
    assert ledger.position(CM, MAIN).on_hand == Quantity(10)


def test_named_donors_that_hold_too_little_are_named_in_the_refusal(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 2), document="SO-1", at=AT)
    with pytest.raises(InsufficientStockError, match="orders SO-1 give only 2 pcs") as info:
        reserve_from_orders(
            ledger,
            line("SO-9", 5),
            document="C",
            at=AT,
            donors=[OrderId("SO-1")],
            use_free_first=False,
        )
    assert (info.value.details["asked"], info.value.details["free"]) == (Quantity(5), Quantity(2))
    assert ledger.position(CM, MAIN).reserved_total == Quantity(2)


def test_the_policy_may_be_told_to_take_from_orders_shipping_earlier(ledger: StockLedger) -> None:
    early = line("SO-1", 10, date(2026, 3, 2))
    reserve_from_stock(ledger, early, document="SO-1", at=AT)
    taker = line("SO-9", 4, date(2026, 3, 5))
    with pytest.raises(InsufficientStockError):
        reserve_from_orders(ledger, taker, document="C", at=AT)
    reserve_from_orders(
        ledger, taker, document="C", at=AT, policy=LatestShipmentFirst(only_later_shipments=False)
    )
    assert held(ledger, early) == Quantity(6)
    assert held(ledger, taker) == Quantity(4)


def test_a_more_important_order_keeps_its_reserve_against_the_policy(ledger: StockLedger) -> None:
    vip = line("SO-1", 10, date(2026, 4, 1), priority=5)
    reserve_from_stock(ledger, vip, document="SO-1", at=AT)
    with pytest.raises(InsufficientStockError):
        reserve_from_orders(ledger, line("SO-9", 1, priority=4), document="C", at=AT)
    reserve_from_orders(ledger, line("SO-9", 1, priority=5), document="C", at=AT)
    assert held(ledger, vip) == Quantity(9)


def test_a_line_never_takes_from_itself_but_may_take_from_its_orders_other_lines(
    ledger: StockLedger,
) -> None:
    first = line("SO-1", 10, line_id="1")
    reserve_from_stock(ledger, first, document="SO-1", at=AT)
    second = line("SO-1", 3, line_id="2")
    report = reserve_from_orders(
        ledger, second, document="C", at=AT, donors=[OrderId("SO-1")], use_free_first=False
    )
    assert [str(m.source) for m in report.moves] == ["reserve SO-1/1"]
    assert held(ledger, first) == Quantity(7)


def test_releasing_the_excess_keeps_the_claim_with_its_new_need(ledger: StockLedger) -> None:
    so1 = line("SO-1", 6)
    reserve_from_stock(ledger, so1, document="SO-1", at=AT)
    cut = line("SO-1", 4)
    release_excess(ledger, [cut, line("SO-7", 3)], document="C", at=AT)
    assert held(ledger, cut) == Quantity(4)
    assert ledger.claim(OrderId("SO-1"), LineId("1")) == cut
    assert ledger.claim(OrderId("SO-7"), LineId("1")) is None


def test_an_order_named_twice_as_donor_gives_only_once(ledger: StockLedger) -> None:
    reserve_from_stock(ledger, line("SO-1", 3), document="SO-1", at=AT)
    report = reserve_from_orders(
        ledger,
        line("SO-9", 3),
        document="C",
        at=AT,
        donors=[OrderId("SO-1"), OrderId("SO-1")],
        use_free_first=False,
    )
    assert [m.quantity for m in report.moves] == [Quantity(3)]


def test_a_claim_needs_ids_and_a_need_that_is_not_negative() -> None:
    with pytest.raises(InvalidInputError, match="quantity cannot be negative"):
        line("SO-1", -1)
    with pytest.raises(InvalidInputError, match="non-empty order_id"):
        line("", 1)


def test_a_line_to_order_waits_for_its_receipt_and_reserves_it_on_arrival(
    ledger: StockLedger,
) -> None:
    reserve_from_stock(ledger, line("SO-1", 10), document="SO-1", at=AT)  # takes all free stock
    waiting = line("SO-2", 6, date(2026, 3, 12), supply=SupplyOption.TO_ORDER)
    expect_receipt(ledger, CM, MAIN, Quantity(6), date(2026, 3, 11), document="PO-1", at=AT)
    before = assess_line(waiting, ledger.position(CM, MAIN))
    assert (before.lacking, before.missing) == (Quantity(6), Quantity(0))
    receive(ledger, CM, MAIN, Quantity(6), document="GR-2", at=AT, expected_on=date(2026, 3, 11))
    reserve_from_stock(ledger, waiting, document="SO-2", at=AT)
    after = assess_line(waiting, ledger.position(CM, MAIN))
    assert after.is_secured
    assert ledger.position(CM, MAIN).expected == {}
