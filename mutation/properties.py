"""Mutation testing of the ``@property`` bodies mutmut leaves alone, one module at a time.

Usage (from the repository root)::

    .venv/bin/python mutation/properties.py receivables          # mutate and run every mutant
    .venv/bin/python mutation/properties.py                      # every module of MODULES
    .venv/bin/python mutation/properties.py orders --list        # print the mutants, run nothing
    .venv/bin/python mutation/properties.py orders --match Order.total  # only these mutants

mutmut 3.8 mutates no decorated function: a ``@property`` or ``functools.cached_property``
body is absent from ``mutation/run.py``'s runs. This script finds those bodies with ``ast`` in
the module's source files (the globs of ``MODULES`` in ``mutation/run.py``) and makes a few
mutants of each, one change at a time, in the text of the file (lines and columns kept):

- ``+`` <-> ``-`` and ``*`` <-> ``/`` (binary operators);
- ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``, ``is`` <-> ``is not`` (comparisons);
- ``and`` <-> ``or`` (every operator of one boolean expression at once);
- ``not x`` -> ``x``;
- the integer constants ``0`` <-> ``1``;
- ``return <expression>`` -> ``return None``.

A property whose body (its docstring aside) is a single attribute return (``return self._x``,
``return self.order.currency``) is skipped: nothing in it computes. Nothing inside a ``raise``
statement is mutated (as in ``mutation/run.py``), nor a nested function.

The sources are copied once per module to a temporary directory (the rest of the repository
is linked there: tests, pyproject.toml, ...). Each mutant is written into that copy and the
area's tests (the test list of ``MODULES``, with the module's doctests) run in it with
``pytest -x -q -p no:cacheprovider -m "not slow"``, ``PYTHONPATH`` pointing at the copy;
the script first checks that ``salescore`` is imported from the copy and that the unmutated
copy passes. A mutant is killed when the tests fail or run past the timeout (three times the
unmutated run, at least 60 s). The script prints ``metric property_mutation_score_<module> X``,
X being killed / (mutants - equivalent), and every survivor as ``file:line name mutation``.

Equivalent mutants are listed in ``mutation/equivalent_properties.txt``, in the format of
``mutation/equivalent.txt``: the name this script prints (``module.path:Class.prop:N``, N
counting the mutants of one property in source order), a space, then why.

Limits: one pytest at a time (slow on purpose; a module takes minutes), no other operators
than those above, and a mutant's number moves when its property's body changes.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import FAST, MODULES, PYTEST_ARGS, ROOT, equivalent_names

EQUIVALENT = ROOT / "mutation" / "equivalent_properties.txt"
PROPERTY_DECORATORS = {"property", "cached_property"}
MIN_TIMEOUT = 60.0

_BINARY: dict[type[ast.operator], tuple[str, str]] = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
}
_COMPARE: dict[type[ast.cmpop], tuple[str, str]] = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.Is: ("is", "is not"),
    ast.IsNot: ("is not", "is"),
}


@dataclass(frozen=True)
class Mutant:
    """One change to one property body: replace ``text[start:end]`` by ``replacement``."""

    name: str  # salescore.receivables.aging:AgingReport.total:3
    path: Path  # relative to the repository root
    line: int
    start: int  # character offsets in the file's text
    end: int
    replacement: str
    description: str  # "+ -> -"


class _Text:
    """A source file's text with AST positions (UTF-8 byte columns) turned into offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Lines as ast counts them: split at "\n" only (str.splitlines also splits at form
        # feeds and other separators a string literal may hold).
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, line: int, byte_col: int) -> int:
        prefix = self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8")
        return self.starts[line - 1] + len(prefix)

    def begin(self, node: ast.expr | ast.stmt) -> int:
        return self.offset(node.lineno, node.col_offset)

    def finish(self, node: ast.expr | ast.stmt) -> int:
        assert node.end_lineno is not None
        assert node.end_col_offset is not None
        return self.offset(node.end_lineno, node.end_col_offset)


def _is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id in PROPERTY_DECORATORS:
            return True
        if isinstance(decorator, ast.Attribute) and decorator.attr in PROPERTY_DECORATORS:
            return True
    return False


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The statements of a function, its docstring left out."""
    body = node.body
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return body[1:]
    return body


def _attribute_chain(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def is_plain_attribute(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True for a body that only returns an attribute (``return self._x``): skipped."""
    body = _body(node)
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and body[0].value is not None
        and isinstance(body[0].value, ast.Attribute)
        and _attribute_chain(body[0].value)
    )


