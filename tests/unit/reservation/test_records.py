"""Reservation results as typed records, notebook tables and values (issue 12, items 3-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from tests.values import assert_is_value, assert_typed_records

from salescore.adapters.memory import MemoryStore
from salescore.money import KG, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.records import table
from salescore.reservation import (
    LineId,
    LineSupply,
    MoveReport,
    OrderId,
    ReserveClaim,
    StockPosition,
    assess_line,
    expect_receipt,
    receive,
    reserve_from_orders,
    reserve_from_stock,
)

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BEANS, MAIN = ProductId("BEANS"), WarehouseId("MAIN")


def claim(order: str, kilos: str, ships: date) -> ReserveClaim:
    return ReserveClaim(OrderId(order), LineId("1"), BEANS, MAIN, Quantity(kilos, KG), ships,
                        date(2026, 2, 20))  # fmt: skip


def scenario() -> dict[str, object]:
    """12.5 kg received, 8.25 kg reserved for SO-1, SO-2 (ships sooner) takes 5 kg."""
    store = MemoryStore()
    with store.unit_of_work() as uow:
        ledger = uow.stock_ledger
        received = receive(ledger, BEANS, MAIN, Quantity("12.5", KG), document="GR-1", at=AT)
        expected = expect_receipt(ledger, BEANS, MAIN, Quantity("20", KG), date(2026, 3, 16),
                                  document="PO-7", at=AT)  # fmt: skip
        reserve_from_stock(ledger, claim("SO-1", "8.25", date(2026, 3, 20)), document="SO-1",
                           at=AT)  # fmt: skip
        taken = reserve_from_orders(ledger, claim("SO-2", "5", date(2026, 3, 3)),
                                    document="<CORR-1>", at=AT)  # fmt: skip
        position = ledger.position(BEANS, MAIN)
        result = {
            "received": received,
            "expected": expected,
            "taken": taken,
            "position": position,
            "entries": ledger.entries(product_id=BEANS),
            "holdings": ledger.holdings(product_id=BEANS),
            "supply": assess_line(claim("SO-3", "30", date(2026, 3, 20)), position),
        }
        uow.commit()
    return result


RESULTS = scenario()


def report(name: str) -> MoveReport:
    value = RESULTS[name]
    assert isinstance(value, MoveReport)
    return value


def test_move_records_carry_decimal_quantities_and_the_reason() -> None:
    rows = report("taken").to_records()
    # 4.25 kg of free stock first, then 0.75 kg from SO-1 (it ships later).
    assert [(r["source"], r["target"], r["quantity"], r["unit"]) for r in rows] == [
        ("free", "reserve SO-2/1", Decimal("4.250"), "kg"),
        ("reserve SO-1/1", "reserve SO-2/1", Decimal("0.750"), "kg"),
    ]
    assert rows[0]["reason"] == "free stock first"
    assert rows[0]["at"] == AT
    assert rows[0]["operation"] == "reserve_from_orders"
    assert pd.DataFrame(rows)["quantity"].sum() == Decimal("5.000")


def test_the_move_table_escapes_the_document() -> None:
    shown = report("taken")._repr_html_()
    assert "<caption>reserve_from_orders (&lt;CORR-1&gt;)</caption>" in shown
    assert "<CORR-1>" not in shown


def test_stock_position_records_one_row_per_bucket() -> None:
    position = RESULTS["position"]
    assert isinstance(position, StockPosition)
    rows = position.to_records()
    assert [(r["bucket"], r["order_id"], r["expected_on"], r["quantity"]) for r in rows] == [
        ("free", None, None, Decimal("0.000")),
        ("reserved", "SO-1", None, Decimal("7.500")),
        ("reserved", "SO-2", None, Decimal("5.000")),
        ("expected", None, date(2026, 3, 16), Decimal("20.000")),
    ]
    on_hand = pd.DataFrame(rows).query("bucket != 'expected'")["quantity"].sum()
    assert on_hand == Decimal("12.500")


def test_ledger_entries_and_holdings_as_tables() -> None:
    entries = RESULTS["entries"]
    assert isinstance(entries, list)
    rows = table(entries, "ledger").to_records()
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)  # type: ignore[type-var]
    assert [r["document"] for r in rows][:2] == ["GR-1", "PO-7"]
    holdings = RESULTS["holdings"]
    assert isinstance(holdings, list)
    held = {r["order_id"]: r["held"] for r in table(holdings).to_records()}
    assert held == {"SO-1": Decimal("7.500"), "SO-2": Decimal("5.000")}


def test_line_supply_record() -> None:
    supply = RESULTS["supply"]
    assert isinstance(supply, LineSupply)
    (row,) = supply.to_records()
    # 30 kg needed, nothing reserved, no free stock, 20 kg expected by 2026-03-20.
    assert (row["needed"], row["free"], row["expected"], row["missing"]) == (
        Decimal("30"), Decimal("0.000"), Decimal("20.000"), Decimal("10.000"))  # fmt: skip
    assert row["secured"] is False


@pytest.mark.parametrize("name", ["received", "expected", "taken", "position", "supply"])
def test_reservation_results_are_values_with_typed_records(name: str) -> None:
    assert_is_value(RESULTS[name])
    assert_typed_records(RESULTS[name])


def test_a_move_alone_is_a_value_with_a_typed_record() -> None:
    move = report("taken").moves[0]
    assert_is_value(move)
    assert_typed_records(move)


def test_ledger_views_are_values() -> None:
    for key in ("entries", "holdings"):
        values = RESULTS[key]
        assert isinstance(values, list)
        for value in values:
            assert_is_value(value)
            assert_typed_records(value)


@pytest.mark.parametrize("field", ["product_id", "warehouse_id"])
def test_a_move_without_a_product_or_warehouse_is_refused_naming_the_field(field: str) -> None:
    from salescore.errors import InvalidInputError
    from salescore.reservation import Bucket, Move

    parts: dict[str, object] = {"product_id": BEANS, "warehouse_id": MAIN, field: None}
    with pytest.raises(InvalidInputError, match=f"Move.{field} must be a non-empty string"):
        Move(
            source=Bucket.free(),
            target=Bucket.reserved(OrderId("SO-1"), LineId("1")),
            quantity=Quantity("1", KG),
            **parts,  # type: ignore[arg-type]
        )
