"""Rounding rules, price type checks, the in-memory history and the pricing use cases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.adapters.memory import MemoryStore
from salescore.app.pricing import register_price, save_price_type
from salescore.errors import FormulaError, InvalidInputError, NotFoundError
from salescore.money import Money, Rounding
from salescore.money._context import decimal_context
from salescore.parties import PartnerId, Product, ProductId
from salescore.pricing import PriceHistory, PriceRecord, PriceType, PriceTypeId, RoundingRule

prices = st.decimals(min_value=Decimal(0), max_value=Decimal(10**7), places=4)
steps = st.sampled_from([Decimal("0.01"), Decimal("0.05"), Decimal("0.1"), Decimal(1), Decimal(10)])


@st.composite
def rules(draw: st.DrawFn) -> RoundingRule:
    step = draw(steps)
    direction = draw(st.sampled_from([Rounding.CEILING, Rounding.FLOOR, Rounding.HALF_UP]))
    ending = None
    if step >= 1 and draw(st.booleans()):
        ending = step - Decimal("0.01")
    return RoundingRule(step, direction, ending)


@settings(max_examples=200)
@given(value=prices, rule=rules())
def test_a_rounded_price_is_a_step_multiple_plus_the_ending_and_moves_the_right_way(
    value: Decimal, rule: RoundingRule
) -> None:
    result = rule.apply(value)
    ending = rule.ending or Decimal(0)
    if not value:
        assert result == 0  # a free item stays free
        return
    assert (result - ending) % rule.step == 0
    if value < ending:
        assert result == ending  # the smallest price the rule allows, never below zero
    elif rule.direction is Rounding.CEILING:
        assert value <= result < value + rule.step
    elif rule.direction is Rounding.FLOOR:
        assert value - rule.step < result <= value
    else:
        assert abs(result - value) <= rule.step / 2


def test_a_price_below_the_first_ending_becomes_the_ending_and_zero_stays_zero() -> None:
    # Step 10, ending 9.99: the prices are 9.99, 19.99 ... Before, 0.01 rounded half up to
    # -0.01 (the multiple -10 plus 9.99) and down to -0.01 too: a price below zero.
    for direction in (Rounding.HALF_UP, Rounding.FLOOR, Rounding.CEILING):
        rule = RoundingRule(Decimal(10), direction, Decimal("9.99"))
        assert rule.apply(Decimal("0.01")) == Decimal("9.99")
        assert rule.apply(Decimal("4.99")) == Decimal("9.99")
        assert rule.apply(Decimal("0.00")) == Decimal("0.00")
    assert RoundingRule(Decimal(10), Rounding.FLOOR, Decimal("9.99")).apply(Decimal(19)) == Decimal(
        "9.99"
    )
    assert RoundingRule(Decimal(10), Rounding.HALF_UP, Decimal("9.99")).apply(
        Decimal("5.00")
    ) == Decimal("9.99")
    # A price type rounds the same way on its fast path (a power-of-ten step).
    down_to_99 = RoundingRule(Decimal(1), Rounding.FLOOR, Decimal("0.99"))
    retail = PriceType(PriceTypeId("R"), "R", "RUB", rounding=down_to_99)
    with localcontext(decimal_context()):
        to_price = retail.rounder()
        assert to_price(Decimal("0.50")) == Decimal("0.99")
        assert to_price(Decimal("0")) == Decimal("0.00")
        assert str(to_price(Decimal("0"))) == "0.00"
        assert to_price(Decimal("5.50")) == Decimal("4.99")
    # A negative value (a formula's) is not made a price here: the snapshot refuses it.
    assert RoundingRule(Decimal(1), Rounding.FLOOR, Decimal("0.99")).apply(
        Decimal("-0.50")
    ) == Decimal("-1.01")


@settings(max_examples=100)
@given(value=prices, rule=rules(), more=st.decimals(min_value=0, max_value=1000, places=2))
def test_rounding_never_reverses_the_order_of_two_prices(
    value: Decimal, rule: RoundingRule, more: Decimal
) -> None:
    assert rule.apply(value) <= rule.apply(value + more)


def test_a_rounding_rule_finer_than_the_currency_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="finer than JPY allows"):
        PriceType(PriceTypeId("X"), "X", "JPY", rounding=RoundingRule(Decimal("0.01")))
    with pytest.raises(InvalidInputError, match=r"ending 1\.5 must be at least 0 and below"):
        RoundingRule(Decimal(1), Rounding.CEILING, Decimal("1.5"))


def test_price_type_names_cannot_hold_brackets_and_partner_types_are_not_calculated() -> None:
    with pytest.raises(InvalidInputError, match="cannot contain brackets"):
        PriceType(PriceTypeId("X"), "Retail [new]", "RUB")
    with pytest.raises(InvalidInputError, match="a partner's prices are registered"):
        PriceType(PriceTypeId("X"), "X", "RUB", formula="1", partner_id=PartnerId("P"))


@settings(max_examples=100)
@given(
    offsets=st.lists(st.integers(0, 400), max_size=15),
    probe=st.integers(-5, 410),
)
def test_the_history_finds_what_a_linear_scan_finds(offsets: list[int], probe: int) -> None:
    start = date(2026, 1, 1)
    history = PriceHistory()
    latest: dict[date, PriceRecord] = {}
    for i, offset in enumerate(offsets):
        day = start + timedelta(days=offset)
        record = PriceRecord(PriceTypeId("T"), ProductId("P"), day, Money(i, "RUB"))
        history.put(record)
        latest[day] = record
    on = start + timedelta(days=probe)
    in_force = [d for d in latest if d <= on]
    expected = latest[max(in_force)] if in_force else None
    assert history.as_of(on) == expected
    assert [r.effective for r in history.records] == sorted(latest)


def test_saving_a_price_type_that_closes_a_cycle_stores_nothing() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        save_price_type(uow, PriceType(PriceTypeId("A"), "A", "RUB"))
        save_price_type(uow, PriceType(PriceTypeId("B"), "B", "RUB", formula="[A] * 2"))
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(FormulaError, match=r"cycle: \[A\] -> \[B\] -> \[A\]"):
            save_price_type(uow, PriceType(PriceTypeId("A"), "A", "RUB", formula="[B] / 2"))
        assert not uow.price_types.get(PriceTypeId("A")).is_calculated


def test_registering_a_price_checks_its_type_product_and_currency() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.products.add(Product(ProductId("P"), "p"))
        save_price_type(uow, PriceType(PriceTypeId("BASE"), "Base", "RUB"))
        save_price_type(uow, PriceType(PriceTypeId("CALC"), "Calc", "RUB", formula="[Base]"))
        day = date(2026, 1, 1)
        with pytest.raises(InvalidInputError, match="'Calc' is calculated by a formula"):
            register_price(
                uow, PriceRecord(PriceTypeId("CALC"), ProductId("P"), day, Money(1, "RUB"))
            )
        with pytest.raises(InvalidInputError, match=r"is in RUB, the price 1\.00 USD"):
            register_price(
                uow, PriceRecord(PriceTypeId("BASE"), ProductId("P"), day, Money(1, "USD"))
            )
        with pytest.raises(InvalidInputError) as negative:
            register_price(
                uow, PriceRecord(PriceTypeId("BASE"), ProductId("P"), day, Money("-0.01", "RUB"))
            )
        assert str(negative.value) == (
            "price type 'Base': the price -0.01 RUB of product 'P' is negative; a price is zero "
            "or more (a discount or a markup is a discount rule)"
        )
        assert negative.value.details == {"price_type": "BASE", "product": "P"}
        with pytest.raises(NotFoundError, match="products: no entity with id 'Q'"):
            register_price(
                uow, PriceRecord(PriceTypeId("BASE"), ProductId("Q"), day, Money(1, "RUB"))
            )
        with pytest.raises(NotFoundError, match="price_types: no entity with id 'NOPE'"):
            register_price(
                uow, PriceRecord(PriceTypeId("NOPE"), ProductId("P"), day, Money(1, "RUB"))
            )
        assert uow.price_register.history(PriceTypeId("BASE"), ProductId("P")) == []
        free = PriceRecord(PriceTypeId("BASE"), ProductId("P"), day, Money(0, "RUB"))
        register_price(uow, free)  # zero is a price: a free item
        assert uow.price_register.history(PriceTypeId("BASE"), ProductId("P")) == [free]


def test_an_empty_characteristic_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="characteristic must be a non-empty name"):
        PriceRecord(PriceTypeId("T"), ProductId("P"), date(2026, 1, 1), Money(1, "RUB"), " ")
