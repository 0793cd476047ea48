"""Small builders shared by the reservation tests: order lines and what they hold."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import LineId, OrderId, ReserveClaim, StockLedger, SupplyOption

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")


def line(
    order: str,
    need: int,
    ships: date = date(2026, 3, 10),
    *,
    product: ProductId = CM,
    warehouse: WarehouseId = MAIN,
    priority: int = 0,
    supply: SupplyOption = SupplyOption.FROM_STOCK,
    line_id: str = "1",
) -> ReserveClaim:
    """An order line needing ``need`` pieces, ordered 2026-02-01, shipping on ``ships``."""
    return ReserveClaim(
        OrderId(order),
        LineId(line_id),
        product,
        warehouse,
        Quantity(need),
        ships,
        date(2026, 2, 1),
        priority,
        supply,
    )


def held(ledger: StockLedger, claim: ReserveClaim) -> Quantity:
    """What ``claim``'s line holds in reserve now."""
    position = ledger.position(claim.product_id, claim.warehouse_id)
    return position.reserved_for(claim.order_id, claim.line_id)
