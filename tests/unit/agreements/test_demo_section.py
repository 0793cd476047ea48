"""The demo's agreements section shows which terms apply to two sample clients and why."""

from __future__ import annotations

from salescore.adapters.memory import MemoryStore
from salescore.demo.report import run_demo


def test_the_demo_explains_the_terms_of_two_clients_and_approves_a_deviating_sale() -> None:
    report = run_demo(MemoryStore())
    section = report[report.index("== Agreements") :]
    assert "terms for partner 'VOLGA-KZN' on 2026-03-10" in section
    assert "terms for partner 'CAFE' on 2026-03-10" in section
    assert (
        "payment schedule = NET-30  (individual agreement 'IA-VOLGA-KZN' overrides "
        "PREPAY-50-NET-14 of typical agreement 'TA-WHOLESALE')"
    ) in section
    assert (
        "shipping warehouse = STORE-1  (filled in by individual agreement 'IA-CAFE'; "
        "typical agreement 'TA-HORECA' leaves it open)"
    ) in section
    assert "Volga Holding buying coffee beans gets TA-WHOLESALE-COFFEE" in section
    assert "approval: shipping warehouse is MAIN, the agreement says STORE-1" in section
    assert "Approval AP-DEMO-1: approved" in section
