"""The public sale path against the discount engine alone, on the same lines.

Run alone: ``python benchmarks/bench_sale_path.py``. Prints ``metric NAME VALUE`` lines:

* ``sale_path_lines_per_s`` — 20,000 order lines (1,000 orders of 20 lines, 200 clients)
  priced by :meth:`salescore.orders.SalePricer.price`, what a user calls with a loaded
  pricer: for each order the agreement that applies (the client's individual agreement on
  its segment's typical one, or the typical one, and a narrower typical agreement of a
  nomenclature segment for some products), the price type it names, the unit prices from
  the day's :class:`~salescore.pricing.PricingSnapshot` (a price type chain), the 1,000
  discount rules of ``bench_discounts.py`` and the deviations from the terms;
* ``sale_engine_lines_per_s`` — the floor measured in the same run on exactly the same
  lines: the unit prices from the same snapshot (one bulk call per order), the same
  :class:`~salescore.discounts.SaleLine` objects and the same
  :class:`~salescore.discounts.SaleContext` (client segments, agreement, warehouse)
  through :meth:`~salescore.discounts.DiscountEngine.apply` of the same engine; it
  leaves out what only the sale path does (agreement resolution, deviations, the priced
  lines and their evidence);
* ``sale_path_vs_engine`` — sale path time over engine time (goal at most 3);
* ``peak_rss_mib_sale_path``.

The run checks that both give the same discount on every line, and that an
explanation asked of a priced line names its own product. Explanations are
built when asked, so they are not in the timing. Times are the best of five
rounds taken round-robin with the garbage collector paused
(:func:`_timing.best_times`); both sides run once first (the snapshot's price
memo and the engine's caches warm, as in a long-running process).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from _timing import best_times, peak_rss_mib
from bench_discounts import (
    CLIENT_SEGMENTS,
    MOMENT,
    SALE,
    SEGMENTS,
    WAREHOUSES,
    catalogue,
    snapshot_factory,
    thousand_rules,
)

from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    Terms,
    create_individual,
)
from salescore.discounts import DiscountEngine, SaleContext, SaleLine
from salescore.money import Quantity
from salescore.orders import SaleOrder, SaleOrderLine, SalePricer
from salescore.parties import (
    ClientSegment,
    Criterion,
    NomenclatureSegment,
    Partner,
    PartnerId,
    ProductId,
    SegmentId,
    WarehouseId,
)

PRODUCTS = 1000
PARTNERS = 200
ORDERS = 1000
LINES = 20
NARROW = 5  # nomenclature segments S0..S4 have a narrower typical agreement of their own


def build() -> tuple[SalePricer, list[SaleOrder]]:
    products = catalogue(PRODUCTS)
    client_segments = [
        ClientSegment(
            SegmentId(f"C{c}"),
            f"client segment {c}",
            rule=(Criterion("attributes.c", frozenset({str(c)})),),
        )
        for c in range(CLIENT_SEGMENTS)
    ]
    nomenclature = [
        NomenclatureSegment(
            SegmentId(f"S{s}"),
            f"segment {s}",
            members=frozenset(ProductId(f"P{p}") for p in range(s, PRODUCTS, SEGMENTS)),
        )
        for s in range(SEGMENTS)
    ]
    typical = [
        Agreement.typical(
            AgreementId(f"TA-C{c}"),
            f"segment {c}",
            valid_from=date(2026, 1, 1),
            client_segment_id=SegmentId(f"C{c}"),
            terms=Terms(price_type_id=SALE, warehouse_id=WarehouseId(f"W{c % WAREHOUSES}")),
            status=AgreementStatus.ACTIVE,
        )
        for c in range(CLIENT_SEGMENTS)
    ]
    narrow = [
        Agreement.typical(
            AgreementId(f"TA-S{s}"),
            f"nomenclature segment {s}",
            valid_from=date(2026, 1, 1),
            nomenclature_segment_id=SegmentId(f"S{s}"),
            terms=Terms(price_type_id=SALE),
            status=AgreementStatus.ACTIVE,
        )
        for s in range(NARROW)
    ]
    closed = [  # candidates that are passed over (and explained)
        Agreement.typical(
            AgreementId(f"TA-OLD-C{c}"),
            "last year",
            valid_from=date(2025, 1, 1),
            valid_to=date(2025, 12, 31),
            client_segment_id=SegmentId(f"C{c}"),
            terms=Terms(price_type_id=SALE),
            status=AgreementStatus.ACTIVE,
        )
        for c in range(CLIENT_SEGMENTS)
    ]
    partners = [
        Partner(PartnerId(f"K{k}"), f"client {k}", attributes={"c": str(k % CLIENT_SEGMENTS)})
        for k in range(PARTNERS)
    ]
    individual = [
        create_individual(
            typical[k % CLIENT_SEGMENTS],
            AgreementId(f"IA-K{k}"),
            f"client {k}",
            partner_id=partners[k].id,
            valid_from=date(2026, 1, 1),
        ).with_status(AgreementStatus.ACTIVE)
        for k in range(0, PARTNERS, 2)
    ]
    rules, _ = thousand_rules()
    snapshot = snapshot_factory(PRODUCTS)()
    pricer = SalePricer(
        partners={p.id: p for p in partners},
        products={p.id: p for p in products},
        book=AgreementBook(
            [*typical, *narrow, *closed, *individual], client_segments, nomenclature
        ),
        snapshot_for=lambda on: snapshot,
        engine=DiscountEngine.compile(rules),
        client_segments=client_segments,
        nomenclature_segments=nomenclature,
    )
    rng = random.Random(11)
    orders = [
        SaleOrder(
            f"SO-{n}",
            partners[rng.randrange(PARTNERS)].id,
            MOMENT,
            [
                SaleOrderLine(str(i), ProductId(f"P{rng.randrange(PRODUCTS)}"), rng.randint(1, 40))
                for i in range(LINES)
            ],
        )
        for n in range(ORDERS)
    ]
    return pricer, orders


Part = tuple[list[int], SaleContext]


def engine_documents(
    pricer: SalePricer, orders: Sequence[SaleOrder]
) -> list[tuple[SaleOrder, list[Part]]]:
    """Each order's discount documents (line positions under one agreement, and the
    context the sale path builds for them: client segments, agreement, warehouse)."""
    documents = []
    for order in orders:
        priced = pricer.price(order)
        partner = pricer.partners[order.partner_id]
        by_agreement: dict[str, list[int]] = {}
        for pos, line in enumerate(priced.lines):
            by_agreement.setdefault(line.agreement_id, []).append(pos)
        parts = []
        for agreement_id, positions in by_agreement.items():
            terms = priced.lines[positions[0]].resolved.terms
            context = SaleContext(
                moment=order.moment,
                partner_id=partner.id,
                client_segment_ids=frozenset({SegmentId(f"C{partner.attributes['c']}")}),
                agreement_id=agreement_id,
                warehouse_id=terms.warehouse_id,
            )
            parts.append((positions, context))
        documents.append((order, parts))
    return documents


def main() -> None:
    pricer, orders = build()
    snapshot = pricer.snapshot(MOMENT.date())
    engine = pricer.engine
    products = pricer.products
    nomenclature = pricer._nomenclature_segments
    segments_of = {
        pid: frozenset(s.id for s in nomenclature if s.contains(product))
        for pid, product in products.items()
    }
    documents = engine_documents(pricer, orders)

    def sale_path() -> list[Decimal]:
        return [
            line.discount_amount.amount
            for priced in pricer.price_many(orders)
            for line in priced.lines
        ]

    def engine_only() -> list[Decimal]:
        out = []
        for order, parts in documents:
            unit = snapshot.prices(SALE, [line.product_id for line in order.lines])
            lines = []
            for line in order.lines:
                product = products[line.product_id]
                lines.append(
                    SaleLine(
                        line.line_id,
                        product,
                        Quantity(line.quantity, product.unit),
                        unit[line.product_id],
                        segments_of[line.product_id],
                    )
                )
            amounts: list[Decimal] = [Decimal(0)] * len(lines)
            for positions, context in parts:
                result = engine.apply([lines[p] for p in positions], context)
                for p, x in zip(positions, result.lines, strict=True):
                    amounts[p] = x.discount.amount
            out += amounts
        return out

    assert sale_path() == engine_only()
    some = pricer.price(orders[0])
    for line in some.lines:
        explained = line.explain()
        assert f"{line.product.id} '{line.product.name}'" in explained.subject
        assert f"product {line.product.id!r}" in explained.steps[0].detail.subject  # type: ignore[union-attr]
    sale_s, engine_s = best_times([sale_path, engine_only], 5)
    count = ORDERS * LINES
    print(f"metric sale_path_lines_per_s {count / sale_s:.0f}")
    print(f"metric sale_engine_lines_per_s {count / engine_s:.0f}")
    print(f"metric sale_path_vs_engine {sale_s / engine_s:.2f}")
    print(f"metric peak_rss_mib_sale_path {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
