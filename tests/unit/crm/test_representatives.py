"""Representatives' tasks: visits recorded once, orders taken, strike rate, refusals."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescore.crm import (
    TaskStatus,
    Visit,
    VisitPurpose,
    cancel_visits,
    plan_visits,
    record_visit,
    representative_performance,
)
from salescore.errors import CrmError

MON = date(2026, 3, 2)


def test_a_task_is_done_when_its_last_visit_is_recorded_and_keeps_the_orders_taken() -> None:
    task = plan_visits("T-1", "sidorov", MON, ["CAFE", "BAR", "BAKERY"])
    task = record_visit(task, "BAR", MON, " ordered coffee ", order_id="SO-2")
    task = record_visit(task, "CAFE", MON, "no order: closed for repairs")
    assert task.status is TaskStatus.PLANNED
    assert [v.partner_id for v in task.pending()] == ["BAKERY"]
    task = record_visit(task, "BAKERY", date(2026, 3, 3), "ordered tea", order_id="SO-3")
    assert task.status is TaskStatus.DONE
    assert task.order_ids() == ("SO-2", "SO-3")  # route order, not recording order
    assert task.visits[1].result == "ordered coffee"
    assert pickle.loads(pickle.dumps(task)) == task
    assert [r["order"] for r in task.to_records()] == [None, "SO-2", "SO-3"]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (lambda t: record_visit(t, "PUB", MON, "x"), "has no visit to 'PUB'"),
        (lambda t: record_visit(t, "CAFE", date(2026, 3, 1), "x"), "before it"),
        (lambda t: record_visit(t, "CAFE", MON, "  "), "needs a result"),
        (lambda t: record_visit(record_visit(t, "CAFE", MON, "ok"), "CAFE", MON, "again"),
         "already recorded"),
        (lambda t: cancel_visits(t, " "), "without a reason"),
        (lambda t: record_visit(cancel_visits(t, "ill"), "CAFE", MON, "x"), "is cancelled"),
    ],
)  # fmt: skip
def test_refused_visits_name_what_is_wrong(step: object, message: str) -> None:
    task = plan_visits("T-1", "sidorov", MON, ["CAFE", "BAR"])
    with pytest.raises(CrmError, match=message):
        step(task)  # type: ignore[operator]


def test_a_task_needs_clients_each_once() -> None:
    with pytest.raises(CrmError, match="no client to visit"):
        plan_visits("T-1", "sidorov", MON, [])
    with pytest.raises(CrmError, match="lists client 'CAFE' twice"):
        plan_visits("T-1", "sidorov", MON, ["CAFE", "BAR", "CAFE"])
    with pytest.raises(CrmError, match="cannot be done already"):
        plan_visits("T-1", "sidorov", MON, [Visit("CAFE", done_on=MON)])


def test_a_cancelled_task_keeps_its_recorded_visits() -> None:
    task = record_visit(plan_visits("T-1", "sidorov", MON, ["CAFE", "BAR"]), "CAFE", MON, "ok")
    cancelled = cancel_visits(task, " car broke down ")
    assert cancelled.status is TaskStatus.CANCELLED
    assert cancelled.comment == "car broke down"
    assert cancelled.visits[0].done_on == MON


def test_the_strike_rate_counts_orders_taken_at_order_visits_only() -> None:
    # sidorov: 3 order visits made, 2 took an order; a presentation visit also took one
    first = plan_visits("T-1", "sidorov", MON, ["A", "B", Visit("C", VisitPurpose.VISIT)])
    first = record_visit(first, "A", MON, "ordered", order_id="SO-1")
    first = record_visit(first, "B", MON, "no")
    first = record_visit(first, "C", MON, "ordered after all", order_id="SO-2")
    second = record_visit(
        plan_visits("T-2", "sidorov", MON, ["D", "E"]), "D", MON, "ok", order_id="SO-3"
    )
    third = plan_visits("T-3", "kozlov", date(2026, 4, 1), ["A"])
    rows = representative_performance([first, second, third]).rows
    assert [(r.representative, r.tasks, r.visits_planned, r.visits_made, r.order_visits,
             r.orders_taken, r.strike_rate) for r in rows] == [
        ("kozlov", 1, 1, 0, 0, 0, Decimal("0.0000")),
        ("sidorov", 2, 5, 4, 3, 3, Decimal("0.6667")),  # 2 of 3 order visits
    ]  # fmt: skip
    march = representative_performance([first, third], end=date(2026, 3, 31)).rows
    assert [r.representative for r in march] == ["sidorov"]


@given(st.lists(st.booleans(), min_size=1, max_size=12), st.data())
def test_the_task_is_done_exactly_when_every_visit_is_recorded(
    ordered: list[bool], data: st.DataObject
) -> None:
    clients = [f"P{n}" for n in range(len(ordered))]
    task = plan_visits("T", "rep", MON, clients)
    order = data.draw(st.permutations(clients))
    for n, client in enumerate(order):
        assert task.status is TaskStatus.PLANNED
        taken = f"SO-{client}" if ordered[clients.index(client)] else None
        task = record_visit(task, client, MON, "done", order_id=taken)
        assert len(task.pending()) == len(clients) - n - 1
    assert task.status is TaskStatus.DONE
    row = representative_performance([task]).rows[0]
    assert row.orders_taken == sum(ordered) == len(task.order_ids())
    assert row.strike_rate * len(clients) == pytest.approx(
        sum(ordered), abs=Decimal("0.001") * len(clients)
    )
