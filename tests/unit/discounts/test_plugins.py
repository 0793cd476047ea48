"""Condition plugins found through entry points, used end to end; broken ones named.

The example plugin ``tests/plugins/salescore_pack_discount`` is "installed"
the way an installer would: a ``*.dist-info`` directory with its
``entry_points.txt`` (taken from the plugin's own ``pyproject.toml``) is put
on ``sys.path`` next to the package. This works offline and leaves the
virtual environment untouched.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import ClassVar

import pytest

from salescore import plugins
from salescore.cli import main
from salescore.discounts import (
    BUILTIN_CONDITIONS,
    Combination,
    ConditionExpr,
    ConditionRegistry,
    DiscountEngine,
)
from salescore.errors import DuplicatePluginError, PluginLoadError

from .conftest import make_context, make_line, make_percent, make_tree

PLUGIN = Path(__file__).parents[2] / "plugins" / "salescore_pack_discount"
GROUP = "salescore.discount_conditions"
WHOLE_PACKS = "salescore_pack_discount:WholePacks"


def _install(site: Path, name: str, entry_points: dict[str, str]) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example plugin installed on sys.path, plus a broken one."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())
    declared = project["project"]["entry-points"][GROUP]
    _install(tmp_path, "salescore_pack_discount", declared)
    _install(tmp_path, "salescore_broken_plugin", {"broken": "salescore_no_such_module:Nope"})
    monkeypatch.syspath_prepend(str(PLUGIN))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_the_builtins_are_registered_through_the_same_entry_point_group() -> None:
    registry = ConditionRegistry.from_entry_points()
    assert {c.name for c in BUILTIN_CONDITIONS} <= set(registry.names())


@pytest.mark.usefixtures("installed")
def test_an_installed_plugin_condition_is_discovered_and_used_end_to_end() -> None:
    registry = ConditionRegistry.from_entry_points()
    assert "whole_packs" in registry.names()
    rule = make_percent("PACKS", 4, condition=ConditionExpr.leaf("whole_packs", pack=6))
    engine = DiscountEngine.compile(make_tree(Combination.MAX, rule), registry)
    lines = [make_line(quantity=12), make_line(quantity=7, line_id="2")]
    result = engine.apply(lines, make_context())
    assert [x.discount_amount for x in result.lines] == [480, 0]
    assert "whole packs of 6: failed = no  (quantity is 7)" in result.lines[1].explain().as_text()


@pytest.mark.usefixtures("installed")
def test_a_plugin_that_fails_to_load_is_reported_by_name_never_skipped() -> None:
    registry = ConditionRegistry.from_entry_points()
    with pytest.raises(PluginLoadError, match=r"plugin 'broken' .*salescore_no_such_module"):
        registry.load_all()
    issues = registry.load_all(lenient=True)
    assert [(i.code, i.path) for i in issues] == [("plugin_load", f"{GROUP}:broken")]


def test_salescore_check_reports_a_broken_plugin_a_rule_uses(
    installed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[groups]]\nid = "ROOT"\nname = "Root"\nchildren = ["D"]\n'
        '[[discounts]]\nid = "D"\nname = "D"\nvalue = 5\ncondition = { name = "broken" }\n'
    )
    assert main(["check", str(rules)]) == 1
    out = capsys.readouterr().out
    assert "discounts.D.condition: plugin 'broken'" in out
    assert "failed to load" in out


def test_the_installed_registry_is_read_once_and_again_when_a_package_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(PLUGIN))
    monkeypatch.syspath_prepend(str(tmp_path))
    first = ConditionRegistry.installed()
    assert ConditionRegistry.installed() is first  # the metadata is not read again
    assert "whole_packs" not in first.names()
    _install(tmp_path, "salescore_pack_discount", {"whole_packs": WHOLE_PACKS})
    os.utime(tmp_path, ns=(1, 1))  # a coarse clock could have kept the directory's time
    again = ConditionRegistry.installed()
    assert "whole_packs" in again.names()
    assert ConditionRegistry.installed() is again
    assert ConditionRegistry.installed(ConditionRegistry.builtins()) is not again


def test_a_relative_path_entry_is_read_where_it_points_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    _install(there, "salescore_pack_discount", {"whole_packs": WHOLE_PACKS})
    for folder in (here, there):
        os.utime(folder, ns=(1, 1))  # two folders with the same time
    monkeypatch.syspath_prepend(str(PLUGIN))
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    monkeypatch.chdir(here)
    assert "whole_packs" not in ConditionRegistry.installed().names()
    monkeypatch.chdir(there)
    assert "whole_packs" in ConditionRegistry.installed().names()


def test_the_installed_registries_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = [ConditionRegistry.installed()]
    for n in range(plugins.INSTALLED_KEPT):
        monkeypatch.syspath_prepend(f"/nonexistent/salescore-path-{n}")
        kept.append(ConditionRegistry.installed())
    assert len({id(r) for r in kept}) == len(kept)  # each path read its own
    assert len(plugins._installed) <= plugins.INSTALLED_KEPT


def test_two_plugins_with_one_name_are_refused() -> None:
    first, second = BUILTIN_CONDITIONS[0], BUILTIN_CONDITIONS[0]
    with pytest.raises(DuplicatePluginError, match="two plugins are named 'partner'"):
        ConditionRegistry.of(first, second)


def test_a_registry_is_an_explicit_value_not_a_module_global() -> None:
    only_packs = ConditionRegistry.of()
    assert only_packs.names() == ()
    with pytest.raises(PluginLoadError, match="no plugin 'warehouse'"):
        DiscountEngine.compile(
            make_tree(
                Combination.MAX,
                make_percent("W", 1, condition=ConditionExpr.leaf("warehouse", warehouses=["M"])),
            ),
            only_packs,
        )


class HalfCondition:
    """A plugin written without is_satisfied and describe."""

    name = "half"
    parameters: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_params(cls, params: dict[str, object]) -> HalfCondition:
        return cls()


def test_a_plugin_class_lacking_members_of_a_condition_is_refused_naming_them() -> None:
    registry = ConditionRegistry.builtins().with_plugins(HalfCondition)  # type: ignore[arg-type]
    with pytest.raises(PluginLoadError) as raised:
        registry.get("half")
    assert str(raised.value) == (
        "plugin 'half' of group 'salescore.discount_conditions' is not valid: "
        "HalfCondition lacks is_satisfied, describe (see DiscountCondition)"
    )
