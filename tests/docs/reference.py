"""What the API reference documents, read from the autodoc directives of docs/reference/api/*.md.

A public name counts as documented when a directive documents it: ``autoclass``,
``autofunction``, ``autodata`` … naming it (under any module that holds the
same object), an ``automodule`` whose members include it, or an explicit
``py:`` entry (``.. py:data:: salescore.pkg.NAME``) for a value autodoc cannot reach.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
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
    "salescore.delivery",
    "salescore.reservation",
    "salescore.receivables",
    "salescore.crm",
    "salescore.forms",
    "salescore.selfservice",
    "salescore.scenario",
    "salescore.app",
    "salescore.app.agreements",
    "salescore.app.crm",
    "salescore.app.delivery",
    "salescore.app.discount_rules",
    "salescore.app.orders",
    "salescore.app.plu",
    "salescore.app.pricing",
    "salescore.app.receivables",
    "salescore.app.sales",
    "salescore.app.selfservice",
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
    body: str = ""  # the first line of a ``py:`` entry's text


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
            rest = lines[number + 1 :]
            for following in rest:
                option = _OPTION.match(following)
                if option is None:
                    break
                options[option["name"]] = option["value"].strip()
            text = [x.strip() for x in rest[len(options) :] if x.strip()]
            body = text[0] if text and rest[len(options) :][:1] == [""] else ""
            yield Directive(page, match["kind"], match["target"], options, body)


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
    targets: Mapping[int, str] = attrs.field(factory=dict)  # object id -> a directive's target
    texts: Mapping[str, str] = attrs.field(factory=dict)  # ``py:`` target -> its first line

    def covers(self, package: str, name: str) -> bool:
        obj = getattr(importlib.import_module(package), name)
        return f"{package}.{name}" in self.names or (_identifiable(obj) and id(obj) in self.objects)

    def target(self, package: str, name: str) -> str:
        """The documented name of ``package.name`` (where the reference describes it)."""
        obj = getattr(importlib.import_module(package), name)
        if f"{package}.{name}" in self.names or not _identifiable(obj):
            return f"{package}.{name}"
        return self.targets.get(id(obj), f"{package}.{name}")


def _identifiable(obj: object) -> bool:
    """Whether the object is one object wherever it is re-exported (not an interned scalar)."""
    if isinstance(obj, str | int | float | bool | type(None)):
        return False
    return not (isinstance(obj, tuple | frozenset) and not obj)


def documented(folder: Path = REFERENCE) -> Documented:
    names: set[str] = set()
    objects: set[int] = set()
    targets: dict[int, str] = {}
    texts: dict[str, str] = {}

    def add(dotted: str, obj: object) -> None:
        names.add(dotted)
        objects.add(id(obj))
        targets.setdefault(id(obj), dotted)

    for d in directives(folder):
        if d.kind.startswith("py:"):
            names.add(d.target)
            texts[d.target] = d.body
            continue
        obj = resolve(d.target)
        add(d.target, obj)
        if d.kind == "automodule" and "no-members" not in d.options:
            assert isinstance(obj, ModuleType)
            for member in _members(obj, d.options.get("members")):
                add(f"{d.target}.{member}", getattr(obj, member))
    return Documented(frozenset(names), frozenset(objects), targets, texts)


def public_names() -> Iterator[tuple[str, str]]:
    """(package, name) for every name in the ``__all__`` of a public package."""
    for package in PUBLIC:
        module = importlib.import_module(package)
        for name in module.__all__:
            yield package, name
