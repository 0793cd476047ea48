"""The forecast (weighted pipeline, simulated percentiles, orders not yet shipped) and
managers' performance."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.crm._fixtures import DAY, KIND, golden_closed, golden_open

from salescore.crm import (
    ProcessKind,
    Stage,
    forecast,
    funnel,
    lose_deal,
    manager_performance,
    open_deal,
    weighted_pipeline,
    win_deal,
)
from salescore.errors import CrmError
from salescore.money import Money


def test_golden_forecast_expects_the_weighted_pipeline_plus_orders_not_yet_shipped() -> None:
    result = forecast(
        golden_open(), funnel(golden_closed(), KIND), committed=[Money("5000.00", "RUB")], seed=7
    )
    assert result.expected == Money("65000.00", "RUB")
    # each run wins neither, one or both open deals (40 % each) on top of the 5,000 committed
    possible = {Money(v, "RUB") for v in ("5000.00", "55000.00", "105000.00", "155000.00")}
    assert {result.p10, result.p50, result.p90} <= possible
    # sorted runs: nothing won (36 %), the 50,000 only (24 %), the 100,000 only (24 %), both (16 %)
    assert result.p10 == Money("5000.00", "RUB")
    assert result.p50 == Money("55000.00", "RUB")
    assert result.p90 == Money("155000.00", "RUB")
    assert pickle.loads(pickle.dumps(result)) == result


def test_the_same_seed_gives_the_same_forecast() -> None:
    f = funnel(golden_closed(), KIND)
    assert forecast(golden_open(), f, seed=3, runs=500) == forecast(
        golden_open(), f, seed=3, runs=500
    )


def test_a_forecast_refuses_mixed_currencies_and_no_runs() -> None:
    f = funnel(golden_closed(), KIND)
    with pytest.raises(CrmError, match="one currency"):
        forecast(golden_open(), f, committed=[Money(1, "USD")])
    with pytest.raises(CrmError, match="at least one"):
        forecast(golden_open(), f, runs=0)


ONE = ProcessKind("ONE", "one stage", (Stage("offer"),))


@settings(max_examples=8, deadline=None)
@given(
    st.lists(st.integers(1, 10**6), min_size=100, max_size=140),
    st.integers(1, 9),
    st.integers(1, 9),
)
def test_p50_is_within_the_largest_deal_of_the_weighted_pipeline(
    cents: list[int], won: int, lost: int
) -> None:
    """The documented tolerance: ≥ 100 deals, ≥ 2,000 runs, fixed seed."""
    closed = [
        win_deal(open_deal(ONE, f"W{i}", "P", "m", Money(1, "RUB"), DAY), ONE, DAY)
        for i in range(won)
    ] + [
        lose_deal(open_deal(ONE, f"L{i}", "P", "m", Money(1, "RUB"), DAY), ONE, "r", DAY)
        for i in range(lost)
    ]
    deals = [
        open_deal(ONE, f"O{i}", "P", "m", Money.from_minor(c, "RUB"), DAY)
        for i, c in enumerate(cents)
    ]
    f = funnel(closed, ONE)
    result = forecast(deals, f, runs=2000, seed=1)
    assert result.expected == weighted_pipeline(deals, f).totals[0]
    gap = abs(result.p50.minor_units - result.expected.minor_units)
    assert gap <= max(cents)
    assert result.p10 <= result.p50 <= result.p90


def test_managers_performance_counts_won_lost_revenue_conversion_and_cycle() -> None:
    kind = KIND
    deals = [
        win_deal(open_deal(kind, "A", "C", "ivanov", Money("300.00", "RUB"), DAY), kind,
                 date(2026, 3, 12)),
        win_deal(open_deal(kind, "B", "C", "ivanov", Money("200.00", "RUB"), DAY), kind,
                 date(2026, 3, 6)),
        lose_deal(open_deal(kind, "C", "C", "ivanov", Money("900.00", "RUB"), DAY), kind,
                  "price", date(2026, 3, 3)),
        open_deal(kind, "D", "C", "ivanov", Money("50.00", "RUB"), DAY),
        lose_deal(open_deal(kind, "E", "C", "petrov", Money("10.00", "RUB"), DAY), kind,
                  "price", date(2026, 4, 3)),
    ]  # fmt: skip
    result = manager_performance(deals, end=date(2026, 3, 31))
    ivanov = result.rows[0]
    assert (ivanov.manager, ivanov.won, ivanov.lost, ivanov.open) == ("ivanov", 2, 1, 1)
    assert ivanov.revenue == (Money("500.00", "RUB"),)
    assert ivanov.conversion == Decimal("0.6667")
    assert ivanov.average_cycle == Decimal("5.00")  # (10 + 4 + 1) / 3
    assert [r.manager for r in result.rows] == ["ivanov"]  # petrov closed after the period
    assert result.to_records()[0]["revenue"] == Decimal("500.00")


def test_a_managers_margin_is_revenue_less_the_costs_of_won_deals_per_currency() -> None:
    end = date(2026, 3, 9)
    deals = [
        win_deal(open_deal(KIND, "A", "C", "ivanov", Money("300.00", "RUB"), DAY), KIND, end),
        win_deal(open_deal(KIND, "B", "C", "ivanov", Money("200.00", "RUB"), DAY), KIND, end),
        win_deal(open_deal(KIND, "E", "C", "ivanov", Money("50.00", "EUR"), DAY), KIND, end),
        lose_deal(open_deal(KIND, "L", "C", "ivanov", Money("900.00", "RUB"), DAY), KIND,
                  "price", end),
        win_deal(open_deal(KIND, "P", "C", "petrov", Money("100.00", "RUB"), DAY), KIND, end),
    ]  # fmt: skip
    costs = {
        "A": Money("250.00", "RUB"),
        "B": Money("210.50", "RUB"),  # sold at a loss
        "E": Money("20.00", "EUR"),
        "P": Money("0", "RUB"),
    }
    rows = manager_performance(deals, costs=costs).rows
    # ivanov RUB: (300 - 250) + (200 - 210.50) = 39.50; EUR: 50 - 20 = 30
    assert rows[0].margin == (Money("30.00", "EUR"), Money("39.50", "RUB"))
    assert rows[1].margin == (Money("100.00", "RUB"),)
    records = manager_performance(deals, costs=costs).to_records()
    assert [(r["manager"], r["currency"], r["margin"]) for r in records] == [
        ("ivanov", "EUR", Decimal("30.00")),
        ("ivanov", "RUB", Decimal("39.50")),
        ("petrov", "RUB", Decimal("100.00")),
    ]
    assert manager_performance(deals).rows[0].margin == ()
    with pytest.raises(CrmError, match="no cost is given for won deals B, P"):
        manager_performance(deals, costs={"A": costs["A"], "E": costs["E"]})
    with pytest.raises(CrmError, match="its cost is given in EUR"):
        manager_performance(deals, costs={**costs, "A": Money("1.00", "EUR")})
