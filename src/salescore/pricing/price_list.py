"""Price lists [прайс-лист] with stock balances (B5).

A price list shows, for a set of products on a date, their prices under
several price types and, if a :class:`~salescore.pricing.ports.StockSource`
is given, the stock on chosen warehouses. It is a plain value: rows of
strings for any table widget (:meth:`PriceList.as_rows`), typed records for a
data frame (:meth:`PriceList.to_records`), fixed-width text for a terminal,
and an HTML table a notebook shows by itself. Any cell can explain itself.

>>> from datetime import date
>>> from salescore.money import Money, Quantity
>>> from salescore.parties import Product, ProductId, WarehouseId
>>> from salescore.pricing.price_types import PriceType, PriceTypeId
>>> from salescore.pricing.register import PriceRecord
>>> from salescore.pricing.snapshot import PricingSnapshot
>>> base = PriceType(PriceTypeId("BASE"), "Base", "RUB")
>>> retail = PriceType(PriceTypeId("RETAIL"), "Retail", "RUB", formula="[Base] * 1.5")
>>> products = [Product(ProductId("A"), "Filter"), Product(ProductId("B"), "Descaler")]
>>> snapshot = PricingSnapshot.build(
...     [base, retail], date(2026, 3, 1), products=products,
...     records=[PriceRecord(base.id, ProductId("A"), date(2026, 1, 1), Money("10.00", "RUB"))])
>>> stock = StaticStock({(WarehouseId("MAIN"), ProductId("A")): Quantity(12)})
>>> prices = build_price_list(snapshot, [ProductId("A"), ProductId("B")], [base.id, retail.id],
...                           stock=stock, warehouse_ids=[WarehouseId("MAIN")])
>>> print(prices.as_text())
Price list on 2026-03-01 (stock: MAIN)
product  name      unit  Base, RUB  Retail, RUB  stock
-------  --------  ----  ---------  -----------  -----
A        Filter    pcs   10.00      15.00        12
B        Descaler  pcs   -          -            0
>>> prices.explain(ProductId("B"), retail.id).steps[-1].description
'no price: [Base] has no price'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from salescore.errors import NotFoundError
from salescore.explain import Explanation, text_table
from salescore.money import Money, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.pricing.ports import StockSource
from salescore.pricing.price_types import PriceType, PriceTypeId
from salescore.pricing.snapshot import PricingSnapshot
from salescore.records import Record, html_table

__all__ = ["PriceList", "PriceListRow", "StaticStock", "build_price_list"]


@attrs.frozen
class StaticStock:
    """A :class:`~salescore.pricing.ports.StockSource` over fixed balances (tests, notebooks).

    Attributes:
        quantities: (warehouse, product) -> quantity; the same on every date.
    """

    quantities: Mapping[tuple[WarehouseId, ProductId], Quantity]

    def balances(
        self,
        products: Collection[ProductId],
        warehouse_ids: Collection[WarehouseId],
        on: date,
    ) -> dict[ProductId, Quantity]:
        """The sum over ``warehouse_ids`` for each product that has stock there."""
        wanted = set(products)
        found: dict[ProductId, Quantity] = {}
        for (warehouse, product), quantity in self.quantities.items():
            if product in wanted and warehouse in warehouse_ids:
                known = found.get(product)
                found[product] = quantity if known is None else known + quantity
        return found


@attrs.frozen
class PriceListRow:
    """One product of a price list.

    Attributes:
        prices: one cell per price type of the list; None where there is no price.
        stock: the balance, None if the list has no stock column.
    """

    product_id: ProductId
    name: str
    unit: str
    prices: tuple[Money | None, ...]
    stock: Quantity | None


@attrs.frozen
class PriceList:
    """Prices of products under price types on a date, with stock."""

    on: date
    price_types: tuple[PriceType, ...]
    rows: tuple[PriceListRow, ...]
    warehouse_ids: tuple[WarehouseId, ...] | None
    _snapshot: PricingSnapshot | None = attrs.field(eq=False, repr=False, alias="snapshot")

    # A price list is a value: it pickles without the compiled snapshot behind
    # :meth:`explain` (formulas compile to functions, which do not pickle).
    def __getstate__(self) -> dict[str, object]:
        state = {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}
        state["_snapshot"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def headers(self) -> list[str]:
        """Column titles: product, name, unit, one per price type, stock."""
        titles = ["product", "name", "unit"]
        titles += [f"{t.name}, {t.currency.code}" for t in self.price_types]
        if self.warehouse_ids is not None:
            titles.append("stock")
        return titles

    def as_rows(self) -> list[dict[str, str]]:
        """Rows of strings keyed by :meth:`headers` (``-`` where there is no price)."""
        titles = self.headers()
        out = []
        for row in self.rows:
            cells = [row.product_id, row.name, row.unit]
            cells += ["-" if p is None else str(p.amount) for p in row.prices]
            if self.warehouse_ids is not None:
                cells.append("0" if row.stock is None else str(row.stock.value))
            out.append(dict(zip(titles, cells, strict=True)))
        return out

    def to_records(self) -> list[Record]:
        """Typed rows keyed by :meth:`headers`: each price a Decimal in the currency its
        column names (``Base, RUB``), None where there is no price; stock a Decimal.

        >>> from datetime import date
        >>> from salescore.pricing.price_types import PriceType
        >>> base = PriceType(PriceTypeId("BASE"), "Base", "RUB")
        >>> from salescore.parties import Product
        >>> snapshot = PricingSnapshot.build([base], date(2026, 3, 1),
        ...     products=[Product(ProductId("A"), "Filter")])
        >>> build_price_list(snapshot, [ProductId("A")], [base.id]).to_records()
        [{'product': 'A', 'name': 'Filter', 'unit': 'pcs', 'Base, RUB': None}]
        """
        titles = self.headers()
        out: list[Record] = []
        for row in self.rows:
            cells: list[str | Decimal | None] = [row.product_id, row.name, row.unit]
            cells += [None if p is None else p.amount for p in row.prices]
            if self.warehouse_ids is not None:
                cells.append(Decimal(0) if row.stock is None else row.stock.value)
            out.append(dict(zip(titles, cells, strict=True)))
        return out

    def title(self) -> str:
        """``Price list on <date>`` and the warehouses of the stock column."""
        text = f"Price list on {self.on.isoformat()}"
        if self.warehouse_ids is not None:
            text += f" (stock: {', '.join(self.warehouse_ids) or 'none'})"
        return text

    def as_text(self) -> str:
        """A fixed-width table for a terminal."""
        rows = [list(r.values()) for r in self.as_rows()]
        return "\n".join([self.title(), *text_table(self.headers(), rows)])

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=self.title(), columns=self.headers())

    def explain(self, product_id: ProductId, price_type_id: PriceTypeId) -> Explanation:
        """How one cell's price was obtained, or why it is empty."""
        if self._snapshot is None:
            raise NotFoundError(
                f"this price list on {self.on.isoformat()} was unpickled without its pricing "
                "snapshot: explain the cell with PricingSnapshot.explain on a snapshot built "
                "for the same date",
                product=product_id,
                price_type=price_type_id,
            )
        return self._snapshot.explain(product_id, price_type_id)


