"""The scenario-file schema page lists every key the readers accept, and no other.

Every scenario file under ``tests/scenarios`` is read by the loader of its
format (the directory says which: ``sales``, ``receivables``, ``orders`` and
``shipments`` (order scenario files), and the rule tables of ``discounts`` as a
``salescore check`` file), and so is
every ``toml`` example of docs/reference/scenario-schema.md, by the loader of
the part of the page it is in. While they are read, each call of
:meth:`salescore._toml.Node.check_keys` — the one place a reader says which
keys a table may hold — is recorded with the table's key path and the reading
module. The page must have a section for each table reached, listing exactly
the keys allowed there (for ``[[events]]``, per action). Every ``check_keys``
call of the reader modules must be reached, so a table no file exercises
fails here too, until a golden file or an example on the page holds it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.docs.pages import DOCS, fenced

import salescore
from salescore._toml import Node
from salescore.discounts.rulefile import parse_rule_set, rule_set_from_data
from salescore.scenario import load, load_orders, load_receivables
from salescore.scenario.orders import ACTIONS, parse_orders
from salescore.scenario.receivables import parse_receivables
from salescore.scenario.sales import parse_sales

PAGE = DOCS / "reference" / "scenario-schema.md"
GOLDEN = Path(__file__).resolve().parents[1] / "scenarios"
SOURCE = Path(salescore.__file__).parent
READERS = sorted({*(SOURCE / "scenario").glob("*.py"), SOURCE / "discounts" / "rulefile.py"})
PART_OF_MODULE = {
    "sales.py": "sales",
    "orders.py": "orders",
    "shipments.py": "orders",
    "receivables.py": "receivables",
    "rulefile.py": "rules",
}
"""Which part of the page documents the tables a reader module checks."""
PART_TITLES = {
    "Sales scenario files": "sales",
    "Discount rule tables": "rules",
    "Order scenario files": "orders",
    "Receivables scenario files": "receivables",
}
"""The ``##`` headings of the page's parts."""
TOP = "Top level"
NAMED = ("calendars",)
"""Tables whose sub-tables are named by the file (``[calendars.NAME]``)."""
RULE_TABLES = ("discounts", "groups", "limits", "known")

Section = tuple[str, str]  # (part, heading such as "[[orders.lines]]")
Keys = dict[str, frozenset[str] | None]  # key -> the actions it is listed for (None: all)


# --- what the readers accept ---------------------------------------------------------


def _run_example(part: str, text: str) -> None:
    if part == "sales":
        parse_sales(text, "example.toml")
    elif part == "orders":
        parse_orders(text, "example.toml").replay()
    elif part == "receivables":
        parse_receivables(text, "example.toml")
    else:
        parse_rule_set(text, "example.toml")


def _rules_of(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    rule_set_from_data({k: v for k, v in data.items() if k in RULE_TABLES}, str(path))


GOLDEN_RUNS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "sales": ("sales", load),
    "receivables": ("receivables", load_receivables),
    "orders": ("orders", lambda path: load_orders(path).replay()),
    "shipments": ("orders", lambda path: load_orders(path).replay()),
    "discounts": ("rules", _rules_of),
}
"""Per directory of tests/scenarios: the format of its files and how to read them all."""


Source = tuple[str, str, str, Callable[[], object]]  # (format, name, TOML text, read it)


def inputs() -> Iterator[Source]:
    """Every golden file and every ``toml`` example of the page, with how to read it."""
    for folder, (kind, run) in GOLDEN_RUNS.items():
        for path in sorted((GOLDEN / folder).glob("*.toml")):
            yield kind, str(path), path.read_text(encoding="utf-8"), _bind(run, path)
    for number, (part, text) in enumerate(page_examples(PAGE.read_text(encoding="utf-8")), 1):
        yield part, f"page example {number} ({part})", text, _bind(_run_example, part, text)


def _bind(function: Callable[..., object], *args: Any) -> Callable[[], object]:
    return lambda: function(*args)


