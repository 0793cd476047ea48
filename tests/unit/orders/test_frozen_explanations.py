"""A confirmed order explains itself exactly as it did when it was priced.

The explanation of a frozen line is built when it is first read (not at
confirmation) and stored in format 2 (shared tables, see
:data:`salescore.adapters.codec.FROZEN_PRICES_FORMAT`). Whichever way the
order travels — kept in the memory store, written to an SQLite file and
read back by another store object, pickled — and whatever prices the store
holds by then, ``explain()`` gives the text it gave right after pricing.
Orders stored in format 1 (every line's explanation as a nested tree) are
still read and explain as they were stored.
"""

from __future__ import annotations

import gc
import json
import pickle
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.unit.orders._fixtures import frozen_line

from salescore.adapters.codec import FROZEN_PRICES_FORMAT, dumps, loads
from salescore.adapters.memory import MemoryStore
from salescore.adapters.repositories import Repositories
from salescore.adapters.sqlite import SqliteStore
from salescore.agreements import AgreementId
from salescore.app import orders as uc
from salescore.app.discount_rules import save_rule_set
from salescore.app.pricing import register_price
from salescore.app.sales import PricingSession
from salescore.app.stores import Store
from salescore.demo.sample import load_sample_company
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_discounts import sample_rule_set
from salescore.demo.sample_pricing import PURCHASE, load_sample_prices
from salescore.demo.sample_receivables import SAMPLE_CALENDAR, load_sample_receivables
from salescore.errors import StorageError
from salescore.explain import Explanation
from salescore.money import Money
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    LazyExplanation,
    LineId,
    Order,
    OrderId,
)
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId
from salescore.pricing import PriceRecord

DATA = Path(__file__).parent / "data"
ON = date(2026, 3, 12)
HEADER = DocumentHeader(
    PartnerId("VOLGA-KZN"),
    CounterpartyId("KZN-LLC"),
    OrganizationId("ORG-1"),
    AgreementId("IA-VOLGA-KZN"),
    "RUB",
)
LINES = [
    DocumentLine(LineId("1"), ProductId("CM-100"), Decimal(5)),
    DocumentLine(LineId("2"), ProductId("GR-10"), Decimal(3)),
]


def _fill(store: Store) -> Store:
    with store.unit_of_work() as uow:
        load_sample_company(uow)
        load_sample_prices(uow)
        load_sample_agreements(uow)
        load_sample_receivables(uow)
        save_rule_set(uow, sample_rule_set())
        uow.commit()
    return store


def _confirm(store: Store, session: PricingSession) -> Order:
    with store.unit_of_work() as uow:
        pricer = uc.document_pricer(uow, HEADER, [ON], LINES, session=session)
        order = uc.create_order(uow, pricer, HEADER, ON, LINES)
        confirmed = uc.confirm_order(uow, pricer, order.id, ON, SAMPLE_CALENDAR)
        uow.commit()
    return confirmed


def _raise_purchase_price(uow: Repositories) -> None:
    # CM-100's purchase price goes from its sample figure to 99,000.00 before the order date.
    register_price(
        uow, PriceRecord(PURCHASE, ProductId("CM-100"), date(2026, 3, 1), Money(99_000, "RUB"))
    )


def _texts(order: Order) -> tuple[str, list[str]]:
    assert order.prices is not None
    return order.explain().as_text(), [x.explanation.as_text() for x in order.prices.lines]


def test_a_confirmed_order_explains_the_same_from_an_sqlite_file_after_prices_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "orders.sqlite"
    store = _fill(SqliteStore(path))
    session = PricingSession()
    confirmed = _confirm(store, session)
    before = _texts(confirmed)
    with store.unit_of_work() as uow:
        _raise_purchase_price(uow)
        uow.commit()
    store.close()
    reopened = SqliteStore(path)  # another store object: nothing kept in memory
    with reopened.unit_of_work() as uow:
        stored = uow.orders.get(confirmed.id)
        (listed,) = uow.orders.of_partner(HEADER.partner_id)
    assert _texts(stored) == before
    assert _texts(listed) == before
    assert stored == confirmed
    # The store does price CM-100 differently now: a new order's first line says so.
    changed = _confirm(reopened, PricingSession())
    assert changed.prices is not None
    assert confirmed.prices is not None
    assert changed.prices.lines[0].unit_price != confirmed.prices.lines[0].unit_price
    assert _texts(changed)[1][0] != before[1][0]
    reopened.close()


def test_a_confirmed_order_explains_the_same_from_the_memory_store_after_prices_changed() -> None:
    store = _fill(MemoryStore())
    session = PricingSession()
    confirmed = _confirm(store, session)
    assert confirmed.prices is not None
    # Confirmation stored the order without building its lines' explanations.
    assert not any(x.explained.is_built for x in confirmed.prices.lines)
    with store.unit_of_work() as uow:
        _raise_purchase_price(uow)
        uow.commit()
    changed = _confirm(store, session)
    with store.unit_of_work() as uow:
        stored = uow.orders.get(confirmed.id)
    # Built only now, from what the pricing saw, not from the store's new price.
    assert changed.prices is not None
    assert stored.prices is not None
    assert changed.prices.lines[0].unit_price != stored.prices.lines[0].unit_price
    assert "99000.00 RUB" in changed.prices.lines[0].explanation.as_text()
    assert "99000.00 RUB" not in stored.prices.lines[0].explanation.as_text()
    assert _texts(stored) == _texts(_reloaded(stored))


