"""Checking a proposed sale against the terms: every deviation, with its severity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.agreements import (
    DeviationKind,
    PaymentForm,
    ProposedLine,
    ProposedSale,
    SettlementProcedure,
    Severity,
    Terms,
    check_sale,
    needs_approval,
)
from salescore.errors import InvalidInputError
from salescore.money import Currency, Money
from salescore.parties import OrganizationId, PriceGroupId, ProductId, WarehouseId
from salescore.pricing import PriceTypeId

RUB = Currency.of("RUB")
TERMS = Terms(
    price_type_id=PriceTypeId("WHOLESALE"),
    manual_discount_limit_percent=Decimal(5),
    manual_discount_limits_by_price_group={PriceGroupId("MACHINES"): Decimal(3)},
    currency=RUB,
    payment_schedule_id="NET-14",
    payment_form=PaymentForm.NONCASH,
    settlement_procedure=SettlementProcedure.BY_ORDER,
    warehouse_id=WarehouseId("MAIN"),
    delivery_lead_days=3,
    organization_id=OrganizationId("ORG-1"),
)


def line(price: str, reference: str | None = "100.00", **kwargs: object) -> ProposedLine:
    return ProposedLine(
        ProductId("P"),
        kwargs.pop("quantity", Decimal(1)),
        Money(price, RUB),
        None if reference is None else Money(reference, RUB),
        **kwargs,  # type: ignore[arg-type]
    )


def kinds(sale: ProposedSale, terms: Terms = TERMS) -> list[DeviationKind]:
    return [d.kind for d in check_sale(sale, terms)]


def test_a_sale_on_the_agreed_terms_has_no_deviation() -> None:
    sale = ProposedSale(
        RUB,
        (line("100.00", manual_discount_percent=Decimal(5)),),
        price_type_id=PriceTypeId("WHOLESALE"),
        warehouse_id=WarehouseId("MAIN"),
        payment_schedule_id="NET-14",
        payment_form=PaymentForm.NONCASH,
        settlement_procedure=SettlementProcedure.BY_ORDER,
        delivery_lead_days=3,
        organization_id=OrganizationId("ORG-1"),
    )
    assert check_sale(sale, TERMS) == ()


def test_a_price_below_the_reference_costs_the_difference_times_the_quantity() -> None:
    [deviation] = check_sale(ProposedSale(lines=(line("90.50", quantity=Decimal(3)),)), TERMS)
    assert deviation.kind is DeviationKind.PRICE_BELOW_REFERENCE
    assert deviation.severity is Severity.APPROVAL
    assert deviation.amount == Money("28.50", RUB)
    assert (deviation.line, deviation.expected, deviation.actual) == (1, "100.00 RUB", "90.50 RUB")


def test_a_price_above_the_reference_or_without_one_is_no_deviation() -> None:
    assert kinds(ProposedSale(lines=(line("120.00"), line("1.00", reference=None)))) == []


def test_a_manual_discount_above_the_price_groups_limit_is_a_deviation() -> None:
    machines = PriceGroupId("MACHINES")
    sale = ProposedSale(
        lines=(
            line("100.00", manual_discount_percent=Decimal(4), price_group_id=machines),
            line("100.00", manual_discount_percent=Decimal(4)),
        )
    )
    [deviation] = check_sale(sale, TERMS)
    assert deviation.kind is DeviationKind.DISCOUNT_ABOVE_LIMIT
    assert (deviation.line, deviation.expected, deviation.actual) == (1, "3%", "4%")
    assert deviation.amount == Money("1.00", RUB)


def test_no_discount_limit_in_the_terms_means_no_discount_check() -> None:
    assert kinds(ProposedSale(lines=(line("100.00", manual_discount_percent=50),)), Terms()) == []


def test_each_changed_header_term_is_its_own_deviation() -> None:
    sale = ProposedSale(
        Currency.of("USD"),
        price_type_id=PriceTypeId("RETAIL"),
        warehouse_id=WarehouseId("STORE-1"),
        payment_schedule_id="NET-60",
        payment_form=PaymentForm.CASH,
        settlement_procedure=SettlementProcedure.BY_CONTRACT,
        delivery_lead_days=1,
        organization_id=OrganizationId("ORG-2"),
    )
    found = {d.kind: d for d in check_sale(sale, TERMS)}
    assert set(found) == set(DeviationKind) - {
        DeviationKind.PRICE_BELOW_REFERENCE,
        DeviationKind.DISCOUNT_ABOVE_LIMIT,
    }
    assert found[DeviationKind.CURRENCY_CHANGED].message == (
        "currency is USD, the agreement says RUB"
    )
    assert found[DeviationKind.ORGANIZATION_CHANGED].severity is Severity.BLOCKING
    assert found[DeviationKind.DELIVERY_SOONER].severity is Severity.WARNING


def test_a_term_the_agreement_leaves_open_is_not_checked() -> None:
    assert kinds(ProposedSale(Currency.of("USD"), warehouse_id=WarehouseId("X")), Terms()) == []


def test_any_payment_form_accepts_every_form() -> None:
    any_form = Terms(payment_form=PaymentForm.ANY)
    assert kinds(ProposedSale(payment_form=PaymentForm.CASH), any_form) == []


def test_severities_can_be_set_per_kind() -> None:
    sale = ProposedSale(warehouse_id=WarehouseId("STORE-1"))
    [deviation] = check_sale(sale, TERMS, {DeviationKind.WAREHOUSE_CHANGED: Severity.WARNING})
    assert deviation.severity is Severity.WARNING


def test_approval_is_needed_for_approval_deviations_unless_one_blocks() -> None:
    changed = check_sale(ProposedSale(warehouse_id=WarehouseId("STORE-1")), TERMS)
    blocked = check_sale(
        ProposedSale(warehouse_id=WarehouseId("X"), organization_id=OrganizationId("ORG-2")),
        TERMS,
    )
    assert needs_approval(changed)
    assert not needs_approval(blocked)


def test_bad_sale_lines_are_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInputError, match="quantity must be positive"):
        line("1.00", quantity=Decimal(0))
    with pytest.raises(InvalidInputError, match="manual discount must be a percent"):
        line("1.00", manual_discount_percent=Decimal(101))
    with pytest.raises(InvalidInputError, match="reference price is in USD but the price in RUB"):
        ProposedLine(ProductId("P"), Decimal(1), Money("1.00", RUB), Money("1.00", "USD"))


@given(
    st.integers(1, 10**7),
    st.integers(1, 10**7),
    st.integers(1, 1000),
)
def test_the_cost_of_a_price_cut_is_exact_and_only_cuts_are_deviations(
    price_units: int, reference_units: int, quantity: int
) -> None:
    price, reference = Money.from_minor(price_units, RUB), Money.from_minor(reference_units, RUB)
    sale = ProposedSale(lines=(ProposedLine(ProductId("P"), Decimal(quantity), price, reference),))
    found = check_sale(sale, Terms())
    if price >= reference:
        assert found == ()
    else:
        [deviation] = found
        assert deviation.amount == (reference - price) * quantity
