"""CRM plots (extra ``plot``: matplotlib), in the style of :mod:`salescore.plots`.

Each function takes a CRM result and returns a
:class:`matplotlib.figure.Figure` built without pyplot; without matplotlib
each raises :class:`~salescore.errors.MissingExtraError` naming the extra.

* :func:`funnel_chart` — closed deals reaching each stage, with the conversion;
* :func:`bcg_matrix` — items by relative market share and growth, in four quadrants;
* :func:`abc_xyz_matrix` — the ABC/XYZ table as a 3 × 3 grid of item counts;
* :func:`forecast_fan` — P10–P90 band, P50 and expectation over periods.

Figures become floats here and only here, on their way to pixels.

>>> from salescore.crm import bcg, BcgItem
>>> figure = bcg_matrix(bcg([BcgItem("tea", 200, 150, competitor=100),
...                          BcgItem("cocoa", 20, 25, competitor=100)]))
>>> [(t.get_text(), t.xy) for t in figure.axes[0].texts]
[('tea', (2.0, 0.3333)), ('cocoa', (0.2, -0.2))]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salescore.crm.classify import AbcXyzTable, BcgResult
from salescore.crm.forecast import Forecast
from salescore.crm.funnel import Funnel
from salescore.errors import InvalidInputError
from salescore.plots import _figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["abc_xyz_matrix", "bcg_matrix", "forecast_fan", "funnel_chart"]


def funnel_chart(funnel: Funnel) -> Figure:
    """Closed deals reaching each stage (horizontal bars, first stage on top), then won;
    each bar is labelled with its count and the stage's conversion.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    labels = [s.stage for s in funnel.stages] + ["won"]
    counts = [s.reached for s in funnel.stages] + [funnel.won]
    figure = _figure()
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, counts, label="closed deals reaching the stage")
    texts = [f"{s.reached} ({float(s.conversion):.0%} go on)" for s in funnel.stages] + [
        f"{funnel.won} ({float(funnel.overall):.0%} overall)"
    ]
    axes.bar_label(bars, texts, padding=3)
    axes.set_yticks(positions, labels)
    axes.set_xlabel("deals")
    axes.set_title(f"funnel of {funnel.kind_id}")
    return figure


def bcg_matrix(result: BcgResult) -> Figure:
    """Items placed by relative share (x, logarithmic) and growth (y), with the thresholds
    drawn as the quadrants' borders; items without a share or growth are left out.

    Raises:
        MissingExtraError: matplotlib is not installed.
        InvalidInputError: no item has both a share and a growth.
    """
    rows = [r for r in result.rows if r.share is not None and r.share > 0 and r.growth is not None]
    if not rows:
        raise InvalidInputError(
            "no item of the BCG result has both a relative share and a growth to plot: "
            "give items with previous sales and a leader that sold something"
        )
    shares = [float(r.share or 0) for r in rows]
    growths = [float(r.growth or 0) for r in rows]
    sizes = [float(r.sales) for r in rows]
    top = max(sizes) or 1.0
    figure = _figure()
    axes = figure.add_subplot()
    axes.scatter(shares, growths, s=[40 + 400 * s / top for s in sizes], alpha=0.6)
    for row, x, y in zip(rows, shares, growths, strict=True):
        axes.annotate(row.key, (x, y), textcoords="offset points", xytext=(5, 5))
    axes.set_xscale("log")
    axes.axvline(float(result.share_threshold), color="grey", linestyle="--")
    axes.axhline(float(result.growth_threshold), color="grey", linestyle="--")
    axes.set_xlabel("relative market share")
    axes.set_ylabel("market growth")
    axes.set_title("BCG matrix")
    return figure


def abc_xyz_matrix(table: AbcXyzTable) -> Figure:
    """The ABC/XYZ table as a grid: rows A, B, C, columns X, Y, Z, each cell shaded by its
    number of items and labelled with the number and up to three items.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    counts = [[len(table.cell(a, x).keys) for x in "XYZ"] for a in "ABC"]
    figure = _figure(6.0, 4.5)
    axes = figure.add_subplot()
    axes.imshow(counts, cmap="Blues")
    for row, a in enumerate("ABC"):
        for column, x in enumerate("XYZ"):
            keys = table.cell(a, x).keys
            shown = ", ".join(keys[:3]) + (" …" if len(keys) > 3 else "")
            axes.text(column, row, f"{a}{x}: {len(keys)}\n{shown}", ha="center", va="center")
    axes.set_xticks(range(3), ["X", "Y", "Z"])
    axes.set_yticks(range(3), ["A", "B", "C"])
    axes.set_title("ABC/XYZ")
    return figure


def forecast_fan(forecasts: Sequence[tuple[str, Forecast]]) -> Figure:
    """The forecast of each period (label, forecast): P10–P90 band, P50 line, expectation.

    Raises:
        MissingExtraError: matplotlib is not installed.
        InvalidInputError: no period, or periods in different currencies.
    """
    if not forecasts:
        raise InvalidInputError("give at least one (period, forecast) to plot a forecast fan")
    codes = sorted({f.expected.currency.code for _, f in forecasts})
    if len(codes) > 1:
        raise InvalidInputError(
            f"the forecasts are in {', '.join(codes)}: plot one currency at a time"
        )
    labels = [label for label, _ in forecasts]
    x = list(range(len(labels)))
    low = [float(f.p10.amount) for _, f in forecasts]
    mid = [float(f.p50.amount) for _, f in forecasts]
    high = [float(f.p90.amount) for _, f in forecasts]
    expected = [float(f.expected.amount) for _, f in forecasts]
    figure = _figure()
    axes = figure.add_subplot()
    axes.fill_between(x, low, high, alpha=0.3, label="P10–P90")
    axes.plot(x, mid, marker="o", label="P50")
    axes.plot(x, expected, linestyle="--", marker="x", label="expected")
    axes.set_xticks(x, labels)
    axes.set_ylabel(f"sales, {codes[0]}")
    axes.set_title("sales forecast")
    axes.legend()
    return figure
