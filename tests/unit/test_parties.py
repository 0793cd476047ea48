"""Parties: identities are checked on entry, segments decide membership."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescore.errors import InvalidInputError
from salescore.parties import (
    ClientSegment,
    Counterparty,
    CounterpartyId,
    Criterion,
    LegalForm,
    NomenclatureSegment,
    Organization,
    OrganizationId,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerRelation,
    Product,
    ProductId,
    RelationKind,
    SegmentId,
    check_inn,
)
from salescore.tax import VatCategory

P = PartnerId("P1")


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7701081233"])
def test_valid_inns_pass(inn: str) -> None:
    assert check_inn(inn)


@pytest.mark.parametrize(
    "inn", ["7707083890", "500100732250", "12345", "77070838９3", "abcdefghij"]
)
def test_invalid_inns_fail(inn: str) -> None:
    assert not check_inn(inn)


def test_a_counterparty_with_a_bad_inn_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInputError, match=r"counterparty 'C1'.*wrong check digit"):
        Counterparty(CounterpartyId("C1"), P, "Acme", tax_id="7707083890")
    with pytest.raises(InvalidInputError, match="10 digits"):
        Counterparty(CounterpartyId("C1"), P, "Acme", tax_id="123")


def test_foreign_tax_ids_are_not_checked_as_inn() -> None:
    foreign = Counterparty(CounterpartyId("C1"), P, "Acme GmbH", tax_id="DE123", country="DE")
    assert foreign.tax_id == "DE123"


def test_only_a_legal_entity_has_a_kpp() -> None:
    with pytest.raises(InvalidInputError, match="only a legal entity has a KPP"):
        Counterparty(
            CounterpartyId("C1"),
            P,
            "IE Ivanov",
            LegalForm.INDIVIDUAL_ENTREPRENEUR,
            "500100732259",
            "500101001",
        )
    with pytest.raises(InvalidInputError, match="KPP"):
        Organization(OrganizationId("O"), "Us", "7707083893", "77")


def test_empty_ids_and_names_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"Partner\.id must be a non-empty string"):
        Partner(PartnerId(" "), "Acme")
    with pytest.raises(InvalidInputError, match=r"Partner\.name"):
        Partner(P, "")


def test_a_partner_cannot_be_related_to_itself() -> None:
    with pytest.raises(InvalidInputError, match="itself"):
        PartnerRelation("R", P, P, RelationKind.HOLDING)


def test_rule_segments_match_fields_attributes_and_set_valued_fields() -> None:
    suppliers = ClientSegment(
        SegmentId("S"), "Suppliers", rule=(Criterion("kinds", frozenset({"supplier"})),)
    )
    moscow_clients = ClientSegment(
        SegmentId("M"),
        "Moscow",
        rule=(
            Criterion("kinds", frozenset({"client"})),
            Criterion("attributes.region", frozenset({"Moscow"})),
        ),
    )
    both = Partner(
        P,
        "Acme",
        frozenset({PartnerKind.CLIENT, PartnerKind.SUPPLIER}),
        attributes={"region": "Moscow"},
    )
    elsewhere = Partner(PartnerId("P2"), "Far", attributes={"region": "Omsk"})
    assert suppliers.contains(both)
    assert moscow_clients.contains(both)
    assert not moscow_clients.contains(elsewhere)
    assert not suppliers.contains(elsewhere)


def test_list_segments_contain_exactly_their_members() -> None:
    segment = NomenclatureSegment(SegmentId("N"), "Two", members=frozenset({ProductId("A")}))
    assert segment.contains(Product(ProductId("A"), "a"))
    assert not segment.contains(Product(ProductId("B"), "b"))


def test_a_segment_has_a_list_or_a_rule_not_both_and_known_fields_only() -> None:
    with pytest.raises(InvalidInputError, match="either members or a rule"):
        ClientSegment(
            SegmentId("X"), "X", members=frozenset({P}), rule=(Criterion("name", frozenset({"a"})),)
        )
    with pytest.raises(InvalidInputError, match="unknown field 'colour'"):
        NomenclatureSegment(SegmentId("X"), "X", rule=(Criterion("colour", frozenset({"red"})),))


def test_products_validate_vat_and_measures() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown VAT category '20'.*'reduced'"):
        Product(ProductId("A"), "a", vat_category="20")
    assert Product(ProductId("A"), "a", vat_category="reduced").vat_category is VatCategory.REDUCED
    assert Product(ProductId("A"), "a", weight_kg="1.5").weight_kg == Decimal("1.5")


def test_partners_with_attributes_are_hashable_values() -> None:
    a = Partner(P, "Acme", attributes={"k": "v"})
    assert a == Partner(P, "Acme", attributes={"k": "v"})
    assert len({a, a}) == 1
