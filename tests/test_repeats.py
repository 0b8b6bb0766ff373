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


@pytest.mark.parametrize("text, expected", [
    ("She said the plan the plan was ready.", "She said the plan was ready."),
    ("Denmark welcomes the Security welcomes the Security Council decision.",
     "Denmark welcomes the Security Council decision."),
    ("We sat on the on the mat.", "We sat on the mat."),
    ("Growth depends on the the new rules the new rules.",     # a word, then a phrase
     "Growth depends on the new rules."),
    ("It went doubt the the doubt the end.", "It went doubt the end."),  # overlapping copies: one pass
    ("A tripled phrase new rules new rules new rules here.", "A tripled phrase new rules here."),
])
def test_doubled_phrases_are_removed(text, expected):
    edits = DuplicatesStage().propose(text)
    assert apply_edits(text, edits) == expected
    assert "repeated phrase" in {e.reason for e in edits}
    assert DuplicatesStage().propose(expected) == []  # nothing left for a second repair


@pytest.mark.parametrize("text", [
    "He had had enough, and said that that was it.",
    "We visited Walla Walla and Bora Bora last year.",      # names
    "It is very, very good, bye bye.",                      # emphasis, punctuation between
    "They came in in 2010 and moved on on Monday.",         # particle + preposition
    "Type 10 10 times; the A A battery.",                   # digits, single capitals
    "the\n\nthe next paragraph",                            # across a line break
    "They stood shoulder to shoulder to defend it, more and more and more.",  # link-word idioms
    "Year after year after year, step by step by step.",   # a longer run of one period
    "What will be will be; whatever is done is done.",     # a clause naming its own subject
    "Let us call a spade a spade. Ha ha ha ha.",           # an idiom, words all alike
    "He sang New York New York and left.",                 # a capitalised second copy: a title
    "the plan,\nthe plan again",                           # across punctuation and a line break
    "The re-re-elected and don't don't-care cases.",       # parts of hyphenated words
    "Codes the the3 and 3the the stay.",                   # letters glued to digits
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
