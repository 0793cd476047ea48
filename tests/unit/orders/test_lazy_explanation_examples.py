"""A frozen line's explanation, given or built when first read, as a caller sees it.

:class:`~salescore.orders.LazyExplanation` stands for an explanation: it compares, hashes,
shows and pickles as that explanation, builds it at most once, and says what it was built
from. Values are built inside the tests: mutation testing switches code on after the imports.
"""

from __future__ import annotations

import pickle

import attrs
from tests.unit.orders._fixtures import frozen_line

from salescore.explain import Explanation, Step
from salescore.orders import LazyExplanation


def _by_hand() -> Explanation:
    return Explanation("line 1: set by hand", (Step("price agreed by phone", "10.00"),))


def test_a_frozen_line_given_a_plain_explanation_shows_it() -> None:
    line = attrs.evolve(frozen_line("1", "2", "10.00"), explanation=_by_hand())
    assert line.explanation == _by_hand()
    assert line.explained.is_built
    # Given, not built from evidence: nothing to store in its place.
    assert line.explained.evidence is None
    assert line.explained.tail == ()


def test_frozen_lines_that_differ_only_in_their_explanation_are_not_equal() -> None:
    line = frozen_line("1", "2", "10.00")
    other = attrs.evolve(line, explanation=_by_hand())
    same = attrs.evolve(line, explanation=line.explanation)
    assert line != other
    assert line == same
    assert LazyExplanation(_by_hand()) != LazyExplanation(Explanation("line 1"))


def test_an_explanation_built_when_read_equals_hashes_and_shows_as_the_one_given() -> None:
    given = LazyExplanation(_by_hand())
    built = LazyExplanation(None, _by_hand)
    assert built == given
    assert hash(built) == hash(given) == hash(_by_hand())
    assert repr(built) == repr(given) == repr(_by_hand())
    # A set of frozen lines keeps one of two lines equal in every figure and explanation.
    line = frozen_line("1", "2", "10.00")
    rebuilt = attrs.evolve(line, explanation=LazyExplanation(None, lambda: line.explanation))
    assert len({line, rebuilt}) == 1


def test_an_explanation_is_built_once_when_first_read_and_then_kept() -> None:
    calls: list[int] = []

    def build() -> Explanation:
        calls.append(1)
        return _by_hand()

    lazy = LazyExplanation(None, build)
    before = lazy.is_built
    assert calls == []
    first = lazy.get()
    assert (before, lazy.is_built) == (False, True)
    assert lazy.get() is first
    assert lazy.get() == _by_hand()
    assert calls == [1]


def test_a_pickled_explanation_travels_built_with_nothing_left_to_build_from() -> None:
    lazy = LazyExplanation(None, _by_hand)
    back = pickle.loads(pickle.dumps(lazy))
    assert back.is_built
    assert back.get() == _by_hand()
    assert back.evidence is None
    assert back.tail == ()
