"""The demo's devices section: a receipt made fiscal exactly once, then printed with its QR.

A Shtrih-M register simulator stands in for the fiscal register [ККТ]: the
shift is opened, a two-line receipt is registered through the fiscal journal,
and the receipt is asked for a second time to show that a retry never rings a
sale twice. The customer's copy then goes to an ESC/POS printer with the
receipt QR code [QR-код чека] ``t=…&s=…&fn=…&i=…&fp=…&n=…``, drawn here as text.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from salescore.adapters.repositories import Repositories
from salescore.hardware.escpos import Alignment, ReceiptBuilder
from salescore.hardware.escpos.qr import receipt_qr_payload
from salescore.hardware.escpos.simulator import render_receipt
from salescore.hardware.fiscal import FiscalResult, Receipt
from salescore.testing.devices import sample_receipt, shtrih_rig

__all__ = ["devices_section"]

SOLD_AT = datetime(2026, 3, 4, 12, 30, tzinfo=timezone(timedelta(hours=3)))
"""The register's local time of the demo receipt (Moscow); the QR holds the wall-clock time."""
FN_NUMBER = "9999078900001234"
"""The fiscal storage number [заводской номер ФН] printed in the QR code."""


def _customer_copy(receipt: Receipt, result: FiscalResult) -> bytes:
    doc = ReceiptBuilder().text("КОФЕ-ТОРГ", bold=True, align=Alignment.CENTER)
    doc.text(f"Кассовый чек [приход] № {result.document_number}").rule()
    for line in receipt.lines:
        doc.item(f"{line.name} {line.quantity} × {line.price}", f"{line.amount:.2f}")
    doc.rule().item("Скидка", f"-{receipt.discount:.2f}")
    doc.item("ИТОГО", f"{result.total:.2f}").item("Сдача", f"{result.change:.2f}")
    doc.text(f"ФН {FN_NUMBER}  ФД {result.document_number}  ФП {result.fiscal_sign}")
    payload = receipt_qr_payload(result, fn_number=FN_NUMBER, when=SOLD_AT)
    return doc.qr(payload, size=3).cut().build()


def devices_section(uow: Repositories) -> str:
    """The devices part of the demo (it uses no stored data: ``uow`` keeps the signature)."""
    del uow
    out = ["== Devices =="]
    receipt = sample_receipt("demo-1")
    with shtrih_rig() as rig:
        shift = rig.driver.open_shift()
        result = rig.driver.process_check(receipt)
        again = rig.driver.process_check(receipt)
        out.append(f"Shtrih-M simulator: shift {shift.shift_number} opened")
        out.append(
            f"receipt {result.receipt_id}: fiscal document {result.document_number}, "
            f"fiscal sign {result.fiscal_sign}, total {result.total}, change {result.change}"
        )
        out.append(
            f"asked again: repeated={again.repeated}, same document "
            f"{again.document_number}; receipts in the fiscal storage: {rig.receipts}"
        )
    out.append("Customer copy on the ESC/POS printer (preview, QR drawn as text):")
    out.append(render_receipt(_customer_copy(receipt, result)))
    return "\n".join(out)
