"""Mutation testing of salescore's rule core with mutmut, one module at a time.

Usage (from the repository root; ``make mutation`` does this for every module)::

    .venv/bin/python mutation/run.py                 # every module, in MODULES order
    .venv/bin/python mutation/run.py money pricing   # only these
    .venv/bin/python mutation/run.py money.allocation pricing.formula.compile  # one file each
    .venv/bin/python mutation/run.py --report money  # score the last run again, run nothing
    .venv/bin/python mutation/run.py --again money   # retry only the last run's survivors
                                                     # (not those listed as equivalent)

Each module is mutated in its own work directory ``mutation/.work/<module>`` (mutmut keeps its
copy of the code in ``mutants/`` there), against the tests of its own area only, so a run takes
minutes. A dotted target (``money.allocation``, ``pricing.formula.compile``) mutates that one
source file against the same tests, in ``mutation/.work/<target>``: the quick way to work on
one file's survivors. Tests marked ``slow`` (concurrency, large data) are left out of every run.

The application layer (``src/salescore/app``) is not a module: each of its files is a target
of its own, named by its dotted path (``app.receivables``, ``app.shipments``; ``target()`` takes
a key of ``MODULES`` whole before it splits a name at the dot), mutated against the tests that
drive its use cases (contract tests, the area's unit tests and scenarios) on the memory and
SQLite stores only: ``PYTEST_ARGS`` adds ``-k "not postgres"`` for them, as a PostgreSQL test
would start a server in every mutant's run::

    .venv/bin/python mutation/run.py --jobs 1 app.receivables
For each module the script prints ``metric mutation_score_<module> <x>``, where x is
killed / (mutants - equivalent), and lists the surviving mutants that are not in
``mutation/equivalent.txt``. Show one with
``cd mutation/.work/<module> && ../../../.venv/bin/mutmut show <name>``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutation" / ".work"
EQUIVALENT = ROOT / "mutation" / "equivalent.txt"

# module -> (source globs mutmut may mutate, the area's tests). Largest-value modules first.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "receivables": (["src/salescore/receivables/*"], ["tests/unit/receivables"]),
    "discounts": (["src/salescore/discounts/*"], ["tests/unit/discounts"]),
    "reservation": (["src/salescore/reservation/*"], ["tests/unit/reservation"]),
    "shipments": (["src/salescore/shipments/*"], ["tests/unit/shipments"]),
    "pricing": (["src/salescore/pricing/*"], ["tests/unit/pricing"]),
    "money": (
        ["src/salescore/money/*"],
        ["tests/unit/money", "tests/unit/test_money*.py", "tests/unit/test_quantity*.py"],
    ),
    # VAT of every line: its own tests, the price types' VAT conversion, the fiscal VAT codes.
    "tax": (
        ["src/salescore/tax/*"],
        [
            "tests/unit/test_vat.py",
            "tests/unit/pricing/test_vat_conversion.py",
            "tests/unit/hardware/test_fiscal_vat.py",
        ],
    ),
    "agreements": (["src/salescore/agreements/*"], ["tests/unit/agreements"]),
    "dates": (
        ["src/salescore/dates/*"],
        ["tests/unit/test_business_calendar*.py", "tests/unit/test_dates*.py"],
    ),
    # The sale pricer lives in orders: the sales goldens and use case price through it.
    "orders": (
        ["src/salescore/orders/*"],
        [
            "tests/unit/orders",
            "tests/scenarios/test_sales_goldens.py",
            "tests/unit/test_sales_use_case.py",
        ],
    ),
    # Fiscal receipts and cash-shift figures; the contract test reads them back from every store.
    "retail": (
        ["src/salescore/retail/*"],
        ["tests/unit/retail", "tests/contract/test_retail_contract.py"],
    ),
    # The application layer (src/salescore/app): use cases that read from a store, call the
    # rules and write back. Each file is a target of its own, named by its dotted path under
    # salescore (its mutants are named so too), with the tests that drive it: the contract
    # tests on the stores, the area's unit tests and scenarios. Not a module "app".
    "app.receivables": (
        ["src/salescore/app/receivables.py"],
        [
            "tests/contract/test_receivables_contract.py",
            "tests/contract/test_store_equivalence.py",
            "tests/unit/receivables/test_aging_cache.py",
            "tests/unit/receivables/test_aging_store_examples.py",
        ],
    ),
    # Without the store-equivalence machine (20 s a run, paid by every survivor of about 1,500
    # mutants): the shipping state machine of tests/unit/shipments drives the same use cases.
    "app.shipments": (
        ["src/salescore/app/shipments.py"],
        [
            "tests/unit/shipments",
            "tests/scenarios/shipments",
            "tests/contract/test_shipments_contract.py",
        ],
    ),
}
# The doctests of a module's own source run with its tests (pyproject turns doctest-modules on).
MODULES = {
    m: (only, [*tests, *(o.removesuffix("/*") for o in only)])
    for m, (only, tests) in MODULES.items()
}

# Left out of every run: tests that take seconds each (threads, processes, large data).
FAST = ["-m", "not slow"]

# Further pytest arguments of a target, after FAST. The app layer's tests run on the memory
# and SQLite stores only: a PostgreSQL test (its name or store says "postgres") would start a
# server in every mutant's run, seconds each, for what the adapter's own tests check.
WITHOUT_POSTGRES = ["-k", "not postgres"]
PYTEST_ARGS: dict[str, list[str]] = {
    "app.receivables": WITHOUT_POSTGRES,
    "app.shipments": WITHOUT_POSTGRES,
}

KILLED = {"killed", "timeout", "caught by type check", "segfault"}

# Executed inside the mutmut process: narrows the checked-in [tool.mutmut] settings to one module.
_DRIVER = """
import sys
import mutmut.configuration as configuration

