"""The golden shift through ATOL's web API (the fake DTO10 server): the desk does not
depend on the register's protocol."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from salescore.adapters.memory.fiscal_journal import MemoryFiscalJournal
from salescore.adapters.sqlite import SqliteStore
from salescore.app.retail import CashierDesk, Scan
from salescore.demo.sample_retail import SHOP, load_sample_shop
from salescore.hardware.atol.fake import AtolTaskClient, FakeAtolServer
from salescore.hardware.connect import connect_fiscal
from salescore.money import Money
from salescore.testing import FixedClock

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_the_golden_shift_balances_on_an_atol_register() -> None:
    store = SqliteStore(":memory:")
    with store.unit_of_work() as uow:
        load_sample_shop(uow)
        uow.commit()
    with FakeAtolServer() as server:
        register = connect_fiscal(
            server.url,
            MemoryFiscalJournal(),
            client=AtolTaskClient(server.url, poll_interval=0.01),
            clock=server,
        )
        clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        desk = CashierDesk(store, SHOP.id, "POS-1", register, clock=clock)
        desk.open_shift()
        sale = desk.sell(
            [Scan("BREAD", Decimal(2)), Scan("CHEESE", Decimal("1.250"))],
            Money("300.00", "RUB"),
            receipt_discount=Money("5.00", "RUB"),
        )
        desk.return_goods(sale.id, {1: 1})
        report = desk.close_shift()
        assert len(server.receipts) == 2
    # ATOL's document answer has no calculation type: the return is known by its receipt.
    assert report.register is not None
    assert (report.register.sales, report.register.returns) == (
        Decimal("248.38"),
        Decimal("44.60"),
    )
    assert report.register.cash == Decimal("203.78")
    assert report.is_balanced
    store.close()
