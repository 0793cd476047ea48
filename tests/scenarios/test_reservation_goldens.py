"""Golden reserve reassignment scenarios: input in TOML, expected moves and stock after.

Each ``reservation/*.toml`` file sets up stock and reserves, runs one
operation and states what moved and the stock that results. The scenarios run
against every storage adapter. Rewrite the expected parts from the current
code with ``pytest tests/scenarios --update-goldens`` and review the diff.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.goldens import check_golden

from salescore.app.stores import Store
from salescore.errors import SalescoreError
from salescore.money import KG, PIECE, Quantity, Unit
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    Bucket,
    LatestShipmentFirst,
    LineId,
    Move,
    MoveReport,
    Operation,
    OrderId,
    ReserveClaim,
    StockLedger,
    SupplyOption,
    receive,
    release_all,
    release_excess,
    reserve_from_orders,
    reserve_from_stock,
)

HERE = Path(__file__).parent / "reservation"
FILES = sorted(HERE.glob("*.toml"))
AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
UNITS = {"pcs": PIECE, "kg": KG}


def _claim(row: dict[str, Any]) -> ReserveClaim:
    unit: Unit = UNITS[row.get("unit", "pcs")]
    return ReserveClaim(
        OrderId(row["order"]),
        LineId(row.get("line", "1")),
        ProductId(row["product"]),
        WarehouseId(row["warehouse"]),
        Quantity(row["quantity"], unit),
        date.fromisoformat(row["ships"]),
        date.fromisoformat(row["ordered"]),
        row.get("priority", 0),
        SupplyOption(row.get("supply", "from_stock")),
    )


def _set_up(ledger: StockLedger, scenario: dict[str, Any]) -> dict[str, list[ReserveClaim]]:
    for row in scenario.get("stock", []):
        unit = UNITS[row.get("unit", "pcs")]
        quantity = Quantity(row["quantity"], unit)
        receive(ledger, row["product"], row["warehouse"], quantity, document="GR", at=AT)
    claims: dict[str, list[ReserveClaim]] = {}
    for row in scenario.get("claims", []):
        claim = _claim(row)
        claims.setdefault(claim.order_id, []).append(claim)
        if "reserve" in row:
            # Set-up writes the reserve directly: it may exceed the line's current need.
            held = Quantity(row["reserve"], claim.unit)
            move = Move(claim.product_id, claim.warehouse_id, Bucket.free(), claim.bucket, held)
            ledger.record([move], Operation.RESERVE_FROM_STOCK, claim.order_id, AT)
            ledger.save_claim(claim)
    return claims


def _run(
    ledger: StockLedger, op: dict[str, Any], claims: dict[str, list[ReserveClaim]]
) -> MoveReport:
    kind, doc = op["kind"], "CORR-1"
    quantity = Quantity(op["quantity"]) if "quantity" in op else None
    if kind == "reserve_from_stock":
        return reserve_from_stock(ledger, claims[op["order"]][0], quantity, document=doc, at=AT)
    if kind == "release_excess":
        lines = [c for order in op["orders"] for c in claims[order]]
        return release_excess(ledger, lines, document=doc, at=AT)
    if kind == "reserve_from_orders":
        donors = [OrderId(o) for o in op["donors"]] if "donors" in op else None
        return reserve_from_orders(
            ledger,
            claims[op["order"]][0],
            quantity,
            document=doc,
            at=AT,
            donors=donors,
            policy=LatestShipmentFirst(op.get("only_later_shipments", True)),
            use_free_first=op.get("use_free_first", True),
        )
    if kind == "release_all":
        return release_all(ledger, OrderId(op["order"]), document=doc, at=AT)
    raise AssertionError(f"unknown operation kind {kind!r}")


def _result(store: Store, scenario: dict[str, Any]) -> dict[str, Any]:
    with store.unit_of_work() as uow:
        claims = _set_up(uow.stock_ledger, scenario)
        uow.commit()
    result: dict[str, Any] = {}
    with store.unit_of_work() as uow:
        try:
            report = _run(uow.stock_ledger, scenario["operation"], claims)
            result["moves"] = [
                f"{step.description}  ({step.source})" if step.source else step.description
                for step in report.explain()
            ]
        except SalescoreError as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
        uow.commit()
    with store.unit_of_work() as uow:
        balances = uow.stock_ledger.balances()
    result["stock_after"] = sorted(f"{p}@{w} {b} = {q.value}" for (p, w, b), q in balances.items())
    return result


def _render(result: dict[str, Any]) -> str:
    out = ["[expected]"]
    for key in ("error", "moves", "stock_after"):
        if key not in result:
            continue
        value = result[key]
        if isinstance(value, str):
            out.append(f"{key} = {_quote(value)}")
        else:
            out.append(f"{key} = [")
            out += [f"    {_quote(item)}," for item in value]
            out.append("]")
    return "\n".join(out) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_reassignment_scenarios_move_what_the_golden_file_says(
    path: Path, store: Store, update_goldens: bool
) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = tomllib.loads(text)
    got = _render(_result(store, scenario))
    head = text[: text.index("[expected]")]
    check_golden(path, head + got, update=update_goldens, test_file=__file__)


def test_every_reassignment_operation_has_a_golden_scenario() -> None:
    kinds = {tomllib.loads(f.read_text(encoding="utf-8"))["operation"]["kind"] for f in FILES}
    assert kinds >= {"reserve_from_stock", "release_excess", "reserve_from_orders", "release_all"}
