"""Plots where people would rather look than read (extra ``plot``: matplotlib).

Each function takes a salescore result and returns a
:class:`matplotlib.figure.Figure`, built without pyplot: no global state, no
window, no display needed. A notebook shows the figure by itself; a script
saves it (``figure.savefig("aging.png")``). Install the extra with
``pip install 'salescore[plot]'``; without it each function raises
:class:`~salescore.errors.MissingExtraError` naming the extra.

* :func:`aging_chart` — open debt by overdue bucket and partner (or any grouping);
* :func:`price_ladder` — a product's unit price at each quantity tier;
* :func:`payment_calendar` — what falls due on which day, advances and credit.

Amounts become floats here and only here, on their way to pixels: every
figure a user reads as a number comes from the result, not from the plot.

>>> from datetime import date
>>> from salescore.money import Money
>>> from salescore.receivables import (EntryKind, SettlementAccount, SettlementEntry,
...     SettlementLedger, age_receivables)
>>> def debt(id, partner, due, amount):
...     account = SettlementAccount(partner, "RUB")
...     return SettlementEntry(id, EntryKind.SHIPMENT, account, id, id, date(2026, 1, 5),
...                            due, Money(amount, "RUB"))
>>> ledger = SettlementLedger([debt("E1", "CAFE", date(2026, 3, 20), "1200.00"),
...                            debt("E2", "CAFE", date(2026, 2, 10), "800.00"),
...                            debt("E3", "BAR", date(2026, 1, 10), "500.00")])
>>> figure = aging_chart(age_receivables(ledger, date(2026, 3, 2)))
>>> axes = figure.axes[0]
>>> [t.get_text() for t in axes.get_xticklabels()]
['BAR', 'CAFE']
>>> for bucket in axes.containers:
...     print(bucket.get_label(), [float(bar.get_height()) for bar in bucket])
not due [0.0, 1200.0]
1-30 [0.0, 800.0]
31-60 [500.0, 0.0]
61-90 [0.0, 0.0]
90+ [0.0, 0.0]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from salescore.discounts.whatif import BreakTable
from salescore.errors import InvalidInputError, MissingExtraError
from salescore.receivables.aging import AgingReport
from salescore.receivables.schedule import PaymentSchedule, StageKind

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["aging_chart", "payment_calendar", "price_ladder"]


def _figure(width: float = 7.0, height: float = 4.0) -> Figure:
    """A new figure, or a salescore error naming the extra when matplotlib is missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingExtraError(
            "salescore plots need matplotlib, which is not installed: "
            "pip install 'salescore[plot]'",
            extra="plot",
        ) from exc
    return Figure(figsize=(width, height), layout="constrained")


def _one_currency(found: Iterable[str], currency: str | None, what: str) -> str:
    codes = sorted(set(found))
    if currency is not None:
        if currency not in codes:
            raise InvalidInputError(
                f"{what} has no amounts in {currency}; it has {', '.join(codes) or 'none'}",
                currency=currency,
            )
        return currency
    if len(codes) > 1:
        raise InvalidInputError(
            f"{what} has amounts in {', '.join(codes)}: pass currency= to plot one of them",
            currencies=codes,
        )
    return codes[0] if codes else ""


def aging_chart(report: AgingReport, currency: str | None = None) -> Figure:
    """Open debt of each group (a bar) split by overdue bucket (stacked), in one currency.

    Args:
        report: an aging report, grouped by anything (partner by default).
        currency: the currency to plot; needed when the report has several.

    Raises:
        MissingExtraError: matplotlib is not installed.
        InvalidInputError: several currencies and none chosen, or an absent one.
    """
    code = _one_currency((line.currency.code for line in report.lines), currency, "the report")
    lines = [line for line in report.lines if line.currency.code == code]
    names = ["/".join(part or "-" for part in line.group) or "all" for line in lines]
    figure = _figure()
    axes = figure.add_subplot()
    positions = list(range(len(lines)))
    bottom = [0.0] * len(lines)
    for index, label in enumerate(report.policy.labels):
        heights = [float(line.buckets[index].amount) for line in lines]
        axes.bar(positions, heights, bottom=bottom, label=label)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(positions, names)
    axes.set_ylabel(f"open debt, {code}")
    axes.set_title(report.title)
    axes.legend(title="days overdue")
    return figure


def price_ladder(table: BreakTable) -> Figure:
    """The unit price of a product from each quantity tier on: a descending staircase.

    Each step starts at a tier's quantity and is labelled with the rules
    that give it; the last step runs on past the last tier.

    Raises:
        MissingExtraError: matplotlib is not installed.
        InvalidInputError: the table has no tiers.
    """
    if not table.tiers:
        raise InvalidInputError(
            f"the break table of {table.product_id} has no tiers to plot: "
            "build it with quantity_breaks() for a product the rules reach"
        )
    quantities = [float(t.quantity) for t in table.tiers]
    prices = [float(t.unit_price.amount) for t in table.tiers]
    end = quantities[-1] * 1.25 if quantities[-1] > 0 else 1.0
    figure = _figure()
    axes = figure.add_subplot()
    axes.step([*quantities, end], [*prices, prices[-1]], where="post", label="unit price")
    axes.plot(quantities, prices, "o")
    for tier, x, y in zip(table.tiers, quantities, prices, strict=True):
        text = f"{tier.unit_price.amount}" + (
            f" ({', '.join(tier.rule_ids)})" * bool(tier.rule_ids)
        )
        axes.annotate(text, (x, y), textcoords="offset points", xytext=(4, 6))
    axes.set_xlabel("quantity")
    axes.set_ylabel(f"unit price, {table.tiers[0].unit_price.currency.code}")
    axes.set_title(f"price ladder of {table.product_id}")
    axes.set_ylim(bottom=0)
    return figure


def payment_calendar(schedules: Iterable[PaymentSchedule], currency: str | None = None) -> Figure:
    """What falls due on each day, over any number of schedules: advances and credit stacked.

    Args:
        schedules: payment schedules (one order's, or every open order's).
        currency: the currency to plot; needed when the schedules have several.

    Raises:
        MissingExtraError: matplotlib is not installed.
        InvalidInputError: several currencies and none chosen, or an absent one.
    """
    stages = [s for schedule in schedules for s in schedule.stages]
    code = _one_currency((s.amount.currency.code for s in stages), currency, "the schedules")
    due: dict[StageKind, dict[date, Decimal]] = {kind: defaultdict(Decimal) for kind in StageKind}
    for stage in stages:
        if stage.amount.currency.code == code:
            due[stage.kind][stage.due_date] += stage.amount.amount
    days = sorted({day for by_day in due.values() for day in by_day})
    figure = _figure()
    axes = figure.add_subplot()
    bottom = [0.0] * len(days)
    for kind in (k for k in StageKind if due[k]):  # one series per kind that falls due
        heights = [float(due[kind].get(day, Decimal(0))) for day in days]
        axes.bar(days, heights, bottom=bottom, label=kind.value, width=0.8)  # type: ignore[arg-type]
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel(f"due, {code}")
    axes.set_title("payment calendar")
    axes.legend()
    figure.autofmt_xdate()
    return figure
