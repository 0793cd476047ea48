"""A small typed reader for scenario files (TOML, stdlib :mod:`tomllib`).

Scenario files describe a case in plain text: a company, orders, payments,
prices. Every value is read through a :class:`Node` that knows its file and
its key path, so that a mistake is reported as, for example,
``orders.toml: orders[2].lines[0].price: expected a decimal amount as a
string such as "12.50", got 12.5 (a float)``. Amounts are strings (or
integers), never floats: a float cannot hold 0.10 exactly.

>>> root = Node.parse('[[orders]]\\nid = "SO-1"\\ntotal = 12.5\\n', "orders.toml")
>>> order = root.array("orders")[0]
>>> order.text("id")
'SO-1'
>>> order.decimal("total")
Traceback (most recent call last):
...
salescore.errors.ScenarioError: orders.toml: orders[0].total: expected ... got 12.5 (a float: ...)
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import attrs

from salescore.errors import InvalidInputError, ScenarioError
from salescore.explain import text_table

__all__ = ["Node", "at", "columns", "read_scenario"]

E = TypeVar("E", bound=enum.Enum)
_MISSING: Any = object()


def read_scenario(path: str | Path) -> Node:
    """The root table of the TOML file at ``path``.

    Raises:
        ScenarioError: the file cannot be read or is not valid TOML.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{file}: cannot read the scenario file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{file}: the scenario file is not UTF-8 text") from exc
    return Node.parse(text, str(file))


@attrs.frozen
class Node:
    """A value of a scenario file with its file name and key path."""

    file: str
    path: str
    value: Any

    @classmethod
    def parse(cls, text: str, file: str = "<scenario>") -> Node:
        """The root table of TOML ``text`` (``file`` names it in errors)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{file}: not valid TOML: {exc}", file=file) from exc
        return cls(file, "", data)

    # --- errors and navigation ------------------------------------------------------

    def error(self, expected: str, key: str | None = None) -> ScenarioError:
        """A :class:`ScenarioError` naming the file, the key path and what was expected."""
        where = self._child_path(key) if key is not None else self.path or "(top level)"
        got = self.value
        if key is not None and isinstance(self.value, dict):
            got = self.value.get(key, _MISSING)
        found = "nothing" if got is _MISSING else _describe(got)
        return ScenarioError(
            f"{self.file}: {where}: expected {expected}, got {found}", file=self.file, path=where
        )

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _table(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.error("a table")
        return self.value

    def has(self, key: str) -> bool:
        """True if the table has ``key``."""
        return key in self._table()

    def names(self) -> list[str]:
        """The keys of the table, in file order."""
        return list(self._table())

    def child(self, key: str, default: Any = _MISSING) -> Node:
        """The value at ``key``; an error if missing and no default is given."""
        table = self._table()
        if key not in table:
            if default is _MISSING:
                raise self.error("a value", key)
            return Node(self.file, self._child_path(key), default)
        return Node(self.file, self._child_path(key), table[key])

    def check_keys(self, *allowed: str) -> None:
        """Refuse keys outside ``allowed`` (catches typos such as ``ammount``)."""
        for key in self._table():
            if key not in allowed:
                raise ScenarioError(
                    f"{self.file}: {self._child_path(key)}: unknown key; expected one of "
                    f"{', '.join(allowed)}",
                    file=self.file,
                    path=self._child_path(key),
                )

    def items(self) -> Iterator[Node]:
        """The elements of an array."""
        if not isinstance(self.value, list):
            raise self.error("an array")
        for n, value in enumerate(self.value):
            yield Node(self.file, self._child_path(n), value)

    def array(self, key: str, *, required: bool = False) -> list[Node]:
        """The array at ``key`` as nodes (``[]`` when missing, unless required)."""
        return list(self.child(key, _MISSING if required else []).items())

    def mapping(self, key: str) -> dict[str, Node]:
        """The values of the table at ``key`` by name (empty when missing)."""
        node = self.child(key, {})
        return {name: node.child(name) for name in node.names()}

    # --- typed values ---------------------------------------------------------------

    def _get(self, key: str | None, default: Any, expected: str) -> Node:
        if key is None:
            return self
        if default is _MISSING and key not in self._table():
            raise self.error(expected, key)
        return self.child(key, default)

    def text(self, key: str | None = None, default: Any = _MISSING) -> str:
        """A non-empty string."""
        node = self._get(key, default, "a non-empty string")
        if not isinstance(node.value, str) or not node.value.strip():
            raise node.error("a non-empty string")
        return node.value

    def opt_str(self, key: str) -> str | None:
        """A string, or None when the key is missing."""
        return self.text(key) if self.has(key) else None

    def integer(self, key: str | None = None, default: Any = _MISSING) -> int:
        """An integer."""
        node = self._get(key, default, "an integer")
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise node.error("an integer")
        return node.value

    def boolean(self, key: str | None = None, default: Any = _MISSING) -> bool:
        """``true`` or ``false``."""
        node = self._get(key, default, "true or false")
        if not isinstance(node.value, bool):
            raise node.error("true or false")
        return node.value

    def decimal(self, key: str | None = None, default: Any = _MISSING) -> Decimal:
        """A decimal number written as a string (``"12.50"``) or an integer."""
        expected = 'a decimal amount as a string such as "12.50"'
        node = self._get(key, default, expected)
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise node.error(expected)
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise node.error(expected) from None
        if not result.is_finite():
            raise node.error(expected)
        return result

    def day(self, key: str | None = None, default: Any = _MISSING) -> date:
        """A date: a TOML date (``2026-03-01``) or an ISO string."""
        node = self._get(key, default, "a date such as 2026-03-01")
        value = node.value
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise node.error("a date such as 2026-03-01")

    def choice(self, kind: type[E], key: str | None = None, default: Any = _MISSING) -> E:
        """A member of ``kind`` given by its value (``"advance"``)."""
        allowed = "one of " + ", ".join(repr(m.value) for m in kind)
        node = self._get(key, default, allowed)
        if isinstance(node.value, kind):
            return node.value
        for member in kind:
            if member.value == node.value:
                return member
        raise node.error(allowed)


@contextmanager
def at(node: Node) -> Iterator[None]:
    """Report a library error raised while building ``node``'s value at its key path."""
    try:
        yield
    except ScenarioError:
        raise
    except InvalidInputError as exc:
        where = node.path or "(top level)"
        raise ScenarioError(f"{node.file}: {where}: {exc}", file=node.file, path=where) from exc


def columns(
    headers: list[str], rows: list[list[str]], right: set[int], indent: str = ""
) -> list[str]:
    """Text table lines: ``headers`` then ``rows``, columns in ``right`` aligned right."""
    return text_table(headers, rows, right=right, rule=False, indent=indent)


def _describe(value: Any) -> str:
    if isinstance(value, float):
        return f"{value!r} (a float: write it in quotes)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)
