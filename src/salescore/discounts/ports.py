"""Repositories the discounts context needs (implemented by the storage adapters).

Definitions, groups and limits are stored as entities; a whole rule set is
saved and loaded by the application service
:mod:`salescore.app.discount_rules`, which checks it first so that a broken
rule set is never stored.
"""

from __future__ import annotations

from typing import TypeAlias

from salescore.discounts.model import (
    Discount,
    DiscountGroup,
    DiscountId,
    GroupId,
    LimitId,
    ManualDiscountLimit,
)
from salescore.ports import Repository

__all__ = ["DiscountGroupRepository", "DiscountRepository", "ManualDiscountLimitRepository"]

DiscountRepository: TypeAlias = Repository[DiscountId, Discount]
DiscountGroupRepository: TypeAlias = Repository[GroupId, DiscountGroup]
ManualDiscountLimitRepository: TypeAlias = Repository[LimitId, ManualDiscountLimit]
