"""Shipments [реализация товаров и услуг], client returns and return requests (E1, E4).

A pure context: values and decisions, no I/O. Shipment lines take the frozen
prices and VAT of the order lines they execute; return lines mirror the
shipment lines they take back. The application (:mod:`salescore.app.shipments`)
posts them: stock, debt and the document in one unit of work.
"""

from salescore.shipments.model import (
    CustomerReturn,
    ReturnId,
    ReturnLine,
    Shipment,
    ShipmentId,
    ShipmentLine,
    VatSummary,
    share,
    vat_summary,
)
from salescore.shipments.operations import (
    LineExecution,
    ReturnRequest,
    ReturnRequestStatus,
    ShippedQuantity,
    ShipRequest,
    agree_return_request,
    complete_return_request,
    hand_priced_return_line,
    line_executions,
    reject_return_request,
    return_line,
    return_lines_of_product,
    returned_of_shipment_lines,
    ship_line,
    shipped_quantities,
)
from salescore.shipments.ports import (
    ReturnRepository,
    ReturnRequestRepository,
    ShipmentRepository,
)

__all__ = [
    "CustomerReturn",
    "LineExecution",
    "ReturnId",
    "ReturnLine",
    "ReturnRepository",
    "ReturnRequest",
    "ReturnRequestRepository",
    "ReturnRequestStatus",
    "ShipRequest",
    "Shipment",
    "ShipmentId",
    "ShipmentLine",
    "ShipmentRepository",
    "ShippedQuantity",
    "VatSummary",
    "agree_return_request",
    "complete_return_request",
    "hand_priced_return_line",
    "line_executions",
    "reject_return_request",
    "return_line",
    "return_lines_of_product",
    "returned_of_shipment_lines",
    "share",
    "ship_line",
    "shipped_quantities",
    "vat_summary",
]
