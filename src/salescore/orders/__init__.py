"""Quotes and sales orders: the document spine of a sale (D1–D6, B1, F1).

A commercial proposal [коммерческое предложение] is negotiated over versions
and, once accepted, becomes a sales order [заказ клиента] that keeps its
prices. An order is made under one agreement, carries frozen prices with VAT
on every line, walks its statuses through guarded transitions, and has a
derived state computed from payments, reserves and shipments.

This context is pure: it holds values and functions, and the repository
protocols it needs (:mod:`salescore.orders.ports`), and the sale pricer
(:mod:`salescore.orders.pricer`); the application (:mod:`salescore.app.orders`,
:mod:`salescore.app.sales`) loads the pricer, prices documents and stores them.
"""

from salescore.orders.checks import (
    check_lines_in_agreement,
    lines_outside_agreement,
    reserve_claims,
)
from salescore.orders.model import (
    DocumentEvent,
    DocumentHeader,
    DocumentLine,
    FrozenLine,
    FrozenPrices,
    LazyExplanation,
    LineId,
    Order,
    OrderId,
    OrderStatus,
    PriceDifference,
    Quote,
    QuoteId,
    QuoteStatus,
    price_differences,
    vat_rate_for,
)
from salescore.orders.ports import OrderRepository, QuoteRepository
from salescore.orders.pricer import (
    RESOLUTION_CACHE_SIZE,
    SNAPSHOT_CACHE_SIZE,
    LineEvidence,
    PricedLine,
    PricedOrder,
    PriceEvidence,
    SaleOrder,
    SaleOrderLine,
    SalePricer,
    deviation_of_limit_excess,
)
from salescore.orders.state import (
    LineProgress,
    OrderState,
    OrderStateKind,
    Shipped,
    ShippedLine,
    StagePayment,
    derive_state,
    line_progress,
    schedule_entry_id,
    stage_payments,
)
from salescore.orders.status import (
    accept_quote,
    approve_order,
    approve_quote,
    cancel_order,
    close_order,
    confirm_order,
    order_from_quote,
    price_order,
    price_quote,
    reject_quote,
    release_for_securing,
    release_for_shipment,
    revise_quote,
    send_quote,
)

__all__ = [
    "RESOLUTION_CACHE_SIZE",
    "SNAPSHOT_CACHE_SIZE",
    "DocumentEvent",
    "DocumentHeader",
    "DocumentLine",
    "FrozenLine",
    "FrozenPrices",
    "LazyExplanation",
    "LineEvidence",
    "LineId",
    "LineProgress",
    "Order",
    "OrderId",
    "OrderRepository",
    "OrderState",
    "OrderStateKind",
    "OrderStatus",
    "PriceDifference",
    "PriceEvidence",
    "PricedLine",
    "PricedOrder",
    "Quote",
    "QuoteId",
    "QuoteRepository",
    "QuoteStatus",
    "SaleOrder",
    "SaleOrderLine",
    "SalePricer",
    "Shipped",
    "ShippedLine",
    "StagePayment",
    "accept_quote",
    "approve_order",
    "approve_quote",
    "cancel_order",
    "check_lines_in_agreement",
    "close_order",
    "confirm_order",
    "derive_state",
    "deviation_of_limit_excess",
    "line_progress",
    "lines_outside_agreement",
    "order_from_quote",
    "price_differences",
    "price_order",
    "price_quote",
    "reject_quote",
    "release_for_securing",
    "release_for_shipment",
    "reserve_claims",
    "revise_quote",
    "schedule_entry_id",
    "send_quote",
    "stage_payments",
    "vat_rate_for",
]
