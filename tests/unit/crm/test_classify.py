"""ABC, XYZ and BCG on hand-computed figures; ABC partitions; hostile decimal contexts."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import context_setters, hostile_contexts, run_in_context

from salescore.crm import BcgItem, BcgQuadrant, abc, abc_xyz, bcg, monthly_series, xyz
from salescore.errors import CrmError
from salescore.money import Money

GOLDEN = {"P1": 500, "P2": 300, "P3": 100, "P4": 60, "P5": 40}


def test_golden_abc_with_80_and_95_percent() -> None:
    result = abc(GOLDEN, a="0.80", b="0.95")
    assert (result.of("A"), result.of("B"), result.of("C")) == (
        ("P1", "P2"),
        ("P3",),
        ("P4", "P5"),
    )
    # P2 brings the cumulative share to exactly 80 %: the boundary is inclusive
    assert [r.cumulative for r in result.rows] == [
        Decimal("0.5000"), Decimal("0.8000"), Decimal("0.9000"), Decimal("0.9600"), Decimal(1),
    ]  # fmt: skip


def test_abc_thresholds_are_parameters() -> None:
    result = abc(GOLDEN, a="0.50", b="0.90")
    assert (result.of("A"), result.of("B")) == (("P1",), ("P2", "P3"))


def test_abc_by_margin_puts_loss_makers_in_c_outside_the_total() -> None:
    result = abc({"P1": Money("80.00", "RUB"), "P2": Money("20.00", "RUB"), "P3": -5})
    assert result.total == Decimal("100.00")
    assert [(r.key, r.cls, r.share) for r in result.rows] == [
        ("P1", "A", Decimal("0.8000")),
        ("P2", "C", Decimal("0.2000")),
        ("P3", "C", Decimal("0.0000")),
    ]


def test_abc_refuses_thresholds_out_of_order_and_mixed_currencies() -> None:
    with pytest.raises(CrmError, match="must rise"):
        abc(GOLDEN, a="0.95", b="0.80")
    with pytest.raises(CrmError, match="EUR, RUB: convert"):
        abc({"a": Money(1, "RUB"), "b": Money(1, "EUR")})


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=3),
                       st.decimals(-1000, 10**6, places=2), max_size=30))  # fmt: skip
def test_abc_classes_partition_the_set(values: dict[str, Decimal]) -> None:
    result = abc(values)
    classes = [set(result.of(c)) for c in "ABC"]
    assert set.union(*classes) == set(values)
    assert sum(len(c) for c in classes) == len(values)
    # the order of classes follows the rank
    ranks = ["ABC".index(r.cls) for r in result.rows]
    assert ranks == sorted(ranks)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.decimals(0, 10**9, places=2), min_size=1, max_size=12),
       hostile_contexts(), context_setters)  # fmt: skip
def test_abc_and_xyz_ignore_the_callers_decimal_context(
    values: list[Decimal], context: object, setter: str
) -> None:
    named = {f"K{i:02}": v for i, v in enumerate(values)}
    expected = (abc(named), xyz({"K": values}))
    got = run_in_context(context, setter, lambda: (abc(named), xyz({"K": values})))  # type: ignore[arg-type]
    assert got == expected


def test_xyz_on_hand_computed_coefficients_of_variation() -> None:
    result = xyz(
        {
            "flat": [10, 10, 10, 10],  # sd 0 -> cv 0
            "edge": [9, 11],  # mean 10, sd 1 -> cv 0.10, X (inclusive)
            "wave": [100, 120, 80, 100],  # sd √200 = 14.142 -> cv 0.1414
            "wild": [5, 15],  # sd 5 -> cv 0.50
            "none": [0, 0, 0],
        }
    )
    rows = {r.key: (r.cls, r.cv) for r in result.rows}
    assert rows == {
        "flat": ("X", Decimal("0.0000")),
        "edge": ("X", Decimal("0.1000")),
        "wave": ("Y", Decimal("0.1414")),
        "wild": ("Z", Decimal("0.5000")),
        "none": ("Z", None),
    }


def test_monthly_series_fills_empty_months_with_zero() -> None:
    lines: list[tuple[str, date, Decimal | Money]] = [
        ("P1", date(2026, 1, 5), Decimal("10")),
        ("P1", date(2026, 1, 20), Decimal("5")),
        ("P1", date(2026, 3, 1), Money("7.00", "RUB")),
        ("P1", date(2026, 4, 1), Decimal("99")),  # after the three months
    ]
    assert monthly_series(lines, date(2026, 1, 1), 3) == {
        "P1": [Decimal("15"), Decimal(0), Decimal("7.00")]
    }


def test_bcg_with_competitors_figures_and_within_the_portfolio() -> None:
    result = bcg(
        [
            BcgItem("star", 200, 150, competitor=100),  # growth 33 %, share 2
            BcgItem("cow", 300, 295, competitor=150),  # growth 1.7 %, share 2
            BcgItem("question", 50, 40, competitor=500),  # growth 25 %, share 0.1
            BcgItem("dog", 20, 25),  # falls 20 %, share 20/300 against the portfolio's best
        ]
    )
    rows = {r.key: (r.quadrant, r.growth, r.share) for r in result.rows}
    assert rows == {
        "star": (BcgQuadrant.STAR, Decimal("0.3333"), Decimal("2.0000")),
        "cow": (BcgQuadrant.CASH_COW, Decimal("0.0169"), Decimal("2.0000")),
        "question": (BcgQuadrant.QUESTION_MARK, Decimal("0.2500"), Decimal("0.1000")),
        "dog": (BcgQuadrant.DOG, Decimal("-0.2000"), Decimal("0.0667")),
    }
    assert pickle.loads(pickle.dumps(result)) == result
    assert result.to_records()[0]["quadrant"] == "star"


def test_bcg_growth_boundary_is_inclusive() -> None:
    result = bcg([BcgItem("a", 110, 100, competitor=110)])
    assert result.rows[0].quadrant is BcgQuadrant.STAR


def test_the_abc_xyz_table_crosses_the_golden_abc_with_hand_computed_xyz() -> None:
    ranked = abc({"P1": 500, "P2": 300, "P3": 100, "P4": 60, "P5": 40})  # A A B C C
    steady = xyz({
        "P1": [100, 100],  # cv 0 -> X
        "P2": [40, 60],  # mean 50, sd 10 -> cv 0.20 -> Y
        "P3": [10, 30],  # mean 20, sd 10 -> cv 0.50 -> Z
        "P4": [11, 9],  # cv 0.10 -> X (boundary inclusive)
        "P6": [1, 1],  # not in the ABC analysis
    })  # fmt: skip
    table = abc_xyz(ranked, steady)
    filled = {(c.abc + c.xyz): c.keys for c in table.cells if c.keys}
    assert filled == {"AX": ("P1",), "AY": ("P2",), "BZ": ("P3",), "CX": ("P4",)}
    assert [c.abc + c.xyz for c in table.cells] == [a + x for a in "ABC" for x in "XYZ"]
    assert table.unmatched == ("P5", "P6")
    assert table.cell("C", "X").keys == ("P4",)
    with pytest.raises(CrmError, match="no cell DX"):
        table.cell("D", "X")
    assert [r["items"] for r in table.to_records()] == [1, 1, 0, 0, 0, 1, 1, 0, 0]
    assert pickle.loads(pickle.dumps(table)) == table


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text("ABCDEF", min_size=1, max_size=2),
        st.lists(st.integers(0, 1000), min_size=1, max_size=6),
        max_size=20,
    )
)
def test_the_abc_xyz_cells_partition_the_items_of_both_analyses(
    monthly: dict[str, list[int]],
) -> None:
    table = abc_xyz(abc({k: sum(v) for k, v in monthly.items()}), xyz(monthly))
    keys = [k for c in table.cells for k in c.keys]
    assert sorted(keys) == sorted(monthly)
    assert table.unmatched == ()
