"""The demo's receivables section: a schedule, a payment, an aging table, the stop list."""

from __future__ import annotations

from salescore.adapters.repositories import Repositories
from salescore.demo.sample_receivables import SAMPLE_AS_OF, load_sample_receivables
from salescore.receivables import Measure, age_receivables, load_ledger, stop_list

__all__ = ["receivables_section"]


def receivables_section(uow: Repositories) -> str:
    """Load the sample settlements and show a schedule, a payment and the aging on a date."""
    load_sample_receivables(uow)
    out = ["== Receivables =="]
    schedule = uow.order_schedules.get("SO-1001").schedule
    out.append("Payment schedule [график оплаты] of SO-1001:")
    out.append(schedule.explain().as_text())
    ledger = load_ledger(uow.settlements)
    payment = uow.settlements.payment("PAY-0042")
    out.append("")
    by_hand = ", ".join(
        f"{part.amount.amount} allocated by hand to {part.order_id}" for part in payment.manual
    )
    out.append(
        f"Payment {payment.id} of {payment.amount} on {payment.received_on.isoformat()} "
        f"({by_hand}, the rest automatically):"
    )
    for a in ledger.allocations:
        if a.source_id == payment.id and a.measure is Measure.ACTUAL:
            entry = ledger.entry(a.entry_id)
            how = "by hand" if a.manual else "automatically"
            out.append(
                f"  {a.amount} to {entry.order_id} ({entry.document_id}, due "
                f"{entry.due_date.isoformat()}) {how}"
            )
    report = age_receivables(ledger, SAMPLE_AS_OF, group_by=("manager", "partner"))
    out.append("")
    out.append(report.as_text())
    out.append("")
    out.append(f"Stop list [стоп-лист] on {SAMPLE_AS_OF.isoformat()}:")
    stopped = stop_list(ledger, uow.credit_limits.all(), SAMPLE_AS_OF)
    for stop in stopped:
        reasons = "; ".join(str(b) for b in stop.breaches)
        out.append(f"  {stop.subject}: {stop.verdict.value} ({reasons})")
    if not stopped:
        out.append("  nobody")
    return "\n".join(out)
