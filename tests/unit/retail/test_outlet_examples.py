"""An outlet's own rules: ids that must be given, workplaces, modes, discount scope."""

from __future__ import annotations

import pytest

from salescore.errors import RetailError
from salescore.parties import WarehouseId
from salescore.pricing import PriceTypeId
from salescore.retail import Outlet, OutletId, OutletMode, Workplace


def outlet(*workplaces: Workplace, mode: OutletMode = OutletMode.AUTOMATED) -> Outlet:
    return Outlet(
        OutletId("SHOP-1"), "Shop", WarehouseId("STORE-1"), PriceTypeId("RETAIL"),
        mode=mode, workplaces=workplaces,
    )  # fmt: skip


def test_an_outlet_and_a_workplace_need_their_ids_and_name() -> None:
    with pytest.raises(RetailError, match=r"^Workplace needs a non-empty id$"):
        Workplace("")
    for missing in ("id", "name", "warehouse_id", "price_type_id"):
        values = {"id": "SHOP-1", "name": "Shop", "warehouse_id": "S", "price_type_id": "R"}
        values[missing] = ""
        with pytest.raises(RetailError, match=rf"^Outlet needs a non-empty {missing}$"):
            Outlet(**values)  # type: ignore[arg-type]


def test_each_workplace_of_an_outlet_has_its_own_id() -> None:
    with pytest.raises(
        RetailError,
        match=r"^outlet 'SHOP-1' lists workplace POS-1, POS-2 twice; give each its own id$",
    ):
        outlet(Workplace("POS-2"), Workplace("POS-1"), Workplace("POS-2"), Workplace("POS-1"))
    assert [w.id for w in outlet(Workplace("POS-1"), Workplace("POS-2")).workplaces] == [
        "POS-1",
        "POS-2",
    ]


def test_only_an_automated_outlet_has_workplaces() -> None:
    for mode in (OutletMode.OFFLINE, OutletMode.NON_AUTOMATED):
        with pytest.raises(RetailError, match=rf"^outlet 'SHOP-1' is {mode.value}: it has no"):
            outlet(Workplace("POS-1"), mode=mode)
        assert outlet(mode=mode).workplaces == ()


def test_a_discount_scope_is_kept_as_a_set_and_none_means_every_rule() -> None:
    scoped = Outlet(
        OutletId("SHOP-1"), "Shop", WarehouseId("STORE-1"), PriceTypeId("RETAIL"),
        discount_scope=["RETAIL-AUTO", "CARDS", "CARDS"],
    )  # fmt: skip
    assert scoped.discount_scope == frozenset({"RETAIL-AUTO", "CARDS"})
    assert outlet().discount_scope is None
    assert (outlet().mode, outlet().currency) == (OutletMode.AUTOMATED, "RUB")


def test_a_workplace_is_found_by_its_id_or_refused_naming_the_ones_there_are() -> None:
    shop = outlet(Workplace("POS-1", register="tcp://10.0.0.5:7778"), Workplace("POS-2"))
    assert shop.workplace("POS-2") == Workplace("POS-2")
    with pytest.raises(
        RetailError,
        match=r"^outlet 'SHOP-1' has no workplace 'POS-9'; its workplaces: POS-1, POS-2$",
    ):
        shop.workplace("POS-9")
    with pytest.raises(RetailError, match=r"its workplaces: none$"):
        outlet().workplace("POS-1")
