"""Loyalty cards on their own: tiers by turnover, a card's validity, the turnover of a period
and the loyalty report. Figures by hand in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from tests.unit.retail._fixtures import golden_receipt

from salescore.errors import LoyaltyCardError
from salescore.retail import (
    CardKind,
    LoyaltyCard,
    LoyaltyRow,
    ReceiptStatus,
    RetailReceipt,
    TierMigration,
    TurnoverTier,
    card_turnover,
    compose_return,
    loyalty_report,
)

# Given out of order: kept by threshold. A month's purchases count.
CLUB = CardKind(
    "CLUB",
    "Club card",
    tiers=(TurnoverTier(Decimal(500), "CLUB-10"), TurnoverTier(Decimal(200), "CLUB-5")),
    period_days=30,
)


def sale(receipt_id: str, day: date, card: str) -> RetailReceipt:
    """A golden receipt (248.38) on ``day`` with ``card``."""
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return attrs.evolve(golden_receipt(receipt_id), at=at, card_number=card)


def receipts() -> list[RetailReceipt]:
    """Card 0001: 248.38 on 10 Feb; 248.38 on 2 Mar less a return of 44.60 that day; a
    cancelled sale on 5 Mar. Card 0002: 248.38 on 3 Mar."""
    second = sale("R-2", date(2026, 3, 2), "0001")
    back = compose_return(
        "V-1", second, {1: Decimal(1)}, shift_id="S-1", at=datetime(2026, 3, 2, 11, tzinfo=UTC)
    )
    return [
        sale("R-1", date(2026, 2, 10), "0001"),
        second,
        back,
        attrs.evolve(sale("R-3", date(2026, 3, 5), "0001"), status=ReceiptStatus.CANCELLED),
        sale("R-4", date(2026, 3, 3), "0002"),
    ]


def test_a_kind_keeps_its_tiers_by_threshold_and_gives_the_highest_reached() -> None:
    assert [t.code for t in CLUB.tiers] == ["CLUB-5", "CLUB-10"]
    assert [CLUB.tier_for(Decimal(x)) for x in ("199.99", "200", "499.99", "500", "9000")] == [
        "CLUB",
        "CLUB-5",
        "CLUB-5",
        "CLUB-10",
        "CLUB-10",
    ]
    assert CardKind("PLAIN", "Plain card").period_days == 365


def test_a_tier_needs_a_positive_threshold() -> None:
    for threshold in (Decimal(0), Decimal(-1)):
        with pytest.raises(LoyaltyCardError, match="threshold must be positive"):
            CardKind("CLUB", "Club card", tiers=(TurnoverTier(threshold, "CLUB-0"),))


def test_a_sale_s_turnover_is_of_the_period_s_days_before_it() -> None:
    # 30 days before 2 March 2026: 31 January to 1 March.
    assert CLUB.window(date(2026, 3, 2)) == (date(2026, 1, 31), date(2026, 3, 1))


def test_a_card_is_good_from_its_first_to_its_last_day_and_not_when_blocked() -> None:
    card = LoyaltyCard(
        "0001", "2000000000015", "CLUB", valid_from=date(2026, 3, 1), valid_until=date(2026, 3, 31)
    )
    card.check(date(2026, 3, 1))
    card.check(date(2026, 3, 31))
    with pytest.raises(LoyaltyCardError, match=r"^loyalty card '0001' is valid from 2026-03-01"):
        card.check(date(2026, 2, 28))
    with pytest.raises(LoyaltyCardError, match=r"^loyalty card '0001' expired on 2026-03-31"):
        card.check(date(2026, 4, 1))
    with pytest.raises(LoyaltyCardError, match="is blocked: sell without it"):
        attrs.evolve(card, blocked=True).check(date(2026, 3, 15))
    LoyaltyCard("0009", "", "CLUB").check(date(1999, 1, 1))  # no dates: always good


def test_a_card_s_turnover_counts_its_sales_less_returns_of_the_days_given() -> None:
    found = receipts()
    # 10 Feb to 2 Mar, both days in: 248.38 + 248.38 − 44.60 = 452.16.
    assert card_turnover(found, "0001", date(2026, 2, 10), date(2026, 3, 2)) == Decimal("452.16")
    assert card_turnover(found, "0001", date(2026, 2, 11), date(2026, 3, 2)) == Decimal("203.78")
    assert card_turnover(found, "0001", date(2026, 2, 10), date(2026, 3, 1)) == Decimal("248.38")
    # The cancelled sale of 5 March counts for nothing; nor do other cards' sales.
    assert card_turnover(found, "0001", date(2026, 3, 3), date(2026, 3, 31)) == Decimal("0.00")
    assert card_turnover(found, "0002", date(2026, 3, 1), date(2026, 3, 31)) == Decimal("248.38")


def test_the_loyalty_report_gives_each_card_s_receipts_turnover_and_tiers() -> None:
    cards = [
        LoyaltyCard("0003", "", "CLUB", holder="Vera"),
        LoyaltyCard("0001", "", "CLUB", holder="Anna"),
        LoyaltyCard("0002", "", "CLUB", holder="Boris"),
    ]
    report = loyalty_report(cards, {"CLUB": CLUB}, receipts(), date(2026, 3, 1), date(2026, 3, 31))
    # Before (a sale on 1 March: 30 Jan to 28 Feb) and after (a sale on 1 April: 2 to 31
    # March). 0001: 248.38 before and 203.78 after, CLUB-5 both; one sale (the return is no
    # receipt of a sale) and 203.78 in March. 0002: nothing before, 248.38 after: CLUB-5.
    assert report.rows == (
        LoyaltyRow("0001", "CLUB", "Anna", 1, Decimal("203.78"), "CLUB-5", "CLUB-5"),
        LoyaltyRow("0002", "CLUB", "Boris", 1, Decimal("248.38"), "CLUB", "CLUB-5"),
        LoyaltyRow("0003", "CLUB", "Vera", 0, Decimal("0.00"), "CLUB", "CLUB"),
    )
    assert (report.start, report.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert report.active_cards == 2
    assert report.migrations == (TierMigration("0002", "CLUB", "CLUB-5"),)
    assert report.to_records()[1] == {
        "card_id": "0002",
        "kind_id": "CLUB",
        "holder": "Boris",
        "receipts": 1,
        "turnover": Decimal("248.38"),
        "tier_before": "CLUB",
        "tier_after": "CLUB-5",
    }
    assert "loyalty 2026-03-01 – 2026-03-31: 2 active cards, 1 moved tier" in (report._repr_html_())


def test_the_loyalty_report_refuses_a_card_of_an_unknown_kind() -> None:
    with pytest.raises(LoyaltyCardError, match=r"^loyalty card '0001' is of unknown kind 'GOLD'$"):
        loyalty_report(
            [LoyaltyCard("0001", "", "GOLD")],
            {"CLUB": CLUB},
            [],
            date(2026, 3, 1),
            date(2026, 3, 31),
        )


def test_any_threshold_above_zero_makes_a_tier() -> None:
    kind = CardKind(
        "CLUB",
        "Club card",
        tiers=(TurnoverTier(Decimal("0.01"), "CLUB-1"), TurnoverTier(Decimal(1), "CLUB-2")),
    )
    assert [kind.tier_for(Decimal(x)) for x in ("0.00", "0.01", "1.00")] == [
        "CLUB",
        "CLUB-1",
        "CLUB-2",
    ]


def test_a_card_without_purchases_has_a_turnover_in_kopecks() -> None:
    # An export shows 0.00, as for any other amount, not a bare 0.
    turnover = card_turnover([], "0001", date(2026, 3, 1), date(2026, 3, 31))
    assert str(turnover) == "0.00"
