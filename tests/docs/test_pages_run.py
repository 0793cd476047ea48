"""The tutorial and the how-to guides run top to bottom, on a fresh store, as a reader types them.

Sphinx's doctest builder (``make docs``) runs them too; this runs each page in
pytest with a fresh namespace, so a page never leans on another page's state.
"""

from __future__ import annotations

import doctest
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.docs.pages import DOCS, doctest_source, fenced

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RUNNABLE = [DOCS / "tutorial" / "index.md", *sorted((DOCS / "howto").glob("*.md"))]


def run_page(path: Path) -> doctest.TestResults:
    source = doctest_source(path)
    test = doctest.DocTestParser().get_doctest(source, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_runs_top_to_bottom(path: Path) -> None:
    result = run_page(path)
    assert result.failed == 0, f"{path.name}: {result.failed} example(s) failed (see above)"


def test_the_tutorial_has_examples_in_every_step() -> None:
    text = (DOCS / "tutorial" / "index.md").read_text(encoding="utf-8")
    steps = text.split("\n## ")[1:]
    numbered = [s for s in steps if s[:1].isdigit() and not s.startswith("10.")]
    assert len(numbered) == 9
    assert all("```{doctest}" in step for step in numbered)


def test_the_tutorial_plot_step_draws_the_aging_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.patches import Rectangle

    page = DOCS / "tutorial" / "index.md"
    namespace: dict[str, object] = {}
    test = doctest.DocTestParser().get_doctest(
        doctest_source(page), namespace, page.name, str(page), 0
    )
    doctest.DocTestRunner().run(test, clear_globs=False)
    plot_step = page.read_text(encoding="utf-8").split("## 10. A plot")[1]
    (code,) = [body for name, body in fenced(plot_step) if name == "python"][:1]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(page), "exec"), test.globs)  # the reader's own step, as written
    figure: Figure = test.globs["figure"]
    assert (tmp_path / "aging.png").stat().st_size > 1000
    (axes,) = figure.axes
    assert [t.get_text() for t in axes.get_xticklabels()] == ["CAFE"]
    heights = [float(bar.get_height()) for bar in axes.patches if isinstance(bar, Rectangle)]
    assert sum(heights) == pytest.approx(2120.56)
