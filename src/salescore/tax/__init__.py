"""Taxes of a sale: VAT rates as effective-dated data, shared by sales and fiscal devices."""

from salescore.tax.vat import (
    VatCategory,
    VatLineFigures,
    VatPeriod,
    VatRate,
    VatRateTable,
    VatSplit,
    VatTotals,
    load_vat_rates,
    russian_vat_rates,
)

__all__ = [
    "VatCategory",
    "VatLineFigures",
    "VatPeriod",
    "VatRate",
    "VatRateTable",
    "VatSplit",
    "VatTotals",
    "load_vat_rates",
    "russian_vat_rates",
]
