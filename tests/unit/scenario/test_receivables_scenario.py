"""Receivables scenario files and the ``schedule`` / ``aging`` commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from salescore.cli import main
from salescore.errors import ScenarioError
from salescore.scenario.receivables import parse_receivables

GOLDENS = Path(__file__).parents[2] / "scenarios" / "receivables"

BASE = """
currency = "RUB"
[[templates]]
id = "NET10"
stages = [{ kind = "credit", days = 10, event = "shipment" }]
[[orders]]
id = "SO-1"
partner = "CAFE"
template = "NET10"
date = 2026-03-02
shipment_date = 2026-03-03
total = "100.00"
"""


def test_schedule_command_prints_each_orders_stages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", str(GOLDENS / "advance_and_credit_over_new_year.toml")]) == 0
    out = capsys.readouterr().out
    assert "SO-0412  partner VOLGA-KZN  total 100000.01 RUB" in out
    assert "2026-01-26  70000.01" in out


def test_schedule_json_gives_amounts_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schedule", str(GOLDENS / "advance_and_credit_over_new_year.toml"), "--json"])
    data = json.loads(capsys.readouterr().out)
    stage = data["orders"][0]["stages"][1]
    assert stage == {"stage": 2, "kind": "credit", "percent": "70",
                     "rule": "due 14 working day(s) after shipment", "due_date": "2026-01-26",
                     "amount": "70000.01"}  # fmt: skip


def test_aging_command_reports_on_the_given_date(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(GOLDENS / "aging_on_fixed_date.toml")
    assert main(["aging", path, "--on", "2026-03-31", "--by", "partner", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["buckets"] == ["not due", "1-30", "31-60", "61-90", "90+"]
    assert {r["partner"]: r["total"] for r in data["rows"]} == {
        "CAFE": "6500.00", "CHAIN": "64000.00", "VOLGA-KZN": "115000.50"
    }  # fmt: skip
    main(["aging", path, "--on", "2026-04-10", "--by", "partner", "--json"])
    later = json.loads(capsys.readouterr().out)
    assert {r["partner"]: r["total"] for r in later["rows"]}["VOLGA-KZN"] == "15000.50"


def test_aging_command_uses_the_files_as_of_date_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["aging", str(GOLDENS / "aging_on_fixed_date.toml")]) == 0
    assert "on 2026-03-31" in capsys.readouterr().out


def test_a_bad_file_is_reported_with_its_path_and_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE.replace('total = "100.00"', "total = 100.5"), encoding="utf-8")
    assert main(["schedule", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml: orders[0].total: expected a decimal amount" in err
    assert "(a float: write it in quotes)" in err


def test_percents_over_100_name_the_template() -> None:
    text = BASE.replace(
        'stages = [{ kind = "credit", days = 10, event = "shipment" }]',
        'stages = [{ kind = "advance", percent = "60" }, { kind = "credit", percent = "50" }]',
    )
    with pytest.raises(
        ScenarioError, match=r"f.toml: templates\[0\]: .* sum to 110, more than 100"
    ):
        parse_receivables(text, "f.toml")


def test_a_payment_in_another_currency_without_a_rate_names_the_payment() -> None:
    text = (
        BASE
        + """
[[payments]]
id = "PAY-1"
partner = "CAFE"
date = 2026-03-05
amount = "10.00"
paid_currency = "USD"
"""
    )
    with pytest.raises(ScenarioError, match=r"payments\[0\]: payment 'PAY-1' is in USD .* no rate"):
        parse_receivables(text, "f.toml")


def test_a_hand_allocation_to_a_closed_order_is_refused() -> None:
    text = (
        BASE.replace('total = "100.00"', 'total = "100.00"\nclosed = true')
        + """
[[payments]]
id = "PAY-1"
partner = "CAFE"
date = 2026-03-05
amount = "10.00"
allocate = [{ order = "SO-1", amount = "10.00" }]
"""
    )
    with pytest.raises(ScenarioError, match=r"payments\[0\]: .*'SO-1' is closed"):
        parse_receivables(text, "f.toml")


def test_an_unknown_key_is_reported_with_the_allowed_ones() -> None:
    with pytest.raises(ScenarioError, match=r"orders\[0\].ammount: unknown key"):
        parse_receivables(BASE + 'ammount = "1"\n', "f.toml")


def test_an_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match=r"orders\[0\].template: expected one of the templates"):
        parse_receivables(BASE.replace('template = "NET10"', 'template = "NET99"'), "f.toml")


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    assert main(["schedule", str(tmp_path / "nope.toml")]) == 2


def test_working_day_aging_without_a_calendar_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"aging.calendar: expected a calendar name"):
        parse_receivables(BASE + '[aging]\nday_count = "working"\n', "f.toml")


def test_working_day_aging_counts_the_named_calendars_working_days() -> None:
    text = BASE.replace('currency = "RUB"', 'currency = "RUB"\n[calendars.c]\nholidays = []') + (
        '[[shipments]]\nid = "S"\norder = "SO-1"\ndate = 2026-03-03\n'
        '[aging]\nday_count = "working"\ncalendar = "c"\nbuckets = [5]\n'
    )
    report = parse_receivables(text, "f.toml").aging_report(date(2026, 3, 20))
    # Due 2026-03-13 (Friday); by Friday 2026-03-20 that is 5 working days overdue.
    assert report.rows()[0]["1-5"] == "100.00"


THIRDS = BASE.replace(
    'stages = [{ kind = "credit", days = 10, event = "shipment" }]',
    'stages = [{ kind = "credit", days = 10, event = "shipment", parts = 3, every_days = 30 }]',
)


def test_a_stage_in_equal_parts_is_written_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """100.00 in three parts 30 days apart from shipment + 10 days: the odd kopeck goes to
    the first part; due 2026-03-13, 03-13 + 30 = 04-12 and 04-12 + 30 = 05-12."""
    path = tmp_path / "thirds.toml"
    path.write_text(THIRDS, encoding="utf-8")
    assert main(["schedule", str(path), "--json"]) == 0
    stages = json.loads(capsys.readouterr().out)["orders"][0]["stages"]
    assert [(s["due_date"], s["amount"]) for s in stages] == [
        ("2026-03-13", "33.34"),
        ("2026-04-12", "33.33"),
        ("2026-05-12", "33.33"),
    ]
    assert stages[-1]["rule"] == "due 70 calendar day(s) after shipment, part 3 of 3"


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("parts = 0", r"parts: expected an integer from 1 to 1000"),
        ("parts = 2, every_days = -1", r"every_days: expected an integer from 0 to 36600"),
    ],
)
def test_parts_out_of_range_name_the_key(stage: str, message: str) -> None:
    text = BASE.replace('event = "shipment" }', f'event = "shipment", {stage} }}')
    with pytest.raises(ScenarioError, match=rf"f.toml: templates\[0\].stages\[0\].{message}"):
        parse_receivables(text, "f.toml")
