"""Every internal link of the docs resolves, offline: the page exists and so does its anchor.

External links (http, https, mailto) are left to ``make linkcheck``, which needs
the network; this runs in ``make test``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.pages import DOCS, fenced, pages

_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} (?P<title>.+?)\s*$", re.M)
_ROLE_DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?(?P<target>[^`>]+)>?`")


def _without_code(text: str) -> str:
    """The page with fenced blocks and inline code removed (links there are examples)."""
    for _, body in fenced(text):
        text = text.replace(body, "")
    return re.sub(r"`[^`\n]*`", "", text)


def slug(title: str) -> str:
    """The anchor MyST gives a heading (``myst_heading_anchors``)."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("`", "")
    return re.sub(r"[^\w\- ]", "", title.strip().lower().replace(" ", "-"))


def anchors(page: Path) -> set[str]:
    text = _without_code(page.read_text(encoding="utf-8"))
    return {slug(m["title"]) for m in _HEADING.finditer(text)}


def links(page: Path) -> list[str]:
    text = _without_code(page.read_text(encoding="utf-8"))
    found = [m["target"] for m in _LINK.finditer(text)]
    found += [m["target"] + ".md" for m in _ROLE_DOC.finditer(text)]
    return [t for t in found if not re.match(r"^[a-z]+:", t)]


def broken(page: Path) -> list[str]:
    problems = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        goal = page if not path else (page.parent / path).resolve()
        if not goal.exists():
            problems.append(f"{target}: no such file")
        elif anchor and goal.suffix == ".md" and anchor not in anchors(goal):
            problems.append(f"{target}: no heading with the anchor #{anchor}")
    return problems


def test_every_internal_link_resolves() -> None:
    problems = [f"{p.relative_to(DOCS)}: {x}" for p in pages() for x in broken(p)]
    assert not problems, "\n".join(problems)


def test_the_check_sees_links_and_anchors() -> None:
    tutorial = DOCS / "tutorial" / "index.md"
    assert "../howto/test-rules.md" in links(tutorial)
    assert "9-the-aging-report" in anchors(tutorial)


def test_a_broken_link_or_anchor_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A page\n\n## Second part\n", encoding="utf-8")
    page = tmp_path / "b.md"
    page.write_text(
        "[ok](a.md) [ok](a.md#second-part) [gone](c.md) [bad](a.md#third) [web](https://x.org)"
        "\n\n```text\n[example](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert broken(page) == ["c.md: no such file", "a.md#third: no heading with the anchor #third"]
