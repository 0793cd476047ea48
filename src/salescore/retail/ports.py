"""Repositories the retail context needs (implemented by the storage adapters).

Outlets, cash shifts, receipts, sales reports, takings hand-overs, card kinds
and loyalty cards are stored as documents under their ids. Shifts are
searchable by outlet, workplace and status; receipts by shift, outlet,
status, the sale a return returns and the loyalty card; reports and
hand-overs by shift; cards by barcode.
"""

from __future__ import annotations

from typing import TypeAlias

from salescore.ports import Repository
from salescore.retail.loyalty import CardKind, LoyaltyCard
from salescore.retail.outlets import Outlet, OutletId
from salescore.retail.receipts import RetailReceipt
from salescore.retail.shifts import CashShift, RetailSalesReport, TakingsHandover

__all__ = [
    "CardKindRepository",
    "CashShiftRepository",
    "LoyaltyCardRepository",
    "OutletRepository",
    "RetailReceiptRepository",
    "RetailReportRepository",
    "TakingsRepository",
]

OutletRepository: TypeAlias = Repository[OutletId, Outlet]
CashShiftRepository: TypeAlias = Repository[str, CashShift]
RetailReceiptRepository: TypeAlias = Repository[str, RetailReceipt]
RetailReportRepository: TypeAlias = Repository[str, RetailSalesReport]
TakingsRepository: TypeAlias = Repository[str, TakingsHandover]
CardKindRepository: TypeAlias = Repository[str, CardKind]
LoyaltyCardRepository: TypeAlias = Repository[str, LoyaltyCard]
