"""Packing directives into trips: the golden scenarios of the issue, figures by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.goldens import check_golden

from salescore.delivery import Directive, DirectiveLine, Vehicle, VehicleId, pack
from salescore.errors import CargoRestrictionError, DeliveryError, MissingMeasureError

D = Decimal
GOLDENS = Path(__file__).parent / "goldens"


def one(directive_id: str, kg: str, quantity: str = "1", m3: str | None = None) -> Directive:
    return Directive(
        directive_id, (DirectiveLine("P-" + directive_id, D(quantity), unit_kg=kg, unit_m3=m3),)
    )


TRUCK = Vehicle(VehicleId("V1"), "Gazelle", capacity_kg="1000")


def test_400_500_300_kg_on_a_1000_kg_vehicle_make_two_trips() -> None:
    packing = pack([one("A", "400"), one("B", "500"), one("C", "300")], [TRUCK])
    assert [(t.no, sorted(t.directive_ids), t.weight_kg) for t in packing.trips] == [
        (1, ["A", "B"], D(900)),
        (2, ["C"], D(300)),
    ]
    assert packing.splits == ()


def test_1500_kg_of_12_5_kg_units_goes_80_and_40_units_over_two_trips() -> None:
    packing = pack([one("S", "12.5", quantity="120")], [TRUCK])
    loads = [(t.no, t.loads[0].lines[0].quantity, t.weight_kg) for t in packing.trips]
    # 1,000 kg / 12.5 kg = 80 units on the first trip; 120 - 80 = 40 units = 500 kg left
    assert loads == [(1, D(80), D(1000)), (2, D(40), D(500))]
    (split,) = packing.splits
    assert split.directive_id == "S"
    assert split.trips == (1, 2)
    assert "80 of P-S" in split.explanation.as_text()
    assert all(not t.loads[0].whole for t in packing.trips)


def test_weighed_goods_split_by_their_smallest_unit() -> None:
    # 1.5 t of cheese by the gram on a 1,000 kg vehicle: 1,000.000 kg, then 500.000 kg
    cheese = Directive("W", (DirectiveLine("CHEESE", D("1500.000"), unit_kg="1", step=D("0.001")),))
    packing = pack([cheese], [TRUCK])
    assert [t.loads[0].lines[0].quantity for t in packing.trips] == [D(1000), D(500)]


def test_a_volume_bound_directive_that_fits_by_weight_opens_a_second_trip() -> None:
    van = Vehicle(VehicleId("VAN"), capacity_kg="1500", capacity_m3="10")
    # A: 300 kg, 6 m3; B: 300 kg, 5 m3 -> 600 kg fits 1,500 kg, 11 m3 does not fit 10 m3
    a = one("A", "300", m3="6")
    b = one("B", "300", m3="5")
    packing = pack([a, b], [van])
    assert [(t.directive_ids, t.weight_kg, t.volume_m3) for t in packing.trips] == [
        (("A",), D(300), D(6)),
        (("B",), D(300), D(5)),
    ]


def test_trips_are_spread_over_vehicles_before_a_second_trip() -> None:
    small = Vehicle(VehicleId("V2"), capacity_kg="800")
    packing = pack([one("A", "700"), one("B", "600")], [TRUCK, small])
    assert [(t.vehicle_id, t.vehicle_trip, t.directive_ids) for t in packing.trips] == [
        ("V1", 1, ("A",)),
        ("V2", 1, ("B",)),
    ]


def test_cargo_restrictions_choose_the_vehicle() -> None:
    fridge = Vehicle(VehicleId("COLD"), capacity_kg="500", carries={"chilled", "general"})
    milk = Directive("M", (DirectiveLine("MILK", D(10), unit_kg="20", cargo="chilled"),))
    packing = pack([one("A", "100"), milk], [TRUCK, fridge])
    # milk opens the fridge; the general goods fit beside it (first fit)
    assert [t.vehicle_id for t in packing.trips if "M" in t.directive_ids] == ["COLD"]
    with pytest.raises(CargoRestrictionError) as err:
        pack([milk], [TRUCK])
    assert err.value.directive == "M"
    assert err.value.cargo == ("chilled",)


def test_a_product_without_weight_in_a_weight_bound_plan_is_named() -> None:
    nameless = Directive("N", (DirectiveLine("NO-WEIGHT", D(1)),))
    with pytest.raises(MissingMeasureError, match=r"NO-WEIGHT.*weight_kg") as err:
        pack([nameless], [TRUCK])
    assert err.value.product == "NO-WEIGHT"
    assert err.value.measure == "weight_kg"


def test_a_unit_larger_than_every_vehicle_is_refused() -> None:
    with pytest.raises(DeliveryError, match="one unit"):
        pack([one("BIG", "1200")], [TRUCK])


def test_fractions_of_a_piece_are_refused() -> None:
    with pytest.raises(DeliveryError, match="whole number"):
        DirectiveLine("P", D("1.5"), unit_kg="1")


def test_the_golden_day_of_packing(update_goldens: bool) -> None:
    """A day's directives on two vehicles; the golden file's figures, by hand:

    shares (kg over the largest 1,000 kg): SH-4 1.5, SH-2 0.5, SH-1 0.4, SH-3 0.3, SH-5 0.2.
    SH-4 (120 × 12.5 = 1,500 kg) fits no vehicle: V1 takes 1,000 / 12.5 = 80 units
    (trip 1, 80 × 0.002 = 0.160 m3); the rest, 40 units = 500 kg, opens COLD (no trips
    yet; trip 2). SH-2 (500 kg) fits neither (0 and 100 kg left): a new trip on V1 (tie
    1-1, fleet order; trip 3); SH-1 (400) joins it: 900 kg. SH-3 (300) fits no open trip
    (0, 100, 100 left): COLD has fewer trips (1 against 2): trip 4. SH-5 (50 × 4 = 200 kg
    chilled, 0.5 m3) only COLD may carry: trip 2 has 100 kg left, trip 4 has 300: trip 4,
    500 kg and 0.002 + 0.5 = 0.502 m3.
    """
    fridge = Vehicle(
        VehicleId("COLD"),
        "Isuzu fridge",
        capacity_kg="600",
        capacity_m3="8",
        carries={"chilled", "general"},
    )
    directives = [
        one("SH-1", "400"),
        one("SH-2", "500"),
        one("SH-3", "300"),
        one("SH-4", "12.5", quantity="120"),
        Directive(
            "SH-5", (DirectiveLine("YOGURT", D(50), unit_kg="4", unit_m3="0.01", cargo="chilled"),)
        ),
    ]
    truck = Vehicle(VehicleId("V1"), "Gazelle", capacity_kg="1000", capacity_m3="12")
    directives = [
        Directive(
            d.id,
            tuple(
                DirectiveLine(
                    x.product_id,
                    x.quantity,
                    unit_kg=x.unit_kg,
                    unit_m3=x.unit_m3 or D("0.002"),
                    cargo=x.cargo,
                )
                for x in d.lines
            ),
        )
        for d in directives
    ]
    packing = pack(directives, [truck, fridge])
    check_golden(
        GOLDENS / "packing_day.txt",
        packing.explain().as_text() + "\n",
        update=update_goldens,
        test_file=__file__,
    )


def test_cargo_no_one_vehicle_carries_together_is_named() -> None:
    fridge = Vehicle(VehicleId("COLD"), capacity_kg="500", carries={"chilled"})
    mixed = Directive(
        "MIX",
        (
            DirectiveLine("MILK", D(1), unit_kg="1", cargo="chilled"),
            DirectiveLine("BOX", D(1), unit_kg="1"),
        ),
    )
    with pytest.raises(CargoRestrictionError, match="mixes chilled, general cargo") as err:
        pack([mixed], [TRUCK, fridge])
    assert err.value.cargo == ("chilled", "general")
