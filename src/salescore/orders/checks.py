"""An order is made under ONE agreement: lines outside its nomenclature segment are refused.

1C keeps one agreement per order; a line whose product the agreement does
not cover is a deviation that names the line, never a reason to price that
line silently under a second agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from salescore.agreements import Agreement
from salescore.errors import OrderError
from salescore.orders.model import DocumentLine
from salescore.parties import NomenclatureSegment, Product, ProductId

__all__ = ["check_lines_in_agreement", "lines_outside_agreement"]


def lines_outside_agreement(
    lines: Iterable[DocumentLine],
    agreement: Agreement,
    products: Mapping[ProductId, Product],
    segment: NomenclatureSegment | None,
) -> tuple[DocumentLine, ...]:
    """The lines whose product is not in the agreement's nomenclature segment.

    An agreement without a segment covers every product. ``segment`` is the
    agreement's segment (None when it has none).
    """
    if agreement.nomenclature_segment_id is None:
        return ()
    if segment is None or segment.id != agreement.nomenclature_segment_id:
        raise OrderError(
            f"agreement {agreement.id!r} names nomenclature segment "
            f"{agreement.nomenclature_segment_id!r}: pass that segment",
            agreement=agreement.id,
        )
    outside = []
    for line in lines:
        product = products.get(line.product_id)
        if product is None:
            raise OrderError(
                f"line {line.line_id}: product {line.product_id!r} is not in the catalogue; "
                "add the product first",
                line=line.line_id,
                product=line.product_id,
            )
        if not segment.contains(product):
            outside.append(line)
    return tuple(outside)


def check_lines_in_agreement(
    what: str,
    lines: Iterable[DocumentLine],
    agreement: Agreement,
    products: Mapping[ProductId, Product],
    segment: NomenclatureSegment | None,
) -> None:
    """Raise :class:`~salescore.errors.OrderError` naming every line outside the agreement."""
    outside = lines_outside_agreement(lines, agreement, products, segment)
    if outside:
        named = ", ".join(f"line {x.line_id} ({x.product_id})" for x in outside)
        raise OrderError(
            f"{what}: {named} is outside agreement {agreement.id!r}'s nomenclature segment "
            f"{agreement.nomenclature_segment_id!r}; a document has one agreement: sell "
            "these products in a separate document under an agreement that covers them",
            agreement=agreement.id,
            lines=tuple(x.line_id for x in outside),
        )