only, tests, jobs = sys.argv[1].split(","), sys.argv[2].split(","), sys.argv[3]
cfg = configuration.config()
cfg.only_mutate = only
cfg.pytest_add_cli_args_test_selection = tests
cfg.pytest_add_cli_args = [*cfg.pytest_add_cli_args, *sys.argv[4].split(",")]
sys.argv = ["mutmut", "run", "--max-children", jobs, *sys.argv[5:]]
from mutmut.__main__ import cli
cli()
"""


def target(name: str) -> tuple[list[str], list[str]]:
    """Source globs and tests of a module (``money``) or of one file of it (``money.rounding``).

    A file is mutated against the tests of its whole module: they are the tests of its area.
    A key of ``MODULES`` is taken whole first, so ``app.receivables`` is the app-layer target
    with its own tests, not a file of a module ``app``.
    """
    if name in MODULES:
        return MODULES[name]
    module, _, rest = name.partition(".")
    if module not in MODULES:
        raise SystemExit(f"unknown module {module!r}; one of {', '.join(MODULES)}")
    only, tests = MODULES[module]
    if not rest:
        return only, tests
    path = ROOT / "src" / "salescore" / module / rest.replace(".", "/")
    if path.with_suffix(".py").is_file():
        return [str(path.with_suffix(".py").relative_to(ROOT))], tests
    if path.is_dir():
        return [f"{path.relative_to(ROOT)}/*"], tests
    raise SystemExit(f"no source file or package for {name!r} under src/salescore/{module}")


def equivalent_names(path: Path = EQUIVALENT) -> dict[str, str]:
    """Mutant name -> why it is equivalent, from mutation/equivalent.txt (or another list)."""
    result: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, why = line.partition(" ")
        result[name] = why.strip()
    return result


def prepare(module: str, baseline: str | None) -> Path:
    """A fresh work directory whose src, tests and pyproject.toml are the repository's own.

    With ``baseline`` (a git revision) the tests are those of that revision instead: the score
    before new tests, on today's code.
    """
    work = WORK / module
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("src", "pyproject.toml"):
        (work / name).symlink_to(ROOT / name)
    if baseline is None:
        (work / "tests").symlink_to(ROOT / "tests")
    else:
        archive = subprocess.run(
            ["git", "archive", baseline, "tests"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive.stdout, check=True)
    return work


def run_module(
    module: str,
    jobs: str,
    *,
    again: bool = False,
    unchecked: bool = False,
    equivalent: dict[str, str] | None = None,
    baseline: str | None = None,
) -> int:
    """Run mutmut over one module or file; with ``again``, only the last run's survivors.

    ``equivalent`` (names listed in mutation/equivalent.txt) are left out of a retry: no test
    can kill them, and each runs every test of its function (up to a minute in discounts).
    """
    only, patterns = target(module)
    extra: list[str] = []
    if again:
        # Keep the work directory (and mutmut's cache); retry only what the last run left alive.
        work = WORK / module
        if (work / "tests").is_dir() and not (work / "tests").is_symlink():
            shutil.rmtree(work / "tests")
            (work / "tests").symlink_to(ROOT / "tests")
        retry = KILLED | ({"not checked"} if not unchecked else set())
        skip = equivalent or {}
        extra = sorted(n for n, s in results(module).items() if s not in retry and n not in skip)
        if not extra:
            return 0
    else:
        work = prepare(module, baseline)
    # The same relative paths in the work directory: its tests are ours or the baseline's.
    tests = sorted({str(p.relative_to(work)) for pattern in patterns for p in work.glob(pattern)})
    selection = work / "selection.txt"
    if again and selection.exists() and selection.read_text(encoding="utf-8").split() != tests:
        # mutmut drops every cached result when the test selection changes (a new test file
        # matched a pattern): retrying only the survivors would leave the rest unchecked.
        print(f"# {module}: the test files changed since the last run; running every mutant")
        extra = []
    selection.write_text("\n".join(tests), encoding="utf-8")
    # mutmut copies the tests into mutants/ over what is there: a file the work directory no
    # longer has (a baseline's, a deleted one) would stay and run. Start from a fresh copy.
    shutil.rmtree(work / "mutants" / "tests", ignore_errors=True)
    fast = ",".join([*FAST, *PYTEST_ARGS.get(module, [])])
    argv = [sys.executable, "-c", _DRIVER, ",".join(only), ",".join(tests), jobs, fast, *extra]
    log = work / "mutmut.log"
    with log.open("a" if again else "w", encoding="utf-8") as out:
        done = subprocess.run(argv, cwd=work, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        print(f"# mutmut failed for {module} (exit {done.returncode}); see {log}")
        print(log.read_text(encoding="utf-8")[-3000:])
    return done.returncode


def results(module: str) -> dict[str, str]:
    """Mutant name -> status, read from mutmut's meta files of the module's last run."""
    from mutmut.stats import status_by_exit_code

    statuses: dict[str, str] = {}
    mutants = WORK / module / "mutants"
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data["exit_code_by_key"].items():
            statuses[name] = status_by_exit_code[code]
    return statuses


def _functions(path: Path) -> dict[str, str]:
    """Source of every function and method in a mutated file, by name."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def diffs(module: str, names: list[str]) -> None:
    """Print each mutant as a diff against the original function (faster than mutmut show)."""
    cache: dict[Path, dict[str, str]] = {}
    for name in names:
        dotted, _, function = name.rpartition(".")
        path = WORK / module / "mutants" / "src" / (dotted.replace(".", "/") + ".py")
        if not path.exists():
            path = path.with_suffix("") / "__init__.py"
        if path not in cache:  # parse each mutated file once: they are large
            cache[path] = _functions(path)
        functions = cache[path]
        base = function.rpartition("__mutmut_")[0]
        old = functions.get(base + "__mutmut_orig", "").splitlines()
        new = functions.get(function, "").splitlines()
        print(f"# {name}")
        for line in difflib.unified_diff(old, new, lineterm="", n=0):
            if not line.startswith(("---", "+++", "@@")):
                print(line)


