"""Exact money, currencies, rounding, allocation and quantities.

This package knows nothing of sales; every sales rule stands on it.
"""

from salescore.money._context import AMOUNT_LIMIT
from salescore.money.allocation import allocate, allocate_units
from salescore.money.currency import Currency, as_currency
from salescore.money.money import Money, to_decimal, total
from salescore.money.quantity import BOX, KG, LITRE, PIECE, Quantity, Unit
from salescore.money.rounding import Rounding, decimal_places, round_to_step

__all__ = [
    "AMOUNT_LIMIT",
    "BOX",
    "KG",
    "LITRE",
    "PIECE",
    "Currency",
    "Money",
    "Quantity",
    "Rounding",
    "Unit",
    "allocate",
    "allocate_units",
    "as_currency",
    "decimal_places",
    "round_to_step",
    "to_decimal",
    "total",
]
