"""The functions a formula may call, and the one way to add more.

A :class:`FormulaFunction` has a name, how many arguments it takes and an
implementation over :class:`~decimal.Decimal`. *Pure* functions (``min``,
``round`` …) see only their arguments. *Data* functions (``avg_purchase_price``,
``min_market_price``) also get a :class:`FunctionContext`: the product being
priced, the date, the price type's currency and read-only market data of the
pricing snapshot. No function gets storage access; everything it may read was
loaded before pricing started.

New functions are registered in exactly one way: build a registry with
:meth:`FunctionRegistry.with_functions` and hand it to the compiler or the
pricing snapshot.

>>> from decimal import Decimal
>>> def margin(ctx: FunctionContext, cost: Decimal, percent: Decimal) -> Decimal:
...     return cost * (1 + percent / 100)
>>> registry = FunctionRegistry.default().with_functions(
...     FormulaFunction("margin", margin, min_args=2, max_args=2,
...                     doc="cost plus a percent margin"))
>>> registry.get("margin").doc
'cost plus a percent margin'
>>> sorted(registry.names())[:4]
['abs', 'avg_purchase_price', 'ceil', 'floor']

A data function that finds no data raises :class:`~salescore.errors.MissingPriceError`;
the product then has no price of that type, and the explanation says why.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

import attrs

from salescore.errors import FormulaError, FormulaNameError, MissingPriceError
from salescore.money import Currency

__all__ = [
    "FormulaFunction",
    "FunctionContext",
    "FunctionRegistry",
    "MarketData",
    "MarketPrice",
    "round_half_up",
]


@attrs.frozen
class MarketPrice:
    """A price registered from a partner: a supplier's purchase price or a competitor's price.

    Attributes:
        partner_id: the supplier or competitor.
        is_supplier: True for a supplier's (purchase) price, False for a competitor's.
        effective: the date the price was registered for.
        amount: the price, in ``currency``.
        vat_included: whether ``amount`` includes VAT.
    """

    partner_id: str
    is_supplier: bool
    effective: date
    amount: Decimal
    currency: Currency
    vat_included: bool = True


class MarketData(Protocol):
    """Read-only partner prices of a pricing snapshot, per product, oldest first."""

    def market_prices(self, product_id: str) -> Sequence[MarketPrice]:
        """Every partner price of ``product_id`` up to the snapshot date, oldest first."""
        ...


class _NoMarketData:
    def market_prices(self, product_id: str) -> Sequence[MarketPrice]:
        return ()


_NO_CURRENCY = Currency("XXX", 2)  # ISO 4217 "no currency"


@attrs.frozen
class FunctionContext:
    """What a data function may know about the price being computed.

    Attributes:
        product_id: the product being priced.
        on: the pricing date.
        currency: the currency of the price type being computed.
        market: partner prices loaded for the snapshot.
        formula: the formula text, for error messages.
        vat_included: whether the price type being computed includes VAT.
        vat_rate: the VAT percent of the product's category on the pricing date
            (0 for 0 % and without VAT).
    """

    product_id: str = ""
    on: date = date(2000, 1, 1)
    currency: Currency = _NO_CURRENCY
    market: MarketData = attrs.field(factory=_NoMarketData)
    formula: str = ""
    vat_included: bool = True
    vat_rate: Decimal = Decimal(0)


Implementation = Callable[..., Decimal]


@attrs.frozen
class FormulaFunction:
    """One function a formula may call.

    Attributes:
        name: the name used in formulas (lowercase letters, digits, underscores).
        implementation: ``implementation(ctx, *args) -> Decimal``; ``ctx`` is a
            :class:`FunctionContext`. It must run in bounded time and memory.
        min_args, max_args: how many arguments it takes (``max_args=None``: any number).
        doc: one line for users, shown in the documentation and errors.
        uses_data: True if the result depends on stored data (not only on its
            arguments); such calls are listed in price explanations.
        describe: optional ``describe(ctx, *args) -> str`` saying which data a call
            used (shown in explanations); it must not fail where the call succeeded.
    """

    name: str
    implementation: Implementation
    min_args: int = 0
    max_args: int | None = None
    doc: str = ""
    uses_data: bool = False
    describe: Callable[..., str] | None = None

    def __attrs_post_init__(self) -> None:
        if not self.name.isidentifier() or self.name in {"if", "and", "or", "not"}:
            raise FormulaNameError(
                f"{self.name!r} cannot name a formula function: use letters, digits and "
                "underscores, not a keyword",
                name=self.name,
            )

    def arity_text(self) -> str:
        """How many arguments, in words (for messages)."""
        if self.max_args == self.min_args:
            return f"exactly {self.min_args}"
        if self.max_args is None:
            return f"at least {self.min_args}"
        return f"{self.min_args} to {self.max_args}"


@attrs.frozen
class FunctionRegistry:
    """The functions formulas may call, by name; immutable."""

    functions: Mapping[str, FormulaFunction] = attrs.field(factory=dict)

    @classmethod
    def default(cls) -> FunctionRegistry:
        """The built-in functions (listed in the "Prices and formulas" page)."""
        return cls({f.name: f for f in _BUILT_INS})

    def with_functions(self, *functions: FormulaFunction) -> FunctionRegistry:
        """A new registry with ``functions`` added.

        Raises:
            FormulaNameError: a function of that name is already registered.
        """
        merged = dict(self.functions)
        for function in functions:
            if function.name in merged:
                raise FormulaNameError(
                    f"formula function {function.name!r} is already registered; "
                    "choose another name",
                    name=function.name,
                )
            merged[function.name] = function
        return FunctionRegistry(merged)

    def get(self, name: str) -> FormulaFunction:
        """The function ``name``; :class:`FormulaNameError` naming the known ones if unknown."""
        found = self.functions.get(name)
        if found is None:
            raise FormulaNameError(
                f"unknown function {name!r}; known functions: {', '.join(sorted(self.names()))}",
                name=name,
            )
        return found

    def names(self) -> Iterable[str]:
        """Every function name."""
        return self.functions.keys()


# --- built-in pure functions -----------------------------------------------------


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    """``value`` rounded half up to a multiple of ``step`` (``round(x, step)`` in formulas)."""
    if not step > 0:
        raise FormulaError(f"round(): the step must be positive, got {step}", step=step)
    units = (value / step).to_integral_value(decimal.ROUND_HALF_UP)
    return units * step


def _min(_ctx: Any, *args: Decimal) -> Decimal:
    return min(args)


def _max(_ctx: Any, *args: Decimal) -> Decimal:
    return max(args)


def _round(_ctx: Any, value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    return round_half_up(value, step)


def _ceil(_ctx: Any, value: Decimal) -> Decimal:
    return value.to_integral_value(decimal.ROUND_CEILING)


def _floor(_ctx: Any, value: Decimal) -> Decimal:
    return value.to_integral_value(decimal.ROUND_FLOOR)


def _abs(_ctx: Any, value: Decimal) -> Decimal:
    return abs(value)


# --- built-in data functions ---------------------------------------------------------


def _comparable(ctx: FunctionContext, prices: Iterable[MarketPrice]) -> list[MarketPrice]:
    """The prices in the computed type's currency, on its VAT basis (with or without VAT)."""
    factor = 1 + ctx.vat_rate / 100
    found = []
    for price in prices:
        if price.currency != ctx.currency:
            continue
        if price.vat_included != ctx.vat_included:
            amount = price.amount / factor if price.vat_included else price.amount * factor
            price = attrs.evolve(price, amount=amount, vat_included=ctx.vat_included)
        found.append(price)
    return found


