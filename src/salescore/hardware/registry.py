"""The device driver registry: drivers found by name through entry points.

salescore registers its own drivers in the entry-point group
``salescore.devices`` (see ``pyproject.toml``), the same group a third-party
package uses to add one::

    [project.entry-points."salescore.devices"]
    my-printer = "my_package.printer:MyPrinter"

Loading is lazy: nothing is imported until a driver is asked for by name,
and the loaded class is cached on the registry instance (not in a module
global). A driver that fails to import is reported by name with
:class:`~salescore.errors.PluginLoadError`. Stored settings name a driver by
its entry-point name, never by dotted path.

>>> registry = DeviceRegistry.from_entry_points()
>>> "shtrih-m" in registry.names()
True
>>> registry.get("shtrih-m").__name__
'ShtrihDriver'
>>> class Dummy:
...     pass
>>> DeviceRegistry.of(dummy=Dummy).get("dummy") is Dummy
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Final

from salescore.errors import DuplicatePluginError, NotFoundError, PluginLoadError

__all__ = ["GROUP", "DeviceRegistry"]

GROUP: Final = "salescore.devices"


class DeviceRegistry:
    """Driver factories by name; each loaded at most once per registry."""

    def __init__(
        self,
        entries: Mapping[str, EntryPoint] | None = None,
        loaded: Mapping[str, Callable[..., Any]] | None = None,
        group: str = GROUP,
    ) -> None:
        self.group = group
        self._entries: dict[str, EntryPoint] = dict(entries or {})
        self._loaded: dict[str, Callable[..., Any]] = dict(loaded or {})

    @classmethod
    def from_entry_points(
        cls, group: str = GROUP, extra: Iterable[EntryPoint] = ()
    ) -> DeviceRegistry:
        """Every driver installed in ``group`` (plus ``extra``, for tests).

        Raises:
            DuplicatePluginError: two different targets claim one name.
        """
        entries: dict[str, EntryPoint] = {}
        for entry in [*entry_points(group=group), *extra]:
            known = entries.get(entry.name)
            if known is not None and known.value != entry.value:
                raise DuplicatePluginError(
                    f"device driver {entry.name!r} in group {group!r} is claimed by both "
                    f"{known.value!r} and {entry.value!r}: uninstall one of them",
                    group=group,
                    name=entry.name,
                )
            entries[entry.name] = entry
        return cls(entries, group=group)

    @classmethod
    def of(cls, **drivers: Callable[..., Any]) -> DeviceRegistry:
        """A registry holding exactly ``drivers`` (name → class or factory), for tests."""
        return cls(loaded=drivers)

    def names(self) -> list[str]:
        """Every known driver name, sorted."""
        return sorted(set(self._entries) | set(self._loaded))

    def get(self, name: str) -> Callable[..., Any]:
        """The driver class (or factory) registered as ``name``.

        Raises:
            NotFoundError: no driver has that name.
            PluginLoadError: the driver's module or object could not be loaded.
        """
        if name in self._loaded:
            return self._loaded[name]
        entry = self._entries.get(name)
        if entry is None:
            raise NotFoundError(
                f"no device driver named {name!r}; known: {', '.join(self.names()) or 'none'}",
                name=name,
            )
        try:
            factory: Callable[..., Any] = entry.load()
        except Exception as exc:
            raise PluginLoadError(
                f"device driver {name!r} ({entry.value}) failed to load: {exc}",
                group=self.group,
                name=name,
                value=entry.value,
            ) from exc
        if not callable(factory):
            raise PluginLoadError(
                f"device driver {name!r} ({entry.value}) is not a class or factory",
                group=self.group,
                name=name,
                value=entry.value,
            )
        self._loaded[name] = factory
        return factory

    def create(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Instantiate the driver ``name`` with the given arguments."""
        return self.get(name)(*args, **kwargs)
