"""The demo's CRM section: a quarter of wholesale deals in a funnel, and one partner's dossier.

Twelve wholesale deals [сделки] of the first quarter went through
qualification, proposal and negotiation; four were won. The funnel
[воронка продаж] shows how many reached each stage and how many went on,
the bottleneck and why deals were lost. The deal with the sample client
Volga Kazan is linked to the proposal and order of the orders section, so
its dossier [досье партнера] gathers them with its agreement, contract,
the deal, a meeting and a claim.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from salescore.adapters.repositories import Repositories
from salescore.app.crm import partner_dossier
from salescore.crm import (
    Claim,
    Deal,
    Interaction,
    InteractionKind,
    ProcessKind,
    Stage,
    funnel,
    link_order,
    link_proposal,
    lose_deal,
    lost_deals,
    move_deal,
    open_deal,
    win_deal,
)
from salescore.explain import text_table
from salescore.money import Money
from salescore.parties import PartnerId

__all__ = ["WHOLESALE", "crm_section", "sample_deals"]

WHOLESALE = ProcessKind(
    "WHOLESALE",
    "wholesale",
    (Stage("qualification"), Stage("proposal"), Stage("negotiation")),
)
"""The sample process kind: three stages moved by hand."""

_AS_OF = date(2026, 3, 31)

# deal id, client, manager, amount, furthest stage, outcome ("won" or a lost reason)
_CLOSED = (
    ("D-01", "CAFE-NORD", "ivanova", "120000.00", "negotiation", "won"),
    ("D-02", "BAKERY-1", "ivanova", "80000.00", "negotiation", "won"),
    ("D-03", "HOTEL-7", "petrov", "250000.00", "negotiation", "won"),
    ("D-04", "OFFICE-3", "petrov", "40000.00", "negotiation", "price"),
    ("D-05", "CAFE-SUD", "ivanova", "60000.00", "proposal", "won"),
    ("D-06", "SCHOOL-2", "petrov", "30000.00", "proposal", "price"),
    ("D-07", "GYM-4", "ivanova", "45000.00", "proposal", "competitor"),
    ("D-08", "BAR-9", "petrov", "25000.00", "qualification", "no budget"),
    ("D-09", "SHOP-5", "ivanova", "15000.00", "qualification", "no budget"),
    ("D-10", "CLINIC-1", "petrov", "90000.00", "qualification", "competitor"),
)


def _walk(deal: Deal, furthest: str, start: date) -> Deal:
    """Move ``deal`` stage by stage up to ``furthest``, a week per stage."""
    day = start
    for stage in WHOLESALE.stage_names[1 : WHOLESALE.index(furthest) + 1]:
        day = date.fromordinal(day.toordinal() + 7)
        deal = move_deal(deal, WHOLESALE, stage, day)
    return deal


def sample_deals() -> list[Deal]:
    """The quarter's deals: ten closed (four won), two open."""
    deals = []
    for n, (key, client, manager, amount, furthest, outcome) in enumerate(_CLOSED):
        start = date(2026, 1, 12 + n)
        deal = open_deal(WHOLESALE, key, client, manager, Money(amount, "RUB"), start)
        deal = _walk(deal, furthest, start)
        end = date.fromordinal(deal.visits[-1].entered.toordinal() + 5)
        if outcome == "won":
            deal = win_deal(deal, WHOLESALE, end)
        else:
            deal = lose_deal(deal, WHOLESALE, outcome, end)
        deals.append(deal)
    deals.append(
        _walk(
            open_deal(WHOLESALE, "D-11", "VOLGA-KZN", "ivanova", Money("150000.00", "RUB"),
                      date(2026, 2, 23)),
            "proposal", date(2026, 2, 23),
        )
    )  # fmt: skip
    deals.append(
        open_deal(WHOLESALE, "D-12", "CAFE-NORD", "ivanova", Money("70000.00", "RUB"), _AS_OF)
    )
    return deals


def crm_section(uow: Repositories) -> str:
    """Store the quarter's deals, show the funnel and the dossier of Volga Kazan."""
    uow.process_kinds.add(WHOLESALE)
    volga = PartnerId("VOLGA-KZN")
    for deal in sample_deals():
        if deal.partner_id == volga:
            for quote in sorted({o.quote_id for o in uow.orders.of_partner(volga) if o.quote_id}):
                deal = link_proposal(deal, quote)
            for order in uow.orders.of_partner(volga):
                deal = link_order(deal, order.id)
        uow.deals.add(deal)
    uow.interactions.add(
        Interaction(
            "I-1", InteractionKind.MEETING, datetime(2026, 3, 3, 11, 0, tzinfo=UTC), volga,
            "coffee beans for the new machines", ("Anna Volkova", "ivanova"),
            deal_id="D-11", outcome="wants a second version", next_step="revise the proposal",
            next_step_on=date(2026, 3, 3),
        )
    )  # fmt: skip
    uow.claims.add(
        Claim("CL-1", volga, date(2026, 3, 20), "one machine scratched", "petrov",
              date(2026, 3, 30))
    )  # fmt: skip

    deals = uow.deals.find_by("kind_id", WHOLESALE.kind_id)
    result = funnel(deals, WHOLESALE)
    out = ["== CRM =="]
    out.append(f"Sales funnel [воронка продаж] of {WHOLESALE.name} deals closed in Q1 2026:")
    rows = [
        [s.stage, str(s.reached), f"{float(s.conversion):.0%}", str(s.average_days or "-")]
        for s in result.stages
    ]
    out.extend(
        text_table(["stage", "reached", "went on", "avg days"], rows, right={1, 2, 3}, indent="  ")
    )
    out.append(
        f"  won {result.won} of {result.closed} closed: {float(result.overall):.0%} overall; "
        f"bottleneck: {result.bottleneck or '-'}"
    )
    lost = lost_deals(deals, WHOLESALE)
    out.append(
        "  lost: " + "; ".join(f"{g.reason} at {g.stage} ×{len(g.deals)}" for g in lost.groups)
    )
    out.append("")
    dossier = partner_dossier(uow, volga, _AS_OF)
    out.append(f"Dossier [досье партнера] of {dossier.partner.name} on {_AS_OF.isoformat()}:")
    out.extend(
        text_table(
            ["section", "id", "date", "status", "amount", "detail"],
            [
                [str(r["section"]), str(r["id"]), str(r["date"] or ""), str(r["status"] or ""),
                 "" if r["amount"] is None else f"{r['amount']} {r['currency']}", str(r["detail"])]
                for r in dossier.to_records()
            ],
            right={4},
            indent="  ",
        )
    )  # fmt: skip
    return "\n".join(out)
