"""Retail plots (extra ``plot``: matplotlib), in the style of :mod:`salescore.plots`.

* :func:`sales_chart` — revenue per group of a :class:`~salescore.retail.RetailAnalysis`
  (outlet, product, month, weekday or hour) as bars, with the average receipt as a line.

Figures become floats here and only here, on their way to pixels.

>>> from decimal import Decimal
>>> from salescore.retail import AnalysisRow, RetailAnalysis
>>> analysis = RetailAnalysis("weekday", "RUB", (
...     AnalysisRow("Mon", Decimal("315.10"), 1, Decimal("315.10"), Decimal(2), Decimal(0)),
...     AnalysisRow("Tue", Decimal("179.80"), 1, Decimal("269.70"), Decimal(1),
...                 Decimal("0.3333"))))
>>> figure = sales_chart(analysis)
>>> [float(round(bar.get_height(), 2)) for bar in figure.axes[0].patches]
[315.1, 179.8]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salescore.plots import _figure
from salescore.retail import RetailAnalysis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["sales_chart"]


def sales_chart(analysis: RetailAnalysis) -> Figure:
    """Revenue per group (bars) and the average receipt (a line on a second axis).

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    figure = _figure()
    axes = figure.add_subplot()
    keys = [r.key for r in analysis.rows]
    positions = list(range(len(keys)))
    axes.bar(positions, [float(r.revenue) for r in analysis.rows], label="revenue")
    axes.set_xticks(positions, keys)
    axes.set_ylabel(f"revenue, {analysis.currency}")
    axes.set_title(f"retail sales by {analysis.by}")
    second = axes.twinx()
    second.plot(
        positions,
        [float(r.average_receipt) for r in analysis.rows],
        marker="o",
        color="black",
        label="average receipt",
    )
    second.set_ylabel(f"average receipt, {analysis.currency}")
    return figure
