"""The command line: exit codes 0/1/2, --version, JSON errors, credit, warnings, broken pipe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import salescore
from salescore.cli import main

GOLDENS = Path(__file__).parents[2] / "scenarios"
WHOLESALE = GOLDENS / "sales" / "wholesale_individual_agreement.toml"
OVERDUE = GOLDENS / "receivables" / "stopped_by_overdue_days.toml"
RULES = GOLDENS.parents[1] / "src" / "salescore" / "demo" / "sample_discounts.toml"

SALES = """
currency = "RUB"
[[products]]
id = "CM-100"
[[partners]]
id = "SHOP"
[[price_types]]
id = "BASE"
name = "Base"
[[prices]]
price_type = "BASE"
product = "CM-100"
price = "100.00"
from = 2026-01-01
[[agreements]]
id = "TA"
name = "Everyone"
valid_from = 2026-01-01
price_type = "BASE"
[[groups]]
id = "ROOT"
name = "Root"
children = ["FIVE"]
[[discounts]]
id = "FIVE"
name = "Five"
value = "5"
[[discounts]]
id = "ORPHAN"
name = "In no group"
value = "1"
[[orders]]
id = "SO-1"
client = "SHOP"
date = 2026-03-02
lines = [{ product = "CM-100", quantity = "3" }]
"""

# Debt now 9500.00 (one shipment), limit 10000.00, a new order of 1000.00:
# the verdict compares the debt after the order, 10500.00, with the limit.
CREDIT = """
currency = "RUB"
as_of = 2026-02-02
[[templates]]
id = "NET30"
name = "30 days after shipment"
stages = [{ kind = "credit", days = 30, event = "shipment" }]
[[orders]]
id = "SO-1"
partner = "CAFE"
template = "NET30"
date = 2026-02-01
shipment_date = 2026-02-01
total = "9500.00"
[[shipments]]
id = "SHIP-1"
order = "SO-1"
date = 2026-02-01
[[limits]]
id = "L-CAFE"
subject = "CAFE"
max_debt = "10000.00"
on_breach = "hold"
[[checks]]
id = "SO-2"
partner = "CAFE"
amount = "1000.00"
[[checks]]
id = "SO-3"
partner = "CAFE"
amount = "400.00"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "f.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- exit codes --------------------------------------------------------------------


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"salescore {salescore.__version__}"


def test_success_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["price", str(WHOLESALE)]) == 0
    assert capsys.readouterr().err == ""


def test_a_mistake_at_a_key_path_exits_1_with_file_and_path_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, SALES.replace('quantity = "3"', 'quantity = "1e29"'))
    assert main(["price", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"salescore: error: {path}: orders[0].lines[0].quantity: ")
    assert "below 10^18" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"currency = [[[", "not valid TOML"),
        (b'currency = "\xd0\xf3\xe1"', "not UTF-8"),
        (b"x = " + b"[" * 5000 + b"]" * 5000, "nested deeper than 64 levels"),
    ],
    ids=["not-toml", "cp1251", "deep"],
)
def test_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = write(tmp_path, content)
    for command in ("price", "schedule", "credit", "check"):
        assert main([command, str(path)]) == 2, command
        err = capsys.readouterr().err
        assert f"{path}: " in err
        assert expected in err


def test_a_missing_file_and_a_wrong_command_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["price", str(tmp_path / "nope.toml")]) == 2
    assert "No such file" in capsys.readouterr().err
    assert main(["price", str(WHOLESALE), "--no-such-option"]) == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
    assert main([]) == 2


def test_a_byte_order_mark_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + SALES.encode())
    assert main(["price", str(path)]) == 0
    assert "285.00" in capsys.readouterr().out  # 3 x 100.00 less 5 %


# --- JSON ------------------------------------------------------------------------


