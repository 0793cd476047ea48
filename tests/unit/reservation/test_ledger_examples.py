"""Reservation values as records and tables, and the ledger's arithmetic (fast examples).

Each test builds its values itself (see tests/unit/reservation/test_reassignment_examples.py).
"""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.sqlite import SqliteStore
from salescore.app.stores import Store
from salescore.errors import InsufficientStockError, InvalidInputError
from salescore.money import KG, PIECE, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    Bucket,
    LineId,
    Move,
    MoveReport,
    Operation,
    OrderId,
    ReserveClaim,
    StockPosition,
    SupplyOption,
    assess_line,
    expect_receipt,
    receive,
    release_excess,
    reserve_from_stock,
)

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CM, BEANS, MAIN = ProductId("CM-100"), ProductId("BEANS"), WarehouseId("MAIN")


def claim(order: str, need: int, *, line: str = "1") -> ReserveClaim:
    return ReserveClaim(
        OrderId(order),
        LineId(line),
        CM,
        MAIN,
        Quantity(need),
        date(2026, 3, 10),
        date(2026, 2, 20),
        2,
        SupplyOption.SEPARATE,
    )


# --- records and notebook tables -----------------------------------------------------------


def test_a_line_supply_record_names_its_order_line_and_shows_every_figure() -> None:
    position = StockPosition(
        CM,
        MAIN,
        PIECE,
        free=Quantity(1),
        reserved={(OrderId("SO-1"), LineId("2")): Quantity(2)},
        expected={date(2026, 3, 9): Quantity(3)},
    )
    supply = assess_line(claim("SO-1", 8, line="2"), position)
    assert supply.to_records() == [
        {
            "order_id": "SO-1",
            "line_id": "2",
            "product_id": "CM-100",
            "warehouse_id": "MAIN",
            "supply": "separate",
            "planned_shipment": date(2026, 3, 10),
            "needed": Decimal("8"),
            "reserved": Decimal("2"),
            "free": Decimal("1"),
            "expected": Decimal("3"),
            "missing": Decimal("2"),  # 8 - 2 reserved - 1 free - 3 expected
            "unit": "pcs",
            "secured": False,
        }
    ]
    shown = supply._repr_html_()
    assert "<caption>supply of SO-1/2 (CM-100@MAIN, separate) by 2026-03-10</caption>" in shown


def test_a_holding_record_shows_the_line_its_need_and_what_it_holds() -> None:
    with MemoryStore().unit_of_work() as uow:
        ledger = uow.stock_ledger
        receive(ledger, CM, MAIN, Quantity(10), document="GR-1", at=AT)
        reserve_from_stock(ledger, claim("SO-1", 5, line="3"), Quantity(4), document="SO-1", at=AT)
        (holding,) = ledger.holdings(order_id=OrderId("SO-1"))
    assert holding.to_records() == [
        {
            "order_id": "SO-1",
            "line_id": "3",
            "product_id": "CM-100",
            "warehouse_id": "MAIN",
            "supply": "separate",
            "planned_shipment": date(2026, 3, 10),
            "priority": 2,
            "needed": Decimal("5"),
            "held": Decimal("4"),
            "unit": "pcs",
        }
    ]
    assert "<caption>reserve held</caption><thead><tr><th>order_id</th>" in holding._repr_html_()


def test_a_receipt_report_as_records_text_and_table() -> None:
    with MemoryStore().unit_of_work() as uow:
        ledger = uow.stock_ledger
        expect_receipt(
            ledger, BEANS, MAIN, Quantity(2, KG), date(2026, 3, 2), document="PO-1", at=AT
        )
        report = receive(
            ledger,
            BEANS,
            MAIN,
            Quantity("2.5", KG),
            document="GR-1",
            at=AT,
            expected_on=date(2026, 3, 2),
        )
    assert report.as_text() == (
        "receipt (GR-1)\n"
        "  1. 2.000 BEANS@MAIN: expected 2026-03-02 -> free\n"
        "  2. 0.500 BEANS@MAIN: outside -> free"
    )
    first, second = report.to_records()
    assert second == {
        "seq": report.entries[1].seq,
        "operation": "receipt",
        "document": "GR-1",
        "at": AT,
        "product_id": "BEANS",
        "warehouse_id": "MAIN",
        "source": "outside",
        "target": "free",
        "quantity": Decimal("0.500"),
        "unit": "kg",
        "reason": "",
    }
    assert isinstance(first["seq"], int)
    assert isinstance(second["seq"], int)
    assert first["seq"] < second["seq"]
    entry = report.entries[1]
    assert f"<caption>ledger entry #{entry.seq}</caption>" in entry._repr_html_()
    move = report.moves[1]
    assert move.to_records() == [
        {
            "product_id": "BEANS",
            "warehouse_id": "MAIN",
            "source": "outside",
            "target": "free",
            "quantity": Decimal("0.500"),
            "unit": "kg",
        }
    ]
    assert "<caption>move</caption>" in move._repr_html_()


def test_an_empty_report_still_shows_its_columns_in_order() -> None:
    shown = MoveReport(Operation.RELEASE_ALL, "CANCEL-1")._repr_html_()
    header = "".join(
        f"<th>{name}</th>"
        for name in (
            "seq",
            "operation",
            "document",
            "at",
            "product_id",
            "warehouse_id",
            "source",
            "target",
            "quantity",
            "unit",
            "reason",
        )
    )
    assert shown == (
        f"<table><caption>release_all (CANCEL-1)</caption><thead><tr>{header}</tr></thead>"
        "<tbody></tbody></table>"
    )


