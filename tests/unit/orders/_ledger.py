"""A settlement ledger of one order's schedule and its payments (receivables' own types)."""

from __future__ import annotations

from datetime import date

from salescore.money import Money
from salescore.orders import Order
from salescore.receivables import (
    Payment,
    SettlementAccount,
    SettlementLedger,
    allocate_payments,
    schedule_entries,
)


def ledger_of(order: Order, *payments: tuple[date, Money]) -> SettlementLedger:
    assert order.schedule is not None
    account = SettlementAccount(order.header.partner_id, order.header.currency)
    entries = schedule_entries(order.schedule, account, order.id, order.on)
    paid = [Payment(f"PAY-{i}", account, on, amount) for i, (on, amount) in enumerate(payments, 1)]
    return SettlementLedger(entries, paid, allocate_payments(entries, paid))
