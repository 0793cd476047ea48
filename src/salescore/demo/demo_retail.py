"""The demo's retail section: one cash shift of the sample shop on the Shtrih-M simulator.

The golden shift of the retail issue: a receipt of 2 × 45.50 bread and 1.250 kg
× 129.90 cheese with 5.00 off the receipt (248.38, 300.00 cash, 51.62
change), a packet of tea paid by card with the tea-week 10 % (224.10), one
bread returned (44.60), the Z report reconciled with the register's fiscal
storage, and the cash handed over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.adapters.sqlite import SqliteStore
from salescore.app.retail import CashierDesk, Scan
from salescore.demo.sample_retail import SHOP, SHOP_STORE, load_sample_shop, load_sample_shop_rules
from salescore.explain import text_table
from salescore.money import Money
from salescore.parties import ProductId
from salescore.retail import PaymentKind, RetailPayment
from salescore.testing import FixedClock
from salescore.testing.devices import shtrih_rig

__all__ = ["retail_section"]


def _rub(amount: str) -> Money:
    return Money(amount, "RUB")


def retail_section(uow: Repositories) -> str:
    """The retail part of the demo; the shop lives in a store of its own (``uow`` is unused:
    the cashier's desk opens its own units of work)."""
    del uow
    store = SqliteStore(":memory:")
    with store.unit_of_work() as shop:
        load_sample_shop(shop)
        load_sample_shop_rules(shop)
        shop.commit()
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    out = ["== Retail =="]
    with shtrih_rig() as rig:
        desk = CashierDesk(store, SHOP.id, "POS-1", rig.driver, clock=clock, cashier="anna")
        shift = desk.open_shift()
        out.append(f"{SHOP.name}, POS-1: shift {shift.register_shift} opened")
        clock.advance(timedelta(hours=1))
        sale = desk.sell(
            [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
            _rub("300.00"),
            receipt_discount=_rub("5.00"),
        )
        shares = ", ".join(str(x.receipt_discount.amount) for x in sale.lines)
        out.append(
            f"receipt {sale.fiscal_document}: total {sale.total.amount} (5.00 off as {shares}), "
            f"cash 300.00, change {sale.change.amount}"
        )
        tea = desk.sell(
            ["TEA"], [RetailPayment(PaymentKind.CARD, _rub("224.10"))], card="2990000000019"
        )
        out.append(
            f"receipt {tea.fiscal_document}: tea {tea.total.amount} by card "
            f"({', '.join(tea.lines[0].rule_ids)}), club card {tea.card_number}"
        )
        back = desk.return_goods(sale.id, {1: 1})
        out.append(f"return {back.fiscal_document}: one bread, {back.total.amount} in cash")
        clock.advance(timedelta(hours=8))
        report = desk.close_shift()
        takings = desk.hand_over_takings()
    out.append("Retail sales report [отчет о розничных продажах]:")
    out.extend(
        text_table(
            ["product", "sold", "returned", "revenue"],
            [
                [p.product_id, str(p.sold), str(p.returned), str(p.revenue.amount)]
                for p in report.products
            ],
        )
    )
    out.extend(
        text_table(
            ["VAT", "with VAT", "VAT"],
            [[v.rate, str(v.amount.amount), str(v.vat.amount)] for v in report.vat],
        )
    )
    register = report.register
    assert register is not None
    out.append(
        f"receipts: cash {report.paid_by(PaymentKind.CASH).amount}, card "
        f"{report.paid_by(PaymentKind.CARD).amount}, revenue {report.revenue.amount}; "
        f"register: sales {register.sales}, returns {register.returns}, cash {register.cash}, "
        f"card {register.card}; {'balanced' if report.is_balanced else report.discrepancies}"
    )
    with store.unit_of_work(read_only=True) as shop:
        bread = shop.stock_ledger.position(ProductId("BREAD"), SHOP_STORE).free.value
    out.append(f"bread at the store: {bread}; takings handed over: {takings.amount.amount}")
    store.close()
    return "\n".join(out)
