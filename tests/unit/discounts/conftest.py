"""Factories for sale lines, contexts and small rule sets used by the discount tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import Phase, settings

from salescore.discounts import (
    Combination,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
    ManualDiscountLimit,
    SaleContext,
    SaleLine,
)
from salescore.money import KG, PIECE, Money, Quantity
from salescore.parties import PriceGroupId, Product, ProductId

# Under mutation testing (mutation/run.py: mutmut runs pytest in its own process) a
# property that fails on a mutant has done its job: shrinking the failure to a minimal example
# only costs time, up to minutes a mutant. Every example is still generated and checked.
if "mutmut" in sys.modules:
    settings.register_profile(
        "discounts-mutation", phases=(Phase.explicit, Phase.reuse, Phase.generate)
    )
    settings.load_profile("discounts-mutation")

MSK = timezone(timedelta(hours=3))
MOMENT = datetime(2026, 3, 12, 11, 30, tzinfo=MSK)

LineFactory = Callable[..., SaleLine]
ContextFactory = Callable[..., SaleContext]
TreeFactory = Callable[..., DiscountRuleSet]


def make_line(
    product: str = "CM-100",
    quantity: int | str = 1,
    price: str = "1000.00",
    *,
    line_id: str = "1",
    price_group: str | None = None,
    segments: Sequence[str] = (),
    kg: bool = False,
    manual: dict[str, Any] | None = None,
) -> SaleLine:
    """A sale line in RUB."""
    item = Product(
        ProductId(product),
        product,
        unit=KG if kg else PIECE,
        price_group_id=PriceGroupId(price_group) if price_group else None,
    )
    return SaleLine(
        line_id,
        item,
        Quantity(quantity, KG if kg else PIECE),
        Money(price, "RUB"),
        frozenset(segments),
        manual_discounts=manual or {},
    )


def make_context(**kwargs: Any) -> SaleContext:
    """A sale context at a fixed moment; keyword arguments override fields."""
    kwargs.setdefault("moment", MOMENT)
    return SaleContext(**kwargs)


def make_group(
    ident: str, combination: Combination, *children: str, priority: int = 0
) -> DiscountGroup:
    """A group named after its id over ``children`` (discount or group ids)."""
    return DiscountGroup(GroupId(ident), ident, combination, children, priority)


def make_tree(
    combination: Combination,
    *discounts: Discount,
    groups: Sequence[DiscountGroup] = (),
    limits: Sequence[ManualDiscountLimit] = (),
) -> DiscountRuleSet:
    """A root group of ``combination`` over ``discounts`` (plus extra groups and limits)."""
    root = DiscountGroup(GroupId("ROOT"), "Root", combination, [d.id for d in discounts])
    return DiscountRuleSet(discounts, [root, *groups], limits)


@pytest.fixture
def line() -> LineFactory:
    return make_line


@pytest.fixture
def context() -> ContextFactory:
    return make_context


@pytest.fixture
def tree() -> TreeFactory:
    return make_tree


def make_percent(ident: str, value: int | str, **kwargs: Any) -> Discount:
    """A percent discount named after its id."""
    return Discount(DiscountId(ident), ident, value=Decimal(value), **kwargs)


@pytest.fixture
def pct() -> Callable[..., Discount]:
    return make_percent
