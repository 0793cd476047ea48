"""Golden discount scenarios: rules + a sale in, explained discounts out.

Each ``tests/scenarios/discounts/*.toml`` file holds a rule set (in the
rule-set file format), a sale and an ``[expected]`` table. On a mismatch the
test prints a diff; rerun with ``pytest --update-goldens`` to rewrite the
expected tables after checking that the new figures are right.
"""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.goldens import check_golden

from salescore.discounts import (
    DiscountEngine,
    DocumentResult,
    LimitPolicy,
    SaleContext,
    SaleLine,
)
from salescore.discounts.rulefile import rule_set_from_data
from salescore.money import KG, PIECE, Money, Quantity
from salescore.parties import PriceGroupId, Product, ProductId

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios" / "discounts").glob("*.toml"))
RULE_KEYS = ("discounts", "groups", "limits")


def _line(data: dict[str, Any]) -> SaleLine:
    unit = KG if data.get("unit") == "kg" else PIECE
    product = Product(
        ProductId(data["product"]),
        data.get("name", data["product"]),
        unit=unit,
        price_group_id=PriceGroupId(data["price_group"]) if "price_group" in data else None,
    )
    return SaleLine(
        str(data["id"]),
        product,
        Quantity(data["quantity"], unit),
        Money(data["price"], "RUB"),
        frozenset(data.get("segments", ())),
        manual_discounts=data.get("manual", {}),
    )


def _context(data: dict[str, Any]) -> SaleContext:
    moment = data["moment"]
    assert isinstance(moment, datetime)
    return SaleContext(
        moment=moment,
        partner_id=data.get("partner"),
        client_segment_ids=frozenset(data.get("client_segments", ())),
        agreement_id=data.get("agreement"),
        discount_scope=data.get("scope"),
        manual_limit_percent=data.get("manual_limit_percent"),
        manual_limit_by_price_group=data.get("manual_limit_by_price_group", {}),
        card_kind=data.get("card_kind"),
        warehouse_id=data.get("warehouse"),
        payment_form=data.get("payment_form"),
        user=data.get("user"),
        manual_discounts=data.get("manual", {}),
    )


def _actual(result: DocumentResult) -> dict[str, Any]:
    return {
        "document_discount": str(result.discount.amount),
        "document_net": str(result.net.amount),
        "lines": [
            {
                "id": x.line_id,
                "discount": str(x.discount_amount),
                "net": str(x.net.amount),
                "rules": list(x.rule_ids),
                "explanation": x.explain().as_text(),
            }
            for x in result.lines
        ],
        "gifts": [
            {"discount": g.discount_id, "product": g.product_id, "quantity": str(g.quantity)}
            for g in result.gifts
        ],
        "deviations": [
            {"kind": d.kind, "severity": d.severity, "message": d.message}
            for d in result.deviations
        ],
    }


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        if "\n" in value and "'''" not in value:
            return "'''\n" + value + "'''"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(value)


def _render_expected(expected: dict[str, Any]) -> str:
    out = ["[expected]"]
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in expected.items():
        if isinstance(value, list) and (not value or isinstance(value[0], dict)):
            tables.append((key, value))
        else:
            out.append(f"{key} = {_toml_value(value)}")
    for key, rows in tables:
        for row in rows:
            out.append("")
            out.append(f"[[expected.{key}]]")
            out += [f"{k} = {_toml_value(v)}" for k, v in row.items()]
    return "\n".join(out) + "\n"


def _run(data: dict[str, Any]) -> DocumentResult:
    parsed = rule_set_from_data({k: data[k] for k in RULE_KEYS if k in data})
    policy = LimitPolicy(data.get("policy", "deviation"))
    engine = DiscountEngine.compile(parsed.rule_set, limit_policy=policy)
    sale = data["sale"]
    return engine.apply([_line(x) for x in sale["lines"]], _context(sale))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_discount_scenario_gives_the_expected_explained_result(
    path: Path, update_goldens: bool
) -> None:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    actual = _render_expected(_actual(_run(data)))
    head, _, _ = text.partition("\n[expected]\n")
    regenerated = head.rstrip("\n") + "\n\n" + actual
    check_golden(path, regenerated, update=update_goldens, test_file=__file__)


def test_there_is_a_golden_scenario_for_each_required_case() -> None:
    names = {p.stem for p in SCENARIOS}
    required = {
        "combine_add",
        "combine_displace",
        "combine_max",
        "combine_min",
        "combine_multiply",
        "nested_displace_in_max_in_multiply",
        "gift_for_quantity_of_segment",
        "fifth_coffee_maker_free",
        "manual_discount_over_limit",
        "document_discount_spread_over_lines",
    }
    assert required <= names
