"""Doubled words: the duplicates stage removes them, legitimate doubles stay."""

from __future__ import annotations

import pytest

from unmangle import Repairer, apply_edits
from unmangle.stages.duplicates import DuplicatesStage
from unmangle.stages.repeats import repeated_word_edits


@pytest.mark.parametrize("text, expected", [
    ("The the government said so.", "The government said so."),
    ("The council council met on Monday.", "The council met on Monday."),
    ("The council council council met.", "The council met."),               # one edit, not one a pass
    ("the the theory holds", "the theory holds"),
    ("It will assist assist and cooperate with them.", "It will assist and cooperate with them."),
    ("One line line\nand another another one.", "One line\nand another one."),
    ("First paragraph is fine.\n\nThe second has has a slip. It ends ends here.",
     "First paragraph is fine.\n\nThe second has a slip. It ends here."),
])
def test_doubles_are_removed(text, expected):
    edits = DuplicatesStage().propose(text)
    assert apply_edits(text, edits) == expected
    assert all(e.stage == "duplicates" and e.reason == "repeated word" for e in edits)
    assert apply_edits(text, repeated_word_edits(text, "x")) == expected  # the same edits alone


@pytest.mark.parametrize("text", [
    "He had had enough, and said that that was it.",
    "We visited Walla Walla and Bora Bora last year.",      # names
    "It is very, very good, bye bye.",                      # emphasis, punctuation between
    "They came in in 2010 and moved on on Monday.",         # particle + preposition
    "Type 10 10 times; the A A battery.",                   # digits, single capitals
    "the\n\nthe next paragraph",                            # across a line break
    "She said the plan the plan was ready.",               # phrases: the neural stage's job
    "The re-re-elected and don't don't-care cases.",       # parts of hyphenated words
])
def test_legitimate_doubles_stay(text):
    assert DuplicatesStage().propose(text) == []


def test_can_be_switched_off_and_never_touches_a_removed_copy():
    text = "The the board met."
    assert DuplicatesStage(repeated_words=False).propose(text) == []
    copy = ("The central bank raised its key interest rate by a quarter point on Tuesday morning.\n\n"
            "Later, the the central bank raised its key interest rate by a quarter point on Tuesday morning.")
    edits = DuplicatesStage().propose(copy)
    assert apply_edits(copy, edits) == apply_edits(copy, DuplicatesStage(repeated_words=False).propose(copy))


def test_the_fast_pipeline_removes_doubled_words():
    result = Repairer(fast=True).repair_document("The the board met.")
    assert result.text == "The board met."
    assert apply_edits("The the board met.", result.edits) == result.text
