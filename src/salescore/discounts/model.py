"""Discount definitions, groups, manual-discount limits and the rule set.

A *discount* [скидка] or *markup* [наценка] is a definition: what it gives
(a percent, an amount per unit, per line or per document, a gift of another
product, or free units of the same product), when it applies (a
:class:`ConditionExpr` tree of named conditions combined with ``all`` /
``any`` / ``not``) and whether it applies by itself (*automatic*) or only
when a manager chooses it (*manual*).

Definitions sit in a tree of :class:`DiscountGroup` values; each group
combines what applies inside it by one :class:`Combination` rule
[совместное применение]. A :class:`DiscountRuleSet` is the whole tree with
its manual-discount limits.

>>> from decimal import Decimal
>>> five = Discount("D5", "Five percent", DiscountKind.PERCENT, Decimal(5))
>>> fifth_free = Discount("FREE5", "Fifth is free", DiscountKind.FREE_UNITS,
...                       buy_quantity=4, free_quantity=1)
>>> root = DiscountGroup("ROOT", "All", Combination.MAX, ("D5", "FREE5"))
>>> rules = DiscountRuleSet([five, fifth_free], [root])
>>> rules.root.id, [d.id for d in rules.discounts]
('ROOT', ['D5', 'FREE5'])
>>> Discount("X", "Broken", DiscountKind.PERCENT, Decimal(120))
Traceback (most recent call last):
...
salescore.errors.DiscountError: discount 'X': a percent must be in 0..100, got 120
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any, NewType

import attrs

from salescore._validation import non_empty_text
from salescore.errors import DiscountError
from salescore.money import to_decimal
from salescore.parties import PriceGroupId, ProductId

__all__ = [
    "AmountBasis",
    "Combination",
    "ConditionExpr",
    "Discount",
    "DiscountGroup",
    "DiscountId",
    "DiscountKind",
    "DiscountRuleSet",
    "GroupId",
    "LimitId",
    "ManualDiscountLimit",
    "Mode",
]

DiscountId = NewType("DiscountId", str)
GroupId = NewType("GroupId", str)
LimitId = NewType("LimitId", str)


class DiscountKind(enum.Enum):
    """What a discount gives (C3)."""

    PERCENT = "percent"
    """A percent of the line amount (of what remains, inside ``multiply``)."""
    AMOUNT = "amount"
    """A fixed amount per unit, per line or per document (see :class:`AmountBasis`)."""
    GIFT = "gift"
    """Another product free, for a quantity bought [подарок]."""
    FREE_UNITS = "free_units"
    """Free units of the same product: "buy four, the fifth is free"."""


class AmountBasis(enum.Enum):
    """What a fixed amount is counted per."""

    UNIT = "unit"
    LINE = "line"
    DOCUMENT = "document"
    """Spread over the document's matching lines with :func:`~salescore.money.allocate`."""


class Mode(enum.Enum):
    """Automatic discounts apply by themselves; manual ones when a manager picks them (C1)."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class Combination(enum.Enum):
    """How a group combines the results of its children (C6).

    Every child is first turned into an amount on the group's current base;
    a markup is a negative discount amount. See the "Discounts" docs page.
    """

    MAX = "max"
    """The largest discount (the most favourable to the client) wins."""
    MIN = "min"
    """The smallest discount wins."""
    MULTIPLY = "multiply"
    """Children apply one after another, each on what the previous left."""
    ADD = "add"
    """Children's amounts, each on the same base, are summed."""
    DISPLACE = "displace"
    """Only the applicable child with the highest priority applies [вытеснение]."""


def _decimal(value: object) -> Decimal:
    return to_decimal(value, "value")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "value")


def _decimal_map(value: Mapping[str, object]) -> dict[PriceGroupId, Decimal]:
    return {PriceGroupId(str(k)): to_decimal(v, "value") for k, v in value.items()}


def _plain(value: Any) -> Any:
    # Parameters are kept as the plain data a file or a JSON document holds, so
    # a stored rule reads back equal: decimals and dates become text.
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, float):
        raise DiscountError(f"parameter value {value!r} is a float: write it as a string")
    return str(value)


def _params(value: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): _plain(v) for k, v in value.items()}


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _exprs(value: Iterable[ConditionExpr]) -> tuple[ConditionExpr, ...]:
    return tuple(value)


