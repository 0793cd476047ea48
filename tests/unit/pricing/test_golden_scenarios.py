"""Golden pricing scenarios: price types, prices and products in, explained prices out.

Each ``tests/scenarios/pricing/*.toml`` file has an input part (price types,
partners, products, registered prices, and the ``[[ask]]`` list of prices to
compute) and, after the marker line, the expected prices with their
explanations. On a mismatch the
test prints a diff; after checking that the new result is right, rewrite the
expected part with ``pytest tests/unit/pricing/test_golden_scenarios.py --update-goldens``.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.goldens import check_golden

from salescore.errors import MissingPriceError
from salescore.money import Money, Rounding
from salescore.parties import PartnerId, PartnerKind, PriceGroupId, Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot, RoundingRule
from salescore.tax import VatCategory

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios" / "pricing").glob("*.toml"))
MARKER = "# --- expected: rewritten by pytest --update-goldens ---"


def price_type(data: dict[str, Any]) -> PriceType:
    rounding = data.get("rounding", {})
    return PriceType(
        PriceTypeId(data["id"]),
        data["name"],
        data.get("currency", "RUB"),
        vat_included=data.get("vat_included", True),
        rounding=RoundingRule(
            Decimal(rounding.get("step", "0.01")),
            Rounding[rounding.get("direction", "HALF_UP")],
            None if "ending" not in rounding else Decimal(rounding["ending"]),
        ),
        formula=data.get("formula"),
        group_formulas=data.get("group_formulas", {}),
        partner_id=None if "partner" not in data else PartnerId(data["partner"]),
    )


def build(scenario: dict[str, Any]) -> PricingSnapshot:
    types = [price_type(t) for t in scenario["price_types"]]
    records = [
        PriceRecord(
            PriceTypeId(p["type"]),
            ProductId(p["product"]),
            p["date"],
            Money(p["amount"], next(t.currency for t in types if t.id == p["type"])),
            p.get("characteristic"),
        )
        for p in scenario.get("prices", [])
    ]
    partner_types = {t.id for t in types if t.partner_id is not None}
    return PricingSnapshot.build(
        types,
        scenario["date"],
        records=[r for r in records if r.price_type_id not in partner_types],
        market_records=[r for r in records if r.price_type_id in partner_types],
        partner_kinds={
            PartnerId(p["id"]): frozenset(PartnerKind(k) for k in p["kinds"])
            for p in scenario.get("partners", [])
        },
        products=[
            Product(
                ProductId(p["id"]),
                p.get("name", p["id"]),
                price_group_id=PriceGroupId(p["price_group"]) if "price_group" in p else None,
                vat_category=VatCategory(p.get("vat", "general")),
            )
            for p in scenario["products"]
        ],
    )


def expected_text(snapshot: PricingSnapshot, asked: list[tuple[str, str]]) -> str:
    blocks = []
    for product, type_id in asked:
        try:
            price = str(snapshot.price(ProductId(product), PriceTypeId(type_id)).amount.amount)
        except MissingPriceError:
            price = "none"
        explanation = snapshot.explain(ProductId(product), PriceTypeId(type_id)).as_text()
        blocks.append(
            f'[[expected]]\nproduct = "{product}"\ntype = "{type_id}"\nprice = "{price}"\n'
            f'explanation = """\n{explanation}\n"""\n'
        )
    return "\n".join(blocks)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_pricing_scenario(path: Path, update_goldens: bool) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition(MARKER)
    scenario = tomllib.loads(text)
    snapshot = build(scenario)
    asked = [(a["product"], a["type"]) for a in scenario["ask"]]
    actual = f"{head.rstrip()}\n\n{MARKER}\n\n{expected_text(snapshot, asked)}"
    check_golden(path, actual, update=update_goldens, test_file=__file__)


def test_every_scenario_checks_at_least_one_price() -> None:
    assert SCENARIOS
    for path in SCENARIOS:
        assert tomllib.loads(path.read_text(encoding="utf-8")).get("expected"), path.name


def test_scenario_dates_are_dates() -> None:
    for path in SCENARIOS:
        assert isinstance(tomllib.loads(path.read_text(encoding="utf-8"))["date"], date)
