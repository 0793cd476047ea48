"""Fuzzing the golden scenario files: whatever a file holds, the answer is a salescore error.

Every golden file the library reads (sales, receivables and order scenarios,
and the rule tables of the discount scenarios as a ``salescore check`` file)
is mutated at random — a value swapped for another type, a huge, tiny or
negative number, an exponent, an empty string, a date at the end of the
calendar, a deleted key, deep nesting, a byte-order mark, bytes that are not
UTF-8, a cut-off file — and run the way the command line runs it (load,
price or schedule/age/check credit, render text and JSON). Either it works,
or it fails with a :class:`~salescore.errors.SalescoreError` whose message
names the file and either a key path (held in the error's ``path``) or, for a
file that cannot be read at all, why (``unreadable``). Never a traceback.
The command line, given the same files with ``--json``, exits 0, 1 or 2 and
prints exactly one JSON document, the result or the error.

The example count per file is bounded so that the whole module runs in the
normal suite (a few thousand cases in well under 30 seconds).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescore.app.discount_rules import read_rule_set_file
from salescore.cli import main
from salescore.discounts import ConditionRegistry, check_rule_set
from salescore.errors import SalescoreError
from salescore.scenario import load, load_orders, load_receivables
from salescore.scenario.orders import render_replay, replay_json
from salescore.scenario.receivables import (
    aging_json,
    credit_json,
    render_allocations,
    render_credit,
    render_schedules,
    schedules_json,
)
from salescore.scenario.sales import render_sales, sales_json

GOLDEN = Path(__file__).parents[1] / "scenarios"
IGNORED = ("expected", "golden", "description", "sale")  # tables the loaders do not read
RULE_KEYS = ("discounts", "groups", "limits", "known")
EXAMPLES = 110  # per file: 23 files, about 2,500 cases

# --- writing TOML (the standard library only reads it) -----------------------------

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    """``value`` as one-line TOML (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = str(value)
        return text if any(c in text for c in ".eEn") else f"{text}.0"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Deep):
        return "[" * value.depth + "]" * value.depth
    raise TypeError(value)  # pragma: no cover - tomllib gives no other types


def to_toml(data: dict[str, Any]) -> str:
    """A TOML document of ``data``, one top-level key per line."""
    return "".join(f"{_key(key)} = {_value(value)}\n" for key, value in data.items())


# --- the files and how the command line runs them ------------------------------------


def _run_sales(path: Path) -> None:
    scenario = load(path)
    orders = scenario.price()
    render_sales(orders)
    json.dumps(sales_json(orders))


def _run_receivables(path: Path) -> None:
    scenario = load_receivables(path)
    render_schedules(scenario)
    json.dumps(schedules_json(scenario))
    on = scenario.as_of or date(2026, 3, 31)
    report = scenario.aging_report(on)
    report.as_text()
    json.dumps(aging_json(report))
    render_allocations(scenario, on)
    render_credit(scenario, on)
    json.dumps(credit_json(scenario, on))


def _run_orders(path: Path) -> None:
    replay = load_orders(path).replay()
    render_replay(replay)
    json.dumps(replay_json(replay))


def _run_rules(path: Path) -> None:
    parsed = read_rule_set_file(path)
    check_rule_set(
        parsed.rule_set,
        ConditionRegistry.installed(),
        known_products=parsed.known_products,
        known_users=parsed.known_users,
    )


def _sales(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in IGNORED}


def _rules(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in RULE_KEYS}


KINDS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[Path], None]]] = {
    "sales": (_sales, _run_sales),
    "receivables": (_sales, _run_receivables),
    "discounts": (_rules, _run_rules),
    "orders": (_sales, _run_orders),
}
FILES = [(kind, path) for kind in KINDS for path in sorted((GOLDEN / kind).glob("*.toml"))]


def _data(kind: str, path: Path) -> dict[str, Any]:
    select, _ = KINDS[kind]
    return select(tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))


# --- mutations ---------------------------------------------------------------------


