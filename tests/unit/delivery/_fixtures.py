"""A small delivery day built by hand: products with weights, posted shipments, vehicles."""

from __future__ import annotations

from datetime import date, time

from tests.unit.shipments._fixtures import shipment, shipment_line

from salescore.adapters.repositories import Repositories
from salescore.delivery import (
    DeliveryKind,
    DeliveryMethod,
    Place,
    RouteSettings,
    TimeWindow,
    Vehicle,
    VehicleId,
)
from salescore.money import KG
from salescore.parties import Partner, PartnerId, PartnerKind, Product, ProductId
from salescore.shipments import Shipment

DAY = date(2026, 3, 5)
BOX = Product(ProductId("BOX-100"), "box of 100 kg", weight_kg="100", volume_m3="0.5")
SACK = Product(ProductId("SACK"), "sack, 12.5 kg", weight_kg="12.5", volume_m3="0.02")
FLOUR = Product(ProductId("FLOUR"), "flour by weight", unit=KG, weight_kg="1", volume_m3="0.0015")
AIR = Product(ProductId("AIR"), "no weight given")
TRUCK = Vehicle(VehicleId("V1"), "Gazelle A123BC", capacity_kg="1000", capacity_m3="9")
VAN = Vehicle(VehicleId("V2"), "Ford Transit", capacity_kg="800", capacity_m3="6")
CARRIER = Partner(PartnerId("TK-DL"), "Delovye Linii", frozenset({PartnerKind.SUPPLIER}))
SETTINGS = RouteSettings(Place("MAIN warehouse", x=0, y=0), departure=time(9))


def method(address: str, x: int, y: int, window: tuple[int, int] | None = None) -> DeliveryMethod:
    return DeliveryMethod(
        DeliveryKind.OUR_TRANSPORT,
        Place(address, x=x, y=y),
        TimeWindow(time(window[0]), time(window[1])) if window else None,
        contact="+7 900 000-00-00",
    )


def posted(number: str, product: str, quantity: str, partner: str = "VOLGA-KZN") -> Shipment:
    return shipment(
        number, DAY, shipment_line("1", "SO-" + number, quantity, "1000.00", "180.33",
                                   product=product),
        partner=partner,
    )  # fmt: skip


def delivery_day(uow: Repositories) -> None:
    """Products, a carrier, two vehicles and five posted shipments:

    RTU-1 400 kg, RTU-2 500 kg, RTU-3 300 kg (boxes of 100 kg), RTU-4 120 sacks
    (1,500 kg), RTU-5 self-pickup.
    """
    for product in (BOX, SACK, FLOUR, AIR):
        uow.products.add(product)
    uow.partners.add(CARRIER)
    uow.vehicles.add(TRUCK)
    uow.vehicles.add(VAN)
    for number, goods, quantity in [
        ("RTU-1", "BOX-100", "4"),
        ("RTU-2", "BOX-100", "5"),
        ("RTU-3", "BOX-100", "3"),
        ("RTU-4", "SACK", "120"),
        ("RTU-5", "BOX-100", "1"),
    ]:
        uow.shipments.add(posted(number, goods, quantity))