class Recorded:
    """The tables the readers checked: allowed keys per section and action, call sites reached."""

    def __init__(self) -> None:
        self.keys: dict[Section, dict[str | None, set[str]]] = {}
        self.sites: set[tuple[str, int]] = set()
        self.sources: dict[Section, set[str]] = {}

    def add(
        self, section: Section, action: str | None, allowed: tuple[str, ...], name: str
    ) -> None:
        self.keys.setdefault(section, {}).setdefault(action, set()).update(allowed)
        self.sources.setdefault(section, set()).add(name)


def _steps(path: str) -> list[str | int]:
    """``a.b[2].c`` as ``["a", "b", 2, "c"]``."""
    steps: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        steps.append(int(part[1:-1]) if part.startswith("[") else part)
    return steps


def _find(data: Any, steps: list[str | int]) -> tuple[bool, Any]:
    for step in steps:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return False, None
        elif not isinstance(data, Mapping) or step not in data:
            return False, None
        data = data[step]
    return True, data


def heading_of(path: str) -> str:
    """The TOML notation of a table's key path: ``orders[1].lines[0]`` -> ``[[orders.lines]]``."""
    if not path:
        return TOP
    path = re.sub(r"\[\d+\]", "[]", path)
    for name in NAMED:
        path = re.sub(rf"^{name}\.[^.\[]+", f"{name}.NAME", path)
    bare = path.replace("[]", "")
    return f"[[{bare}]]" if path.endswith("[]") else f"[{bare}]"


def record(sources: Iterator[Source]) -> Recorded:
    """Read every source, recording each table the readers check."""
    found = Recorded()
    real = Node.check_keys
    calls: list[tuple[str, tuple[str, ...], str, int]] = []

    def check_keys(self: Node, *allowed: str) -> None:
        caller = sys._getframe(1)
        calls.append((self.path, allowed, caller.f_code.co_filename, caller.f_lineno))
        real(self, *allowed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Node, "check_keys", check_keys)
        for kind, name, text, read in sources:
            calls.clear()
            read()
            data = tomllib.loads(text, parse_float=Decimal)
            for path, allowed, file, line in calls:
                found.sites.add((file, line))
                part = PART_OF_MODULE.get(Path(file).name, f"no part for {file}")
                steps = _steps(path)
                exists, _ = _find(data, steps)
                if not exists:  # a table left out: the reader checked its empty default
                    continue
                action = None
                if kind == "orders" and steps[:1] == ["events"] and len(steps) > 1:
                    action = _find(data, [*steps[:2], "action"])[1]
                if part == "receivables" and kind == "orders":  # the [receivables] table
                    path = path.removeprefix("receivables").removeprefix(".")
                found.add((part, heading_of(path)), action, allowed, name)
    return found


def page_examples(text: str) -> list[tuple[str, str]]:
    """(part, text) of each ``toml`` block of the page, in page order."""
    found = []
    for part, chunk in _parts(text):
        for language, body in fenced(chunk):
            if language == "toml":
                found.append((part, body))
    return found


def check_sites() -> set[tuple[str, int]]:
    """Every ``check_keys`` call in the reader modules, as (file, line)."""
    sites = set()
    for module in READERS:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check_keys"
            ):
                sites.add((str(module), node.lineno))
    return sites


# --- what the page lists -------------------------------------------------------------


def _parts(text: str) -> Iterator[tuple[str, str]]:
    """(part, text) of each ``##`` part of the page that documents a format."""
    chunks = re.split(r"^## (.+)$", text, flags=re.M)
    for n in range(1, len(chunks) - 1, 2):
        part = PART_TITLES.get(chunks[n].strip())
        if part is not None:
            yield part, chunks[n + 1]


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def page_sections(text: str) -> dict[Section, Keys]:
    """The key tables of the page: section -> key -> the actions it is listed for."""
    sections: dict[Section, Keys] = {}
    for part, chunk in _parts(text):
        pieces = re.split(r"^### (.+)$", chunk, flags=re.M)
        for n in range(1, len(pieces) - 1, 2):
            title = pieces[n].strip()
            names = re.findall(r"`(\[\[?[\w.]+\]\]?)`", title)
            if title.startswith(TOP):
                names = [TOP]
            if not names:
                continue  # prose, not a table of keys
            keys = _keys(pieces[n + 1])
            for name in names:
                sections[(part, name)] = keys
    return sections