def _check_days(days: Decimal) -> int:
    if days != days.to_integral_value() or not 1 <= days <= 3660:
        raise FormulaError(
            f"avg_purchase_price(): the period is a whole number of days 1..3660, got {days}",
            days=days,
        )
    return int(days)


def _purchase_prices(ctx: FunctionContext, days: Decimal) -> list[MarketPrice]:
    since = ctx.on - timedelta(days=_check_days(days))
    return [
        p
        for p in _comparable(ctx, ctx.market.market_prices(ctx.product_id))
        if p.is_supplier and since < p.effective <= ctx.on
    ]


def _latest_prices(ctx: FunctionContext) -> list[MarketPrice]:
    latest: dict[str, MarketPrice] = {}
    for price in _comparable(ctx, ctx.market.market_prices(ctx.product_id)):
        if price.effective <= ctx.on:
            latest[price.partner_id] = price  # oldest first: the last one wins
    return sorted(latest.values(), key=lambda p: (p.amount, p.partner_id))


def _show(amount: Decimal, quantum: Decimal) -> str:
    exact = amount.quantize(quantum)
    return f"{exact if exact == amount else amount.normalize():f}"


def _listing(prices: Sequence[MarketPrice]) -> str:
    return "; ".join(
        f"{_show(p.amount, p.currency.quantum)} from {p.partner_id} on {p.effective.isoformat()}"
        for p in prices
    )


