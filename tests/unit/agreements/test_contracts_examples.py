"""Contracts, by example: the full issues a check reports, edges of the validity period,
status changes that stay allowed."""

from __future__ import annotations

from datetime import date

from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementStatus,
    Contract,
    ContractId,
    ContractStatus,
    Terms,
    check_contract,
    create_individual,
)
from salescore.errors import Issue
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


def base(organization: str | None = "ORG-1") -> Agreement:
    terms = Terms(organization_id=OrganizationId(organization) if organization else None)
    return Agreement.typical(
        AgreementId("TA"),
        "Wholesale",
        valid_from=JAN,
        client_segment_id=SegmentId("W"),
        terms=terms,
        status=AgreementStatus.ACTIVE,
    )


def own(typical: Agreement, **kwargs: object) -> Agreement:
    fields: dict[str, object] = {
        "partner_id": PartnerId("V"),
        "valid_from": JAN,
        "counterparty_id": CounterpartyId("LLC"),
    }
    fields.update(kwargs)
    return create_individual(typical, AgreementId("IA"), "Volga", **fields)  # type: ignore[arg-type]


def contract(**kwargs: object) -> Contract:
    fields: dict[str, object] = {
        "organization_id": OrganizationId("ORG-1"),
        "partner_id": PartnerId("V"),
        "counterparty_id": CounterpartyId("LLC"),
        "valid_from": JAN,
        "status": ContractStatus.ACTIVE,
    }
    fields.update(kwargs)
    return Contract(ContractId("K1"), "N-K1", JAN, **fields)  # type: ignore[arg-type]


def test_missing_parties_are_issues_naming_the_id_and_the_contract() -> None:
    issues = check_contract(contract(), None, None)
    assert issues == [
        Issue("unknown_organization", "organization 'ORG-1' is not one of ours", "contract K1"),
        Issue("unknown_counterparty", "counterparty 'LLC' does not exist", "contract K1"),
    ]


def test_a_counterparty_of_another_partner_is_an_issue_naming_both_partners() -> None:
    cafe = Counterparty(CounterpartyId("LLC"), PartnerId("CAFE"), "Cafe LLC")
    assert check_contract(contract(), ORG, cafe) == [
        Issue(
            "wrong_partner",
            "counterparty 'LLC' belongs to partner 'CAFE', not 'V'",
            "contract K1",
        )
    ]


def test_a_missing_linked_agreement_is_an_issue_naming_it() -> None:
    linked = contract(agreement_id=AgreementId("IA-GONE"))
    assert check_contract(linked, ORG, LLC) == [
        Issue("unknown_agreement", "agreement 'IA-GONE' does not exist", "contract K1")
    ]
    # An agreement given for another id is not the linked one either.
    assert check_contract(linked, ORG, LLC, own(base())) == [
        Issue("unknown_agreement", "agreement 'IA-GONE' does not exist", "contract K1")
    ]


def test_a_linked_agreement_of_other_parties_gives_one_full_issue_each() -> None:
    typical = base()
    closed = own(typical, partner_id=PartnerId("CAFE"), counterparty_id=CounterpartyId("IE"))
    closed = closed.with_status(AgreementStatus.CLOSED)
    linked = contract(agreement_id=AgreementId("IA"), organization_id=OrganizationId("ORG-2"))
    org2 = Organization(OrganizationId("ORG-2"), "Second")
    assert check_contract(linked, org2, LLC, closed, typical) == [
        Issue("closed_agreement", "individual agreement 'IA' is closed", "contract K1"),
        Issue(
            "wrong_partner",
            "individual agreement 'IA' is for partner 'CAFE', not 'V'",
            "contract K1",
        ),
        Issue(
            "wrong_counterparty",
            "individual agreement 'IA' is for counterparty 'IE', not 'LLC'",
            "contract K1",
        ),
        Issue(
            "wrong_organization",
            "individual agreement 'IA' sells from organization 'ORG-1', not 'ORG-2'",
            "contract K1",
        ),
    ]


def test_a_typical_agreement_names_its_own_selling_organization() -> None:
    typical = base("ORG-1")
    linked = contract(agreement_id=AgreementId("TA"), organization_id=OrganizationId("ORG-2"))
    org2 = Organization(OrganizationId("ORG-2"), "Second")
    assert check_contract(linked, org2, LLC, typical) == [
        Issue(
            "wrong_organization",
            "typical agreement 'TA' sells from organization 'ORG-1', not 'ORG-2'",
            "contract K1",
        )
    ]


def test_an_individual_agreements_own_organization_wins_over_its_base() -> None:
    # The base sells from ORG-1, the individual agreement from ORG-2: a contract of ORG-2
    # matches it; a contract of ORG-1 does not.
    typical = base("ORG-1")
    individual = own(typical, terms=Terms(organization_id=OrganizationId("ORG-2")))
    org2 = Organization(OrganizationId("ORG-2"), "Second")
    on_org2 = contract(agreement_id=AgreementId("IA"), organization_id=OrganizationId("ORG-2"))
    assert check_contract(on_org2, org2, LLC, individual, typical) == []
    on_org1 = contract(agreement_id=AgreementId("IA"))
    assert [i.code for i in check_contract(on_org1, ORG, LLC, individual, typical)] == [
        "wrong_organization"
    ]


def test_an_individual_agreement_without_organization_takes_its_bases() -> None:
    typical = base("ORG-1")
    individual = own(typical)
    org2 = Organization(OrganizationId("ORG-2"), "Second")
    on_org2 = contract(agreement_id=AgreementId("IA"), organization_id=OrganizationId("ORG-2"))
    assert [i.code for i in check_contract(on_org2, org2, LLC, individual, typical)] == [
        "wrong_organization"
    ]
    # Neither names an organization: any of ours will do.
    open_base = base(None)
    assert check_contract(on_org2, org2, LLC, own(open_base), open_base) == []


def test_a_one_day_contract_is_in_force_on_that_day_only() -> None:
    one_day = contract(valid_from=date(2026, 3, 2), valid_to=date(2026, 3, 2))
    assert one_day.is_in_force_on(date(2026, 3, 2))
    assert not one_day.is_in_force_on(date(2026, 3, 1))
    assert not one_day.is_in_force_on(date(2026, 3, 3))


def test_a_contract_is_in_force_on_its_last_day() -> None:
    march = contract(valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31))
    assert march.is_in_force_on(date(2026, 3, 31))
    assert not march.is_in_force_on(date(2026, 4, 1))


def test_a_contract_may_be_closed_again_and_an_open_one_moves_freely() -> None:
    closed = contract().with_status(ContractStatus.CLOSED)
    assert closed.with_status(ContractStatus.CLOSED).status is ContractStatus.CLOSED
    active = contract()
    assert active.with_status(ContractStatus.NOT_AGREED).status is ContractStatus.NOT_AGREED
    assert active.with_status(ContractStatus.ACTIVE) == active
