"""Any priced order's frozen prices, stored and read back, explain exactly as when priced.

Random orders (known and unknown clients and products, named agreements,
hand prices, manual discounts within and above their limits, cards,
payment forms, dates before and after price changes; the sample discount
rules) are priced and frozen; the frozen prices are written in the storage
format (:mod:`salescore.adapters.frozen_prices`) and read back, and every
line explains itself as the pricer's line does, with the VAT step after it.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from tests.unit.orders.test_targeted_loading import MSK, _store, orders

from salescore.adapters.codec import dumps, loads
from salescore.app.orders import freeze_prices
from salescore.app.sales import PricingSession
from salescore.errors import SalescoreError
from salescore.orders import FrozenPrices, SaleOrder, SaleOrderLine
from salescore.parties import PartnerId, ProductId
from salescore.tax import russian_vat_rates


def _round_trip_explains_as_priced(kind: str, order: SaleOrder) -> bool | None:
    store = _store(kind)
    with store.unit_of_work(read_only=True) as uow:
        try:
            pricer = PricingSession().pricer(uow, [order])
            priced = pricer.price(order)
            frozen = freeze_prices(priced, pricer, order.on, russian_vat_rates())
        except SalescoreError:
            return None  # refused orders freeze nothing
    text = dumps(frozen)
    read = loads(text, FrozenPrices)
    assert read == frozen
    assert dumps(read) == text  # written again from what was read: the same text
    for line, frozen_line, read_line in zip(priced.lines, frozen.lines, read.lines, strict=True):
        expected = line.explain().steps
        assert read_line.explanation.steps[:-1] == expected
        assert read_line.explanation.subject == line.explain().subject
        assert read_line.explanation.steps[-1].description == "VAT"
        assert read_line.explanation == frozen_line.explanation
    assert read.explain() == frozen.explain()
    return True


@pytest.mark.slow  # 100 orders priced, written and read on two stores: seconds
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=orders())
def test_frozen_prices_read_back_explain_as_the_pricer_s_lines(kind: str, order: SaleOrder) -> None:
    _round_trip_explains_as_priced(kind, order)


def test_an_order_with_a_manual_discount_above_its_limit_reads_back_explained_the_same() -> None:
    # MANAGER 15 % is above the agreement's 7 % limit: a deviation; a hand price on line 2.
    order = SaleOrder(
        "SO-1",
        PartnerId("VOLGA-KZN"),
        datetime.combine(date(2026, 3, 12), time(10, tzinfo=MSK)),
        [
            SaleOrderLine("1", ProductId("CM-100"), "3", {"MANAGER": "15"}),
            SaleOrderLine("2", ProductId("GR-10"), "2", price=None),
            SaleOrderLine("3", ProductId("FILTERS"), "40"),
        ],
        card_kind="GOLD",
        payment_form="cash",
        user="ivanova",
    )
    assert _round_trip_explains_as_priced("sqlite", order) is True
