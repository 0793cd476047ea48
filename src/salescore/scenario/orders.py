"""Order scenario files: a company, proposals and orders, then dated events, replayed.

An order scenario describes in TOML the company (the sections of a sales
scenario: ``currency``, ``products``, ``partners``, ``price_types``,
``prices``, ``agreements`` and the discount tables, read by
:func:`salescore.scenario.sales.read_company`), its settlements (a
``[receivables]`` table holding a receivables scenario: calendars, payment
schedule templates, earlier debts, payments and credit limits, read by
:mod:`salescore.scenario.receivables`), the stock on hand (``[[stock]]``),
the commercial proposals (``[[quotes]]``) and sales orders (``[[orders]]``),
and then dated ``[[events]]``: revise, send, accept, approve, confirm, pay,
secure, reserve, ship, shipment, reprice, cancel and close, and the document
events of :mod:`salescore.scenario.shipments` (shipments, goods issues,
returns, receipt orders, exchanges, corrections, return requests, commission
trade). :func:`load_orders`
reads it; :meth:`OrderScenario.replay` runs every event through the
:mod:`salescore.app.orders` use cases on an in-memory store and returns each
step with the status, derived state and explanation of the documents it
touched. A refused event (a guard holds the transition back) is a step
marked refused with its guard and figures, and the replay goes on: a refused
step stores nothing. ``salescore orders FILE`` prints the same
(:func:`render_replay`, :func:`replay_json`). The format is described on the
"Scenario files" guide page.

>>> text = '''
... currency = "RUB"
... [[products]]
... id = "CM-100"
... [[partners]]
... id = "SHOP"
... [[price_types]]
... id = "RETAIL"
... name = "Retail"
... [[prices]]
... price_type = "RETAIL"
... product = "CM-100"
... price = "1220.00"
... from = 2026-01-01
... [[agreements]]
... id = "TA-ALL"
... valid_from = 2026-01-01
... price_type = "RETAIL"
... [[receivables.templates]]
... id = "PREPAID"
... stages = [{ kind = "prepayment", percent = "100" }]
... [[orders]]
... id = "first"
... client = "SHOP"
... counterparty = "SHOP-LLC"
... organization = "ORG"
... agreement = "TA-ALL"
... date = 2026-03-02
... template = "PREPAID"
... lines = [{ product = "CM-100", quantity = "2" }]
... [[events]]
... date = 2026-03-02
... action = "confirm"
... order = "first"
... '''
>>> replay = parse_orders(text, "shop.toml").replay()
>>> [(step.action, step.refused) for step in replay.steps]
[('create', None), ('confirm', None)]
>>> print(replay.steps[1].documents[0].headline)
order first (ORG-2026-000001): to pay, waiting for securing
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from salescore.adapters.memory import MemoryStore
from salescore.adapters.repositories import Repositories
from salescore.agreements import (
    AgreementId,
    ApprovalId,
    ApprovalPolicy,
    ApprovalRule,
    ContractId,
    Decision,
)
from salescore.app import orders as uc
from salescore.app.agreements import decide_approval
from salescore.discounts import ConditionRegistry
from salescore.errors import (
    OrderError,
    RuleViolationError,
    SalescoreError,
    ScenarioError,
    ShipmentError,
)
from salescore.explain import Explanation
from salescore.explain import Step as ExplainStep
from salescore.money import Currency, Money, Quantity
from salescore.orders import (
    DocumentHeader,
    DocumentLine,
    FrozenPrices,
    LineId,
    Order,
    OrderId,
    OrderStatus,
    Quote,
    QuoteId,
    Shipped,
    reserve_claims,
)
from salescore.parties import (
    CounterpartyId,
    OrganizationId,
    PartnerId,
    ProductId,
    WarehouseId,
)
from salescore.receivables import (
    Payment,
    PaymentScheduleTemplate,
    SettlementAccount,
    post_entries,
    record_payment,
)
from salescore.reservation import receive, ship
from salescore.scenario import receivables as _receivables
from salescore.scenario._toml import Node, at, read_scenario
from salescore.scenario.sales import Company, read_company
from salescore.scenario.shipments import (
    DOCUMENT_ACTIONS,
    DOCUMENT_EVENT_KEYS,
    DocumentReplayer,
)
from salescore.testing import FixedClock

__all__ = [
    "ACTIONS",
    "DocumentView",
    "OrderScenario",
    "Replay",
    "Step",
    "load_orders",
    "parse_orders",
    "render_replay",
    "replay_json",
]

_TOP_KEYS = (
    "description", "currency", "products", "partners", "price_types", "prices", "agreements",
    "discounts", "groups", "limits", "receivables", "stock", "quotes", "orders", "events",
    "golden",  # expected results of golden tests; the loader ignores them
)  # fmt: skip
_HEADER_KEYS = (
    "id", "client", "counterparty", "organization", "agreement", "currency", "warehouse",
    "contract", "date", "lines", "by",
)  # fmt: skip
ACTIONS = (
    "revise", "send", "accept", "approve", "confirm", "pay", "secure", "reserve", "ship",
    "shipment", "reprice", "cancel", "close", *DOCUMENT_ACTIONS,
)  # fmt: skip
"""The event actions an order scenario knows (the document events:
:mod:`salescore.scenario.shipments`)."""
_EVENT_KEYS: Mapping[str, tuple[str, ...]] = {
    "revise": ("quote", "id", "lines", "valid_until"),
    "send": ("quote",),
    "accept": ("quote", "order"),
    "approve": ("quote", "order", "approvers"),
    "confirm": ("order", "template"),
    "pay": ("order", "id", "amount", "partner", "counterparty", "organization", "contract"),
    "secure": ("order",),
    "reserve": ("order",),
    "ship": ("order",),
    "shipment": ("order", "id", "lines"),
    "reprice": ("order",),
    "cancel": ("order", "reason"),
    "close": ("order",),
    **DOCUMENT_EVENT_KEYS,
}


@attrs.frozen
class DocumentView:
    """A document after a step: what it is, its status and derived state, explained.

    Attributes:
        kind: ``quote`` or ``order``.
        name: the name the scenario file gives it.
        number: the stored id (an order's number in its organization's year).
        status: the document's status.
        state: an order's derived state on the step's date (empty for a quote).
        explanation: the quote's figures and history, or the order's state
            (each stage with its paid part, each line reserved and shipped).
    """

    kind: str
    name: str
    number: str
    status: str
    state: str
    explanation: Explanation

    @property
    def headline(self) -> str:
        """``order A (ORG-1-2026-000001): to pay, waiting for advance``."""
        number = f" ({self.number})" if self.number != self.name else ""
        state = f", {self.state}" if self.state and self.state != self.status else ""
        return f"{self.kind} {self.name}{number}: {self.status}{state}"


@attrs.frozen
class Step:
    """One event replayed: what was done, whether it was refused, the documents after it.

    Attributes:
        on: the event's date.
        action: the event's action (``create`` for a document of the file).
        subject: the document it acts on, as the file names it.
        path: the key path of the event in the file.
        refused: ``None``, or why the event was refused (nothing was stored).
        guard: the guard that refused it (``approval``, ``advance``, ``credit
            at shipment`` …), or ``status`` for a step the status does not allow.
        figures: the figures holding the transition back.
        notes: what the step reports besides the documents (price differences).
        documents: the documents the step touched, after it.
    """

    on: date
    action: str
    subject: str
    path: str
    refused: str | None = None
    guard: str | None = None
    figures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    documents: tuple[DocumentView, ...] = ()


@attrs.frozen
class Replay:
    """Every step of a replayed scenario and each document on the final date."""

    file: str
    description: str
    on: date | None
    steps: tuple[Step, ...]
    final: tuple[DocumentView, ...]

    @property
    def refused(self) -> bool:
        """True if any event was refused."""
        return any(step.refused is not None for step in self.steps)


@attrs.frozen
class _DocumentSpec:
    kind: str
    name: str
    node: Node
    on: date
    header: DocumentHeader
    lines: tuple[DocumentLine, ...]
    valid_until: date | None
    template: str | None
    by: str | None


@attrs.frozen
class _Event:
    on: date
    action: str
    node: Node


@attrs.frozen
class OrderScenario:
    """An order scenario file read into values, ready to replay."""

    file: str
    description: str
    company: Company = attrs.field(eq=False, repr=False)
    settlements: _receivables.ReceivablesScenario
    stock: tuple[tuple[ProductId, WarehouseId, Quantity, datetime], ...]
    documents: tuple[_DocumentSpec, ...] = attrs.field(eq=False, repr=False)
    events: tuple[_Event, ...] = attrs.field(eq=False, repr=False)

    def replay(self, until: date | None = None) -> Replay:
        """Run the documents and events dated up to ``until`` (all of them by default).

        Raises:
            ScenarioError: an event cannot be run (an unknown document, a
                product missing a price …), naming the file and its key path.
                A transition refused by a guard is not an error: it is a step
                with ``refused`` set.
        """
        return _Replayer(self).run(until)


def load_orders(path: str | Path, *, registry: ConditionRegistry | None = None) -> OrderScenario:
    """Read the order scenario file at ``path``.

    Raises:
        ScenarioError: the file cannot be read or is malformed; the message
            names the file, the key path and what was expected.
    """
    return _build(read_scenario(path), ConditionRegistry.installed(registry))


def parse_orders(
    text: str, file: str = "<scenario>", *, registry: ConditionRegistry | None = None
) -> OrderScenario:
    """Like :func:`load_orders`, from TOML ``text`` (``file`` names it in errors)."""
    return _build(Node.parse(text, file), ConditionRegistry.installed(registry))


# --- reading ----------------------------------------------------------------------


def _name(node: Node, key: str, known: Mapping[Any, Any], what: str) -> str:
    value = node.text(key)
    if value not in known:
        choices = ", ".join(sorted(known)) or "none defined"
        raise node.child(key).error(f"the name of one of the {what} ({choices})")
    return value


def _lines(node: Node, company: Company, currency: Currency) -> tuple[DocumentLine, ...]:
    lines = []
    for number, line in enumerate(node.array("lines", required=True), 1):
        line.check_keys("id", "product", "quantity", "price", "manual", "ship_on", "service")
        product = _name(line, "product", company.products, "products")
        manual = line.mapping("manual")
        for key, value in manual.items():
            if key not in company.manual_ids:
                known = ", ".join(sorted(company.manual_ids)) or "none in this file"
                raise value.error(f"the id of a manual discount ({known})")
        with at(line):
            lines.append(
                DocumentLine(
                    LineId(line.text("id", str(number))),
                    ProductId(product),
                    line.decimal("quantity"),
                    planned_shipment=line.day("ship_on") if line.has("ship_on") else None,
                    is_service=line.boolean("service", False),
                    manual_discounts={k: v.decimal() for k, v in manual.items()},
                    price=Money(line.decimal("price"), currency) if line.has("price") else None,
                )
            )
    if not lines:
        raise node.child("lines").error("at least one line")
    seen: set[str] = set()
    for number, made in enumerate(lines):
        if made.line_id in seen:
            raise node.array("lines")[number].error("a line id not used by another line", "id")
        seen.add(made.line_id)
    return tuple(lines)


def _document(
    kind: str, node: Node, company: Company, templates: Mapping[str, PaymentScheduleTemplate]
) -> _DocumentSpec:
    extra = ("valid_until",) if kind == "quote" else ("template",)
    node.check_keys(*_HEADER_KEYS, *extra)
    if node.has("currency"):
        code = node.text("currency")
        with at(node.child("currency")):
            currency = Currency.of(code)
    elif company.currency is not None:
        currency = company.currency
    else:
        raise node.error(
            'a currency code such as "RUB" (here or at the top of the file)', "currency"
        )
    with at(node):
        header = DocumentHeader(
            PartnerId(_name(node, "client", company.partners, "partners")),
            CounterpartyId(node.text("counterparty")),
            OrganizationId(node.text("organization")),
            AgreementId(_name(node, "agreement", company.agreements, "agreements")),
            currency,
            WarehouseId(node.text("warehouse")) if node.has("warehouse") else None,
            ContractId(node.text("contract")) if node.has("contract") else None,
        )
    template = None
    if node.has("template"):
        template = _name(node, "template", templates, "receivables.templates")
    valid_until = node.day("valid_until") if kind == "quote" else None
    return _DocumentSpec(
        kind,
        node.text("id"),
        node,
        node.day("date"),
        header,
        _lines(node, company, currency),
        valid_until,
        template,
        node.opt_str("by"),
    )


def _build(root: Node, registry: ConditionRegistry) -> OrderScenario:
    if root.has("templates") or root.has("calendars"):
        raise ScenarioError(
            f"{root.file}: this is a receivables scenario (it has templates or calendars at the "
            "top); read it with 'salescore schedule' or 'salescore aging', or put its tables "
            "under [receivables] in an order scenario",
            file=root.file,
            path="templates" if root.has("templates") else "calendars",
        )
    if not root.has("events"):
        raise ScenarioError(
            f"{root.file}: events: an order scenario lists its dated [[events]] (none here); "
            "a sales scenario without them is priced with 'salescore price'",
            file=root.file,
            path="events",
        )
    root.check_keys(*_TOP_KEYS)
    events = root.array("events", required=True)
    company = read_company(root, registry)
    part = root.child("receivables", {})
    if isinstance(part.value, Mapping) and "currency" not in part.value and company.currency:
        part = attrs.evolve(part, value={"currency": company.currency.code, **part.value})
    settlements = _receivables.read_receivables(part)
    templates = {t.id: t for t, _ in settlements.templates.values()}
    stock = []
    for node in root.array("stock"):
        node.check_keys("product", "warehouse", "quantity", "date")
        product = company.products[ProductId(_name(node, "product", company.products, "products"))]
        with at(node):
            quantity = Quantity(node.decimal("quantity"), product.unit)
            moment = datetime.combine(node.day("date"), time(), UTC)
            stock.append((product.id, WarehouseId(node.text("warehouse")), quantity, moment))
    documents: list[_DocumentSpec] = []
    names: set[str] = set()
    for kind, key in (("quote", "quotes"), ("order", "orders")):
        for node in root.array(key):
            spec = _document(kind, node, company, templates)
            if spec.name in names:
                raise node.error("a document name not used by another quote or order", "id")
            names.add(spec.name)
            documents.append(spec)
    timeline = []
    for node in events:
        action = node.child("action").one_of(ACTIONS)
        node.check_keys("date", "action", "by", *_EVENT_KEYS[action])
        timeline.append(_Event(node.day("date"), action, node))
    description = root.text("description") if root.has("description") else ""
    return OrderScenario(
        root.file, description, company, settlements, tuple(stock), tuple(documents),
        tuple(timeline),
    )  # fmt: skip


# --- replaying --------------------------------------------------------------------


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


class _Replayer:
    """Runs a scenario on a fresh in-memory store, one unit of work per step."""

    def __init__(self, scenario: OrderScenario) -> None:
        self.scenario = scenario
        self.file = scenario.file
        self.store = MemoryStore()
        self.pricer = scenario.company.pricer
        self.quotes: dict[str, QuoteId] = {}
        self.orders: dict[str, OrderId] = {}
        self.templates: dict[str, str | None] = {}
        self.shipped: list[Shipped] = []
        self.payments = 0
        self.documents = DocumentReplayer(
            self.orders,
            scenario.company.currency,
            lambda order_id: scenario.settlements.calendar_of(self.templates.get(order_id)),
        )

    # --- the store --------------------------------------------------------------------

    def _load_company(self) -> None:
        settlements = self.scenario.settlements
        with self.store.unit_of_work() as uow:
            for segment in self.scenario.company.nomenclature_segments:
                uow.nomenclature_segments.add(segment)
            for limit in settlements.limits:
                uow.credit_limits.add(limit)
            for template, _ in settlements.templates.values():  # shipments split debt by them
                uow.schedule_templates.add(template)
            post_entries(uow.settlements, settlements.entries)
            for payment in settlements.payments:
                record_payment(uow.settlements, payment)
            for product, warehouse, quantity, moment in self.scenario.stock:
                receive(uow.stock_ledger, product, warehouse, quantity, document="STOCK", at=moment)
            uow.commit()

    def run(self, until: date | None) -> Replay:
        self._load_company()
        timeline: list[tuple[date, int, int, Callable[[Repositories], Step]]] = []
        for n, spec in enumerate(self.scenario.documents):
            timeline.append((spec.on, 0, n, self._creator(spec)))
        for n, event in enumerate(self.scenario.events):
            timeline.append((event.on, 1, n, self._runner(event)))
        timeline.sort(key=lambda item: item[:3])
        steps = []
        last = None
        for day, _, _, run in timeline:
            if until is not None and day > until:
                break
            steps.append(self._step(run))
            last = day
        on = until or last
        final: tuple[DocumentView, ...] = ()
        if on is not None:
            with self.store.unit_of_work() as uow:
                final = tuple(
                    [self._quote_view(uow, name) for name in self.quotes]
                    + [self._order_view(uow, name, on) for name in self.orders]
                )
        return Replay(self.file, self.scenario.description, on, tuple(steps), final)

    def _step(self, run: Callable[[Repositories], Step]) -> Step:
        with self.store.unit_of_work() as uow:
            step = run(uow)
            if step.refused is None:
                uow.commit()
        return step

    def _located(self, node: Node, error: Exception) -> ScenarioError:
        where = node.path
        return ScenarioError(f"{self.file}: {where}: {error}", file=self.file, path=where)

    def _guarded(
        self, node: Node, on: date, action: str, subject: str, body: Callable[[], Step]
    ) -> Step:
        try:
            return body()
        except ScenarioError as exc:
            if "path" in exc.details:  # a mistake in the file, named at its key path
                raise
            raise self._located(node, exc) from exc
        except (OrderError, RuleViolationError, ShipmentError) as exc:
            # A guard, the document's status or what is left to ship or return holds
            # the step back: nothing is stored.
            guard = getattr(exc, "guard", None) or (
                "status" if isinstance(exc, OrderError) else exc.code
            )
            figures = tuple(getattr(exc, "figures", ()) or ())
            return Step(on, action, subject, node.path, str(exc), guard, figures)
        except SalescoreError as exc:
            raise self._located(node, exc) from exc
        except ArithmeticError as exc:
            raise self._located(
                node,
                ValueError(
                    f"the amounts are too large to compute exactly ({type(exc).__name__}); "
                    "check the quantities, prices and payments"
                ),
            ) from exc

    # --- views ------------------------------------------------------------------------

    def _quote_view(self, uow: Repositories, name: str) -> DocumentView:
        quote = uow.quotes.get(self.quotes[name])
        return DocumentView(
            "quote", name, quote.id, quote.status.value, "", _quote_explained(quote)
        )

    def _order_view(self, uow: Repositories, name: str, on: date) -> DocumentView:
        order_id = self.orders[name]
        order = uow.orders.get(order_id)
        day = max(on, order.on)
        shipped = [s for s in self.shipped if s.order_id == order_id]
        # hand-made shipments ('shipment' events), or the posted documents
        state = uc.order_state(uow, order_id, day, shipped or None)
        return DocumentView(
            "order",
            name,
            order.id,
            order.status.value.replace("_", " "),
            state.label,
            _order_explained(order, state.explain()),
        )

    # --- steps ------------------------------------------------------------------------

    def _creator(self, spec: _DocumentSpec) -> Callable[[Repositories], Step]:
        def create(uow: Repositories) -> Step:
            def body() -> Step:
                if spec.kind == "quote":
                    valid = spec.valid_until or spec.on
                    quote = uc.create_quote(
                        uow, self.pricer, QuoteId(spec.name), spec.header, spec.on, valid,
                        spec.lines, by=spec.by,
                    )  # fmt: skip
                    self.quotes[spec.name] = quote.id
                    view = self._quote_view(uow, spec.name)
                else:
                    order = uc.create_order(
                        uow, self.pricer, spec.header, spec.on, spec.lines, by=spec.by
                    )
                    self.orders[spec.name] = order.id
                    self.templates[order.id] = spec.template
                    view = self._order_view(uow, spec.name, spec.on)
                return Step(spec.on, "create", spec.name, spec.node.path, documents=(view,))

            return self._guarded(spec.node, spec.on, "create", spec.name, body)

        return create

    def _quote_of(self, node: Node) -> tuple[str, QuoteId]:
        name = _name(node, "quote", self.quotes, "quotes created so far")
        return name, self.quotes[name]

    def _order_of(self, node: Node) -> tuple[str, OrderId]:
        name = _name(node, "order", self.orders, "orders created so far")
        return name, self.orders[name]

    def _runner(self, event: _Event) -> Callable[[Repositories], Step]:
        def run(uow: Repositories) -> Step:
            node, on = event.node, event.on
            if event.action in DOCUMENT_ACTIONS:
                subject = node.text("id")
            else:
                subject = node.text("quote") if node.has("quote") else node.opt_str("order") or ""
            return self._guarded(
                node, on, event.action, subject, lambda: self._do(uow, event, subject)
            )

        return run

    def _do(self, uow: Repositories, event: _Event, subject: str) -> Step:
        node, on, action = event.node, event.on, event.action
        by = node.opt_str("by")
        views: list[DocumentView] = []
        notes: list[str] = []
        if action in DOCUMENT_ACTIONS:
            done = self.documents.run(uow, action, node, on)
            views.append(
                DocumentView(done.kind, done.number, done.number, done.status, "", done.explanation)
            )
            views += [self._order_view(uow, name, on) for name in done.orders]
            return Step(on, action, subject, node.path, notes=done.notes, documents=tuple(views))
        if action in ("revise", "send", "accept") or (action == "approve" and node.has("quote")):
            name, quote_id = self._quote_of(node)
            if action == "revise":
                new_name = node.text("id")
                if new_name in self.quotes or new_name in self.orders:
                    raise node.error("a document name not used by another quote or order", "id")
                quote = uow.quotes.get(quote_id)
                lines = (
                    _lines(node, self.scenario.company, quote.header.currency)
                    if node.has("lines")
                    else None
                )
                valid = node.day("valid_until") if node.has("valid_until") else None
                uc.revise_quote(
                    uow, self.pricer, quote_id, QuoteId(new_name), on, lines=lines,
                    valid_until=valid, by=by,
                )  # fmt: skip
                self.quotes[new_name] = QuoteId(new_name)
                views += [self._quote_view(uow, name), self._quote_view(uow, new_name)]
            elif action == "send":
                uc.send_quote(uow, quote_id, on, by=by)
                views.append(self._quote_view(uow, name))
            elif action == "accept":
                order_name = node.text("order")
                if order_name in self.quotes or order_name in self.orders:
                    raise node.error(
                        "a name for the new order not used by another quote or order", "order"
                    )
                _, order = uc.accept_quote(uow, quote_id, on, by=by)
                self.orders[order_name] = order.id
                self.templates[order.id] = None
                views += [self._quote_view(uow, name), self._order_view(uow, order_name, on)]
            else:
                approval = ApprovalId(f"AP-{quote_id}")
                uc.request_quote_approval(
                    uow, quote_id, approval, self._policy(node), FixedClock.on(on), by or "sales"
                )
                self._decide(uow, node, approval, on)
                uc.approve_quote(uow, quote_id)
                views.append(self._quote_view(uow, name))
            return Step(on, action, subject, node.path, documents=tuple(views))
        if action == "pay" and not node.has("order"):
            self._pay(uow, node, on, None)
            return Step(on, action, node.text("partner"), node.path)
        name, order_id = self._order_of(node)
        if action == "approve":
            approval = ApprovalId(f"AP-{order_id}")
            uc.request_order_approval(
                uow, order_id, approval, self._policy(node), FixedClock.on(on), by or "sales"
            )
            self._decide(uow, node, approval, on)
            uc.approve_order(uow, order_id)
        elif action == "confirm":
            template_name = (
                _name(node, "template", self._templates(), "receivables.templates")
                if node.has("template")
                else self.templates.get(order_id)
            )
            template = None if template_name is None else self._templates()[template_name]
            calendar = self.scenario.settlements.calendar_of(template_name)  # weekends only if None
            uc.confirm_order(uow, self.pricer, order_id, on, calendar, template=template, by=by)
        elif action == "pay":
            self._pay(uow, node, on, uow.orders.get(order_id))
        elif action == "secure":
            uc.secure_order(uow, order_id, on, by=by)
        elif action == "reserve":
            for report in uc.reserve_order(uow, order_id, _moment(on)):
                notes.append(f"reserved {', '.join(str(m.quantity) for m in report.moves)}")
        elif action == "ship":
            uc.ship_order(uow, order_id, on, by=by)
        elif action == "shipment":
            self._shipment(uow, node, on, uow.orders.get(order_id))
        elif action == "reprice":
            for diff in uc.reprice_order(uow, self.pricer, order_id, on, by=by):
                notes.append(
                    f"line {diff.line_id} ({diff.product_id}): unit price "
                    f"{diff.old_unit_price} -> {diff.new_unit_price}, net {diff.old_net} -> "
                    f"{diff.new_net}, VAT {diff.old_vat} -> {diff.new_vat}"
                )
            if not notes:
                notes.append("no price differences")
        elif action == "cancel":
            uc.cancel_order(uow, order_id, on, node.text("reason"), by=by)
        else:
            uc.close_order(uow, order_id, on, by=by)
        views.append(self._order_view(uow, name, on))
        return Step(on, action, subject, node.path, notes=tuple(notes), documents=tuple(views))

    def _templates(self) -> dict[str, PaymentScheduleTemplate]:
        return {t.id: t for t, _ in self.scenario.settlements.templates.values()}

    @staticmethod
    def _policy(node: Node) -> ApprovalPolicy:
        approvers = [n.text() for n in node.array("approvers")] or ["head of sales"]
        with at(node):
            return ApprovalPolicy((ApprovalRule("deviations", tuple(approvers)),))

    def _decide(self, uow: Repositories, node: Node, approval: ApprovalId, on: date) -> None:
        for approver in [n.text() for n in node.array("approvers")] or ["head of sales"]:
            decide_approval(uow, approval, approver, Decision.APPROVE, FixedClock.on(on))

    def _pay(self, uow: Repositories, node: Node, on: date, order: Order | None) -> None:
        self.payments += 1
        if order is not None:
            h = order.header
            account = SettlementAccount(
                h.partner_id, h.currency, h.counterparty_id, h.organization_id, h.contract_id
            )
        else:
            currency = self.scenario.company.currency
            if currency is None:
                raise node.error("a currency at the top of the file for a payment", "partner")
            account = SettlementAccount(
                node.text("partner"), currency, node.opt_str("counterparty"),
                node.opt_str("organization"), node.opt_str("contract"),
            )  # fmt: skip
        amount = node.decimal("amount")
        with at(node):
            payment = Payment(
                node.text("id", f"PAY-{self.payments}"),
                account,
                on,
                Money(amount, account.currency),
            )
        record_payment(uow.settlements, payment)

    def _shipment(self, uow: Repositories, node: Node, on: date, order: Order) -> None:
        if order.status is not OrderStatus.TO_SHIP:
            raise OrderError(
                f"order {order.id!r} is {order.status.value.replace('_', ' ')}: goods leave only "
                "for an order that is to ship (release it with a 'ship' event first)",
                order=order.id,
            )
        document = node.text("id", f"SHIP-{len(self.shipped) + 1}")
        wanted: dict[str, Decimal] = {}
        if node.has("lines"):
            for part in node.array("lines"):
                part.check_keys("line", "quantity")
                line_id = part.text("line")
                with at(part):
                    order.line(line_id)
                wanted[line_id] = part.decimal("quantity")
        else:
            done = {s.line_id: Decimal(0) for s in self.shipped}
            for s in self.shipped:
                if s.order_id == order.id:
                    done[s.line_id] = done.get(s.line_id, Decimal(0)) + s.quantity
            for line in order.lines:
                rest = line.quantity - done.get(line.line_id, Decimal(0))
                if rest > 0:
                    wanted[line.line_id] = rest
        claims = {c.line_id: c for c in reserve_claims(order)}
        for line_id, quantity in wanted.items():
            claim = claims.get(LineId(line_id))
            if claim is not None:
                ship(
                    uow.stock_ledger, claim, Quantity(quantity, claim.quantity.unit),
                    document=document, at=_moment(on),
                )  # fmt: skip
        self.shipped.extend(
            Shipped(order.id, LineId(k), q, on, document) for k, q in wanted.items()
        )


def _price_steps(prices: FrozenPrices | None) -> list[ExplainStep]:
    if prices is None:
        return []
    steps = [
        ExplainStep(
            f"line {x.line_id} {x.product_id}: {x.quantity} x {x.unit_price.amount}",
            str(x.net),
            f"VAT {x.vat_rate.code} % {'included' if x.vat_included else 'on top'} {x.vat}"
            + (f", discounts {x.discount} ({', '.join(x.rule_ids)})" if x.rule_ids else ""),
        )
        for x in prices.lines
    ]
    steps += [ExplainStep(f"deviation: {d.message}") for d in prices.deviations]
    steps.append(
        ExplainStep(
            "total with VAT",
            str(prices.with_vat),
            f"without VAT {prices.without_vat}, VAT {prices.vat}",
        )
    )
    return steps


def _quote_explained(quote: Quote) -> Explanation:
    of = f"of {quote.previous_id}, " if quote.previous_id else ""
    steps = [
        ExplainStep(
            "revision", str(quote.revision), f"{of}valid until {quote.valid_until.isoformat()}"
        )
    ]
    steps += _price_steps(quote.prices)
    if quote.approved:
        steps.append(ExplainStep("approved", str(quote.approval_id)))
    return Explanation(f"quote {quote.id} of {quote.on.isoformat()}", tuple(steps))


def _order_explained(order: Order, state: Explanation) -> Explanation:
    steps = _price_steps(order.prices) + list(state.steps)
    return Explanation(state.subject, tuple(steps))


# --- output -----------------------------------------------------------------------


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line if line else "" for line in text.splitlines()]


def render_replay(replay: Replay) -> str:
    """Each step: the event, refused or done, and the documents it touched; then the end."""
    out = []
    if replay.description:
        out.append(replay.description)
        out.append("")
    for step in replay.steps:
        head = f"{step.on.isoformat()} {step.action} {step.subject}"
        if step.refused is not None:
            out.append(f"{head}: REFUSED (guard: {step.guard})")
            out.extend(_indent(step.refused, "  "))
            out.extend(f"  - {figure}" for figure in step.figures)
            out.append("")
            continue
        out.append(head)
        out.extend(f"  {note}" for note in step.notes)
        for view in step.documents:
            out.append(f"  {view.headline}")
            out.extend(_indent(view.explanation.as_text(), "    "))
        out.append("")
    if replay.on is not None:
        out.append(f"== on {replay.on.isoformat()} ==")
        out.extend(view.headline for view in replay.final)
    return "\n".join(out).rstrip("\n")


def _view_json(view: DocumentView) -> dict[str, Any]:
    return {
        "kind": view.kind,
        "name": view.name,
        "number": view.number,
        "status": view.status,
        "state": view.state,
        "explanation": {
            "subject": view.explanation.subject,
            "steps": view.explanation.as_rows(),
        },
    }


def replay_json(replay: Replay) -> dict[str, Any]:
    """The replay as JSON-ready data; every amount is a string."""
    return {
        "file": replay.file,
        "on": None if replay.on is None else replay.on.isoformat(),
        "refused": replay.refused,
        "steps": [
            {
                "date": step.on.isoformat(),
                "action": step.action,
                "subject": step.subject,
                "path": step.path,
                "refused": step.refused,
                "guard": step.guard,
                "figures": list(step.figures),
                "notes": list(step.notes),
                "documents": [_view_json(v) for v in step.documents],
            }
            for step in replay.steps
        ],
        "documents": [_view_json(v) for v in replay.final],
    }