def _walk(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a body in source order, leaving out raise statements and nested defs."""
    for node in nodes:
        yield from _walk_node(node)


def _walk_node(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Raise | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _walk_node(child)


def _operator_at(text: str, start: int, end: int, symbol: str) -> tuple[int, int] | None:
    """Where ``symbol`` stands between two operands (parentheses and comments around it)."""
    gap = text[start:end]
    code = "\n".join(line.split("#", 1)[0] for line in gap.split("\n"))
    words = symbol.split()
    stripped = "".join(ch for ch in code if ch not in "()\\ \t\n")
    if stripped != "".join(words):
        return None
    first = code.find(words[0])
    if len(words) == 1:
        return start + first, start + first + len(symbol)
    last = code.find(words[-1], first + len(words[0]))
    return start + first, start + last + len(words[-1])


def _node_mutants(source: _Text, node: ast.AST) -> Iterator[tuple[int, int, int, str, str]]:
    """(line, start, end, replacement, description) of each mutant of one node."""
    text = source.text
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        old, new = _BINARY[type(node.op)]
        span = _operator_at(text, source.finish(node.left), source.begin(node.right), old)
        if span:
            yield node.lineno, span[0], span[1], new, f"{old} -> {new}"
    elif isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if type(op) not in _COMPARE:
                continue
            old, new = _COMPARE[type(op)]
            span = _operator_at(text, source.finish(left), source.begin(right), old)
            if span:
                yield right.lineno, span[0], span[1], new, f"{old} -> {new}"
    elif isinstance(node, ast.BoolOp):
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        start, end = source.begin(node), source.finish(node)
        pieces = [text[start : source.begin(node.values[0])]]
        for left, right in zip(node.values, node.values[1:], strict=False):
            pieces.append(text[source.begin(left) : source.finish(left)])
            span = _operator_at(text, source.finish(left), source.begin(right), old)
            if span is None:
                return
            gap = text[source.finish(left) : source.begin(right)]
            offset = span[0] - source.finish(left)
            pieces.append(gap[:offset] + new + gap[offset + len(old) :])
        last = node.values[-1]
        pieces.append(text[source.begin(last) : end])
        yield node.lineno, start, end, "".join(pieces), f"{old} -> {new}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node.lineno, source.begin(node), source.begin(node.operand), "", "not x -> x"
    elif isinstance(node, ast.Constant) and type(node.value) is int and node.value in (0, 1):
        new = str(1 - node.value)
        yield node.lineno, source.begin(node), source.finish(node), new, f"{node.value} -> {new}"
    elif isinstance(node, ast.Return) and node.value is not None:
        value = node.value
        if not (isinstance(value, ast.Constant) and value.value is None):
            start, end = source.begin(value), source.finish(value)
            yield node.lineno, start, end, "None", "return ... -> return None"


_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _qualified(tree: ast.Module) -> Iterator[tuple[str, _Function]]:
    """Every property of a module with its qualified name (``Class.prop``)."""

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, _Function]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if _is_property(child):
                    yield f"{prefix}{child.name}", child
                yield from visit(child, f"{prefix}{child.name}.")

    yield from visit(tree, "")


def source_files(module: str) -> list[Path]:
    """The module's source files (``MODULES`` globs of ``mutation/run.py``), repository-relative."""
    only, _ = MODULES[module]
    found = {p.relative_to(ROOT) for pattern in only for p in ROOT.glob(pattern)}
    return sorted(p for p in found if p.suffix == ".py")


def mutants(module: str) -> tuple[list[Mutant], list[str]]:
    """The mutants of a module's properties, and the names of the properties skipped."""
    found: list[Mutant] = []
    skipped: list[str] = []
    for path in source_files(module):
        source = _Text((ROOT / path).read_text(encoding="utf-8"))
        dotted = ".".join(path.with_suffix("").parts[1:]).removesuffix(".__init__")
        for qualname, function in _qualified(ast.parse(source.text)):
            if is_plain_attribute(function):
                skipped.append(f"{dotted}:{qualname}")
                continue
            number = 0
            for node in _walk(_body(function)):
                for line, start, end, replacement, description in _node_mutants(source, node):
                    changed = source.text[:start] + replacement + source.text[end:]
                    try:
                        ast.parse(changed)
                    except SyntaxError:
                        continue
                    number += 1
                    name = f"{dotted}:{qualname}:{number}"
                    found.append(Mutant(name, path, line, start, end, replacement, description))
    return found, skipped


def _prepare(module: str) -> Path:
    """A temporary copy of ``src`` beside links to the rest of the repository."""
    work = Path(tempfile.mkdtemp(prefix=f"salescore-properties-{module}-"))
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for entry in ROOT.iterdir():
        if entry.name not in {"src", ".git", ".venv", "mutation", ".hypothesis"}:
            (work / entry.name).symlink_to(entry)
    return work


def _environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(work / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _tests(module: str, work: Path) -> list[str]:
    """The area's test files, after the target's own pytest arguments (``PYTEST_ARGS``)."""
    _, patterns = MODULES[module]
    files = sorted({str(p.relative_to(work)) for pattern in patterns for p in work.glob(pattern)})
    return [*PYTEST_ARGS.get(module, []), *files]


def _pytest(work: Path, tests: list[str], timeout: float) -> tuple[int | None, float]:
    """Exit code of the area's tests in the work directory (None past the timeout), seconds."""
    shutil.rmtree(work / ".hypothesis", ignore_errors=True)  # no example replayed from a mutant
    argv = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *FAST, *tests]
    began = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            cwd=work,
            env=_environment(work),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - began
    return done.returncode, time.monotonic() - began


def _check_import(work: Path) -> None:
    """Stop unless ``salescore`` is imported from the work directory's copy."""
    code = "import salescore; print(salescore.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env=_environment(work),
        capture_output=True,
        text=True,
        check=True,
    )
    imported = Path(done.stdout.strip()).resolve()
    if not imported.is_relative_to((work / "src").resolve()):
        raise SystemExit(f"salescore is imported from {imported}, not from the copy in {work}")


