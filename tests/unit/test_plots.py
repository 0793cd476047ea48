"""salescore.plots: the figures show the results' figures (checked on the drawn data)."""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from matplotlib.dates import date2num

from salescore.dates import BusinessCalendar
from salescore.discounts.engine import DiscountEngine
from salescore.discounts.model import (
    Combination,
    ConditionExpr,
    Discount,
    DiscountGroup,
    DiscountId,
    DiscountRuleSet,
    GroupId,
)
from salescore.discounts.sale import SaleContext, SaleLine
from salescore.discounts.whatif import BreakTable, quantity_breaks
from salescore.errors import InvalidInputError, MissingExtraError
from salescore.money import Money, Quantity
from salescore.parties import Product, ProductId
from salescore.plots import aging_chart, payment_calendar, price_ladder
from salescore.receivables import (
    EntryKind,
    PaymentScheduleTemplate,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    age_receivables,
)

AS_OF = date(2026, 3, 2)


def debt(eid: str, partner: str, due: date, amount: str, currency: str = "RUB") -> SettlementEntry:
    account = SettlementAccount(partner, currency)
    return SettlementEntry(eid, EntryKind.SHIPMENT, account, eid, eid, date(2026, 1, 5), due,
                           Money(amount, currency))  # fmt: skip


LEDGER = SettlementLedger([
    debt("E1", "CAFE", date(2026, 3, 20), "1200.00"),  # not due
    debt("E2", "CAFE", date(2026, 2, 10), "800.50"),  # 20 days: 1-30
    debt("E3", "BAR", date(2026, 1, 10), "500.00"),  # 51 days: 31-60
    debt("E4", "BAR", date(2025, 11, 1), "99.99"),  # 121 days: 90+
    debt("E5", "HOTEL", date(2026, 2, 20), "10.00", "USD"),
])  # fmt: skip


def heights(container: object) -> list[float]:
    return [float(bar.get_height()) for bar in container]  # type: ignore[attr-defined]


def test_aging_bars_stack_each_groups_buckets_to_the_report_totals() -> None:
    report = age_receivables(LEDGER, AS_OF)
    axes = aging_chart(report, "RUB").axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["BAR", "CAFE"]
    by_bucket = {c.get_label(): heights(c) for c in axes.containers}
    expected = {
        "not due": [0.0, 1200.0],
        "1-30": [0.0, 800.5],
        "31-60": [500.0, 0.0],
        "61-90": [0.0, 0.0],
        "90+": [99.99, 0.0],
    }
    assert list(by_bucket) == list(expected)
    for label, bars in expected.items():
        assert by_bucket[label] == pytest.approx(bars)
    totals = report.totals()
    rub = next(cur for cur in totals if cur.code == "RUB")
    for label, bucket_total in zip(report.policy.labels, totals[rub], strict=True):
        assert sum(by_bucket[label]) == pytest.approx(float(bucket_total.amount))
    # Stacked: each bucket's bars start where the previous buckets end.
    bar_tops = [max(p.get_y() + p.get_height() for p in c) for c in axes.containers]
    assert bar_tops[-1] == pytest.approx(1200.0 + 800.5)
    assert axes.get_ylabel() == "open debt, RUB"


def test_aging_of_several_currencies_needs_one_chosen() -> None:
    report = age_receivables(LEDGER, AS_OF)
    with pytest.raises(InvalidInputError, match="RUB, USD: pass currency="):
        aging_chart(report)
    with pytest.raises(InvalidInputError, match="no amounts in EUR"):
        aging_chart(report, "EUR")
    axes = aging_chart(report, "USD").axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["HOTEL"]
    assert sum(sum(heights(c)) for c in axes.containers) == pytest.approx(10.0)


def _breaks() -> BreakTable:
    q10, q50 = DiscountId("Q10"), DiscountId("Q50")
    rules = DiscountRuleSet(
        [
            Discount(q10, "10+", value=5, condition=ConditionExpr.leaf("line_quantity", min=10)),
            Discount(q50, "50+", value=12, condition=ConditionExpr.leaf("line_quantity", min=50)),
        ],
        [DiscountGroup(GroupId("ROOT"), "Root", Combination.MAX, [q10, q50])],
    )
    line = SaleLine("1", Product(ProductId("GR-10"), "Grinder"), Quantity(1), Money(200, "RUB"))
    context = SaleContext(datetime(2026, 3, 2, 10, tzinfo=UTC))
    return quantity_breaks(DiscountEngine.compile(rules), line, context)


def test_the_price_ladder_steps_down_at_each_tier() -> None:
    axes = price_ladder(_breaks()).axes[0]
    ladder = axes.lines[0]
    # 200.00 from 1, 190.00 from 10 (5 %), 176.00 from 50 (12 %), on to 62.5.
    assert list(ladder.get_xdata()) == [1.0, 10.0, 50.0, 62.5]  # type: ignore[arg-type]
    assert list(ladder.get_ydata()) == [200.0, 190.0, 176.0, 176.0]  # type: ignore[arg-type]
    assert ladder.get_drawstyle() == "steps-post"
    assert [t.get_text() for t in axes.texts] == ["200.00", "190.00 (Q10)", "176.00 (Q10, Q50)"]
    assert axes.get_title() == "price ladder of GR-10"


def test_an_empty_break_table_is_refused_with_what_to_do() -> None:
    with pytest.raises(InvalidInputError, match="has no tiers to plot"):
        price_ladder(BreakTable("GR-10", ()))


def test_the_payment_calendar_stacks_what_falls_due_each_day() -> None:
    template = PaymentScheduleTemplate("ADV30", "30/70", (
        ScheduleStage(StageKind.ADVANCE, percent=Decimal(30)),
        ScheduleStage(StageKind.CREDIT, days=10),
    ))  # fmt: skip
    calendar = BusinessCalendar("plain")
    first = template.generate(Money("1000.00", "RUB"), date(2026, 3, 2), None, calendar)
    second = template.generate(Money("500.01", "RUB"), date(2026, 3, 12), None, calendar)
    axes = payment_calendar([first, second]).axes[0]
    advance, credit = axes.containers
    assert advance.get_label() == "advance"
    # 03-02: 300.00 advance; 03-12: 700.00 credit of the first and 150.00 advance of the
    # second; 03-22: 350.01 credit of the second.
    assert heights(advance) == pytest.approx([300.0, 150.0, 0.0])
    assert heights(credit) == pytest.approx([0.0, 700.0, 350.01])
    days = [date(2026, 3, 2), date(2026, 3, 12), date(2026, 3, 22)]
    centres = [p.get_x() + p.get_width() / 2 for p in credit]
    assert centres == pytest.approx([date2num(d) for d in days])  # type: ignore[no-untyped-call]
    assert [p.get_y() for p in credit] == pytest.approx([300.0, 150.0, 0.0])


def test_a_figure_renders_to_png_without_a_display() -> None:
    buffer = io.BytesIO()
    aging_chart(age_receivables(LEDGER, AS_OF), "RUB").savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'salescore\[plot\]'") as info:
        price_ladder(_breaks())
    assert info.value.code == "missing_extra"
    assert isinstance(info.value, ImportError)
