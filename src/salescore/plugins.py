"""Plugin registries: named classes discovered through entry points.

A developer extends salescore with a package that declares entry points in a
*group* (``salescore.discount_conditions``, later device drivers). A
:class:`PluginRegistry` maps names to classes. It is an explicit value, not
a module global: an application builds one with
:meth:`PluginRegistry.from_entry_points` (which reads installed package
metadata, and imports a plugin only when it is first asked for, caching it on
the instance) or, in tests, with :meth:`PluginRegistry.of`. The library's
functions that take ``registry=None`` use :meth:`PluginRegistry.installed`:
the plugins installed, exactly as the command line finds them.

A plugin that cannot be imported, or is not what the group expects, is
reported with its name and entry point (:class:`~salescore.errors.PluginLoadError`);
it is never skipped silently. :meth:`PluginRegistry.load_all` in lenient mode
turns such failures into :class:`~salescore.errors.Issue` values instead.

>>> class Hello:
...     name = "hello"
>>> registry = PluginRegistry.of(Hello, group="example.group")
>>> registry.names(), registry.get("hello") is Hello
(('hello',), True)
>>> PluginRegistry.installed(registry) is registry
True
>>> registry.get("bye")
Traceback (most recent call last):
...
salescore.errors.UnknownPluginError: no plugin 'bye' in group 'example.group'; known: hello. ...
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, Self, TypeVar

from salescore.errors import DuplicatePluginError, Issue, PluginLoadError, UnknownPluginError

__all__ = ["INSTALLED_KEPT", "PluginRegistry"]

T = TypeVar("T")

#: How many registries :meth:`PluginRegistry.installed` keeps: one per class and
#: state of the import path (its entries and their modification times).
INSTALLED_KEPT = 16

_installed: OrderedDict[tuple[object, ...], Any] = OrderedDict()  # registries of classes
_installed_lock = threading.Lock()


def _path_state() -> tuple[tuple[str, int], ...]:
    """The import path and each entry's modification time: installing or removing a
    package changes its directory's time, as :mod:`importlib.metadata` itself notices."""
    state = []
    for entry in sys.path:
        # A relative entry ("" is the working directory) is the one it names now.
        entry = os.path.abspath(entry)
        try:
            state.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            state.append((entry, -1))
    return tuple(state)


def _name_of(cls: object) -> str:
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise PluginLoadError(
            f"{cls!r} has no 'name' class attribute: a plugin class declares its name",
            plugin=repr(cls),
        )
    return name


