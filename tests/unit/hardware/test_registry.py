"""The device driver registry: entry points, lazy loading, errors by name."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from salescore.errors import DuplicatePluginError, NotFoundError, PluginLoadError
from salescore.hardware.registry import GROUP, DeviceRegistry
from salescore.hardware.shtrih.driver import ShtrihDriver


def test_salescore_registers_its_own_drivers_through_the_entry_point_group() -> None:
    registry = DeviceRegistry.from_entry_points()
    assert {"shtrih-m", "atol-web"} <= set(registry.names())
    assert registry.get("shtrih-m") is ShtrihDriver


def test_a_driver_is_loaded_once_and_cached_on_the_instance() -> None:
    entry = EntryPoint("x", "salescore.hardware.shtrih.driver:ShtrihDriver", GROUP)
    registry = DeviceRegistry(GROUP, {"x": entry})
    assert registry._loaded == {}
    assert registry.get("x") is ShtrihDriver
    assert registry._loaded == {"x": ShtrihDriver}
    assert registry.get("x") is ShtrihDriver
    assert DeviceRegistry(GROUP, {"x": entry})._loaded == {}


def test_a_driver_that_fails_to_load_is_named_in_the_error() -> None:
    broken = EntryPoint("broken-printer", "salescore.no_such_module:Printer", GROUP)
    registry = DeviceRegistry.from_entry_points(extra=[broken])
    with pytest.raises(PluginLoadError, match="broken-printer") as info:
        registry.get("broken-printer")
    assert info.value.details["plugin"] == "broken-printer"
    assert registry.get("shtrih-m") is ShtrihDriver  # the others still load


def test_the_same_entry_point_seen_twice_counts_once() -> None:
    again = EntryPoint("shtrih-m", "salescore.hardware.shtrih.driver:ShtrihDriver", GROUP)
    assert DeviceRegistry.from_entry_points(extra=[again]).get("shtrih-m") is ShtrihDriver


def test_a_driver_that_is_not_callable_is_refused_by_name() -> None:
    with pytest.raises(PluginLoadError, match=r"'odd' .*not a class or factory"):
        DeviceRegistry.named(odd=42).get("odd")  # type: ignore[arg-type]


def test_two_targets_for_one_name_are_a_duplicate_error() -> None:
    clash = EntryPoint("shtrih-m", "elsewhere:Driver", GROUP)
    with pytest.raises(DuplicatePluginError, match="shtrih-m"):
        DeviceRegistry.from_entry_points(extra=[clash])


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="known: a"):
        DeviceRegistry.named(a=object).get("b")


def test_create_instantiates_with_the_given_arguments() -> None:
    class Fake:
        def __init__(self, port: str) -> None:
            self.port = port

    assert DeviceRegistry.named(fake=Fake).create("fake", port="COM1").port == "COM1"
