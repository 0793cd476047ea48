"""Discounts and markups (C1–C8): definitions, conditions, groups, limits, plugins.

See the "Discounts" concepts page for the combination rules with worked
numbers.

``LimitExcess`` was called ``Deviation`` here; that name now means only
:class:`salescore.agreements.Deviation`. The old spelling still imports,
with a :class:`DeprecationWarning`.
"""

import warnings
from typing import Any

from salescore.discounts.checks import check_rule_set, structure_issues
from salescore.discounts.combination import Child, TraceStep, combine
from salescore.discounts.conditions import (
    BUILTIN_CONDITIONS,
    ConditionContext,
    ConditionRegistry,
    DiscountCondition,
    Threshold,
    param_decimal,
    param_strings,
)
from salescore.discounts.engine import DiscountEngine
from salescore.discounts.model import (
    AmountBasis,
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountKind,
    DiscountRuleSet,
    GroupId,
    LimitId,
    ManualDiscountLimit,
    Mode,
)
from salescore.discounts.results import (
    DiscountEvidence,
    DocumentResult,
    GiftLine,
    LimitExcess,
    LimitPolicy,
    LineDiscount,
)
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine

__all__ = [
    "BUILTIN_CONDITIONS",
    "AmountBasis",
    "Child",
    "Combination",
    "ConditionContext",
    "ConditionExpr",
    "ConditionRegistry",
    "Discount",
    "DiscountCondition",
    "DiscountEngine",
    "DiscountEvidence",
    "DiscountGroup",
    "DiscountId",
    "DiscountKind",
    "DiscountRuleSet",
    "DocumentFacts",
    "DocumentResult",
    "GiftLine",
    "GroupId",
    "LimitExcess",
    "LimitId",
    "LimitPolicy",
    "LineDiscount",
    "ManualDiscountLimit",
    "Mode",
    "SaleContext",
    "SaleLine",
    "Threshold",
    "TraceStep",
    "check_rule_set",
    "combine",
    "param_decimal",
    "param_strings",
    "structure_issues",
]


def __getattr__(name: str) -> Any:
    if name == "Deviation":
        warnings.warn(
            "salescore.discounts.Deviation is now salescore.discounts.LimitExcess "
            "(Deviation means salescore.agreements.Deviation); import LimitExcess",
            DeprecationWarning,
            stacklevel=2,
        )
        return LimitExcess
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
