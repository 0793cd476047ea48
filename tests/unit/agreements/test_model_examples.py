"""Agreements and terms, by example: the edges of a percent limit, a limit of zero per price
group, an individual agreement's own period and what a typical agreement may not name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.agreements import (
    Agreement,
    AgreementId,
    AgreementKind,
    AgreementStatus,
    Terms,
    create_individual,
)
from salescore.errors import AgreementError, InvalidAmountError
from salescore.parties import CounterpartyId, PartnerId, PriceGroupId

JAN = date(2026, 1, 1)


def test_a_limit_just_above_100_percent_is_refused() -> None:
    with pytest.raises(AgreementError, match=r"must be a percent in 0\.\.100, got 100\.01$"):
        Terms(manual_discount_limit_percent="100.01")
    assert Terms(manual_markup_limit_percent=100).manual_markup_limit_percent == Decimal(100)


def test_a_float_limit_is_refused_as_a_percent() -> None:
    with pytest.raises(InvalidAmountError, match=r"^percent cannot be built from a float"):
        Terms(manual_discount_limit_percent=2.5)


def test_a_price_group_limit_of_zero_allows_no_manual_discount_in_that_group() -> None:
    # A limit of 0 % is a limit, not "no limit": the group allows no manual discount at all,
    # while the general limit of 5 % holds for every other group.
    terms = Terms(
        manual_discount_limit_percent=5,
        manual_discount_limits_by_price_group={"MACHINES": 0},
    )
    assert terms.manual_discount_limit(PriceGroupId("MACHINES")) == Decimal(0)
    assert terms.manual_discount_limit(PriceGroupId("PARTS")) == Decimal(5)


def test_an_individual_agreement_keeps_the_end_of_its_own_period() -> None:
    base = Agreement.typical(AgreementId("TA"), "Wholesale", valid_from=JAN)
    own = create_individual(
        base,
        AgreementId("IA"),
        "Volga",
        partner_id=PartnerId("V"),
        valid_from=JAN,
        valid_to=date(2026, 6, 30),
    )
    assert own.valid_to == date(2026, 6, 30)
    assert own.is_valid_on(date(2026, 6, 30))
    assert not own.is_valid_on(date(2026, 7, 1))


def test_a_typical_agreement_may_name_neither_a_counterparty_nor_a_base() -> None:
    with pytest.raises(AgreementError, match="a typical agreement has no partner, counterparty"):
        Agreement(
            AgreementId("TA"),
            "Wholesale",
            AgreementKind.TYPICAL,
            JAN,
            counterparty_id=CounterpartyId("LLC"),
        )
    with pytest.raises(AgreementError, match="a typical agreement has no partner, counterparty"):
        Agreement(
            AgreementId("TA"), "Wholesale", AgreementKind.TYPICAL, JAN, base_id=AgreementId("X")
        )


def test_a_reversed_period_is_refused_naming_the_agreement() -> None:
    with pytest.raises(
        AgreementError, match=r"^typical agreement 'TA': valid_to 2025-12-31 is before valid_from"
    ):
        Agreement.typical(
            AgreementId("TA"),
            "Wholesale",
            valid_from=JAN,
            valid_to=date(2025, 12, 31),
            status=AgreementStatus.ACTIVE,
        )


def test_a_limit_out_of_range_is_refused_in_words_that_name_it() -> None:
    with pytest.raises(AgreementError) as error:
        Terms(manual_markup_limit_percent="-2")
    assert str(error.value) == (
        "a manual discount or markup limit must be a percent in 0..100, got -2"
    )
