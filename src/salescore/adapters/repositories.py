"""The repositories one unit of work gives, whatever the storage adapter.

Each adapter supplies a :class:`Backend` that builds repositories for
collections; :class:`Repositories` names them with their port types, so the
application code and its type checker see the same surface on every adapter.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol, TypeVar

from salescore.adapters import collections as c
from salescore.agreements.ports import (
    AgreementRepository,
    ApprovalRepository,
    ContractRepository,
)
from salescore.crm.ports import (
    ClaimRepository,
    DealRepository,
    InteractionRepository,
    ProcessKindRepository,
    RepresentativeTaskRepository,
)
from salescore.delivery.ports import (
    CarrierChargeRepository,
    CarrierPaymentRepository,
    DeliveryAssignmentRepository,
    DeliveryChargeRepository,
    LogisticTermsRepository,
    TransportTaskRepository,
    VehicleRepository,
)
from salescore.discounts.ports import (
    DiscountGroupRepository,
    DiscountRepository,
    ManualDiscountLimitRepository,
)
from salescore.orders.ports import OrderRepository, QuoteRepository
from salescore.parties.ports import (
    BankAccountRepository,
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
from salescore.retail.ports import (
    CardKindRepository,
    CashShiftRepository,
    LoyaltyCardRepository,
    OutletRepository,
    RetailReceiptRepository,
    RetailReportRepository,
    TakingsRepository,
)
from salescore.selfservice.ports import (
    AuditRepository,
    LoginThrottleRepository,
    PurchasePlanRepository,
    SessionRepository,
    UserRepository,
)
from salescore.shipments.commission import AgentReturn, CommissionReport, CommissionTransfer
from salescore.shipments.corrections import ShipmentCorrection
from salescore.shipments.issues import GoodsIssue, GoodsReceipt
from salescore.shipments.ports import (
    AGENT_RETURNS,
    COMMISSION_REPORTS,
    COMMISSION_TRANSFERS,
    CORRECTIONS,
    GOODS_ISSUES,
    GOODS_RECEIPTS,
    PostedDocument,
    PostedDocumentRepository,
    PostedKind,
    ReturnRepository,
    ReturnRequestRepository,
    ShipmentRepository,
)

__all__ = ["Backend", "Repositories"]

T = TypeVar("T")
D = TypeVar("D", bound=PostedDocument)


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

    def open_quotes(self) -> QuoteRepository:
        """The commercial proposals of this unit of work."""
        ...

    def open_orders(self) -> OrderRepository:
        """The sales orders of this unit of work."""
        ...

    def open_shipments(self) -> ShipmentRepository:
        """The posted shipments of this unit of work."""
        ...

    def open_customer_returns(self) -> ReturnRepository:
        """The posted client returns of this unit of work."""
        ...

    def open_return_requests(self) -> ReturnRequestRepository:
        """The return requests of this unit of work."""
        ...

    def open_posted(self, kind: PostedKind[D]) -> PostedDocumentRepository[D]:
        """The posted documents of ``kind`` (corrections, goods issues, commission)."""
        ...

    def reference_revision(self) -> str:
        """The token of the reference data (see :meth:`Repositories.reference_revision`)."""
        ...


class Repositories:
    """Every repository, as attributes named after the collections.

    Each repository is built on first use and kept for the unit of work, so a
    unit of work that touches one ledger does not pay for the others.
    """

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def reference_revision(self) -> str:
        """A token of the reference data as this unit of work sees it.

        The reference data are the collections of
        :data:`salescore.adapters.collections.REFERENCE` (partners, client and
        nomenclature segments, agreements, price types, discounts, discount
        groups, manual discount limits). Any write to them, through this unit of
        work, another one, another store object or another process, gives a
        token never given before; while the token is the same, so are they. A
        :class:`~salescore.app.sales.PricingSession` keeps what it read of them
        under this token. One cheap read (a row of one table).
        """
        return self._backend.reference_revision()

    # parties

    @cached_property
    def partners(self) -> PartnerRepository:
        return self._backend.documents(c.PARTNERS)

    @cached_property
    def counterparties(self) -> CounterpartyRepository:
        return self._backend.documents(c.COUNTERPARTIES)

    @cached_property
    def organizations(self) -> OrganizationRepository:
        return self._backend.documents(c.ORGANIZATIONS)

    @cached_property
    def contacts(self) -> ContactRepository:
        return self._backend.documents(c.CONTACTS)

    @cached_property
    def relations(self) -> RelationRepository:
        return self._backend.documents(c.RELATIONS)

    @cached_property
    def client_segments(self) -> ClientSegmentRepository:
        return self._backend.documents(c.CLIENT_SEGMENTS)

    @cached_property
    def nomenclature_segments(self) -> NomenclatureSegmentRepository:
        return self._backend.documents(c.NOMENCLATURE_SEGMENTS)

    @cached_property
    def price_groups(self) -> PriceGroupRepository:
        return self._backend.documents(c.PRICE_GROUPS)

    @cached_property
    def products(self) -> ProductRepository:
        return self._backend.documents(c.PRODUCTS)

    @cached_property
    def warehouses(self) -> WarehouseRepository:
        return self._backend.documents(c.WAREHOUSES)

    @cached_property
    def bank_accounts(self) -> BankAccountRepository:
        return self._backend.documents(c.BANK_ACCOUNTS)

    # agreements

    @cached_property
    def agreements(self) -> AgreementRepository:
        return self._backend.documents(c.AGREEMENT_RECORDS)

    @cached_property
    def contracts(self) -> ContractRepository:
        return self._backend.documents(c.CONTRACTS)

    @cached_property
    def approvals(self) -> ApprovalRepository:
        return self._backend.documents(c.APPROVALS)

    # pricing

    @cached_property
    def price_types(self) -> PriceTypeRepository:
        return self._backend.documents(c.PRICE_TYPES)

    @cached_property
    def price_register(self) -> PriceRegister:
        return self._backend.open_price_register()

    # receivables

    @cached_property
    def schedule_templates(self) -> ScheduleTemplateRepository:
        return self._backend.documents(c.SCHEDULE_TEMPLATES)

    @cached_property
    def order_schedules(self) -> OrderScheduleRepository:
        return self._backend.documents(c.ORDER_SCHEDULES)

    @cached_property
    def credit_limits(self) -> CreditLimitRepository:
        return self._backend.documents(c.CREDIT_LIMITS)

    @cached_property
    def credit_overrides(self) -> CreditOverrideRepository:
        return self._backend.documents(c.CREDIT_OVERRIDES)

    @cached_property
    def settlements(self) -> SettlementLedgerRepository:
        return self._backend.open_settlement_ledger()

    # reservation

    @cached_property
    def stock_ledger(self) -> StockLedger:
        return self._backend.open_stock_ledger()

    # orders

    @cached_property
    def quotes(self) -> QuoteRepository:
        return self._backend.open_quotes()

    @cached_property
    def orders(self) -> OrderRepository:
        return self._backend.open_orders()

    # shipments

    @cached_property
    def shipments(self) -> ShipmentRepository:
        return self._backend.open_shipments()

    @cached_property
    def customer_returns(self) -> ReturnRepository:
        return self._backend.open_customer_returns()

    @cached_property
    def return_requests(self) -> ReturnRequestRepository:
        return self._backend.open_return_requests()

    @cached_property
    def shipment_corrections(self) -> PostedDocumentRepository[ShipmentCorrection]:
        return self._backend.open_posted(CORRECTIONS)

    @cached_property
    def goods_issues(self) -> PostedDocumentRepository[GoodsIssue]:
        return self._backend.open_posted(GOODS_ISSUES)

    @cached_property
    def goods_receipts(self) -> PostedDocumentRepository[GoodsReceipt]:
        return self._backend.open_posted(GOODS_RECEIPTS)

    @cached_property
    def commission_transfers(self) -> PostedDocumentRepository[CommissionTransfer]:
        return self._backend.open_posted(COMMISSION_TRANSFERS)

    @cached_property
    def commission_reports(self) -> PostedDocumentRepository[CommissionReport]:
        return self._backend.open_posted(COMMISSION_REPORTS)

    @cached_property
    def agent_returns(self) -> PostedDocumentRepository[AgentReturn]:
        return self._backend.open_posted(AGENT_RETURNS)

    # discounts

    @cached_property
    def discounts(self) -> DiscountRepository:
        return self._backend.documents(c.DISCOUNT_DEFINITIONS)

    @cached_property
    def discount_groups(self) -> DiscountGroupRepository:
        return self._backend.documents(c.DISCOUNT_GROUPS)

    @cached_property
    def manual_discount_limits(self) -> ManualDiscountLimitRepository:
        return self._backend.documents(c.MANUAL_DISCOUNT_LIMITS)

    # crm

    @cached_property
    def process_kinds(self) -> ProcessKindRepository:
        return self._backend.documents(c.PROCESS_KINDS)

    @cached_property
    def deals(self) -> DealRepository:
        return self._backend.documents(c.DEALS)

    @cached_property
    def interactions(self) -> InteractionRepository:
        return self._backend.documents(c.INTERACTIONS)

    @cached_property
    def claims(self) -> ClaimRepository:
        return self._backend.documents(c.CLAIMS)

    @cached_property
    def representative_tasks(self) -> RepresentativeTaskRepository:
        return self._backend.documents(c.REPRESENTATIVE_TASKS)

    # retail

    @cached_property
    def outlets(self) -> OutletRepository:
        return self._backend.documents(c.OUTLETS)

    @cached_property
    def cash_shifts(self) -> CashShiftRepository:
        return self._backend.documents(c.CASH_SHIFTS)

    @cached_property
    def retail_receipts(self) -> RetailReceiptRepository:
        return self._backend.documents(c.RETAIL_RECEIPTS)

    @cached_property
    def retail_reports(self) -> RetailReportRepository:
        return self._backend.documents(c.RETAIL_REPORTS)

    @cached_property
    def takings(self) -> TakingsRepository:
        return self._backend.documents(c.TAKINGS)

    @cached_property
    def card_kinds(self) -> CardKindRepository:
        return self._backend.documents(c.CARD_KINDS)

    @cached_property
    def loyalty_cards(self) -> LoyaltyCardRepository:
        return self._backend.documents(c.LOYALTY_CARDS)

    # delivery

    @cached_property
    def vehicles(self) -> VehicleRepository:
        return self._backend.documents(c.VEHICLES)

    @cached_property
    def transport_tasks(self) -> TransportTaskRepository:
        return self._backend.documents(c.TRANSPORT_TASKS)

    @cached_property
    def delivery_assignments(self) -> DeliveryAssignmentRepository:
        return self._backend.documents(c.DELIVERY_ASSIGNMENTS)

    @cached_property
    def logistic_terms(self) -> LogisticTermsRepository:
        return self._backend.documents(c.LOGISTIC_TERMS)

    @cached_property
    def delivery_charges(self) -> DeliveryChargeRepository:
        return self._backend.documents(c.DELIVERY_CHARGES)

    @cached_property
    def carrier_charges(self) -> CarrierChargeRepository:
        return self._backend.documents(c.CARRIER_CHARGES)

    @cached_property
    def carrier_payments(self) -> CarrierPaymentRepository:
        return self._backend.documents(c.CARRIER_PAYMENTS)

    # self-service

    @cached_property
    def users(self) -> UserRepository:
        return self._backend.documents(c.USERS)

    @cached_property
    def sessions(self) -> SessionRepository:
        return self._backend.documents(c.SESSIONS)

    @cached_property
    def login_throttles(self) -> LoginThrottleRepository:
        return self._backend.documents(c.LOGIN_THROTTLES)

    @cached_property
    def audit(self) -> AuditRepository:
        return self._backend.documents(c.AUDIT)

    @cached_property
    def purchase_plans(self) -> PurchasePlanRepository:
        return self._backend.documents(c.PURCHASE_PLANS)
