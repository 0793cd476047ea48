"""Golden scenarios: agreements in, explained terms out (tests/scenarios/agreements/*.toml).

Each file holds parties, segments and agreements, a list of queries and,
below a marker line, the expected explanation of every query (or the error
it raises). On a mismatch the test prints a diff; rerun with
``pytest --update-goldens`` to rewrite the expected part after checking it.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from tests.goldens import check_golden

from salescore.adapters.codec import converter
from salescore.agreements import Agreement, AgreementBook, TermsQuery
from salescore.errors import AgreementError
from salescore.parties import (
    ClientSegment,
    CounterpartyId,
    NomenclatureSegment,
    Partner,
    Product,
    SegmentId,
)

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios" / "agreements").glob("*.toml"))
MARKER = "# --- expected results (rewritten by pytest --update-goldens) ---"

T = TypeVar("T")


def _plain(value: Any) -> Any:
    # TOML dates arrive as date objects; the codec reads ISO strings.
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load(data: dict[str, Any], key: str, kind: type[T]) -> list[T]:
    return [converter.structure(_plain(item), kind) for item in data.get(key, [])]


def _outcome(book: AgreementBook, query: TermsQuery) -> str:
    try:
        return book.resolve(query).explanation.as_text()
    except AgreementError as exc:
        return f"{type(exc).__name__}: {exc}"


def _actual(data: dict[str, Any]) -> dict[str, str]:
    partners = {p.id: p for p in _load(data, "partners", Partner)}
    products = {p.id: p for p in _load(data, "products", Product)}
    book = AgreementBook(
        _load(data, "agreements", Agreement),
        _load(data, "client_segments", ClientSegment),
        _load(data, "nomenclature_segments", NomenclatureSegment),
    )
    results = {}
    for item in data["queries"]:
        query = TermsQuery(
            partners[item["partner"]],
            item["on"],
            counterparty_id=CounterpartyId(item["counterparty"])
            if "counterparty" in item
            else None,
            product=products[item["product"]] if "product" in item else None,
            nomenclature_segment_id=SegmentId(item["segment"]) if "segment" in item else None,
        )
        results[item["id"]] = _outcome(book, query)
    return results


def _render(results: dict[str, str]) -> str:
    lines = [MARKER, "[expected]"]
    for key, text in results.items():
        assert "'''" not in text
        lines.append(f"{key} = '''\n{text}\n'''")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_resolution_matches_the_golden_explanations(path: Path, update_goldens: bool) -> None:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    actual = _render(_actual(data))
    inputs, _, _ = text.partition(MARKER)
    regenerated = inputs.rstrip("\n") + "\n\n" + actual
    check_golden(path, regenerated, update=update_goldens, test_file=__file__)


def test_every_golden_scenario_has_expected_results() -> None:
    assert SCENARIOS
    for path in SCENARIOS:
        assert MARKER in path.read_text(encoding="utf-8"), f"{path.name}: run --update-goldens"
