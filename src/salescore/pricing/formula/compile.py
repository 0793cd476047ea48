"""Checking a formula against what exists, and compiling it to a Python callable.

A formula is checked once, when its price type is loaded: every ``[name]``
must be a known price type, every bare name a known parameter, every call a
known function with the right number of arguments, and the types must fit
(numbers for arithmetic, conditions for ``if``, ``and``, ``or``, ``not``).

It is then compiled: the checked tree is turned into the source of one
small Python function and compiled with :func:`compile`. Nothing of the
formula's text reaches that source: numbers become named constants, price
types and parameters become positions in argument tuples, functions become
named entries of a namespace without builtins. The result runs at the
speed of hand-written Decimal code.

>>> from decimal import Decimal
>>> schema = FormulaSchema(frozenset({"Purchase"}))
>>> wholesale = compile_formula("[Purchase] * 1.25 + round(quantity / 10)", schema)
>>> wholesale.references, wholesale.params
(('Purchase',), ('quantity',))
>>> wholesale.evaluate({"Purchase": Decimal("100.00")}, {"quantity": Decimal(14)})
Decimal('126.0000')
>>> from salescore.errors import FormulaNameError
>>> try:
...     compile_formula("[Purchse] * 2", schema)
... except FormulaNameError as error:
...     print(error)
formula '[Purchse] * 2': unknown price type [Purchse] at line 1, column 1
  [Purchse] * 2
  ^
known price types: [Purchase]
>>> wholesale.evaluate({"Purchase": Decimal(1)}, {"quantity": Decimal(1)}, product_id="X") > 0
True
>>> compile_formula("[Purchase] / (quantity - 1)", schema).evaluate(
...     {"Purchase": Decimal(5)}, {"quantity": Decimal(1)}, product_id="CM-100")
Traceback (most recent call last):
...
salescore.errors.FormulaEvaluationError: formula ... for product 'CM-100': division by zero
"""

from __future__ import annotations

import decimal
import enum
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salescore.errors import (
    FormulaError,
    FormulaEvaluationError,
    FormulaNameError,
    MissingPriceError,
)
from salescore.money._context import decimal_context
from salescore.pricing.formula import ast
from salescore.pricing.formula.ast import Node
from salescore.pricing.formula.functions import FunctionContext, FunctionRegistry
from salescore.pricing.formula.parser import LIMITS, Formula, FormulaLimits, parse, point_at

__all__ = [
    "COMPILED_KEPT",
    "DEFAULT_PARAMS",
    "CompiledFormula",
    "FormulaSchema",
    "ValueKind",
    "check",
    "compile_formula",
    "evaluation_error",
]

DEFAULT_PARAMS: Mapping[str, Decimal] = {
    "quantity": Decimal(1),
    "currency_rate": Decimal(1),
    "vat_rate": Decimal(0),
}
"""Parameters every formula may use, with their values when the caller gives none.

``quantity`` is the ordered quantity, ``currency_rate`` a conversion rate the
caller supplies, ``vat_rate`` the VAT percent of the product's category on the
snapshot date (set per product by the pricing snapshot from the VAT table)."""

CompiledFunction = Callable[[Sequence[Decimal], Sequence[Decimal], FunctionContext], Any]


class ValueKind(enum.Enum):
    """What a sub-expression yields."""

    NUMBER = "a number"
    CONDITION = "a condition"


@attrs.frozen
class FormulaSchema:
    """What formulas may name.

    Attributes:
        price_types: names usable in brackets.
        params: bare names usable as parameters.
        functions: the functions that may be called.
        limits: the size limits formulas are parsed with.
    """

    price_types: frozenset[str] = frozenset()
    params: frozenset[str] = frozenset(DEFAULT_PARAMS)
    functions: FunctionRegistry = attrs.field(factory=FunctionRegistry.default)
    limits: FormulaLimits = LIMITS


def _fail(
    formula: Formula,
    node: Node,
    message: str,
    kind: type[FormulaError] = FormulaError,
    **details: Any,
) -> FormulaError:
    line, column = node.position
    where = f" at line {line}, column {column}" if line else ""
    text = f"formula {formula.text!r}: {message}{where}"
    if line:
        text += f"\n{point_at(formula.text, line, column)}"
    return kind(text, formula=formula.text, line=line, column=column, **details)


def _unknown(
    formula: Formula, node: ast.Ref | ast.Param | ast.Call, what: str, known_label: str, known: str
) -> FormulaNameError:
    line, column = node.position
    return FormulaNameError(
        f"formula {formula.text!r}: unknown {what} at line {line}, column {column}\n"
        f"{point_at(formula.text, line, column)}\n{known_label}: {known}",
        formula=formula.text,
        name=node.name,
        line=line,
        column=column,
    )