def test_with_json_an_error_is_one_json_document_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, SALES.replace('quantity = "3"', "quantity = 2.5"))
    assert main(["price", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    error = json.loads(captured.out)["error"]
    assert error["code"] == "scenario_error"
    assert error["file"] == str(path)
    assert error["path"] == "orders[0].lines[0].quantity"
    assert error["exit_code"] == 1
    assert "write it in quotes" in error["message"]


def test_with_json_unreadable_input_and_usage_errors_are_json_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", str(tmp_path / "nope.toml"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["exit_code"] == 2
    assert main(["check", "--json"]) == 2  # the file is missing from the command line
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "usage"
    assert "file" in error["message"]


def test_check_json_lists_the_issues_and_exits_1_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(RULES), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == 0
    rules = write(
        tmp_path,
        '[[groups]]\nid = "ROOT"\nname = "Root"\nchildren = ["A", "NOPE"]\n'
        '[[discounts]]\nid = "A"\nname = "A"\nvalue = 5\n',
    )
    assert main(["check", str(rules), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    assert [i["path"] for i in report["issues"]] == ["groups.ROOT.children[1]"]


# --- price warnings ------------------------------------------------------------------


def test_price_prints_the_warnings_check_gives_on_stderr_and_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, SALES)
    assert main(["price", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"{path}: warning: discounts.ORPHAN: ORPHAN never applies" in err
    assert main(["price", str(path), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [(w["code"], w["path"]) for w in warnings] == [("not_in_tree", "discounts.ORPHAN")]


# --- credit --------------------------------------------------------------------------


def test_credit_explains_the_debt_after_the_document_that_the_verdict_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, CREDIT)
    assert main(["credit", str(path)]) == 1  # SO-2 is held
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "credit check of SO-2 on 2026-02-02: hold",
        "  1. limit L-CAFE: debt after the document 10500.00 RUB > 10000.00 RUB = hold"
        "  (partner CAFE; debt now 9500.00 RUB + the document 1000.00 RUB)",
        "credit check of SO-3 on 2026-02-02: allow",
    ]


def test_credit_json_gives_the_figures_of_each_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, CREDIT)
    assert main(["credit", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    first, second = report["decisions"]
    assert (first["document"], first["verdict"], first["may_proceed"]) == ("SO-2", "hold", False)
    assert first["breaches"][0] | {"subject": None} == {
        "limit": "L-CAFE",
        "subject": None,
        "figure": "debt",
        "maximum": "10000.00 RUB",
        "now": "9500.00 RUB",
        "document": "1000.00 RUB",
        "after": "10500.00 RUB",
        "verdict": "hold",
    }
    assert (second["verdict"], second["breaches"]) == ("allow", [])
    assert report["stop_list"] == []


def test_credit_exits_0_when_every_document_may_proceed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["credit", str(OVERDUE), "--on", "2026-01-15"]) == 0
    assert "credit check of SO-13 on 2026-01-15: allow" in capsys.readouterr().out


def test_credit_without_a_date_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["credit", str(OVERDUE)]) == 2
    assert "give the date with --on DATE" in capsys.readouterr().err


# --- a closed pipe -------------------------------------------------------------------


def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly(tmp_path: Path) -> None:
    # Enough orders that the output cannot fit in the pipe's buffer.
    orders = "".join(
        f'[[orders]]\nid = "SO-{n}"\nclient = "SHOP"\ndate = 2026-03-02\n'
        'lines = [{ product = "CM-100", quantity = "3" }]\n'
        for n in range(2, 300)
    )
    path = write(tmp_path, SALES + orders)
    writer = subprocess.Popen(
        [sys.executable, "-m", "salescore", "price", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.buffer.read(10)"], stdin=writer.stdout
    )
    assert writer.stdout is not None
    assert writer.stderr is not None
    writer.stdout.close()  # only the reader holds the pipe now
    assert reader.wait(timeout=60) == 0
    err = writer.stderr.read().decode()
    writer.stderr.close()
    assert writer.wait(timeout=60) == 1
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert "warning: discounts.ORPHAN" in err  # warnings come first, on stderr
