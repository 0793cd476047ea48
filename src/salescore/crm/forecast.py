"""Sales forecast (H9) and managers' performance (H8).

:func:`forecast` expects the open deals of a process kind to bring
amount × success probability of their stage (the weighted pipeline), plus
what orders not yet shipped will surely bring. Around that expectation it
draws a distribution: ``runs`` simulated outcomes in which each open deal
is won with its stage's probability (a seeded :class:`random.Random`, so a
seed gives the same figures everywhere). P10, P50 and P90 are the nearest-rank
percentiles of the simulated totals.

Tolerance: with a hundred deals or more and 2,000 runs or more, P50 lies
within the largest open deal's amount of the expected total (the median of
a sum of independent wins is within one deal of its mean, plus a sampling
error far below one deal at that size).

Amounts are added as whole minor units; only the win draws use floats
(probabilities, never money).

>>> from datetime import date
>>> from salescore.crm.funnel import funnel
>>> from salescore.crm.model import ProcessKind, Stage, open_deal, win_deal, lose_deal
>>> from salescore.money import Money
>>> kind = ProcessKind("B2B", "wholesale", (Stage("offer"),))
>>> day = date(2026, 3, 2)
>>> won = open_deal(kind, "W", "A", "ivanov", Money(10, "RUB"), day)
>>> lost = open_deal(kind, "L", "A", "petrov", Money(10, "RUB"), day)
>>> closed = [win_deal(won, kind, day), lose_deal(lost, kind, "price", day)]
>>> deals = [open_deal(kind, f"O-{n}", "B", "ivanov", Money(1000, "RUB"), day) for n in range(4)]
>>> result = forecast(deals, funnel(closed, kind), committed=[Money(500, "RUB")], runs=1000)
>>> result.expected, result.committed
(Money('2500.00', 'RUB'), Money('500.00', 'RUB'))
>>> result.p10 <= result.p50 <= result.p90
True
>>> [(r.manager, r.won, r.lost, r.conversion) for r in manager_performance(closed).rows]
[('ivanov', 1, 0, Decimal('1.0000')), ('petrov', 0, 1, Decimal('0.0000'))]
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from salescore.crm.funnel import Funnel, weighted_pipeline
from salescore.crm.model import Deal, DealStatus
from salescore.errors import CrmError
from salescore.money import Money
from salescore.money._context import CTX
from salescore.records import Record, html_table

__all__ = [
    "Forecast",
    "ManagerPerformance",
    "Performance",
    "forecast",
    "manager_performance",
]

_FOUR = Decimal("0.0001")
_CENT = Decimal("0.01")


@attrs.frozen
class Forecast:
    """A probabilistic sales forecast [прогноз продаж] in one currency.

    Attributes:
        expected: the weighted pipeline plus the committed orders.
        committed: orders not yet shipped (certain).
        p10, p50, p90: percentiles of the simulated totals (committed included).
        runs: simulated outcomes; seed: the seed that drew them.
        deals: the open deals counted.
    """

    expected: Money
    committed: Money
    p10: Money
    p50: Money
    p90: Money
    runs: int
    seed: int
    deals: int

    def to_records(self) -> list[Record]:
        """One row: the expectation and the percentiles."""
        return [
            {
                "expected": self.expected.amount,
                "committed": self.committed.amount,
                "p10": self.p10.amount,
                "p50": self.p50.amount,
                "p90": self.p90.amount,
                "currency": self.expected.currency.code,
                "deals": self.deals,
                "runs": self.runs,
                "seed": self.seed,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="sales forecast")


def _percentile(ordered: list[int], q: int) -> int:
    """The nearest-rank ``q``-th percentile of ``ordered`` (q in 1..100)."""
    rank = -(-q * len(ordered) // 100)  # ceil(q·n/100)
    return ordered[max(rank, 1) - 1]


def forecast(
    deals: Iterable[Deal],
    funnel: Funnel,
    *,
    committed: Iterable[Money] = (),
    runs: int = 10_000,
    seed: int = 0,
    currency: str | None = None,
) -> Forecast:
    """The forecast from the open deals of the funnel's kind and the ``committed`` amounts.

    Args:
        deals: deals (closed ones and other kinds' are skipped).
        funnel: gives each stage's success probability.
        committed: amounts of orders not yet shipped.
        runs: simulated outcomes (at least 1).
        seed: the simulation's seed.
        currency: the currency, needed only when no deal or amount shows it.
    """
    if runs < 1:
        raise CrmError(f"the forecast needs at least one simulated run, not {runs}")
    pipeline = weighted_pipeline(deals, funnel)
    fixed = list(committed)
    codes = {ln.amount.currency.code for ln in pipeline.lines} | {m.currency.code for m in fixed}
    if currency is not None:
        codes.add(currency)
    if len(codes) != 1:
        raise CrmError(
            "a forecast is in one currency; the deals and orders are in "
            f"{', '.join(sorted(codes)) or 'none'}: "
            + ("filter them to one" if codes else "pass currency=")
        )
    code = codes.pop()
    base = sum(m.minor_units for m in fixed)
    expected = sum(m.minor_units for m in pipeline.totals) + base
    draws = [(float(ln.probability), ln.amount.minor_units) for ln in pipeline.lines]
    rng = random.Random(seed)
    chance = rng.random
    totals = []
    for _ in range(runs):
        total = base
        for probability, units in draws:
            if chance() < probability:
                total += units
        totals.append(total)
    totals.sort()
    return Forecast(
        Money.from_minor(expected, code),
        Money.from_minor(base, code),
        Money.from_minor(_percentile(totals, 10), code),
        Money.from_minor(_percentile(totals, 50), code),
        Money.from_minor(_percentile(totals, 90), code),
        runs,
        seed,
        len(draws),
    )


@attrs.frozen
class ManagerPerformance:
    """One manager's deals closed in a period.

    Attributes:
        manager: the manager.
        won, lost: deals won and lost; open: deals still open.
        conversion: won ÷ (won + lost), to four places.
        revenue: the won deals' amounts, per currency.
        average_cycle: mean days from opening to closing, to 0.01 (None if nothing closed).
        margin: revenue less the cost of the won deals, per currency; empty when no costs
            were given.
    """

    manager: str
    won: int
    lost: int
    open: int
    conversion: Decimal
    revenue: tuple[Money, ...]
    average_cycle: Decimal | None
    margin: tuple[Money, ...] = ()


@attrs.frozen
class Performance:
    """Managers' performance [эффективность менеджеров], by manager."""

    rows: tuple[ManagerPerformance, ...]

    def to_records(self) -> list[Record]:
        """One row per manager and currency of revenue (one row with no revenue if none);
        ``margin`` is the margin in that currency (None when no costs were given)."""
        records: list[Record] = []
        for r in self.rows:
            margins = {m.currency.code: m.amount for m in r.margin}
            for money in r.revenue or (None,):
                code = None if money is None else money.currency.code
                records.append(
                    {
                        "manager": r.manager,
                        "won": r.won,
                        "lost": r.lost,
                        "open": r.open,
                        "conversion": r.conversion,
                        "revenue": None if money is None else money.amount,
                        "currency": code,
                        "margin": margins.get(code) if code else None,
                        "average_cycle": r.average_cycle,
                    }
                )
        return records

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption="managers' performance")


