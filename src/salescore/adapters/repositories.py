"""The repositories one unit of work gives, whatever the storage adapter.

Each adapter supplies a :class:`Backend` that builds repositories for
collections; :class:`Repositories` names them with their port types, so the
application code and its type checker see the same surface on every adapter.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from salescore.adapters import collections as c
from salescore.agreements.ports import (
    AgreementRepository,
    ApprovalRepository,
    ContractRepository,
)
from salescore.discounts.ports import (
    DiscountGroupRepository,
    DiscountRepository,
    ManualDiscountLimitRepository,
)
from salescore.parties.ports import (
    ClientSegmentRepository,
    ContactRepository,
    CounterpartyRepository,
    NomenclatureSegmentRepository,
    OrganizationRepository,
    PartnerRepository,
    PriceGroupRepository,
    ProductRepository,
    RelationRepository,
    WarehouseRepository,
)
from salescore.ports import Repository
from salescore.pricing.ports import PriceRegister, PriceTypeRepository
from salescore.receivables.ports import (
    CreditLimitRepository,
    CreditOverrideRepository,
    OrderScheduleRepository,
    ScheduleTemplateRepository,
    SettlementLedgerRepository,
)
from salescore.reservation.ports import StockLedger

__all__ = ["Backend", "Repositories"]

T = TypeVar("T")


class Backend(Protocol):
    """What an adapter provides to build the repositories of one unit of work."""

    def documents(self, collection: c.Collection[T]) -> Repository[Any, T]:
        """A repository keeping ``collection``'s entities as documents."""
        ...

    def open_price_register(self) -> PriceRegister:
        """The price register of this unit of work."""
        ...

    def open_settlement_ledger(self) -> SettlementLedgerRepository:
        """The settlement ledger of this unit of work."""
        ...

    def open_stock_ledger(self) -> StockLedger:
        """The reservation ledger of this unit of work."""
        ...


class Repositories:
    """Every repository, as attributes named after the collections."""

    def __init__(self, backend: Backend) -> None:
        # parties
        self.partners: PartnerRepository = backend.documents(c.PARTNERS)
        self.counterparties: CounterpartyRepository = backend.documents(c.COUNTERPARTIES)
        self.organizations: OrganizationRepository = backend.documents(c.ORGANIZATIONS)
        self.contacts: ContactRepository = backend.documents(c.CONTACTS)
        self.relations: RelationRepository = backend.documents(c.RELATIONS)
        self.client_segments: ClientSegmentRepository = backend.documents(c.CLIENT_SEGMENTS)
        self.nomenclature_segments: NomenclatureSegmentRepository = backend.documents(
            c.NOMENCLATURE_SEGMENTS
        )
        self.price_groups: PriceGroupRepository = backend.documents(c.PRICE_GROUPS)
        self.products: ProductRepository = backend.documents(c.PRODUCTS)
        self.warehouses: WarehouseRepository = backend.documents(c.WAREHOUSES)
        # agreements
        self.agreements: AgreementRepository = backend.documents(c.AGREEMENT_RECORDS)
        self.contracts: ContractRepository = backend.documents(c.CONTRACTS)
        self.approvals: ApprovalRepository = backend.documents(c.APPROVALS)
        # pricing
        self.price_types: PriceTypeRepository = backend.documents(c.PRICE_TYPES)
        self.price_register: PriceRegister = backend.open_price_register()
        # receivables
        self.schedule_templates: ScheduleTemplateRepository = backend.documents(
            c.SCHEDULE_TEMPLATES
        )
        self.order_schedules: OrderScheduleRepository = backend.documents(c.ORDER_SCHEDULES)
        self.credit_limits: CreditLimitRepository = backend.documents(c.CREDIT_LIMITS)
        self.credit_overrides: CreditOverrideRepository = backend.documents(c.CREDIT_OVERRIDES)
        self.settlements: SettlementLedgerRepository = backend.open_settlement_ledger()
        # reservation
        self.stock_ledger: StockLedger = backend.open_stock_ledger()
        # discounts
        self.discounts: DiscountRepository = backend.documents(c.DISCOUNT_DEFINITIONS)
        self.discount_groups: DiscountGroupRepository = backend.documents(c.DISCOUNT_GROUPS)
        self.manual_discount_limits: ManualDiscountLimitRepository = backend.documents(
            c.MANUAL_DISCOUNT_LIMITS
        )
