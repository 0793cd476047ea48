"""Payment allocation (F3): by hand to orders, the rest automatically."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescore.adapters.memory import MemoryStore
from salescore.errors import SettlementError
from salescore.money import Money
from salescore.receivables import (
    Allocation,
    EntryKind,
    ManualAllocation,
    Measure,
    Payment,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    age_receivables,
    allocate_payments,
    load_ledger,
    post_entries,
    record_payment,
    reverse_payment,
    sweep,
)
from salescore.receivables.allocation import _sweep_scoped

ACC = SettlementAccount("CAFE", "RUB")
DAY0 = date(2026, 3, 1)


def rub(amount: str) -> Money:
    return Money(amount, "RUB")


def ship(entry_id: str, order: str, posted: int, due: int, amount: str) -> SettlementEntry:
    return SettlementEntry(
        entry_id,
        EntryKind.SHIPMENT,
        ACC,
        order,
        entry_id,
        DAY0 + timedelta(posted),
        DAY0 + timedelta(due),
        rub(amount),
    )


def pay(pid: str, day: int, amount: str, *manual: tuple[str, str]) -> Payment:
    parts = tuple(ManualAllocation(order, rub(a)) for order, a in manual)
    return Payment(pid, ACC, DAY0 + timedelta(day), rub(amount), manual=parts)


def actual(allocations: list[Allocation]) -> list[tuple[str, str, str, bool]]:
    return [
        (a.source_id, a.entry_id, str(a.amount.amount), a.manual)
        for a in allocations
        if a.measure is Measure.ACTUAL
    ]


def test_automatic_allocation_pays_the_oldest_due_first() -> None:
    entries = [ship("A", "SO-1", 0, 20, "100.00"), ship("B", "SO-2", 0, 10, "100.00")]
    assert actual(allocate_payments(entries, [pay("P", 25, "150.00")])) == [
        ("P", "B", "100.00", False),
        ("P", "A", "50.00", False),
    ]


def test_equal_due_dates_are_broken_by_posting_date_then_order_then_entry() -> None:
    entries = [
        ship("C", "SO-2", 1, 10, "10.00"),
        ship("B", "SO-2", 0, 10, "10.00"),
        ship("A", "SO-3", 0, 10, "10.00"),
    ]
    got = actual(allocate_payments(entries, [pay("P", 5, "30.00")]))
    assert [entry for _, entry, _, _ in got] == ["B", "A", "C"]


def test_a_hand_allocation_goes_to_its_order_before_anything_older() -> None:
    entries = [ship("OLD", "SO-1", 0, 5, "100.00"), ship("NEW", "SO-2", 0, 30, "100.00")]
    got = actual(allocate_payments(entries, [pay("P", 10, "120.00", ("SO-2", "80.00"))]))
    assert got == [("P", "NEW", "80.00", True), ("P", "OLD", "40.00", False)]


def test_a_prepayment_waits_for_the_shipment_and_is_allocated_on_its_date() -> None:
    entries = [ship("S", "SO-1", 10, 24, "500.00")]
    allocations = allocate_payments(entries, [pay("P", 2, "200.00")])
    shipped = [a for a in allocations if a.measure is Measure.ACTUAL]
    assert [(a.allocated_on, a.amount) for a in shipped] == [(DAY0 + timedelta(10), rub("200.00"))]


def test_an_over_payment_stays_as_credit_and_pays_later_debt() -> None:
    first = ship("S1", "SO-1", 0, 10, "100.00")
    later = ship("S2", "SO-2", 20, 30, "100.00")
    payments = [pay("P", 5, "130.00")]
    ledger = SettlementLedger([first, later], payments, allocate_payments([first, later], payments))
    assert [c.open for c in ledger.open_credits(DAY0 + timedelta(10))] == [rub("30.00")]
    assert ledger.balance(DAY0 + timedelta(10)) == rub("-30.00")
    assert ledger.open_credits(DAY0 + timedelta(20)) == []
    assert ledger.balance(DAY0 + timedelta(20)) == rub("70.00")


def test_a_hand_allocation_beyond_the_order_debt_stays_with_that_order() -> None:
    entries = [ship("S1", "SO-1", 0, 10, "100.00"), ship("S2", "SO-2", 0, 10, "100.00")]
    payments = [pay("P", 5, "150.00", ("SO-1", "150.00"))]
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    (credit,) = ledger.open_credits(DAY0 + timedelta(30))
    assert (credit.order_id, credit.open) == ("SO-1", rub("50.00"))
    assert [i.entry.id for i in ledger.open_items(DAY0 + timedelta(30))] == ["S2"]


def test_a_return_pays_its_own_order_first_then_other_open_debt() -> None:
    def returned(rid: str, order: str, amount: str) -> SettlementEntry:
        day = DAY0 + timedelta(3)
        return SettlementEntry(rid, EntryKind.RETURN, ACC, order, rid, day, day, rub(amount))

    entries = [
        ship("S1", "SO-1", 0, 10, "100.00"),
        ship("S2", "SO-2", 0, 5, "100.00"),
        returned("R1", "SO-1", "-40.00"),
    ]
    assert actual(allocate_payments(entries, [])) == [("R1", "S1", "40.00", False)]
    paid = [pay("P", 1, "100.00", ("SO-1", "100.00"))]
    assert actual(allocate_payments(entries, paid)) == [
        ("P", "S1", "100.00", True),
        ("R1", "S2", "40.00", False),
    ]


def test_payments_reduce_planned_debt_with_their_own_allocations() -> None:
    plan = SettlementEntry("PL", EntryKind.SCHEDULE, ACC, "SO-1", "SO-1", DAY0, DAY0, rub("70.00"))
    allocations = allocate_payments([plan], [pay("P", 1, "50.00")])
    planned = [a for a in allocations if a.measure is Measure.PLANNED]
    assert [(a.entry_id, a.amount) for a in planned] == [("PL", rub("50.00"))]


def test_a_payment_in_another_currency_without_a_rate_is_refused() -> None:
    with pytest.raises(SettlementError, match="is in USD but settles in RUB and has no rate"):
        Payment("P", ACC, DAY0, Money("100.00", "USD"))


def test_a_payment_in_another_currency_settles_at_its_rate() -> None:
    payment = Payment("P", ACC, DAY0, Money("100.00", "USD"), rate=Decimal("91.2345"))
    assert payment.settled == rub("9123.45")


def test_hand_allocations_above_the_payment_are_refused() -> None:
    with pytest.raises(SettlementError, match=r"allocates 120.00 RUB by hand but is only"):
        pay("P", 0, "100.00", ("SO-1", "70.00"), ("SO-2", "50.00"))


def test_a_hand_allocation_to_an_unknown_order_is_refused() -> None:
    with pytest.raises(SettlementError, match="'SO-9' has no settlements on account"):
        allocate_payments(
            [ship("S", "SO-1", 0, 1, "1.00")], [pay("P", 0, "1.00", ("SO-9", "1.00"))]
        )


def test_a_hand_allocation_to_a_closed_order_is_refused_and_nothing_is_stored() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, [ship("S", "SO-1", 0, 1, "10.00")])
        uow.commit()
    with store.unit_of_work() as uow, pytest.raises(SettlementError, match="'SO-1' is closed"):
        record_payment(
            uow.settlements, pay("P", 2, "10.00", ("SO-1", "10.00")), closed_orders={"SO-1"}
        )
    with store.unit_of_work() as uow:
        assert uow.settlements.payments() == []
        assert actual(uow.settlements.allocations()) == []


# --- properties ------------------------------------------------------------------------


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[SettlementEntry], list[Payment]]:
    """A random account: shipments (some returned), schedule stages and payments."""
    entries: list[SettlementEntry] = []
    orders = [f"SO-{n}" for n in range(draw(st.integers(1, 5)))]
    for n in range(draw(st.integers(0, 12))):
        order = draw(st.sampled_from(orders))
        posted = draw(st.integers(0, 40))
        amount = Money.from_minor(draw(st.integers(1, 100_000)), "RUB")
        kind = draw(st.sampled_from([EntryKind.SHIPMENT, EntryKind.SCHEDULE]))
        entries.append(
            SettlementEntry(f"E{n}", kind, ACC, order, f"D{n}", DAY0 + timedelta(posted),
                            DAY0 + timedelta(posted + draw(st.integers(0, 30))), amount)
        )  # fmt: skip
        if kind is EntryKind.SHIPMENT and draw(st.booleans()):
            back = Money.from_minor(draw(st.integers(1, amount.minor_units)), "RUB")
            returned = DAY0 + timedelta(posted + draw(st.integers(0, 10)))
            entries.append(
                SettlementEntry(f"R{n}", EntryKind.RETURN, ACC, order, f"R{n}", returned,
                                returned, -back)
            )  # fmt: skip
    known = sorted({e.order_id for e in entries})
    payments = []
    for n in range(draw(st.integers(0, 6))):
        units = draw(st.integers(1, 150_000))
        manual: tuple[ManualAllocation, ...] = ()
        by_hand: bool = draw(st.booleans())
        if known and by_hand:
            share = draw(st.integers(1, units))
            manual = (
                ManualAllocation(draw(st.sampled_from(known)), Money.from_minor(share, "RUB")),
            )
        payments.append(Payment(f"P{n}", ACC, DAY0 + timedelta(draw(st.integers(0, 60))),
                                Money.from_minor(units, "RUB"), manual=manual))  # fmt: skip
    return entries, payments


@settings(max_examples=150)
@given(ledgers())
def test_allocation_never_exceeds_the_credit_or_the_debt(
    case: tuple[list[SettlementEntry], list[Payment]],
) -> None:
    entries, payments = case
    allocations = allocate_payments(entries, payments)
    by_id = {e.id: e for e in entries}
    credit = {p.id: p.settled.minor_units for p in payments}
    credit.update({e.id: -e.amount.minor_units for e in entries if e.amount.is_negative()})
    for measure in Measure:
        from_source: dict[str, int] = defaultdict(int)
        to_entry: dict[str, int] = defaultdict(int)
        for a in allocations:
            if a.measure is measure:
                assert a.amount.is_positive()
                assert a.allocated_on >= by_id[a.entry_id].posted_on
                from_source[a.source_id] += a.amount.minor_units
                to_entry[a.entry_id] += a.amount.minor_units
        assert all(units <= credit[source] for source, units in from_source.items())
        assert all(units <= by_id[entry].amount.minor_units for entry, units in to_entry.items())


@settings(max_examples=150)
@given(ledgers())
def test_total_debt_minus_total_allocated_is_the_open_balance(
    case: tuple[list[SettlementEntry], list[Payment]],
) -> None:
    entries, payments = case
    allocations = allocate_payments(entries, payments)
    ledger = SettlementLedger(entries, payments, allocations)
    end = DAY0 + timedelta(days=200)
    for measure in Measure:
        debt = sum(
            e.amount.minor_units for e in entries if e.measure is measure and e.amount.is_positive()
        )
        allocated = sum(a.amount.minor_units for a in allocations if a.measure is measure)
        open_units = sum(i.open.minor_units for i in ledger.open_items(end, measure))
        assert debt - allocated == open_units
        # Money is either still owed or still credit, never both on one account.
        credit = sum(c.open.minor_units for c in ledger.open_credits(end, measure))
        general = [c for c in ledger.open_credits(end, measure) if c.order_id is None]
        assert not (general and open_units)
        assert credit >= 0


@settings(max_examples=100)
@given(ledgers())
def test_hand_allocated_money_only_pays_its_own_order(
    case: tuple[list[SettlementEntry], list[Payment]],
) -> None:
    entries, payments = case
    by_id = {e.id: e for e in entries}
    hand = {p.id: {m.order_id: m.amount.minor_units for m in p.manual} for p in payments}
    used: dict[tuple[str, str, Measure], int] = defaultdict(int)
    for a in allocate_payments(entries, payments):
        if a.manual:
            order = by_id[a.entry_id].order_id
            assert order in hand[a.source_id]
            used[a.source_id, order, a.measure] += a.amount.minor_units
    assert all(units <= hand[p][o] for (p, o, _), units in used.items())


@settings(max_examples=100)
@given(ledgers())
def test_rerunning_allocation_gives_the_same_allocations(
    case: tuple[list[SettlementEntry], list[Payment]],
) -> None:
    entries, payments = case
    assert allocate_payments(entries, payments) == allocate_payments(
        list(reversed(entries)), list(reversed(payments))
    )


@settings(max_examples=60, deadline=None)
@given(ledgers(), st.integers(1, 100_000), st.integers(0, 60))
def test_recording_then_reversing_a_payment_restores_the_stored_state_exactly(
    case: tuple[list[SettlementEntry], list[Payment]], units: int, day: int
) -> None:
    entries, payments = case
    store = MemoryStore()
    with store.unit_of_work() as uow:
        post_entries(uow.settlements, entries)
        for p in payments:
            record_payment(uow.settlements, p)
        uow.commit()
        before = load_ledger(uow.settlements)
        extra = Payment("EXTRA", ACC, DAY0 + timedelta(day), Money.from_minor(units, "RUB"))
        record_payment(uow.settlements, extra)
        uow.commit()
        reverse_payment(uow.settlements, "EXTRA")
        uow.commit()
        after = load_ledger(uow.settlements)
    assert after.payments == before.payments
    assert after.allocations == before.allocations
    assert after.open_items(DAY0 + timedelta(100)) == before.open_items(DAY0 + timedelta(100))


@settings(max_examples=100)
@given(ledgers(), st.integers(0, 120))
def test_aging_buckets_of_a_ledger_sum_to_its_open_balance(
    case: tuple[list[SettlementEntry], list[Payment]], offset: int
) -> None:
    entries, payments = case
    ledger = SettlementLedger(entries, payments, allocate_payments(entries, payments))
    on = DAY0 + timedelta(offset)
    for measure in Measure:
        report = age_receivables(ledger, on, group_by=("order",), measure=measure)
        aged = sum(line.total.minor_units for line in report.lines)
        assert aged == sum(i.open.minor_units for i in ledger.open_items(on, measure))
        credit = sum(line.credit.minor_units for line in report.lines)
        assert aged - credit == ledger.balance(on, measure, currency="RUB").minor_units


def test_a_ledger_refuses_an_entry_id_used_twice() -> None:
    with pytest.raises(SettlementError, match="entry id 'A' is used twice"):
        SettlementLedger([ship("A", "SO-1", 0, 1, "1.00"), ship("A", "SO-2", 0, 1, "2.00")])


def test_a_balance_over_several_currencies_asks_which_one() -> None:
    usd = SettlementAccount("CAFE", "USD")
    dollars = SettlementEntry("U", EntryKind.SHIPMENT, usd, "SO-U", "U", DAY0, DAY0,
                              Money("5.00", "USD"))  # fmt: skip
    ledger = SettlementLedger([ship("A", "SO-1", 0, 1, "1.00"), dollars])
    with pytest.raises(SettlementError, match="settlements in RUB, USD: name the currency"):
        ledger.balance(DAY0)
    assert ledger.balance(DAY0, currency="USD") == Money("5.00", "USD")


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 40), st.integers(-3, 500)), max_size=25),
    st.lists(st.tuples(st.integers(0, 30), st.integers(-3, 900)), max_size=12),
)
def test_the_sweep_of_credits_without_an_order_gives_the_general_sweeps_matches(
    debts: list[tuple[int, int, int]], paid: list[tuple[int, int]]
) -> None:
    # Credits scoped to no order take a faster path of their own: the same matches,
    # in the same order, as the general engine that also serves scoped credits.
    items = [
        (posted, posted + due, f"SO-{n % 3}\x00E{n}", f"SO-{n % 3}", units)
        for n, (posted, due, units) in enumerate(debts)
    ]
    credits = [(day, f"1P{n % 4}", units, None, False) for n, (day, units) in enumerate(paid)]
    assert sweep(items, credits) == _sweep_scoped(items, credits)