def _add(sums: dict[str, Money], money: Money) -> None:
    code = money.currency.code
    sums[code] = sums[code] + money if code in sums else money


def manager_performance(
    deals: Iterable[Deal],
    *,
    start: date | None = None,
    end: date | None = None,
    costs: Mapping[str, Money] | None = None,
) -> Performance:
    """Each manager's deals won and lost from ``start`` to ``end`` (inclusive), revenue,
    conversion and average cycle; open deals are counted as they stand. Managers in name order.

    With ``costs`` (deal id -> the cost of what the won deal sold, in the deal's currency,
    from the caller's cost accounting) each manager's margin is the revenue less those costs.
    Every won deal of the period then needs a cost: a missing one is refused, naming the
    deals, rather than counted as pure margin.

    >>> from salescore.crm.model import ProcessKind, Stage, open_deal, win_deal
    >>> kind = ProcessKind("B2B", "wholesale", (Stage("offer"),))
    >>> day = date(2026, 3, 2)
    >>> won = [win_deal(open_deal(kind, d, "A", "ivanov", Money(amount, "RUB"), day), kind, day)
    ...        for d, amount in (("D-1", 1000), ("D-2", 500))]
    >>> costs = {"D-1": Money(700, "RUB"), "D-2": Money(450, "RUB")}
    >>> row = manager_performance(won, costs=costs).rows[0]
    >>> row.revenue, row.margin
    ((Money('1500.00', 'RUB'),), (Money('350.00', 'RUB'),))
    """
    won: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = defaultdict(int)
    still: dict[str, int] = defaultdict(int)
    days: dict[str, int] = defaultdict(int)
    revenue: dict[str, dict[str, Money]] = defaultdict(dict)
    margin: dict[str, dict[str, Money]] = defaultdict(dict)
    uncosted: list[str] = []
    for deal in deals:
        m = deal.manager
        if deal.status is DealStatus.OPEN:
            still[m] += 1
            continue
        if deal.closed is None or (start and deal.closed < start) or (end and deal.closed > end):
            continue
        days[m] += deal.cycle_days or 0
        if deal.status is DealStatus.WON:
            won[m] += 1
            _add(revenue[m], deal.amount)
            if costs is not None:
                cost = costs.get(deal.deal_id)
                if cost is None:
                    uncosted.append(deal.deal_id)
                elif cost.currency != deal.amount.currency:
                    raise CrmError(
                        f"deal {deal.deal_id!r} was won in {deal.amount.currency.code} but its "
                        f"cost is given in {cost.currency.code}: give the cost in the deal's "
                        "currency",
                        deal=deal.deal_id,
                    )
                else:
                    _add(margin[m], deal.amount - cost)
        else:
            lost[m] += 1
    if uncosted:
        raise CrmError(
            f"no cost is given for won deals {', '.join(sorted(uncosted))}, so their margin is "
            "unknown: give each won deal's cost (zero if it cost nothing) or leave costs out",
            deals=sorted(uncosted),
        )
    rows = []
    for m in sorted(set(won) | set(lost) | set(still)):
        closed = won[m] + lost[m]
        ratio = Fraction(won[m], closed) if closed else Fraction(0)
        conversion = CTX.divide(Decimal(ratio.numerator), Decimal(ratio.denominator))
        cycle = (
            CTX.divide(Decimal(days[m]), Decimal(closed)).quantize(_CENT, "ROUND_HALF_UP", CTX)
            if closed
            else None
        )
        sums = revenue.get(m, {})
        margins = margin.get(m, {})
        rows.append(
            ManagerPerformance(
                m,
                won[m],
                lost[m],
                still[m],
                conversion.quantize(_FOUR, "ROUND_HALF_UP", CTX),
                tuple(sums[c] for c in sorted(sums)),
                cycle,
                tuple(margins[c] for c in sorted(margins)),
            )
        )
    return Performance(tuple(rows))
