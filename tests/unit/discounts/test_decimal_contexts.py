"""The caller's decimal context never changes a discount.

A program embedding salescore may run with any decimal context: a low
precision, another rounding, traps set or cleared. Document amounts spread
over lines and ``multiply``/``add`` compositions must give, to the kopeck,
what they give under the default context; so must the explanations.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.discounts import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountEngine,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    SaleLine,
)

from .conftest import make_context, make_line

ROUNDINGS = [
    decimal.ROUND_UP,
    decimal.ROUND_DOWN,
    decimal.ROUND_CEILING,
    decimal.ROUND_FLOOR,
    decimal.ROUND_HALF_UP,
    decimal.ROUND_HALF_DOWN,
    decimal.ROUND_HALF_EVEN,
    decimal.ROUND_05UP,
]
SIGNALS = [
    decimal.Inexact,
    decimal.Rounded,
    decimal.InvalidOperation,
    decimal.DivisionByZero,
    decimal.Overflow,
    decimal.Underflow,
    decimal.Subnormal,
    decimal.Clamped,
    decimal.FloatOperation,
]


@st.composite
def hostile_contexts(draw: Any) -> decimal.Context:
    """A caller's context: precision 1..10, any rounding, any traps set or cleared."""
    traps = draw(st.lists(st.sampled_from(SIGNALS), unique=True))
    return decimal.Context(
        prec=draw(st.integers(1, 10)),
        rounding=draw(st.sampled_from(ROUNDINGS)),
        traps=traps,
    )


def _rule_set(outer: Combination, inner: Combination, values: list[int], amount: str) -> Any:
    """Percents under ``inner``, a document amount and a per-unit amount, under ``outer``."""
    percents = [
        Discount(DiscountId(f"P{i}"), f"P{i}", value=Decimal(v) / 4) for i, v in enumerate(values)
    ]
    spread = Discount(
        DiscountId("DOC"),
        "Document amount",
        DiscountKind.AMOUNT,
        Decimal(amount),
        basis=AmountBasis.DOCUMENT,
        condition=ConditionExpr.leaf("product", products=["A", "B"]),
    )
    unit = Discount(
        DiscountId("UNIT"), "Per unit", DiscountKind.AMOUNT, Decimal("0.37"), basis=AmountBasis.UNIT
    )
    groups = [
        DiscountGroup(GroupId("ROOT"), "Root", outer, ["PCT", "DOC", "UNIT"]),
        DiscountGroup(GroupId("PCT"), "Percents", inner, [p.id for p in percents]),
    ]
    return DiscountRuleSet([*percents, spread, unit], groups)


def _lines(data: Any) -> list[SaleLine]:
    count = data.draw(st.integers(1, 6))
    return [
        make_line(
            data.draw(st.sampled_from(["A", "B", "C"])),
            data.draw(st.integers(1, 99)),
            str(Decimal(data.draw(st.integers(1, 9_999_999))) / 100),
            line_id=str(n),
        )
        for n in range(count)
    ]


def _figures(result: Any) -> list[tuple[Decimal, Decimal, Decimal]]:
    return [(x.gross_amount, x.discount_amount, x.net.amount) for x in result.lines]


@settings(max_examples=150, deadline=None)
@given(
    st.data(),
    hostile_contexts(),
    st.sampled_from([Combination.MULTIPLY, Combination.ADD]),
    st.sampled_from([Combination.MULTIPLY, Combination.ADD]),
)
def test_spreading_and_composition_ignore_the_callers_decimal_context(
    data: Any, caller: decimal.Context, outer: Combination, inner: Combination
) -> None:
    values = data.draw(st.lists(st.integers(0, 400), min_size=1, max_size=4))
    amount = str(Decimal(data.draw(st.integers(0, 1_000_000))) / 100)
    engine = DiscountEngine.compile(_rule_set(outer, inner, values, amount))
    lines = _lines(data)
    context = make_context()
    expected = engine.apply(lines, context)
    with decimal.localcontext(caller):
        built = [  # a line's amount is computed when it is built: in the caller's context too
            SaleLine(x.line_id, x.product, x.quantity, x.unit_price) for x in lines
        ]
        found = engine.apply(built, context)
        (bulk,) = engine.apply_many([(lines, context)])
        figures = _figures(found), _figures(bulk)
        explained = found.lines[0].explain().as_text()
        document = (found.gross.amount, found.discount.amount)
    assert figures == (_figures(expected), _figures(expected))
    assert explained == expected.lines[0].explain().as_text()
    assert document == (expected.gross.amount, expected.discount.amount)
    # The document amount is spread exactly: its shares sum to it on matching lines.
    assert [x.amount for x in built] == [x.amount for x in lines]
