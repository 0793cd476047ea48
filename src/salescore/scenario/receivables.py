"""Receivables scenario files: calendars, schedule templates, orders, shipments, payments, limits.

A scenario file describes a company's settlements in TOML; the command line
(``salescore schedule FILE``, ``salescore aging FILE --on DATE``,
``salescore credit FILE``) and the golden tests read it with
:func:`load_receivables`. The format is documented
on the "Receivables" page of the docs. Amounts are strings (``"1000.00"``);
dates are TOML dates. Working days come from an explicit holiday list (so a
``holidays`` data upgrade cannot move a result) or, when a calendar names a
``country``, from :func:`~salescore.adapters.holidays_calendar.country_calendar`.

>>> text = '''
... currency = "RUB"
... [calendars.plain]
... holidays = [2026-01-01]
... [[templates]]
... id = "NET10"
... name = "10 working days after shipment"
... calendar = "plain"
... stages = [{kind = "credit", days = 10, day_count = "working", event = "shipment"}]
... [[orders]]
... id = "SO-1"
... partner = "P1"
... template = "NET10"
... date = 2025-12-22
... shipment_date = 2025-12-24
... total = "500.00"
... '''
>>> scenario = parse_receivables(text, "example.toml")
>>> print(render_schedules(scenario))
SO-1  partner P1  total 500.00 RUB  template NET10 (calendar plain)
  #  kind    percent  rule                                  due date    amount
  1  credit      100  due 10 working day(s) after shipment  2026-01-08  500.00
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from salescore.adapters.holidays_calendar import country_calendar
from salescore.dates import BusinessCalendar, RollConvention
from salescore.errors import ScenarioError
from salescore.money import Currency, Money
from salescore.receivables import (
    GROUP_FIELDS,
    AgingBucket,
    AgingPolicy,
    AgingReport,
    ControlPoint,
    CreditDecision,
    CreditLimit,
    DayCount,
    DueEvent,
    EntryKind,
    LimitScope,
    ManualAllocation,
    Measure,
    Payment,
    PaymentSchedule,
    PaymentScheduleTemplate,
    ProposedDocument,
    ScheduleStage,
    SettlementAccount,
    SettlementEntry,
    SettlementLedger,
    StageKind,
    Verdict,
    age_receivables,
    allocate_payments,
    check_credit,
    check_payment,
    schedule_entries,
    shipment_entries,
    stop_list,
)
from salescore.scenario._toml import Node, columns, read_scenario
from salescore.scenario._toml import at as _at

__all__ = [
    "ReceivablesScenario",
    "ScenarioOrder",
    "aging_json",
    "credit_json",
    "load_receivables",
    "parse_receivables",
    "read_receivables",
    "render_allocations",
    "render_credit",
    "render_schedules",
    "schedules_json",
]


@attrs.frozen
class ScenarioOrder:
    """An order of a scenario file: enough to plan and post its settlements."""

    id: str
    account: SettlementAccount
    template: PaymentScheduleTemplate
    calendar: BusinessCalendar
    order_date: date
    shipment_date: date | None
    total: Money
    manager: str | None = None
    closed: bool = False

    def schedule(self) -> PaymentSchedule:
        """The order's payment schedule."""
        return self.template.generate(
            self.total, self.order_date, self.shipment_date, self.calendar
        )


