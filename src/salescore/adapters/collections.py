"""The entity collections a store keeps, independent of the storage technology.

A :class:`Collection` names a kind of entity, its type and the top-level
fields that queries filter on (adapters index them). Each adapter turns the
same collections into tables or dictionaries, so that every adapter stores
the same things.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

from salescore.agreements import Agreement, ApprovalProcess, Contract
from salescore.crm import Claim, Deal, Interaction, ProcessKind, RepresentativeTask
from salescore.delivery import (
    CarrierCharge,
    CarrierPayment,
    DeliveryAssignment,
    DeliveryCharge,
    LogisticTerms,
    TransportTask,
    Vehicle,
)
from salescore.discounts import Discount, DiscountGroup, ManualDiscountLimit
from salescore.parties import (
    BankAccount,
    ClientSegment,
    ContactPerson,
    Counterparty,
    NomenclatureSegment,
    Organization,
    Partner,
    PartnerRelation,
    PriceGroup,
    Product,
    Warehouse,
)
from salescore.pricing import PriceType
from salescore.receivables import (
    CreditLimit,
    CreditOverride,
    OrderSchedule,
    PaymentScheduleTemplate,
)
from salescore.retail import (
    CardKind,
    CashShift,
    LoyaltyCard,
    Outlet,
    RetailReceipt,
    RetailSalesReport,
    TakingsHandover,
)
from salescore.selfservice import AuditRecord, LoginThrottle, PurchasePlan, Session, UserAccount

__all__ = [
    "AGREEMENTS",
    "CRM",
    "CRM_TASKS",
    "DELIVERY",
    "DISCOUNTS",
    "PARTIES",
    "PARTIES_BANKING",
    "PRICING",
    "RECEIVABLES",
    "REFERENCE",
    "RETAIL",
    "SELFSERVICE",
    "Collection",
]

T = TypeVar("T")


@attrs.frozen
class Collection(Generic[T]):
    """A stored kind of entity.

    Attributes:
        name: table name (lowercase, plural).
        type: the entity class; it has an ``id`` attribute.
        indexes: top-level fields that :meth:`Repository.find_by` filters on.
        locked_reads: an entity read in a writing unit of work is locked until
            it ends, so two writers that read it and write it back (a count of
            failed logins) take turns. SQLite's and the memory store's single
            writer always do; the PostgreSQL store takes a transaction lock on
            the entity's id before it reads it.
    """

    name: str
    type: type[T]
    indexes: tuple[str, ...] = ()
    locked_reads: bool = False


PARTNERS = Collection("partners", Partner, ("parent_id",))
COUNTERPARTIES = Collection("counterparties", Counterparty, ("partner_id", "tax_id"))
ORGANIZATIONS = Collection("organizations", Organization)
CONTACTS = Collection("contacts", ContactPerson, ("partner_id",))
RELATIONS = Collection("partner_relations", PartnerRelation, ("from_partner", "to_partner"))
CLIENT_SEGMENTS = Collection("client_segments", ClientSegment)
NOMENCLATURE_SEGMENTS = Collection("nomenclature_segments", NomenclatureSegment)
PRICE_GROUPS = Collection("price_groups", PriceGroup)
PRODUCTS = Collection("products", Product, ("price_group_id", "sku"))
WAREHOUSES = Collection("warehouses", Warehouse)

PARTIES: tuple[Collection[object], ...] = (
    PARTNERS,
    COUNTERPARTIES,
    ORGANIZATIONS,
    CONTACTS,
    RELATIONS,
    CLIENT_SEGMENTS,
    NOMENCLATURE_SEGMENTS,
    PRICE_GROUPS,
    PRODUCTS,
    WAREHOUSES,
)  # type: ignore[assignment]

# Added after the first parties tables: a later migration step of the "parties" component.
BANK_ACCOUNTS = Collection("bank_accounts", BankAccount, ("partner_id", "counterparty_id"))

PARTIES_BANKING: tuple[Collection[object], ...] = (BANK_ACCOUNTS,)  # type: ignore[assignment]

AGREEMENT_RECORDS = Collection(
    "agreements", Agreement, ("kind", "client_segment_id", "partner_id", "base_id")
)
CONTRACTS = Collection(
    "contracts", Contract, ("partner_id", "counterparty_id", "organization_id", "agreement_id")
)
# Decisions are recorded by reading the process and writing it back: locked, so that two
# approvers deciding at once are both kept.
APPROVALS = Collection(
    "approval_processes", ApprovalProcess, ("agreement_id", "status"), locked_reads=True
)

AGREEMENTS: tuple[Collection[object], ...] = (
    AGREEMENT_RECORDS,
    CONTRACTS,
    APPROVALS,
)  # type: ignore[assignment]
PRICE_TYPES = Collection("price_types", PriceType, ("partner_id",))

PRICING: tuple[Collection[object], ...] = (PRICE_TYPES,)  # type: ignore[assignment]
SCHEDULE_TEMPLATES = Collection("payment_schedule_templates", PaymentScheduleTemplate)
ORDER_SCHEDULES = Collection("order_schedules", OrderSchedule)
CREDIT_LIMITS = Collection("credit_limits", CreditLimit, ("subject_id",))
CREDIT_OVERRIDES = Collection("credit_overrides", CreditOverride, ("document_id",))

RECEIVABLES: tuple[Collection[object], ...] = (
    SCHEDULE_TEMPLATES,
    ORDER_SCHEDULES,
    CREDIT_LIMITS,
    CREDIT_OVERRIDES,
)  # type: ignore[assignment]

DISCOUNT_DEFINITIONS = Collection("discounts", Discount, ("kind", "mode"))
DISCOUNT_GROUPS = Collection("discount_groups", DiscountGroup)
MANUAL_DISCOUNT_LIMITS = Collection(
    "manual_discount_limits", ManualDiscountLimit, ("user", "agreement_id")
)

DISCOUNTS: tuple[Collection[object], ...] = (
    DISCOUNT_DEFINITIONS,
    DISCOUNT_GROUPS,
    MANUAL_DISCOUNT_LIMITS,
)  # type: ignore[assignment]

REFERENCE: tuple[Collection[object], ...] = (
    PARTNERS,
    CLIENT_SEGMENTS,
    NOMENCLATURE_SEGMENTS,
    AGREEMENT_RECORDS,
    PRICE_TYPES,
    DISCOUNT_DEFINITIONS,
    DISCOUNT_GROUPS,
    MANUAL_DISCOUNT_LIMITS,
)  # type: ignore[assignment]
"""The reference data a pricing session keeps between orders (clients, segments,
agreements, price types, discount rules): every write to them renews the store's
reference revision (``Repositories.reference_revision``)."""

PROCESS_KINDS = Collection("crm_process_kinds", ProcessKind)
DEALS = Collection("crm_deals", Deal, ("partner_id", "kind_id", "manager", "status"))
INTERACTIONS = Collection("crm_interactions", Interaction, ("partner_id", "deal_id"))
CLAIMS = Collection("crm_claims", Claim, ("partner_id", "status"))
REPRESENTATIVE_TASKS = Collection(
    "crm_representative_tasks", RepresentativeTask, ("representative", "day", "status")
)

CRM: tuple[Collection[object], ...] = (
    PROCESS_KINDS,
    DEALS,
    INTERACTIONS,
    CLAIMS,
)  # type: ignore[assignment]

# Added after the first CRM tables: a later migration step of the "crm" component.
CRM_TASKS: tuple[Collection[object], ...] = (REPRESENTATIVE_TASKS,)  # type: ignore[assignment]

OUTLETS = Collection("retail_outlets", Outlet, ("warehouse_id", "mode"))
CASH_SHIFTS = Collection("retail_shifts", CashShift, ("outlet_id", "workplace_id", "status"))
# A return reads its sale's receipt to know what is left to return: locked, so that two
# workplaces returning the same goods at once take turns.
RETAIL_RECEIPTS = Collection(
    "retail_receipts",
    RetailReceipt,
    ("shift_id", "outlet_id", "status", "original_id", "card_number"),
    locked_reads=True,
)
RETAIL_REPORTS = Collection("retail_reports", RetailSalesReport, ("shift_id", "outlet_id"))
TAKINGS = Collection("retail_takings", TakingsHandover, ("shift_id",))
CARD_KINDS = Collection("retail_card_kinds", CardKind)
LOYALTY_CARDS = Collection("retail_loyalty_cards", LoyaltyCard, ("barcode", "kind_id"))

RETAIL: tuple[Collection[object], ...] = (
    OUTLETS,
    CASH_SHIFTS,
    RETAIL_RECEIPTS,
    RETAIL_REPORTS,
    TAKINGS,
    CARD_KINDS,
    LOYALTY_CARDS,
)  # type: ignore[assignment]

VEHICLES = Collection("vehicles", Vehicle)
TRANSPORT_TASKS = Collection("transport_tasks", TransportTask, ("on", "vehicle_id", "status"))
DELIVERY_ASSIGNMENTS = Collection("delivery_assignments", DeliveryAssignment)
LOGISTIC_TERMS = Collection("logistic_terms", LogisticTerms)
DELIVERY_CHARGES = Collection("delivery_charges", DeliveryCharge, ("shipment_id", "order_id"))
CARRIER_CHARGES = Collection("carrier_charges", CarrierCharge, ("carrier_id",))
CARRIER_PAYMENTS = Collection("carrier_payments", CarrierPayment, ("carrier_id",))

DELIVERY: tuple[Collection[object], ...] = (
    VEHICLES,
    TRANSPORT_TASKS,
    DELIVERY_ASSIGNMENTS,
    LOGISTIC_TERMS,
    DELIVERY_CHARGES,
    CARRIER_CHARGES,
    CARRIER_PAYMENTS,
)  # type: ignore[assignment]

USERS = Collection("selfservice_users", UserAccount, ("role", "manager"))
SESSIONS = Collection("selfservice_sessions", Session, ("user_id",))
# Failed logins are counted by reading the count and writing it back: locked, so that
# guesses sent in parallel are each counted.
LOGIN_THROTTLES = Collection("selfservice_login_throttles", LoginThrottle, locked_reads=True)
AUDIT = Collection("selfservice_audit", AuditRecord, ("user_id", "partner_id", "action"))
PURCHASE_PLANS = Collection("selfservice_purchase_plans", PurchasePlan, ("partner_id",))

SELFSERVICE: tuple[Collection[object], ...] = (
    USERS,
    SESSIONS,
    LOGIN_THROTTLES,
    AUDIT,
    PURCHASE_PLANS,
)  # type: ignore[assignment]
