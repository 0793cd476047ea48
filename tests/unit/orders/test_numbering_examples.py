"""Order numbers: one more than the highest of an organization's year, never a reused one."""

from __future__ import annotations

import pytest

from salescore.errors import OrderError
from salescore.orders.ports import is_numbered_order_id, next_order_id


def test_the_number_after_the_highest_is_the_next_even_past_a_gap() -> None:
    assert next_order_id("TD", 2026, None) == "TD-2026-000001"
    assert next_order_id("TD", 2026, "TD-2026-000001") == "TD-2026-000002"
    assert next_order_id("TD", 2026, "TD-2026-000099") == "TD-2026-000100"
    assert next_order_id("TD", 2027, None) == "TD-2027-000001"


def test_only_an_id_of_the_prefix_and_six_digits_is_a_numbered_one() -> None:
    prefix = "TD-2026-"
    assert is_numbered_order_id("TD-2026-000001", prefix)
    assert is_numbered_order_id("TD-2026-999999", prefix)
    for other in ("TD-2026-00001", "TD-2026-0000001", "TD-2026-000001-B", "TD-2025-000001",
                  "TD-2026-00000١", "XTD-2026-000001", "TD-2026-+00001"):  # fmt: skip
        assert not is_numbered_order_id(other, prefix), other


def test_the_year_s_last_number_is_refused_naming_the_organization() -> None:
    assert next_order_id("TD", 2026, "TD-2026-999998") == "TD-2026-999999"
    with pytest.raises(OrderError) as error:
        next_order_id("TD", 2026, "TD-2026-999999")
    assert str(error.value) == (
        "organization 'TD' has used every order number of 2026 (TD-2026-999999 is taken): "
        "give the order its own id"
    )
    assert error.value.details == {"organization": "TD", "year": 2026}
