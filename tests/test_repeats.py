"""The repeats stage: doubled words go, legitimate doubles stay."""

from __future__ import annotations

import pytest

from unmangle import Repairer, apply_edits
from unmangle.stages.repeats import RepeatsStage


@pytest.mark.parametrize("text, expected", [
    ("The the government said so.", "The government said so."),
    ("The council council met on Monday.", "The council met on Monday."),
    ("It will assist assist and cooperate with them.", "It will assist and cooperate with them."),
    ("One line line\nand another another one.", "One line\nand another one."),
])
def test_doubles_are_removed(text, expected):
    edits = RepeatsStage().propose(text)
    assert apply_edits(text, edits) == expected
    assert all(e.stage == "repeats" and "repeated" in e.reason for e in edits)


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
    assert RepeatsStage().propose(text) == []


def test_runs_in_the_fast_pipeline_before_the_lexicon():
    repairer = Repairer(fast=True)
    assert repairer.stage_names.index("repeats") < repairer.stage_names.index("lexicon")
    result = repairer.repair_document("The the board met.")
    assert result.text == "The board met."
    assert apply_edits("The the board met.", result.edits) == result.text
