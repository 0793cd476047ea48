"""Checking a sale, by example: whole deviations (product, expected, actual), the caller's
decimal context, per-kind severities and the edges of a line's values."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from salescore.agreements import (
    Deviation,
    DeviationKind,
    PaymentForm,
    ProposedLine,
    ProposedSale,
    SettlementProcedure,
    Severity,
    Terms,
    check_sale,
)
from salescore.errors import InvalidAmountError
from salescore.money import Currency, Money
from salescore.parties import OrganizationId, ProductId, WarehouseId

RUB = Currency.of("RUB")


def test_a_price_below_the_reference_names_the_lines_product() -> None:
    line = ProposedLine(ProductId("CM-100"), Decimal(2), Money("90.00", RUB), Money("100.00", RUB))
    assert check_sale(ProposedSale(lines=(line,)), Terms()) == (
        Deviation(
            DeviationKind.PRICE_BELOW_REFERENCE,
            Severity.APPROVAL,
            "line 1 (CM-100): price 90.00 RUB is below the reference price 100.00 RUB "
            "(by 20.00 RUB)",
            line=1,
            product_id=ProductId("CM-100"),
            expected="100.00 RUB",
            actual="90.00 RUB",
            amount=Money("20.00", RUB),
        ),
    )


def test_a_discount_above_the_limit_names_the_lines_product_and_costs_the_excess() -> None:
    # 3 units at 200.00 with 7.5 % given where 5 % is allowed: 2.5 % of 600.00 = 15.00.
    line = ProposedLine(
        ProductId("CM-100"), Decimal(3), Money("200.00", RUB), manual_discount_percent="7.5"
    )
    terms = Terms(manual_discount_limit_percent=Decimal(5))
    assert check_sale(ProposedSale(lines=(line,)), terms) == (
        Deviation(
            DeviationKind.DISCOUNT_ABOVE_LIMIT,
            Severity.APPROVAL,
            "line 1 (CM-100): manual discount 7.5% is above the limit of 5%",
            line=1,
            product_id=ProductId("CM-100"),
            expected="5%",
            actual="7.5%",
            amount=Money("15.00", RUB),
        ),
    )


def test_the_callers_decimal_context_changes_neither_the_cost_nor_the_percent_shown() -> None:
    # 12,345 units at 1.00 with 6.125 % given where 5 % is allowed: 1.125 % of 12,345.00
    # = 138.88125, rounded half up to 138.88. A caller working with 3 significant digits
    # must not get 139 or "6.13%".
    line = ProposedLine(
        ProductId("P"), Decimal(12345), Money("1.00", RUB), manual_discount_percent="6.125"
    )
    terms = Terms(manual_discount_limit_percent=Decimal(5))
    with decimal.localcontext(decimal.Context(prec=3)):
        [deviation] = check_sale(ProposedSale(lines=(line,)), terms)
    assert deviation.amount == Money("138.88", RUB)
    assert deviation.actual == "6.125%"
    assert deviation.message == "line 1 (P): manual discount 6.125% is above the limit of 5%"


def test_a_changed_header_term_gives_expected_and_actual_as_text() -> None:
    terms = Terms(warehouse_id=WarehouseId("MAIN"), payment_form=PaymentForm.NONCASH)
    sale = ProposedSale(warehouse_id=WarehouseId("STORE-1"), payment_form=PaymentForm.CASH)
    assert check_sale(sale, terms) == (
        Deviation(
            DeviationKind.WAREHOUSE_CHANGED,
            Severity.APPROVAL,
            "shipping warehouse is STORE-1, the agreement says MAIN",
            expected="MAIN",
            actual="STORE-1",
        ),
        Deviation(
            DeviationKind.PAYMENT_FORM_CHANGED,
            Severity.APPROVAL,
            "payment form is cash, the agreement says noncash",
            expected="noncash",
            actual="cash",
        ),
    )


def test_delivery_sooner_than_agreed_gives_both_lead_times() -> None:
    terms = Terms(delivery_lead_days=3)
    assert check_sale(ProposedSale(delivery_lead_days=1), terms) == (
        Deviation(
            DeviationKind.DELIVERY_SOONER,
            Severity.WARNING,
            "delivery in 1 working days, the agreement allows 3 at the soonest",
            expected="3",
            actual="1",
        ),
    )
    assert check_sale(ProposedSale(delivery_lead_days=3), terms) == ()


def test_any_payment_form_does_not_stop_the_check_of_the_later_terms() -> None:
    # The payment form comes before settlement procedure and organization in the check.
    terms = Terms(
        payment_form=PaymentForm.ANY,
        settlement_procedure=SettlementProcedure.BY_ORDER,
        organization_id=OrganizationId("ORG-1"),
    )
    sale = ProposedSale(
        payment_form=PaymentForm.CARD,
        settlement_procedure=SettlementProcedure.BY_CONTRACT,
        organization_id=OrganizationId("ORG-2"),
    )
    assert [d.kind for d in check_sale(sale, terms)] == [
        DeviationKind.SETTLEMENT_PROCEDURE_CHANGED,
        DeviationKind.ORGANIZATION_CHANGED,
    ]


def test_kinds_the_callers_severities_leave_out_keep_their_default() -> None:
    terms = Terms(warehouse_id=WarehouseId("MAIN"), organization_id=OrganizationId("ORG-1"))
    sale = ProposedSale(
        warehouse_id=WarehouseId("STORE-1"), organization_id=OrganizationId("ORG-2")
    )
    found = check_sale(sale, terms, {DeviationKind.WAREHOUSE_CHANGED: Severity.WARNING})
    assert [(d.kind, d.severity) for d in found] == [
        (DeviationKind.WAREHOUSE_CHANGED, Severity.WARNING),
        (DeviationKind.ORGANIZATION_CHANGED, Severity.BLOCKING),
    ]


def test_a_full_manual_discount_of_100_percent_is_a_valid_line() -> None:
    line = ProposedLine(
        ProductId("GIFT"), Decimal(1), Money("50.00", RUB), manual_discount_percent=100
    )
    assert line.manual_discount_percent == Decimal(100)


def test_a_float_quantity_or_percent_is_refused_naming_what_it_is() -> None:
    with pytest.raises(InvalidAmountError, match=r"^quantity or percent cannot be built from"):
        ProposedLine(ProductId("P"), 1.5, Money("1.00", RUB))
    with pytest.raises(InvalidAmountError, match=r"^quantity or percent cannot be built from"):
        ProposedLine(ProductId("P"), 1, Money("1.00", RUB), manual_discount_percent=2.5)
