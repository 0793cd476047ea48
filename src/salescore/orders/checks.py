"""What an order demands of others: one agreement for every line, and reserve per line.

An order is made under ONE agreement: lines outside its nomenclature segment are refused.

1C keeps one agreement per order; a line whose product the agreement does
not cover is a deviation that names the line, never a reason to price that
line silently under a second agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from salescore.agreements import Agreement
from salescore.errors import OrderError
from salescore.orders.model import DocumentLine, Order
from salescore.parties import NomenclatureSegment, Product, ProductId
from salescore.reservation import ReserveClaim, SupplyOption

__all__ = ["check_lines_in_agreement", "lines_outside_agreement", "reserve_claims"]


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


def reserve_claims(order: Order, *, priority: int = 0) -> tuple[ReserveClaim, ...]:
    """What reservation needs for each line that is secured from stock (D4: the order
    as a directive for securing, line by line).

    Service lines and lines that need no stock are left out; quantities carry
    the units of the frozen prices.

    Raises:
        OrderError: the order is not priced or names no warehouse.
    """
    if order.prices is None:
        raise OrderError(f"order {order.id!r} is not priced: price and confirm it first")
    warehouse = order.header.warehouse_id
    if warehouse is None:
        raise OrderError(
            f"order {order.id!r} names no warehouse: set the shipping warehouse to secure goods",
            order=order.id,
        )
    claims = []
    for line in order.lines:
        if line.is_service or line.supply is SupplyOption.NOT_REQUIRED:
            continue
        claims.append(
            ReserveClaim(
                order.id,
                line.line_id,
                line.product_id,
                warehouse,
                order.prices.line(line.line_id).quantity,
                order.shipment_date(line),
                order.on,
                priority,
                line.supply,
            )
        )
    return tuple(claims)
