"""Rule-made alternatives: minimal, on chunk boundaries, covering the usual small-word slips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from unmangle.alternatives import Alternative, alternatives, apply_alternative
from unmangle.textspans import chunks


def _results(sentence: str, **kw) -> dict[str, str]:
    return {apply_alternative(sentence, a): a.kind for a in alternatives(sentence, **kw)}


@pytest.mark.parametrize("damaged, fixed, kind", [
    ("The talks were held on Geneva.", "The talks were held in Geneva.", "substitute"),
    ("The talks was going well.", "The talks were going well.", "substitute"),
    ("They will assist, assist and cooperate.", "They will assist and cooperate.", "undouble"),
    ("The plan did did not work.", "The plan did not work.", "undouble"),
    ("It is the the best way forward.", "It is the best way forward.", "undouble"),
    ("We discussed the the world the world economy.", "We discussed the the world economy.", "undouble"),
    ("He went to the Paris.", "He went to Paris.", "delete"),
    ("He said the crises addressing need money.", "He said the addressing crises need money.", "swap"),
    ("She is member of the board.", "She is a member of the board.", "insert"),
])
def test_the_fix_is_among_the_alternatives(damaged, fixed, kind):
    found = _results(damaged)
    assert found.get(fixed) == kind


def test_sentence_start_keeps_its_capital():
    found = _results("The economy development grew.")
    assert "Economy the development grew." in found  # a swap moves the capital with the position
    found = _results("In the city, people met.")
    assert "The city, people met." in found  # deleting the first word capitalises the next


def test_alternatives_are_minimal_and_on_chunk_boundaries():
    sentence = "Officials in the Washington criticised regulators, regulators said."
    bounds = {a for a, _ in chunks(sentence)} | {b for _, b in chunks(sentence)}
    for alt in alternatives(sentence):
        assert alt.start in bounds and alt.end in bounds
        assert alt.start < alt.end
        assert sentence[alt.start:alt.end] != alt.text
        # minimal: the first chunk or the last one differs (nothing left untouched at both ends)
        before = [sentence[alt.start:alt.end][a:b] for a, b in chunks(sentence[alt.start:alt.end])]
        after = [alt.text[a:b] for a, b in chunks(alt.text)]
        assert not (len(before) > 1 and len(after) > 1
                    and before[0] == after[0] and before[-1] == after[-1])


def test_range_limits_which_words_are_touched():
    sentence = "The talks were held on Monday in Geneva."
    start = sentence.index(" on")
    end = start + len(" on")
    for alt in alternatives(sentence, start, end):
        assert alt.start <= end and alt.end >= start


def test_no_alternatives_for_text_without_words():
    assert alternatives("") == []
    assert alternatives("... !!") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc the in on,. ")), max_size=40))
def test_applying_any_alternative_changes_only_its_window(text):
    for alt in alternatives(text):
        assert isinstance(alt, Alternative)
        out = apply_alternative(text, alt)
        assert out.startswith(text[:alt.start]) and out.endswith(text[alt.end:])
        assert out != text
