"""The demo: load the sample company into a store and report on it.

Each context adds its part of the flow as one more section, in the order a
sale goes: the company, prices, agreements, an order, its reservation, its
payment schedule, the receivables, and a
proposal that becomes a confirmed order.
"""

from __future__ import annotations

from collections.abc import Callable

from salescore.adapters.repositories import Repositories
from salescore.app.stores import Store
from salescore.demo.demo_agreements import agreements_section
from salescore.demo.demo_crm import crm_section
from salescore.demo.demo_delivery import delivery_section
from salescore.demo.demo_devices import devices_section
from salescore.demo.demo_discounts import discounts_section
from salescore.demo.demo_orders import orders_section
from salescore.demo.demo_pricing import pricing_section
from salescore.demo.demo_receivables import receivables_section
from salescore.demo.demo_reservation import reservation_section
from salescore.demo.demo_retail import retail_section
from salescore.demo.demo_shipping import shipping_section
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_reservation import load_sample_stock
from salescore.explain import text_table
from salescore.parties import PartnerKind

__all__ = ["SECTIONS", "company_section", "run_demo"]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    return "\n".join(text_table(headers, rows))


def company_section(uow: Repositories) -> str:
    """Organizations, partners with their counterparties and segments, products, warehouses."""
    out = ["== The sample company =="]
    out.append("Our organizations:")
    out.append(
        _table(
            ["id", "name", "INN", "KPP"],
            [[o.id, o.name, o.tax_id or "", o.kpp or ""] for o in uow.organizations.all()],
        )
    )
    segments = uow.client_segments.all()
    rows = []
    for partner in uow.partners.all():
        kinds = ", ".join(sorted(k.value for k in partner.kinds))
        member_of = ", ".join(s.name for s in segments if s.contains(partner))
        counterparties = ", ".join(
            c.name for c in uow.counterparties.find_by("partner_id", partner.id)
        )
        rows.append([partner.id, partner.name, kinds, member_of, counterparties])
    out.append("")
    out.append("Partners [партнеры] and counterparties [контрагенты]:")
    out.append(_table(["id", "partner", "kinds", "client segments", "counterparties"], rows))
    product_segments = uow.nomenclature_segments.all()
    out.append("")
    out.append("Products [номенклатура]:")
    out.append(
        _table(
            ["id", "name", "unit", "price group", "VAT", "segments"],
            [
                [
                    p.id,
                    p.name,
                    p.unit.code,
                    p.price_group_id or "-",
                    p.vat_category.value,
                    ", ".join(s.name for s in product_segments if s.contains(p)),
                ]
                for p in uow.products.all()
            ],
        )
    )
    out.append("")
    out.append("Warehouses:")
    out.append(
        _table(
            ["id", "name", "kind"],
            [[w.id, w.name, "store" if w.is_store else "warehouse"] for w in uow.warehouses.all()],
        )
    )
    clients = [p for p in uow.partners.all() if PartnerKind.CLIENT in p.kinds]
    out.append("")
    out.append(
        f"{len(clients)} clients, {len(uow.counterparties)} counterparties, "
        f"{len(uow.products)} products."
    )
    return "\n".join(out)


SECTIONS: list[Callable[[Repositories], str]] = [
    company_section,
    pricing_section,
    agreements_section,
    discounts_section,
    reservation_section,
    receivables_section,
    orders_section,
    shipping_section,
    crm_section,
    devices_section,
    delivery_section,
    retail_section,
]


SAMPLE_LOADERS: list[Callable[[Repositories], None]] = [load_sample_company, load_sample_stock]


def run_demo(store: Store) -> str:
    """Load the sample company into ``store`` and return the demo report."""
    with store.unit_of_work() as uow:
        for load in SAMPLE_LOADERS:
            load(uow)
        uow.commit()
    parts = []
    with store.unit_of_work() as uow:
        for section in SECTIONS:
            parts.append(section(uow))
            uow.commit()
    return "\n\n".join(parts)
