"""Retail (G1, G3, G5–G8, H5): outlets, cash shifts, receipts, reports, loyalty cards.

Pure values and functions: an outlet with its retail price type, discount
scope, workplaces and mode; receipts composed from priced items (receipt
discount by largest remainder, VAT per line), returns within the shift;
the retail sales report with its reconciliation against the register;
takings hand-over; offline registers and non-automated outlets; the
history import and analysis; loyalty cards with turnover tiers. The
cashier's workplace that drives a fiscal register and a store is
:class:`salescore.app.retail.CashierDesk`.
"""

from salescore.retail.history import (
    ANALYSIS_KEYS,
    CSV_COLUMNS,
    AnalysisRow,
    RetailAnalysis,
    parse_sales_csv,
    retail_analysis,
)
from salescore.retail.loyalty import (
    CardKind,
    LoyaltyCard,
    LoyaltyReport,
    LoyaltyRow,
    TierMigration,
    TurnoverTier,
    card_turnover,
    loyalty_report,
)
from salescore.retail.offline import (
    OfflineProductTable,
    OfflineSale,
    OfflineSaleLine,
    ProductTableRow,
    manual_receipt,
    offline_receipt,
    product_table,
    sales_from_inventory,
)
from salescore.retail.outlets import Outlet, OutletId, OutletMode, Workplace
from salescore.retail.receipts import (
    PaymentKind,
    PricedItem,
    ReceiptKind,
    ReceiptSource,
    ReceiptStatus,
    RetailLine,
    RetailPayment,
    RetailReceipt,
    compose_lines,
    compose_return,
    refund_payments,
)
from salescore.retail.shifts import (
    CashShift,
    Discrepancy,
    PaymentTotal,
    ProductSold,
    RegisterTotals,
    ReportSource,
    RetailSalesReport,
    ShiftStatus,
    TakingsHandover,
    VatTotal,
    cash_in_drawer,
    sales_report,
)

__all__ = [
    "ANALYSIS_KEYS",
    "CSV_COLUMNS",
    "AnalysisRow",
    "CardKind",
    "CashShift",
    "Discrepancy",
    "LoyaltyCard",
    "LoyaltyReport",
    "LoyaltyRow",
    "OfflineProductTable",
    "OfflineSale",
    "OfflineSaleLine",
    "Outlet",
    "OutletId",
    "OutletMode",
    "PaymentKind",
    "PaymentTotal",
    "PricedItem",
    "ProductSold",
    "ProductTableRow",
    "ReceiptKind",
    "ReceiptSource",
    "ReceiptStatus",
    "RegisterTotals",
    "ReportSource",
    "RetailAnalysis",
    "RetailLine",
    "RetailPayment",
    "RetailReceipt",
    "RetailSalesReport",
    "ShiftStatus",
    "TakingsHandover",
    "TierMigration",
    "TurnoverTier",
    "VatTotal",
    "Workplace",
    "card_turnover",
    "cash_in_drawer",
    "compose_lines",
    "compose_return",
    "loyalty_report",
    "manual_receipt",
    "offline_receipt",
    "parse_sales_csv",
    "product_table",
    "refund_payments",
    "retail_analysis",
    "sales_from_inventory",
    "sales_report",
]
