"""The price type repository and the price register, held against every storage adapter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescore.app.stores import Store
from salescore.errors import NotFoundError
from salescore.money import Money, Rounding
from salescore.parties import PartnerId, PriceGroupId, ProductId
from salescore.pricing import PriceRecord, PriceType, PriceTypeId, RoundingRule

PURCHASE = PriceTypeId("PURCHASE")
RETAIL = PriceTypeId("RETAIL")
CM = ProductId("CM-100")
GRINDER = ProductId("GR-1")


def record(
    day: date,
    amount: str,
    product: ProductId = CM,
    price_type: PriceTypeId = PURCHASE,
    characteristic: str | None = None,
) -> PriceRecord:
    return PriceRecord(price_type, product, day, Money(amount, "RUB"), characteristic)


def test_price_types_with_formulas_and_rounding_are_read_back_equal(store: Store) -> None:
    retail = PriceType(
        RETAIL,
        "Розничная",
        "RUB",
        vat_included=True,
        rounding=RoundingRule(Decimal(10), Rounding.CEILING, Decimal("9.99")),
        formula="[Оптовая] * 1.3",
        group_formulas={PriceGroupId("MACHINES"): "[Оптовая] * 1.2"},
    )
    rival = PriceType(PriceTypeId("RIVAL"), "Rival prices", "RUB", partner_id=PartnerId("RIVAL"))
    with store.unit_of_work() as uow:
        uow.price_types.add(retail)
        uow.price_types.add(rival)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.price_types.get(RETAIL) == retail
        assert uow.price_types.find_by("partner_id", "RIVAL") == [rival]


def test_a_price_is_found_as_of_any_date_after_it_took_effect(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.price_register.register(record(date(2026, 1, 10), "100.00"))
        uow.price_register.register(record(date(2026, 3, 1), "120.50"))
        uow.commit()
    with store.unit_of_work() as uow:
        register = uow.price_register
        assert register.price_as_of(PURCHASE, CM, date(2026, 1, 9)) is None
        found = register.price_as_of(PURCHASE, CM, date(2026, 1, 10))
        assert found == record(date(2026, 1, 10), "100.00")
        assert register.price_as_of(PURCHASE, CM, date(2026, 2, 28)) == found
        later = register.price_as_of(PURCHASE, CM, date(2030, 1, 1))
        assert later is not None
        assert later.price == Money("120.50", "RUB")


def test_history_is_kept_oldest_first_and_a_same_day_entry_replaces(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.price_register.register(record(date(2026, 3, 1), "120.00"))
        uow.price_register.register(record(date(2026, 1, 10), "100.00"))
        uow.price_register.register(record(date(2026, 3, 1), "125.00"))
        uow.commit()
    with store.unit_of_work() as uow:
        history = uow.price_register.history(PURCHASE, CM)
    assert [(r.effective, r.price.amount) for r in history] == [
        (date(2026, 1, 10), Decimal("100.00")),
        (date(2026, 3, 1), Decimal("125.00")),
    ]


def test_characteristic_prices_are_kept_apart_from_the_product_price(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.price_register.register(record(date(2026, 1, 1), "100.00"))
        uow.price_register.register(record(date(2026, 1, 1), "110.00", characteristic="red"))
        uow.commit()
    with store.unit_of_work() as uow:
        plain = uow.price_register.price_as_of(PURCHASE, CM, date(2026, 2, 1))
        red = uow.price_register.price_as_of(PURCHASE, CM, date(2026, 2, 1), "red")
        blue = uow.price_register.price_as_of(PURCHASE, CM, date(2026, 2, 1), "blue")
    assert plain is not None
    assert red is not None
    assert (plain.price.amount, red.price.amount, blue) == (
        Decimal("100.00"),
        Decimal("110.00"),
        None,
    )


def test_bulk_as_of_gives_the_record_in_force_for_every_key(store: Store) -> None:
    with store.unit_of_work() as uow:
        for r in [
            record(date(2026, 1, 1), "100.00"),
            record(date(2026, 2, 1), "105.00"),
            record(date(2026, 4, 1), "110.00"),
            record(date(2026, 1, 15), "50.00", GRINDER),
            record(date(2026, 1, 1), "101.00", characteristic="red"),
            record(date(2026, 1, 1), "999.00", price_type=RETAIL),
            record(date(2026, 5, 1), "10.00", ProductId("LATE")),
        ]:
            uow.price_register.register(r)
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.price_register.prices_as_of([PURCHASE], date(2026, 3, 1))
    assert [(r.product_id, r.characteristic, r.price.amount) for r in found] == [
        (CM, None, Decimal("105.00")),
        (CM, "red", Decimal("101.00")),
        (GRINDER, None, Decimal("50.00")),
    ]


def test_records_between_two_dates_include_both_ends_ordered_by_date(store: Store) -> None:
    with store.unit_of_work() as uow:
        for r in [
            record(date(2026, 1, 1), "100.00"),
            record(date(2026, 1, 31), "102.00", GRINDER),
            record(date(2026, 1, 15), "101.00"),
            record(date(2026, 2, 1), "103.00"),
        ]:
            uow.price_register.register(r)
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.price_register.records_between([PURCHASE], date(2026, 1, 1), date(2026, 1, 31))
    assert [r.price.amount for r in found] == [
        Decimal("100.00"),
        Decimal("101.00"),
        Decimal("102.00"),
    ]


def test_removing_a_record_brings_back_the_earlier_price(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.price_register.register(record(date(2026, 1, 1), "100.00"))
        uow.price_register.register(record(date(2026, 2, 1), "200.00"))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.price_register.remove(PURCHASE, CM, date(2026, 2, 1))
        with pytest.raises(NotFoundError, match="no price of 'PURCHASE' for 'CM-100'"):
            uow.price_register.remove(PURCHASE, CM, date(2026, 2, 1))
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.price_register.price_as_of(PURCHASE, CM, date(2026, 3, 1))
    assert found is not None
    assert found.price == Money("100.00", "RUB")


def test_a_failed_unit_of_work_leaves_no_price_behind(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.price_register.register(record(date(2026, 1, 1), "100.00"))
        uow.commit()

    def failing() -> None:
        with store.unit_of_work() as uow:
            uow.price_types.add(PriceType(PURCHASE, "Purchase", "RUB"))
            uow.price_register.register(record(date(2026, 1, 1), "150.00"))
            uow.price_register.register(record(date(2026, 2, 1), "160.00"))
            uow.price_register.remove(PURCHASE, CM, date(2026, 1, 1))
            raise RuntimeError("the application failed before commit")

    with pytest.raises(RuntimeError):
        failing()
    with store.unit_of_work() as uow:
        assert len(uow.price_types) == 0
        assert uow.price_register.history(PURCHASE, CM) == [record(date(2026, 1, 1), "100.00")]


def test_prices_of_named_products_are_those_of_the_whole_register_for_them(store: Store) -> None:
    # 1,200 products: the product list is bound in more than one chunk of parameters.
    many = [ProductId(f"P{n:04}") for n in range(1200)]
    with store.unit_of_work() as uow:
        for n, pid in enumerate(many):
            uow.price_register.register(record(date(2026, 1, 1), f"{n + 1}.00", pid))
            if n % 2:
                uow.price_register.register(record(date(2026, 2, 1), f"{n + 2}.00", pid))
                uow.price_register.register(record(date(2026, 1, 5), "7.00", pid, RETAIL))
        uow.price_register.register(record(date(2026, 1, 1), "3.00", many[5], characteristic="x"))
        uow.commit()
    wanted = [many[1199], many[5], many[0], ProductId("NOT-THERE"), *many[100:700]]
    with store.unit_of_work() as uow:
        register = uow.price_register
        whole = register.prices_as_of([PURCHASE, RETAIL], date(2026, 3, 1))
        named = register.prices_as_of([PURCHASE, RETAIL], date(2026, 3, 1), wanted)
        history = register.records_between([PURCHASE], date(2026, 1, 1), date(2026, 3, 1))
        named_history = register.records_between(
            [PURCHASE], date(2026, 1, 1), date(2026, 3, 1), wanted
        )
        nothing = register.prices_as_of([PURCHASE], date(2026, 3, 1), [])
    assert named == [r for r in whole if r.product_id in wanted]
    assert named_history == [r for r in history if r.product_id in wanted]
    # PURCHASE of 603 products, RETAIL of the 302 odd ones, characteristic "x" of P0005
    assert len(named) == 603 + 302 + 1
    assert nothing == []