@attrs.frozen
class ReceivablesScenario:
    """Everything a receivables scenario file describes."""

    file: str
    orders: tuple[ScenarioOrder, ...]
    entries: tuple[SettlementEntry, ...]
    payments: tuple[Payment, ...]
    limits: tuple[CreditLimit, ...]
    checks: tuple[tuple[ProposedDocument, date | None], ...]
    aging: AgingPolicy
    group_by: tuple[str, ...]
    measure: Measure
    calendar: BusinessCalendar | None
    segments: dict[str, str]
    as_of: date | None
    templates: dict[str, tuple[PaymentScheduleTemplate, BusinessCalendar]] = attrs.field(
        factory=dict
    )
    """Each payment schedule template by id, with its calendar."""

    def calendar_of(self, template_id: str | None) -> BusinessCalendar:
        """The calendar of the template ``template_id`` (weekends only for none or unknown)."""
        if template_id is not None and template_id in self.templates:
            return self.templates[template_id][1]
        return BusinessCalendar("weekends only")

    @property
    def closed_orders(self) -> frozenset[str]:
        """Ids of the orders marked closed."""
        return frozenset(o.id for o in self.orders if o.closed)

    def ledger(self) -> SettlementLedger:
        """The settlement ledger with every payment allocated."""
        allocations = allocate_payments(self.entries, self.payments)
        return SettlementLedger(self.entries, self.payments, allocations)

    def credit_decisions(self, on: date) -> list[CreditDecision]:
        """The credit decision on each document of ``[[checks]]`` (on its own date, or ``on``)."""
        ledger = self.ledger()
        return [check_credit(ledger, self.limits, doc, when or on) for doc, when in self.checks]

    def aging_report(
        self, as_of: date, group_by: tuple[str, ...] | None = None, measure: Measure | None = None
    ) -> AgingReport:
        """The aging report on ``as_of`` with the file's settings (overridable)."""
        return age_receivables(
            self.ledger(),
            as_of,
            policy=self.aging,
            group_by=group_by or self.group_by,
            measure=measure or self.measure,
            calendar=self.calendar,
            segments=self.segments,
        )


def load_receivables(path: str | Path) -> ReceivablesScenario:
    """Read a receivables scenario file.

    Raises:
        ScenarioError: naming the file, the key path and what was expected.
    """
    return _build(read_scenario(path))


def parse_receivables(text: str, file: str = "<scenario>") -> ReceivablesScenario:
    """Read a receivables scenario from TOML ``text``."""
    return _build(Node.parse(text, file))


def read_receivables(node: Node) -> ReceivablesScenario:
    """Read the receivables scenario held in the table ``node`` (errors name its key paths).

    The order scenarios (:mod:`salescore.scenario.orders`) keep their
    settlements in a ``[receivables]`` table read by this function.
    """
    return _build(node)


# --- reading ------------------------------------------------------------------------


def _calendar(name: str, node: Node) -> BusinessCalendar:
    node.check_keys(
        "country", "holidays", "weekend", "extra_working_days", "extra_non_working_days"
    )
    holidays = frozenset(n.day() for n in node.array("holidays"))
    weekend = frozenset(n.integer() for n in node.child("weekend", [5, 6]).items())
    working = frozenset(n.day() for n in node.array("extra_working_days"))
    non_working = frozenset(n.day() for n in node.array("extra_non_working_days"))
    with _at(node):
        if node.has("country"):
            base = country_calendar(
                node.text("country"),
                extra_working_days=working,
                extra_non_working_days=non_working | holidays,
                weekend=weekend,
            )
            return attrs.evolve(base, name=name)
        return BusinessCalendar(name, weekend, holidays, working, non_working)


_MAX_DAYS = 36_600
"""A due date rule counts at most this many days (a hundred years)."""


_MAX_PARTS = 1_000
"""A stage is paid in at most this many equal parts."""


def _stage(node: Node) -> ScheduleStage:
    node.check_keys("kind", "percent", "days", "day_count", "event", "parts", "every_days")
    with _at(node):
        return ScheduleStage(
            node.choice(StageKind, "kind"),
            node.decimal("percent") if node.has("percent") else None,
            node.integer("days", 0, low=-_MAX_DAYS, high=_MAX_DAYS),
            node.choice(DayCount, "day_count", "calendar"),
            node.choice(DueEvent, "event", "order"),
            node.integer("parts", 1, low=1, high=_MAX_PARTS),
            node.integer("every_days", 0, low=0, high=_MAX_DAYS),
        )


def _template(node: Node) -> PaymentScheduleTemplate:
    node.check_keys("id", "name", "calendar", "roll", "stages")
    stages = tuple(_stage(n) for n in node.array("stages", required=True))
    with _at(node):
        return PaymentScheduleTemplate(
            node.text("id"),
            node.text("name", node.text("id")),
            stages,
            node.choice(RollConvention, "roll") if node.has("roll") else None,
            node.opt_str("calendar"),
        )