class PluginRegistry(Generic[T]):
    """Named plugin classes of one entry-point group, loaded lazily.

    Args:
        group: the entry-point group, e.g. ``"salescore.discount_conditions"``.
        entries: name -> a loaded class or an :class:`~importlib.metadata.EntryPoint`
            still to be loaded.
        validate: called with each loaded object; raises or returns a message
            (non-empty string) when the object is not a valid plugin.
    """

    default_group: str = ""

    def __init__(
        self,
        group: str,
        entries: Mapping[str, T | EntryPoint],
        validate: Callable[[object], str] | None = None,
    ) -> None:
        self.group = group
        self._entries: dict[str, T | EntryPoint] = dict(entries)
        self._loaded: dict[str, T] = {}
        self._validate = validate

    # --- construction ----------------------------------------------------------

    @classmethod
    def of(cls, *classes: T, group: str | None = None) -> Self:
        """A registry of ``classes``, named by their ``name`` attribute (for tests)."""
        entries: dict[str, T | EntryPoint] = {}
        for item in classes:
            name = _name_of(item)
            if name in entries:
                raise DuplicatePluginError(
                    f"two plugins are named {name!r}: {entries[name]!r} and {item!r}",
                    plugin=name,
                )
            entries[name] = item
        return cls(group or cls.default_group, entries)

    @classmethod
    def named(cls, group: str | None = None, **plugins: T) -> Self:
        """A registry of ``plugins`` under the given names (for tests and factories
        that carry no ``name`` attribute)."""
        return cls(group or cls.default_group, plugins)

    @classmethod
    def from_entry_points(cls, group: str | None = None, extra: Iterable[EntryPoint] = ()) -> Self:
        """The plugins installed for ``group`` (plus ``extra``, for tests); nothing is
        imported until asked for.

        The same entry point seen twice (a package on the path twice) counts once.

        Raises:
            DuplicatePluginError: two different targets claim one name.
        """
        group_name = group or cls.default_group
        entries: dict[str, T | EntryPoint] = {}
        for ep in [*entry_points(group=group_name), *extra]:
            if ep.name in entries:
                other = entries[ep.name]
                if getattr(other, "value", None) == ep.value:
                    continue
                raise DuplicatePluginError(
                    f"two plugins in group {group_name!r} are named {ep.name!r}: "
                    f"{getattr(other, 'value', other)!r} and {ep.value!r}; uninstall one",
                    group=group_name,
                    plugin=ep.name,
                )
            entries[ep.name] = ep
        return cls(group_name, entries)

    @classmethod
    def installed(cls, explicit: Self | None = None) -> Self:
        """``explicit`` when given, else every plugin installed for the group.

        The one place where both the command line and the Python API (such as
        :func:`salescore.scenario.load`) find plugins: a function that takes
        ``registry=None`` uses the installed plugins, exactly as the command
        line does; pass a registry to use only its plugins.

        Reading the package metadata takes milliseconds, so the registry read is
        kept (and its imported plugins with it) and given again while the import
        path and the modification times of its directories stay the same: a
        package installed or removed since is seen on the next call. At most
        :data:`INSTALLED_KEPT` are kept.
        """
        if explicit is not None:
            return explicit
        key = (cls, cls.default_group, _path_state())
        with _installed_lock:
            found: Self | None = _installed.get(key)
            if found is not None:
                _installed.move_to_end(key)
                return found
        registry = cls.from_entry_points()
        with _installed_lock:
            registry = _installed.setdefault(key, registry)
            while len(_installed) > INSTALLED_KEPT:
                _installed.popitem(last=False)
        return registry

    def with_plugins(self, *classes: T) -> Self:
        """A new registry with ``classes`` added; a name already present is an error."""
        extra = type(self).of(*classes, group=self.group)
        clash = sorted(set(extra._entries) & set(self._entries))
        if clash:
            raise DuplicatePluginError(
                f"plugin name(s) already registered in {self.group!r}: {', '.join(clash)}",
                plugin=clash[0],
            )
        merged = type(self)(self.group, {**self._entries, **extra._entries}, self._validate)
        merged._loaded.update(self._loaded)
        return merged

    # --- lookup ----------------------------------------------------------------

    def names(self) -> tuple[str, ...]:
        """Every plugin name, sorted (without importing anything)."""
        return tuple(sorted(self._entries))

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str) -> T:
        """The plugin called ``name``, imported on first use and cached.

        Raises:
            PluginLoadError: no such plugin, or it failed to import, or it is
                not a valid plugin of this group; the message names it.
        """
        if name in self._loaded:
            return self._loaded[name]
        try:
            entry = self._entries[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise UnknownPluginError(
                f"no plugin {name!r} in group {self.group!r}; known: {known}. "
                "Install the package that provides it or fix the name",
                group=self.group,
                plugin=name,
            ) from None
        loaded: object
        if isinstance(entry, EntryPoint):
            try:
                loaded = entry.load()
            except Exception as exc:
                raise PluginLoadError(
                    f"plugin {name!r} of group {self.group!r} ({entry.value}) failed to load: "
                    f"{type(exc).__name__}: {exc}",
                    group=self.group,
                    plugin=name,
                    value=entry.value,
                ) from exc
        else:
            loaded = entry
        self._check(name, loaded)
        self._loaded[name] = loaded  # type: ignore[assignment]
        return self._loaded[name]

    def _check(self, name: str, loaded: object) -> None:
        if self._validate is None:
            return
        problem = self._validate(loaded)
        if problem:
            raise PluginLoadError(
                f"plugin {name!r} of group {self.group!r} is not valid: {problem}",
                group=self.group,
                plugin=name,
            )

    def load_all(self, *, lenient: bool = False) -> list[Issue]:
        """Import every plugin now.

        Args:
            lenient: report failures as issues (code ``plugin_load``, path =
                the plugin name) instead of raising at the first one.

        Raises:
            PluginLoadError: a plugin failed and ``lenient`` is false.
        """
        issues: list[Issue] = []
        for name in self.names():
            try:
                self.get(name)
            except PluginLoadError as exc:
                if not lenient:
                    raise
                issues.append(Issue("plugin_load", str(exc), path=f"{self.group}:{name}"))
        return issues

    def loaded(self) -> Iterable[tuple[str, T]]:
        """The plugins imported so far, by name."""
        return sorted(self._loaded.items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.group!r}, {list(self.names())})"
