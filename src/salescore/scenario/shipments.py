"""The document events of an order scenario: shipments, goods issues, returns, receipt
orders, exchanges, corrections, return requests and commission trade.

Each event posts one document through :mod:`salescore.app.shipments` on the
replay's store, then reports the document explained, the client's debt and the
free stock it moved, and the goods-issue discrepancies of the orders it touched
(the order scenario adds the orders' derived states). A refused document (more
than is left to ship, a return above what was shipped, a refused correction) is
a refused step, and nothing is stored.

Event keys (``order`` names an order of the file, ``shipment``, ``return``,
``transfer`` and ``request`` the numbers given by earlier events):

* ``post_shipment``: ``id``, ``lines = [{ order, line, quantity, warehouse }]``,
  ``by_goods_issue`` (an order-based warehouse: stock leaves with the issues);
* ``post_goods_issue``: ``id``, ``warehouse``, ``lines = [{ order, line, quantity }]``;
* ``post_return``: ``id``, ``lines = [{ shipment, product, quantity }]``,
  ``request``, ``reason``;
* ``post_receipt``: ``id``, ``warehouse``, ``lines = [{ return, line, quantity }]``;
* ``post_exchange``: ``id`` (the return), ``shipment`` (the replacement's number),
  ``lines`` as a return's, ``request``;
* ``post_correction`` / ``draw_up_correction``: ``id``, ``shipment``, ``kind``
  (``error_fix``, ``agreement``, ``over_delivery``, ``under_delivery``),
  ``settlement``, ``lines = [{ line, quantity, price }]``, ``reason``;
  ``agree_correction``, ``post_agreed_correction``: ``id``;
  ``reject_correction``: ``id``, ``reason``;
* ``return_request``: ``id``, ``client``, ``counterparty``, ``shipment`` or
  ``transfer``, ``items = [{ product, quantity }]``, ``exchange``, ``sold``;
  ``agree_request``: ``id``; ``reject_request``: ``id``, ``reason``;
* ``transfer_to_agent``: ``id``, ``agent``, ``counterparty``, ``organization``,
  ``lines = [{ product, warehouse, quantity, price }]`` (VAT at the transfer
  date's general rate);
* ``agent_report``: ``id``, ``lines = [{ transfer, line, quantity }]``,
  ``fee_percent`` or ``fee``; ``agent_return``: ``id``, ``lines`` as a report's,
  ``sold``, ``request``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time

import attrs

from salescore.adapters.repositories import Repositories
from salescore.app import shipments as sc
from salescore.dates import BusinessCalendar
from salescore.explain import Explanation, Step
from salescore.money import Currency, Money, Quantity
from salescore.orders import LineId, OrderId
from salescore.parties import CounterpartyId, PartnerId, ProductId, WarehouseId
from salescore.receivables import SettlementAccount, load_ledger
from salescore.reservation import Bucket
from salescore.scenario._toml import Node, at
from salescore.shipments import (
    AgentReturn,
    CommissionLine,
    CommissionTransfer,
    CorrectionId,
    CorrectionKind,
    CorrectionStatus,
    CustomerReturn,
    IssueId,
    LineChange,
    ReceiptId,
    ReturnId,
    ReturnRequest,
    Settlement,
    ShipmentCorrection,
    ShipmentId,
    ShipRequest,
    TransferId,
    agent_stock,
)
from salescore.tax import VatCategory, russian_vat_rates

__all__ = ["DOCUMENT_ACTIONS", "DOCUMENT_EVENT_KEYS", "DocumentOutcome", "DocumentReplayer"]

DOCUMENT_EVENT_KEYS: Mapping[str, tuple[str, ...]] = {
    "post_shipment": ("id", "lines", "by_goods_issue"),
    "post_goods_issue": ("id", "warehouse", "lines"),
    "post_return": ("id", "lines", "request", "reason"),
    "post_receipt": ("id", "warehouse", "lines"),
    "post_exchange": ("id", "shipment", "lines", "request"),
    "post_correction": ("id", "shipment", "kind", "settlement", "lines", "reason"),
    "draw_up_correction": ("id", "shipment", "kind", "settlement", "lines", "reason"),
    "agree_correction": ("id",),
    "post_agreed_correction": ("id",),
    "reject_correction": ("id", "reason"),
    "return_request": (
        "id", "client", "counterparty", "shipment", "transfer", "items", "exchange", "sold",
    ),
    "agree_request": ("id",),
    "reject_request": ("id", "reason"),
    "transfer_to_agent": ("id", "agent", "counterparty", "organization", "lines"),
    "agent_report": ("id", "lines", "fee_percent", "fee"),
    "agent_return": ("id", "lines", "sold", "request"),
}  # fmt: skip
"""The keys each document event takes (besides ``date``, ``action`` and ``by``)."""
DOCUMENT_ACTIONS = tuple(DOCUMENT_EVENT_KEYS)
"""The document events an order scenario knows."""


@attrs.frozen
class DocumentOutcome:
    """What a document event did: the document explained, the notes (debt, stock,
    discrepancies) and the orders it touched (by their names in the file)."""

    kind: str
    number: str
    status: str
    explanation: Explanation
    notes: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


class DocumentReplayer:
    """Posts the document events of one replay (one instance per replay)."""

    def __init__(
        self,
        orders: Mapping[str, OrderId],
        currency: Currency | None,
        calendar_of: Callable[[OrderId], BusinessCalendar],
    ) -> None:
        self._orders = orders
        self._currency = currency
        self._calendar_of = calendar_of
        self._touched: list[tuple[ProductId, WarehouseId]] = []
        self._partner: str = ""

    def _order(self, node: Node) -> OrderId:
        name = node.text("order")
        if name not in self._orders:
            raise node.error(f"an order of the file ({', '.join(self._orders) or 'none'})", "order")
        return self._orders[name]

    def _name_of(self, order_id: str) -> str:
        return next((k for k, v in self._orders.items() if v == order_id), order_id)

    def run(self, uow: Repositories, action: str, node: Node, on: date) -> DocumentOutcome:
        """Post the event's document (raises as the use case does)."""
        self._touched = []
        self._partner = ""
        outcome = getattr(self, f"_{action}")(uow, node, on)
        assert isinstance(outcome, DocumentOutcome)
        return attrs.evolve(outcome, notes=outcome.notes + tuple(self._notes(uow, on, outcome)))

    def _notes(self, uow: Repositories, on: date, outcome: DocumentOutcome) -> list[str]:
        notes = []
        if self._partner:
            debt = load_ledger(uow.settlements, partner_id=self._partner)
            if debt.entries or debt.payments:
                notes.append(f"{self._partner} owes {debt.balance(on)}")
        for product, warehouse in dict.fromkeys(self._touched):
            unit = uow.stock_ledger.unit_of(product) or Quantity(1).unit
            free = uow.stock_ledger.balance(product, warehouse, Bucket.free(), unit).value
            notes.append(f"stock {product} at {warehouse}: {free:f} free")
        ids = [self._orders[name] for name in outcome.orders]
        for gap in sc.discrepancies(uow, ids):
            parts = [
                f"{label} {value:f}"
                for label, value in (
                    ("to issue", gap.to_issue),
                    ("to receive", gap.to_receive),
                    ("to invoice", gap.to_invoice),
                )
                if value
            ]
            notes.append(
                f"order {self._name_of(gap.order_id)} line {gap.line_id}: {', '.join(parts)}"
            )
        return notes

    def _done(
        self,
        kind: str,
        number: str,
        explanation: Explanation,
        orders: Sequence[str],
        status: str = "",
    ) -> DocumentOutcome:
        names = tuple(dict.fromkeys(self._name_of(o) for o in orders))
        return DocumentOutcome(kind, number, status or "posted", explanation, (), names)

    # --- shipments and goods issues ---------------------------------------------------

    def _requests(self, node: Node, *, warehouse: bool = True) -> list[ShipRequest]:
        found = []
        for part in node.array("lines", required=True):
            if warehouse:
                part.check_keys("order", "line", "quantity", "warehouse")
            else:  # a goods issue names its warehouse once
                part.check_keys("order", "line", "quantity")
            with at(part):
                found.append(
                    ShipRequest(
                        self._order(part),
                        LineId(part.text("line", "1")),
                        part.decimal("quantity"),
                        WarehouseId(part.text("warehouse")) if part.has("warehouse") else None,
                    )
                )
        return found

    def _post_shipment(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        requests = self._requests(node)
        first = uow.orders.get(requests[0].order_id)
        shipment = sc.post_shipment(
            uow,
            ShipmentId(node.text("id")),
            first.header.partner_id,
            first.header.counterparty_id,
            on,
            requests,
            self._calendar_of(first.id),
            at=_moment(on),
            by_goods_issue=node.boolean("by_goods_issue", False),
        )
        self._partner = shipment.partner_id
        self._touched += [
            (x.product_id, x.warehouse_id)
            for x in shipment.lines
            if x.warehouse_id is not None and not shipment.by_goods_issue
        ]
        return self._done("shipment", shipment.id, shipment.explain(), list(shipment.order_ids))

    def _post_goods_issue(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        issue = sc.post_goods_issue(
            uow,
            IssueId(node.text("id")),
            WarehouseId(node.text("warehouse")),
            on,
            self._requests(node, warehouse=False),
            at=_moment(on),
        )
        self._touched += [(x.product_id, issue.warehouse_id) for x in issue.lines]
        return self._done("goods issue", issue.id, issue.explain(), list(issue.order_ids))

    # --- returns ----------------------------------------------------------------------

    def _items(self, node: Node) -> list[sc.ReturnItem]:
        found = []
        for part in node.array("lines", required=True):
            part.check_keys("shipment", "product", "quantity")
            with at(part):
                found.append(
                    sc.ReturnItem(
                        ShipmentId(part.text("shipment")),
                        ProductId(part.text("product")),
                        part.decimal("quantity"),
                    )
                )
        return found

    def _returned(self, document: CustomerReturn) -> None:
        self._partner = document.partner_id
        self._touched += [
            (x.product_id, x.warehouse_id)
            for x in document.lines
            if x.warehouse_id is not None and not x.is_service
        ]

    def _post_return(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        document = sc.post_return(
            uow,
            ReturnId(node.text("id")),
            on,
            self._items(node),
            at=_moment(on),
            request_id=node.opt_str("request"),
            reason=node.opt_str("reason") or "",
        )
        self._returned(document)
        orders = [x.order_id for x in document.lines if x.order_id is not None]
        return self._done("return", document.id, document.explain(), orders)

    def _post_receipt(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        items = []
        for part in node.array("lines", required=True):
            part.check_keys("return", "line", "quantity")
            with at(part):
                items.append(
                    (
                        ReturnId(part.text("return")),
                        part.text("line", "1"),
                        part.decimal("quantity"),
                    )
                )
        receipt = sc.post_goods_receipt(
            uow,
            ReceiptId(node.text("id")),
            WarehouseId(node.text("warehouse")),
            on,
            items,
            at=_moment(on),
        )
        self._touched += [(x.product_id, receipt.warehouse_id) for x in receipt.lines]
        return self._done("receipt order", receipt.id, receipt.explain(), list(receipt.order_ids))

    def _post_exchange(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        items = self._items(node)
        first = uow.shipments.get(items[0].shipment_id)
        order_id = first.lines[0].order_id
        back, again = sc.exchange(
            uow,
            ReturnId(node.text("id")),
            ShipmentId(node.text("shipment")),
            on,
            items,
            self._calendar_of(order_id),
            at=_moment(on),
            request_id=node.opt_str("request"),
        )
        self._returned(back)
        steps = (*back.explain().steps, *again.explain().steps)
        explanation = Explanation(
            f"exchange: return {back.id} and replacement shipment {again.id}", steps
        )
        return self._done("exchange", back.id, explanation, list(again.order_ids))

    # --- corrections ------------------------------------------------------------------

    def _changes(self, node: Node) -> list[LineChange]:
        found = []
        currency = self._currency
        for part in node.array("lines", required=True):
            part.check_keys("line", "quantity", "price")
            with at(part):
                price = None
                if part.has("price"):
                    if currency is None:
                        raise part.error("a currency at the top of the file for a price", "price")
                    price = Money(part.decimal("price"), currency)
                found.append(
                    LineChange(
                        part.text("line", "1"),
                        part.decimal("quantity") if part.has("quantity") else None,
                        price,
                    )
                )
        return found

    def _correction_args(
        self, node: Node
    ) -> tuple[ShipmentId, CorrectionKind, Settlement | None, list[LineChange]]:
        kinds = {k.value: k for k in CorrectionKind}
        ways = {s.value: s for s in Settlement}
        kind = kinds[node.child("kind").one_of(tuple(kinds))]
        settlement = (
            ways[node.child("settlement").one_of(tuple(ways))] if node.has("settlement") else None
        )
        return ShipmentId(node.text("shipment")), kind, settlement, self._changes(node)

    def _correction_done(
        self, uow: Repositories, correction: ShipmentCorrection
    ) -> DocumentOutcome:
        self._partner = correction.partner_id
        if correction.status is CorrectionStatus.POSTED and correction.moves_stock:
            self._touched += [
                (x.product_id, x.warehouse_id)
                for x in correction.lines
                if x.warehouse_id is not None and x.quantity_change
            ]
        return self._done(
            "correction",
            correction.id,
            correction.explain(),
            list(correction.order_ids),
            correction.status.value.replace("_", " "),
        )

    def _post_correction(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        shipment, kind, settlement, changes = self._correction_args(node)
        order_id = uow.shipments.get(shipment).lines[0].order_id
        correction = sc.post_correction(
            uow,
            CorrectionId(node.text("id")),
            shipment,
            on,
            changes,
            kind,
            self._calendar_of(order_id),
            at=_moment(on),
            settlement=settlement,
            reason=node.opt_str("reason") or "",
        )
        return self._correction_done(uow, correction)

    def _draw_up_correction(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        shipment, kind, settlement, changes = self._correction_args(node)
        correction = sc.register_correction(
            uow,
            CorrectionId(node.text("id")),
            shipment,
            on,
            changes,
            kind,
            settlement=settlement,
            reason=node.opt_str("reason") or "",
        )
        return self._correction_done(uow, correction)

    def _agree_correction(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        return self._correction_done(uow, sc.agree_correction(uow, CorrectionId(node.text("id"))))

    def _reject_correction(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        correction = sc.reject_correction(uow, CorrectionId(node.text("id")), node.text("reason"))
        return self._correction_done(uow, correction)

    def _post_agreed_correction(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        correction = uow.shipment_corrections.get(node.text("id"))
        order_id = correction.lines[0].order_id
        posted = sc.post_agreed_correction(
            uow, correction.id, self._calendar_of(order_id), at=_moment(on)
        )
        return self._correction_done(uow, posted)

    # --- return requests --------------------------------------------------------------

    def _request_done(self, request: ReturnRequest) -> DocumentOutcome:
        return DocumentOutcome(
            "return request", request.id, request.status.value.replace("_", " "), request.explain()
        )

    def _return_request(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        items = []
        for part in node.array("items", required=True):
            part.check_keys("product", "quantity")
            with at(part):
                items.append((ProductId(part.text("product")), part.decimal("quantity")))
        with at(node):
            request = ReturnRequest(
                node.text("id"),
                PartnerId(node.text("client")),
                CounterpartyId(node.text("counterparty")),
                on,
                ShipmentId(node.text("shipment")) if node.has("shipment") else None,
                items,
                exchange=node.boolean("exchange", False),
                transfer_id=node.opt_str("transfer"),
                sold=node.boolean("sold", False),
            )
        return self._request_done(sc.create_return_request(uow, request))

    def _agree_request(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        return self._request_done(sc.agree_return_request(uow, node.text("id")))

    def _reject_request(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        return self._request_done(
            sc.reject_return_request(uow, node.text("id"), node.text("reason"))
        )

    # --- commission trade -------------------------------------------------------------

    def _transfer_to_agent(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        if self._currency is None:
            raise node.error("a currency at the top of the file for a transfer", "lines")
        rate = russian_vat_rates().rate(VatCategory.GENERAL, on)
        lines = []
        for n, part in enumerate(node.array("lines", required=True), start=1):
            part.check_keys("product", "warehouse", "quantity", "price")
            with at(part):
                lines.append(
                    CommissionLine.priced(
                        str(n),
                        ProductId(part.text("product")),
                        WarehouseId(part.text("warehouse")),
                        part.decimal("quantity"),
                        Money(part.decimal("price"), self._currency),
                        rate,
                    )
                )
        account = SettlementAccount(
            node.text("agent"),
            self._currency,
            node.opt_str("counterparty"),
            node.opt_str("organization"),
        )
        with at(node):
            transfer = CommissionTransfer(TransferId(node.text("id")), account, on, lines)
        stored = sc.post_commission_transfer(uow, transfer, at=_moment(on))
        self._partner = account.partner_id
        place = agent_stock(account.partner_id)
        self._touched += [(x.product_id, x.warehouse_id) for x in stored.lines]
        self._touched += [(x.product_id, place) for x in stored.lines]
        return self._agent_done("commission transfer", stored.id, stored)

    def _agent_items(self, node: Node) -> list[sc.AgentItem]:
        found = []
        for part in node.array("lines", required=True):
            part.check_keys("transfer", "line", "quantity")
            with at(part):
                found.append(
                    sc.AgentItem(
                        TransferId(part.text("transfer")),
                        part.text("line", "1"),
                        part.decimal("quantity"),
                    )
                )
        return found

    def _agent_done(
        self, kind: str, number: str, document: CommissionTransfer | AgentReturn
    ) -> DocumentOutcome:
        lines = [
            Step(
                f"line {x.line_no}: {x.quantity:f} {x.product_id}",
                str(x.with_vat),
                f"VAT {x.vat_rate.label} {x.vat}",
            )
            for x in document.lines
        ]
        lines.append(Step("total with VAT", str(document.with_vat), f"VAT {document.vat}"))
        return DocumentOutcome(
            kind, number, "posted", Explanation(f"{kind} {number}", tuple(lines))
        )

    def _agent_report(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        fee_percent = node.decimal("fee_percent") if node.has("fee_percent") else None
        fee = None
        if node.has("fee"):
            if self._currency is None:
                raise node.error("a currency at the top of the file for a fee", "fee")
            fee = Money(node.decimal("fee"), self._currency)
        report = sc.post_commission_report(
            uow,
            node.text("id"),
            on,
            self._agent_items(node),
            at=_moment(on),
            fee_percent=fee_percent,
            fee=fee,
        )
        self._partner = report.account.partner_id
        self._touched += [(x.product_id, agent_stock(self._partner)) for x in report.lines]
        lines = [
            Step(
                f"line {x.line_no}: {x.quantity:f} {x.product_id} sold",
                str(x.with_vat),
                f"transfer {x.transfer_id}/{x.transfer_line_no}, VAT {x.vat_rate.label} {x.vat}",
            )
            for x in report.lines
        ]
        lines += [
            Step("sales with VAT", str(report.with_vat), f"VAT {report.vat}"),
            Step("the agent's fee", str(report.fee)),
            Step("the agent owes", str(report.owed)),
        ]
        return DocumentOutcome(
            "commission report",
            report.id,
            "posted",
            Explanation(f"report {report.id}", tuple(lines)),
        )

    def _agent_return(self, uow: Repositories, node: Node, on: date) -> DocumentOutcome:
        document = sc.post_agent_return(
            uow,
            node.text("id"),
            on,
            self._agent_items(node),
            sold=node.boolean("sold", False),
            at=_moment(on),
            request_id=node.opt_str("request"),
        )
        self._partner = document.account.partner_id
        self._touched += [(x.product_id, x.warehouse_id) for x in document.lines]
        self._touched += [(x.product_id, agent_stock(self._partner)) for x in document.lines]
        return self._agent_done("return from the agent", document.id, document)