def _money(node: Node, key: str, currency: Currency) -> Money:
    amount = node.decimal(key)
    with _at(node.child(key)):
        return Money(amount, currency)


def _account(node: Node, currency: Currency) -> SettlementAccount:
    return SettlementAccount(
        node.text("partner"),
        currency,
        node.opt_str("counterparty"),
        node.opt_str("organization"),
        node.opt_str("contract"),
    )


def _currency(node: Node, key: str, default: Currency | None) -> Currency:
    if not node.has(key):
        if default is None:
            raise node.error('a currency code such as "RUB"', key)
        return default
    code = node.text(key)
    with _at(node.child(key)):
        return Currency.of(code)


_ORDER_KEYS = ("id", "partner", "counterparty", "organization", "contract", "manager")


def _build(root: Node) -> ReceivablesScenario:
    if root.has("products") or root.has("price_types"):
        raise ScenarioError(
            f"{root.file}: this is a sales scenario (it has products or price types); "
            "price it with 'salescore price' (salescore.scenario.load)",
            file=root.file,
        )
    root.check_keys(
        "currency", "as_of", "calendars", "templates", "orders", "shipments", "returns",
        "corrections", "payments", "aging", "segments", "limits", "checks",
        "golden",  # expected results of golden tests; the loader ignores them
    )  # fmt: skip
    default_cur = _currency(root, "currency", None) if root.has("currency") else None
    calendars = {name: _calendar(name, node) for name, node in root.mapping("calendars").items()}
    plain = BusinessCalendar("weekends only")

    def calendar_named(node: Node, key: str, fallback: BusinessCalendar) -> BusinessCalendar:
        if not node.has(key):
            return fallback
        name = node.text(key)
        if name not in calendars:
            raise node.error(f"one of the calendars {sorted(calendars)}", key)
        return calendars[name]

    templates: dict[str, PaymentScheduleTemplate] = {}
    template_calendars: dict[str, BusinessCalendar] = {}
    for node in root.array("templates"):
        template = _template(node)
        if template.id in templates:
            raise node.error("a template id not used before", "id")
        templates[template.id] = template
        template_calendars[template.id] = calendar_named(node, "calendar", plain)

    orders: list[ScenarioOrder] = []
    entries: list[SettlementEntry] = []
    by_id: dict[str, ScenarioOrder] = {}
    for node in root.array("orders"):
        node.check_keys(*_ORDER_KEYS, "currency", "template", "calendar", "date",
                        "shipment_date", "total", "closed")  # fmt: skip
        cur = _currency(node, "currency", default_cur)
        template_id = node.text("template")
        if template_id not in templates:
            raise node.error(f"one of the templates {sorted(templates)}", "template")
        order = ScenarioOrder(
            node.text("id"),
            _account(node, cur),
            templates[template_id],
            calendar_named(node, "calendar", template_calendars[template_id]),
            node.day("date"),
            node.day("shipment_date") if node.has("shipment_date") else None,
            _money(node, "total", cur),
            node.opt_str("manager"),
            node.boolean("closed", False),
        )
        if order.id in by_id:
            raise node.error("an order id not used before", "id")
        with _at(node):
            entries.extend(
                schedule_entries(
                    order.schedule(), order.account, order.id, order.order_date,
                    manager=order.manager,
                )
            )  # fmt: skip
        orders.append(order)
        by_id[order.id] = order

    def order_of(node: Node) -> ScenarioOrder:
        order_id = node.text("order")
        if order_id not in by_id:
            raise node.error(f"one of the orders {sorted(by_id)}", "order")
        return by_id[order_id]

    for node in root.array("shipments"):
        node.check_keys("id", "order", "date", "amount")
        order = order_of(node)
        amount = _money(node, "amount", order.total.currency) if node.has("amount") else order.total
        with _at(node):
            entries.extend(
                shipment_entries(
                    order.template, order.calendar, order.account,
                    order_id=order.id, order_date=order.order_date,
                    shipment_id=node.text("id"), shipped_on=node.day("date"),
                    amount=amount, manager=order.manager,
                )
            )  # fmt: skip
    for key, kind in (("returns", EntryKind.RETURN), ("corrections", EntryKind.CORRECTION)):
        for node in root.array(key):
            node.check_keys("id", "order", "date", "due_date", "amount")
            order = order_of(node)
            amount = _money(node, "amount", order.total.currency)
            posted = node.day("date")
            with _at(node):
                entries.append(
                    SettlementEntry(
                        node.text("id"), kind, order.account, order.id, node.text("id"), posted,
                        node.day("due_date") if node.has("due_date") else posted,
                        -amount if kind is EntryKind.RETURN else amount, order.manager,
                    )
                )  # fmt: skip
    payments = [
        _payment(node, default_cur, orders, entries, by_id) for node in root.array("payments")
    ]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            tables = {EntryKind.RETURN: "returns", EntryKind.CORRECTION: "corrections"}
            where = tables.get(entry.kind, "shipments")
            raise ScenarioError(
                f"{root.file}: {where}: the settlement entry id {entry.id!r} is used twice; "
                "give each shipment, return and correction its own id",
                file=root.file,
                path=where,
            )
        seen.add(entry.id)

    aging = root.child("aging", {})
    aging.check_keys("buckets", "day_count", "group_by", "measure", "calendar")
    policy = _aging_policy(aging)
    aging_calendar = calendar_named(aging, "calendar", plain) if aging.has("calendar") else None
    if policy.day_count is DayCount.WORKING and aging_calendar is None:
        raise aging.error("a calendar name: working-day aging needs a calendar", "calendar")
    paid = [p.id for p in payments]
    if len(set(paid)) != len(paid):
        number = next(n for n, p in enumerate(paid) if p in paid[:n])
        where = f"payments[{number}].id"
        raise ScenarioError(
            f"{root.file}: {where}: the payment id {paid[number]!r} is used twice; "
            "give each payment its own id",
            file=root.file,
            path=where,
        )
    limits = tuple(_limit(node, default_cur) for node in root.array("limits"))
    checks = tuple(_check(node, default_cur, by_id) for node in root.array("checks"))
    segments = {name: n.text() for name, n in root.mapping("segments").items()}
    return ReceivablesScenario(
        root.file,
        tuple(orders),
        tuple(entries),
        tuple(payments),
        limits,
        checks,
        policy,
        tuple(n.one_of(GROUP_FIELDS) for n in aging.child("group_by", ["partner"]).items()),
        aging.choice(Measure, "measure", "actual"),
        aging_calendar,
        segments,
        root.day("as_of") if root.has("as_of") else None,
        {t: (templates[t], template_calendars[t]) for t in templates},
    )  # fmt: skip