def _keys(body: str) -> Keys:
    keys: Keys = {}
    header: list[str] | None = None
    for line in body.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        key = re.match(r"`([\w-]+)`", cells[0])
        if key is None:
            continue
        actions: frozenset[str] | None = None
        if "actions" in header:
            cell = cells[header.index("actions")]
            actions = None if cell == "all" else frozenset(re.findall(r"`(\w+)`", cell))
        before = keys.get(key[1], frozenset())
        keys[key[1]] = None if before is None or actions is None else before | actions
    return keys


def problems(page: Mapping[Section, Keys], found: Recorded) -> list[str]:
    """What the page gets wrong about the tables the readers checked."""
    wrong = []
    for section, by_action in sorted(found.keys.items(), key=str):
        where = f"{section[0]} {section[1]}"
        if section not in page:
            wrong.append(f"{where}: no section on the page (read in {min(found.sources[section])})")
            continue
        listed = page[section]
        for action, allowed in sorted(by_action.items(), key=str):
            shown = {k for k, acts in listed.items() if acts is None or action in acts}
            label = where if action is None else f"{where} action {action}"
            for key in sorted(allowed - shown):
                wrong.append(f"{label}: key `{key}` is accepted but not listed")
            for key in sorted(shown - allowed):
                wrong.append(f"{label}: key `{key}` is listed but not accepted (stale)")
        named = {a for acts in listed.values() if acts for a in acts}
        for action in sorted(named - set(by_action)):
            wrong.append(f"{where}: action {action} is listed but no scenario exercises it")
    for section in sorted(set(page) - set(found.keys)):
        wrong.append(
            f"{section[0]} {section[1]}: listed on the page but no scenario file or example "
            "reaches it (stale, or add an example)"
        )
    return wrong


# --- the tests -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def found() -> Recorded:
    return record(inputs())


def test_the_page_lists_exactly_the_keys_each_table_accepts(found: Recorded) -> None:
    assert len(found.keys) > 30
    wrong = problems(page_sections(PAGE.read_text(encoding="utf-8")), found)
    assert not wrong, "docs/reference/scenario-schema.md:\n" + "\n".join(wrong)


def test_every_table_of_the_readers_is_reached(found: Recorded) -> None:
    sites = check_sites()
    assert len(sites) >= 20
    unreached = sorted(sites - found.sites)
    assert not unreached, (
        "no golden file or page example reaches these check_keys calls; add a table that "
        f"does to an example of docs/reference/scenario-schema.md: {unreached}"
    )
    modules = {Path(file).name for file, _ in sites}
    assert modules <= set(PART_OF_MODULE), "map the new reader module to a part of the page"


def test_every_event_action_is_exercised(found: Recorded) -> None:
    assert set(found.keys[("orders", "[[events]]")]) == set(ACTIONS)


def test_the_checker_catches_a_missing_key_a_stale_key_and_a_missing_section(
    found: Recorded,
) -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert not problems(page_sections(text), found)
    row = re.search(r"^\| `basis` \|.*\n", text, flags=re.M)
    assert row is not None
    wrong = problems(page_sections(text.replace(row[0], "")), found)
    assert wrong == ["rules [[discounts]]: key `basis` is accepted but not listed"]
    stale = text.replace(row[0], row[0] + row[0].replace("`basis`", "`bassis`"))
    assert problems(page_sections(stale), found) == [
        "rules [[discounts]]: key `bassis` is listed but not accepted (stale)"
    ]
    gone = text.replace("### `[[templates.stages]]`", "### Stages")
    assert problems(page_sections(gone), found)[0].startswith(
        "receivables [[templates.stages]]: no section on the page"
    )
    cancel = re.search(r"^\| `reason` \|.*\n", text, flags=re.M)
    assert cancel is not None
    assert problems(page_sections(text.replace(cancel[0], "")), found) == [
        "orders [[events]] action cancel: key `reason` is accepted but not listed"
    ]


def test_every_reader_module_is_on_the_page() -> None:
    parts = {part for part, _ in page_sections(PAGE.read_text(encoding="utf-8"))}
    assert parts == set(PART_TITLES.values()) == set(PART_OF_MODULE.values())
