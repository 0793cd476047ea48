"""Orders numbered at the same moment get different numbers, on every store."""

from __future__ import annotations

import attrs
import pytest
from tests.conftest import RACE_WRITERS, race
from tests.unit.orders._fixtures import HEADER, ORDER_DAY, order

from salescore.app.stores import Store
from salescore.orders import OrderId

pytestmark = pytest.mark.slow


def _numbered(store: Store) -> OrderId:
    """What creating an order does to number it: the next number, then the order stored."""
    with store.unit_of_work() as uow:
        number = uow.orders.next_id(HEADER.organization_id, ORDER_DAY.year)
        uow.orders.add(attrs.evolve(order(), id=number))
        uow.commit()
    return number


def test_orders_numbered_at_once_each_get_the_next_number(race_store: Store) -> None:
    """Eight clerks create an order of one organization at once: none is refused for a
    number another took, and the numbers run 1 to 8 with no gap."""
    told = race(*[lambda: _numbered(race_store)] * RACE_WRITERS)
    prefix = f"{HEADER.organization_id}-{ORDER_DAY.year}-"
    assert sorted(map(str, told)) == [f"{prefix}{n:06}" for n in range(1, RACE_WRITERS + 1)]
