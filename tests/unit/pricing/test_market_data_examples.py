"""Which records count as market data, and which registered record of a characteristic wins."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.errors import FormulaError, MissingPriceError
from salescore.money import Money
from salescore.parties import PartnerId, PartnerKind, Product, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, PricingSnapshot

ON = date(2026, 3, 2)
P = ProductId("P")
Q = ProductId("Q")
RIVAL = PriceType(PriceTypeId("RIVAL"), "Rival", "RUB", partner_id=PartnerId("RIVAL"))
CLIENT = PriceType(PriceTypeId("CLIENT"), "Client", "RUB", partner_id=PartnerId("CAFE"))
BASE = PriceType(PriceTypeId("BASE"), "Base", "RUB")
MARKET = PriceType(PriceTypeId("MARKET"), "Market", "RUB", formula="min_market_price()")


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def test_market_data_is_a_competitors_or_suppliers_prices_up_to_the_date() -> None:
    snapshot = PricingSnapshot.build(
        [RIVAL, CLIENT, BASE, MARKET],
        ON,
        products=[Product(P, "P"), Product(Q, "Q")],
        market_records=[
            # Not market data: a price type of no partner, a partner of no market kind
            # (and of no kind given at all), a price after the date.
            PriceRecord(BASE.id, P, date(2026, 1, 1), rub("10.00")),
            PriceRecord(CLIENT.id, P, date(2026, 1, 2), rub("20.00")),
            PriceRecord(RIVAL.id, P, date(2026, 3, 3), rub("1.00")),
            # The rival's latest price on the date itself counts.
            PriceRecord(RIVAL.id, P, date(2026, 2, 1), rub("70.00")),
            PriceRecord(RIVAL.id, P, ON, rub("50.00")),
        ],
        partner_kinds={PartnerId("RIVAL"): frozenset({PartnerKind.COMPETITOR})},
    )
    assert snapshot.price(P, MARKET.id).amount == rub("50.00")
    assert snapshot.prices(MARKET.id) == {P: rub("50.00")}
    # A product no partner prices has no market price: missing, not an error.
    assert snapshot.prices(MARKET.id, [Q, P]) == {P: rub("50.00")}
    with pytest.raises(MissingPriceError):
        snapshot.price(Q, MARKET.id)


def test_of_two_records_of_one_characteristic_the_latest_in_force_wins_in_any_order() -> None:
    records = [
        PriceRecord(BASE.id, P, date(2026, 2, 1), rub("244.00"), "XL"),
        PriceRecord(BASE.id, P, date(2026, 1, 10), rub("200.00"), "XL"),
        PriceRecord(BASE.id, P, date(2026, 2, 20), rub("120.00")),
        PriceRecord(BASE.id, P, date(2026, 1, 5), rub("100.00")),
    ]
    snapshot = PricingSnapshot.build([BASE], ON, products=[Product(P, "P")], records=records)
    assert snapshot.price(P, BASE.id, "XL").amount == rub("244.00")
    assert snapshot.price(P, BASE.id).amount == rub("120.00")
    # A characteristic without its own record takes the product's.
    assert snapshot.price(P, BASE.id, "S").amount == rub("120.00")


def test_a_cycle_below_the_first_price_type_is_found_and_named() -> None:
    apex = PriceType(PriceTypeId("A"), "Apex", "RUB", formula="[Bee] * 2")
    bee = PriceType(PriceTypeId("B"), "Bee", "RUB", formula="[Cee] + 1")
    cee = PriceType(PriceTypeId("C"), "Cee", "RUB", formula="[Bee] - 1")
    with pytest.raises(FormulaError, match=r"in a cycle: \[Bee\] -> \[Cee\] -> \[Bee\];"):
        PricingSnapshot.build([apex, bee, cee], ON)
