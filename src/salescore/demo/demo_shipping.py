"""The demo's shipping section: one order shipped, partly returned, corrected
for a unit that arrived broken, and the УПД and УКД printed (the УПД also as PDF:
:func:`upd_pdf`).

Volga Kazan orders three CM-300 coffee makers on credit (half ten days after
the shipment, the rest after twenty). The order is reserved and shipped in one
shipment [реализация]; the client returns one unit [возврат] at the price of
the sale; then a unit that arrived broken is corrected away as an
under-delivery written off to expenses [возврат недопоставленного товара,
списать на расходы], and the corrective document [УКД] shows before, after
and the decrease. Every step is a :mod:`salescore.app`
use case; the debt and stock lines come from the stored ledgers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from salescore.adapters.repositories import Repositories
from salescore.app import orders as uc
from salescore.app import shipments as sc
from salescore.app.sales import load_pricer
from salescore.demo.sample_agreements import VOLGA_KZN_HEADER
from salescore.demo.sample_receivables import SAMPLE_CALENDAR
from salescore.forms import (
    FormKind,
    Requisites,
    correction_form_data,
    form_data,
    render_correction_text,
    render_pdf,
    render_text,
)
from salescore.money import Quantity, Unit
from salescore.orders import DocumentHeader, DocumentLine, LineId, Order
from salescore.parties import ProductId, WarehouseId
from salescore.receivables import (
    DueEvent,
    PaymentScheduleTemplate,
    ScheduleStage,
    StageKind,
    load_ledger,
)
from salescore.reservation import Bucket, receive
from salescore.shipments import (
    CorrectionId,
    CorrectionKind,
    LineChange,
    ReturnId,
    Settlement,
    ShipmentId,
    ShipRequest,
)

__all__ = ["UPD_SHIPMENT", "order_to_ship", "shipping_section", "upd_pdf"]

UPD_SHIPMENT = ShipmentId("RTU-0001")
"""The demo's shipment, whose УПД the demo writes as PDF."""

ORDERED, SHIPPED = date(2026, 3, 2), date(2026, 3, 10)
RETURNED, CORRECTED = date(2026, 3, 12), date(2026, 3, 16)
CM, MAIN = ProductId("CM-300"), WarehouseId("MAIN")
_HEADER = VOLGA_KZN_HEADER
_CREDIT = PaymentScheduleTemplate(
    "DEMO-CR10-CR20",
    "credit in two halves, 10 and 20 days after shipment",
    (
        ScheduleStage(StageKind.CREDIT, Decimal(50), days=10, event=DueEvent.SHIPMENT),
        ScheduleStage(StageKind.CREDIT, days=20, event=DueEvent.SHIPMENT),
    ),
)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _status(uow: Repositories, what: str) -> str:
    free = uow.stock_ledger.balance(CM, MAIN, Bucket.free(), Quantity(1).unit).value
    ledger = load_ledger(uow.settlements, partner_id=_HEADER.partner_id)
    debt = ledger.balance(date(2026, 12, 31), currency="RUB")
    return f"  {what}: {free:f} CM-300 free at MAIN, Volga Kazan owes {debt} in all"


def order_to_ship(
    uow: Repositories,
    header: DocumentHeader,
    product: ProductId,
    quantity: Decimal,
    on: date,
    template: PaymentScheduleTemplate,
    *,
    receipt: str,
    received: Decimal | None = None,
) -> Order:
    """An order of one line, made ready to ship on ``on`` through the use cases.

    The goods are received at the main warehouse (document ``receipt``;
    ``received`` of them, the order's quantity by default); the order is
    priced, created, confirmed on the credit ``template`` (which must be
    stored), secured, reserved and marked to ship.
    """
    stock = Quantity(quantity if received is None else received)
    receive(uow.stock_ledger, product, MAIN, stock, document=receipt, at=_at(on))
    pricer = load_pricer(uow, [on])
    order = uc.create_order(uow, pricer, header, on, [DocumentLine(LineId("1"), product, quantity)])
    uc.confirm_order(uow, pricer, order.id, on, SAMPLE_CALENDAR, template=template)
    uc.secure_order(uow, order.id, on)
    uc.reserve_order(uow, order.id, _at(on))
    return uc.ship_order(uow, order.id, on)