class Deep:
    """Arrays nested ``depth`` deep, written straight as text (no recursion here)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth


LOCAL = datetime(9999, 12, 31, 23, 59)  # noqa: DTZ001 - a TOML local date-time
ODD_VALUES: list[Any] = [
    "", " ", "abc", "12,50", "1e29", "-1e29", "1e999999", "-1e999999", "1E+1000", "1e-30",
    "NaN", "Infinity", "-0.01", "0", "-1", "9999-12-31", "0001-01-01", "2026-02-30",
    "x" * 5000, 0, -1, 1, 10**29, -(10**29), 2**63, 10**18, 99999, -99999,
    Decimal("1e29"), Decimal("1E+1000"), Decimal("0.1"), Decimal("-2.5"), Decimal("1e-30"),
    Decimal("nan"), Decimal("inf"), True, False,
    date(9999, 12, 31), date(1, 1, 1), datetime(9999, 12, 31, 23, 59, tzinfo=UTC), LOCAL,
    time(12, 0),
    [], {}, ["x"], [1, 2], {"a": 1}, Deep(70), Deep(5000),
]  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside ``value`` (to tables, arrays and leaves)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for n, child in enumerate(value):
            found += _paths(child, (*prefix, n))
    return found


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _scaled(value: Any, draw: st.DrawFn) -> Any:
    """A number made huge, tiny or negative; a date moved to an end of the calendar."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value * draw(st.sampled_from([-1, 10**12, 10**20, -(10**20)]))
    if isinstance(value, (date, datetime)):
        return draw(st.sampled_from([date(9999, 12, 31), date(1, 1, 1)]))
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value + draw(st.sampled_from(["", "0" * 40, "\x00", "e99"]))
        sign, digits, exponent = number.as_tuple()
        if not isinstance(exponent, int):
            return value + "0"
        shift = draw(st.sampled_from([0, 20, -25, 40]))
        negate = draw(st.booleans())
        return str(Decimal((sign ^ negate, digits, exponent + shift)))  # exact: no context
    return value


@st.composite
def mutated(draw: st.DrawFn, data: dict[str, Any]) -> bytes:
    """The file ``data`` with one to three random mutations, as the bytes of a file."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(data, path[:-1])
        how = draw(st.sampled_from(["replace", "replace", "scale", "delete"]))
        if how == "delete":
            del parent[path[-1]]
        elif how == "scale":
            parent[path[-1]] = _scaled(parent[path[-1]], draw)
        else:
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    raw = to_toml(data).encode("utf-8")
    where = draw(st.integers(0, len(raw)))
    bytes_how = draw(st.sampled_from(["none"] * 6 + ["bom", "bad byte", "cut", "cp1251"]))
    if bytes_how == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif bytes_how == "bad byte":
        raw = raw[:where] + b"\xff" + raw[where:]
    elif bytes_how == "cut":
        raw = raw[:where]
    elif bytes_how == "cp1251":
        raw = raw + "# ручная скидка\n".encode("cp1251")
    return raw


# --- the test ----------------------------------------------------------------------


def _assert_named(exc: SalescoreError, file: Path) -> None:
    message = str(exc)
    assert str(file) in message, f"the error does not name the file: {message}"
    if exc.details.get("unreadable"):
        return
    path = exc.details.get("path")
    assert path, f"the error names no key path: {type(exc).__name__}: {message}"
    assert str(path) in message, f"the message does not show the key path {path!r}: {message}"


@pytest.mark.parametrize(("kind", "golden"), FILES, ids=[f"{k}/{p.stem}" for k, p in FILES])
def test_every_failure_on_a_mutated_golden_file_is_a_salescore_error_naming_file_and_path(
    kind: str, golden: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = _data(kind, golden)
    _, run = KINDS[kind]
    file = tmp_path_factory.mktemp(kind) / golden.name
    file.write_text(to_toml(data), encoding="utf-8")
    run(file)  # the file as written by to_toml is read as the golden file is

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(data))
    def check(raw: bytes) -> None:
        file.write_bytes(raw)
        try:
            run(file)
        except SalescoreError as exc:
            _assert_named(exc, file)

    check()


def test_a_byte_order_mark_is_read_as_if_it_were_not_there(tmp_path: Path) -> None:
    golden = GOLDEN / "receivables" / "stopped_by_overdue_days.toml"
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + golden.read_bytes())
    assert render_credit(load_receivables(file), date(2026, 3, 2)) == render_credit(
        load_receivables(golden), date(2026, 3, 2)
    )


COMMANDS = {
    "sales": ["price"],
    "receivables": ["schedule", "credit"],
    "discounts": ["check"],
    "orders": ["orders"],
}
CLI_EXAMPLES = 12  # per file and command: the command line adds only its own layer


@pytest.mark.parametrize(("kind", "golden"), FILES, ids=[f"{k}/{p.stem}" for k, p in FILES])
def test_the_command_line_answers_every_mutated_file_with_an_exit_code_and_json(
    kind: str, golden: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = _data(kind, golden)
    file = tmp_path_factory.mktemp(kind) / golden.name

    @settings(
        max_examples=CLI_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(data), st.sampled_from(COMMANDS[kind]))
    def check(raw: bytes, command: str) -> None:
        file.write_bytes(raw)
        out, err = io.StringIO(), io.StringIO()
        args = [command, str(file), "--json"]
        if command == "credit":
            args += ["--on", "2026-03-31"]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        assert code in (0, 1, 2)
        result = json.loads(out.getvalue())  # one JSON document: the result or the error
        if "error" in result:
            assert result["error"]["exit_code"] == code
            assert str(file) in result["error"]["message"]

    check()
