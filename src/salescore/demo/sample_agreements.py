"""The sample company's agreements, contracts and approval rules.

Typical agreements for wholesale (with a narrower one for coffee), for cafes
and a draft one for retail chains; an old, closed wholesale agreement;
individual agreements for Volga Kazan and Cafe Aroma; their contracts.

>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_agreements(uow)
...     len(uow.agreements), len(uow.contracts)
(7, 2)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    ApprovalPolicy,
    ApprovalRule,
    Contract,
    ContractId,
    ContractStatus,
    DeviationKind,
    PaymentForm,
    SettlementProcedure,
    Taxation,
    Terms,
)
from salescore.app.agreements import (
    add_individual_agreement,
    register_contract,
    set_agreement_status,
)
from salescore.money import Currency, Money
from salescore.orders import DocumentHeader
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    PriceGroupId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing import PriceTypeId

__all__ = [
    "SAMPLE_APPROVAL_POLICY",
    "SAMPLE_DATE",
    "VOLGA_KZN_HEADER",
    "load_sample_agreements",
]

VOLGA_KZN_HEADER = DocumentHeader(
    PartnerId("VOLGA-KZN"),
    CounterpartyId("KZN-LLC"),
    OrganizationId("ORG-1"),
    AgreementId("IA-VOLGA-KZN"),
    "RUB",
    WarehouseId("MAIN"),
    ContractId("K-KZN-1"),
)
"""The header of the sample documents of Volga Kazan: its legal entity, our
organization, its individual agreement and contract, roubles, the main warehouse."""

SAMPLE_DATE = date(2026, 3, 10)
"""The day the demo resolves terms on."""

RUB = Currency.of("RUB")
ACTIVE = AgreementStatus.ACTIVE

SAMPLE_APPROVAL_POLICY = ApprovalPolicy(
    (
        ApprovalRule("every-deviation", ("head_of_sales",)),
        ApprovalRule(
            "price-cut-over-10000",
            ("cfo",),
            frozenset({DeviationKind.PRICE_BELOW_REFERENCE, DeviationKind.DISCOUNT_ABOVE_LIMIT}),
            min_amount=Money("10000.00", RUB),
        ),
    )
)
"""The head of sales approves every deviation; the CFO also approves price cuts over 10,000."""


def _typical() -> list[Agreement]:
    wholesale = Terms(
        price_type_id=PriceTypeId("WHOLESALE"),
        discount_scope=frozenset({"ROOT"}),  # the whole sample discount tree
        manual_discount_limit_percent=Decimal(5),
        manual_discount_limits_by_price_group={PriceGroupId("MACHINES"): Decimal(3)},
        currency=RUB,
        payment_schedule_id="PREPAY-50-NET-14",
        payment_form=PaymentForm.NONCASH,
        settlement_procedure=SettlementProcedure.BY_ORDER,
        warehouse_id=WarehouseId("MAIN"),
        delivery_lead_days=3,
        organization_id=OrganizationId("ORG-1"),
        taxation=Taxation.VAT,
    )
    return [
        Agreement.typical(
            AgreementId("TA-WHOLESALE"),
            "Wholesale 2026",
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
            client_segment_id=SegmentId("WHOLESALE"),
            terms=wholesale,
            status=ACTIVE,
        ),
        Agreement.typical(
            AgreementId("TA-WHOLESALE-2025"),
            "Wholesale 2025",
            valid_from=date(2025, 1, 1),
            valid_to=date(2025, 12, 31),
            client_segment_id=SegmentId("WHOLESALE"),
            terms=wholesale,
            status=AgreementStatus.CLOSED,
        ),
        Agreement.typical(
            AgreementId("TA-WHOLESALE-COFFEE"),
            "Wholesale coffee 2026",
            valid_from=date(2026, 2, 1),
            client_segment_id=SegmentId("WHOLESALE"),
            nomenclature_segment_id=SegmentId("COFFEE"),
            terms=Terms(
                price_type_id=PriceTypeId("WHOLESALE-COFFEE"),
                manual_discount_limit_percent=Decimal(2),
                currency=RUB,
                payment_schedule_id="NET-14",
                payment_form=PaymentForm.NONCASH,
                settlement_procedure=SettlementProcedure.BY_ORDER,
                warehouse_id=WarehouseId("MAIN"),
                delivery_lead_days=1,
                organization_id=OrganizationId("ORG-1"),
                taxation=Taxation.VAT,
            ),
            status=ACTIVE,
        ),
        Agreement.typical(
            AgreementId("TA-HORECA"),
            "Cafes and restaurants",
            valid_from=date(2026, 1, 1),
            client_segment_id=SegmentId("HORECA"),
            terms=Terms(
                price_type_id=PriceTypeId("HORECA"),
                discount_scope=frozenset(),
                manual_discount_limit_percent=Decimal(10),
                currency=RUB,
                payment_schedule_id="NET-7",
                payment_form=PaymentForm.ANY,
                settlement_procedure=SettlementProcedure.BY_AGREEMENT,
                delivery_lead_days=2,
                taxation=Taxation.VAT,
            ),
            status=ACTIVE,
        ),
        Agreement.typical(
            AgreementId("TA-RETAIL-CHAINS"),
            "Retail chains (draft)",
            valid_from=date(2026, 4, 1),
            client_segment_id=SegmentId("RETAIL-CHAINS"),
            terms=Terms(price_type_id=PriceTypeId("CHAIN"), currency=RUB),
        ),
    ]


def load_sample_agreements(uow: Repositories) -> None:
    """Add the sample agreements and contracts to ``uow`` (after the sample company)."""
    for agreement in _typical():
        uow.agreements.add(agreement)
    add_individual_agreement(
        uow,
        AgreementId("TA-WHOLESALE"),
        AgreementId("IA-VOLGA-KZN"),
        "Volga Kazan, individual",
        partner_id=PartnerId("VOLGA-KZN"),
        counterparty_id=CounterpartyId("KZN-LLC"),
        valid_from=date(2026, 3, 1),
        terms=Terms(
            manual_discount_limit_percent=Decimal(7),
            payment_schedule_id="NET-30",
            settlement_procedure=SettlementProcedure.BY_CONTRACT,
        ),
    )
    add_individual_agreement(
        uow,
        AgreementId("TA-HORECA"),
        AgreementId("IA-CAFE"),
        "Cafe Aroma, individual",
        partner_id=PartnerId("CAFE"),
        counterparty_id=CounterpartyId("CAFE-IE"),
        valid_from=date(2026, 2, 1),
        valid_to=date(2026, 12, 31),
        terms=Terms(
            organization_id=OrganizationId("ORG-2"),
            warehouse_id=WarehouseId("STORE-1"),
            payment_form=PaymentForm.CARD,
        ),
    )
    for agreement_id in ("IA-VOLGA-KZN", "IA-CAFE"):
        set_agreement_status(uow, AgreementId(agreement_id), ACTIVE)
    register_contract(
        uow,
        Contract(
            ContractId("K-KZN-1"),
            "KZN-14/2026",
            date(2026, 2, 27),
            OrganizationId("ORG-1"),
            PartnerId("VOLGA-KZN"),
            CounterpartyId("KZN-LLC"),
            valid_from=date(2026, 3, 1),
            status=ContractStatus.ACTIVE,
            agreement_id=AgreementId("IA-VOLGA-KZN"),
        ),
    )
    register_contract(
        uow,
        Contract(
            ContractId("K-CAFE-1"),
            "CA-3/2026",
            date(2026, 1, 28),
            OrganizationId("ORG-2"),
            PartnerId("CAFE"),
            CounterpartyId("CAFE-IE"),
            valid_from=date(2026, 2, 1),
            status=ContractStatus.ACTIVE,
            agreement_id=AgreementId("IA-CAFE"),
            settlements_by_contract=False,
        ),
    )