def shipping_section(uow: Repositories) -> str:
    """Ship, return one unit, correct the price, print the УПД and the УКД."""
    if uow.schedule_templates.find(_CREDIT.id) is None:
        uow.schedule_templates.add(_CREDIT)
    order = order_to_ship(uow, _HEADER, CM, Decimal(3), ORDERED, _CREDIT, receipt="PT-DEMO")
    out = ["== Shipping: a shipment, a return, a correction, the УПД =="]
    out.append(f"Order {order.id}: 3 CM-300 for Volga Kazan, received and reserved at MAIN.")
    out.append(_status(uow, "before the shipment"))
    shipment = sc.post_shipment(
        uow,
        UPD_SHIPMENT,
        _HEADER.partner_id,
        _HEADER.counterparty_id,
        SHIPPED,
        [ShipRequest(order.id, LineId("1"), Decimal(3))],
        SAMPLE_CALENDAR,
        at=_at(SHIPPED),
    )
    out.append(f"Shipment [реализация] {shipment.id} of {SHIPPED.isoformat()}: {shipment.with_vat}")
    out.append(_status(uow, "after the shipment"))
    back = sc.post_return(
        uow,
        ReturnId("VZ-0001"),
        RETURNED,
        [sc.ReturnItem(shipment.id, CM, Decimal(1))],
        at=_at(RETURNED),
        reason="a dented case",
    )
    out.append(
        f"Return [возврат] {back.id} of {RETURNED.isoformat()}: 1 CM-300 at the sale's price, "
        f"{back.with_vat} (VAT {back.vat})"
    )
    out.append(_status(uow, "after the return"))
    correction = sc.post_correction(
        uow,
        CorrectionId("KR-0001"),
        shipment.id,
        CORRECTED,
        [LineChange("1", quantity=Decimal(2))],
        CorrectionKind.UNDER_DELIVERY,
        SAMPLE_CALENDAR,
        at=_at(CORRECTED),
        settlement=Settlement.WRITE_OFF,
        reason="one unit arrived broken; the carrier was ours",
    )
    out.append(
        f"Correction [корректировка реализации] {correction.id} of {CORRECTED.isoformat()}: "
        f"under-delivery written off, debt {correction.with_vat_change}, "
        f"VAT {correction.vat_change} at {correction.lines[0].vat_rate.label}"
    )
    out.append(_status(uow, "after the correction"))
    seller, buyer, names, units = _parties(uow)
    out.append("")
    out.append(render_text(form_data(FormKind.UPD, shipment, seller, buyer, names, units=units)))
    out.append("")
    out.append(
        render_correction_text(
            correction_form_data(correction, shipment, seller, buyer, names, units=units)
        )
    )
    out.append(
        "(HTML: salescore.forms.render_html / render_correction_html; PDF: render_pdf / "
        "render_correction_pdf — `salescore demo` writes this УПД as a PDF file.)"
    )
    return "\n".join(out)


def _parties(
    uow: Repositories,
) -> tuple[Requisites, Requisites, dict[str, str], dict[str, Unit]]:
    organization = uow.organizations.get(_HEADER.organization_id)
    client = uow.counterparties.get(_HEADER.counterparty_id)
    products = uow.products.all()
    names: dict[str, str] = {p.id: p.name for p in products}
    units: dict[str, Unit] = {p.id: p.unit for p in products}
    return Requisites.of(organization), Requisites.of(client), names, units


def upd_pdf(uow: Repositories) -> bytes:
    """The УПД of the demo's shipment as PDF (after :func:`shipping_section` ran)."""
    seller, buyer, names, units = _parties(uow)
    shipment = uow.shipments.get(UPD_SHIPMENT)
    return render_pdf(form_data(FormKind.UPD, shipment, seller, buyer, names, units=units))
