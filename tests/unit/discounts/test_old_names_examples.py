"""The old name ``discounts.Deviation`` still works, with a warning naming the new one."""

from __future__ import annotations

import inspect
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import salescore.discounts as discounts
from salescore.discounts import LimitExcess


def test_the_old_deviation_name_warns_and_gives_the_limit_excess() -> None:
    with pytest.warns(DeprecationWarning, match="LimitExcess") as caught:
        old = discounts.Deviation
    assert old is LimitExcess
    assert str(caught[0].message) == (
        "salescore.discounts.Deviation is now salescore.discounts.LimitExcess "
        "(Deviation means salescore.agreements.Deviation); import LimitExcess"
    )


def test_the_old_name_warning_points_at_the_code_that_uses_it_not_at_salescore() -> None:
    # stacklevel 2: the warning names the line that read discounts.Deviation, so a user
    # finds what to change; stacklevel 1 would name salescore's own __init__.
    with pytest.warns(DeprecationWarning, match="LimitExcess") as caught:
        _ = discounts.Deviation
    package = Path(discounts.__file__).parent
    assert not Path(caught[0].filename).resolve().is_relative_to(package.resolve())


@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ,
    reason="under mutmut its trampoline adds a frame between the caller and __getattr__",
)
def test_the_old_name_warning_names_this_file_and_line() -> None:
    line = inspect.currentframe().f_lineno + 2  # type: ignore[union-attr]
    with pytest.warns(DeprecationWarning, match="LimitExcess") as caught:
        _ = discounts.Deviation
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_the_old_name_warning_names_the_frame_that_called_the_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test above checks the file and line a user sees. This one checks the same rule
    # however the lookup is reached (a wrapper around __getattr__ included): the warning
    # names the frame one above the code that warns, the one that asked for the name.
    real = warnings.warn
    callers: list[tuple[str, int]] = []

    def spy(message: Any, category: Any = None, stacklevel: int = 1, **rest: Any) -> None:
        caller = sys._getframe(1).f_back
        assert caller is not None
        callers.append((caller.f_code.co_filename, caller.f_lineno))
        real(message, category, stacklevel + 1, **rest)  # one more: this spy's own frame

    monkeypatch.setattr(warnings, "warn", spy)
    with pytest.warns(DeprecationWarning, match="LimitExcess") as caught:
        _ = discounts.Deviation
    assert [(w.filename, w.lineno) for w in caught] == callers
