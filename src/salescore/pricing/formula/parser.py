"""Parsing formula text into a syntax tree, within documented limits.

The grammar (``formula.lark``) is loaded once with Lark's LALR parser.
Numbers become :class:`~decimal.Decimal` in the transformer, never floats;
``15%`` is the number 0.15. Lark's types stay inside this module: a text
that does not parse raises :class:`~salescore.errors.FormulaSyntaxError` with
the line, the column, the line of text with a caret under the spot, and what
was expected there.

>>> parse("[Закупочная] * (1 + 15%)").tree
BinOp(op='*', left=Ref(name='Закупочная'), right=BinOp(op='+', left=Number(value=Decimal('1'), ...
>>> from salescore.errors import FormulaSyntaxError
>>> try:
...     parse("[Purchase] * * 2")
... except FormulaSyntaxError as error:
...     print(error)
formula syntax error at line 1, column 14: unexpected '*'
  [Purchase] * * 2
               ^
expected a number, a [price type], a name, '(' or a sign

Limits (:data:`LIMITS`) bound the work any text can cause: the length of
the text, the nesting of parentheses, the depth of the tree and the digits of
a number. Past a limit the parser raises
:class:`~salescore.errors.FormulaLimitError` before doing the expensive work.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from salescore.errors import FormulaError, FormulaLimitError, FormulaSyntaxError
from salescore.money._context import EXACT
from salescore.pricing.formula import ast
from salescore.pricing.formula.ast import Node

__all__ = ["LIMITS", "Formula", "FormulaLimits", "parse", "point_at"]


@attrs.frozen
class FormulaLimits:
    """Bounds on formula size; every formula is checked against them when parsed.

    Attributes:
        max_length: characters of formula text.
        max_nesting: parentheses (of groups and calls) open at once.
        max_depth: levels of the syntax tree; each operator of a chain
            ``a + b + c`` adds one level.
        max_digits: digits of one number literal.
    """

    max_length: int = 1000
    max_nesting: int = 20
    max_depth: int = 64
    max_digits: int = 24


LIMITS = FormulaLimits()

_EXPECTED = {
    "NUMBER": "a number",
    "REF": "a [price type]",
    "NAME": "a name",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "PERCENT": "'%'",
    "ADD_OP": "an operator",
    "MUL_OP": "an operator",
    "COMP_OP": "a comparison",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "SIGN": "a sign",
    "$END": "the end of the formula",
}


@functools.cache
def _parser() -> Lark:
    return Lark.open_from_package(
        "salescore.pricing.formula", "formula.lark", parser="lalr", maybe_placeholders=True
    )


@attrs.frozen
class Formula:
    """Formula text together with its syntax tree.

    Attributes:
        text: the text as written.
        tree: the syntax tree.
    """

    text: str
    tree: Node

    @property
    def references(self) -> tuple[str, ...]:
        """The names of the price types it refers to, in order of first use."""
        return tuple(dict.fromkeys(n.name for n in ast.nodes(self.tree) if isinstance(n, ast.Ref)))

    def __str__(self) -> str:
        return self.text


def point_at(text: str, line: int, column: int) -> str:
    """The ``line`` of ``text`` and a caret under ``column`` (both 1-based), indented."""
    lines = text.splitlines() or [""]
    shown = lines[min(max(line, 1), len(lines)) - 1]
    return f"  {shown}\n  {' ' * max(column - 1, 0)}^"


def _describe_expected(names: set[str] | frozenset[str]) -> str:
    described = list(dict.fromkeys(_EXPECTED.get(n, repr(n)) for n in sorted(names)))
    order = list(dict.fromkeys(_EXPECTED.values()))
    described.sort(key=lambda d: order.index(d) if d in order else len(order))
    if len(described) == 1:
        return described[0]
    return f"{', '.join(described[:-1])} or {described[-1]}"


def _syntax_error(text: str, exc: UnexpectedInput) -> FormulaSyntaxError:
    line, column = exc.line, exc.column
    token = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedEOF) or line < 1 or (token is not None and token.type == "$END"):
        lines = text.rstrip().splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        what = "the formula ends too early"
        expected = _describe_expected(set(getattr(exc, "expected", ())))
    elif isinstance(exc, UnexpectedCharacters):
        if exc.char == "[":
            what = "a price type reference must be a name in brackets on one line, like [Purchase]"
        else:
            what = f"unexpected character {exc.char!r}"
        expected = _describe_expected(set(exc.allowed or ()))
    else:
        what = f"unexpected {str(token)!r}"
        expected = _describe_expected(set(getattr(exc, "expected", ())))
    return FormulaSyntaxError(
        f"formula syntax error at line {line}, column {column}: {what}\n"
        f"{point_at(text, line, column)}\nexpected {expected}",
        line=line,
        column=column,
        context=point_at(text, line, column),
        expected=expected,
        formula=text,
    )


def _check_nesting(text: str, limits: FormulaLimits) -> None:
    level, in_ref, line, column = 0, False, 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char == "[":
            in_ref = True
        elif char == "]":
            in_ref = False
        elif char == "(" and not in_ref:
            level += 1
            if level > limits.max_nesting:
                raise FormulaLimitError(
                    f"formula nests parentheses deeper than {limits.max_nesting} levels at "
                    f"line {line}, column {column}: split it into price types\n"
                    f"{point_at(text, line, column)}",
                    line=line,
                    column=column,
                    limit=limits.max_nesting,
                )
        elif char == ")" and not in_ref:
            level -= 1


def _pos(token: Token) -> tuple[int, int]:
    return (token.line or 0, token.column or 0)


def _number(token: Token, limits: FormulaLimits, scale: int = 0) -> Decimal:
    if len(token.replace(".", "")) > limits.max_digits:
        raise FormulaLimitError(
            f"number {str(token)[:30]!r}... at line {token.line}, column {token.column} has more "
            f"than {limits.max_digits} digits",
            line=token.line,
            column=token.column,
            limit=limits.max_digits,
        )
    return Decimal(str(token)).scaleb(scale, EXACT)  # exact, whatever the caller's context


class _ToAst(Transformer[Token, Node]):
    def __init__(self, limits: FormulaLimits) -> None:
        super().__init__()
        self.limits = limits

    def number(self, children: list[Token]) -> Node:
        (token,) = children
        return ast.Number(_number(token, self.limits), str(token), position=_pos(token))

    def percent(self, children: list[Token]) -> Node:
        (token,) = children
        value = _number(token, self.limits, -2)
        return ast.Number(value, f"{token}%", position=_pos(token))

    def ref(self, children: list[Token]) -> Node:
        (token,) = children
        name = " ".join(str(token)[1:-1].split())
        if not name:
            raise FormulaSyntaxError(
                f"empty price type name at line {token.line}, column {token.column}: write "
                "a name between the brackets, like [Purchase]",
                line=token.line,
                column=token.column,
            )
        return ast.Ref(name, position=_pos(token))

    def param(self, children: list[Token]) -> Node:
        (token,) = children
        return ast.Param(str(token), position=_pos(token))

    @v_args(inline=True)
    def args(self, *items: Node) -> tuple[Node, ...]:
        return items

    def call(self, children: list[object]) -> Node:
        name_token, arguments = children
        assert isinstance(name_token, Token)
        items: tuple[Node, ...] = arguments if isinstance(arguments, tuple) else ()
        position = _pos(name_token)
        if str(name_token) == "if":
            if len(items) != 3:
                raise FormulaError(
                    f"if() takes exactly 3 arguments (condition, then, otherwise), got "
                    f"{len(items)} at line {position[0]}, column {position[1]}",
                    line=position[0],
                    column=position[1],
                )
            return ast.IfThen(items[0], items[1], items[2], position=position)
        return ast.Call(str(name_token), items, position=position)

    def _fold(self, children: list[object]) -> Node:
        result = children[0]
        assert not isinstance(result, Token)
        for i in range(1, len(children), 2):
            op, right = children[i], children[i + 1]
            assert isinstance(op, Token)
            assert not isinstance(right, Token)
            text = {"==": "=", "!=": "<>"}.get(str(op), str(op))
            result = ast.BinOp(text, result, right, position=_pos(op))  # type: ignore[arg-type]
        return result  # type: ignore[return-value]

    or_expr = _fold
    and_expr = _fold
    sum = _fold
    product = _fold
    comparison = _fold

    def not_expr(self, children: list[object]) -> Node:
        return _prefix(children)

    def unary(self, children: list[object]) -> Node:
        return _prefix(children)


def _prefix(children: list[object]) -> Node:
    *ops, result = children
    assert not isinstance(result, Token)
    for op in reversed(ops):
        assert isinstance(op, Token)
        if op == "+":
            continue
        result = ast.Unary("not" if op == "not" else "-", result, position=_pos(op))  # type: ignore[arg-type]
    return result  # type: ignore[return-value]


def parse(text: str, limits: FormulaLimits = LIMITS) -> Formula:
    """Parse formula ``text`` into a :class:`Formula`.

    Raises:
        FormulaSyntaxError: the text does not follow the grammar.
        FormulaLimitError: the text is longer, deeper or has longer numbers
            than ``limits`` allow.
        FormulaError: ``if`` without exactly three arguments.
    """
    if not isinstance(text, str):
        raise FormulaError(f"a formula is text, got {type(text).__name__}", value=text)
    if len(text) > limits.max_length:
        raise FormulaLimitError(
            f"formula is {len(text)} characters long, more than the limit of "
            f"{limits.max_length}: split it into several price types",
            limit=limits.max_length,
            length=len(text),
        )
    if not text.strip():
        raise FormulaSyntaxError(
            "formula is empty: write an expression such as [Purchase] * 1.25",
            line=1,
            column=1,
            formula=text,
        )
    _check_nesting(text, limits)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from exc
    try:
        node = _ToAst(limits).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, FormulaError):
            raise exc.orig_exc from None
        raise  # pragma: no cover - a bug in the transformer, not bad input
    found = ast.depth(node)
    if found > limits.max_depth:
        raise FormulaLimitError(
            f"formula is {found} levels deep, more than the limit of {limits.max_depth}: "
            "split it into several price types",
            limit=limits.max_depth,
            depth=found,
        )
    return Formula(text, node)