def _aging_policy(node: Node) -> AgingPolicy:
    day_count = node.choice(DayCount, "day_count", "calendar")
    if not node.has("buckets"):
        return AgingPolicy.default(day_count)
    items = node.array("buckets")
    with _at(node.child("buckets")):
        if all(isinstance(n.value, int) for n in items):
            return AgingPolicy.from_bounds([n.integer() for n in items], day_count)
        buckets = []
        for n in items:
            n.check_keys("label", "from", "to")
            buckets.append(
                AgingBucket(
                    n.text("label"),
                    n.integer("from") if n.has("from") else None,
                    n.integer("to") if n.has("to") else None,
                )
            )
        return AgingPolicy(tuple(buckets), day_count)


def _payment(
    node: Node,
    default_cur: Currency | None,
    orders: list[ScenarioOrder],
    entries: list[SettlementEntry],
    by_id: dict[str, ScenarioOrder],
) -> Payment:
    node.check_keys(*_ORDER_KEYS[:5], "date", "currency", "amount", "paid_currency", "rate",
                    "allocate")  # fmt: skip
    cur = _currency(node, "currency", default_cur)
    partner = node.text("partner")
    # Account fields left out are taken from the partner's orders when they all agree.
    theirs = {
        o.account for o in orders if o.account.partner_id == partner and o.account.currency == cur
    }
    fields: dict[str, Any] = {}
    for key in ("counterparty", "organization", "contract"):
        if node.has(key):
            fields[key] = node.text(key)
        else:
            values = {getattr(a, f"{key}_id") for a in theirs}
            fields[key] = values.pop() if len(values) == 1 else None
    account = SettlementAccount(partner, cur, fields["counterparty"], fields["organization"],
                                fields["contract"])  # fmt: skip
    paid_cur = _currency(node, "paid_currency", cur)
    manual = []
    for part in node.array("allocate"):
        part.check_keys("order", "amount")
        order_id = part.text("order")
        manual.append(ManualAllocation(order_id, _money(part, "amount", cur)))
    with _at(node):
        payment = Payment(
            node.text("id"),
            account,
            node.day("date"),
            _money(node, "amount", paid_cur),
            node.decimal("rate") if node.has("rate") else None,
            tuple(manual),
        )
        closed = frozenset(o for o, order in by_id.items() if order.closed)
        check_payment(payment, entries, closed)
    return payment


