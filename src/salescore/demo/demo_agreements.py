"""The demo's agreements section: which terms apply to two clients, and why.

It loads the sample agreements, resolves the terms for Volga Kazan and Cafe
Aroma on :data:`~salescore.demo.sample_agreements.SAMPLE_DATE`, checks a
proposed sale against Cafe Aroma's terms and runs its approval.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    ApprovalId,
    Decision,
    PaymentForm,
    ProposedLine,
    ProposedSale,
    check_sale,
)
from salescore.app.agreements import decide_approval, resolve_terms, start_sale_approval
from salescore.demo.sample_agreements import (
    SAMPLE_APPROVAL_POLICY,
    SAMPLE_DATE,
    load_sample_agreements,
)
from salescore.money import Currency, Money
from salescore.parties import PartnerId, PriceGroupId, ProductId, WarehouseId
from salescore.testing import FixedClock

__all__ = ["agreements_section"]


def agreements_section(uow: Repositories) -> str:
    """Sample agreements; the terms two clients get and why; a deviating sale approved."""
    load_sample_agreements(uow)
    out = ["== Agreements [соглашения]: which terms apply, and why =="]
    for agreement in uow.agreements.all():
        scope = agreement.client_segment_id or agreement.partner_id or "every client"
        if agreement.nomenclature_segment_id:
            scope += f" / {agreement.nomenclature_segment_id}"
        out.append(
            f"  {agreement.id:<20} {agreement.kind.value:<10} {agreement.status.value:<10} {scope}"
        )
    resolved = {
        partner_id: resolve_terms(uow, PartnerId(partner_id), SAMPLE_DATE)
        for partner_id in ("VOLGA-KZN", "CAFE")
    }
    for terms in resolved.values():
        out.append("")
        out.append(terms.explanation.as_text())
    coffee = resolve_terms(
        uow, PartnerId("HOLD"), SAMPLE_DATE, product_id=ProductId("BEANS-ARABICA")
    )
    out.append("")
    out.append(
        f"Volga Holding buying coffee beans gets {coffee.agreement.id} "
        f"(price type {coffee.terms.price_type_id}); the narrower nomenclature segment wins."
    )

    rub = Currency.of("RUB")
    cafe = resolved["CAFE"]
    sale = ProposedSale(
        currency=rub,
        warehouse_id=WarehouseId("MAIN"),
        payment_form=PaymentForm.CARD,
        lines=(
            ProposedLine(
                ProductId("CM-300"),
                Decimal(2),
                Money("52000.00", rub),
                Money("58000.00", rub),
                manual_discount_percent=Decimal(5),
                price_group_id=PriceGroupId("MACHINES"),
            ),
        ),
    )
    deviations = check_sale(sale, cafe.terms)
    out.append("")
    out.append(f"A proposed sale to Cafe Aroma under {cafe.agreement.id} deviates:")
    out.extend(f"  {deviation}" for deviation in deviations)
    clock = FixedClock(datetime(2026, 3, 10, 9, 30, tzinfo=UTC))
    process = start_sale_approval(
        uow,
        ApprovalId("AP-DEMO-1"),
        "sale to Cafe Aroma",
        deviations,
        SAMPLE_APPROVAL_POLICY,
        clock,
        "petrov",
        agreement_id=cafe.agreement.id,
    )
    decide_approval(uow, process.id, "cfo", Decision.APPROVE, clock, "one-off, new cafe")
    process = decide_approval(uow, process.id, "head_of_sales", Decision.APPROVE, clock)
    out.append(f"Approval {process.id}: {process.status.value}; history:")
    out.extend(
        f"  {event.actor:<14} {event.action:<16} {event.comment}".rstrip()
        for event in process.history
    )
    return "\n".join(out)
