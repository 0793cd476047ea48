"""The device driver registry: drivers found by name through entry points.

salescore registers its own drivers in the entry-point group
``salescore.devices`` (see ``pyproject.toml``), the same group a third-party
package uses to add one::

    [project.entry-points."salescore.devices"]
    my-printer = "my_package.printer:MyPrinter"

It is a :class:`~salescore.plugins.PluginRegistry` like the discount
conditions' registry: loading is lazy, the loaded class is cached on the
registry instance, a driver that fails to import is reported by name with
:class:`~salescore.errors.PluginLoadError`, and an unknown name with
:class:`~salescore.errors.UnknownPluginError` (a ``NotFoundError`` too).
Stored settings name a driver by its entry-point name, never by dotted path.

>>> registry = DeviceRegistry.from_entry_points()
>>> "shtrih-m" in registry.names()
True
>>> registry.get("shtrih-m").__name__
'ShtrihDriver'
>>> class Dummy:
...     pass
>>> DeviceRegistry.named(dummy=Dummy).get("dummy") is Dummy
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint
from typing import Any, Final

from salescore.plugins import PluginRegistry

__all__ = ["GROUP", "DeviceRegistry"]

GROUP: Final = "salescore.devices"

Driver = Callable[..., Any]


def _must_be_callable(loaded: object) -> str:
    return "" if callable(loaded) else "it is not a class or factory"


class DeviceRegistry(PluginRegistry[Driver]):
    """Driver classes (or factories) by name; each loaded at most once per registry."""

    default_group = GROUP

    def __init__(
        self,
        group: str = GROUP,
        entries: Mapping[str, Driver | EntryPoint] | None = None,
        validate: Callable[[object], str] | None = None,
    ) -> None:
        super().__init__(group, entries or {}, validate or _must_be_callable)

    def create(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Instantiate the driver ``name`` with the given arguments."""
        return self.get(name)(*args, **kwargs)
