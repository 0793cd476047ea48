"""Partners, counterparties, organizations, contacts, segments, products, warehouses.

A *partner* [партнер] is the business relation seen by management: a client,
a supplier, a competitor, a group of companies. A *counterparty*
[контрагент] is the legal entity or individual that signs documents and is
seen by regulated accounting; one partner has many counterparties. Sales,
debt and history are reported per partner and per counterparty (A1).

>>> acme = Partner(PartnerId("P1"), "Acme group", kinds=frozenset({PartnerKind.CLIENT}))
>>> acme.is_client
True
>>> Counterparty(CounterpartyId("C1"), PartnerId("P1"), "Acme LLC", LegalForm.LEGAL_ENTITY,
...              tax_id="7707083893").tax_id
'7707083893'
>>> Counterparty(CounterpartyId("C2"), PartnerId("P1"), "Acme LLC", LegalForm.LEGAL_ENTITY,
...              tax_id="7707083890")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: counterparty 'C2': tax id (INN) '7707083890' has a wrong ...
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import NewType

import attrs

from salescore._validation import non_empty_text
from salescore.errors import InvalidInputError
from salescore.money import PIECE, Unit, to_decimal
from salescore.tax import VatCategory

__all__ = [
    "ContactId",
    "ContactPerson",
    "Counterparty",
    "CounterpartyId",
    "LegalForm",
    "Organization",
    "OrganizationId",
    "Partner",
    "PartnerId",
    "PartnerKind",
    "PartnerRelation",
    "PriceGroup",
    "PriceGroupId",
    "Product",
    "ProductId",
    "RelationKind",
    "Warehouse",
    "WarehouseId",
    "check_inn",
]

PartnerId = NewType("PartnerId", str)
CounterpartyId = NewType("CounterpartyId", str)
OrganizationId = NewType("OrganizationId", str)
ContactId = NewType("ContactId", str)
ProductId = NewType("ProductId", str)
PriceGroupId = NewType("PriceGroupId", str)
WarehouseId = NewType("WarehouseId", str)


_non_empty = non_empty_text()


def _str_map(value: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()}


class PartnerKind(enum.Enum):
    """The roles a partner plays; one partner may play several."""

    CLIENT = "client"
    SUPPLIER = "supplier"
    COMPETITOR = "competitor"
    OTHER = "other"


@attrs.frozen
class Partner:
    """A business relation [партнер].

    Attributes:
        id: the partner's id.
        name: the name people use.
        kinds: the roles (client, supplier, competitor, other).
        parent_id: the head of a group of companies this partner belongs to.
        manager: the responsible manager (a user name).
        attributes: free key/value data that segment rules can match
            (region, channel, size …).
    """

    id: PartnerId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kinds: frozenset[PartnerKind] = frozenset({PartnerKind.CLIENT})
    parent_id: PartnerId | None = None
    manager: str | None = None
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_str_map, hash=False)

    @property
    def is_client(self) -> bool:
        """True if the partner buys from us."""
        return PartnerKind.CLIENT in self.kinds


class LegalForm(enum.Enum):
    """What kind of person a counterparty is."""

    LEGAL_ENTITY = "legal_entity"
    INDIVIDUAL_ENTREPRENEUR = "individual_entrepreneur"
    INDIVIDUAL = "individual"


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def check_inn(inn: str) -> bool:
    """True if ``inn`` is a Russian taxpayer number with valid check digits.

    Ten digits for organizations, twelve for individuals.

    >>> check_inn("7707083893"), check_inn("500100732259"), check_inn("500100732250")
    (True, True, False)
    """
    if not inn.isdigit() or not inn.isascii():
        return False
    if len(inn) == 10:
        return _inn_digit(inn, _INN10) == int(inn[9])
    if len(inn) == 12:
        return _inn_digit(inn, _INN11) == int(inn[10]) and _inn_digit(inn, _INN12) == int(inn[11])
    return False


def _validate_tax_ids(
    kind: str, ident: str, country: str, tax_id: str | None, kpp: str | None
) -> None:
    if country != "RU":
        return
    if tax_id is not None:
        if not tax_id.isdigit() or len(tax_id) not in (10, 12):
            raise InvalidInputError(
                f"{kind} {ident!r}: tax id (INN) {tax_id!r} must be 10 digits (organization) "
                "or 12 digits (individual)",
                value=tax_id,
            )
        if not check_inn(tax_id):
            raise InvalidInputError(
                f"{kind} {ident!r}: tax id (INN) {tax_id!r} has a wrong check digit",
                value=tax_id,
            )
    if kpp is not None and (len(kpp) != 9 or not kpp[:4].isdigit()):
        raise InvalidInputError(
            f"{kind} {ident!r}: registration reason code (KPP) {kpp!r} must be 9 characters, "
            "the first four digits",
            value=kpp,
        )


@attrs.frozen
class Counterparty:
    """A legal entity or individual that signs documents [контрагент].

    Attributes:
        tax_id: the taxpayer number (INN in Russia), checked when ``country`` is RU.
        kpp: the registration reason code of a Russian organization.
    """

    id: CounterpartyId = attrs.field(validator=_non_empty)
    partner_id: PartnerId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    legal_form: LegalForm = LegalForm.LEGAL_ENTITY
    tax_id: str | None = None
    kpp: str | None = None
    country: str = "RU"

    def __attrs_post_init__(self) -> None:
        _validate_tax_ids("counterparty", self.id, self.country, self.tax_id, self.kpp)
        if self.kpp is not None and self.legal_form is not LegalForm.LEGAL_ENTITY:
            raise InvalidInputError(
                f"counterparty {self.id!r}: only a legal entity has a KPP; remove it or "
                "change the legal form"
            )


@attrs.frozen
class Organization:
    """One of our own legal entities, the seller on documents [организация]."""

    id: OrganizationId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    tax_id: str | None = None
    kpp: str | None = None
    country: str = "RU"

    def __attrs_post_init__(self) -> None:
        _validate_tax_ids("organization", self.id, self.country, self.tax_id, self.kpp)


@attrs.frozen
class ContactPerson:
    """A person at a partner we talk to [контактное лицо]."""

    id: ContactId = attrs.field(validator=_non_empty)
    partner_id: PartnerId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    role: str = ""
    phone: str = ""
    email: str = ""


class RelationKind(enum.Enum):
    """How one partner relates to another."""

    HOLDING = "holding"
    """``from`` owns ``to``."""
    SUBSIDIARY = "subsidiary"
    """``from`` is owned by ``to``."""
    INFLUENCER = "influencer"
    """``from`` influences ``to``'s buying decisions."""
    COMPETITOR_OF = "competitor_of"
    """``from`` competes with ``to``."""
    OTHER = "other"


