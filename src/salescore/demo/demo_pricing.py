"""The demo's pricing section: the sample price types, a price list and one explained price."""

from __future__ import annotations

from salescore.adapters.repositories import Repositories
from salescore.app.pricing import load_snapshot
from salescore.demo.sample_pricing import (
    AVERAGE_PURCHASE,
    MARKET,
    PURCHASE,
    RETAIL,
    SAMPLE_DATE,
    WHOLESALE,
    load_sample_prices,
)
from salescore.parties import ProductId
from salescore.pricing import build_price_list
from salescore.reservation import LedgerStockSource

__all__ = ["pricing_section"]


def pricing_section(uow: Repositories) -> str:
    """Load the sample prices, print the price types, a price list and one explanation."""
    load_sample_prices(uow)
    out = ["== Prices [виды цен, прайс-лист] =="]
    for price_type in uow.price_types.all():
        if price_type.is_calculated:
            how = f"formula {price_type.formula}"
            for group, text in sorted(price_type.group_formulas.items()):
                how += f"; for {group}: {text}"
        elif price_type.partner_id is not None:
            how = f"registered from partner {price_type.partner_id}"
        else:
            how = "registered"
        vat = "incl. VAT" if price_type.vat_included else "excl. VAT"
        out.append(f"- {price_type.name} ({price_type.currency.code}, {vat}): {how}")
    snapshot = load_snapshot(uow, SAMPLE_DATE)
    products = [p.id for p in uow.products.all()]
    price_list = build_price_list(
        snapshot,
        products,
        [PURCHASE, AVERAGE_PURCHASE, WHOLESALE, RETAIL, MARKET],
        stock=LedgerStockSource(uow.stock_ledger),
        warehouse_ids=[w.id for w in uow.warehouses.all()],
    )
    out += ["", price_list.as_text(), ""]
    out.append(price_list.explain(ProductId("BEANS-ARABICA"), RETAIL).as_text())
    return "\n".join(out)