def _reloaded(order: Order) -> Order:
    return loads(dumps(order), Order)


def test_a_pickled_confirmed_order_explains_the_same() -> None:
    confirmed = _confirm(_fill(MemoryStore()), PricingSession())
    copy = pickle.loads(pickle.dumps(confirmed))
    assert copy == confirmed
    assert _texts(copy) == _texts(confirmed)
    again = pickle.loads(pickle.dumps(_reloaded(confirmed)))
    assert _texts(again) == _texts(confirmed)


def test_an_order_stored_in_format_1_explains_as_it_was_stored() -> None:
    text = (DATA / "order_format_1.json").read_text()
    expected = (DATA / "order_format_1.txt").read_text()
    assert "format" not in json.loads(text)["prices"]
    order = loads(text, Order)
    assert order.explain().as_text() + "\n" == expected
    # Written again, it is in the current format, smaller, and explains the same.
    rewritten = dumps(order)
    assert json.loads(rewritten)["prices"]["format"] == FROZEN_PRICES_FORMAT == 2
    assert len(rewritten) < len(text) * 2 // 3
    assert loads(rewritten, Order).explain().as_text() + "\n" == expected
    assert loads(rewritten, Order) == order


def test_an_order_in_format_1_is_read_from_an_sqlite_store_and_kept_in_format_2(
    tmp_path: Path,
) -> None:
    text = (DATA / "order_format_1.json").read_text().strip()
    expected = (DATA / "order_format_1.txt").read_text()
    path = tmp_path / "orders.sqlite"
    SqliteStore(path).close()  # creates the tables
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO orders (id, organization_id, year, partner_id, version, data) "
            "VALUES ('ORG-1-2026-000001', 'ORG-1', 2026, 'VOLGA-KZN', 1, ?)",
            (text,),
        )
    conn.close()
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        order = uow.orders.get(OrderId("ORG-1-2026-000001"))
        assert order.explain().as_text() + "\n" == expected
        uow.orders.update(order)
        uow.commit()
    store.close()
    with sqlite3.connect(path) as conn:
        (data,) = conn.execute("SELECT data FROM orders").fetchone()
    conn.close()
    assert json.loads(data)["prices"]["format"] == 2
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        again = uow.orders.get(OrderId("ORG-1-2026-000001"))
    assert again.explain().as_text() + "\n" == expected
    assert again.version == 2
    store.close()


def test_lines_store_the_explanation_parts_they_share_once() -> None:
    confirmed = _confirm(_fill(MemoryStore()), PricingSession())
    plain = json.loads(dumps(confirmed.prices))
    strings = plain["explanations"]["strings"]
    # Both lines are sold under the same agreement terms: their steps are stored once.
    terms = [s for s in strings if s.startswith("inherited from typical agreement")]
    assert len(terms) == len(set(terms))
    agreement_steps = [
        n for n in plain["explanations"]["nodes"] if strings[n[0]].startswith("terms for partner")
    ]
    assert len(agreement_steps) == 2  # one subject per line ...
    assert agreement_steps[0][1] == agreement_steps[1][1]  # ... one list of steps


def test_frozen_prices_in_an_unknown_format_are_refused_naming_it() -> None:
    plain = json.loads((DATA / "order_format_1.json").read_text())
    plain["prices"]["format"] = 3
    with pytest.raises(
        StorageError, match="storage format 3; this salescore reads formats 1 and 2"
    ):
        loads(json.dumps(plain), Order)


def test_frozen_lines_are_freed_without_the_cycle_collector() -> None:
    # An application that turns the collector off (or freezes it) around hot paths
    # must not leak the explanation of every line it prices; a read one is freed too.
    store = _fill(MemoryStore())
    session = PricingSession()
    _confirm(store, session)  # warm the session: its caches are not garbage
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with store.unit_of_work() as uow:
            pricer = uc.document_pricer(uow, HEADER, [ON], LINES, session=session)
            prices = uc.price_document(uow, pricer, "order 'X'", HEADER, ON, LINES)
        assert not prices.lines[0].explained.is_built
        assert prices.lines[1].explanation.steps  # built from its evidence
        del prices, pricer
        gc.collect()
        left = [x for x in gc.garbage if isinstance(x, LazyExplanation)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []


def test_a_frozen_line_shows_its_figures_without_building_its_explanation() -> None:
    built: list[str] = []

    def build() -> Explanation:
        built.append("built")
        return Explanation("line 1")

    line = attrs.evolve(frozen_line("1", "2", "1200.00"), explanation=LazyExplanation(None, build))
    shown = repr(line)
    assert built == []
    assert shown.startswith("FrozenLine(line_id='1', product_id='P1'")
    assert "vat=Money(" in shown
    assert "xplan" not in shown
    assert line.explanation == Explanation("line 1")
    assert built == ["built"]
