"""Explanations render the same steps three ways; errors say what and where."""

from __future__ import annotations

import pytest

from salescore.errors import (
    InsufficientStockError,
    InvalidInputError,
    Issue,
    IssuesError,
    NotFoundError,
    SalescoreError,
    raise_for_issues,
)
from salescore.explain import Explanation, Step


def sample() -> Explanation:
    inner = Explanation("base price", (Step("registered", "100.00 RUB", "price type Purchase"),))
    return Explanation(
        "price of <Coffee & Co>",
        (Step("markup 25%", "125.00 RUB", "formula", detail=inner), Step("rounded", "129.99 RUB")),
    )


def test_text_numbers_steps_and_indents_details() -> None:
    text = sample().as_text()
    assert text.splitlines() == [
        "price of <Coffee & Co>",
        "  1. markup 25% = 125.00 RUB  (formula)",
        "     base price",
        "       1. registered = 100.00 RUB  (price type Purchase)",
        "  2. rounded = 129.99 RUB",
    ]


def test_rows_flatten_details_with_dotted_step_numbers() -> None:
    assert [row["step"] for row in sample().as_rows()] == ["1", "1.1", "2"]


def test_html_escapes_text() -> None:
    html = sample()._repr_html_()
    assert "&lt;Coffee &amp; Co&gt;" in html
    assert html.count("<tr>") == 4


def test_add_returns_a_new_explanation() -> None:
    base = Explanation("x")
    assert len(base.add(Step("a"))) == 1
    assert len(base) == 0


def test_errors_keep_details_and_are_builtin_kinds_too() -> None:
    err = InsufficientStockError("not enough", product="CM-100", asked=5, free=2)
    assert err.details == {"product": "CM-100", "asked": 5, "free": 2}
    assert isinstance(NotFoundError(), LookupError)
    assert isinstance(InvalidInputError(), ValueError)
    assert str(SalescoreError()) == "salescore failed."


def test_raise_for_issues_ignores_warnings_and_lists_every_error() -> None:
    issues = [Issue("a", "first", "x"), Issue("w", "meh", severity="warning"), Issue("b", "second")]
    with pytest.raises(IssuesError, match="2 error") as info:
        raise_for_issues(issues, "rules")
    assert "first" in str(info.value)
    assert "second" in str(info.value)
