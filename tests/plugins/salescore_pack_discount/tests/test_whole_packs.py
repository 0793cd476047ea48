"""The example plugin's own tests, written with salescore's plugin author's kit.

They use what a plugin author has: :mod:`salescore.testing.strategies` for
sales to evaluate, :func:`salescore.testing.memory_store` as the store and
:class:`salescore.testing.FixedClock` for the sale's moment. And they show
that an installed plugin is found by default, by the Python API exactly as
by the command line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from salescore_pack_discount import WholePacks  # type: ignore[import-not-found]

from salescore.app.discount_rules import save_rule_set
from salescore.cli import main
from salescore.discounts import (
    Combination,
    ConditionContext,
    ConditionExpr,
    ConditionRegistry,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
    SaleContext,
    SaleLine,
)
from salescore.errors import DiscountError, ScenarioError
from salescore.money import PIECE, Money, Quantity, Rounding
from salescore.parties import Product, ProductId
from salescore.scenario.sales import parse_sales
from salescore.testing import FixedClock, memory_store
from salescore.testing.strategies import condition_contexts, quantities, sale_lines

RULES = DiscountRuleSet(
    [
        Discount(
            DiscountId("PACKS"),
            "Whole packs",
            value=4,
            condition=ConditionExpr.leaf("whole_packs", pack=6),
        )
    ],
    [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, ["PACKS"])],
)


@given(condition_contexts(), st.integers(1, 24))
def test_it_holds_exactly_for_a_whole_number_of_packs(ctx: ConditionContext, pack: int) -> None:
    assert ctx.line is not None
    quantity = ctx.line.quantity.value
    assert WholePacks(Decimal(pack)).is_satisfied(ctx) == (quantity % pack == 0)


@given(sale_lines(), quantities(PIECE, max_value=100))
def test_the_engine_gives_four_percent_only_to_lines_of_whole_packs(
    line: SaleLine, qty: Quantity
) -> None:
    cups = SaleLine("1", line.product, Quantity(qty.value, line.product.unit), line.unit_price)
    engine = DiscountEngine.compile(RULES, ConditionRegistry.of(WholePacks))
    moment = FixedClock.on(date(2026, 3, 2)).now()
    (result,) = engine.apply([cups], SaleContext(moment)).lines
    four_percent = Money.of(cups.gross.amount * Decimal("0.04"), "RUB", Rounding.HALF_UP)
    assert result.discount_amount == (four_percent.amount if qty.value % 6 == 0 else 0)


@pytest.mark.parametrize("pack", [0, -6, "six"])
def test_a_pack_that_is_not_positive_is_refused_with_the_condition_named(pack: object) -> None:
    with pytest.raises(DiscountError, match="whole_packs"):
        WholePacks.from_params({"pack": pack})


SCENARIO = """
currency = "RUB"
[[products]]
id = "CUPS"
[[partners]]
id = "CAFE"
[[price_types]]
id = "BASE"
name = "Base"
[[prices]]
price_type = "BASE"
product = "CUPS"
price = "10.00"
from = 2026-01-01
[[agreements]]
id = "TA"
name = "Everyone"
valid_from = 2026-01-01
price_type = "BASE"
[[groups]]
id = "ROOT"
name = "Root"
children = ["PACKS"]
[[discounts]]
id = "PACKS"
name = "Whole packs"
value = "4"
condition = { name = "whole_packs", pack = "6" }
[[orders]]
id = "SO-1"
client = "CAFE"
date = 2026-03-02
lines = [{ product = "CUPS", quantity = "12" }, { product = "CUPS", quantity = "7" }]
"""


@pytest.mark.usefixtures("installed")
def test_an_installed_plugin_is_found_by_the_python_api_by_default() -> None:
    (order,) = parse_sales(SCENARIO, "cups.toml").price()
    assert [str(line.discount_amount) for line in order.lines] == ["4.80 RUB", "0.00 RUB"]


@pytest.mark.usefixtures("installed")
def test_an_explicit_registry_is_used_as_given() -> None:
    with pytest.raises(ScenarioError, match="no plugin 'whole_packs'"):
        parse_sales(SCENARIO, "cups.toml", registry=ConditionRegistry.builtins())


@pytest.mark.usefixtures("installed")
def test_the_command_line_and_the_python_api_find_the_same_plugins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cups.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert main(["price", str(path)]) == 0
    assert "4.80" in capsys.readouterr().out


@pytest.mark.usefixtures("installed")
def test_a_rule_set_using_the_plugin_is_stored_without_naming_a_registry() -> None:
    store = memory_store(products=[Product(ProductId("CUPS"), "Cups")])
    with store.unit_of_work() as uow:
        assert save_rule_set(uow, RULES) == []
        uow.commit()
    with store.unit_of_work() as uow:
        assert [d.id for d in uow.discounts.all()] == ["PACKS"]