@attrs.frozen
class ConditionExpr:
    """A condition tree: a named condition with parameters, or ``all``/``any``/``not`` of others.

    Stored rules name a condition by its registry name (``"warehouse"``),
    never by a class path; the parameters are plain data (strings, numbers,
    lists), as written in a rule-set file.

    >>> c = ConditionExpr.all_of(ConditionExpr.leaf("warehouse", warehouses=["MAIN"]),
    ...                          ConditionExpr.leaf("payment_form", forms=["cash"]))
    >>> str(c)
    "all(warehouse(warehouses=['MAIN']), payment_form(forms=['cash']))"
    """

    op: str = attrs.field(validator=attrs.validators.in_(("cond", "all", "any", "not")))
    name: str = ""
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_params, hash=False)
    children: tuple[ConditionExpr, ...] = attrs.field(default=(), converter=_exprs)

    def __attrs_post_init__(self) -> None:
        if self.op == "cond" and not self.name:
            raise DiscountError("a condition needs a name (e.g. 'warehouse')")
        if self.op == "not" and len(self.children) != 1:
            raise DiscountError("'not' takes exactly one condition")
        if self.op in ("all", "any") and not self.children:
            raise DiscountError(f"'{self.op}' needs at least one condition")

    @classmethod
    def leaf(cls, name: str, **params: Any) -> ConditionExpr:
        """The condition registered as ``name`` with ``params``."""
        return cls("cond", name, params)

    @classmethod
    def all_of(cls, *children: ConditionExpr) -> ConditionExpr:
        """Holds when every child holds."""
        return cls("all", children=children)

    @classmethod
    def any_of(cls, *children: ConditionExpr) -> ConditionExpr:
        """Holds when at least one child holds."""
        return cls("any", children=children)

    @classmethod
    def negate(cls, child: ConditionExpr) -> ConditionExpr:
        """Holds when ``child`` does not."""
        return cls("not", children=(child,))

    def leaves(self) -> Iterable[ConditionExpr]:
        """Every named condition in the tree, depth first."""
        if self.op == "cond":
            yield self
        for child in self.children:
            yield from child.leaves()

    def __str__(self) -> str:
        if self.op == "cond":
            args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
            return f"{self.name}({args})"
        return f"{self.op}({', '.join(str(c) for c in self.children)})"


_non_empty = non_empty_text(DiscountError)


@attrs.frozen
class Discount:
    """A discount or markup definition (C1, C3, C4).

    Attributes:
        id: the rule's id, referenced by groups, scopes and limits.
        name: the name managers see.
        kind: percent, amount, gift or free units.
        value: the percent (0..100) or the amount; unused for gifts and free units.
        basis: for amounts: per unit, per line or per document.
        markup: True for a markup [наценка] (raises the price).
        mode: automatic, or manual (applies only when chosen).
        priority: higher wins in ``displace`` and goes first in ``multiply``.
        condition: when it applies; ``None`` means always.
        price_group_values: the value refined per price group (C4).
        gift_product_id, gift_quantity: the gift, for every ``buy_quantity``
            units bought on lines where the condition holds.
        buy_quantity, free_quantity: for gifts and free units ("buy 4, 1 free").
        valid_from, valid_to: dates the rule is in force (inclusive).
    """

    id: DiscountId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kind: DiscountKind = DiscountKind.PERCENT
    value: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    basis: AmountBasis = AmountBasis.LINE
    markup: bool = False
    mode: Mode = Mode.AUTOMATIC
    priority: int = 0
    condition: ConditionExpr | None = None
    price_group_values: Mapping[PriceGroupId, Decimal] = attrs.field(
        factory=dict, converter=_decimal_map, hash=False
    )
    gift_product_id: ProductId | None = None
    gift_quantity: Decimal = attrs.field(default=Decimal(1), converter=_decimal)
    buy_quantity: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    free_quantity: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    valid_from: date | None = None
    valid_to: date | None = None

    def __attrs_post_init__(self) -> None:
        where = f"discount {self.id!r}"
        values = [self.value, *self.price_group_values.values()]
        if self.kind is DiscountKind.PERCENT:
            bad = [v for v in values if not Decimal(0) <= v <= Decimal(100)]
            if bad:
                raise DiscountError(f"{where}: a percent must be in 0..100, got {bad[0]}")
        elif any(v < 0 for v in values):
            raise DiscountError(f"{where}: a value cannot be negative; use markup=true instead")
        if self.kind is DiscountKind.GIFT:
            if not self.gift_product_id:
                raise DiscountError(f"{where}: a gift needs gift_product_id")
            if self.buy_quantity <= 0 or self.gift_quantity <= 0:
                raise DiscountError(f"{where}: a gift needs buy_quantity > 0 and gift_quantity > 0")
            if self.markup:
                raise DiscountError(f"{where}: a gift cannot be a markup")
        if self.kind is DiscountKind.FREE_UNITS:
            if self.buy_quantity <= 0 or self.free_quantity <= 0:
                raise DiscountError(
                    f"{where}: free units need buy_quantity > 0 and free_quantity > 0 "
                    "(buy 4, 1 free: buy_quantity=4, free_quantity=1)"
                )
            if self.markup:
                raise DiscountError(f"{where}: free units cannot be a markup")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise DiscountError(
                f"{where}: valid_from {self.valid_from} is after valid_to {self.valid_to}"
            )

    def value_for(self, price_group_id: PriceGroupId | None) -> Decimal:
        """The value, refined for ``price_group_id`` when the rule has a refinement."""
        if price_group_id is not None:
            return self.price_group_values.get(price_group_id, self.value)
        return self.value

    @property
    def is_manual(self) -> bool:
        """True for a manual discount."""
        return self.mode is Mode.MANUAL

    def describe(self) -> str:
        """A one-line description: ``"5% discount"``, ``"100 per unit markup"``."""
        what = "markup" if self.markup else "discount"
        if self.is_manual and not self.value and self.kind is not DiscountKind.GIFT:
            unit = "percent" if self.kind is DiscountKind.PERCENT else "amount"
            return f"manual {unit} {what}, typed by the manager"
        if self.kind is DiscountKind.PERCENT:
            return f"{self.value}% {what}"
        if self.kind is DiscountKind.AMOUNT:
            return f"{self.value} per {self.basis.value} {what}"
        if self.kind is DiscountKind.GIFT:
            return (
                f"gift of {self.gift_quantity} x {self.gift_product_id} "
                f"for every {self.buy_quantity} bought"
            )
        return f"buy {self.buy_quantity}, get {self.free_quantity} free"


@attrs.frozen
class DiscountGroup:
    """A node of the discount tree: combines its children by one rule (C6).

    Attributes:
        children: ids of discounts and groups, in the order they are declared
            (ties of priority are broken by this order).
        priority: the group's priority when its parent is ``displace`` or ``multiply``.
    """

    id: GroupId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    combination: Combination = Combination.MAX
    children: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    priority: int = 0


@attrs.frozen
class ManualDiscountLimit:
    """The largest manual discount (and markup) a manager or an agreement allows (C7).

    Exactly one of ``user`` and ``agreement_id`` is set. The percent may be
    refined per price group. Manual markups are limited the same way
    [ограничения ручных скидок (наценок)]: ``markup_percent`` is the largest
    manual markup, refined per price group by ``markup_price_group_percents``;
    None means this limit does not limit markups.
    """

    id: LimitId = attrs.field(validator=_non_empty)
    percent: Decimal = attrs.field(converter=_decimal)
    user: str | None = None
    agreement_id: str | None = None
    price_group_percents: Mapping[PriceGroupId, Decimal] = attrs.field(
        factory=dict, converter=_decimal_map, hash=False
    )
    markup_percent: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    markup_price_group_percents: Mapping[PriceGroupId, Decimal] = attrs.field(
        factory=dict, converter=_decimal_map, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if (self.user is None) == (self.agreement_id is None):
            raise DiscountError(
                f"limit {self.id!r}: set exactly one of user and agreement_id",
                limit=self.id,
            )
        for value in (self.percent, *self.price_group_percents.values()):
            if not Decimal(0) <= value <= Decimal(100):
                raise DiscountError(f"limit {self.id!r}: a percent must be in 0..100, got {value}")
        markups = [*self.markup_price_group_percents.values()]
        if self.markup_percent is not None:
            markups.append(self.markup_percent)
        for value in markups:
            if value < 0:
                raise DiscountError(
                    f"limit {self.id!r}: a markup limit cannot be negative, got {value}",
                    limit=self.id,
                )

    def percent_for(self, price_group_id: PriceGroupId | None) -> Decimal:
        """The limit for a line of ``price_group_id``."""
        if price_group_id is not None:
            return self.price_group_percents.get(price_group_id, self.percent)
        return self.percent

    def markup_percent_for(self, price_group_id: PriceGroupId | None) -> Decimal | None:
        """The markup limit for a line of ``price_group_id`` (None: markups not limited here)."""
        if price_group_id is not None:
            return self.markup_price_group_percents.get(price_group_id, self.markup_percent)
        return self.markup_percent


def _discounts(value: Iterable[Discount]) -> tuple[Discount, ...]:
    return tuple(value)


def _groups(value: Iterable[DiscountGroup]) -> tuple[DiscountGroup, ...]:
    return tuple(value)


def _limits(value: Iterable[ManualDiscountLimit]) -> tuple[ManualDiscountLimit, ...]:
    return tuple(value)


@attrs.frozen
class DiscountRuleSet:
    """Discount definitions, their group tree and manual limits.

    The root is the one group no other group lists as a child; structural
    problems (cycles, unknown ids, several roots) are reported by
    :func:`salescore.discounts.check_rule_set` and refused by the engine.
    """

    discounts: tuple[Discount, ...] = attrs.field(converter=_discounts)
    groups: tuple[DiscountGroup, ...] = attrs.field(converter=_groups)
    limits: tuple[ManualDiscountLimit, ...] = attrs.field(default=(), converter=_limits)

    def roots(self) -> list[DiscountGroup]:
        """Groups that no group lists as a child, in declaration order."""
        referenced = {child for g in self.groups for child in g.children}
        return [g for g in self.groups if g.id not in referenced]

    @property
    def root(self) -> DiscountGroup:
        """The root group; :class:`~salescore.errors.DiscountError` unless exactly one."""
        roots = self.roots()
        if len(roots) != 1:
            names = ", ".join(g.id for g in roots) or "none (every group is a child: a cycle)"
            raise DiscountError(
                f"the discount tree needs exactly one root group; found {names}",
                roots=tuple(g.id for g in roots),
            )
        return roots[0]

    def discount(self, discount_id: str) -> Discount:
        """The discount with ``discount_id``."""
        for item in self.discounts:
            if item.id == discount_id:
                return item
        raise DiscountError(f"no discount {discount_id!r} in the rule set")
