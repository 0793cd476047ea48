"""Every public name — in the ``__all__`` of a public package — is in the API reference."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from tests.docs import reference


def test_every_public_name_is_documented() -> None:
    documented = reference.documented()
    missing = [f"{p}.{n}" for p, n in reference.public_names() if not documented.covers(p, n)]
    assert not missing, (
        f"{len(missing)} public name(s) are not in docs/reference/api/*.md (add an autodoc "
        "directive or a `.. py:data::` entry): " + ", ".join(missing)
    )


def test_every_public_package_with_all_is_listed() -> None:
    for package in reference.PUBLIC:
        assert hasattr(importlib.import_module(package), "__all__"), package


def test_every_directive_names_something_that_exists() -> None:
    for directive in reference.directives():
        if directive.kind.startswith("auto"):
            reference.resolve(directive.target)  # raises when the target is gone


def test_a_name_without_a_directive_is_reported(tmp_path: Path) -> None:
    (tmp_path / "money.md").write_text(
        "```{eval-rst}\n.. autoclass:: salescore.money.Money\n.. automodule:: salescore.tax\n```\n",
        encoding="utf-8",
    )
    documented = reference.documented(tmp_path)
    assert documented.covers("salescore.money", "Money")
    assert documented.covers("salescore", "Money")  # the same class, re-exported
    assert documented.covers("salescore.tax", "VatRate")  # a member of the automodule
    assert not documented.covers("salescore.money", "allocate")


@pytest.mark.parametrize("option", [":no-members:", ":members: VatRate"])
def test_automodule_members_follow_the_options(tmp_path: Path, option: str) -> None:
    (tmp_path / "tax.md").write_text(
        f"```{{eval-rst}}\n.. automodule:: salescore.tax\n   {option}\n```\n", encoding="utf-8"
    )
    documented = reference.documented(tmp_path)
    assert documented.covers("salescore.tax", "VatRate") == (option != ":no-members:")
    assert not documented.covers("salescore.tax", "VatTotals")


def test_the_public_api_index_is_up_to_date() -> None:
    from tests.docs import public_index

    assert public_index.current() == public_index.render(), (
        "docs/reference/public.md is out of date: run `python -m tests.docs.public_index`"
    )


def test_the_index_gives_every_public_name_a_summary() -> None:
    from tests.docs import public_index

    documented = reference.documented()
    for package, name in reference.public_names():
        assert public_index.summary(package, name, documented).strip()
    assert public_index.summary("salescore.money", "Money", documented).startswith(
        "An exact amount of one currency"
    )