def test_a_stock_position_record_names_each_reserves_order_line() -> None:
    position = StockPosition(
        CM, MAIN, PIECE, free=Quantity(3), reserved={(OrderId("SO-1"), LineId("2")): Quantity(2)}
    )
    assert position.to_records() == [
        {
            "product_id": "CM-100",
            "warehouse_id": "MAIN",
            "bucket": "free",
            "order_id": None,
            "line_id": None,
            "expected_on": None,
            "quantity": Decimal("3"),
            "unit": "pcs",
        },
        {
            "product_id": "CM-100",
            "warehouse_id": "MAIN",
            "bucket": "reserved",
            "order_id": "SO-1",
            "line_id": "2",
            "expected_on": None,
            "quantity": Decimal("2"),
            "unit": "pcs",
        },
    ]
    assert "<caption>stock of CM-100 at MAIN</caption>" in position._repr_html_()


# --- values refused ------------------------------------------------------------------------


def test_a_move_of_nothing_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="quantity must be positive"):
        Move(CM, MAIN, Bucket.outside(), Bucket.free(), Quantity(0))


def test_a_reserve_bucket_needs_both_an_order_and_a_line() -> None:
    for order, line in (("SO-1", ""), ("", "1")):
        with pytest.raises(InvalidInputError, match="needs an order id and a line id"):
            Bucket.reserved(OrderId(order), LineId(line))


def test_a_line_that_needs_nothing_is_a_valid_claim() -> None:
    nothing = claim("SO-1", 0)
    assert nothing.quantity == Quantity(0)
    # With no stock at all it is secured and misses nothing.
    supply = assess_line(nothing, StockPosition(CM, MAIN, PIECE, free=Quantity(0)))
    assert (supply.is_secured, supply.missing) == (True, Quantity(0))


# --- the ledger's arithmetic ---------------------------------------------------------------


def test_one_batch_cannot_bring_a_new_product_in_two_units() -> None:
    moves = [
        Move(BEANS, MAIN, Bucket.outside(), Bucket.free(), Quantity(1)),
        Move(BEANS, MAIN, Bucket.outside(), Bucket.free(), Quantity(1, KG)),
    ]
    with MemoryStore().unit_of_work() as uow:
        with pytest.raises(InvalidInputError, match="BEANS is kept in pcs, not kg"):
            uow.stock_ledger.record(moves, Operation.RECEIPT, "GR-1", AT)
        assert uow.stock_ledger.unit_of(BEANS) is None


def test_taking_more_than_a_reserve_holds_names_the_order_line() -> None:
    with MemoryStore().unit_of_work() as uow:
        ledger = uow.stock_ledger
        receive(ledger, CM, MAIN, Quantity(10), document="GR-1", at=AT)
        reserve_from_stock(ledger, claim("SO-1", 2), document="SO-1", at=AT)
        too_much = Move(
            CM, MAIN, Bucket.reserved(OrderId("SO-1"), LineId("1")), Bucket.outside(), Quantity(5)
        )
        with pytest.raises(InsufficientStockError) as info:
            ledger.record([too_much], Operation.SHIPMENT, "SH-1", AT)
    assert str(info.value).startswith(
        "cannot take 5 pcs of CM-100 at MAIN from the reserve of order SO-1 line 1: "
        "only 2 pcs there."
    )
    assert info.value.details == {
        "product": CM,
        "warehouse": MAIN,
        "bucket": "reserve SO-1/1",
        "asked": Quantity(5),
        "free": Quantity(2),
    }


def test_taking_more_than_an_expected_receipt_names_its_date() -> None:
    with MemoryStore().unit_of_work() as uow:
        ledger = uow.stock_ledger
        expect_receipt(ledger, CM, MAIN, Quantity(3), date(2026, 3, 16), document="PO", at=AT)
        early = Move(CM, MAIN, Bucket.expected(date(2026, 3, 16)), Bucket.free(), Quantity(4))
        with pytest.raises(InsufficientStockError, match="from the receipt expected on 2026-03-16"):
            ledger.record([early], Operation.RECEIPT, "GR-1", AT)


@pytest.mark.parametrize("store", [MemoryStore, SqliteStore], ids=["memory", "sqlite"])
def test_quantities_are_kept_exactly_whatever_the_callers_decimal_context(
    store: type[Store],
) -> None:
    caller = decimal.Context(prec=2, rounding=decimal.ROUND_DOWN)
    with decimal.localcontext(caller), store().unit_of_work() as uow:
        ledger = uow.stock_ledger
        receive(ledger, BEANS, MAIN, Quantity("12.345", KG), document="GR-1", at=AT)
        bean_claim = ReserveClaim(
            OrderId("SO-1"),
            LineId("1"),
            BEANS,
            MAIN,
            Quantity("7.654", KG),
            date(2026, 3, 10),
            date(2026, 2, 20),
        )
        reserve_from_stock(ledger, bean_claim, document="SO-1", at=AT)
        release_excess(ledger, [bean_claim], document="C-1", at=AT)
        position = ledger.position(BEANS, MAIN)
        held = ledger.holdings(order_id=OrderId("SO-1"))[0].quantity
    assert (position.free.value, held.value) == (Decimal("4.691"), Decimal("7.654"))


def test_a_report_with_more_reasons_than_entries_is_refused_when_built() -> None:
    with pytest.raises(InvalidInputError, match="2 reasons for 0 ledger entries"):
        MoveReport(Operation.RELEASE_ALL, "CANCEL-1", (), ("one", "two"))
