"""Client returns on small examples: one return taking a product back in several items,
and a return without a shipment (what it keeps, what comes back to stock, its number).
SH-1 ships 3 CM-100 at 18,300.00 (54,900.00, VAT 9,900.00) from MAIN, which keeps 9
free; 12 CM-100 are at MAIN before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest
from tests.scenarios.shipments import test_shipment_timelines as timelines
from tests.scenarios.shipments.test_shipment_timelines import CM, MAIN, at, debt, free, rub
from tests.unit.shipments.test_corrections import shipped_three

from salescore.app import shipments as sc
from salescore.app.stores import Store
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.errors import ShipmentError
from salescore.money import KG, Quantity
from salescore.orders import LineId
from salescore.parties import CounterpartyId, OrganizationId, PartnerId, ProductId
from salescore.receivables import SettlementAccount
from salescore.reservation import Bucket
from salescore.shipments import (
    CustomerReturn,
    ReturnId,
    ReturnLine,
    ReturnRequest,
    ShipmentId,
    ShipRequest,
    hand_priced_return_line,
)
from salescore.tax import VatCategory, russian_vat_rates

company = timelines.company
BACK = date(2026, 3, 16)


def back(store: Store, number: str, quantities: list[int]) -> CustomerReturn:
    """A return of CM-100 from SH-1, one item per quantity."""
    items = [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(q)) for q in quantities]
    with store.unit_of_work() as uow:
        done = sc.post_return(uow, ReturnId(number), BACK, items, at=at(BACK))
        uow.commit()
    return done


def test_one_return_takes_a_product_back_in_several_items(company: Store) -> None:
    shipped_three(company)
    # 2 + 2 of the 3 shipped: the second item finds 1 left
    with pytest.raises(ShipmentError, match="at most 1"):
        back(company, "RT-1", [2, 2])
    with pytest.raises(ShipmentError, match="at most 1"):
        back(company, "RT-1", [1, 1, 2])  # the third finds 1 left
    whole = back(company, "RT-1", [1, 2])
    # every line is kept, and they add up to the whole shipment
    assert [(x.line_no, x.quantity, x.with_vat, x.vat) for x in whole.lines] == [
        ("1", Decimal(1), rub("18300.00"), rub("3300.00")),
        ("2", Decimal(2), rub("36600.00"), rub("6600.00")),
    ]
    assert (whole.with_vat, whole.vat) == (rub("54900.00"), rub("9900.00"))
    assert (free(company), debt(company)) == (Decimal(12), rub("0.00"))


def hand_line(number: str) -> ReturnLine:
    # 1 CM-100 at a hand-typed 15,000.00 of a 2025 sale
    return hand_priced_return_line(
        number,
        CM,
        MAIN,
        Decimal(1),
        rub("15000.00"),
        sold_on=date(2025, 12, 20),
        category=VatCategory.GENERAL,
        vat_rates=russian_vat_rates(),
    )


def test_a_return_without_a_shipment_keeps_its_parties_and_takes_back_goods_only(
    company: Store,
) -> None:
    account = SettlementAccount("VOLGA-KZN", "RUB")  # no counterparty on the account
    service = attrs.evolve(hand_line("1"), is_service=True)  # a service brings nothing back
    with company.unit_of_work() as uow:
        document = sc.post_return_without_shipment(
            uow,
            ReturnId("RT-1"),
            account,
            OrganizationId("ORG-1"),
            BACK,
            [service, hand_line("2")],
            at=at(BACK),
            reason="found at inventory",
        )
        plain = sc.post_return_without_shipment(
            uow,
            ReturnId("RT-2"),
            account,
            OrganizationId("ORG-1"),
            BACK,
            [hand_line("1")],
            at=at(BACK),
        )
        uow.commit()
    with company.unit_of_work() as uow:
        stored = [uow.customer_returns.get(ReturnId(n)) for n in ("RT-1", "RT-2")]
    assert [(d.counterparty_id, d.organization_id, d.reason) for d in stored] == [
        ("", "ORG-1", "found at inventory"),
        ("", "ORG-1", ""),
    ]
    assert (document.with_vat, plain.with_vat) == (rub("30000.00"), rub("15000.00"))
    # 12 at MAIN and the two units of goods; the service line moved nothing
    assert (free(company), debt(company)) == (Decimal(14), rub("-45000.00"))
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="return 'RT-1' exists already"),
    ):
        sc.post_return_without_shipment(
            uow, ReturnId("RT-1"), account, OrganizationId("ORG-1"), BACK, [hand_line("1")],
            at=at(BACK),
        )  # fmt: skip


def test_an_exchange_ships_the_same_goods_to_the_same_client_under_a_new_number(
    company: Store,
) -> None:
    shipped_three(company)
    item = [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(1))]
    with company.unit_of_work() as uow:
        _, again = sc.exchange(
            uow, ReturnId("RT-1"), ShipmentId("SH-2"), BACK, item, SAMPLE_CALENDAR, at=at(BACK)
        )
        uow.commit()
    with company.unit_of_work() as uow:
        stored = uow.shipments.get(ShipmentId("SH-2"))
    assert stored == again
    assert (stored.partner_id, stored.counterparty_id, stored.organization_id) == (
        "VOLGA-KZN",
        "KZN-LLC",
        "ORG-1",
    )
    assert [(x.product_id, x.quantity, x.is_service) for x in stored.lines] == [
        (CM, Decimal(1), False)
    ]
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="shipment 'SH-1' exists already"),
    ):
        sc.exchange(
            uow, ReturnId("RT-2"), ShipmentId("SH-1"), BACK, item, SAMPLE_CALENDAR, at=at(BACK)
        )
    # the exchange moved nothing: 9 free after SH-1, the debt of SH-1
    assert (free(company), debt(company)) == (Decimal(9), rub("54900.00"))


def agreed(store: Store, number: str, items: list[tuple[str, int]], shipment: str | None) -> None:
    """An agreed request of VOLGA-KZN, about ``shipment`` (None: without a sale)."""
    request = ReturnRequest(
        number,
        PartnerId("VOLGA-KZN"),
        CounterpartyId("KZN-LLC"),
        BACK,
        None if shipment is None else ShipmentId(shipment),
        tuple((ProductId(p), Decimal(q)) for p, q in items),
    )
    with store.unit_of_work() as uow:
        sc.create_return_request(uow, request)
        sc.agree_return_request(uow, number)
        uow.commit()


def on_request(store: Store, number: str, items: list[tuple[str, int]], request: str) -> None:
    wanted = [sc.ReturnItem(ShipmentId(s), CM, Decimal(q)) for s, q in items]
    with store.unit_of_work() as uow:
        sc.post_return(uow, ReturnId(number), BACK, wanted, at=at(BACK), request_id=request)
        uow.commit()


def test_a_return_on_a_request_takes_at_most_what_was_agreed_summed_by_product(
    company: Store,
) -> None:
    shipped_three(company)
    order_id = timelines.order_to_ship(company, [timelines.cm(1)])
    timelines.post(company, "SH-2", [ShipRequest(order_id, LineId("1"), Decimal(1))])
    agreed(company, "RQ-1", [("CM-100", 1)], "SH-1")
    agreed(company, "RQ-2", [("CM-300", 1)], None)  # another product
    agreed(company, "RQ-3", [("CM-100", 1), ("CM-100", 1)], "SH-1")  # 2 in two items
    refusals = [
        ([("SH-1", 1), ("SH-1", 1)], "RQ-1", "agreed 1 of CM-100, the return takes 2"),
        ([("SH-2", 1)], "RQ-1", "is about shipment 'SH-1', not 'SH-2'"),
        ([("SH-1", 1)], "RQ-2", "agreed 0 of CM-100, the return takes 1"),
    ]
    for items, request, message in refusals:
        with pytest.raises(ShipmentError, match=message):
            on_request(company, "RT-1", items, request)
    on_request(company, "RT-1", [("SH-1", 2)], "RQ-3")
    with company.unit_of_work() as uow:
        stored = uow.customer_returns.get(ReturnId("RT-1"))
    assert (stored.request_id, stored.counterparty_id, stored.organization_id) == (
        "RQ-3",
        "KZN-LLC",
        "ORG-1",
    )
    # 2 of SH-1's 3 back: 18,300.00 of it is owed, and SH-2's 18,300.00
    assert (free(company), debt(company)) == (Decimal(10), rub("36600.00"))


def test_a_return_keeps_its_reason_and_its_number_is_used_once(company: Store) -> None:
    shipped_three(company)
    item = [sc.ReturnItem(ShipmentId("SH-1"), CM, Decimal(1))]
    with company.unit_of_work() as uow:
        sc.post_return(uow, ReturnId("RT-1"), BACK, item, at=at(BACK), reason="scratched")
        sc.post_return(uow, ReturnId("RT-2"), BACK, item, at=at(BACK))
        uow.commit()
    with company.unit_of_work() as uow:
        reasons = [uow.customer_returns.get(ReturnId(n)).reason for n in ("RT-1", "RT-2")]
    assert reasons == ["scratched", ""]
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="return 'RT-1' exists already"),
    ):
        sc.post_return(uow, ReturnId("RT-1"), BACK, item, at=at(BACK))
    with (
        company.unit_of_work() as uow,
        pytest.raises(ShipmentError, match="return 'RT-3' has no lines"),
    ):
        sc.post_return(uow, ReturnId("RT-3"), BACK, [], at=at(BACK))
    assert (free(company), debt(company)) == (Decimal(11), rub("18300.00"))


def test_weighed_goods_returned_without_a_shipment_come_back_in_their_own_unit(
    company: Store,
) -> None:
    beans = ProductId("BEANS-ARABICA")  # 50 kg at MAIN
    line = hand_priced_return_line(
        "1",
        beans,
        MAIN,
        Decimal("1.5"),
        rub("1200.00"),
        sold_on=date(2026, 3, 2),
        category=VatCategory.GENERAL,
        vat_rates=russian_vat_rates(),
    )
    account = SettlementAccount("VOLGA-KZN", "RUB", "KZN-LLC", "ORG-1", "K-KZN-1")
    with company.unit_of_work() as uow:
        sc.post_return_without_shipment(
            uow, ReturnId("RT-1"), account, OrganizationId("ORG-1"), BACK, [line], at=at(BACK)
        )
        uow.commit()
        held = uow.stock_ledger.balance(beans, MAIN, Bucket.free(), KG)
    assert held == Quantity("51.5", KG)
