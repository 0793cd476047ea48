"""The caller's decimal context never changes a result of salescore.

Every property computes the same thing twice: under the default context and
under a hostile one (precision 1..10, any rounding, traps set or cleared,
flags raised, sometimes a tiny exponent range), installed with
``decimal.localcontext`` or ``decimal.setcontext``. The two outcomes (result,
or the salescore error and its message) must be identical, and the results
are also checked against integer or Fraction arithmetic done by hand.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    context_setters,
    currencies,
    hostile_contexts,
    money,
    outcome,
    run_in_context,
    weights,
)

from salescore.dates import BusinessCalendar
from salescore.money import (
    KG,
    PIECE,
    Currency,
    Money,
    Quantity,
    Rounding,
    allocate,
    allocate_units,
    round_to_step,
    total,
)
from salescore.receivables import (
    AgingPolicy,
    DayCount,
    DueEvent,
    EntryKind,
    Payment,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    age_receivables,
    allocate_payments,
)

T = TypeVar("T")

RUB = Currency.of("RUB")
# Amounts right up to the documented bound (10^18 major units).
BIG = 10**20 - 1

big_money = st.builds(Money.from_minor, st.integers(-BIG, BIG), st.just(RUB))
any_money = st.one_of(money(), big_money)
factors = st.decimals(
    min_value=Decimal("-1E6"), max_value=Decimal("1E6"), places=9, allow_nan=False
) | st.decimals(min_value=Decimal("-1E-20"), max_value=Decimal("1E-20"), allow_nan=False)
roundings = st.sampled_from(list(Rounding))


def same_everywhere(
    context: decimal.Context, setter: str, function: Callable[[], T]
) -> tuple[str, object]:
    """The outcome of ``function`` under the default context, asserted equal under ``context``."""
    with decimal.localcontext(decimal.Context()):
        expected = outcome(function)
    got = run_in_context(context, setter, lambda: outcome(function))
    assert got == expected
    if expected[0] == "ok":
        # Equal Decimals may still differ in exponent ("1.0" == "1.00"): compare the text.
        assert repr(got[1]) == repr(expected[1])
    return expected


def fraction_round(value: Fraction, rounding: Rounding) -> int:
    """``value`` rounded to an integer by ``rounding``: the reference, in Fractions."""
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest == 0:
        return floor
    toward_zero = floor if value > 0 else floor + 1
    away = toward_zero + (1 if value > 0 else -1)
    if rounding is Rounding.FLOOR:
        return floor
    if rounding is Rounding.CEILING:
        return floor + 1
    if rounding is Rounding.DOWN:
        return toward_zero
    if rounding is Rounding.UP:
        return away
    distance = abs(value - toward_zero)
    if distance != Fraction(1, 2):
        return away if distance > Fraction(1, 2) else toward_zero
    if rounding is Rounding.HALF_UP:
        return away
    if rounding is Rounding.HALF_DOWN:
        return toward_zero
    return toward_zero if toward_zero % 2 == 0 else away  # HALF_EVEN


@given(any_money, any_money, st.integers(-(10**6), 10**6), hostile_contexts(), context_setters)
def test_money_arithmetic_is_exact_under_any_caller_context(
    a: Money, b: Money, k: int, context: decimal.Context, setter: str
) -> None:
    b = Money.from_minor(b.minor_units % 10**12, a.currency)

    def arithmetic() -> tuple[object, ...]:
        return (
            a + b,
            a - b,
            -a,
            abs(a),
            a.minor_units,
            Money.from_minor(a.minor_units, a.currency),
            a < b,
            a >= b,
            a == b,
            a.is_negative(),
            str(a),
            total([a, b, -b], a.currency),
        )

    same_everywhere(context, setter, arithmetic)
    scaled = same_everywhere(context, setter, lambda: a * k)
    # By hand, in integers: a sum is the sum of the minor units, or beyond the bound.
    units = a.minor_units * k
    if abs(units) < 10**18 * 10**a.currency.minor_units:
        assert scaled == ("ok", Money.from_minor(units, a.currency))
    else:
        assert scaled[0] == "error"
    summed = run_in_context(context, setter, lambda: outcome(lambda: (a + b).minor_units))
    if abs(a.minor_units + b.minor_units) < 10**18 * 10**a.currency.minor_units:
        assert summed == ("ok", a.minor_units + b.minor_units)
    else:
        assert summed[0] == "error"


@given(any_money, factors, roundings, hostile_contexts(), context_setters)
def test_multiply_rounds_the_exact_product_once_under_any_caller_context(
    m: Money, factor: Decimal, rounding: Rounding, context: decimal.Context, setter: str
) -> None:
    result = same_everywhere(context, setter, lambda: m.multiply(factor, rounding))
    exact = Fraction(m.minor_units) * Fraction(factor)
    units = fraction_round(exact, rounding)
    if abs(units) < 10**18 * 10**m.currency.minor_units:
        assert result == ("ok", Money.from_minor(units, m.currency))
    else:
        assert result[0] == "error"
        assert "beyond what salescore supports" in str(result[1])


@given(any_money, any_money, hostile_contexts(), context_setters)
@example(
    # b's minor units as yen would pass the bound: b is taken into a's currency by its amount.
    a=Money("0", "JPY"),
    b=Money("10000000000000000.00", "RUB"),
    context=decimal.Context(prec=1),
    setter="localcontext",
)
def test_ratio_and_rounding_an_amount_do_not_depend_on_the_caller(
    a: Money, b: Money, context: decimal.Context, setter: str
) -> None:
    b = Money.of(b.amount, a.currency, Rounding.DOWN)
    same_everywhere(context, setter, lambda: a.ratio(b))
    seventh = a.amount / 7  # computed here, in the default context, with 28 digits
    rounded = same_everywhere(context, setter, lambda: Money.of(seventh, a.currency))
    units = fraction_round(Fraction(seventh) * 10**a.currency.minor_units, Rounding.HALF_UP)
    assert rounded == ("ok", Money.from_minor(units, a.currency))


@settings(max_examples=150)
@given(any_money, weights, hostile_contexts(), context_setters)
def test_allocation_is_exact_and_the_same_under_any_caller_context(
    amount: Money, ws: list[Decimal], context: decimal.Context, setter: str
) -> None:
    parts = same_everywhere(context, setter, lambda: allocate(amount, ws))
    assert parts[0] == "ok"
    shares = parts[1]
    assert isinstance(shares, tuple)
    assert sum(p.minor_units for p in shares) == amount.minor_units
    # Non-negative weights: every part has the sign of the total (or is zero).
    assert all(not p.is_negative() for p in shares) or amount.is_negative()
    assert all(not p.is_positive() for p in shares) or not amount.is_negative()
    weight_sum = sum(Fraction(w) for w in ws)
    for part, w in zip(shares, ws, strict=True):
        exact = Fraction(amount.minor_units) * Fraction(w) / weight_sum
        assert abs(part.minor_units - exact) < 1


@given(
    st.integers(-BIG, BIG),
    st.lists(st.integers(0, 10**30), min_size=1, max_size=8).filter(any),
    hostile_contexts(),
    context_setters,
)
def test_allocating_units_is_exact_under_any_caller_context(
    units: int, ws: list[int], context: decimal.Context, setter: str
) -> None:
    parts = same_everywhere(context, setter, lambda: allocate_units(units, ws))
    assert parts[0] == "ok"
    assert isinstance(parts[1], tuple)
    assert sum(parts[1]) == units


steps = st.sampled_from(
    [Decimal(s) for s in ("0.01", "0.05", "0.10", "1", "5", "10", "0.03", "7", "1E+3", "0.001")]
)


@given(
    st.decimals(min_value=-(10**15), max_value=10**15, places=6, allow_nan=False),
    steps,
    roundings,
    hostile_contexts(),
    context_setters,
)
def test_round_to_step_is_exact_under_any_caller_context(
    value: Decimal, step: Decimal, rounding: Rounding, context: decimal.Context, setter: str
) -> None:
    result = same_everywhere(context, setter, lambda: round_to_step(value, step, rounding))
    units = fraction_round(Fraction(value) / Fraction(step), rounding)
    assert result[0] == "ok"
    assert result[1] == units * step
    assert isinstance(result[1], Decimal)
    assert result[1].as_tuple().exponent == step.as_tuple().exponent


@given(
    st.integers(-(10**15), 10**15),
    st.integers(-(10**15), 10**15),
    st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False),
    roundings,
    hostile_contexts(),
    context_setters,
)
def test_quantities_are_exact_under_any_caller_context(
    a: int, b: int, factor: Decimal, rounding: Rounding, context: decimal.Context, setter: str
) -> None:
    x, y = Quantity(Decimal(a).scaleb(-3), KG), Quantity(Decimal(b).scaleb(-3), KG)
    third = x.value / 3  # computed here, in the default context

    def quantities() -> tuple[object, ...]:
        return (
            x + y,
            x - y,
            -x,
            x < y,
            Quantity.of(third, KG, rounding),
            x.convert(PIECE, factor, rounding),
        )

    result = same_everywhere(context, setter, quantities)
    assert result[0] == "ok"
    assert isinstance(result[1], tuple)
    assert result[1][0] == Quantity(Decimal(a + b).scaleb(-3), KG)
    pieces = fraction_round(Fraction(a, 1000) * Fraction(factor), rounding)
    assert result[1][5] == Quantity(pieces, PIECE)


@settings(max_examples=60)
@given(
    any_money.filter(lambda m: m.is_positive()),
    st.lists(
        st.decimals(min_value=Decimal("0.0001"), max_value=33, places=4, allow_nan=False),
        max_size=3,
    ),
    st.integers(0, 30),
    hostile_contexts(),
    context_setters,
)
def test_payment_schedules_are_the_same_under_any_caller_context(
    amount: Money, advances: list[Decimal], days: int, context: decimal.Context, setter: str
) -> None:
    stages = [ScheduleStage(StageKind.ADVANCE, percent=p) for p in advances]
    stages.append(
        ScheduleStage(
            StageKind.CREDIT, days=days, day_count=DayCount.WORKING, event=DueEvent.SHIPMENT
        )
    )
    template = PaymentScheduleTemplate("T", "advances and the rest", tuple(stages))
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 1, 1), date(2026, 1, 2)}))

    def schedule() -> object:
        return template.generate(amount, date(2025, 12, 20), date(2025, 12, 29), calendar)

    result = same_everywhere(context, setter, schedule)
    assert result[0] == "ok"
    planned = result[1].stages  # type: ignore[attr-defined]
    assert sum(s.amount.minor_units for s in planned) == amount.minor_units
    assert all(not s.amount.is_negative() for s in planned)
    remainder = Fraction(100) - sum(Fraction(p) for p in advances)
    assert Fraction(planned[-1].percent) == remainder


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(st.integers(1, 10**14), st.integers(-200, 60), st.sampled_from("AB")),
        min_size=1,
        max_size=8,
    ),
    st.integers(1, 10**14),
    st.booleans(),
    hostile_contexts(),
    context_setters,
)
def test_aging_is_the_same_under_any_caller_context(
    items: list[tuple[int, int, str]],
    paid: int,
    working: bool,
    context: decimal.Context,
    setter: str,
) -> None:
    as_of = date(2026, 3, 31)
    accounts = {p: SettlementAccount(p, "RUB") for p in "AB"}
    items = [(items[0][0], items[0][1], "A"), *items[1:]]  # A, who paid, has debt
    entries = [
        SettlementEntry(
            f"E{n}",
            EntryKind.SHIPMENT,
            accounts[partner],
            f"SO-{n}",
            f"D{n}",
            date(2025, 6, 1),
            as_of - timedelta(days=overdue),
            Money.from_minor(units, "RUB"),
        )
        for n, (units, overdue, partner) in enumerate(items)
    ]
    payments = [Payment("P", accounts["A"], date(2026, 1, 10), Money.from_minor(paid, "RUB"))]
    policy = AgingPolicy.from_bounds(
        [30, 60, 90], DayCount.WORKING if working else DayCount.CALENDAR
    )
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 3, 9)}))

    def report() -> object:
        ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
        return age_receivables(ledger, as_of, policy=policy, calendar=calendar)

    result = same_everywhere(context, setter, report)
    assert result[0] == "ok"
    lines = result[1].lines  # type: ignore[attr-defined]
    open_units = sum(u for u, _, _ in items)
    shown = sum(line.total.minor_units - line.credit.minor_units for line in lines)
    assert shown == open_units - paid


@given(currencies, hostile_contexts(), context_setters)
def test_formatting_does_not_depend_on_the_caller(
    currency: Currency, context: decimal.Context, setter: str
) -> None:
    m = Money.from_minor(123456789, currency)
    same_everywhere(context, setter, lambda: (m.format("ru_RU"), m.format("en_US")))
