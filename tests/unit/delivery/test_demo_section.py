"""The demo's delivery section: a day's trips with a split, a route sheet, charges both ways."""

from __future__ import annotations

from salescore.adapters.memory import MemoryStore
from salescore.demo.report import run_demo


def test_the_demo_plans_one_days_trips_and_settles_delivery_both_ways() -> None:
    report = run_demo(MemoryStore())
    section = report.split("== Delivery: one day's trips, a route sheet, charges both ways ==\n")[1]
    # 1,100 kg of beans fit neither the 1,000 kg Gazelle nor the 600 kg Largus: 1,000 kg by
    # whole grams on the Gazelle, 100 kg on the Largus with the 20 CM-300 (20 × 9.8 = 196 kg)
    assert "ZP-2026-03-11-1: GAZ-1 09:00-10:35, 1000.000 kg: RTU-0102 1000.000 kg" in section
    assert "ZP-2026-03-11-2: LRG-2 09:00-10:35, 296.000 kg: RTU-0101 196.0 kg at 09:10" in section
    # 296 / 600 = 49.3 %
    assert "LRG-2 09:00-10:35 ZP-2026-03-11-2 (formed, 49.3 % by weight)" in section
    assert "RTU-0103: no task, carrier from warehouse TK-DL" in section
    assert "Маршрутный лист № ZP-2026-03-11-1 от 11.03.2026" in section
    # the delivery service line: 1,000.00 purchase × 1.25 × 1.22 = 1,525.00; less 7 % (106.75)
    # and 3 % of the rest (42.5475): 149.2975, rounded 149.30: 1,375.70; VAT × 22/122 = 248.08
    assert "DELIVERY-KZN 1375.70 RUB (VAT 248.08 RUB)" in section
    assert "3138767.07 RUB -> 3140267.07 RUB" in section  # + 1,500.00
    assert "we owe 1400.00 RUB" in section  # 2,400.00 - 1,000.00
