"""The bulk path (``prices``, ``amounts``) gives every golden scenario's prices exactly as the
one-by-one explained path does: data functions, VAT conversions, chains and rounding endings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.unit.pricing.test_golden_scenarios import SCENARIOS, build

from salescore.errors import MissingPriceError
from salescore.money import Money
from salescore.parties import ProductId
from salescore.pricing import PriceTypeId, PricingSnapshot


def one_by_one(snapshot: PricingSnapshot, type_id: str, products: list[str]) -> dict[str, Money]:
    found = {}
    for product in products:
        try:
            price = snapshot.price(ProductId(product), PriceTypeId(type_id))
        except MissingPriceError:
            continue
        found[product] = price.amount
    return found


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bulk_prices_of_a_golden_scenario_are_its_explained_prices(path: Path) -> None:
    scenario = tomllib.loads(path.read_text(encoding="utf-8"))
    products = [p["id"] for p in scenario["products"]]
    snapshot = build(scenario)
    asked = {a["type"] for a in scenario["ask"]}
    assert asked
    for type_id in sorted(asked):
        expected = one_by_one(snapshot, type_id, products)
        bulk = snapshot.prices(PriceTypeId(type_id))
        assert {str(k): v for k, v in bulk.items()} == expected, type_id
        # A second, named request is served from the memo and agrees.
        named = snapshot.prices(PriceTypeId(type_id), [ProductId(p) for p in reversed(products)])
        assert {str(k): v for k, v in named.items()} == expected, type_id
