"""The demo's CRM section: the quarter's funnel (hand-counted) and Volga Kazan's dossier."""

from __future__ import annotations

from salescore.adapters.memory import MemoryStore
from salescore.demo.report import run_demo


def test_the_demo_prints_the_quarters_funnel_and_a_partners_dossier() -> None:
    # Volga Kazan has two orders by then: the orders section's and the shipping section's.
    report = run_demo(MemoryStore())
    section = report[report.index("== CRM ==") : report.index("== Devices ==")]
    lines = [line.split() for line in section.splitlines()]
    # 10 closed deals: 7 got past qualification, 5 of them past proposal, 4 of those won
    assert ["qualification", "10", "70%", "6.45"] in lines  # (8 x 7 days + 3 x 5) / 11 visits
    assert ["proposal", "7", "71%", "6.14"] in lines  # (5 x 7 + 2 x 5) / 7
    assert ["negotiation", "5", "80%", "5.00"] in lines
    assert "won 4 of 10 closed: 40% overall; bottleneck: qualification" in section
    assert "no budget at qualification ×2" in section
    header = lines.index(["section", "id", "date", "status", "amount", "detail"])
    sections = [line[0] for line in lines[header + 2 :] if line]
    assert sections == [
        "partner", "counterparty", "contact", "agreement", "contract", "proposal", "order",
        "order", "debt", "deal", "interaction", "claim",
    ]  # fmt: skip
    assert "deal D-11 2026-02-23 open 150000.00 RUB proposal, ivanova" in " ".join(section.split())
