"""Shared deals for the CRM tests: the golden funnel of the issue."""

from __future__ import annotations

from datetime import date

from salescore.crm import Deal, ProcessKind, Stage, lose_deal, move_deal, open_deal, win_deal
from salescore.money import Money

KIND = ProcessKind("B2B", "wholesale", (Stage("qualification"), Stage("proposal")))
DAY = date(2026, 3, 2)


def closed_deal(n: int, *, reach_proposal: bool, won: bool, reason: str = "price") -> Deal:
    """Deal D-n: qualification from 2 March, proposal from 5 March, closed 9 March."""
    deal = open_deal(KIND, f"D-{n}", "CAFE", "ivanov", Money("1000.00", "RUB"), DAY)
    if reach_proposal:
        deal = move_deal(deal, KIND, "proposal", date(2026, 3, 5))
    end = date(2026, 3, 9)
    return win_deal(deal, KIND, end) if won else lose_deal(deal, KIND, reason, end)


def golden_closed() -> list[Deal]:
    """20 closed deals: all past qualification, 10 reach proposal, 4 won."""
    return [closed_deal(n, reach_proposal=n < 10, won=n < 4) for n in range(20)]


def golden_open() -> list[Deal]:
    """Two open deals at proposal: 100,000.00 and 50,000.00."""
    deals = [
        open_deal(KIND, "O-1", "BAR", "petrov", Money("100000.00", "RUB"), DAY),
        open_deal(KIND, "O-2", "BAR", "petrov", Money("50000.00", "RUB"), DAY),
    ]
    return [move_deal(d, KIND, "proposal", date(2026, 3, 10)) for d in deals]
