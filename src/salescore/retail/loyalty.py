"""Loyalty cards [дисконтные карты] (H5): kinds, tiers by cumulative turnover, analysis.

A :class:`LoyaltyCard` has a number and a barcode, a kind, a holder, a
validity and a blocked flag. Its :class:`CardKind` names the discount tier
the card gives: the tier's code is the ``card_kind`` the discount engine's
``card_kind`` condition matches, so card discounts are ordinary discount
rules. A kind with :class:`TurnoverTier` values lifts a card to a higher tier
when its purchases over the kind's period (the cumulative turnover
[накопительная скидка]) reach the tier's threshold.

>>> from datetime import date
>>> from decimal import Decimal
>>> kind = CardKind("CLUB", "Club card", tiers=(
...     TurnoverTier(Decimal("10000"), "CLUB-5"), TurnoverTier(Decimal("50000"), "CLUB-10")))
>>> [kind.tier_for(Decimal(x)) for x in ("9999.99", "10000", "60000")]
['CLUB', 'CLUB-5', 'CLUB-10']
>>> card = LoyaltyCard("0001", "2000000000015", "CLUB", holder="Anna",
...                    valid_until=date(2026, 12, 31))
>>> card.check(date(2026, 3, 2))
>>> card.check(date(2027, 1, 1))
Traceback (most recent call last):
...
salescore.errors.LoyaltyCardError: loyalty card '0001' expired on 2026-12-31: sell without it ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from salescore.errors import LoyaltyCardError
from salescore.records import Record, html_table
from salescore.retail._exact import exact
from salescore.retail.receipts import RetailReceipt

__all__ = [
    "CardKind",
    "LoyaltyCard",
    "LoyaltyReport",
    "LoyaltyRow",
    "TierMigration",
    "TurnoverTier",
    "card_turnover",
    "loyalty_report",
]


@attrs.frozen
class TurnoverTier:
    """From ``threshold`` of cumulative turnover on, a card gives discount tier ``code``."""

    threshold: Decimal
    code: str


def _tiers(value: Iterable[TurnoverTier]) -> tuple[TurnoverTier, ...]:
    tiers = tuple(sorted(value, key=lambda t: t.threshold))
    if any(t.threshold <= 0 for t in tiers):
        raise LoyaltyCardError("a turnover tier's threshold must be positive")
    return tiers


@attrs.frozen
class CardKind:
    """A kind of loyalty card [вид дисконтной карты].

    Attributes:
        id: the kind's id; also the discount tier of a card below every threshold.
        name: what people call it.
        tiers: the cumulative-turnover tiers, any order (kept by threshold).
        period_days: the turnover counted is of this many days before the sale.
    """

    id: str
    name: str
    tiers: tuple[TurnoverTier, ...] = attrs.field(default=(), converter=_tiers)
    period_days: int = 365

    def tier_for(self, turnover: Decimal) -> str:
        """The discount tier code a card of this kind gives at ``turnover``."""
        code = self.id
        for tier in self.tiers:
            if turnover >= tier.threshold:
                code = tier.code
        return code

    def window(self, on: date) -> tuple[date, date]:
        """The days whose purchases count for a sale on ``on`` (up to the day before)."""
        return on - timedelta(days=self.period_days), on - timedelta(days=1)


@attrs.frozen
class LoyaltyCard:
    """A loyalty card issued to a holder.

    Attributes:
        id: the card number.
        barcode: what the scanner reads from it.
        kind_id: its :class:`CardKind`.
        holder: who it was issued to.
        valid_from, valid_until: its validity (``None``: open).
        blocked: a blocked card gives nothing.
        issued_on: when it was issued.
    """

    id: str
    barcode: str
    kind_id: str
    holder: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    blocked: bool = False
    issued_on: date | None = None

    def check(self, on: date) -> None:
        """Refuse the card if it cannot be used on ``on``.

        Raises:
            LoyaltyCardError: blocked, not yet valid, or expired.
        """
        if self.blocked:
            raise LoyaltyCardError(
                f"loyalty card {self.id!r} is blocked: sell without it, or unblock it first",
                card=self.id,
            )
        if self.valid_from is not None and on < self.valid_from:
            raise LoyaltyCardError(
                f"loyalty card {self.id!r} is valid from {self.valid_from}: sell without it",
                card=self.id,
            )
        if self.valid_until is not None and on > self.valid_until:
            raise LoyaltyCardError(
                f"loyalty card {self.id!r} expired on {self.valid_until}: sell without it "
                "or issue a new card",
                card=self.id,
            )


def _day(moment: datetime) -> date:
    return moment.date()


def card_turnover(
    receipts: Iterable[RetailReceipt], card_id: str, start: date, end: date
) -> Decimal:
    """The card's purchases from ``start`` to ``end`` (inclusive): sales less returns."""
    return sum(
        (
            r.total.amount * r.sign
            for r in receipts
            if r.card_number == card_id and r.counts and start <= _day(r.at) <= end
        ),
        Decimal("0.00"),
    )