@attrs.frozen
class PartnerRelation:
    """A typed, directed relation between two partners."""

    id: str = attrs.field(validator=_non_empty)
    from_partner: PartnerId = attrs.field(validator=_non_empty)
    to_partner: PartnerId = attrs.field(validator=_non_empty)
    kind: RelationKind = RelationKind.OTHER
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        if self.from_partner == self.to_partner:
            raise InvalidInputError(
                f"relation {self.id!r}: a partner cannot be related to itself "
                f"({self.from_partner!r})"
            )


@attrs.frozen
class PriceGroup:
    """Products priced alike [ценовая группа]; formulas and discounts refine per group."""

    id: PriceGroupId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)


def _vat_category(value: object) -> VatCategory:
    try:
        return VatCategory(value)
    except ValueError:
        raise InvalidInputError(
            f"unknown VAT category {value!r}: use one of "
            + ", ".join(repr(c.value) for c in VatCategory),
            value=value,
        ) from None


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, "measure")


@attrs.frozen
class Product:
    """An item of the nomenclature [номенклатура]: goods or a service.

    Attributes:
        vat_category: the VAT category [ставка НДС] a sale of the product is
            taxed by; the rate comes from the VAT table on the document's date
            (:class:`salescore.tax.VatRateTable`), so a rate change needs no
            product edit. Sales, and price formulas that add or take out VAT
            (``vat_rate`` in a formula), use the rate in force on their date.
        price_group_id: the price group, if any.
        weight_kg, volume_m3: per unit, for delivery planning.
        category: a free classification used by segment rules.
    """

    id: ProductId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    sku: str = ""
    unit: Unit = PIECE
    price_group_id: PriceGroupId | None = None
    # Keyword-only from here: the removed ``vat_rate`` stood before them, so an old
    # positional call fails loudly instead of shifting its values one field on.
    weight_kg: Decimal | None = attrs.field(default=None, converter=_optional_decimal, kw_only=True)
    volume_m3: Decimal | None = attrs.field(default=None, converter=_optional_decimal, kw_only=True)
    is_service: bool = attrs.field(default=False, kw_only=True)
    category: str = attrs.field(default="", kw_only=True)
    attributes: Mapping[str, str] = attrs.field(
        factory=dict, converter=_str_map, hash=False, kw_only=True
    )
    vat_category: VatCategory = attrs.field(
        default=VatCategory.GENERAL, converter=_vat_category, kw_only=True
    )


@attrs.frozen
class Warehouse:
    """A place stock is kept; a store is a retail warehouse [склад, магазин]."""

    id: WarehouseId = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    organization_id: OrganizationId | None = None
    is_store: bool = False