def _limit(node: Node, default_cur: Currency | None) -> CreditLimit:
    node.check_keys("id", "scope", "subject", "currency", "max_debt", "max_overdue_days",
                    "max_overdue_amount", "tolerance", "on_breach", "control_points",
                    "exempt_prepaid")  # fmt: skip
    cur = _currency(node, "currency", default_cur)

    def amount(key: str) -> Money | None:
        return _money(node, key, cur) if node.has(key) else None

    points = (
        frozenset(n.choice(ControlPoint) for n in node.array("control_points"))
        if node.has("control_points")
        else frozenset(ControlPoint)
    )
    with _at(node):
        return CreditLimit(
            node.text("id"),
            node.choice(LimitScope, "scope", "partner"),
            node.text("subject"),
            cur,
            amount("max_debt"),
            node.integer("max_overdue_days") if node.has("max_overdue_days") else None,
            amount("max_overdue_amount"),
            amount("tolerance"),
            node.choice(Verdict, "on_breach", "block"),
            points,
            node.boolean("exempt_prepaid", True),
        )


def _check(
    node: Node, default_cur: Currency | None, by_id: dict[str, ScenarioOrder]
) -> tuple[ProposedDocument, date | None]:
    node.check_keys("id", "control_point", "order", *_ORDER_KEYS[1:5], "currency", "amount",
                    "prepaid", "on")  # fmt: skip
    if node.has("order"):
        order_id = node.text("order")
        if order_id not in by_id:
            raise node.error(f"one of the orders {sorted(by_id)}", "order")
        account = by_id[order_id].account
    else:
        account = _account(node, _currency(node, "currency", default_cur))
    cur = account.currency
    with _at(node):
        document = ProposedDocument(
            node.text("id"),
            node.choice(ControlPoint, "control_point", "order"),
            account,
            _money(node, "amount", cur),
            _money(node, "prepaid", cur) if node.has("prepaid") else None,
        )
    return document, node.day("on") if node.has("on") else None


# --- reports --------------------------------------------------------------------------


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


def render_schedules(scenario: ReceivablesScenario) -> str:
    """Each order's payment schedule as text."""
    out = []
    for order in scenario.orders:
        schedule = order.schedule()
        out.append(
            f"{order.id}  partner {order.account.partner_id}  total {order.total}  "
            f"template {order.template.id} (calendar {order.calendar.name})"
        )
        rows = [
            [str(s.index + 1), s.kind.value, _percent(s.percent), s.rule, s.due_date.isoformat(),
             str(s.amount.amount)]
            for s in schedule.stages
        ]  # fmt: skip
        out.extend(
            columns(["#", "kind", "percent", "rule", "due date", "amount"], rows, {0, 2, 5}, "  ")
        )
    return "\n".join(out)


