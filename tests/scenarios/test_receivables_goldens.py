"""Golden receivables scenarios: each file's input, run, compared with its expected text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.goldens import check_golden

from salescore.scenario.receivables import (
    load_receivables,
    render_allocations,
    render_credit,
    render_schedules,
)

HERE = Path(__file__).parent / "receivables"
FILES = sorted(HERE.glob("*.toml"))


def run_golden(path: Path) -> tuple[str, str]:
    """The file's expected text and the text the code produces now."""
    golden = tomllib.loads(path.read_text(encoding="utf-8"))["golden"]
    scenario = load_receivables(path)
    command = golden["command"]
    if command == "schedule":
        actual = render_schedules(scenario)
    elif command == "aging":
        actual = scenario.aging_report(golden["on"]).as_text()
    elif command == "allocation":
        actual = render_allocations(scenario, golden["on"])
    elif command == "credit":
        actual = render_credit(scenario, golden["on"])
    else:  # pragma: no cover - a typo in a golden file
        raise AssertionError(f"{path.name}: unknown golden command {command!r}")
    return str(golden["expected"]).strip("\n"), actual


def with_expected(path: Path, actual: str) -> str:
    """The file's text with ``actual`` as its expected result."""
    head, _, _ = path.read_text(encoding="utf-8").partition("expected = '''")
    return f"{head}expected = '''\n{actual}\n'''\n"


def test_there_are_golden_receivables_scenarios() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_scenario_gives_its_expected_result(path: Path, update_goldens: bool) -> None:
    _, actual = run_golden(path)
    check_golden(path, with_expected(path, actual), update=update_goldens, test_file=__file__)
