"""The scenario flavour of the shared TOML reader (:mod:`salescore._toml`), and file reading.

Scenario files describe a case in plain text: a company, orders, payments,
prices. Every value is read through a :class:`Node` that knows its file and
its key path, so that a mistake is reported as, for example,
``orders.toml: orders[2].lines[0].price: expected a decimal amount as a
string such as "12.50", got 12.5 (a float)``. Amounts are strings (or
integers), never floats: a float cannot hold 0.10 exactly. The errors are
:class:`~salescore.errors.ScenarioError` values with the file under ``file``
and the key path under ``path`` in their details.

>>> root = Node.parse('[[orders]]\\nid = "SO-1"\\ntotal = 12.5\\n', "orders.toml")
>>> order = root.array("orders")[0]
>>> order.text("id")
'SO-1'
>>> order.decimal("total")
Traceback (most recent call last):
...
salescore.errors.ScenarioError: orders.toml: orders[0].total: expected ... got 12.5 (a float: ...)

The discount tables of a sales scenario are read by
:func:`salescore.discounts.rulefile.rule_set_from_node` from these same
nodes, so they refuse floats too and raise :class:`~salescore.errors.ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import attrs

from salescore import _toml
from salescore._toml import Policy
from salescore.errors import InvalidInputError, ScenarioError
from salescore.explain import text_table

__all__ = ["SCENARIO", "Node", "at", "columns", "read_scenario"]

SCENARIO = Policy(ScenarioError)
"""Scenario files raise :class:`ScenarioError` (``file``, ``path``) and refuse floats."""


def read_scenario(path: str | Path) -> Node:
    """The root table of the TOML file at ``path``.

    The file is UTF-8 (a byte-order mark is allowed).

    Raises:
        ScenarioError: the file cannot be read, is not UTF-8 or is not valid
            TOML; the message names the file.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            f"{file}: cannot read the scenario file: {exc.strerror or exc}; check the path",
            file=str(file),
            unreadable=True,
        ) from exc
    return Node.parse(data, str(file))


@attrs.frozen
class Node(_toml.Node):
    """A value of a scenario file: the shared reader's node with the :data:`SCENARIO` policy."""

    policy: Policy = attrs.field(default=SCENARIO, kw_only=True)

    @classmethod
    def parse(cls, text: str | bytes, file: str = "<scenario>", policy: Policy = SCENARIO) -> Self:
        """The root table of TOML ``text`` (``file`` names it in errors)."""
        return super().parse(text, file, policy)


@contextmanager
def at(node: _toml.Node) -> Iterator[None]:
    """Report a library error raised while building ``node``'s value at its key path.

    A date pushed past the ends of the calendar (year 1 to 9999) by the
    entry's day counts, or amounts too large to compute exactly, are reported
    there too, as what to fix in the file.
    """
    with node.located(InvalidInputError):
        try:
            yield
        except OverflowError as exc:
            raise node.failure(
                f"a date computed from this entry falls outside the calendar "
                f"(years 1 to 9999: {exc}); check its dates and day counts"
            ) from exc
        except ArithmeticError as exc:  # decimal overflow of huge amounts
            raise node.failure(
                f"the amounts are too large to compute exactly ({type(exc).__name__}); "
                "check the amounts and percents"
            ) from exc


def columns(
    headers: list[str], rows: list[list[str]], right: set[int], indent: str = ""
) -> list[str]:
    """Text table lines: ``headers`` then ``rows``, columns in ``right`` aligned right."""
    return text_table(headers, rows, right=right, rule=False, indent=indent)
