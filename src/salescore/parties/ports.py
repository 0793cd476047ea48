"""Repositories the parties context needs (implemented by the storage adapters)."""

from __future__ import annotations

from typing import TypeAlias

from salescore.parties.banking import BankAccount, BankAccountId
from salescore.parties.model import (
    ContactPerson,
    Counterparty,
    CounterpartyId,
    Organization,
    OrganizationId,
    Partner,
    PartnerId,
    PartnerRelation,
    PriceGroup,
    PriceGroupId,
    Product,
    ProductId,
    Warehouse,
    WarehouseId,
)
from salescore.parties.segments import ClientSegment, NomenclatureSegment, SegmentId
from salescore.ports import Repository

__all__ = [
    "BankAccountRepository",
    "ClientSegmentRepository",
    "ContactRepository",
    "CounterpartyRepository",
    "NomenclatureSegmentRepository",
    "OrganizationRepository",
    "PartnerRepository",
    "PriceGroupRepository",
    "ProductRepository",
    "RelationRepository",
    "WarehouseRepository",
]

PartnerRepository: TypeAlias = Repository[PartnerId, Partner]
CounterpartyRepository: TypeAlias = Repository[CounterpartyId, Counterparty]
OrganizationRepository: TypeAlias = Repository[OrganizationId, Organization]
ContactRepository: TypeAlias = Repository[str, ContactPerson]
RelationRepository: TypeAlias = Repository[str, PartnerRelation]
ClientSegmentRepository: TypeAlias = Repository[SegmentId, ClientSegment]
NomenclatureSegmentRepository: TypeAlias = Repository[SegmentId, NomenclatureSegment]
PriceGroupRepository: TypeAlias = Repository[PriceGroupId, PriceGroup]
ProductRepository: TypeAlias = Repository[ProductId, Product]
WarehouseRepository: TypeAlias = Repository[WarehouseId, Warehouse]
BankAccountRepository: TypeAlias = Repository[BankAccountId, BankAccount]