def avg_purchase_price(ctx: FunctionContext, days: Decimal = Decimal(30)) -> Decimal:
    """The mean of supplier prices registered in the ``days`` days up to the pricing date.

    The period is ``(on - days, on]``; only prices in the price type's currency
    count, converted to its VAT basis with the product's VAT rate.
    """
    prices = _purchase_prices(ctx, days)
    if not prices:
        raise MissingPriceError(
            f"no supplier price of product {ctx.product_id!r} in {ctx.currency.code} in the "
            f"{int(days)} days up to {ctx.on.isoformat()}: register purchase prices",
            product=ctx.product_id,
        )
    return sum((p.amount for p in prices), Decimal(0)) / len(prices)


def _describe_avg(ctx: FunctionContext, days: Decimal = Decimal(30)) -> str:
    prices = _purchase_prices(ctx, days)
    return f"mean of {len(prices)} supplier price(s): {_listing(prices)}"


def min_market_price(ctx: FunctionContext) -> Decimal:
    """The lowest current price among competitors and suppliers of the product.

    For each partner its latest price up to the pricing date counts; only prices in
    the price type's currency, converted to its VAT basis with the product's VAT rate.
    """
    prices = _latest_prices(ctx)
    if not prices:
        raise MissingPriceError(
            f"no competitor or supplier price of product {ctx.product_id!r} in "
            f"{ctx.currency.code} up to {ctx.on.isoformat()}: register market prices",
            product=ctx.product_id,
        )
    return prices[0].amount


def _describe_min(ctx: FunctionContext) -> str:
    return f"lowest of the partners' latest prices: {_listing(_latest_prices(ctx))}"


_BUILT_INS = (
    FormulaFunction("min", _min, 1, None, "the smallest argument"),
    FormulaFunction("max", _max, 1, None, "the largest argument"),
    FormulaFunction("round", _round, 1, 2, "round(x, step): x rounded half up to a step (1)"),
    FormulaFunction("ceil", _ceil, 1, 1, "the smallest whole number not below x"),
    FormulaFunction("floor", _floor, 1, 1, "the largest whole number not above x"),
    FormulaFunction("abs", _abs, 1, 1, "the absolute value"),
    FormulaFunction(
        "avg_purchase_price",
        avg_purchase_price,
        0,
        1,
        "avg_purchase_price(days=30): mean supplier price registered in the last days",
        uses_data=True,
        describe=_describe_avg,
    ),
    FormulaFunction(
        "min_market_price",
        min_market_price,
        0,
        0,
        "the lowest current competitor or supplier price",
        uses_data=True,
        describe=_describe_min,
    ),
)
