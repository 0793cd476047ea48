"""The route sheet [маршрутный лист] of a planned task: its figures and its golden HTML."""

from __future__ import annotations

from pathlib import Path

from tests.goldens import check_golden
from tests.unit.delivery._fixtures import DAY, SETTINGS, TRUCK, delivery_day, method

from salescore.adapters.memory import MemoryStore
from salescore.app import delivery as dc
from salescore.forms import render_route_sheet_html, route_sheet_data

GOLDENS = Path(__file__).parent / "goldens"


def test_the_route_sheet_of_a_planned_trip_matches_its_golden_html(update_goldens: bool) -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        delivery_day(uow)
        dc.set_delivery_method(uow, "RTU-1", method("Kazan, 3 Baumana St <yard>", 3, 4, (9, 10)))
        dc.set_delivery_method(uow, "RTU-3", method("Kazan, 6 Pushkina St", 6, 8))
        plan = dc.plan_deliveries(
            uow, DAY, ["RTU-1", "RTU-3"], ["V1"], SETTINGS, crews={"V1": ("Ivanov", "Petrov")}
        )
    (task,) = plan.tasks
    data = route_sheet_data(
        task, TRUCK, partner_names={"VOLGA-KZN": "Волга"}, product_names={"BOX-100": "Ящик"}
    )
    # RTU-1 (window to 10:00) first: 5 km at 30 km/h = 10 min, 09:10; 15 min there;
    # 5 km on to (6, 8) = 10 min, 09:35; 15 min there; 10 km back = 20 min: 10:10
    assert [(r.document, r.arrival) for r in data.rows] == [("RTU-1", "09:10"), ("RTU-3", "09:35")]
    assert (data.departure, data.back) == ("09:00", "10:10")
    # 4 + 3 boxes of 100 kg, 0.5 m3 each
    assert (data.weight_kg, data.volume_m3) == ("700", "3.5")
    page = render_route_sheet_html(data)
    assert "Kazan, 3 Baumana St &lt;yard&gt;" in page
    check_golden(GOLDENS / "route_sheet.html", page, update=update_goldens, test_file=__file__)
