"""The syntax tree of a price formula: frozen values, no behaviour of their own.

The parser builds these nodes from formula text; the checker, the compiler
and the reference interpreter walk them. Each node knows where it came from
(``line``, ``column``; not part of equality) so that errors found after
parsing can still point at the spot, and each renders back to canonical
formula text with :func:`to_text`.

>>> from decimal import Decimal
>>> tree = BinOp("*", Ref("Purchase"), Number(Decimal("1.25")))
>>> to_text(tree)
'[Purchase] * 1.25'
>>> to_text(Call("round", (BinOp("+", Param("quantity"), Number(Decimal("0.15"), "15%")),
...                        Number(Decimal(1)))))
'round(quantity + 15%, 1)'
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeAlias

import attrs

__all__ = [
    "ARITHMETIC_OPS",
    "COMPARISON_OPS",
    "LOGIC_OPS",
    "BinOp",
    "Call",
    "IfThen",
    "Node",
    "Number",
    "Param",
    "Ref",
    "Unary",
    "children",
    "depth",
    "nodes",
    "to_text",
]

ARITHMETIC_OPS = frozenset({"+", "-", "*", "/"})
COMPARISON_OPS = frozenset({"<", "<=", ">", ">=", "=", "<>"})
LOGIC_OPS = frozenset({"and", "or"})


def _position() -> tuple[int, int]:
    return attrs.field(default=(0, 0), eq=False, repr=False, kw_only=True)


@attrs.frozen
class Number:
    """A decimal literal; ``text`` keeps how it was written (``15%`` is 0.15)."""

    value: Decimal
    text: str = attrs.field(default="", eq=False)
    position: tuple[int, int] = _position()


@attrs.frozen
class Ref:
    """A reference to another price type by name: ``[Purchase]``."""

    name: str
    position: tuple[int, int] = _position()


@attrs.frozen
class Param:
    """A context parameter by name: ``quantity``, ``currency_rate``, ``vat_rate``."""

    name: str
    position: tuple[int, int] = _position()


@attrs.frozen
class Unary:
    """``-x`` (op ``"-"``) or ``not x`` (op ``"not"``)."""

    op: str
    operand: Node
    position: tuple[int, int] = _position()


@attrs.frozen
class BinOp:
    """An arithmetic, comparison or logic operator applied to two operands."""

    op: str
    left: Node
    right: Node
    position: tuple[int, int] = _position()


@attrs.frozen
class Call:
    """A function call: ``min(a, b)``, ``avg_purchase_price(30)``."""

    name: str
    args: tuple[Node, ...]
    position: tuple[int, int] = _position()


@attrs.frozen
class IfThen:
    """``if(condition, then, otherwise)``: only the chosen branch is evaluated."""

    condition: Node
    then: Node
    otherwise: Node
    position: tuple[int, int] = _position()


Node: TypeAlias = Number | Ref | Param | Unary | BinOp | Call | IfThen

# Binding strength, loosest first, used to print only the parentheses needed.
_PRECEDENCE = {"or": 1, "and": 2, "not": 3, **dict.fromkeys(COMPARISON_OPS, 4)}
_PRECEDENCE |= {"+": 5, "-": 5, "*": 6, "/": 6}
_ATOM = 8


def _strength(node: Node) -> int:
    if isinstance(node, BinOp):
        return _PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _PRECEDENCE["not"] if node.op == "not" else 7
    return _ATOM


def _number_text(node: Number) -> str:
    if node.text:
        return node.text
    return format(node.value, "f")


def to_text(node: Node) -> str:
    """Canonical formula text for ``node``; parsing it gives an equal tree."""
    if isinstance(node, Number):
        text = _number_text(node)
        return f"({text})" if text.startswith("-") else text
    if isinstance(node, Ref):
        return f"[{node.name}]"
    if isinstance(node, Param):
        return node.name
    if isinstance(node, Unary):
        inner = to_text(node.operand)
        if _strength(node.operand) < _strength(node):
            inner = f"({inner})"
        return f"not {inner}" if node.op == "not" else f"-{inner}"
    if isinstance(node, BinOp):
        mine = _PRECEDENCE[node.op]
        left, right = to_text(node.left), to_text(node.right)
        # Comparisons do not chain, so a comparison operand of a comparison needs parentheses.
        left_weak = _strength(node.left) < mine or (
            node.op in COMPARISON_OPS and _strength(node.left) == mine
        )
        if left_weak:
            left = f"({left})"
        if _strength(node.right) <= mine:  # left-associative: equal strength on the right
            right = f"({right})"
        return f"{left} {node.op} {right}"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_text(a) for a in node.args)})"
    return f"if({to_text(node.condition)}, {to_text(node.then)}, {to_text(node.otherwise)})"


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, IfThen):
        return (node.condition, node.then, node.otherwise)
    return ()


def nodes(node: Node) -> list[Node]:
    """Every node of the tree, parents before children (iterative: no recursion limit)."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(children(current)))
    return found


def depth(node: Node) -> int:
    """The number of nodes on the longest path from ``node`` to a leaf (iterative)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest
