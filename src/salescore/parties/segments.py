"""Client segments and nomenclature segments (A3).

A segment is either an explicit list of members or a rule over the members'
fields; a rule is a conjunction of :class:`Criterion` values, each naming a
field and the values it may take. Rules are data, so they can be stored,
shown and checked; no code is evaluated.

>>> from salescore.parties.model import Partner, PartnerId, Product, ProductId
>>> wholesale = ClientSegment("wholesale", "Wholesale",
...     rule=(Criterion("attributes.channel", frozenset({"wholesale"})),))
>>> wholesale.contains(Partner(PartnerId("P1"), "Acme", attributes={"channel": "wholesale"}))
True
>>> coffee = NomenclatureSegment("coffee", "Coffee machines",
...     rule=(Criterion("category", frozenset({"coffee"})),))
>>> coffee.contains(Product(ProductId("CM-1"), "Coffee maker", category="coffee"))
True
"""

from __future__ import annotations

import enum
from typing import NewType

import attrs

from salescore.errors import InvalidInputError
from salescore.parties.model import Partner, PartnerId, Product, ProductId

__all__ = [
    "ClientSegment",
    "Criterion",
    "NomenclatureSegment",
    "SegmentId",
    "SegmentKind",
]

SegmentId = NewType("SegmentId", str)

_PARTNER_FIELDS = frozenset({"id", "name", "kinds", "parent_id", "manager"})
_PRODUCT_FIELDS = frozenset(
    {"id", "name", "sku", "price_group_id", "vat_category", "is_service", "category", "unit"}
)


class SegmentKind(enum.Enum):
    """How membership is decided."""

    LIST = "list"
    RULE = "rule"


@attrs.frozen
class Criterion:
    """``field`` must take one of ``values``.

    ``field`` is an attribute name (``category``, ``manager``, ``kinds``) or
    ``attributes.<key>`` for free attributes. For set-valued fields such as
    ``kinds`` the criterion holds when any member is among ``values``. Values
    are compared as text (enum values, ids, ``"True"``).
    """

    field: str
    values: frozenset[str]

    def holds(self, entity: object) -> bool:
        """True if ``entity`` satisfies the criterion."""
        if self.field.startswith("attributes."):
            attributes = getattr(entity, "attributes", {})
            value = attributes.get(self.field.removeprefix("attributes."))
            return value is not None and value in self.values
        raw = getattr(entity, self.field, None)
        if isinstance(raw, frozenset):
            return any(_text(item) in self.values for item in raw)
        return raw is not None and _text(raw) in self.values


def _text(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    code = getattr(value, "code", None)
    return str(code) if isinstance(code, str) else str(value)


def _check_rule(kind: str, ident: str, rule: tuple[Criterion, ...], known: frozenset[str]) -> None:
    for criterion in rule:
        if not criterion.field.startswith("attributes.") and criterion.field not in known:
            raise InvalidInputError(
                f"{kind} {ident!r}: unknown field {criterion.field!r} in rule; use one of "
                f"{', '.join(sorted(known))} or attributes.<key>",
                value=criterion.field,
            )
        if not criterion.values:
            raise InvalidInputError(
                f"{kind} {ident!r}: criterion on {criterion.field!r} allows no value"
            )


@attrs.frozen
class ClientSegment:
    """A group of clients [сегмент партнеров]: wholesale, distributors, retail chains…

    Give either ``members`` (an explicit list) or ``rule`` (criteria that all hold).
    """

    id: SegmentId
    name: str
    members: frozenset[PartnerId] = frozenset()
    rule: tuple[Criterion, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.members and self.rule:
            raise InvalidInputError(
                f"client segment {self.id!r}: give either members or a rule, not both"
            )
        _check_rule("client segment", self.id, self.rule, _PARTNER_FIELDS)

    @property
    def kind(self) -> SegmentKind:
        """List or rule."""
        return SegmentKind.RULE if self.rule else SegmentKind.LIST

    def contains(self, partner: Partner) -> bool:
        """True if ``partner`` belongs to the segment."""
        if self.rule:
            return all(c.holds(partner) for c in self.rule)
        return partner.id in self.members


@attrs.frozen
class NomenclatureSegment:
    """A group of products [сегмент номенклатуры]; agreements and discounts target them."""

    id: SegmentId
    name: str
    members: frozenset[ProductId] = frozenset()
    rule: tuple[Criterion, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.members and self.rule:
            raise InvalidInputError(
                f"nomenclature segment {self.id!r}: give either members or a rule, not both"
            )
        _check_rule("nomenclature segment", self.id, self.rule, _PRODUCT_FIELDS)

    @property
    def kind(self) -> SegmentKind:
        """List or rule."""
        return SegmentKind.RULE if self.rule else SegmentKind.LIST

    def contains(self, product: Product) -> bool:
        """True if ``product`` belongs to the segment."""
        if self.rule:
            return all(c.holds(product) for c in self.rule)
        return product.id in self.members
