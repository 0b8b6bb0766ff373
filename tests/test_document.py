"""The piece table: edits from successive stages map back to the original input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmangle.document import Document
from unmangle.edits import Edit, apply_edits, revert_edits


def _edit(text: str, start: int, end: int, new: str, stage: str = "t") -> Edit:
    return Edit(start, end, text[start:end], new, stage, "test", 0.5)


@st.composite
def text_and_rounds(draw):
    text = draw(st.text(alphabet="ab c.\n", min_size=0, max_size=40))
    rounds = draw(st.lists(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 5),
                                              st.text(alphabet="xyz ", max_size=4)),
                                    max_size=4), max_size=4))
    return text, rounds


def _non_overlapping(text: str, raw) -> list[Edit]:
    edits = []
    taken_until = -1
    used_points = set()
    for start, length, new in sorted(raw):
        if start > len(text):
            continue
        end = min(len(text), start + length)
        if start < taken_until or (start == end and start in used_points):
            continue
        edits.append(_edit(text, start, end, new))
        taken_until = end if end > start else start
        if start == end:
            used_points.add(start)
        else:
            used_points.update({start})
    # an insertion may not sit at the start of a replacement either (order would be ambiguous)
    clean = []
    for e in edits:
        if clean and clean[-1].start == e.start:
            continue
        clean.append(e)
    return clean


@settings(max_examples=400, deadline=None)
@given(text_and_rounds())
def test_reported_edits_reproduce_text(case):
    original, rounds = case
    doc = Document(original)
    for raw in rounds:
        doc.apply(_non_overlapping(doc.text, raw))
        assert apply_edits(original, doc.edits) == doc.text
        assert revert_edits(doc.text, doc.edits) == original
        for e in doc.edits:
            assert original[e.start:e.end] == e.old
            assert e.old != e.new


def test_later_stage_edit_inside_earlier_change_is_merged():
    doc = Document("Tennessee Holdings Ltd .")
    doc.apply([_edit(doc.text, 0, 9, "Tencent", "lexicon")])
    doc.apply([_edit(doc.text, 20, 21, "", "normalize")])  # the space before "."
    assert doc.text == "Tencent Holdings Ltd."
    assert [(e.start, e.end, e.new, e.stage) for e in doc.edits] == [
        (0, 9, "Tencent", "lexicon"), (22, 23, "", "normalize")]
    doc.apply([_edit(doc.text, 0, 11, "Tencent Hol", "x")])  # no-op change on top
    doc.apply([_edit(doc.text, 3, 7, "CENT", "upper")])
    assert doc.text == "TenCENT Holdings Ltd."
    assert doc.edits[0].old == "Tennessee" and doc.edits[0].stage == "lexicon+x+upper"


def test_change_back_to_original_is_dropped():
    doc = Document("abc")
    doc.apply([_edit("abc", 1, 2, "X")])
    doc.apply([_edit(doc.text, 1, 2, "b")])
    assert doc.text == "abc" and doc.edits == []


def test_overlapping_proposals_are_rejected():
    doc = Document("abcdef")
    with pytest.raises(ValueError, match="overlaps"):
        doc.apply([_edit("abcdef", 0, 3, "x"), _edit("abcdef", 2, 4, "y")])
    with pytest.raises(ValueError, match="text has"):
        doc.apply([Edit(0, 1, "z", "y", "t", "r")])


def test_several_edits_inside_one_earlier_change_are_all_made():
    """Two later edits inside text an earlier edit inserted (found by fuzzing: the second one was
    appended after the change instead of made inside it, writing words that were never there)."""
    from unmangle.edits import Edit, apply_edits

    original = "A.\x1cB"
    doc = Document(original)
    doc.apply([Edit(2, 3, "\x1c", "one one two two ", "normalize", "moved text")])
    assert doc.text == "A.one one two two B"
    doc.apply([Edit(2, 9, "one one", "one", "duplicates", "repeated word"),
               Edit(10, 17, "two two", "two", "duplicates", "repeated word")])
    assert doc.text == "A.one two B"