def report(module: str, equivalent: dict[str, str], *, show: bool = False) -> float | None:
    statuses = results(module)
    if not statuses:
        print(f"# {module}: no results")
        return None
    killed = sorted(n for n, s in statuses.items() if s in KILLED)
    equiv = sorted(n for n in statuses if n in equivalent and n not in killed)
    alive = sorted(n for n, s in statuses.items() if s not in KILLED and n not in equivalent)
    counted = len(statuses) - len(equiv)
    score = len(killed) / counted if counted else 1.0
    print(
        f"# {module}: {len(statuses)} mutants, {len(killed)} killed, "
        f"{len(equiv)} equivalent, {len(alive)} not killed"
    )
    for name in alive:
        print(f"#   {statuses[name]}: {name}")
    if show:
        diffs(module, [n for n in alive if statuses[n] != "not checked"])
    prefix = f"salescore.{module}."
    stale = sorted(n for n in equivalent if n.startswith(prefix) and n not in equiv)
    for name in stale:
        print(f"#   stale equivalent entry (killed or gone): {name}")
    print(f"metric mutation_score_{module.replace('.', '_')} {score:.4f}")
    return score


def file_table(module: str, equivalent: dict[str, str]) -> None:
    """One Markdown row per mutated file of the module's last run (for mutation/SCORES.md)."""
    rows: dict[str, Counter[str]] = {}
    for name, status in results(module).items():
        if status in KILLED:
            kind = "killed"
        elif name in equivalent:
            kind = "equivalent"
        elif status == "not checked":
            kind = "not checked"
        else:
            kind = "alive"
        rows.setdefault(name.rpartition(".")[0], Counter())[kind] += 1
    print("| file | mutants | killed | equivalent | not killed | not checked | score |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path, count in sorted(rows.items()):
        total = sum(count.values())
        counted = total - count["equivalent"]
        score = count["killed"] / counted if counted else 1.0
        print(
            f"| {path.removeprefix('salescore.')} | {total} | {count['killed']} | "
            f"{count['equivalent']} | {count['alive']} | {count['not checked']} | {score:.3f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", default=[], help=f"{', '.join(MODULES)}, or module.file"
    )
    parser.add_argument("--report", action="store_true", help="score the last run, run nothing")
    parser.add_argument("--show", action="store_true", help="print each survivor as a diff")
    parser.add_argument("--files", action="store_true", help="a Markdown row per mutated file")
    parser.add_argument("--again", action="store_true", help="retry the last run's survivors")
    parser.add_argument(
        "--unchecked", action="store_true", help="with --again: also mutants a stopped run left"
    )
    parser.add_argument(
        "--with-equivalent",
        action="store_true",
        help="with --again: also retry survivors listed in mutation/equivalent.txt",
    )
    parser.add_argument("--baseline", metavar="REV", help="run against the tests of a git revision")
    parser.add_argument("--jobs", default=os.environ.get("MUTATION_JOBS", "2"))
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    for name in modules:
        target(name)
    equivalent = equivalent_names()
    failed = 0
    for module in modules:
        if not args.report:
            failed |= run_module(
                module,
                args.jobs,
                again=args.again,
                unchecked=args.unchecked,
                equivalent=None if args.with_equivalent else equivalent,
                baseline=args.baseline,
            )
        report(module, equivalent, show=args.show)
        if args.files:
            file_table(module, equivalent)
        sys.stdout.flush()
    return failed


if __name__ == "__main__":
    sys.exit(main())