def schedules_json(scenario: ReceivablesScenario) -> dict[str, Any]:
    """Each order's payment schedule as JSON-ready data (amounts as strings)."""
    orders = []
    for order in scenario.orders:
        schedule = order.schedule()
        orders.append(
            {
                "order": order.id,
                "partner": order.account.partner_id,
                "total": str(order.total.amount),
                "currency": order.total.currency.code,
                "template": order.template.id,
                "calendar": order.calendar.name,
                "stages": [
                    {
                        "stage": s.index + 1,
                        "kind": s.kind.value,
                        "percent": _percent(s.percent),
                        "rule": s.rule,
                        "due_date": s.due_date.isoformat(),
                        "amount": str(s.amount.amount),
                    }
                    for s in schedule.stages
                ],
            }
        )
    return {"file": Path(scenario.file).name, "orders": orders}


def aging_json(report: AgingReport) -> dict[str, Any]:
    """An aging report as JSON-ready data (amounts as strings)."""
    return {
        "as_of": report.as_of.isoformat(),
        "measure": report.measure.value,
        "day_count": report.policy.day_count.value,
        "group_by": list(report.group_by),
        "buckets": list(report.policy.labels),
        "rows": report.rows(),
    }


def render_allocations(scenario: ReceivablesScenario, on: date) -> str:
    """How each payment was allocated (actual debt), and each order's balance on ``on``."""
    ledger = scenario.ledger()
    out = ["Allocations (actual debt):"]
    rows = [
        [a.source_id, a.entry_id, ledger.entry(a.entry_id).order_id, a.allocated_on.isoformat(),
         str(a.amount.amount), "by hand" if a.manual else "auto"]
        for a in ledger.allocations
        if a.measure is Measure.ACTUAL and a.allocated_on <= on
    ]  # fmt: skip
    out.extend(columns(["source", "entry", "order", "on", "amount", "how"], rows, {4}, "  "))
    out.append(f"Open items on {on.isoformat()}:")
    items = [
        [i.entry.order_id, i.entry.document_id, i.entry.due_date.isoformat(), str(i.open.amount)]
        for i in ledger.open_items(on)
    ]
    out.extend(columns(["order", "document", "due date", "open"], items, {3}, "  "))
    credits = [
        [c.source_id, c.account.partner_id, c.order_id or "(any order)", str(c.open.amount)]
        for c in ledger.open_credits(on)
    ]
    if credits:
        out.append("Unallocated credit:")
        out.extend(columns(["source", "partner", "for", "amount"], credits, {3}, "  "))
    return "\n".join(out)


def render_credit(scenario: ReceivablesScenario, on: date) -> str:
    """The credit checks of the file's documents and the stop list on ``on``."""
    out = [decision.explain().as_text() for decision in scenario.credit_decisions(on)]
    out.append(f"Stop list on {on.isoformat()}:")
    for entry in stop_list(scenario.ledger(), scenario.limits, on):
        reasons = "; ".join(str(b) for b in entry.breaches)
        out.append(f"  {entry.subject}: {entry.verdict.value} ({reasons})")
    return "\n".join(out)


def credit_json(scenario: ReceivablesScenario, on: date) -> dict[str, Any]:
    """The credit decisions and the stop list on ``on`` as JSON-ready data (amounts as strings)."""
    decisions = [
        {
            "document": d.document_id,
            "on": d.on.isoformat(),
            "verdict": d.verdict.value,
            "may_proceed": d.may_proceed,
            "breaches": [
                {
                    "limit": b.limit_id,
                    "subject": b.subject,
                    "figure": b.figure,
                    "maximum": b.limit,
                    "now": b.current,
                    "document": b.added,
                    "after": b.after,
                    "verdict": b.verdict.value,
                }
                for b in d.breaches
            ],
            "notes": list(d.notes),
            "explanation": d.explain().as_text(),
        }
        for d in scenario.credit_decisions(on)
    ]
    stopped = [
        {
            "subject": entry.subject,
            "limit": entry.limit_id,
            "verdict": entry.verdict.value,
            "reasons": [str(b) for b in entry.breaches],
        }
        for entry in stop_list(scenario.ledger(), scenario.limits, on)
    ]
    return {"file": Path(scenario.file).name, "on": on.isoformat(), "decisions": decisions,
            "stop_list": stopped}  # fmt: skip