def _listing(names: frozenset[str], fmt: str) -> str:
    return ", ".join(fmt.format(n) for n in sorted(names)) or "none"


def check(formula: Formula, schema: FormulaSchema) -> None:
    """Check names, calls and types of ``formula`` against ``schema``.

    Raises:
        FormulaNameError: an unknown price type, parameter or function; the
            message names it and lists the known ones.
        FormulaError: a wrong number of arguments, or a condition where a
            number is needed (or the other way round).
    """
    result = _type_of(formula, formula.tree, schema)
    if result is not ValueKind.NUMBER:
        raise _fail(formula, formula.tree, "the formula must compute a number, not a condition")


def _expect(formula: Formula, node: Node, schema: FormulaSchema, wanted: ValueKind) -> None:
    found = _type_of(formula, node, schema)
    if found is not wanted:
        raise _fail(
            formula, node, f"{ast.to_text(node)!r} is {found.value}, {wanted.value} is needed here"
        )


def _type_of(formula: Formula, node: Node, schema: FormulaSchema) -> ValueKind:
    number, condition = ValueKind.NUMBER, ValueKind.CONDITION
    if isinstance(node, ast.Number):
        return number
    if isinstance(node, ast.Ref):
        if node.name not in schema.price_types:
            raise _unknown(
                formula,
                node,
                f"price type [{node.name}]",
                "known price types",
                _listing(schema.price_types, "[{}]"),
            )
        return number
    if isinstance(node, ast.Param):
        if node.name not in schema.params:
            raise _unknown(
                formula,
                node,
                f"name {node.name!r}",
                "parameters",
                f"{_listing(schema.params, '{}')}; write price types in brackets, "
                f"like [{node.name}]",
            )
        return number
    if isinstance(node, ast.Unary):
        wanted = condition if node.op == "not" else number
        _expect(formula, node.operand, schema, wanted)
        return wanted
    if isinstance(node, ast.BinOp):
        operand = condition if node.op in ast.LOGIC_OPS else number
        _expect(formula, node.left, schema, operand)
        _expect(formula, node.right, schema, operand)
        return number if node.op in ast.ARITHMETIC_OPS else condition
    if isinstance(node, ast.Call):
        if node.name not in schema.functions.functions:
            raise _unknown(
                formula,
                node,
                f"function {node.name!r}",
                "known functions",
                _listing(frozenset(schema.functions.names()), "{}"),
            )
        function = schema.functions.get(node.name)
        count = len(node.args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise _fail(
                formula,
                node,
                f"{node.name}() takes {function.arity_text()} argument(s), got {count}",
            )
        for arg in node.args:
            _expect(formula, arg, schema, number)
        return number
    _expect(formula, node.condition, schema, condition)
    _expect(formula, node.then, schema, number)
    _expect(formula, node.otherwise, schema, number)
    return number


class _CodeGen:
    """Turns a checked tree into Python source; only indices and fixed operators reach it."""

    _OPS: Mapping[str, str] = {
        "+": "+",
        "-": "-",
        "*": "*",
        "/": "/",
        "<": "<",
        "<=": "<=",
        ">": ">",
        ">=": ">=",
        "=": "==",
        "<>": "!=",
        "and": "and",
        "or": "or",
    }

    def __init__(
        self, references: Sequence[str], params: Sequence[str], functions: FunctionRegistry
    ) -> None:
        self.functions = functions
        self.references = {name: i for i, name in enumerate(references)}
        self.params = {name: i for i, name in enumerate(params)}
        self.namespace: dict[str, Any] = {"__builtins__": {}}
        self._constants: dict[Decimal | tuple[Any, ...], str] = {}

    def _constant(self, key: Any, value: Any) -> str:
        name = self._constants.get(key)
        if name is None:
            name = f"_k{len(self._constants)}"
            self._constants[key] = name
            self.namespace[name] = value
        return name

    def emit(self, node: Node) -> str:
        if isinstance(node, ast.Number):
            # keyed by the exact tuple: 1.0 and 1.00 are equal but print differently
            return self._constant(("n", node.value.as_tuple()), node.value)
        if isinstance(node, ast.Ref):
            return f"r[{self.references[node.name]}]"
        if isinstance(node, ast.Param):
            return f"p[{self.params[node.name]}]"
        if isinstance(node, ast.Unary):
            return f"({'not ' if node.op == 'not' else '-'}{self.emit(node.operand)})"
        if isinstance(node, ast.BinOp):
            return f"({self.emit(node.left)} {self._OPS[node.op]} {self.emit(node.right)})"
        if isinstance(node, ast.Call):
            impl = self.functions.get(node.name).implementation
            name = self._constant(("f", node.name), impl)
            args = "".join(f", {self.emit(a)}" for a in node.args)
            return f"{name}(x{args})"
        then, otherwise = self.emit(node.then), self.emit(node.otherwise)
        return f"({then} if {self.emit(node.condition)} else {otherwise})"


@attrs.frozen
class CompiledFormula:
    """A checked formula and its compiled callable.

    Attributes:
        formula: the source text and tree.
        references: price type names, in the order ``function`` takes their values.
        params: parameter names, in the order ``function`` takes their values.
        function: ``function(refs, params, context) -> Decimal``; run it inside the
            library's decimal context. :meth:`evaluate` does that for you.
        source: the generated Python source (for the curious; never contains formula text).
    """

    formula: Formula
    references: tuple[str, ...]
    params: tuple[str, ...]
    function: CompiledFunction = attrs.field(repr=False)
    source: str = attrs.field(repr=False)

    @property
    def text(self) -> str:
        """The formula text."""
        return self.formula.text

    def evaluate(
        self,
        refs: Mapping[str, Decimal],
        params: Mapping[str, Decimal] | None = None,
        *,
        product_id: str = "",
        context: FunctionContext | None = None,
    ) -> Decimal:
        """Evaluate with named values (slower than calling :attr:`function` directly).

        Raises:
            FormulaEvaluationError: division by zero or another arithmetic failure,
                naming the formula and ``product_id``.
            MissingPriceError: a reference has no value, or a data function found no data.
        """
        given = {**DEFAULT_PARAMS, **(params or {})}
        ctx = context or FunctionContext(product_id=product_id, formula=self.text)
        for name in self.references:
            if name not in refs:
                raise MissingPriceError(
                    f"formula {self.text!r} for product {ctx.product_id!r}: no price of [{name}]",
                    formula=self.text,
                    product=ctx.product_id,
                    name=name,
                )
        r = tuple(refs[name] for name in self.references)
        p = tuple(given[name] for name in self.params)
        with decimal.localcontext(decimal_context()):
            try:
                return self.function(r, p, ctx)  # type: ignore[no-any-return]
            except (ArithmeticError, FormulaError) as exc:
                raise evaluation_error(exc, self.text, ctx.product_id) from exc


def evaluation_error(exc: Exception, formula: str, product_id: str) -> FormulaError:
    """The engine's error for ``exc`` raised while evaluating ``formula`` for a product."""
    if isinstance(exc, MissingPriceError):
        return exc
    if isinstance(exc, ZeroDivisionError) or (
        isinstance(exc, decimal.InvalidOperation) and "DivisionUndefined" in repr(exc)
    ):
        what = "division by zero"
    elif isinstance(exc, decimal.Overflow):
        what = "the result is too large"
    elif isinstance(exc, FormulaError):
        what = str(exc)
    else:
        what = (
            f"invalid arithmetic ({type(exc).__name__}): the value is undefined or too "
            "large to round to its step"
        )
    return FormulaEvaluationError(
        f"formula {formula!r} for product {product_id!r}: {what}",
        formula=formula,
        product=product_id,
    )


COMPILED_KEPT = 512
"""How many compiled formula texts :func:`compile_formula` keeps (least recently
used first out): a pricing snapshot built per order or per day compiles each
price type's formula once per process, not once per snapshot."""


def compile_formula(
    source: str | Formula,
    schema: FormulaSchema,
) -> CompiledFormula:
    """Parse (if needed), check and compile a formula.

    A formula given as text is compiled once per schema and kept (see
    :data:`COMPILED_KEPT`); the result is immutable, so sharing it is safe.

    Raises:
        FormulaSyntaxError, FormulaLimitError: from parsing.
        FormulaNameError, FormulaError: from :func:`check`.
    """
    if isinstance(source, str):
        functions = tuple(sorted(schema.functions.functions.items()))
        return _compile_text(source, schema.price_types, schema.params, functions, schema.limits)
    return _compile(source, schema)


@functools.lru_cache(maxsize=COMPILED_KEPT)
def _compile_text(
    text: str,
    price_types: frozenset[str],
    params: frozenset[str],
    functions: tuple[tuple[str, Any], ...],
    limits: FormulaLimits,
) -> CompiledFormula:
    schema = FormulaSchema(price_types, params, FunctionRegistry(dict(functions)), limits)
    return _compile(text, schema)


def _compile(source: str | Formula, schema: FormulaSchema) -> CompiledFormula:
    formula = source if isinstance(source, Formula) else parse(source, schema.limits)
    check(formula, schema)
    references = formula.references
    params = tuple(
        dict.fromkeys(n.name for n in ast.nodes(formula.tree) if isinstance(n, ast.Param))
    )
    gen = _CodeGen(references, params, schema.functions)
    body = gen.emit(formula.tree)
    code = f"def _formula(r, p, x):\n    return {body}\n"
    namespace = gen.namespace
    exec(compile(code, "<salescore formula>", "exec"), namespace)
    return CompiledFormula(formula, references, params, namespace["_formula"], code)
