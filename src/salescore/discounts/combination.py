"""How a group combines its children: the combination algebra (C6).

Every child of a group is first turned into a *discount amount on the
group's current base* (the line amount that reaches the group): a percent
child gives ``base × p / 100``, an amount child its fixed amount, a group
child whatever its own combination gives on that base. A markup is a
negative discount amount. Then:

* ``add`` — the sum of the children's amounts, each on the same base;
* ``multiply`` — children apply one after another (highest priority first,
  then in declared order), each on what the previous left:
  ``base × (1 − p₁) × (1 − p₂)…`` for percents;
* ``max`` / ``min`` — the largest / smallest amount (a markup is a negative
  amount, so ``max`` prefers any discount to a markup);
* ``displace`` — only the child with the highest priority; equal priorities
  are resolved by declared order (and reported by the authoring checks).

A group's result never takes the line below zero: a discount amount is
capped at the base it was computed on (inside ``multiply``, at each step).
Markups are not capped. The algebra is total: any children, any order,
no exception.

Amounts are exact decimals here; the engine rounds a line's final discount
to minor units once.

>>> from decimal import Decimal as D
>>> pct = lambda p: (lambda base: base * D(p) / 100)
>>> kids = [Child("A", 0, pct(10)), Child("B", 0, pct(20))]
>>> combine(Combination.ADD, D(1000), kids)
Decimal('300')
>>> combine(Combination.MULTIPLY, D(1000), kids)
Decimal('280')
>>> combine(Combination.MAX, D(1000), kids), combine(Combination.MIN, D(1000), kids)
(Decimal('200'), Decimal('100'))
>>> combine(Combination.ADD, D(100), [Child("A", 0, pct(70)), Child("B", 0, pct(60))])
Decimal('100')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

import attrs

from salescore.discounts.model import Combination

__all__ = ["Child", "Combination", "Ranked", "TraceStep", "combine", "ordered"]

T = TypeVar("T")
R = TypeVar("R", bound="Ranked")
ZERO = Decimal(0)


class Ranked(Protocol):
    """What the algebra needs of a child besides its amount: an id and a priority."""

    @property
    def id(self) -> str: ...

    @property
    def priority(self) -> int: ...


@attrs.frozen(slots=True)
class Child(Generic[T]):
    """One child of a group, as the algebra sees it.

    Attributes:
        id: the rule's or group's id (for traces).
        priority: higher goes first in ``multiply`` and wins in ``displace``.
        amount_on: the child's discount amount on a given base (markup negative).
        payload: anything the caller wants back in the trace.
    """

    id: str
    priority: int
    amount_on: Callable[[Decimal], Decimal]
    payload: T | None = None


@attrs.frozen(slots=True)
class TraceStep:
    """What one child did inside a group: the base it saw and its amount.

    ``used`` is False for a child computed but not chosen (lost a ``max`` or
    ``min``, displaced).
    """

    id: str
    base: Decimal
    amount: Decimal
    used: bool


def ordered(children: Sequence[R]) -> list[R]:
    """Children by priority (highest first), then declared order: the order ``multiply`` uses."""
    return [c for _, c in sorted(enumerate(children), key=lambda ic: (-ic[1].priority, ic[0]))]


def _cap(amount: Decimal, base: Decimal) -> Decimal:
    # A discount never takes the line below zero; markups are negative and pass.
    if amount > base:
        return base if base > ZERO else ZERO
    return amount


def _own_amount(child: Ranked, base: Decimal) -> Decimal:
    return child.amount_on(base)  # type: ignore[attr-defined,no-any-return]


def combine(
    rule: Combination,
    base: Decimal,
    children: Sequence[R],
    trace: list[TraceStep] | None = None,
    amount_of: Callable[[R, Decimal], Decimal] = _own_amount,
    *,
    presorted: bool = False,
) -> Decimal:
    """The discount amount a group of ``children`` gives on ``base`` under ``rule``.

    Args:
        rule: the group's combination.
        base: the amount reaching the group.
        children: the applicable children (not applicable ones are left out):
            :class:`Child` values, or any ranked objects with ``amount_of``.
        trace: if given, one :class:`TraceStep` per child is appended.
        amount_of: the amount of a child on a base; by default ``child.amount_on(base)``.
        presorted: the children are already in :func:`ordered` order (a compiled
            plan sorts them once), so they are not sorted again.

    Returns:
        The discount amount (negative for a net markup), at most ``base``.
    """
    if not children:
        return ZERO
    if len(children) == 1 and trace is None:
        # Every rule gives the same for a single child: its amount, capped.
        return _cap(amount_of(children[0], base), base)
    if rule is Combination.MULTIPLY:
        current = base
        for child in children if presorted else ordered(children):
            amount = amount_of(child, current)
            if amount > current:  # _cap, inlined: this loop is the engine's hot path
                amount = current if current > ZERO else ZERO
            if trace is not None:
                trace.append(TraceStep(child.id, current, amount, True))
            current -= amount
        return base - current
    if rule is Combination.DISPLACE:
        winner = children[0] if presorted else ordered(children)[0]
        amount = _cap(amount_of(winner, base), base)
        if trace is not None:
            for child in children:
                used = child is winner
                trace.append(TraceStep(child.id, base, amount if used else ZERO, used))
        return amount
    amounts = [amount_of(child, base) for child in children]
    if rule is Combination.ADD:
        result = _cap(sum(amounts, ZERO), base)
        chosen = None
    else:
        pick = max(amounts) if rule is Combination.MAX else min(amounts)
        chosen = amounts.index(pick)
        result = _cap(pick, base)
    if trace is not None:
        for i, (child, amount) in enumerate(zip(children, amounts, strict=True)):
            trace.append(TraceStep(child.id, base, amount, chosen is None or chosen == i))
    return result
