"""What the API reference documents, read from the autodoc directives of docs/reference/api/*.md.

A public name counts as documented when a directive documents it: ``autoclass``,
``autofunction``, ``autodata`` … naming it (under any module that holds the
same object), an ``automodule`` whose members include it, or an explicit
``py:`` entry (``.. py:data:: salescore.pkg.NAME``) for a value autodoc cannot reach.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import attrs
from tests.docs.pages import DOCS

REFERENCE = DOCS / "reference" / "api"
ERRORS_PAGE = DOCS / "reference" / "errors.md"

_DIRECTIVE = re.compile(r"^\s*\.\. (?P<kind>auto\w+|py:\w+):: (?P<target>[\w.]+)\s*$", re.M)
_OPTION = re.compile(r"^\s+:(?P<name>[\w-]+):(?P<value>.*)$")

# The public packages: each context and top-level module whose ``__all__`` is its API.
PUBLIC = (
    "salescore",
    "salescore.money",
    "salescore.tax",
    "salescore.dates",
    "salescore.errors",
    "salescore.explain",
    "salescore.records",
    "salescore.plots",
    "salescore.crm_plots",
    "salescore.plugins",
    "salescore.ports",
    "salescore.parties",
    "salescore.pricing",
    "salescore.agreements",
    "salescore.discounts",
    "salescore.orders",
    "salescore.shipments",
    "salescore.reservation",
    "salescore.receivables",
    "salescore.crm",
    "salescore.forms",
    "salescore.scenario",
    "salescore.app",
    "salescore.app.agreements",
    "salescore.app.crm",
    "salescore.app.discount_rules",
    "salescore.app.orders",
    "salescore.app.plu",
    "salescore.app.pricing",
    "salescore.app.receivables",
    "salescore.app.sales",
    "salescore.app.shipments",
    "salescore.cli",
    "salescore.demo",
    "salescore.testing",
    "salescore.hardware",
    "salescore.hardware.atol",
    "salescore.hardware.codes",
    "salescore.hardware.escpos",
    "salescore.hardware.labels",
    "salescore.hardware.plu",
    "salescore.hardware.scales",
    "salescore.hardware.shtrih",
)


@attrs.frozen
class Directive:
    page: Path
    kind: str
    target: str
    options: dict[str, str]


def directives(folder: Path = REFERENCE) -> Iterator[Directive]:
    """Every autodoc or ``py:`` directive of the reference pages, with its options."""
    extra = [ERRORS_PAGE] if folder == REFERENCE else []
    for page in [*sorted(folder.glob("*.md")), *extra]:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            match = _DIRECTIVE.match(line)
            if match is None:
                continue
            options = {}
            for following in lines[number + 1 :]:
                option = _OPTION.match(following)
                if option is None:
                    break
                options[option["name"]] = option["value"].strip()
            yield Directive(page, match["kind"], match["target"], options)


def resolve(dotted: str) -> object:
    """The object a dotted name points at (a module, or an attribute of one)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            found = getattr(found, name)
        return found
    raise LookupError(dotted)


def _members(module: ModuleType, option: str | None) -> list[str]:
    if option:  # ":members: a, b" lists them
        return [m.strip() for m in option.split(",") if m.strip()]
    return list(getattr(module, "__all__", ()))


@attrs.frozen
class Documented:
    """The names the reference documents, and the objects they are (by identity)."""

    names: frozenset[str]
    objects: frozenset[int]

    def covers(self, package: str, name: str) -> bool:
        obj = getattr(importlib.import_module(package), name)
        return f"{package}.{name}" in self.names or (_identifiable(obj) and id(obj) in self.objects)


def _identifiable(obj: object) -> bool:
    """Whether the object is one object wherever it is re-exported (not an interned scalar)."""
    if isinstance(obj, str | int | float | bool | type(None)):
        return False
    return not (isinstance(obj, tuple | frozenset) and not obj)


def documented(folder: Path = REFERENCE) -> Documented:
    names: set[str] = set()
    objects: set[int] = set()

    def add(dotted: str, obj: object) -> None:
        names.add(dotted)
        objects.add(id(obj))

    for d in directives(folder):
        if d.kind.startswith("py:"):
            names.add(d.target)
            continue
        obj = resolve(d.target)
        add(d.target, obj)
        if d.kind == "automodule" and "no-members" not in d.options:
            assert isinstance(obj, ModuleType)
            for member in _members(obj, d.options.get("members")):
                add(f"{d.target}.{member}", getattr(obj, member))
    return Documented(frozenset(names), frozenset(objects))


def public_names() -> Iterator[tuple[str, str]]:
    """(package, name) for every name in the ``__all__`` of a public package."""
    for package in PUBLIC:
        module = importlib.import_module(package)
        for name in module.__all__:
            yield package, name
