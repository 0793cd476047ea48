"""Pricing an order end to end: agreement, price type, prices, discounts, deviations."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from salescore.adapters.memory import MemoryStore
from salescore.agreements import ApprovalId, ApprovalPolicy, ApprovalRule, DeviationKind
from salescore.app.agreements import start_sale_approval
from salescore.app.discount_rules import save_rule_set
from salescore.app.sales import load_pricer, price_order, price_orders
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import load_sample_prices
from salescore.errors import InvalidInputError, NotFoundError
from salescore.orders import SaleOrder, SaleOrderLine, SalePricer
from salescore.parties import PartnerId, ProductId
from salescore.pricing import PriceTypeId
from salescore.testing import FixedClock

MSK = timezone(timedelta(hours=3))


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        save_rule_set(uow, sample_rule_set())
        uow.commit()
    return store


def volga_order(number: int = 1, grinder_discount: str = "4") -> SaleOrder:
    return SaleOrder(
        f"SO-{number}",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 11, 30, tzinfo=MSK),
        (
            SaleOrderLine("1", ProductId("CM-100"), Decimal(5)),
            SaleOrderLine("2", ProductId("GR-10"), Decimal(4), {"MANAGER": grinder_discount}),
            SaleOrderLine("3", ProductId("BEANS-ARABICA"), Decimal("25.5")),
        ),
        user="ivanova",
    )


class CountingUow:
    """A unit of work that counts what is read from it."""

    def __init__(self, uow: Any) -> None:
        self._uow = uow
        self.reads = 0

    def __getattr__(self, name: str) -> Any:
        self.reads += 1
        return getattr(self._uow, name)


def test_an_order_is_priced_from_its_agreements_price_type_and_discounted(
    store: MemoryStore,
) -> None:
    with store.unit_of_work() as uow:
        priced = price_order(uow, volga_order())
    first = priced.lines[0]
    assert (first.agreement_id, first.price_type_id) == ("IA-VOLGA-KZN", "WHOLESALE")
    assert first.unit_price == first.reference_price
    assert str(priced.gross) == str(sum((x.gross for x in priced.lines[1:]), first.gross))
    assert priced.net == priced.gross - priced.discount
    text = first.explain().as_text()
    # wholesale = purchase 12000.00 x 1.22 (general VAT on 2026-03-12) x 1.25 = 18300.00
    for part in ("agreement = IA-VOLGA-KZN", "unit price = 18300.00 RUB", "group ROOT"):
        assert part in text


def test_the_grinders_manual_discount_over_the_machines_limit_starts_an_approval(
    store: MemoryStore,
) -> None:
    with store.unit_of_work() as uow:
        priced = price_order(uow, volga_order())
        (deviation,) = priced.deviations
        assert (deviation.kind, deviation.line, deviation.product_id) == (
            DeviationKind.DISCOUNT_ABOVE_LIMIT,
            2,
            "GR-10",
        )
        policy = ApprovalPolicy(
            (ApprovalRule("discounts", ("head",), frozenset({DeviationKind.DISCOUNT_ABOVE_LIMIT})),)
        )
        process = start_sale_approval(
            uow,
            ApprovalId("AP-1"),
            "SO-1",
            priced.deviations,
            policy,
            FixedClock(datetime(2026, 3, 12, 12, tzinfo=MSK)),
            "ivanova",
        )
    assert process.deviations == priced.deviations


def test_a_manual_discount_within_the_limit_needs_no_approval(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        priced = price_order(uow, volga_order(grinder_discount="1"))
    assert priced.deviations == ()
    assert not priced.needs_approval


def test_pricing_many_orders_reads_storage_as_often_as_pricing_one(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        one = CountingUow(uow)
        price_orders(one, [volga_order()])  # type: ignore[arg-type]
        many = CountingUow(uow)
        result = price_orders(many, [volga_order(n) for n in range(40)])  # type: ignore[arg-type]
    assert many.reads == one.reads
    assert len(result) == 40


def test_a_loaded_pricer_prices_without_the_unit_of_work(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        pricer = load_pricer(uow, [date(2026, 3, 12)])
    (priced,) = pricer.price_many([volga_order()])
    assert len(priced.lines) == 3


def test_an_unknown_product_is_named(store: MemoryStore) -> None:
    order = SaleOrder(
        "SO-9",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, tzinfo=MSK),
        (SaleOrderLine("1", ProductId("NOPE"), 1),),
    )
    with store.unit_of_work() as uow, pytest.raises(NotFoundError, match="line 1: product 'NOPE'"):
        price_order(uow, order)


def test_priced_orders_are_values_that_pickle_and_explain_themselves_the_same(
    store: MemoryStore,
) -> None:
    with store.unit_of_work() as uow:
        priced = price_order(uow, volga_order())
    copy = pickle.loads(pickle.dumps(priced))
    assert copy == priced
    assert copy.explain() == priced.explain()  # the price explanation travels with the line
    line = priced.lines[0]
    assert type(line)(**attrs.asdict(line, recurse=False)) == line
    assert type(priced)(**attrs.asdict(priced, recurse=False)) == priced
    figures = attrs.asdict(priced)
    assert figures["lines"][0]["unit_price"] == {
        "amount": line.unit_price.amount,
        "currency": attrs.asdict(line.unit_price.currency),
    }
    assert figures["lines"][0]["discount"]["discount_amount"] == line.discount.discount_amount
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.unit_price = line.reference_price  # type: ignore[misc]


def test_a_pricer_keeps_a_bounded_number_of_snapshots_across_10000_dates(
    store: MemoryStore,
) -> None:
    with store.unit_of_work() as uow:
        loaded = load_pricer(uow, [date(2026, 3, 12)])
        segments = uow.client_segments.all(), uow.nomenclature_segments.all()
    built: list[date] = []
    snapshot = loaded.snapshot(date(2026, 3, 12))

    def snapshot_for(on: date) -> Any:
        built.append(on)
        return snapshot

    pricer = SalePricer(
        partners=loaded.partners,
        products=loaded.products,
        book=loaded.book,
        snapshot_for=snapshot_for,
        engine=loaded.engine,
        client_segments=segments[0],
        nomenclature_segments=segments[1],
        snapshot_cache_size=8,
    )
    first = date(2000, 1, 1)
    for n in range(10_000):
        pricer.snapshot(first + timedelta(days=n))
        pricer.snapshot(first)  # used again and again: never evicted
    assert len(pricer.cached_snapshot_dates()) == 8
    assert built.count(first) == 1
    assert len(built) == 10_000
    # Orders still price through the bounded cache.
    assert pricer.price(volga_order()) == loaded.price(volga_order())
    assert len(pricer.cached_snapshot_dates()) == 8


def test_a_clients_next_order_reuses_the_resolution_and_explains_its_own_lines(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.unit_of_work() as uow:
        pricer = load_pricer(uow, [date(2026, 3, 12)])
        fresh = load_pricer(uow, [date(2026, 3, 12)])
    first = pricer.price(volga_order(1))
    again = SaleOrder(
        "SO-2",
        PartnerId("VOLGA-KZN"),
        datetime(2026, 3, 12, 15, tzinfo=MSK),
        (
            SaleOrderLine("1", ProductId("BEANS-ARABICA"), Decimal(2)),
            SaleOrderLine("2", ProductId("GR-10"), Decimal(1)),
        ),
    )
    second = pricer.price(again)
    assert pricer.cached_resolutions() == [(PartnerId("VOLGA-KZN"), date(2026, 3, 12), None)]
    assert second == fresh.price(again)
    assert [x.explain() for x in second.lines] == [x.explain() for x in fresh.price(again).lines]
    assert "product 'BEANS-ARABICA'" in second.lines[0].resolved.explanation.subject
    assert first.lines[2].resolved == fresh.price(volga_order(1)).lines[2].resolved
    # The kept resolutions are bounded (least recently used first out).
    monkeypatch.setattr("salescore.orders.pricer.RESOLUTION_CACHE_SIZE", 3)
    snapshot = pricer.snapshot(date(2026, 3, 12))
    any_day = SalePricer(
        partners=pricer.partners,
        products=pricer.products,
        book=pricer.book,
        snapshot_for=lambda on: snapshot,
        engine=pricer.engine,
    )
    for day in range(12, 20):
        any_day.price(attrs.evolve(again, moment=datetime(2026, 3, day, 12, tzinfo=MSK)))
    assert [on.day for _, on, _ in any_day.cached_resolutions()] == [17, 18, 19]


def test_a_snapshot_cache_below_one_is_refused(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        loaded = load_pricer(uow, [date(2026, 3, 12)])
    with pytest.raises(InvalidInputError, match="snapshot_cache_size must be at least 1"):
        SalePricer(
            partners={},
            products={},
            book=loaded.book,
            snapshot_for=loaded.snapshot,
            snapshot_cache_size=0,
        )


def test_a_snapshots_price_memo_stays_bounded(
    store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salescore.pricing import snapshot as snapshot_module

    with store.unit_of_work() as uow:
        snapshot = load_pricer(uow, [date(2026, 3, 12)]).snapshot(date(2026, 3, 12))
        products = [p.id for p in uow.products.all()]
    wholesale = PriceTypeId("WHOLESALE")
    expected = {pid: snapshot.prices(wholesale, [pid]) for pid in products}
    monkeypatch.setattr(snapshot_module, "PRICE_MEMO_SIZE", 2)
    snapshot._money_memo.clear()
    for n in range(300):
        pid = products[n % len(products)]
        assert snapshot.prices(wholesale, [pid]) == expected[pid]
        assert len(snapshot._money_memo[wholesale]) <= 2


def test_a_priced_order_gives_typed_records_whose_net_column_sums_to_the_order(
    store: MemoryStore,
) -> None:
    import pandas as pd
    from tests.values import assert_typed_records

    with store.unit_of_work() as uow:
        priced = price_order(uow, volga_order())
    assert_typed_records(priced)
    assert_typed_records(priced.lines[0].discount)
    frame = pd.DataFrame(priced.to_records())
    assert list(frame["line_id"]) == ["1", "2", "3"]
    assert set(frame["order_id"]) == {"SO-1"}
    net: object = frame["net"].sum()
    assert isinstance(net, Decimal)
    assert net == priced.net.amount
    assert (frame["gross"] - frame["discount"] == frame["net"]).all()
    assert frame.loc[1, "rules"] == ", ".join(priced.lines[1].rule_ids)
    # the discount engine's records carry the same figures per line
    line = priced.lines[2]
    assert line.discount.to_records()[0]["net"] == line.net.amount
