"""Contracts: parties, statuses, choosing one for a sale, settlements per contract."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    Contract,
    ContractId,
    ContractStatus,
    SettlementBasis,
    SettlementProcedure,
    Terms,
    check_contract,
    create_individual,
    select_contract,
    settlement_basis,
)
from salescore.errors import AgreementError, AmbiguousAgreementError
from salescore.parties import (
    Counterparty,
    CounterpartyId,
    Organization,
    OrganizationId,
    PartnerId,
    SegmentId,
)

JAN = date(2026, 1, 1)
ORG = Organization(OrganizationId("ORG-1"), "Torgovy Dom")
LLC = Counterparty(CounterpartyId("LLC"), PartnerId("V"), "Volga LLC")
BASE = Agreement.typical(
    AgreementId("TA"),
    "Wholesale",
    valid_from=JAN,
    client_segment_id=SegmentId("W"),
    terms=Terms(organization_id=OrganizationId("ORG-1")),
    status=AgreementStatus.ACTIVE,
)
OWN = create_individual(
    BASE,
    AgreementId("IA"),
    "Volga",
    partner_id=PartnerId("V"),
    valid_from=JAN,
    counterparty_id=CounterpartyId("LLC"),
)


def contract(id: str = "K1", **kwargs: object) -> Contract:
    fields: dict[str, object] = {
        "organization_id": OrganizationId("ORG-1"),
        "partner_id": PartnerId("V"),
        "counterparty_id": CounterpartyId("LLC"),
        "valid_from": JAN,
        "status": ContractStatus.ACTIVE,
    }
    fields.update(kwargs)
    return Contract(ContractId(id), f"N-{id}", JAN, **fields)  # type: ignore[arg-type]


def test_a_contract_between_the_right_parties_has_no_issue() -> None:
    assert check_contract(contract(agreement_id=OWN.id), ORG, LLC, OWN, BASE) == []


def test_a_contract_between_wrong_parties_lists_every_problem() -> None:
    wrong = contract(
        partner_id=PartnerId("CAFE"),
        organization_id=OrganizationId("ORG-2"),
        agreement_id=OWN.id,
    )
    codes = [issue.code for issue in check_contract(wrong, ORG, LLC, OWN, BASE)]
    assert codes == ["wrong_partner", "wrong_partner", "wrong_organization"]


def test_unknown_parties_and_a_closed_or_missing_agreement_are_issues() -> None:
    issues = check_contract(contract(agreement_id=OWN.id), None, None, None)
    assert [i.code for i in issues] == [
        "unknown_organization",
        "unknown_counterparty",
        "unknown_agreement",
    ]
    closed = OWN.with_status(AgreementStatus.CLOSED)
    other_llc = contract(counterparty_id=CounterpartyId("IE"), agreement_id=OWN.id)
    ie = Counterparty(CounterpartyId("IE"), PartnerId("V"), "Volga IE")
    codes = [i.code for i in check_contract(other_llc, ORG, ie, closed, BASE)]
    assert codes == ["closed_agreement", "wrong_counterparty"]


def test_a_sale_uses_the_contract_linked_to_its_agreement_over_a_general_one() -> None:
    general, linked = contract("K1"), contract("K2", agreement_id=OWN.id)
    chosen = select_contract(
        [general, linked],
        organization_id=ORG.id,
        counterparty_id=LLC.id,
        on=JAN,
        agreement_id=OWN.id,
    )
    assert chosen == linked
    without = select_contract(
        [general, linked], organization_id=ORG.id, counterparty_id=LLC.id, on=JAN
    )
    assert without == general


def test_contracts_not_in_force_or_between_others_are_not_used() -> None:
    contracts = [
        contract("K1", status=ContractStatus.NOT_AGREED),
        contract("K2", valid_to=date(2026, 1, 31)),
        contract("K3", organization_id=OrganizationId("ORG-2")),
    ]
    chosen = select_contract(
        contracts, organization_id=ORG.id, counterparty_id=LLC.id, on=date(2026, 2, 1)
    )
    assert chosen is None


def test_two_equally_good_contracts_are_an_error_naming_both() -> None:
    with pytest.raises(AmbiguousAgreementError, match="contracts 'K1' and 'K2' both apply"):
        select_contract(
            [contract("K2"), contract("K1")],
            organization_id=ORG.id,
            counterparty_id=LLC.id,
            on=JAN,
        )


def test_a_closed_contract_stays_closed_and_periods_must_be_ordered() -> None:
    closed = contract().with_status(ContractStatus.CLOSED)
    with pytest.raises(AgreementError, match="is closed and cannot become active"):
        closed.with_status(ContractStatus.ACTIVE)
    with pytest.raises(AgreementError, match="valid_to 2025-01-01 is before valid_from"):
        contract(valid_to=date(2025, 1, 1))


def test_the_settlement_procedure_says_what_a_debt_is_kept_against() -> None:
    k1 = contract()
    assert settlement_basis(SettlementProcedure.BY_ORDER, order_id="SO-1") == SettlementBasis(
        "order", "SO-1"
    )
    by_agreement = settlement_basis(
        SettlementProcedure.BY_AGREEMENT, order_id="SO-1", agreement_id=OWN.id
    )
    assert by_agreement == SettlementBasis("agreement", "IA")
    assert settlement_basis(
        SettlementProcedure.BY_CONTRACT, order_id="SO-1", contract=k1
    ) == SettlementBasis("contract", "K1")
    with pytest.raises(AgreementError, match="settlements by contract need a contract"):
        settlement_basis(
            SettlementProcedure.BY_CONTRACT,
            order_id="SO-1",
            contract=contract(settlements_by_contract=False),
        )
    with pytest.raises(AgreementError, match="settlements by agreement need"):
        settlement_basis(SettlementProcedure.BY_AGREEMENT, order_id="SO-1")
