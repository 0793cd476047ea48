"""The demo's reservation section: reserve for an order, then let a more urgent one take part.

>>> from salescore.adapters.memory import MemoryStore
>>> from salescore.demo.sample import load_sample_company
>>> from salescore.demo.sample_reservation import load_sample_stock
>>> with MemoryStore().unit_of_work() as uow:
...     load_sample_company(uow)
...     load_sample_stock(uow)
...     print(reservation_section(uow))
== Reservation ==
...
"""

from __future__ import annotations

from datetime import date

from salescore.adapters.repositories import Repositories
from salescore.demo.sample_reservation import SAMPLE_AT
from salescore.money import KG, Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.reservation import (
    LineId,
    OrderId,
    ReserveClaim,
    StockPosition,
    SupplyOption,
    reserve_from_orders,
    reserve_from_stock,
)

__all__ = ["reservation_section"]

CM, MAIN = ProductId("CM-100"), WarehouseId("MAIN")


def _position(position: StockPosition) -> str:
    reserved = ", ".join(f"{o}/{ln}: {q.value}" for (o, ln), q in position.reserved.items())
    expected = ", ".join(f"{d}: {q.value}" for d, q in position.expected.items())
    return (
        f"{position.product_id}@{position.warehouse_id}: on hand {position.on_hand}, "
        f"free {position.free}, reserved [{reserved or '-'}], expected [{expected or '-'}], "
        f"available on 2026-03-16: {position.available_on(date(2026, 3, 16))}"
    )


def reservation_section(uow: Repositories) -> str:
    """Reserve order SO-1 from the sample stock, then reassign part of it to urgent SO-2."""
    ledger = uow.stock_ledger
    out = ["== Reservation =="]

    def line(
        order: str,
        n: str,
        product: str,
        need: Quantity,
        ships: date,
        supply: SupplyOption = SupplyOption.FROM_STOCK,
    ) -> ReserveClaim:
        return ReserveClaim(
            OrderId(order),
            LineId(n),
            ProductId(product),
            MAIN,
            need,
            ships,
            date(2026, 3, 2),
            supply=supply,
        )

    so1 = [
        line("SO-1", "1", "CM-100", Quantity(10), date(2026, 3, 20)),
        line("SO-1", "2", "BEANS-ARABICA", Quantity("20.000", KG), date(2026, 3, 20)),
        line(
            "SO-1", "3", "SETUP", Quantity(1), date(2026, 3, 20), supply=SupplyOption.NOT_REQUIRED
        ),
    ]
    out.append("Order SO-1 (Volga Kazan, ships 2026-03-20) reserves from free stock:")
    for claim in so1:
        if claim.supply is SupplyOption.NOT_REQUIRED:
            out.append(f"  {claim.product_id}: a service, supply not required - nothing reserved")
            continue
        report = reserve_from_stock(ledger, claim, document="SO-1", at=SAMPLE_AT)
        out += [f"  {step.description}" for step in report.explain()]
    out.append("  " + _position(ledger.position(CM, MAIN)))

    urgent = line("SO-2", "1", "CM-100", Quantity(5), date(2026, 3, 5))
    out.append("")
    out.append(
        "Urgent order SO-2 (Cafe Aroma, ships 2026-03-05) needs 5 CM-100; free stock has "
        f"{ledger.position(CM, MAIN).free}. Reassignment [корректировка назначения], "
        "donors by policy (latest shipment first):"
    )
    report = reserve_from_orders(ledger, urgent, document="CORR-0001", at=SAMPLE_AT)
    out += report.as_text().splitlines()[1:]
    out.append("  " + _position(ledger.position(CM, MAIN)))
    out.append("")
    out.append("Reservation ledger of SO-1 (history):")
    out += [f"  {entry}" for entry in ledger.entries(order_id=OrderId("SO-1"))]
    return "\n".join(out)
