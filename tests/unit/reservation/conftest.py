"""The reservation tests' ledger: an in-memory one holding 10 CM-100 free at MAIN."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.unit.reservation._fixtures import AT, CM, MAIN

from salescore.adapters.memory import MemoryStore
from salescore.money import Quantity
from salescore.reservation import StockLedger, receive


@pytest.fixture
def ledger() -> Iterator[StockLedger]:
    with MemoryStore().unit_of_work() as uow:
        receive(uow.stock_ledger, CM, MAIN, Quantity(10), document="GR-1", at=AT)
        yield uow.stock_ledger
