"""Discounts and markups (C1–C8): definitions, conditions, groups, limits, plugins.

See the "Discounts" concepts page for the combination rules with worked
numbers.
"""

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
from salescore.discounts.engine import (
    Deviation,
    DiscountEngine,
    DocumentResult,
    GiftLine,
    LimitPolicy,
    LineDiscount,
)
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
from salescore.discounts.sale import DocumentFacts, SaleContext, SaleLine

__all__ = [
    "BUILTIN_CONDITIONS",
    "AmountBasis",
    "Child",
    "Combination",
    "ConditionContext",
    "ConditionExpr",
    "ConditionRegistry",
    "Deviation",
    "Discount",
    "DiscountCondition",
    "DiscountEngine",
    "DiscountGroup",
    "DiscountId",
    "DiscountKind",
    "DiscountRuleSet",
    "DocumentFacts",
    "DocumentResult",
    "GiftLine",
    "GroupId",
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
