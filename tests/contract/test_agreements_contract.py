"""Agreements, contracts and approvals in every storage adapter, through the use cases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementKind,
    AgreementStatus,
    ApprovalEvent,
    ApprovalId,
    ApprovalProcess,
    ApprovalStatus,
    Contract,
    ContractId,
    ContractStatus,
    Decision,
    Deviation,
    DeviationKind,
    Severity,
    Terms,
)
from salescore.app.agreements import (
    add_individual_agreement,
    decide_approval,
    register_contract,
    request_agreement_approval,
    resolve_terms,
    set_agreement_status,
    start_sale_approval,
)
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import (
    SAMPLE_APPROVAL_POLICY,
    SAMPLE_DATE,
    load_sample_agreements,
)
from salescore.errors import (
    AgreementError,
    AmbiguousAgreementError,
    ApprovalError,
    ConflictError,
    StorageError,
)
from salescore.money import Money
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    ProductId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing import PriceTypeId
from salescore.testing import FixedClock

CLOCK = FixedClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


def loaded(store: Store) -> Store:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_agreements(uow)
        uow.commit()
    return store


def snapshot(uow: Repositories) -> tuple[list[Agreement], list[Contract], list[ApprovalProcess]]:
    return uow.agreements.all(), uow.contracts.all(), uow.approvals.all()


def test_agreements_and_contracts_are_read_back_equal(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        cafe = uow.agreements.get(AgreementId("IA-CAFE"))
        assert cafe.terms.warehouse_id == "STORE-1"
        assert cafe.kind is AgreementKind.INDIVIDUAL
        wholesale = uow.agreements.get(AgreementId("TA-WHOLESALE"))
        assert wholesale.terms.manual_discount_limit("MACHINES") == Decimal(3)  # type: ignore[arg-type]
        assert uow.contracts.get(ContractId("K-KZN-1")).agreement_id == "IA-VOLGA-KZN"


def test_agreements_are_found_by_partner_segment_kind_and_base(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        assert [a.id for a in uow.agreements.find_by("partner_id", PartnerId("CAFE"))] == [
            "IA-CAFE"
        ]
        by_segment = uow.agreements.find_by("client_segment_id", SegmentId("WHOLESALE"))
        assert [a.id for a in by_segment] == [
            "TA-WHOLESALE",
            "TA-WHOLESALE-2025",
            "TA-WHOLESALE-COFFEE",
        ]
        individual = uow.agreements.find_by("kind", AgreementKind.INDIVIDUAL)
        assert [a.id for a in individual] == ["IA-CAFE", "IA-VOLGA-KZN"]
        assert [a.id for a in uow.agreements.find_by("base_id", AgreementId("TA-HORECA"))] == [
            "IA-CAFE"
        ]
        assert [c.id for c in uow.contracts.find_by("counterparty_id", "CAFE-IE")] == ["K-CAFE-1"]


def test_agreements_are_found_by_several_fields_at_once(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        typical = uow.agreements.find_by("kind", AgreementKind.TYPICAL)
        wholesale = uow.agreements.find_by(
            "kind", AgreementKind.TYPICAL, client_segment_id=SegmentId("WHOLESALE")
        )
        assert wholesale == [a for a in typical if a.client_segment_id == "WHOLESALE"] != []
        assert len(wholesale) < len(typical)
        individual = uow.agreements.find_by("client_segment_id", None, kind="individual")
        assert [a.id for a in individual] == ["IA-CAFE", "IA-VOLGA-KZN"]
        assert [
            a.id
            for a in uow.agreements.find_by(
                "kind", AgreementKind.INDIVIDUAL, partner_id=PartnerId("CAFE"), base_id="TA-HORECA"
            )
        ] == ["IA-CAFE"]
        assert uow.agreements.find_by("kind", AgreementKind.TYPICAL, partner_id="CAFE") == []
        with pytest.raises(StorageError, match="cannot be searched by 'name'"):
            uow.agreements.find_by("kind", AgreementKind.TYPICAL, name="x")


def test_terms_resolve_the_same_from_every_adapter(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        volga = resolve_terms(uow, PartnerId("VOLGA-KZN"), SAMPLE_DATE)
        coffee = resolve_terms(
            uow, PartnerId("HOLD"), SAMPLE_DATE, product_id=ProductId("BEANS-ARABICA")
        )
        earlier = resolve_terms(uow, PartnerId("VOLGA-KZN"), date(2026, 2, 15))
    assert volga.agreement.id == "IA-VOLGA-KZN"
    assert volga.terms.payment_schedule_id == "NET-30"
    assert volga.source("price_type_id").agreement_id == "TA-WHOLESALE"
    assert coffee.agreement.id == "TA-WHOLESALE-COFFEE"
    assert earlier.agreement.id == "TA-WHOLESALE"


def test_a_failed_unit_of_work_leaves_no_agreement_contract_or_approval(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        before = snapshot(uow)

    def failing() -> None:
        with store.unit_of_work() as uow:
            add_individual_agreement(
                uow,
                AgreementId("TA-HORECA"),
                AgreementId("IA-NEW"),
                "new",
                partner_id=PartnerId("CAFE"),
                valid_from=SAMPLE_DATE,
            )
            set_agreement_status(uow, AgreementId("TA-HORECA"), AgreementStatus.CLOSED)
            start_sale_approval(
                uow, ApprovalId("AP-X"), "x", (), SAMPLE_APPROVAL_POLICY, CLOCK, "p"
            )
            uow.agreements.add(uow.agreements.get(AgreementId("IA-CAFE")))  # conflict
            uow.commit()

    with pytest.raises(ConflictError):
        failing()
    with store.unit_of_work() as uow:
        assert snapshot(uow) == before


def test_an_individual_agreement_on_a_closed_base_is_refused_and_nothing_is_stored(
    store: Store,
) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        before = snapshot(uow)
        with pytest.raises(AgreementError, match="its base 'TA-WHOLESALE-2025' is closed"):
            add_individual_agreement(
                uow,
                AgreementId("TA-WHOLESALE-2025"),
                AgreementId("IA-HOLD"),
                "Holding",
                partner_id=PartnerId("HOLD"),
                valid_from=SAMPLE_DATE,
            )
        with pytest.raises(AgreementError, match="belongs to partner 'CAFE', not 'HOLD'"):
            add_individual_agreement(
                uow,
                AgreementId("TA-WHOLESALE"),
                AgreementId("IA-HOLD"),
                "Holding",
                partner_id=PartnerId("HOLD"),
                counterparty_id=CounterpartyId("CAFE-IE"),
                valid_from=SAMPLE_DATE,
            )
        uow.commit()
    with store.unit_of_work() as uow:
        assert snapshot(uow) == before


def test_overlapping_candidates_are_an_error_naming_both_and_change_nothing(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        uow.agreements.add(
            Agreement.typical(
                AgreementId("TA-WHOLESALE-BIS"),
                "A second wholesale agreement",
                valid_from=date(2026, 1, 1),
                client_segment_id=SegmentId("WHOLESALE"),
                terms=Terms(price_type_id=PriceTypeId("WHOLESALE-2")),
                status=AgreementStatus.ACTIVE,
            )
        )
        uow.commit()
    with store.unit_of_work() as uow:
        before = snapshot(uow)
        with pytest.raises(
            AmbiguousAgreementError, match="'TA-WHOLESALE' and 'TA-WHOLESALE-BIS' apply equally"
        ):
            resolve_terms(uow, PartnerId("HOLD"), SAMPLE_DATE)
        uow.commit()
    with store.unit_of_work() as uow:
        assert snapshot(uow) == before


def test_a_contract_between_wrong_parties_is_refused_and_nothing_is_stored(store: Store) -> None:
    loaded(store)
    wrong = Contract(
        ContractId("K-BAD"),
        "BAD-1",
        SAMPLE_DATE,
        OrganizationId("ORG-2"),
        PartnerId("VOLGA-KZN"),
        CounterpartyId("CAFE-IE"),
        valid_from=SAMPLE_DATE,
        status=ContractStatus.ACTIVE,
        agreement_id=AgreementId("IA-VOLGA-KZN"),
    )
    with store.unit_of_work() as uow:
        before = snapshot(uow)
        with pytest.raises(AgreementError, match="contract 'K-BAD' cannot be registered") as info:
            register_contract(uow, wrong)
        uow.commit()
    codes = [issue.code for issue in info.value.details["issues"]]
    assert codes == ["wrong_partner", "wrong_counterparty", "wrong_organization"]
    with store.unit_of_work() as uow:
        assert snapshot(uow) == before


class RecordingNotifier:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []

    def notify(self, process: ApprovalProcess, event: ApprovalEvent) -> None:
        self.events.append((process.id, event.actor, event.action))


def start_sample_approval(store: Store, notifier: RecordingNotifier) -> None:
    cut = Deviation(
        DeviationKind.PRICE_BELOW_REFERENCE,
        Severity.APPROVAL,
        "price cut",
        amount=Money("12000.00", "RUB"),
    )
    with store.unit_of_work() as uow:
        start_sale_approval(
            uow,
            ApprovalId("AP-1"),
            "order SO-1",
            (cut,),
            SAMPLE_APPROVAL_POLICY,
            CLOCK,
            "petrov",
            agreement_id=AgreementId("IA-CAFE"),
            notifier=notifier,
        )
        uow.commit()


def test_an_approval_is_stored_decided_and_notified_step_by_step(store: Store) -> None:
    loaded(store)
    notifier = RecordingNotifier()
    start_sample_approval(store, notifier)
    for approver in ("cfo", "head_of_sales"):
        with store.unit_of_work() as uow:
            decide_approval(
                uow, ApprovalId("AP-1"), approver, Decision.APPROVE, CLOCK, notifier=notifier
            )
            uow.commit()
    with store.unit_of_work() as uow:
        process = uow.approvals.get(ApprovalId("AP-1"))
        assert uow.approvals.find_by("status", ApprovalStatus.APPROVED) == [process]
    assert process.tasks[0].decided_at == CLOCK.now()
    assert notifier.events == [
        ("AP-1", "petrov", "started"),
        ("AP-1", "petrov", "task created"),
        ("AP-1", "petrov", "task created"),
        ("AP-1", "cfo", "approve"),
        ("AP-1", "head_of_sales", "approve"),
        ("AP-1", "head_of_sales", "process approved"),
    ]


def test_a_decision_by_someone_not_asked_is_refused_and_nothing_is_stored(store: Store) -> None:
    loaded(store)
    notifier = RecordingNotifier()
    start_sample_approval(store, notifier)
    with store.unit_of_work() as uow:
        before = snapshot(uow)
        with pytest.raises(ApprovalError, match="'ivanova' was not asked to approve"):
            decide_approval(
                uow, ApprovalId("AP-1"), "ivanova", Decision.APPROVE, CLOCK, notifier=notifier
            )
        uow.commit()
    with store.unit_of_work() as uow:
        assert snapshot(uow) == before
    assert len(notifier.events) == 3


def test_an_agreements_status_is_set_by_hand_and_stored(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        set_agreement_status(uow, AgreementId("TA-RETAIL-CHAINS"), AgreementStatus.ACTIVE)
        uow.commit()
    with store.unit_of_work() as uow:
        chains = resolve_terms(uow, PartnerId("CHAIN"), date(2026, 4, 1))
        assert chains.agreement.id == "TA-RETAIL-CHAINS"
        set_agreement_status(uow, AgreementId("TA-RETAIL-CHAINS"), AgreementStatus.CLOSED)
        with pytest.raises(AgreementError, match="is closed and cannot become active"):
            set_agreement_status(uow, AgreementId("TA-RETAIL-CHAINS"), AgreementStatus.ACTIVE)
        assert uow.agreements.get(AgreementId("TA-RETAIL-CHAINS")).status.value == "closed"
        with pytest.raises(AgreementError, match="no agreement applies to partner 'CHAIN'"):
            resolve_terms(uow, PartnerId("CHAIN"), date(2026, 4, 1))


def test_the_warehouse_filled_in_by_an_individual_agreement_is_stored(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        resolved = resolve_terms(uow, PartnerId("CAFE"), SAMPLE_DATE)
    assert resolved.terms.warehouse_id == WarehouseId("STORE-1")
    assert resolved.source("warehouse_id").kind.value == "filled"


def test_an_orders_agreement_is_checked_even_when_it_is_another_clients(store: Store) -> None:
    loaded(store)
    with store.unit_of_work() as uow:
        named = resolve_terms(
            uow, PartnerId("VOLGA-KZN"), SAMPLE_DATE, agreement_id=AgreementId("TA-WHOLESALE")
        )
        assert named.agreement.id == "TA-WHOLESALE"
        with pytest.raises(AgreementError, match="'IA-CAFE' is not for partner 'VOLGA-KZN'"):
            resolve_terms(
                uow, PartnerId("VOLGA-KZN"), SAMPLE_DATE, agreement_id=AgreementId("IA-CAFE")
            )


def test_an_approved_agreement_approval_makes_the_agreement_active(store: Store) -> None:
    loaded(store)
    chains = AgreementId("TA-RETAIL-CHAINS")
    with store.unit_of_work() as uow:
        request_agreement_approval(
            uow, ApprovalId("AP-A"), chains, ("head_of_sales", "cfo"), CLOCK, "petrov"
        )
        decide_approval(uow, ApprovalId("AP-A"), "cfo", Decision.APPROVE, CLOCK)
        assert uow.agreements.get(chains).status is AgreementStatus.NOT_AGREED
        decide_approval(uow, ApprovalId("AP-A"), "head_of_sales", Decision.APPROVE, CLOCK)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.agreements.get(chains).status is AgreementStatus.ACTIVE
        assert uow.approvals.get(ApprovalId("AP-A")).status is ApprovalStatus.APPROVED


def test_a_rejected_agreement_approval_leaves_the_agreement_not_agreed(store: Store) -> None:
    loaded(store)
    chains = AgreementId("TA-RETAIL-CHAINS")
    with store.unit_of_work() as uow:
        request_agreement_approval(uow, ApprovalId("AP-A"), chains, ("cfo",), CLOCK, "petrov")
        decide_approval(uow, ApprovalId("AP-A"), "cfo", Decision.REJECT, CLOCK, "prices too low")
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.agreements.get(chains).status is AgreementStatus.NOT_AGREED
