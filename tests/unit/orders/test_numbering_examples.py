"""Order numbers: the first free one of an organization's year, gaps and runs."""

from __future__ import annotations

from salescore.orders.ports import first_free_order_id


def test_the_number_after_a_run_of_taken_ones_is_the_next_in_sequence() -> None:
    taken = {f"TD-2026-{n:06d}" for n in (1, 2, 3, 5)}
    assert first_free_order_id("TD", 2026, taken) == "TD-2026-000004"
    assert first_free_order_id("TD", 2026, {"TD-2026-000001"}) == "TD-2026-000002"
