"""Agreement resolution: one big book of agreements against a per-partner book.

Run alone: ``python benchmarks/bench_agreements.py``. Prints ``metric NAME VALUE`` lines.
The baseline is the same query resolved in a book holding only the partner's
candidates (what :func:`salescore.agreements.load_book` builds).

What a user calls is :func:`salescore.app.agreements.resolve_terms` on a store:
``resolve_terms_store_per_s`` times it on an SQLite file holding the same
agreements, segments, partners and products (it loads the partner's candidates
and resolves them), beside the in-memory book figures of the same run.
``resolve_terms_session_per_s`` times the same call through a kept
:class:`~salescore.app.sales.PricingSession` (the client, its candidate
agreements and the segments read once per reference revision, the product and
the revision token on every call), and ``resolve_terms_session_vs_partner_book``
puts it over the partner's book in memory (its floor: resolving alone).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from _timing import peak_rss_mib, per_second

from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import (
    Agreement,
    AgreementBook,
    AgreementId,
    AgreementStatus,
    Terms,
    TermsQuery,
    create_individual,
)
from salescore.app.agreements import resolve_terms
from salescore.app.sales import PricingSession
from salescore.parties import (
    ClientSegment,
    Criterion,
    NomenclatureSegment,
    Partner,
    PartnerId,
    Product,
    ProductId,
    SegmentId,
)
from salescore.pricing import PriceTypeId

SEGMENTS = 50
TYPICAL_PER_SEGMENT = 4
PARTNERS = 5_000
DAY = date(2026, 3, 10)


def main() -> None:
    segments = [
        ClientSegment(
            SegmentId(f"S{i}"),
            f"segment {i}",
            rule=(Criterion("attributes.s", frozenset({str(i)})),),
        )
        for i in range(SEGMENTS)
    ]
    coffee = NomenclatureSegment(SegmentId("COFFEE"), "Coffee", members=frozenset({ProductId("B")}))
    typical = []
    for i in range(SEGMENTS):
        for j in range(TYPICAL_PER_SEGMENT):
            typical.append(
                Agreement.typical(
                    AgreementId(f"T{i}-{j}"),
                    "typical",
                    valid_from=date(2025 + j % 2, 1, 1),
                    valid_to=date(2025 + j % 2, 12, 31),
                    client_segment_id=segments[i].id,
                    nomenclature_segment_id=coffee.id if j >= 2 else None,
                    terms=Terms(price_type_id=PriceTypeId(f"P{i}-{j}")),
                    status=AgreementStatus.ACTIVE,
                )
            )
    individual = [
        create_individual(
            typical[(p % SEGMENTS) * TYPICAL_PER_SEGMENT + 1],
            AgreementId(f"I{p}"),
            "individual",
            partner_id=PartnerId(f"P{p}"),
            valid_from=date(2026, 1, 1),
        ).with_status(AgreementStatus.ACTIVE)
        for p in range(PARTNERS)
    ]
    everything = AgreementBook([*typical, *individual], segments, [coffee])
    partner = Partner(PartnerId("P7"), "client", attributes={"s": "7"})
    own = [a for a in everything.agreements if a.partner_id == partner.id]
    bases = [everything.get(a.base_id) for a in own if a.base_id is not None]
    seg_typical = [a for a in typical if a.client_segment_id == "S7"]
    small = AgreementBook([*own, *bases, *seg_typical], segments, [coffee])
    query = TermsQuery(partner, DAY, product=Product(ProductId("B"), "beans"))
    assert everything.resolve(query) == small.resolve(query)

    big_rate = per_second(lambda: everything.resolve(query), 200)
    small_rate = per_second(lambda: small.resolve(query), 2_000)
    print(f"metric agreements_in_big_book {len(everything.agreements)}")
    print(f"metric resolve_big_book_per_s {big_rate:.0f}")
    print(f"metric resolve_partner_book_per_s {small_rate:.0f}")
    print(f"metric big_book_slowdown_vs_partner_book {small_rate / big_rate:.2f}")
    start = time.perf_counter()
    AgreementBook([*typical, *individual], segments, [coffee])
    print(f"metric build_big_book_ms {(time.perf_counter() - start) * 1000:.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "agreements.sqlite")
        with store.unit_of_work() as uow:
            for segment in segments:
                uow.client_segments.add(segment)
            uow.nomenclature_segments.add(coffee)
            uow.partners.add(partner)
            uow.products.add(query.product)  # type: ignore[arg-type]
            for agreement in everything.agreements:
                uow.agreements.add(agreement)
            uow.commit()
        with store.unit_of_work(immediate=False) as uow:
            stored = resolve_terms(uow, partner.id, DAY, product_id=ProductId("B"))
            assert stored == everything.resolve(query)

            def from_store() -> None:
                resolve_terms(uow, partner.id, DAY, product_id=ProductId("B"))

            store_rate = per_second(from_store, 50)

            session = PricingSession()
            assert session.resolve_terms(uow, partner.id, DAY, product_id=ProductId("B")) == stored

            def from_session() -> None:
                session.resolve_terms(uow, partner.id, DAY, product_id=ProductId("B"))

            session_rate = per_second(from_session, 500)
        store.close()
    print(f"metric resolve_terms_store_per_s {store_rate:.0f}")
    print(f"metric resolve_terms_store_vs_partner_book {small_rate / store_rate:.2f}")
    print(f"metric resolve_terms_session_per_s {session_rate:.0f}")
    print(f"metric resolve_terms_session_vs_partner_book {small_rate / session_rate:.2f}")
    print(f"metric peak_rss_mib_agreements {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
