"""Resolution, by example: the organization an individual agreement sells from, segments not
loaded, scopes in explanations, and resolutions reused across the lines of a document."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    ResolvedTerms,
    Terms,
    TermsQuery,
    create_individual,
    format_term,
)
from salescore.errors import AgreementError
from salescore.explain import Step
from salescore.parties import (
    NomenclatureSegment,
    OrganizationId,
    Partner,
    PartnerId,
    Product,
    ProductId,
    SegmentId,
)

JAN = date(2026, 1, 1)
MAR = date(2026, 3, 1)
VOLGA = Partner(PartnerId("V"), "Volga")
BEANS = Product(ProductId("B"), "Beans")
CUPS = Product(ProductId("C"), "Cups")
COFFEE = NomenclatureSegment(SegmentId("COFFEE"), "Coffee", members=frozenset({BEANS.id}))


def everyone(id: str = "TA", **kwargs: object) -> Agreement:
    kwargs.setdefault("valid_from", JAN)
    kwargs.setdefault("status", AgreementStatus.ACTIVE)
    return Agreement.typical(AgreementId(id), id, **kwargs)  # type: ignore[arg-type]


def own(base: Agreement, **kwargs: object) -> Agreement:
    agreement = create_individual(
        base,
        AgreementId("IA"),
        "Volga",
        partner_id=VOLGA.id,
        valid_from=JAN,
        **kwargs,  # type: ignore[arg-type]
    )
    return agreement.with_status(AgreementStatus.ACTIVE)


def test_an_individual_agreement_sells_from_its_own_organization_over_its_bases() -> None:
    base = everyone(terms=Terms(organization_id=OrganizationId("ORG-1")))
    individual = own(base, terms=Terms(organization_id=OrganizationId("ORG-2")))
    book = AgreementBook([base, individual])
    query = TermsQuery(VOLGA, MAR, organization_id=OrganizationId("ORG-2"))
    assert book.resolve(query).agreement.id == "IA"


def test_an_individual_agreement_without_organization_sells_from_its_bases() -> None:
    base = everyone(terms=Terms(organization_id=OrganizationId("ORG-1")))
    book = AgreementBook([base, own(base)])
    query = TermsQuery(VOLGA, MAR, organization_id=OrganizationId("ORG-2"))
    with pytest.raises(AgreementError, match="sells from organization 'ORG-1'") as raised:
        book.resolve(query)
    assert "candidate IA: rejected: sells from organization 'ORG-1'" in str(raised.value)


def test_a_nomenclature_segment_that_is_not_loaded_is_named_with_what_to_pass() -> None:
    coffee_only = everyone(nomenclature_segment_id=COFFEE.id)
    book = AgreementBook([coffee_only])  # the segment itself is not given
    with pytest.raises(
        AgreementError,
        match=r"^typical agreement 'TA' names nomenclature segment 'COFFEE', which is not "
        r"loaded; pass it in nomenclature_segments$",
    ):
        book.resolve(TermsQuery(VOLGA, MAR, product=BEANS))


def test_the_explanation_says_a_typical_agreement_without_segment_is_for_every_client() -> None:
    resolved = AgreementBook([everyone()]).resolve(TermsQuery(VOLGA, MAR))
    assert Step("candidate TA", "applies", "typical, for every client") in (
        resolved.explanation.steps
    )


def test_lines_of_one_segment_share_one_resolution_titled_per_product() -> None:
    base = everyone()
    individual = own(base, nomenclature_segment_id=COFFEE.id)
    more_beans = Product(ProductId("B2"), "More beans")
    coffee = NomenclatureSegment(COFFEE.id, "Coffee", members=frozenset({BEANS.id, more_beans.id}))
    book = AgreementBook([base, individual], nomenclature_segments=[coffee])
    first, second = book.resolve_many(VOLGA, MAR, [BEANS, more_beans])
    assert second == book.resolve(TermsQuery(VOLGA, MAR, product=more_beans))
    assert (second.agreement, second.base) == (individual, base)
    assert first.explanation.subject == "terms for partner 'V' on 2026-03-01, product 'B'"


def test_resolutions_kept_in_known_are_filled_and_reused_on_the_next_call() -> None:
    base = everyone()
    book = AgreementBook(
        [base, own(base, nomenclature_segment_id=COFFEE.id)], nomenclature_segments=[COFFEE]
    )
    known: dict[tuple[SegmentId, ...], ResolvedTerms] = {}
    first = book.resolve_many(VOLGA, MAR, [BEANS, CUPS], known=known)
    # Beans are coffee (the individual agreement), cups are not (the typical one).
    assert {key: r.agreement.id for key, r in known.items()} == {("COFFEE",): "IA", (): "TA"}
    again = book.resolve_many(VOLGA, MAR, [CUPS, BEANS], known=known)
    assert again[0] is first[1]
    assert again[1] is first[0]


def test_an_empty_set_or_mapping_of_terms_reads_none_and_entries_are_comma_separated() -> None:
    assert format_term(frozenset()) == "none"
    assert format_term({}) == "none"
    assert format_term({"PARTS": 2, "MACHINES": 3}) == "MACHINES: 3, PARTS: 2"


def test_a_missing_base_is_found_whatever_comes_before_it_in_the_book() -> None:
    base = everyone("TA-GONE")
    with pytest.raises(AgreementError, match=r"its base 'TA-GONE' is missing"):
        AgreementBook([everyone("TA-OTHER"), own(base)])


def test_no_agreement_at_all_says_there_were_no_candidates() -> None:
    with pytest.raises(
        AgreementError,
        match=r"^no agreement applies to partner 'V' on 2026-03-01 "
        r"\(no candidates\); activate or add",
    ):
        AgreementBook([]).resolve(TermsQuery(VOLGA, MAR))
