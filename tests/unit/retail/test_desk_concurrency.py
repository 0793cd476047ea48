"""Two workplaces of one outlet at once: they never sell more than the store holds (on one
SQLite file and on PostgreSQL), nor return one sale twice (on every store)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.conftest import race

from salescore.adapters.sqlite import SqliteStore
from salescore.app.retail import CashierDesk, Scan
from salescore.app.stores import Store
from salescore.demo.sample_retail import SHOP, SHOP_STORE, load_sample_shop
from salescore.errors import InsufficientStockError
from salescore.money import Money, Quantity
from salescore.parties import ProductId
from salescore.reservation import receive
from salescore.testing import FixedClock
from salescore.testing.devices import shtrih_rig

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def shop_with_tea(store: Store, units: int) -> None:
    """The sample shop with only ``units`` tea at its store."""
    with store.unit_of_work() as uow:
        load_sample_shop(uow, stock=False)
        receive(
            uow.stock_ledger, ProductId("TEA"), SHOP_STORE, Quantity(units),
            document="tea", at=datetime(2026, 3, 1, 8, tzinfo=UTC),
        )  # fmt: skip
        uow.commit()


@contextmanager
def two_workplaces(
    first: Store, second: Store
) -> Iterator[tuple[list[CashierDesk], Callable[[], int]]]:
    """POS-1 on ``first`` and POS-2 on ``second``, each with a Shtrih-M simulator and an
    open shift; and how many receipts the two registers have printed."""
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as one, shtrih_rig() as two:
        desks = [
            CashierDesk(first, SHOP.id, "POS-1", one.driver, clock=clock),
            CashierDesk(second, SHOP.id, "POS-2", two.driver, clock=clock),
        ]
        for desk in desks:
            desk.open_shift()
            desk.catalogue()
        yield desks, lambda: one.receipts + two.receipts


@pytest.mark.parametrize("units", [1, 3])
def test_two_workplaces_never_sell_more_than_the_store_holds(tmp_path: Path, units: int) -> None:
    path = tmp_path / "shop.sqlite"
    setup = SqliteStore(path)
    shop_with_tea(setup, units)
    setup.close()
    stores = [SqliteStore(path), SqliteStore(path)]  # two POS computers, one file
    with two_workplaces(*stores) as (desks, printed_by_registers):
        # Each wants the last units: 2 of 3, or 1 of 1.
        want = Decimal(max(1, units - 1))
        outcomes = race(
            *[lambda d=d: d.sell([Scan("TEA", want)], Money("1000.00", "RUB")) for d in desks]
        )
        printed = printed_by_registers()
    losers = [o for o in outcomes if isinstance(o, InsufficientStockError)]
    assert len(losers) == 1
    assert printed == 1  # the loser printed nothing
    loser = losers[0]
    assert "TEA is short at the store" in str(loser)
    assert "nothing was sold or printed" in str(loser)
    assert loser.details["product"] == "TEA"
    with stores[0].unit_of_work(read_only=True) as uow:
        free = uow.stock_ledger.position(ProductId("TEA"), SHOP_STORE).free.value
        pending = uow.retail_receipts.all()
    assert free == units - max(1, units - 1) >= 0
    assert len(pending) == 1
    for store in stores:
        store.close()


def test_two_workplaces_on_postgresql_never_sell_more_than_the_store_holds(
    postgres_url: str,
) -> None:
    from salescore.adapters.postgres import PostgresStore

    setup = PostgresStore(postgres_url, min_size=1)
    shop_with_tea(setup, 1)
    with two_workplaces(setup, setup) as (desks, printed_by_registers):
        outcomes = race(*[lambda d=d: d.sell(["TEA"], Money("1000.00", "RUB")) for d in desks])
        printed = printed_by_registers()
    losers = [o for o in outcomes if isinstance(o, InsufficientStockError)]
    assert len(losers) == 1
    assert printed == 1
    with setup.unit_of_work(read_only=True) as uow:
        assert uow.stock_ledger.position(ProductId("TEA"), SHOP_STORE).free.value == 0
        assert len(uow.retail_receipts.all()) == 1
    setup.close()


def test_one_sale_returned_at_two_workplaces_at_once_comes_back_once(race_store: Store) -> None:
    """A buyer's one tea is returned at POS-1 and POS-2 at the same moment: one return
    receipt is printed, the other workplace is refused ("more than is left"), and the tea
    is back in stock once."""
    shop_with_tea(race_store, 5)
    with two_workplaces(race_store, race_store) as (desks, printed_by_registers):
        sale = desks[0].sell(["TEA"], Money("1000.00", "RUB"))
        told = race(*[lambda d=d: d.return_goods(sale.id, {1: 1}) for d in desks])
        printed = printed_by_registers()
    assert sorted(type(x).__name__ for x in told) == ["RetailError", "RetailReceipt"]
    assert printed == 2  # the sale and one return
    with race_store.unit_of_work(read_only=True) as uow:
        assert len(uow.retail_receipts.find_by("original_id", sale.id)) == 1
        assert uow.stock_ledger.position(ProductId("TEA"), SHOP_STORE).free.value == 5