def run(
    module: str, selected: list[Mutant], every: list[Mutant], equivalent: dict[str, str]
) -> float:
    """Run every selected mutant against the area's tests; print survivors and the score."""
    work = _prepare(module)
    try:
        _check_import(work)
        tests = _tests(module, work)
        code, seconds = _pytest(work, tests, timeout=1800)
        if code != 0:
            raise SystemExit(f"the area's tests fail on the unmutated copy (exit {code}): {work}")
        timeout = max(MIN_TIMEOUT, 3 * seconds)
        print(f"# {module}: {len(selected)} mutants; unmutated tests {seconds:.0f} s")
        sys.stdout.flush()
        killed = equivalents = 0
        alive: list[Mutant] = []
        for mutant in selected:
            target = work / mutant.path
            original = target.read_text(encoding="utf-8")
            changed = original[: mutant.start] + mutant.replacement + original[mutant.end :]
            target.write_text(changed, encoding="utf-8")
            try:
                code, _ = _pytest(work, tests, timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            if code is None:
                print(f"#   timeout (counted killed): {mutant.name}")
            if code != 0:
                killed += 1
                if mutant.name in equivalent:
                    print(f"#   stale equivalent entry (killed): {mutant.name}")
            elif mutant.name in equivalent:
                equivalents += 1
            else:
                alive.append(mutant)
                where = f"{mutant.path}:{mutant.line}"
                print(f"#   survived: {where} {mutant.name} {mutant.description}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counted = len(selected) - equivalents
    score = killed / counted if counted else 1.0
    print(
        f"# {module}: {len(selected)} mutants, {killed} killed, {equivalents} equivalent, "
        f"{len(alive)} not killed"
    )
    names = {m.name for m in every}
    prefix = f"salescore.{module}."
    for name in sorted(n for n in equivalent if n.startswith(prefix)):
        if name not in names:
            print(f"#   stale equivalent entry (gone): {name}")
    print(f"metric property_mutation_score_{module} {score:.4f}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("modules", nargs="*", help=f"{', '.join(MODULES)} (default: all)")
    parser.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    parser.add_argument("--match", default="", help="only mutants whose name contains this")
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    for module in modules:
        if module not in MODULES:
            raise SystemExit(f"unknown module {module!r}; one of {', '.join(MODULES)}")
    equivalent = equivalent_names(EQUIVALENT)
    for module in modules:
        found, skipped = mutants(module)
        selected = [m for m in found if args.match in m.name]
        if args.list:
            print(f"# {module}: skipped (a single attribute return): {', '.join(skipped)}")
            for m in selected:
                print(f"{m.path}:{m.line} {m.name} {m.description}")
            continue
        run(module, selected, found, equivalent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
