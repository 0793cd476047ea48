"""The sales funnel (H3): conversion per stage, time per stage, bottlenecks, lost deals,
stage probabilities and the weighted pipeline.

Conversions come from the **closed** deals of one process kind (closed in
the period when one is given). A deal *reached* a stage when it visited it
or any later stage; a won deal has passed every stage. The conversion of a
stage is the share of the deals reaching it that reach the next one (for
the last stage: that are won), so the conversions multiply to the overall
conversion (won ÷ closed). They are exact fractions
(:class:`fractions.Fraction`); records show them as Decimals to four places.

The *success probability* of a stage is the share of closed deals that
reached it and were won. The *weighted pipeline* is the sum over open
deals of amount × probability of their stage, rounded half up to the
minor unit once per currency.

>>> from datetime import date
>>> from salescore.crm.model import ProcessKind, Stage, open_deal, move_deal, win_deal, lose_deal
>>> from salescore.money import Money
>>> kind = ProcessKind("B2B", "wholesale", (Stage("qualification"), Stage("proposal")))
>>> day = date(2026, 3, 2)
>>> def deal(n, reach_proposal, won):
...     d = open_deal(kind, f"D-{n}", "CAFE", "ivanov", Money(1000, "RUB"), day)
...     if reach_proposal:
...         d = move_deal(d, kind, "proposal", date(2026, 3, 5))
...     end = date(2026, 3, 9)
...     return win_deal(d, kind, end) if won else lose_deal(d, kind, "price", end)
>>> deals = [deal(n, n < 10, n < 4) for n in range(20)]
>>> result = funnel(deals, kind)
>>> [(s.stage, s.reached, s.conversion) for s in result.stages]
[('qualification', 20, Fraction(1, 2)), ('proposal', 10, Fraction(2, 5))]
>>> result.overall
Fraction(1, 5)
>>> open_ones = [open_deal(kind, "O-1", "BAR", "ivanov", Money("100000.00", "RUB"), day),
...              open_deal(kind, "O-2", "BAR", "ivanov", Money("50000.00", "RUB"), day)]
>>> open_ones = [move_deal(d, kind, "proposal", date(2026, 3, 10)) for d in open_ones]
>>> weighted_pipeline(open_ones, result).totals
(Money('60000.00', 'RUB'),)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from salescore.crm.model import Deal, DealStatus, ProcessKind
from salescore.errors import CrmError
from salescore.money import Money
from salescore.money._context import CTX
from salescore.records import Record, html_table

__all__ = [
    "Bottleneck",
    "Funnel",
    "FunnelStage",
    "LostDeals",
    "LostGroup",
    "Pipeline",
    "PipelineLine",
    "bottlenecks",
    "funnel",
    "lost_deals",
    "weight",
    "weighted_pipeline",
]

_FOUR = Decimal("0.0001")
_CENT = Decimal("0.01")


def _decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal to four places, half up, whatever the caller's context."""
    quotient = CTX.divide(Decimal(value.numerator), Decimal(value.denominator))
    return quotient.quantize(_FOUR, "ROUND_HALF_UP", CTX)


def _ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _in(day: date | None, start: date | None, end: date | None) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


@attrs.frozen
class FunnelStage:
    """One stage of a funnel.

    Attributes:
        stage: the stage's name.
        reached: closed deals that reached it.
        passed: of those, the deals that reached the next stage (or were won, at the last).
        conversion: ``passed / reached`` (0 when none reached it).
        probability: success probability of a deal at this stage (won / reached).
        entered: deals (open or closed) that entered the stage in the period.
        left: deals that left the stage in the period (moved on, won or lost).
        lost: closed deals lost at this stage.
        average_days: mean days spent at the stage by the visits that ended in
            the period (None when none ended).
    """

    stage: str
    reached: int
    passed: int
    conversion: Fraction
    probability: Fraction
    entered: int
    left: int
    lost: int
    average_days: Decimal | None


@attrs.frozen
class Funnel:
    """The funnel of one process kind over a period [воронка продаж].

    Attributes:
        kind_id: the process kind.
        start, end: the period (None: open-ended).
        stages: one :class:`FunnelStage` per stage, in order.
        closed: closed deals counted; won: of them won.
        overall: won / closed (the product of the stages' conversions).
    """

    kind_id: str
    start: date | None
    end: date | None
    stages: tuple[FunnelStage, ...]
    closed: int
    won: int
    overall: Fraction

    def probability(self, stage: str) -> Fraction:
        """The success probability of a deal at ``stage``."""
        for row in self.stages:
            if row.stage == stage:
                return row.probability
        raise CrmError(
            f"the funnel of {self.kind_id!r} has no stage {stage!r}; its stages are "
            f"{', '.join(s.stage for s in self.stages)}",
            stage=stage,
        )

    @property
    def bottleneck(self) -> str | None:
        """The stage with the lowest conversion (the first such), None if no deal closed."""
        rows = [s for s in self.stages if s.reached]
        return min(rows, key=lambda s: s.conversion).stage if rows else None

    @property
    def slowest(self) -> str | None:
        """The stage with the longest average time, None if no visit ended."""
        rows = [s for s in self.stages if s.average_days is not None]
        return max(rows, key=lambda s: s.average_days or 0).stage if rows else None

    def to_records(self) -> list[Record]:
        """One row per stage."""
        return [
            {
                "kind": self.kind_id,
                "stage": s.stage,
                "reached": s.reached,
                "passed": s.passed,
                "conversion": _decimal(s.conversion),
                "probability": _decimal(s.probability),
                "entered": s.entered,
                "left": s.left,
                "lost": s.lost,
                "average_days": s.average_days,
            }
            for s in self.stages
        ]

    def _repr_html_(self) -> str:
        return html_table(
            self.to_records(),
            caption=f"funnel of {self.kind_id}: {self.won} won of {self.closed} closed "
            f"({_decimal(self.overall)})",
        )


