"""The plugin author's kit: strategies that build valid values, a clear error without hypothesis."""

from __future__ import annotations

import importlib
import sys

import pytest
from hypothesis import given

from salescore.errors import SalescoreError
from salescore.money import KG, Money, Quantity
from salescore.testing.strategies import money, quantities


@given(money("JPY"), money("KWD", min_units=-5, max_units=5))
def test_money_has_whole_minor_units_of_its_currency(yen: Money, dinars: Money) -> None:
    assert yen.amount == yen.amount.to_integral_value()
    assert yen.currency.code == "JPY"
    assert abs(dinars.minor_units) <= 5
    assert dinars.amount.as_tuple().exponent == -3


@given(quantities(KG, max_value=2))
def test_quantities_are_positive_with_the_units_decimals(quantity: Quantity) -> None:
    assert 0 < quantity.value <= 2
    assert quantity.unit is KG
    assert quantity.value == quantity.value.quantize(KG_STEP)


KG_STEP = Quantity("0.001", KG).value


def test_without_hypothesis_the_strategies_module_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "salescore.testing.strategies")
    with pytest.raises(SalescoreError, match=r"needs hypothesis.*pip install"):
        importlib.import_module("salescore.testing.strategies")
