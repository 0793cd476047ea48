"""Availability of an order line: reserved, free now, expected by its shipment date."""

from __future__ import annotations

from datetime import date

from salescore.money import PIECE, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    LineId,
    OrderId,
    ReserveClaim,
    StockPosition,
    SupplyOption,
    assess_line,
)

POSITION = StockPosition(
    ProductId("CM-100"),
    WarehouseId("MAIN"),
    PIECE,
    free=Quantity(3),
    reserved={(OrderId("SO-1"), LineId("1")): Quantity(2)},
    expected={date(2026, 3, 5): Quantity(4), date(2026, 3, 20): Quantity(50)},
)


def line(need: int, supply: SupplyOption = SupplyOption.FROM_STOCK) -> ReserveClaim:
    return ReserveClaim(
        OrderId("SO-1"),
        LineId("1"),
        ProductId("CM-100"),
        WarehouseId("MAIN"),
        Quantity(need),
        date(2026, 3, 10),
        date(2026, 3, 1),
        supply=supply,
    )


def test_receipts_expected_after_the_shipment_date_do_not_count() -> None:
    supply = assess_line(line(12), POSITION)
    assert (supply.lacking, supply.expected, supply.missing) == (
        Quantity(10),
        Quantity(4),
        Quantity(3),
    )
    assert not supply.is_secured


def test_a_fully_reserved_line_is_secured_and_misses_nothing() -> None:
    supply = assess_line(line(2), POSITION)
    assert supply.is_secured
    assert supply.missing == Quantity(0)


def test_a_line_needing_no_stock_is_always_secured() -> None:
    supply = assess_line(line(100, SupplyOption.NOT_REQUIRED), POSITION)
    assert supply.is_secured
    assert supply.explain().as_text().endswith("1. no stock needed")


def test_a_line_one_piece_short_lacks_that_piece_and_is_not_secured() -> None:
    # 3 ordered, 2 held: 1 lacking, which the 3 free pieces cover, so none missing.
    supply = assess_line(line(3), POSITION)
    assert (supply.lacking, supply.missing) == (Quantity(1), Quantity(0))
    assert not supply.is_secured


def test_a_line_misses_the_one_piece_free_stock_and_receipts_cannot_cover() -> None:
    # 10 ordered, 2 held: 8 lacking; 3 free and 4 expected by 10 March cover 7, 1 is missing.
    supply = assess_line(line(10), POSITION)
    assert (supply.lacking, supply.expected, supply.missing) == (
        Quantity(8),
        Quantity(4),
        Quantity(1),
    )
