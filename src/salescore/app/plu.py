"""Build a label-printing scale's PLU table from products and a pricing snapshot (G4).

The shop decides which products go onto a scale and under which PLU number and
item code (a :class:`PluAssignment` each); names, units and prices come from
the nomenclature and from one price type of a
:class:`~salescore.pricing.PricingSnapshot`. A product sold by the kilogram
becomes a weighed PLU with its price per kg; a product sold by the piece
becomes a piece PLU. Every product that cannot go onto the scale is reported
at once.

>>> from datetime import date
>>> from salescore.hardware.codes import EmbeddedLayout
>>> from salescore.hardware.plu import SHTRIH_PRINT_CSV, to_csv
>>> from salescore.money import KG, Money
>>> from salescore.parties import Product, ProductId
>>> from salescore.pricing import PriceRecord, PricingSnapshot, PriceType, PriceTypeId
>>> retail = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB")
>>> cheese = Product(ProductId("CHEESE"), "Сыр Российский", unit=KG)
>>> snapshot = PricingSnapshot.build([retail], date(2026, 3, 1), products=[cheese], records=[
...     PriceRecord(retail.id, cheese.id, date(2026, 2, 1), Money("689.90", "RUB"))])
>>> table = plu_table([PluAssignment(1, cheese.id, "123", shelf_life_days=30)], [cheese],
...                   snapshot, retail.id, EmbeddedLayout.parse("21IIIIIWWWWWC"))
>>> to_csv(table, SHTRIH_PRINT_CSV).decode("cp1251").splitlines()[1]
'1;123;Сыр Российский;689,90;1;30;21IIIIIWWWWWC;1;'
>>> plu_table([PluAssignment(2, ProductId("BREAD"), "124")], [cheese], snapshot, retail.id,
...           EmbeddedLayout.parse("21IIIIIWWWWWC"))
Traceback (most recent call last):
...
salescore.errors.IssuesError: PLU assignments has 1 error(s):
  error: PLU 2: product 'BREAD' is not in the nomenclature given [unknown_product]
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from salescore.errors import FormulaEvaluationError, Issue, raise_for_issues
from salescore.hardware.codes import EmbeddedLayout
from salescore.hardware.plu import PluRecord, PluTable, SoldBy
from salescore.money import KG, PIECE
from salescore.parties import Product, ProductId
from salescore.pricing import PriceTypeId, PricingSnapshot

__all__ = ["PluAssignment", "plu_table"]


@attrs.frozen
class PluAssignment:
    """A product put onto a scale under a PLU number and item code.

    Attributes:
        name: the name printed on the label, when the product's own is too
            long for the scale.
    """

    plu: int
    product_id: ProductId
    item_code: str
    shelf_life_days: int = 0
    label: int = 1
    group: int | None = None
    name: str | None = None


def plu_table(
    assignments: Iterable[PluAssignment],
    products: Iterable[Product],
    snapshot: PricingSnapshot,
    price_type: PriceTypeId,
    weight_layout: EmbeddedLayout,
    piece_layout: EmbeddedLayout | None = None,
) -> PluTable:
    """The PLU table for ``assignments``, priced by ``price_type`` on the snapshot's date.

    Check the result against a scale profile with
    :meth:`~salescore.hardware.plu.PluTable.issues` before exporting it.

    Raises:
        IssuesError: products unknown, sold in a unit a scale does not use,
            without a price, or piece goods without ``piece_layout``; every
            such assignment is listed.
    """
    catalogue = {product.id: product for product in products}
    issues: list[Issue] = []
    records: list[PluRecord] = []
    for assignment in assignments:
        where = f"PLU {assignment.plu}"
        product = catalogue.get(assignment.product_id)
        if product is None:
            message = f"product {assignment.product_id!r} is not in the nomenclature given"
            issues.append(Issue("unknown_product", message, where))
            continue
        if product.unit not in (KG, PIECE):
            message = f"{product.id!r} is sold in {product.unit.code}; a scale sells kg or pieces"
            issues.append(Issue("unit_not_for_scale", message, where))
            continue
        sold_by = SoldBy.WEIGHT if product.unit == KG else SoldBy.PIECE
        layout = weight_layout if sold_by is SoldBy.WEIGHT else piece_layout
        if layout is None:
            message = f"{product.id!r} is sold by the piece; give a piece_layout (P)"
            issues.append(Issue("no_piece_layout", message, where))
            continue
        try:
            price = snapshot.price(product.id, price_type).amount
        except FormulaEvaluationError as exc:
            issues.append(Issue("no_price", str(exc), where))
            continue
        records.append(
            PluRecord(
                assignment.plu,
                assignment.item_code,
                assignment.name if assignment.name is not None else product.name,
                price.amount,
                layout,
                sold_by,
                assignment.shelf_life_days,
                assignment.label,
                assignment.group,
            )
        )
    raise_for_issues(issues, "PLU assignments")
    return PluTable(records)
