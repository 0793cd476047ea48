"""The funnel: the issue's golden figures, lost deals, bottlenecks and the weighted pipeline."""

from __future__ import annotations

import decimal
import pickle
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import prod

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import context_setters, hostile_contexts, run_in_context
from tests.unit.crm._fixtures import DAY, KIND, closed_deal, golden_closed, golden_open

from salescore.crm import (
    ProcessKind,
    Stage,
    bottlenecks,
    funnel,
    lose_deal,
    lost_deals,
    move_deal,
    open_deal,
    weight,
    weighted_pipeline,
    win_deal,
)
from salescore.errors import CrmError
from salescore.money import Money


def test_golden_funnel_converts_50_and_40_percent_and_20_overall() -> None:
    result = funnel(golden_closed(), KIND)
    rows = {r["stage"]: r for r in result.to_records()}
    assert (rows["qualification"]["reached"], rows["proposal"]["reached"], result.won) == (
        20,
        10,
        4,
    )
    assert rows["qualification"]["conversion"] == Decimal("0.5000")
    assert rows["proposal"]["conversion"] == Decimal("0.4000")
    assert result.overall == Fraction(1, 5)
    assert result.bottleneck == "proposal"


def test_golden_weighted_pipeline_is_60_000() -> None:
    result = funnel(golden_closed(), KIND)
    assert result.probability("proposal") == Fraction(2, 5)
    pipeline = weighted_pipeline(golden_open(), result)
    assert pipeline.totals == (Money("60000.00", "RUB"),)
    assert [ln.weighted for ln in pipeline.lines] == [
        Money("40000.00", "RUB"),
        Money("20000.00", "RUB"),
    ]


def test_a_lost_deal_shows_in_the_lost_deal_analysis_with_its_stage_and_reason() -> None:
    deals = [*golden_closed(), closed_deal(99, reach_proposal=True, won=False, reason="competitor")]
    analysis = lost_deals(deals, KIND)
    rows = [(r["stage"], r["reason"], r["deals"], r["amount"]) for r in analysis.to_records()]
    assert rows == [
        ("qualification", "price", 10, Decimal("10000.00")),
        ("proposal", "competitor", 1, Decimal("1000.00")),
        ("proposal", "price", 6, Decimal("6000.00")),
    ]
    assert analysis.groups[1].deals == ("D-99",)


def test_entries_exits_and_time_per_stage_count_within_the_period() -> None:
    result = funnel([*golden_closed(), *golden_open()], KIND, start=date(2026, 3, 3))
    rows = {r.stage: r for r in result.stages}
    # qualification entered on 2 March, before the period; left after 3 days (10 deals moved
    # on 5 March), 7 days (10 lost on 9 March) or 8 days (the 2 open ones, moved on 10 March)
    assert (rows["qualification"].entered, rows["qualification"].left) == (0, 22)
    assert rows["qualification"].average_days == Decimal("5.27")  # 116 / 22
    assert (rows["proposal"].entered, rows["proposal"].left) == (12, 10)
    assert rows["proposal"].average_days == Decimal("4.00")
    assert result.slowest == "qualification"


def test_bottlenecks_are_stages_converting_less_or_taking_longer_than_in_history() -> None:
    history = funnel(golden_closed(), KIND)  # qualification 50 %, proposal 40 %
    slow = move_deal(
        open_deal(KIND, "S", "CAFE", "ivanov", Money("1.00", "RUB"), DAY),
        KIND, "proposal", date(2026, 3, 20),
    )  # fmt: skip  # 18 days at qualification
    now = [closed_deal(n, reach_proposal=True, won=n == 0) for n in range(5)]
    found = bottlenecks(funnel([*now, lose_deal(slow, KIND, "late", date(2026, 3, 21))], KIND),
                        history)  # fmt: skip
    assert [(b.stage, b.converts_less, b.takes_longer) for b in found] == [
        ("qualification", False, True),  # 6 visits: (5×3 + 18) / 6 = 5.50 days against 5.00
        ("proposal", True, False),  # 1 of 6 won (16.67 %) against 40 %
    ]
    assert found[1].to_records()[0]["conversion"] == Decimal("0.1667")
    with pytest.raises(CrmError, match="one process kind"):
        bottlenecks(history, funnel([], WIDE))


def test_deals_closed_outside_the_period_do_not_count_in_conversions() -> None:
    assert funnel(golden_closed(), KIND, end=date(2026, 3, 8)).closed == 0
    assert funnel(golden_closed(), KIND, start=date(2026, 3, 9)).closed == 20


def test_reports_are_frozen_and_pickle() -> None:
    result = funnel(golden_closed(), KIND)
    assert pickle.loads(pickle.dumps(result)) == result
    assert "funnel of B2B: 4 won of 20 closed (0.2000)" in result._repr_html_()


def test_weight_rounds_half_up_to_the_kopeck() -> None:
    assert weight(Money("0.05", "RUB"), Fraction(1, 2)) == Money("0.03", "RUB")
    assert weight(Money("100.00", "RUB"), Fraction(1, 3)) == Money("33.33", "RUB")


STAGES = ("lead", "qualification", "proposal", "negotiation")
WIDE = ProcessKind("W", "wide", tuple(Stage(s) for s in STAGES))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=40))
def test_conversions_lie_in_0_1_and_multiply_to_the_overall(
    outcomes: list[tuple[int, bool]],
) -> None:
    deals = []
    for n, (furthest, won) in enumerate(outcomes):
        deal = open_deal(WIDE, f"D-{n}", "P", "m", Money(1, "RUB"), DAY)
        for i in range(1, furthest + 1):
            deal = move_deal(deal, WIDE, STAGES[i], DAY + timedelta(days=i))
        end = DAY + timedelta(days=5)
        deals.append(win_deal(deal, WIDE, end) if won else lose_deal(deal, WIDE, "r", end))
    result = funnel(deals, WIDE)
    conversions = [s.conversion for s in result.stages]
    assert all(0 <= c <= 1 for c in conversions)
    assert prod(conversions) == result.overall
    assert result.overall == (Fraction(result.won, result.closed) if result.closed else 0)


@settings(max_examples=30, deadline=None)
@given(hostile_contexts(), context_setters)
def test_the_funnel_and_the_pipeline_ignore_the_callers_decimal_context(
    context: decimal.Context, setter: str
) -> None:
    def report() -> tuple[object, ...]:
        result = funnel([*golden_closed(), *golden_open()], KIND)
        return result.to_records(), weighted_pipeline(golden_open(), result).to_records()

    assert run_in_context(context, setter, report) == report()
