"""CRM plots: the figures show the results' figures (checked on the drawn data)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from matplotlib.text import Annotation
from numpy.typing import ArrayLike
from tests.unit.crm._fixtures import KIND, golden_closed, golden_open

from salescore.crm import BcgItem, abc, abc_xyz, bcg, forecast, funnel, xyz
from salescore.crm_plots import abc_xyz_matrix, bcg_matrix, forecast_fan, funnel_chart
from salescore.errors import InvalidInputError, MissingExtraError
from salescore.money import Money


def _values(data: ArrayLike) -> list[float]:
    return [float(v) for v in np.asarray(data).ravel()]


def test_the_funnel_chart_draws_the_deals_reaching_each_stage_and_the_conversions() -> None:
    axes = funnel_chart(funnel(golden_closed(), KIND)).axes[0]
    assert [float(bar.get_width()) for bar in axes.containers[0]] == [20.0, 10.0, 4.0]
    ticks = {t.get_text(): t.get_position()[1] for t in axes.get_yticklabels()}
    assert ticks == {"qualification": 2, "proposal": 1, "won": 0}  # the first stage on top
    assert [t.get_text() for t in axes.texts] == [
        "20 (50% go on)",
        "10 (40% go on)",
        "4 (20% overall)",
    ]


def test_the_bcg_matrix_places_items_by_share_and_growth_with_the_thresholds() -> None:
    result = bcg([BcgItem("star", 200, 150, competitor=100), BcgItem("dog", 20, 25),
                  BcgItem("new", 5, 0, competitor=10)])  # fmt: skip
    axes = bcg_matrix(result).axes[0]
    assert [(t.get_text(), t.xy) for t in axes.texts if isinstance(t, Annotation)] == [
        ("star", (2.0, 0.3333)),
        ("dog", (0.1, -0.2)),  # 20 against the portfolio's best, 200
    ]  # "new" had no previous sales: no growth to plot
    assert _values(axes.lines[0].get_xdata()) == [1.0, 1.0]  # share threshold
    assert _values(axes.lines[1].get_ydata()) == [0.1, 0.1]  # growth threshold
    with pytest.raises(InvalidInputError, match="no item"):
        bcg_matrix(bcg([BcgItem("new", 5, 0, competitor=10)]))


def test_the_abc_xyz_matrix_shades_each_cell_by_its_number_of_items() -> None:
    table = abc_xyz(
        abc({"P1": 500, "P2": 300, "P3": 100, "P4": 60, "P5": 40}),  # A A B C C
        xyz({"P1": [1, 1], "P2": [1, 1], "P3": [1, 3], "P4": [5, 5], "P5": [5, 5]}),
    )
    axes = abc_xyz_matrix(table).axes[0]
    assert np.asarray(axes.images[0].get_array()).tolist() == [[2, 0, 0], [0, 0, 1], [2, 0, 0]]
    labels = {t.get_position(): t.get_text() for t in axes.texts}
    assert labels[(0, 0)] == "AX: 2\nP1, P2"
    assert labels[(2, 1)] == "BZ: 1\nP3"
    assert labels[(1, 2)] == "CY: 0\n"
    assert [t.get_text() for t in axes.get_yticklabels()] == ["A", "B", "C"]


def test_the_forecast_fan_draws_the_band_the_median_and_the_expectation() -> None:
    f = funnel(golden_closed(), KIND)
    march = forecast(golden_open(), f, committed=[Money("5000.00", "RUB")], seed=7)
    april = forecast(golden_open(), f, seed=7)
    axes = forecast_fan([("March", march), ("April", april)]).axes[0]
    p50, expected = axes.lines
    assert _values(p50.get_ydata()) == [55000.0, 50000.0]
    assert _values(expected.get_ydata()) == [65000.0, 60000.0]
    band = np.asarray(axes.collections[0].get_paths()[0].vertices).tolist()
    assert {(x, y) for x, y in band} >= {(0.0, 5000.0), (0.0, 155000.0), (1.0, 150000.0)}
    assert [t.get_text() for t in axes.get_xticklabels()] == ["March", "April"]


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"salescore\[plot\]"):
        funnel_chart(funnel(golden_closed(), KIND))