def funnel(
    deals: Iterable[Deal],
    kind: ProcessKind,
    *,
    start: date | None = None,
    end: date | None = None,
) -> Funnel:
    """The funnel of ``kind`` from ``deals`` (other kinds' deals are skipped).

    Conversions and probabilities count the deals closed from ``start`` to
    ``end`` (inclusive; None: unbounded); entries, exits and times count the
    stage visits of every deal of the kind whose dates fall in the period.
    """
    if start is not None and end is not None and end < start:
        raise CrmError(f"the period ends on {end}, before it starts on {start}: swap them")
    names = kind.stage_names
    index = {name: i for i, name in enumerate(names)}
    count = len(names)
    furthest_of = [0] * (count + 1)
    lost_at = [0] * count
    entered = [0] * count
    left = [0] * count
    days = [0] * count
    closed = won = 0
    low, high = start or date.min, end or date.max
    for deal in deals:
        if deal.kind_id != kind.kind_id:
            continue
        furthest = 0
        for visit in deal.visits:
            try:
                i = index[visit.stage]
            except KeyError:
                raise CrmError(
                    f"deal {deal.deal_id!r} visited stage {visit.stage!r}, which process kind "
                    f"{kind.kind_id!r} does not have: pass the deal's own process kind",
                    deal=deal.deal_id,
                ) from None
            if i > furthest:
                furthest = i
            if low <= visit.entered <= high:
                entered[i] += 1
            gone = visit.left
            if gone is not None and low <= gone <= high:
                left[i] += 1
                days[i] += (gone - visit.entered).days
        closed_on = deal.closed
        if deal.status is DealStatus.OPEN or closed_on is None or not low <= closed_on <= high:
            continue
        closed += 1
        if deal.status is DealStatus.WON:
            won += 1
            furthest_of[count] += 1
        else:
            furthest_of[furthest] += 1
            lost_at[index[deal.stage]] += 1
    reached = [sum(furthest_of[i:]) for i in range(count + 1)]
    rows = tuple(
        FunnelStage(
            name,
            reached[i],
            reached[i + 1],
            _ratio(reached[i + 1], reached[i]),
            _ratio(won, reached[i]),
            entered[i],
            left[i],
            lost_at[i],
            CTX.divide(Decimal(days[i]), Decimal(left[i])).quantize(_CENT, "ROUND_HALF_UP", CTX)
            if left[i]
            else None,
        )
        for i, name in enumerate(names)
    )
    return Funnel(kind.kind_id, start, end, rows, closed, won, _ratio(won, closed))


@attrs.frozen
class Bottleneck:
    """A stage doing worse than in its history: lower conversion or longer time."""

    stage: str
    conversion: Fraction
    usual_conversion: Fraction
    average_days: Decimal | None
    usual_days: Decimal | None

    @property
    def converts_less(self) -> bool:
        """True if the conversion fell below the history's."""
        return self.conversion < self.usual_conversion

    @property
    def takes_longer(self) -> bool:
        """True if deals stay longer than in the history."""
        return (
            self.average_days is not None
            and self.usual_days is not None
            and self.average_days > self.usual_days
        )

    def to_records(self) -> list[Record]:
        """One row."""
        return [
            {
                "stage": self.stage,
                "conversion": _decimal(self.conversion),
                "usual_conversion": _decimal(self.usual_conversion),
                "average_days": self.average_days,
                "usual_days": self.usual_days,
                "converts_less": self.converts_less,
                "takes_longer": self.takes_longer,
            }
        ]


def bottlenecks(current: Funnel, history: Funnel) -> tuple[Bottleneck, ...]:
    """The stages of ``current`` converting less or taking longer than in ``history``
    (the same process kind over an earlier period), in process order.

    A stage no closed deal reached in either period is not compared on conversion.
    """
    if current.kind_id != history.kind_id:
        raise CrmError(
            f"cannot compare the funnel of {current.kind_id!r} with the history of "
            f"{history.kind_id!r}: give two funnels of one process kind"
        )
    usual = {s.stage: s for s in history.stages}
    found = []
    for row in current.stages:
        past = usual.get(row.stage)
        if past is None:
            continue
        result = Bottleneck(
            row.stage, row.conversion, past.conversion, row.average_days, past.average_days
        )
        compared = row.reached > 0 and past.reached > 0
        if (compared and result.converts_less) or result.takes_longer:
            found.append(result)
    return tuple(found)


