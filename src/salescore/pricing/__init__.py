"""Prices: price types, the price register, formulas, the pricing snapshot and price lists.

See the "Prices and formulas" page of the documentation for the whole story;
in short: :class:`PriceType` values say how prices of a kind are obtained,
:class:`PriceRecord` values in a :class:`~salescore.pricing.ports.PriceRegister`
hold registered prices, and a :class:`PricingSnapshot` compiles every formula
once and prices products in bulk on a date, each price explainable.
"""

from salescore.pricing.formula.compile import (
    DEFAULT_PARAMS,
    CompiledFormula,
    FormulaSchema,
    compile_formula,
)
from salescore.pricing.formula.functions import (
    FormulaFunction,
    FunctionContext,
    FunctionRegistry,
    MarketPrice,
)
from salescore.pricing.formula.parser import LIMITS, Formula, FormulaLimits, parse
from salescore.pricing.ports import PriceRegister, PriceTypeRepository, StockSource
from salescore.pricing.price_list import PriceList, PriceListRow, StaticStock, build_price_list
from salescore.pricing.price_types import PriceType, PriceTypeId, RoundingRule
from salescore.pricing.register import PriceHistory, PriceRecord, check_record
from salescore.pricing.snapshot import CompiledPriceTypes, Price, PricingSnapshot

__all__ = [
    "DEFAULT_PARAMS",
    "LIMITS",
    "CompiledFormula",
    "CompiledPriceTypes",
    "Formula",
    "FormulaFunction",
    "FormulaLimits",
    "FormulaSchema",
    "FunctionContext",
    "FunctionRegistry",
    "MarketPrice",
    "Price",
    "PriceHistory",
    "PriceList",
    "PriceListRow",
    "PriceRecord",
    "PriceRegister",
    "PriceType",
    "PriceTypeId",
    "PriceTypeRepository",
    "PricingSnapshot",
    "RoundingRule",
    "StaticStock",
    "StockSource",
    "build_price_list",
    "check_record",
    "compile_formula",
    "parse",
]
