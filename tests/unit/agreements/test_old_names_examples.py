"""The old name ``agreements.SaleLine`` still works, with a warning naming the new one."""

from __future__ import annotations

import pytest

import salescore.agreements as agreements
from salescore.agreements import ProposedLine


def test_the_old_sale_line_name_warns_and_gives_the_proposed_line() -> None:
    with pytest.warns(DeprecationWarning, match="ProposedLine") as caught:
        old = agreements.SaleLine
    assert old is ProposedLine
    assert str(caught[0].message) == (
        "salescore.agreements.SaleLine is now salescore.agreements.ProposedLine "
        "(SaleLine means salescore.discounts.SaleLine); import ProposedLine"
    )


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(
        AttributeError, match=r"^module 'salescore.agreements' has no attribute 'Nope'$"
    ):
        _ = agreements.Nope
