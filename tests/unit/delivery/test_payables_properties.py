"""Money invariants of the payables ledger: nothing lost or made up, to the kopeck."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.delivery import CarrierCharge, CarrierId, CarrierPayment, PayablesLedger
from salescore.money import Money

START = date(2026, 3, 1)
CARRIERS = [CarrierId("TK-A"), CarrierId("TK-B")]


@st.composite
def ledgers(draw: st.DrawFn) -> PayablesLedger:
    charges = [
        CarrierCharge(
            f"C{i}",
            draw(st.sampled_from(CARRIERS)),
            START + timedelta(days=(day := draw(st.integers(0, 30)))),
            Money.from_minor(draw(st.integers(1, 10**9)), "RUB"),
            due=START + timedelta(days=day + draw(st.integers(0, 30))),
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    payments = [
        CarrierPayment(
            f"P{i}",
            draw(st.sampled_from(CARRIERS)),
            START + timedelta(days=draw(st.integers(0, 60))),
            Money.from_minor(draw(st.integers(1, 10**9)), "RUB"),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    return PayablesLedger(charges, payments)


@settings(max_examples=150, deadline=None)
@given(ledgers(), st.integers(0, 70))
def test_owed_is_charges_less_payments_and_items_share_the_payments_exactly(
    ledger: PayablesLedger, days: int
) -> None:
    as_of = START + timedelta(days=days)
    for carrier in CARRIERS:
        charged = sum(c.amount.minor_units for c in ledger.charges
                      if c.carrier_id == carrier and c.on <= as_of)  # fmt: skip
        paid = sum(p.amount.minor_units for p in ledger.payments
                   if p.carrier_id == carrier and p.on <= as_of)  # fmt: skip
        assert ledger.owed(carrier, "RUB", as_of).minor_units == charged - paid
        items = [i for i in ledger.items(as_of) if i.carrier_id == carrier]
        assert sum(i.paid.minor_units for i in items) == min(paid, charged)
        assert all(0 <= i.paid.minor_units <= i.charged.minor_units for i in items)
        advance = ledger.advance(carrier, "RUB", as_of).minor_units
        assert advance == max(paid - charged, 0)
        # the oldest due charges are paid first: no unpaid charge before a paid one
        open_seen = False
        for item in sorted(items, key=lambda i: (i.due, i.charge_id)):
            if item.paid.minor_units > 0:
                assert not open_seen
            if item.owed.minor_units > 0:
                open_seen = True
