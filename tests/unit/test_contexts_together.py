"""The contexts fit together on the sample company: what one names, another has."""

from __future__ import annotations

from datetime import date

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.adapters.repositories import Repositories
from salescore.app.pricing import load_snapshot
from salescore.demo.report import SAMPLE_LOADERS
from salescore.demo.sample_agreements import load_sample_agreements
from salescore.demo.sample_pricing import RETAIL, load_sample_prices
from salescore.demo.sample_receivables import TEMPLATES
from salescore.demo.sample_reservation import SAMPLE_AT
from salescore.errors import InvalidInputError
from salescore.money import Quantity
from salescore.parties import ProductId, WarehouseId
from salescore.pricing import CompiledPriceTypes, StockSource, build_price_list
from salescore.reservation import LedgerStockSource, receive


def loaded(uow: Repositories) -> None:
    for load in SAMPLE_LOADERS:
        load(uow)
    load_sample_prices(uow)
    load_sample_agreements(uow)


def test_every_price_type_an_agreement_names_prices_the_sample_products() -> None:
    with MemoryStore().unit_of_work() as uow:
        loaded(uow)
        snapshot = load_snapshot(uow, date(2026, 3, 2))
        named = {a.terms.price_type_id for a in uow.agreements.all()} - {None}
        assert named
        for price_type_id in named:
            assert price_type_id is not None
            prices = snapshot.prices(price_type_id, [ProductId("CM-100")])
            assert prices[ProductId("CM-100")].is_positive()


def test_every_payment_schedule_an_agreement_names_is_a_sample_template() -> None:
    template_ids = {t.id for t in TEMPLATES}
    with MemoryStore().unit_of_work() as uow:
        loaded(uow)
        named = {a.terms.payment_schedule_id for a in uow.agreements.all()} - {None}
    assert named
    assert named <= template_ids


def test_a_snapshot_loaded_with_compiled_price_types_prices_as_one_that_compiles_them() -> None:
    with MemoryStore().unit_of_work() as uow:
        loaded(uow)
        day = date(2026, 3, 2)
        compiled = CompiledPriceTypes.compile(uow.price_types.all())
        once = load_snapshot(uow, day, compiled=compiled)
        assert once.prices(RETAIL) == load_snapshot(uow, day).prices(RETAIL)
        with pytest.raises(InvalidInputError, match="give either compiled or those"):
            load_snapshot(uow, day, compiled=compiled, price_types=uow.price_types.all())


def test_a_price_list_takes_its_stock_from_the_reservation_ledger() -> None:
    with MemoryStore().unit_of_work() as uow:
        loaded(uow)
        source: StockSource = LedgerStockSource(uow.stock_ledger)
        before = build_price_list(
            load_snapshot(uow, date(2026, 3, 2)),
            [ProductId("GR-10")],
            [RETAIL],
            stock=source,
            warehouse_ids=[WarehouseId("MAIN"), WarehouseId("STORE-1")],
        )
        receive(
            uow.stock_ledger,
            ProductId("GR-10"),
            WarehouseId("MAIN"),
            Quantity(5),
            document="GR-9",
            at=SAMPLE_AT,
        )
        after = build_price_list(
            load_snapshot(uow, date(2026, 3, 2)),
            [ProductId("GR-10")],
            [RETAIL],
            stock=source,
            warehouse_ids=[WarehouseId("MAIN"), WarehouseId("STORE-1")],
        )
    assert before.rows[0].stock == Quantity(20)
    assert after.rows[0].stock == Quantity(25)
