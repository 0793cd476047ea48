"""Availability check for an order line [проверка обеспечения] (D2).

Given a line's claim and the stock position of its product and warehouse,
:func:`assess_line` tells what the line holds, what could still be secured by
its planned shipment date (free stock now plus receipts expected by then)
and what would still be missing. Each line is judged as if it were alone:
two lines may both count the same free stock until one reserves it.

>>> from datetime import date
>>> from salescore.money import Quantity, PIECE
>>> from salescore.parties import ProductId, WarehouseId
>>> from salescore.reservation.model import (
...     LineId, OrderId, ReserveClaim, StockPosition, SupplyOption)
>>> position = StockPosition(
...     ProductId("CM-100"), WarehouseId("MAIN"), PIECE, free=Quantity(1),
...     reserved={(OrderId("SO-1"), LineId("1")): Quantity(2)},
...     expected={date(2026, 3, 16): Quantity(10)})
>>> claim = ReserveClaim(OrderId("SO-1"), LineId("1"), ProductId("CM-100"),
...     WarehouseId("MAIN"), Quantity(8), date(2026, 3, 10), date(2026, 3, 1),
...     supply=SupplyOption.TO_ORDER)
>>> print(assess_line(claim, position).explain().as_text())
supply of SO-1/1 (CM-100@MAIN, to_order) by 2026-03-10
  1. needed = 8 pcs
  2. reserved = 2 pcs
  3. free now = 1 pcs
  4. expected by 2026-03-10 = 0 pcs
  5. missing = 5 pcs
"""

from __future__ import annotations

import attrs

from salescore.explain import Explanation, Step
from salescore.money import Quantity
from salescore.records import Record, html_table
from salescore.reservation.model import ReserveClaim, StockPosition, SupplyOption, zero

__all__ = ["LineSupply", "assess_line"]


@attrs.frozen
class LineSupply:
    """How well one order line is secured.

    Attributes:
        claim: the line.
        reserved: what the line holds.
        free: free stock now at its warehouse.
        expected: receipts expected by the line's planned shipment date.
    """

    claim: ReserveClaim
    reserved: Quantity
    free: Quantity
    expected: Quantity

    @property
    def needs_stock(self) -> bool:
        """False for services and drop-ship lines."""
        return self.claim.supply is not SupplyOption.NOT_REQUIRED

    @property
    def lacking(self) -> Quantity:
        """What the line still has to secure (zero when fully reserved or needing no stock)."""
        lack = self.claim.quantity - self.reserved
        return lack if self.needs_stock and lack.value > 0 else zero(self.claim.unit)

    @property
    def missing(self) -> Quantity:
        """What free stock and expected receipts cannot cover by the shipment date."""
        gap = self.lacking - self.free - self.expected
        return gap if gap.value > 0 else zero(self.claim.unit)

    @property
    def is_secured(self) -> bool:
        """True when nothing is lacking."""
        return self.lacking.is_zero()

    def to_records(self) -> list[Record]:
        """One typed row: the order line and its figures (quantities in ``unit``)."""
        c = self.claim
        return [
            {
                "order_id": c.order_id,
                "line_id": c.line_id,
                "product_id": c.product_id,
                "warehouse_id": c.warehouse_id,
                "supply": c.supply.value,
                "planned_shipment": c.planned_shipment,
                "needed": c.quantity.value,
                "reserved": self.reserved.value,
                "free": self.free.value,
                "expected": self.expected.value,
                "missing": self.missing.value,
                "unit": c.unit.code,
                "secured": self.is_secured,
            }
        ]

    def _repr_html_(self) -> str:
        return html_table(self.to_records(), caption=self.explain().subject)

    def explain(self) -> Explanation:
        """The figures behind :attr:`missing`."""
        c = self.claim
        subject = (
            f"supply of {c.order_id}/{c.line_id} ({c.product_id}@{c.warehouse_id}, "
            f"{c.supply.value}) by {c.planned_shipment}"
        )
        if not self.needs_stock:
            return Explanation(subject, (Step("no stock needed"),))
        return Explanation(
            subject,
            (
                Step("needed", str(c.quantity)),
                Step("reserved", str(self.reserved)),
                Step("free now", str(self.free)),
                Step(f"expected by {c.planned_shipment}", str(self.expected)),
                Step("missing", str(self.missing)),
            ),
        )


def assess_line(claim: ReserveClaim, position: StockPosition) -> LineSupply:
    """Check a line against the stock position of its product and warehouse."""
    return LineSupply(
        claim,
        position.reserved_for(claim.order_id, claim.line_id),
        position.free,
        position.expected_until(claim.planned_shipment),
    )
