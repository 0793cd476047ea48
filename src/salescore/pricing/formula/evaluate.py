"""The reference interpreter: the meaning of a formula, written plainly.

:func:`evaluate` walks the syntax tree and computes over
:class:`~decimal.Decimal`. It is the specification the compiler is tested
against (the compiled callable must give exactly the same result for every
tree) and it is what explanations use to show each data function call.
It must run inside the library's decimal context.

>>> import decimal
>>> from decimal import Decimal
>>> from salescore.money._context import decimal_context
>>> from salescore.pricing.formula.parser import parse
>>> tree = parse("if([Purchase] > 100, [Purchase] * 1.2, [Purchase] + 20)").tree
>>> with decimal.localcontext(decimal_context()):
...     evaluate(tree, Environment(refs={"Purchase": Decimal("150")}))
Decimal('180.0')
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from salescore.errors import FormulaNameError
from salescore.pricing.formula import ast
from salescore.pricing.formula.ast import Node
from salescore.pricing.formula.functions import FunctionContext, FunctionRegistry

__all__ = ["BINARY", "CallRecord", "Environment", "evaluate"]

Value = Decimal | bool

BINARY: Mapping[str, Callable[[Decimal, Decimal], Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "<>": operator.ne,
}


@attrs.frozen
class CallRecord:
    """One function call made while evaluating, for explanations."""

    name: str
    args: tuple[Decimal, ...]
    result: Decimal


@attrs.frozen
class Environment:
    """The values a formula is evaluated with.

    Attributes:
        refs: price type name -> price (as Decimal).
        params: parameter name -> value.
        functions: the functions the formula may call.
        context: what data functions may read.
        calls: if a list is given, every data function call is appended to it.
    """

    refs: Mapping[str, Decimal] = attrs.field(factory=dict)
    params: Mapping[str, Decimal] = attrs.field(factory=dict)
    functions: FunctionRegistry = attrs.field(factory=FunctionRegistry.default)
    context: FunctionContext = attrs.field(factory=FunctionContext)
    calls: list[CallRecord] | None = None


def _lookup(table: Mapping[str, Decimal], name: str, what: str) -> Decimal:
    try:
        return table[name]
    except KeyError:
        raise FormulaNameError(f"no value for {what} {name!r}", name=name) from None


def evaluate(node: Node, env: Environment) -> Value:
    """The value of ``node`` in ``env``; ``if``, ``and`` and ``or`` evaluate lazily."""
    if isinstance(node, ast.Number):
        return node.value
    if isinstance(node, ast.Ref):
        return _lookup(env.refs, node.name, "price type")
    if isinstance(node, ast.Param):
        return _lookup(env.params, node.name, "parameter")
    if isinstance(node, ast.Unary):
        value = evaluate(node.operand, env)
        if node.op == "not":
            return not value
        assert isinstance(value, Decimal)  # the checker allows only numbers here
        return -value
    if isinstance(node, ast.BinOp):
        left = evaluate(node.left, env)
        if node.op == "and":
            return left and evaluate(node.right, env)
        if node.op == "or":
            return left or evaluate(node.right, env)
        right = evaluate(node.right, env)
        return BINARY[node.op](left, right)  # type: ignore[arg-type]
    if isinstance(node, ast.Call):
        function = env.functions.get(node.name)
        args = tuple(evaluate(a, env) for a in node.args)
        result = function.implementation(env.context, *args)
        if env.calls is not None and function.uses_data:
            env.calls.append(CallRecord(node.name, args, result))  # type: ignore[arg-type]
        return result
    if evaluate(node.condition, env):
        return evaluate(node.then, env)
    return evaluate(node.otherwise, env)
