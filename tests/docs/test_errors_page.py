"""The errors page has a section for every error class: its code, when it is raised, what to do."""

from __future__ import annotations

import re

import pytest
from tests.docs.pages import DOCS

import salescore.errors as errors

PAGE = DOCS / "reference" / "errors.md"
ERROR_CLASSES = sorted(
    name
    for name in errors.__all__
    if isinstance(getattr(errors, name), type)
    and issubclass(getattr(errors, name), errors.SalescoreError)
)


def sections(text: str) -> dict[str, str]:
    """The ``### Name`` sections of the page: name -> text up to the next heading."""
    parts = re.split(r"^###? (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_the_page_lists_every_error_class_exported() -> None:
    assert len(ERROR_CLASSES) > 40
    found = sections(PAGE.read_text(encoding="utf-8"))
    missing = [name for name in ERROR_CLASSES if name not in found]
    assert not missing, f"add a section to docs/reference/errors.md for: {', '.join(missing)}"


@pytest.mark.parametrize("name", ERROR_CLASSES)
def test_each_section_gives_the_code_the_cause_and_the_remedy(name: str) -> None:
    section = sections(PAGE.read_text(encoding="utf-8"))[name]
    cls = getattr(errors, name)
    assert f"Code `{cls.code}`" in section
    for parent in cls.__bases__:
        assert f"`{parent.__name__}`" in section
    assert "**Raised when:**" in section
    assert "**What to do:**" in section


def test_every_error_class_in_the_module_is_exported() -> None:
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, errors.SalescoreError)
        and value.__module__ == errors.__name__
    }
    assert defined == set(ERROR_CLASSES)


def test_a_new_error_class_without_a_section_is_caught() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert "ShiftExpiredError" in sections(text)
    assert "ShiftExpiredError" not in sections(text.replace("### ShiftExpiredError", "text"))
