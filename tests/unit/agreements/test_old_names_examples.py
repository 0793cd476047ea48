"""The old name ``agreements.SaleLine`` still works, with a warning naming the new one."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

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


def test_the_old_name_warning_points_at_the_code_that_uses_it_not_at_salescore() -> None:
    # stacklevel 2: the warning names the line that read agreements.SaleLine, so a user
    # finds what to change; stacklevel 1 would name salescore's own __init__.
    with pytest.warns(DeprecationWarning, match="ProposedLine") as caught:
        _ = agreements.SaleLine
    package = Path(agreements.__file__).parent
    assert not Path(caught[0].filename).resolve().is_relative_to(package.resolve())


@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ,
    reason="under mutmut its trampoline adds a frame between the caller and __getattr__",
)
def test_the_old_name_warning_names_this_file_and_line() -> None:
    line = inspect.currentframe().f_lineno + 2  # type: ignore[union-attr]
    with pytest.warns(DeprecationWarning, match="ProposedLine") as caught:
        _ = agreements.SaleLine
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)