card_turnover = exact(card_turnover)


@attrs.frozen
class LoyaltyRow:
    """One card's figures in a period."""

    card_id: str
    kind_id: str
    holder: str
    receipts: int
    turnover: Decimal
    tier_before: str
    tier_after: str


@attrs.frozen
class TierMigration:
    """A card that moved from one tier to another over the period."""

    card_id: str
    before: str
    after: str


@attrs.frozen
class LoyaltyReport:
    """Loyalty analysis of a period: active cards, turnover per card, tier migration."""

    start: date
    end: date
    rows: tuple[LoyaltyRow, ...]

    @property
    def active_cards(self) -> int:
        """Cards with at least one receipt in the period."""
        return sum(1 for r in self.rows if r.receipts)

    @property
    def migrations(self) -> tuple[TierMigration, ...]:
        """Cards whose tier changed between the period's start and its end."""
        return tuple(
            TierMigration(r.card_id, r.tier_before, r.tier_after)
            for r in self.rows
            if r.tier_before != r.tier_after
        )

    def to_records(self) -> list[Record]:
        """One row per card: receipts, turnover, tier before and after."""
        return [attrs.asdict(r) for r in self.rows]

    def _repr_html_(self) -> str:
        caption = (
            f"loyalty {self.start} – {self.end}: {self.active_cards} active cards, "
            f"{len(self.migrations)} moved tier"
        )
        return html_table(self.to_records(), caption=caption)


def loyalty_report(
    cards: Sequence[LoyaltyCard],
    kinds: Mapping[str, CardKind],
    receipts: Sequence[RetailReceipt],
    start: date,
    end: date,
) -> LoyaltyReport:
    """Active cards, turnover per card and tier migration from ``start`` to ``end``.

    A card's tier before is the one a sale on ``start`` would get, its tier
    after the one a sale on the day after ``end`` would get.

    Raises:
        LoyaltyCardError: a card of a kind not in ``kinds``.
    """
    rows = []
    for card in sorted(cards, key=lambda c: c.id):
        kind = kinds.get(card.kind_id)
        if kind is None:
            raise LoyaltyCardError(
                f"loyalty card {card.id!r} is of unknown kind {card.kind_id!r}", card=card.id
            )
        own = [
            r
            for r in receipts
            if r.card_number == card.id and r.counts and start <= _day(r.at) <= end
        ]
        before = kind.tier_for(card_turnover(receipts, card.id, *kind.window(start)))
        after = kind.tier_for(
            card_turnover(receipts, card.id, *kind.window(end + timedelta(days=1)))
        )
        rows.append(
            LoyaltyRow(
                card.id,
                kind.id,
                card.holder,
                sum(1 for r in own if r.sign > 0),
                card_turnover(own, card.id, start, end),
                before,
                after,
            )
        )
    return LoyaltyReport(start, end, tuple(rows))


loyalty_report = exact(loyalty_report)
