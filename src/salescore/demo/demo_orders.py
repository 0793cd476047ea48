"""The demo's orders section: a proposal revised once and accepted, its order confirmed.

The sample client Volga Kazan gets a commercial proposal [коммерческое
предложение] for coffee makers, asks for a second version with coffee beans
added, and accepts it; the sales order [заказ клиента] made from it keeps the
proposal's prices, is confirmed with VAT on every line and the payment
schedule of its agreement, and shows its derived state. Every step is an
:mod:`salescore.app.orders` use case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.app import orders as uc
from salescore.app.sales import load_pricer
from salescore.demo.sample_agreements import VOLGA_KZN_HEADER
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import OrderError
from salescore.explain import text_table
from salescore.orders import DocumentLine, LineId, QuoteId
from salescore.parties import ProductId

__all__ = ["ORDERED", "PROPOSED", "orders_section"]

PROPOSED = date(2026, 3, 2)
"""The day of the first version of the proposal (a Monday)."""
ORDERED = date(2026, 3, 4)
"""The day the client accepts the second version and the order is confirmed."""
REVISED = date(2026, 3, 3)
"""The day of the second version."""
SHIP_ON = date(2026, 3, 10)

_HEADER = VOLGA_KZN_HEADER


def orders_section(uow: Repositories) -> str:
    """Negotiate, accept and confirm one order on the sample company; show it and its state."""
    pricer = load_pricer(uow, [PROPOSED, REVISED, ORDERED])
    machines = DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5), planned_shipment=SHIP_ON)
    beans = DocumentLine(
        LineId("2"), ProductId("BEANS-ARABICA"), Decimal(10), planned_shipment=SHIP_ON
    )
    first = uc.create_quote(
        uow, pricer, QuoteId("KP-1"), _HEADER, PROPOSED, date(2026, 3, 13), [machines]
    )
    uc.send_quote(uow, first.id, PROPOSED, by="ivanova")
    second = uc.revise_quote(
        uow, pricer, first.id, QuoteId("KP-1/2"), REVISED, lines=[machines, beans]
    )
    uc.send_quote(uow, second.id, REVISED, by="ivanova")
    accepted, order = uc.accept_quote(uow, second.id, ORDERED)
    confirmed = uc.confirm_order(uow, pricer, order.id, ORDERED, SAMPLE_CALENDAR, by="ivanova")
    prices = confirmed.prices
    if prices is None:  # confirm_order refuses an order that is not priced
        raise OrderError(f"order {confirmed.id!r} was confirmed without prices")

    out = ["== Orders =="]
    out.append("Commercial proposal [коммерческое предложение], two versions:")
    for version in uow.quotes.versions(accepted.id):
        total = version.prices.with_vat if version.prices is not None else "-"
        out.append(
            f"  {version.id} (revision {version.revision}) of {version.on.isoformat()}: "
            f"{version.status.value}, total with VAT {total}"
        )
    out.append("")
    out.append(
        f"Sales order [заказ клиента] {confirmed.id} from {accepted.id}, "
        f"{confirmed.status.value.replace('_', ' ')}, prices frozen as of "
        f"{prices.priced_on.isoformat()}:"
    )
    rows = [
        [x.line_id, x.product_id, str(x.quantity), str(x.unit_price.amount),
         str(x.discount.amount), str(x.net.amount), f"{x.vat_rate.code} %",
         "included" if x.vat_included else "on top", str(x.vat.amount)]
        for x in prices.lines
    ]  # fmt: skip
    out.extend(
        text_table(
            ["line", "product", "quantity", "price", "discount", "net", "VAT rate", "VAT",
             "VAT amount"],
            rows,
            right={3, 4, 5, 8},
        )
    )  # fmt: skip
    out.append(
        f"Total without VAT {prices.without_vat} + VAT [НДС] {prices.vat} = "
        f"total with VAT {prices.with_vat}"
    )
    if confirmed.schedule is not None:
        out.append("")
        out.append(confirmed.schedule.explain().as_text())
    out.append("")
    out.append(uc.order_state(uow, confirmed.id, ORDERED).explain().as_text())
    return "\n".join(out)
