"""Golden receivables scenarios: each file's input, run, compared with its expected text."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

import pytest

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


def rewrite_expected(path: Path, actual: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("expected = '''")
    path.write_text(f"{head}expected = '''\n{actual}\n'''\n", encoding="utf-8")


def test_there_are_golden_receivables_scenarios() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_scenario_gives_its_expected_result(path: Path, update_goldens: bool) -> None:
    expected, actual = run_golden(path)
    if update_goldens:
        rewrite_expected(path, actual)
        return
    if expected != actual:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""
            )
        )
        pytest.fail(
            f"{path.name} differs from its expected result:\n{diff}\n\nIf the new result is "
            f"right, rerun: .venv/bin/pytest tests/scenarios/{Path(__file__).name} "
            "--update-goldens",
            pytrace=False,
        )