def build_price_list(
    snapshot: PricingSnapshot,
    product_ids: Iterable[ProductId],
    price_type_ids: Iterable[PriceTypeId],
    *,
    stock: StockSource | None = None,
    warehouse_ids: Iterable[WarehouseId] = (),
) -> PriceList:
    """A price list of ``product_ids`` under ``price_type_ids`` on the snapshot's date.

    Args:
        snapshot: compiled price types and data for the date.
        product_ids: the rows, in this order.
        price_type_ids: the price columns, in this order.
        stock: where balances come from; without it the list has no stock column.
        warehouse_ids: the warehouses whose stock is summed.

    Raises:
        NotFoundError: an unknown price type or a product not in the snapshot.
        FormulaEvaluationError: a formula failed for a product.
    """
    products = list(product_ids)
    types = tuple(snapshot.price_type(t) for t in price_type_ids)
    columns = [snapshot.prices(t.id, products) for t in types]
    warehouses = tuple(warehouse_ids) if stock is not None else None
    balances: Mapping[ProductId, Quantity] = {}
    if stock is not None:
        balances = stock.balances(products, warehouses or (), snapshot.on)
    rows = []
    for pid in products:
        product = snapshot.product(pid)
        rows.append(
            PriceListRow(
                pid,
                product.name,
                product.unit.code,
                tuple(column.get(pid) for column in columns),
                balances.get(pid) if stock is not None else None,
            )
        )
    return PriceList(snapshot.on, types, tuple(rows), warehouses, snapshot)
