"""Two workplaces of one outlet sell the last units of a product at once on one SQLite file."""

from __future__ import annotations

import threading
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


@pytest.mark.parametrize("units", [1, 3])
def test_two_workplaces_never_sell_more_than_the_store_holds(tmp_path: Path, units: int) -> None:
    path = tmp_path / "shop.sqlite"
    setup = SqliteStore(path)
    shop_with_tea(setup, units)
    setup.close()
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    stores = [SqliteStore(path), SqliteStore(path)]  # two POS computers, one file
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}
    with shtrih_rig() as one, shtrih_rig() as two:
        desks = [
            CashierDesk(stores[0], SHOP.id, "POS-1", one.driver, clock=clock),
            CashierDesk(stores[1], SHOP.id, "POS-2", two.driver, clock=clock),
        ]
        for desk in desks:
            desk.open_shift()
            desk.catalogue()

        def sell(desk: CashierDesk) -> None:
            barrier.wait()
            try:
                # Each wants the last units: 2 of 3, or 1 of 1.
                want = Decimal(max(1, units - 1))
                outcomes[desk.workplace.id] = desk.sell(
                    [Scan("TEA", want)], Money("1000.00", "RUB")
                )
            except InsufficientStockError as exc:
                outcomes[desk.workplace.id] = exc

        threads = [threading.Thread(target=sell, args=(d,)) for d in desks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        printed = one.receipts + two.receipts
    losers = [o for o in outcomes.values() if isinstance(o, InsufficientStockError)]
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
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}
    with shtrih_rig() as one, shtrih_rig() as two:
        desks = [
            CashierDesk(setup, SHOP.id, "POS-1", one.driver, clock=clock),
            CashierDesk(setup, SHOP.id, "POS-2", two.driver, clock=clock),
        ]
        for desk in desks:
            desk.open_shift()
            desk.catalogue()

        def sell(desk: CashierDesk) -> None:
            barrier.wait()
            try:
                outcomes[desk.workplace.id] = desk.sell(["TEA"], Money("1000.00", "RUB"))
            except InsufficientStockError as exc:
                outcomes[desk.workplace.id] = exc

        threads = [threading.Thread(target=sell, args=(d,)) for d in desks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        printed = one.receipts + two.receipts
    losers = [o for o in outcomes.values() if isinstance(o, InsufficientStockError)]
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
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with shtrih_rig() as one, shtrih_rig() as two:
        desks = [
            CashierDesk(race_store, SHOP.id, "POS-1", one.driver, clock=clock),
            CashierDesk(race_store, SHOP.id, "POS-2", two.driver, clock=clock),
        ]
        for desk in desks:
            desk.open_shift()
            desk.catalogue()
        sale = desks[0].sell(["TEA"], Money("1000.00", "RUB"))
        told = race(*[lambda d=d: d.return_goods(sale.id, {1: 1}) for d in desks])
        printed = one.receipts + two.receipts
    assert sorted(type(x).__name__ for x in told) == ["RetailError", "RetailReceipt"]
    assert printed == 2  # the sale and one return
    with race_store.unit_of_work(read_only=True) as uow:
        assert len(uow.retail_receipts.find_by("original_id", sale.id)) == 1
        assert uow.stock_ledger.position(ProductId("TEA"), SHOP_STORE).free.value == 5
