"""The one TOML reader of salescore: values with their file name and key path.

Scenario files and discount rule files are read the same way: every value is
reached through a :class:`Node` that knows its file and its key path, and
typed getters (:meth:`Node.text`, :meth:`Node.decimal`, :meth:`Node.day` …)
check what they return. A mistake is reported as ``FILE: key.path: expected
WHAT, got VALUE``:

>>> root = Node.parse('[[orders]]\\nid = "SO-1"\\ntotal = "abc"\\n', "orders.toml")
>>> order = root.array("orders")[0]
>>> order.text("id")
'SO-1'
>>> order.decimal("total")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: orders.toml: orders[0].total: expected ... got 'abc'

What differs between kinds of file is a :class:`Policy` that every node
carries: the error class raised (with the file under ``file_key`` and the
key path under ``path`` in its details) and how TOML numbers with a fraction
are taken. By default they are floats and refused, because a float cannot
hold 0.10 exactly; with ``exact_numbers`` they are parsed as exact decimals:

>>> Node.parse("value = 5.5").decimal("value")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: <toml>: value: expected ... got 5.5 (a float: ...)
>>> Node.parse("value = 5.5", policy=Policy(exact_numbers=True)).decimal("value")
Decimal('5.5')

The reader does no file I/O: callers read the text (or the bytes) and name
the file. Bytes are decoded as UTF-8, a byte-order mark is skipped, and other
encodings are named as such. Whatever the file holds, the reader ends in the
policy's error, never in a Python traceback: nesting is bounded
(:data:`MAX_DEPTH` levels of arrays and tables), and so are the numbers
(:data:`MAX_MAGNITUDE`, :data:`MAX_PLACES`) — a quantity of ``1e29`` is
refused at its key path with the allowed range, long before any arithmetic:

>>> Node.parse(b"\\xef\\xbb\\xbfvalue = 5", "bom.toml").integer("value")
5
>>> Node.parse(b"name = '\\xc0\\xc1'", "cp1251.toml")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: cp1251.toml: the file is not UTF-8 text (byte 0xc0 ...
>>> Node.parse('quantity = "1e29"', "order.toml").decimal("quantity")
Traceback (most recent call last):
...
salescore.errors.InvalidInputError: order.toml: quantity: expected a number below 10^18 ...
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Self, TypeVar

import attrs

from salescore.errors import InvalidInputError, SalescoreError

__all__ = ["MAX_DEPTH", "MAX_MAGNITUDE", "MAX_PLACES", "Node", "Policy"]

MAX_DEPTH = 64
"""The deepest nesting of arrays and tables a file may have."""
MAX_MAGNITUDE = 18
"""A number read from a file is below ``10**MAX_MAGNITUDE`` in absolute value."""
MAX_PLACES = 18
"""A number read from a file has at most this many digits after the point."""
_LIMIT = 10**MAX_MAGNITUDE
_RANGE = f"a number below 10^{MAX_MAGNITUDE} in absolute value with at most {MAX_PLACES} decimals"

E = TypeVar("E", bound=enum.Enum)
_MISSING: Any = object()


@attrs.frozen
class Policy:
    """How one kind of file is read.

    Attributes:
        error_type: the error raised for a mistake in the file.
        file_key: the key of the error's details that names the file
            (``file`` for scenario files, ``source`` for rule files); the key
            path is always under ``path``.
        exact_numbers: TOML numbers with a fraction (``5.5``) are parsed as
            exact decimals and accepted as decimals; when false they are
            binary floats and every getter refuses them ("write it in quotes").
    """

    error_type: type[SalescoreError] = InvalidInputError
    file_key: str = "file"
    exact_numbers: bool = False

    def decimal_wanted(self) -> str:
        """What :meth:`Node.decimal` asks for, in error messages."""
        if self.exact_numbers:
            return 'a decimal number such as 12.50 or "12.50"'
        return 'a decimal amount as a string such as "12.50"'


_DEFAULT = Policy()


@attrs.frozen
class Node:
    """A value of a TOML file with its file name, its key path and the file's policy."""

    file: str
    path: str
    value: Any
    policy: Policy = attrs.field(default=_DEFAULT, kw_only=True)

    @classmethod
    def parse(cls, text: str | bytes, file: str = "<toml>", policy: Policy = _DEFAULT) -> Self:
        """The root table of TOML ``text`` (``file`` names it in errors).

        ``text`` may be the file's bytes: they are decoded as UTF-8, a
        byte-order mark is skipped. A mistake in the text is the policy's error
        naming the file (and the line and column, or the key path).
        """
        if isinstance(text, bytes):
            text = _decode(text, file, policy)
        text = text.removeprefix("\ufeff")
        try:
            data = tomllib.loads(text, parse_float=Decimal if policy.exact_numbers else float)
        except tomllib.TOMLDecodeError as exc:
            raise policy.error_type(
                f"{file}: not valid TOML: {exc}; fix the file at that place",
                **{policy.file_key: file, "unreadable": True},
            ) from exc
        except ValueError as exc:  # an integer of thousands of digits
            raise policy.error_type(
                f"{file}: not valid TOML: {exc}; write numbers below 10^{MAX_MAGNITUDE}",
                **{policy.file_key: file, "unreadable": True},
            ) from None
        except RecursionError:
            raise policy.error_type(
                f"{file}: arrays or tables are nested deeper than {MAX_DEPTH} levels; "
                "flatten the file",
                **{policy.file_key: file, "depth": MAX_DEPTH, "unreadable": True},
            ) from None
        root = cls(file, "", data, policy=policy)
        root._check_depth()
        return root

    def _check_depth(self) -> None:
        """Refuse nesting deeper than :data:`MAX_DEPTH` (iteratively: no recursion)."""
        stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(self.value, 0, ())]
        while stack:
            value, depth, keys = stack.pop()
            children: Iterator[tuple[str | int, Any]]
            if isinstance(value, Mapping):
                children = iter(value.items())
            elif isinstance(value, list):
                children = enumerate(value)
            else:
                continue
            if depth >= MAX_DEPTH:
                node = self
                for key in keys:
                    node = node._node(key, None)
                raise self.policy.error_type(
                    f"{self.file}: {node.path}: nested deeper than {MAX_DEPTH} levels of "
                    "arrays and tables; flatten the file",
                    **{
                        self.policy.file_key: self.file,
                        "path": node.path,
                        "depth": depth,
                        "unreadable": True,
                    },
                )
            stack.extend((child, depth + 1, (*keys, key)) for key, child in children)

    # --- errors and navigation ------------------------------------------------------

    def failure(self, message: str, key: str | int | None = None) -> SalescoreError:
        """The policy's error: ``FILE: key.path: message``, with the file and the path."""
        where = self._child_path(key) if key is not None else self.path or "(top level)"
        return self.policy.error_type(
            f"{self.file}: {where}: {message}", **{self.policy.file_key: self.file, "path": where}
        )

    def error(self, expected: str, key: str | None = None) -> SalescoreError:
        """The error for this value (or the one at ``key``): what was expected, what was found."""
        got = self.value
        if key is not None and isinstance(self.value, Mapping):
            got = self.value.get(key, _MISSING)
        found = "nothing" if got is _MISSING else _describe(got)
        return self.failure(f"expected {expected}, got {found}", key)

    @contextmanager
    def located(self, catch: type[SalescoreError] = SalescoreError) -> Iterator[None]:
        """Report an error of ``catch`` raised in the block at this node's key path.

        An error of the policy's class that already names a key path (one a
        node raised) goes through unchanged.

        >>> node = Node.parse("[order]\\nid = 'SO-1'").child("order")
        >>> with node.located():
        ...     raise SalescoreError("the order is closed")
        Traceback (most recent call last):
        ...
        salescore.errors.InvalidInputError: <toml>: order: the order is closed
        """
        try:
            yield
        except catch as exc:
            if isinstance(exc, self.policy.error_type) and "path" in exc.details:
                raise
            raise self.failure(str(exc)) from exc

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _node(self, key: str | int, value: Any) -> Self:
        return type(self)(self.file, self._child_path(key), value, policy=self.policy)

    def _table(self) -> Mapping[str, Any]:
        if not isinstance(self.value, Mapping):
            raise self.error("a table")
        return self.value

    def has(self, key: str) -> bool:
        """True if the table has ``key``."""
        return key in self._table()

    def names(self) -> list[str]:
        """The keys of the table, in file order."""
        return list(self._table())

    def child(self, key: str, default: Any = _MISSING) -> Self:
        """The value at ``key``; an error if missing and no default is given."""
        table = self._table()
        if key not in table:
            if default is _MISSING:
                raise self.error("a value", key)
            return self._node(key, default)
        return self._node(key, table[key])

    def check_keys(self, *allowed: str) -> None:
        """Refuse keys outside ``allowed`` (catches typos such as ``ammount``)."""
        for key in self._table():
            if key not in allowed:
                raise self.failure(f"unknown key; expected one of {', '.join(allowed)}", key)

    def items(self) -> Iterator[Self]:
        """The elements of an array."""
        if not isinstance(self.value, list):
            raise self.error("an array")
        for n, value in enumerate(self.value):
            yield self._node(n, value)

    def array(self, key: str, *, required: bool = False) -> list[Self]:
        """The array at ``key`` as nodes (``[]`` when missing, unless required)."""
        return list(self.child(key, _MISSING if required else []).items())

    def mapping(self, key: str) -> dict[str, Self]:
        """The values of the table at ``key`` by name (empty when missing)."""
        node = self.child(key, {})
        return {name: node.child(name) for name in node.names()}

    # --- typed values ---------------------------------------------------------------

    def _get(self, key: str | None, default: Any, expected: str) -> Self:
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

    def integer(
        self,
        key: str | None = None,
        default: Any = _MISSING,
        *,
        low: int | None = None,
        high: int | None = None,
    ) -> int:
        """An integer (from ``low`` to ``high`` when given)."""
        node = self._get(key, default, "an integer")
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise node.error("an integer")
        if abs(node.value) >= _LIMIT:
            raise node.error(f"an integer below 10^{MAX_MAGNITUDE} in absolute value")
        if (low is not None and node.value < low) or (high is not None and node.value > high):
            raise node.error(f"an integer from {low} to {high}")
        return node.value

    def boolean(self, key: str | None = None, default: Any = _MISSING) -> bool:
        """``true`` or ``false``."""
        node = self._get(key, default, "true or false")
        if not isinstance(node.value, bool):
            raise node.error("true or false")
        return node.value

    def decimal(self, key: str | None = None, default: Any = _MISSING) -> Decimal:
        """A decimal number: a string (``"12.50"``), an integer, or an exact decimal.

        TOML numbers with a fraction are exact decimals only in a file read
        with ``exact_numbers``; elsewhere they are floats and refused.
        """
        expected = self.policy.decimal_wanted()
        node = self._get(key, default, expected)
        value = node.value
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, bool) or not isinstance(value, (str, int)):
            raise node.error(expected)
        else:
            try:
                result = Decimal(value.strip() if isinstance(value, str) else value)
            except InvalidOperation:
                raise node.error(expected) from None
        if not result.is_finite():
            raise node.error(expected)
        node._check_bounds(result)
        return result

    def _check_bounds(self, number: Decimal | int) -> None:
        """Refuse a number beyond :data:`MAX_MAGNITUDE` or with more than :data:`MAX_PLACES`."""
        if isinstance(number, int):
            if abs(number) >= _LIMIT:
                raise self.error(_RANGE)
            return
        exponent = number.as_tuple().exponent
        if not number.is_finite() or not isinstance(exponent, int):
            raise self.error(_RANGE)
        if (number and number.adjusted() >= MAX_MAGNITUDE) or exponent < -MAX_PLACES:
            raise self.error(_RANGE)

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

    def one_of(
        self, allowed: Sequence[str], key: str | None = None, default: Any = _MISSING
    ) -> str:
        """One of the strings ``allowed``."""
        expected = "one of " + ", ".join(repr(a) for a in allowed)
        node = self._get(key, default, expected)
        if not isinstance(node.value, str) or node.value not in allowed:
            raise node.error(expected)
        return node.value

    def plain(self, key: str | None = None, default: Any = _MISSING) -> Any:
        """The value as it is (strings, numbers, dates, arrays, tables), floats refused.

        For free-form data such as the parameters of a discount condition: a
        float anywhere inside is reported at its own key path.
        """
        node = self._get(key, default, "a value")
        if isinstance(node.value, float):
            raise node.error(self.policy.decimal_wanted())
        if isinstance(node.value, (int, Decimal)) and not isinstance(node.value, bool):
            node._check_bounds(node.value)
        if isinstance(node.value, Mapping):
            for name in node.names():
                node.child(name).plain()
        elif isinstance(node.value, list):
            for item in node.items():
                item.plain()
        return node.value


def _decode(data: bytes, file: str, policy: Policy) -> str:
    """``data`` as UTF-8 text without its byte-order mark; other encodings are named."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise policy.error_type(
            f"{file}: the file is not UTF-8 text (byte 0x{bad} on line {line}); "
            "save it as UTF-8 (a byte-order mark is allowed)",
            **{policy.file_key: file, "line": line, "unreadable": True},
        ) from None


def _describe(value: Any) -> str:
    if isinstance(value, float):
        return f"{value!r} (a float: write it in quotes)"
    if isinstance(value, Decimal):
        return _shorten(str(value))
    if isinstance(value, Mapping):
        return "a table" if value else "an empty table"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, int) and abs(value) >= _LIMIT:
        return f"an integer of {len(str(abs(value)))} digits"
    return _shorten(repr(value))


def _shorten(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:50]}… ({len(text)} characters)"
