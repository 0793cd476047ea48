"""An example salescore plugin: the ``whole_packs`` discount condition.

It holds when the line's quantity is a whole number of packs of ``pack``
units (a pallet or box discount). It shows the plugin contract: a ``name``,
``parameters``, a validating ``from_params``, ``is_satisfied`` and
``describe``; ``why`` and ``thresholds`` are optional extras.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Self

from salescore.discounts import ConditionContext, Threshold, param_decimal
from salescore.errors import DiscountError

__all__ = ["WholePacks"]


class WholePacks:
    """The line's quantity is a positive multiple of ``pack``."""

    name: ClassVar[str] = "whole_packs"
    parameters: ClassVar[Mapping[str, str]] = {"pack": "units in one pack"}
    level: ClassVar[str] = "line"

    def __init__(self, pack: Decimal) -> None:
        self.pack = pack

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self:
        pack = param_decimal(cls.name, params, "pack")
        assert pack is not None
        if pack <= 0:
            raise DiscountError(f"condition 'whole_packs': pack must be positive, got {pack}")
        return cls(pack)

    def is_satisfied(self, ctx: ConditionContext) -> bool:
        if ctx.line is None:
            return False
        quantity = ctx.line.quantity.value
        return quantity > 0 and quantity % self.pack == 0

    def describe(self) -> str:
        return f"whole packs of {self.pack}"

    def why(self, ctx: ConditionContext) -> str:
        return "no line" if ctx.line is None else f"quantity is {ctx.line.quantity.value}"

    def thresholds(self) -> Iterable[Threshold]:
        yield Threshold("line_quantity", self.pack)
