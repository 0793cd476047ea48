"""Agreements and their terms: building, inheriting, statuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.agreements import (
    TERM_LABELS,
    Agreement,
    AgreementId,
    AgreementKind,
    AgreementStatus,
    Terms,
    create_individual,
)
from salescore.errors import AgreementError, InvalidInputError
from salescore.money import Currency
from salescore.parties import OrganizationId, PartnerId, PriceGroupId, SegmentId, WarehouseId
from salescore.pricing import PriceTypeId

JAN = date(2026, 1, 1)
BASE = Agreement.typical(
    AgreementId("TA"),
    "Wholesale",
    valid_from=JAN,
    client_segment_id=SegmentId("WHOLESALE"),
    terms=Terms(price_type_id=PriceTypeId("W"), currency=Currency.of("RUB")),
    status=AgreementStatus.ACTIVE,
)

term_values = st.fixed_dictionaries(
    {},
    optional={
        "price_type_id": st.sampled_from(["W", "R"]),
        "discount_scope": st.frozensets(st.sampled_from(["D1", "D2"])),
        "manual_discount_limit_percent": st.integers(0, 100).map(Decimal),
        "currency": st.sampled_from([Currency.of("RUB"), Currency.of("USD")]),
        "warehouse_id": st.sampled_from([WarehouseId("MAIN"), WarehouseId("STORE-1")]),
        "delivery_lead_days": st.integers(0, 30),
        "organization_id": st.sampled_from([OrganizationId("ORG-1"), OrganizationId("ORG-2")]),
    },
).map(lambda values: Terms(**values))  # type: ignore[arg-type]


@given(term_values, term_values)
def test_an_overlay_takes_every_set_term_of_the_refinement_and_keeps_the_rest(
    base: Terms, refinement: Terms
) -> None:
    merged = base.overlay(refinement)
    for name in TERM_LABELS:
        expected = refinement.get(name) if refinement.get(name) is not None else base.get(name)
        assert merged.get(name) == expected


def test_a_price_group_refinement_of_the_manual_discount_limit_wins_over_the_general_one() -> None:
    terms = Terms(
        manual_discount_limit_percent=Decimal(5),
        manual_discount_limits_by_price_group={PriceGroupId("MACHINES"): Decimal(3)},
    )
    assert terms.manual_discount_limit(PriceGroupId("MACHINES")) == 3
    assert terms.manual_discount_limit(PriceGroupId("CONSUMABLES")) == 5
    assert Terms().manual_discount_limit(None) is None


def test_the_markup_limit_is_its_own_term_refined_per_price_group_and_overlaid() -> None:
    typical = Terms(
        manual_discount_limit_percent=Decimal(5),
        manual_markup_limit_percent=Decimal(2),
        manual_markup_limits_by_price_group={"MACHINES": "1"},
    )
    assert typical.manual_markup_limit(PriceGroupId("MACHINES")) == 1
    assert typical.manual_markup_limit(PriceGroupId("CONSUMABLES")) == 2
    assert typical.manual_discount_limit(PriceGroupId("MACHINES")) == 5  # not the markup's
    individual = typical.overlay(Terms(manual_markup_limit_percent=Decimal("0.5")))
    assert individual.manual_markup_limit(None) == Decimal("0.5")
    assert individual.manual_markup_limit(PriceGroupId("MACHINES")) == 1
    with pytest.raises(AgreementError, match=r"percent in 0\.\.100, got -1"):
        Terms(manual_markup_limit_percent=Decimal(-1))


def test_a_currency_code_is_taken_as_its_currency_and_an_unknown_one_refused_at_once() -> None:
    assert Terms(currency="rub").currency is Currency.of("RUB")
    with pytest.raises(InvalidInputError, match="unknown currency code 'RUBLES'"):
        Terms(currency="RUBLES")


def test_a_discount_limit_outside_0_to_100_percent_is_refused() -> None:
    with pytest.raises(AgreementError, match=r"percent in 0\.\.100, got 120"):
        Terms(manual_discount_limit_percent=Decimal(120))


def test_a_negative_delivery_lead_time_is_refused() -> None:
    with pytest.raises(AgreementError, match="0 or more working days"):
        Terms(delivery_lead_days=-1)


def test_asking_for_an_unknown_term_names_the_known_ones() -> None:
    with pytest.raises(AgreementError, match="unknown term 'colour'; use one of price_type_id"):
        Terms().get("colour")


def test_an_individual_agreement_keeps_only_its_own_terms_and_names_its_base() -> None:
    own = Terms(warehouse_id=WarehouseId("MAIN"))
    individual = create_individual(
        BASE, AgreementId("IA"), "Volga", partner_id=PartnerId("V"), valid_from=JAN, terms=own
    )
    assert individual.kind is AgreementKind.INDIVIDUAL
    assert individual.base_id == "TA"
    assert individual.terms == own
    assert individual.status is AgreementStatus.NOT_AGREED


def test_an_individual_agreement_covers_its_bases_nomenclature_segment_unless_told() -> None:
    coffee = Agreement.typical(
        AgreementId("TC"), "Coffee", valid_from=JAN, nomenclature_segment_id=SegmentId("COFFEE")
    )
    kept = create_individual(
        coffee, AgreementId("I1"), "x", partner_id=PartnerId("V"), valid_from=JAN
    )
    changed = create_individual(
        coffee,
        AgreementId("I2"),
        "x",
        partner_id=PartnerId("V"),
        valid_from=JAN,
        nomenclature_segment_id=SegmentId("BEANS"),
    )
    assert (kept.nomenclature_segment_id, changed.nomenclature_segment_id) == ("COFFEE", "BEANS")


def test_an_individual_agreement_cannot_be_made_from_a_closed_typical_one() -> None:
    closed = BASE.with_status(AgreementStatus.CLOSED)
    with pytest.raises(AgreementError, match="its base 'TA' is closed") as info:
        create_individual(closed, AgreementId("IA"), "x", partner_id=PartnerId("V"), valid_from=JAN)
    assert info.value.details == {"agreement": "IA", "base": "TA"}


def test_an_individual_agreement_cannot_be_made_from_another_individual_one() -> None:
    individual = create_individual(
        BASE, AgreementId("IA"), "x", partner_id=PartnerId("V"), valid_from=JAN
    )
    with pytest.raises(AgreementError, match="make it from a typical agreement"):
        create_individual(
            individual, AgreementId("IB"), "x", partner_id=PartnerId("V"), valid_from=JAN
        )


def test_a_validity_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(AgreementError, match="valid_to 2025-12-31 is before valid_from"):
        Agreement.typical(AgreementId("T"), "x", valid_from=JAN, valid_to=date(2025, 12, 31))


def test_a_typical_agreement_cannot_name_a_partner_and_an_individual_needs_one() -> None:
    with pytest.raises(AgreementError, match="a typical agreement has no partner"):
        Agreement(AgreementId("T"), "x", AgreementKind.TYPICAL, JAN, partner_id=PartnerId("V"))
    with pytest.raises(AgreementError, match="needs a partner and a base"):
        Agreement(AgreementId("I"), "x", AgreementKind.INDIVIDUAL, JAN, partner_id=PartnerId("V"))
    with pytest.raises(AgreementError, match="not a client segment"):
        Agreement(
            AgreementId("I"),
            "x",
            AgreementKind.INDIVIDUAL,
            JAN,
            partner_id=PartnerId("V"),
            base_id=AgreementId("TA"),
            client_segment_id=SegmentId("W"),
        )


def test_a_closed_agreement_stays_closed() -> None:
    closed = BASE.with_status(AgreementStatus.CLOSED)
    assert closed.with_status(AgreementStatus.CLOSED) == closed
    with pytest.raises(AgreementError, match="is closed and cannot become active"):
        closed.with_status(AgreementStatus.ACTIVE)


def test_an_agreement_is_in_force_only_when_active_and_within_its_period() -> None:
    draft = Agreement.typical(AgreementId("T"), "x", valid_from=JAN, valid_to=date(2026, 6, 30))
    active = draft.with_status(AgreementStatus.ACTIVE)
    assert not draft.is_in_force_on(date(2026, 3, 1))
    assert active.is_in_force_on(JAN)
    assert active.is_in_force_on(date(2026, 6, 30))
    assert not active.is_in_force_on(date(2025, 12, 31))
    assert not active.is_in_force_on(date(2026, 7, 1))