@attrs.frozen
class LostGroup:
    """Lost deals of one stage and reason: how many, for how much, which."""

    stage: str
    reason: str
    deals: tuple[str, ...]
    amounts: tuple[Money, ...]
    """The lost potential per currency."""


@attrs.frozen
class LostDeals:
    """Lost-deal analysis [анализ проигранных сделок] by stage and reason."""

    kind_id: str
    groups: tuple[LostGroup, ...]

    def to_records(self) -> list[Record]:
        """One row per stage, reason and currency."""
        return [
            {
                "kind": self.kind_id,
                "stage": g.stage,
                "reason": g.reason,
                "deals": len(g.deals),
                "deal_ids": ", ".join(g.deals),
                "amount": m.amount,
                "currency": m.currency.code,
            }
            for g in self.groups
            for m in g.amounts
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=f"lost deals of {self.kind_id}")


def lost_deals(
    deals: Iterable[Deal],
    kind: ProcessKind,
    *,
    start: date | None = None,
    end: date | None = None,
) -> LostDeals:
    """The deals of ``kind`` lost in the period, grouped by stage (in process order) and reason."""
    grouped: dict[tuple[str, str], list[Deal]] = defaultdict(list)
    for deal in deals:
        lost = deal.kind_id == kind.kind_id and deal.status is DealStatus.LOST
        if lost and _in(deal.closed, start, end):
            grouped[(deal.stage, deal.lost_reason or "")].append(deal)
    groups = []
    for stage, reason in sorted(grouped, key=lambda k: (kind.index(k[0]), k[1])):
        members = grouped[(stage, reason)]
        sums: dict[str, Money] = {}
        for d in members:
            code = d.amount.currency.code
            sums[code] = sums[code] + d.amount if code in sums else d.amount
        groups.append(
            LostGroup(
                stage,
                reason,
                tuple(d.deal_id for d in members),
                tuple(sums[c] for c in sorted(sums)),
            )
        )
    return LostDeals(kind.kind_id, tuple(groups))


@attrs.frozen
class PipelineLine:
    """An open deal weighted by its stage's probability."""

    deal_id: str
    stage: str
    amount: Money
    probability: Fraction
    weighted: Money


@attrs.frozen
class Pipeline:
    """The weighted pipeline [взвешенная воронка]: open deals × stage probability."""

    lines: tuple[PipelineLine, ...]
    totals: tuple[Money, ...]
    """The weighted sum per currency, by currency code."""

    def to_records(self) -> list[Record]:
        """One row per open deal."""
        return [
            {
                "deal": ln.deal_id,
                "stage": ln.stage,
                "amount": ln.amount.amount,
                "probability": _decimal(ln.probability),
                "weighted": ln.weighted.amount,
                "currency": ln.amount.currency.code,
            }
            for ln in self.lines
        ]

    def _repr_html_(self) -> str:
        caption = "weighted pipeline: " + ", ".join(f"{m.amount} {m.currency}" for m in self.totals)
        return html_table(self.to_records(), caption=caption)


def weight(amount: Money, probability: Fraction) -> Money:
    """``amount × probability``, rounded half up (away from zero) to the minor unit."""
    numerator = amount.minor_units * probability.numerator
    quotient, remainder = divmod(abs(numerator), probability.denominator)
    if 2 * remainder >= probability.denominator:
        quotient += 1
    return Money.from_minor(quotient if numerator >= 0 else -quotient, amount.currency)


def weighted_pipeline(deals: Iterable[Deal], funnel: Funnel) -> Pipeline:
    """The open deals of the funnel's kind, weighted by their stage's success probability.

    Each line is rounded half up to the minor unit; each currency's total is
    the exact sum of the products rounded once, so it carries no
    accumulated rounding (and may differ from the sum of the lines by
    a few minor units over many deals).
    """
    lines = []
    sums: dict[str, Fraction] = defaultdict(Fraction)
    currencies = {}
    for deal in deals:
        if not deal.is_open or deal.kind_id != funnel.kind_id:
            continue
        probability = funnel.probability(deal.stage)
        weighted = weight(deal.amount, probability)
        lines.append(PipelineLine(deal.deal_id, deal.stage, deal.amount, probability, weighted))
        code = deal.amount.currency.code
        sums[code] += deal.amount.minor_units * probability
        currencies[code] = deal.amount.currency
    totals = tuple(weight(Money.from_minor(1, currencies[c]), sums[c]) for c in sorted(sums))
    return Pipeline(tuple(lines), totals)
