"""Which manual-discount limit applies to a sale, and why (fast examples of C7)."""

from __future__ import annotations

from decimal import Decimal

from salescore.discounts import (
    Combination,
    DiscountEngine,
    LimitId,
    ManualDiscountLimit,
)
from salescore.parties import PriceGroupId

from .conftest import make_context, make_percent, make_tree

PG = PriceGroupId("PG")


def engine(*limits: ManualDiscountLimit) -> DiscountEngine:
    return DiscountEngine.compile(make_tree(Combination.ADD, make_percent("R", 1), limits=limits))


def test_the_agreements_limit_is_refined_for_a_price_group_only() -> None:
    context = make_context(
        agreement_id="AG-1",
        manual_limit_percent="10",
        manual_limit_by_price_group={PG: Decimal(5)},
        manual_markup_limit_percent="3",
        manual_markup_limit_by_price_group={PG: Decimal(2)},
    )
    found = engine()
    assert found.limit_for(context, "PG") == (Decimal(5), "agreement AG-1")
    assert found.limit_for(context, "OTHER") == (Decimal(10), "agreement AG-1")
    assert found.limit_for(context, None) == (Decimal(10), "agreement AG-1")
    assert found.limit_for(context, "PG", markup=True) == (Decimal(2), "agreement AG-1")
    assert found.limit_for(context, None, markup=True) == (Decimal(3), "agreement AG-1")


def test_terms_without_an_agreement_id_are_named_agreement() -> None:
    context = make_context(manual_limit_percent="10")
    assert engine().limit_for(context, None) == (Decimal(10), "agreement")


def test_a_stored_limit_applies_only_to_its_own_user_or_agreement() -> None:
    limits = (
        ManualDiscountLimit(LimitId("L-USER-B"), Decimal(4), user="B"),
        ManualDiscountLimit(LimitId("L-AG-2"), Decimal(3), agreement_id="AG-2"),
    )
    found = engine(*limits)
    assert found.limit_for(make_context(user="A"), None) is None
    assert found.limit_for(make_context(user="A", agreement_id="AG-1"), None) is None
    assert found.limit_for(make_context(user="B"), None) == (Decimal(4), "limit L-USER-B (user B)")
    assert found.limit_for(make_context(agreement_id="AG-2"), None) == (
        Decimal(3),
        "limit L-AG-2 (agreement AG-2)",
    )


def test_the_tightest_limit_wins_and_the_first_of_equal_ones() -> None:
    limits = (
        ManualDiscountLimit(LimitId("L2"), Decimal(4), user="A"),
        ManualDiscountLimit(LimitId("L1"), Decimal(4), agreement_id="AG-1"),
        ManualDiscountLimit(LimitId("L0"), Decimal(6), user="A"),
    )
    context = make_context(user="A", agreement_id="AG-1", manual_limit_percent="7")
    assert engine(*limits).limit_for(context, None) == (Decimal(4), "limit L2 (user A)")
