"""The JSON codec: explanations and pre-encoded fields give the text cattrs and json would."""

from __future__ import annotations

import json

import cattrs
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.orders._fixtures import frozen_line, order, prices

from salescore.adapters.codec import dumps, dumps_with, loads, to_plain
from salescore.explain import Explanation, Step

texts = st.text(max_size=8)
steps: st.SearchStrategy[Step] = st.deferred(
    lambda: st.builds(
        Step, texts, texts, texts, st.none() | st.builds(Explanation, texts, st.tuples(steps))
    )
)
explanations = st.builds(Explanation, texts, st.lists(steps, max_size=3).map(tuple))


@given(explanations)
def test_an_explanation_is_unstructured_and_read_as_cattrs_does(explanation: Explanation) -> None:
    plain = cattrs.Converter().unstructure(explanation)
    assert to_plain(explanation) == plain
    assert loads(json.dumps(plain), Explanation) == explanation


def test_a_stored_step_without_its_optional_fields_takes_their_defaults() -> None:
    text = '{"subject": "s", "steps": [{"description": "d"}]}'
    assert loads(text, Explanation) == Explanation("s", (Step("d"),))


def test_a_field_given_as_text_gives_the_same_document_text() -> None:
    frozen = prices(frozen_line("1", "2", "1200.00"), frozen_line("2", "1", "99.90", rate="10"))
    priced = order(prices=frozen)
    text = dumps_with(order(prices=None), {"prices": dumps(frozen)})
    assert text == dumps(priced)
    assert loads(text, type(priced)) == priced
