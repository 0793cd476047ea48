"""Resolution: which agreement applies, by documented precedence, and never silently."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.adapters.memory import MemoryStore
from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    SourceKind,
    Terms,
    TermsQuery,
    create_individual,
)
from salescore.app.agreements import resolve_terms
from salescore.errors import AgreementError, AmbiguousAgreementError
from salescore.parties import (
    ClientSegment,
    CounterpartyId,
    Criterion,
    NomenclatureSegment,
    OrganizationId,
    Partner,
    PartnerId,
    Product,
    ProductId,
    SegmentId,
    WarehouseId,
)
from salescore.pricing import PriceTypeId

ACTIVE = AgreementStatus.ACTIVE
JAN = date(2026, 1, 1)
MAR = date(2026, 3, 1)
WHOLESALE = ClientSegment(
    SegmentId("WHOLESALE"),
    "Wholesale",
    rule=(Criterion("attributes.channel", frozenset({"wholesale"})),),
)
BIG = ClientSegment(SegmentId("BIG"), "Big", members=frozenset({PartnerId("V")}))
COFFEE = NomenclatureSegment(SegmentId("COFFEE"), "Coffee", members=frozenset({ProductId("B")}))
VOLGA = Partner(PartnerId("V"), "Volga", attributes={"channel": "wholesale"})
OTHER = Partner(PartnerId("O"), "Other", attributes={"channel": "wholesale"})
BEANS = Product(ProductId("B"), "Beans")
MACHINE = Product(ProductId("M"), "Machine")


def typical(id: str, **kwargs: object) -> Agreement:
    kwargs.setdefault("valid_from", JAN)
    kwargs.setdefault("status", ACTIVE)
    kwargs.setdefault("client_segment_id", WHOLESALE.id)
    return Agreement.typical(AgreementId(id), id, **kwargs)  # type: ignore[arg-type]


def individual(id: str, base: Agreement, **kwargs: object) -> Agreement:
    kwargs.setdefault("valid_from", JAN)
    kwargs.setdefault("partner_id", VOLGA.id)
    agreement = create_individual(base, AgreementId(id), id, **kwargs)  # type: ignore[arg-type]
    return agreement.with_status(ACTIVE)


def book(*agreements: Agreement) -> AgreementBook:
    return AgreementBook(agreements, [WHOLESALE, BIG], [COFFEE])


def test_an_individual_agreement_wins_over_the_typical_one_it_was_made_from() -> None:
    base = typical("TA")
    resolved = book(base, individual("IA", base)).resolve(TermsQuery(VOLGA, MAR))
    assert (resolved.agreement.id, resolved.base) == ("IA", base)


def test_another_clients_individual_agreement_is_not_a_candidate() -> None:
    base = typical("TA")
    resolved = book(base, individual("IA", base)).resolve(TermsQuery(OTHER, MAR))
    assert resolved.agreement.id == "TA"
    assert "IA" not in resolved.explanation.as_text()


def test_a_nomenclature_segment_agreement_wins_for_its_products_only() -> None:
    agreements = book(typical("TA"), typical("TC", nomenclature_segment_id=COFFEE.id))
    assert agreements.resolve(TermsQuery(VOLGA, MAR, product=BEANS)).agreement.id == "TC"
    assert agreements.resolve(TermsQuery(VOLGA, MAR, product=MACHINE)).agreement.id == "TA"
    assert agreements.resolve(TermsQuery(VOLGA, MAR)).agreement.id == "TA"
    by_segment = TermsQuery(VOLGA, MAR, nomenclature_segment_id=COFFEE.id)
    assert agreements.resolve(by_segment).agreement.id == "TC"


def test_a_client_segment_agreement_wins_over_one_for_every_client() -> None:
    agreements = book(typical("T-ALL", client_segment_id=None), typical("TA"))
    assert agreements.resolve(TermsQuery(VOLGA, MAR)).agreement.id == "TA"
    stranger = Partner(PartnerId("S"), "Stranger")
    assert agreements.resolve(TermsQuery(stranger, MAR)).agreement.id == "T-ALL"


def test_a_counterparty_specific_individual_agreement_wins_and_a_wrong_one_is_rejected() -> None:
    base = typical("TA")
    general = individual("IA-ANY", base)
    fixed = individual("IA-LLC", base, counterparty_id=CounterpartyId("LLC"))
    agreements = book(base, general, fixed)
    assert agreements.resolve(TermsQuery(VOLGA, MAR)).agreement.id == "IA-LLC"
    other = TermsQuery(VOLGA, MAR, counterparty_id=CounterpartyId("IE"))
    resolved = agreements.resolve(other)
    assert resolved.agreement.id == "IA-ANY"
    assert "rejected: is for counterparty 'LLC'" in resolved.explanation.as_text()


def test_an_agreement_of_another_organization_is_rejected_when_the_query_names_one() -> None:
    agreements = book(typical("TA", terms=Terms(organization_id=OrganizationId("ORG-1"))))
    query = TermsQuery(VOLGA, MAR, organization_id=OrganizationId("ORG-2"))
    with pytest.raises(AgreementError, match="sells from organization 'ORG-1'"):
        agreements.resolve(query)


def test_two_equally_specific_agreements_are_an_error_naming_both() -> None:
    agreements = book(typical("TA"), typical("TB", client_segment_id=BIG.id))
    with pytest.raises(AmbiguousAgreementError, match="'TA' and 'TB' apply equally") as info:
        agreements.resolve(TermsQuery(VOLGA, MAR))
    assert info.value.details["agreements"] == ("TA", "TB")


def test_no_applying_agreement_is_an_error_listing_why_each_candidate_was_rejected() -> None:
    agreements = book(typical("TA", status=AgreementStatus.NOT_AGREED))
    with pytest.raises(AgreementError, match="candidate TA: rejected: status is not_agreed"):
        agreements.resolve(TermsQuery(VOLGA, MAR))


def test_an_individual_agreement_lapses_with_its_base() -> None:
    base = typical("TA", valid_to=date(2026, 6, 30))
    agreements = book(
        base, individual("IA", base), typical("TC", nomenclature_segment_id=COFFEE.id)
    )
    resolved = agreements.resolve(TermsQuery(VOLGA, date(2026, 7, 1), product=BEANS))
    assert resolved.agreement.id == "TC"
    assert "rejected: its base 'TA' is not in force" in resolved.explanation.as_text()


def test_every_term_names_its_source() -> None:
    base = typical("TA", terms=Terms(price_type_id=PriceTypeId("W"), payment_schedule_id="NET-14"))
    own = individual(
        "IA", base, terms=Terms(payment_schedule_id="NET-30", warehouse_id=WarehouseId("MAIN"))
    )
    resolved = book(base, own).resolve(TermsQuery(VOLGA, MAR))
    kinds = {s.term: s.kind for s in resolved.sources}
    assert kinds["price_type_id"] is SourceKind.INHERITED
    assert kinds["payment_schedule_id"] is SourceKind.OVERRIDDEN
    assert kinds["warehouse_id"] is SourceKind.FILLED
    assert kinds["currency"] is SourceKind.OPEN
    assert resolved.source("payment_schedule_id").replaced == "NET-14"
    assert resolved.terms.payment_schedule_id == "NET-30"
    row = next(r for r in resolved.explanation.as_rows() if r["description"] == "payment schedule")
    assert row["value"] == "NET-30"
    assert row["source"] == "individual agreement 'IA' overrides NET-14 of typical agreement 'TA'"


def test_a_typical_agreements_own_terms_are_marked_as_its_own() -> None:
    resolved = book(typical("TA", terms=Terms(price_type_id=PriceTypeId("W")))).resolve(
        TermsQuery(VOLGA, MAR)
    )
    assert resolved.source("price_type_id").kind is SourceKind.OWN
    assert resolved.source("price_type_id").describe() == "set by typical agreement 'TA'"


def test_a_book_refuses_duplicate_ids_and_a_missing_base() -> None:
    base = typical("TA")
    with pytest.raises(AgreementError, match="two different agreements have the id 'TA'"):
        book(base, typical("TA", valid_from=MAR))
    with pytest.raises(AgreementError, match="its base 'TA' is missing"):
        AgreementBook([individual("IA", base)])


def test_an_agreement_naming_a_segment_that_was_not_loaded_is_an_error() -> None:
    agreements = AgreementBook([typical("TA")])
    with pytest.raises(AgreementError, match="client segment 'WHOLESALE', which is not loaded"):
        agreements.resolve(TermsQuery(VOLGA, MAR))


# --- properties ----------------------------------------------------------------

DAY0 = date(2026, 1, 1)
statuses = st.sampled_from(list(AgreementStatus))


@st.composite
def agreement_sets(draw: st.DrawFn) -> list[Agreement]:
    """Typical agreements over two client segments and coffee, and individual ones."""
    agreements: list[Agreement] = []
    for index in range(draw(st.integers(1, 6))):
        start = DAY0 + timedelta(days=draw(st.integers(0, 90)))
        length = draw(st.none() | st.integers(0, 120))
        agreements.append(
            Agreement.typical(
                AgreementId(f"T{index}"),
                f"typical {index}",
                valid_from=start,
                valid_to=None if length is None else start + timedelta(days=length),
                client_segment_id=draw(st.sampled_from([WHOLESALE.id, BIG.id, None])),
                nomenclature_segment_id=draw(st.sampled_from([COFFEE.id, None])),
                status=draw(statuses),
            )
        )
    typicals = [a for a in agreements if a.status is not AgreementStatus.CLOSED]
    for index in range(draw(st.integers(0, 3)) if typicals else 0):
        start = DAY0 + timedelta(days=draw(st.integers(0, 90)))
        made = create_individual(
            draw(st.sampled_from(typicals)),
            AgreementId(f"I{index}"),
            f"individual {index}",
            partner_id=draw(st.sampled_from([VOLGA.id, OTHER.id])),
            valid_from=start,
            valid_to=draw(st.none() | st.just(start + timedelta(days=60))),
        )
        agreements.append(made.with_status(draw(statuses)))
    return agreements


queries = st.builds(
    TermsQuery,
    st.sampled_from([VOLGA, OTHER]),
    st.dates(DAY0, DAY0 + timedelta(days=240)),
    product=st.sampled_from([None, BEANS, MACHINE]),
)


def _outcome(agreements: list[Agreement], query: TermsQuery) -> str:
    try:
        return book(*agreements).resolve(query).explanation.as_text()
    except AgreementError as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=150)
@given(agreement_sets(), queries)
def test_resolution_never_returns_an_agreement_that_is_not_in_force(
    agreements: list[Agreement], query: TermsQuery
) -> None:
    try:
        resolved = book(*agreements).resolve(query)
    except AgreementError:
        return
    for agreement in (resolved.agreement, resolved.base):
        if agreement is not None:
            assert agreement.status is AgreementStatus.ACTIVE
            assert agreement.valid_from <= query.on
            assert agreement.valid_to is None or query.on <= agreement.valid_to


@settings(max_examples=150)
@given(agreement_sets(), queries, st.randoms(use_true_random=False))
def test_resolution_does_not_depend_on_the_order_agreements_were_stored_in(
    agreements: list[Agreement], query: TermsQuery, random: object
) -> None:
    shuffled = list(agreements)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _outcome(shuffled, query) == _outcome(list(reversed(agreements)), query)
    assert _outcome(agreements, query) == _outcome(shuffled, query)


@settings(max_examples=150)
@given(agreement_sets(), queries)
def test_resolution_fails_only_when_no_agreement_or_several_equally_specific_ones_apply(
    agreements: list[Agreement], query: TermsQuery
) -> None:
    by_id = {a.id: a for a in agreements}

    def applies(a: Agreement) -> bool:
        base = by_id.get(a.base_id) if a.base_id else None
        client = (
            a.partner_id == query.partner.id
            if a.is_individual
            else (
                a.client_segment_id is None
                or (a.client_segment_id == WHOLESALE.id)  # both test partners are wholesale
                or (a.client_segment_id == BIG.id and query.partner.id == VOLGA.id)
            )
        )
        product = a.nomenclature_segment_id is None or query.product == BEANS
        return (
            client
            and product
            and a.is_in_force_on(query.on)
            and (base is None or base.is_in_force_on(query.on))
        )

    applying = [a for a in agreements if applies(a)]
    try:
        resolved = book(*agreements).resolve(query)
    except AmbiguousAgreementError:
        assert len(applying) >= 2
        return
    except AgreementError:
        assert applying == []
        return
    assert resolved.agreement in applying


def test_a_named_agreement_is_only_checked_and_explained_not_outranked() -> None:
    base = typical("TA")
    agreements = book(base, individual("IA", base))
    resolved = agreements.resolve(TermsQuery(VOLGA, MAR, agreement_id=AgreementId("TA")))
    assert resolved.agreement.id == "TA"
    assert "IA" not in resolved.explanation.as_text()
    early = TermsQuery(VOLGA, date(2025, 6, 1), agreement_id=AgreementId("TA"))
    with pytest.raises(AgreementError, match="candidate TA: rejected: valid only from 2026-01-01"):
        agreements.resolve(early)


def test_a_named_agreement_of_another_client_is_refused() -> None:
    base = typical("TA")
    agreements = book(base, individual("IA", base))
    with pytest.raises(AgreementError, match="individual agreement 'IA' is not for partner 'O'"):
        agreements.resolve(TermsQuery(OTHER, MAR, agreement_id=AgreementId("IA")))
    with pytest.raises(AgreementError, match="agreement 'NOPE' is not in the book"):
        agreements.resolve(TermsQuery(OTHER, MAR, agreement_id=AgreementId("NOPE")))


@settings(max_examples=60)
@given(agreement_sets(), queries, st.randoms(use_true_random=False))
def test_terms_resolved_from_a_store_do_not_depend_on_the_order_agreements_were_stored_in(
    agreements: list[Agreement], query: TermsQuery, random: object
) -> None:
    shuffled = list(agreements)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    store = MemoryStore()
    with store.unit_of_work() as uow:
        for partner in (VOLGA, OTHER):
            uow.partners.add(partner)
        for product in (BEANS, MACHINE):
            uow.products.add(product)
        uow.client_segments.add(WHOLESALE)
        uow.client_segments.add(BIG)
        uow.nomenclature_segments.add(COFFEE)
        for agreement in shuffled:
            uow.agreements.add(agreement)
        try:
            stored = resolve_terms(
                uow,
                query.partner.id,
                query.on,
                product_id=None if query.product is None else query.product.id,
            ).explanation.as_text()
        except AgreementError as exc:
            stored = f"{type(exc).__name__}: {exc}"
    assert stored == _outcome(agreements, query)


def test_asking_for_the_source_of_an_unknown_term_names_the_known_ones() -> None:
    resolved = book(typical("TA")).resolve(TermsQuery(VOLGA, MAR))
    with pytest.raises(AgreementError, match="unknown term 'colour'"):
        resolved.source("colour")


KETTLE = Product(ProductId("K"), "Kettle")


def _each_resolved(agreements: list[Agreement], query: TermsQuery, products: list[Product]) -> str:
    resolved = book(*agreements)
    try:
        found = [
            resolved.resolve(attrs.evolve(query, product=product, counterparty_id=None))
            for product in products
        ]
    except AgreementError as exc:
        return f"{type(exc).__name__}: {exc}"
    return repr(found)


def _resolved_together(
    agreements: list[Agreement], query: TermsQuery, products: list[Product]
) -> str:
    try:
        found = book(*agreements).resolve_many(query.partner, query.on, products)
    except AgreementError as exc:
        return f"{type(exc).__name__}: {exc}"
    return repr(found)


@settings(max_examples=150)
@given(agreement_sets(), queries, st.lists(st.sampled_from([BEANS, MACHINE, KETTLE]), max_size=6))
def test_resolving_a_documents_products_together_equals_resolving_each(
    agreements: list[Agreement], query: TermsQuery, products: list[Product]
) -> None:
    together = _resolved_together(agreements, query, products)
    assert together == _each_resolved(agreements, query, products)
    if not together.startswith(("AgreementError", "AmbiguousAgreementError")):
        for product, terms in zip(
            products, book(*agreements).resolve_many(query.partner, query.on, products), strict=True
        ):
            assert f"product {product.id!r}" in terms.explanation.subject


def test_an_order_naming_its_agreement_is_resolved_once_per_covered_group() -> None:
    coffee = typical("TC", nomenclature_segment_id=COFFEE.id)
    base = typical("TA")
    found = book(base, coffee).resolve_many(
        OTHER, MAR, [MACHINE, BEANS, KETTLE], agreement_id=AgreementId("TA")
    )
    assert [t.agreement.id for t in found] == ["TA", "TA", "TA"]
    assert [t.explanation.subject.split("product ")[1] for t in found] == [
        "'M', agreement 'TA'",
        "'B', agreement 'TA'",
        "'K', agreement 'TA'",
    ]
    chosen = book(base, coffee).resolve_many(OTHER, MAR, [MACHINE, BEANS, KETTLE])
    assert [t.agreement.id for t in chosen] == ["TA", "TC", "TA"]
