"""The demo's retail section: the golden shift of the sample shop, figures by hand."""

from __future__ import annotations

import pytest

from salescore.adapters.memory import MemoryStore
from salescore.demo.report import run_demo

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_the_demo_runs_one_shift_that_balances_with_the_register() -> None:
    report = run_demo(MemoryStore())
    section = report[report.index("== Retail ==") :]
    assert "total 248.38 (5.00 off as 1.80, 3.20), cash 300.00, change 51.62" in section
    assert "tea 224.10 by card (TEA-WEEK)" in section  # 249.00 less 10 %
    assert "one bread, 44.60 in cash" in section
    lines = [line.split() for line in section.splitlines()]
    assert ["BREAD", "2", "1", "44.60"] in lines
    assert ["CHEESE", "1.250", "0", "159.18"] in lines
    # VAT 22 %: bread 16.09 − 8.04 + tea 224.10 × 22/122 = 40.41 → 48.46
    assert ["22", "268.70", "48.46"] in lines
    assert (
        "receipts: cash 203.78, card 224.10, revenue 427.88; register: sales 472.48, "
        "returns 44.60, cash 203.78, card 224.10; balanced"
    ) in section
    assert "bread at the store: 99; takings handed over: 203.78" in section
