"""The normalize stage: each fix on its own example, and clean text that must stay byte-identical."""

from __future__ import annotations

import pytest

from unmangle.edits import apply_edits
from unmangle.stages.normalize import NormalizeStage


@pytest.fixture(scope="module")
def stage() -> NormalizeStage:
    return NormalizeStage()


def fix(stage: NormalizeStage, text: str) -> str:
    return apply_edits(text, stage.propose(text))


@pytest.mark.parametrize("before, after, reason", [
    ("Ant’s $ 35 billion public offering", "Ant’s $35 billion public offering",
     "space after currency sign"),
    ("the entrepreneur’s crowning achievement . The authorities",
     "the entrepreneur’s crowning achievement. The authorities", "space before punctuation"),
    ("at least five years. . COVID-19 has", "at least five years. COVID-19 has",
     "stray full stop after sentence end"),
    ("Alibaba , Tencent and Baidu", "Alibaba, Tencent and Baidu", "space before punctuation"),
    ("first,, second", "first, second", "doubled punctuation"),
    ("first , , second", "first, second", "punctuation"),
    ("the meeting ended.. Next", "the meeting ended. Next", "doubled full stop"),
    ("policies of a long-term nature..", "policies of a long-term nature.", "doubled full stop"),
    ("the Secretary-General,His Excellency", "the Secretary-General, His Excellency",
     "missing space after comma"),
    ("the region;it works", "the region; it works", "missing space after comma"),
    ("his re- election", "his re-election", "space inside a hyphenated word"),
    ("the Secretary -General", "the Secretary-General", "space inside a hyphenated word"),
    ("the right to self - determination", "the right to self-determination",
     "space inside a hyphenated word"),
    ("its sixty - fifth session", "its sixty-fifth session", "space inside a hyphenated word"),
    ("Really ?! No", "Really?! No", "space before punctuation"),
    ("Trump 's plan", "Trump's plan", "space before apostrophe"),
    ("they do n't", "they don't", "space before apostrophe"),
    ("members ( AMs ) said", "members (AMs) said", "space inside parentheses"),
    ("freedom.” The party must tear them down. “", "freedom.” The party must tear them down.”",
     "opening quote mark used to close a quotation"),
    ("minority stakes. ” The stakes", "minority stakes.” The stakes", "detached closing quote mark"),
    ("he said ”We will go.”", "he said “We will go.”", "closing quote mark used to open a quotation"),
    ("“We will go.“ Then", "“We will go.” Then", "opening quote mark used to close a quotation"),
])
def test_fixes(stage, before, after, reason):
    edits = stage.propose(before)
    assert apply_edits(before, edits) == after
    assert edits, "expected at least one edit"
    assert all(reason in e.reason for e in edits), [e.reason for e in edits]
    assert all(e.stage == "normalize" and 0 < e.confidence <= 1 for e in edits)


def test_a_detached_full_stop_and_a_stray_second_one_are_fixed_in_two_rounds(stage):
    text = "access to the data . . The order"
    edits = stage.propose(text)
    assert apply_edits(text, edits) == "access to the data. The order"
    assert sorted(e.reason for e in edits) == ["space before punctuation", "stray full stop after sentence end"]


def test_edits_are_small(stage):
    text = "A long sentence that stays as it is, then $ 35 billion and an ending ."
    edits = stage.propose(text)
    assert [(e.old, e.new) for e in edits] == [(" ", ""), (" ", "")]


def test_mojibake_is_fixed_by_ftfy_with_a_reason(stage):
    text = "The cafÃ© said â€œhelloâ€\x9d to the naÃ¯ve guests."
    edits = stage.propose(text)
    assert apply_edits(text, edits) == "The café said “hello” to the naïve guests."
    assert all("mojibake" in e.reason for e in edits)
    # each fix is local: untouched words are not part of any edit
    assert all(len(e.old) <= 8 for e in edits)


@pytest.mark.parametrize("text, after", [
    ("AT&amp;T shares rose.", "AT&T shares rose."),
    ("ﬁnance ministers", "finance ministers"),
    ("a\x00b", "ab"),
])
def test_other_unicode_damage(stage, text, after):
    assert fix(stage, text) == after


@pytest.mark.parametrize("text", [
    "U.S. officials said 3.5 percent.",
    "e.g. this...",
    "Wait ... what?",
    "and then . . . nothing",
    "and then . . .",
    "and then . . . . nothing",
    "See https://example.com/a.b?x=1 .",
    "Mail press@example.org , or call.",
    "Open setup.py , then run it.",
    "The meeting starts at 10:30 and ends at 11 : 45 local time.",
    "The $3.5bn deal rose 5% to 12.5 per cent.",
    "“Hello,” he said. “We will go.”",
    "‘Quoted,’ she said, ‘in single quotes.’",
    "Er sagte: „Ja“ und ging.",
    "The letter 's' is silent; the 't' is not.",
    "Rock 'n' roll in the '90s.",
    "What?! Really!? Yes!!",
    "A ratio of 3 : 1 is fine.",
    "Café, naïve, Zürich and 北京 stay as they are.",
    "Use std::vector<int> or a_b=c , then go.",
    "A line\r\nand a Windows line break.",
    "No. 10 Downing St. is in London.",
    "He earned $35 billion (about 3.5%) in 2020.",
    "Smiles :) and :-) and :D stay.",
    "Dots... and more dots.... stay.",
    "Ah.. guys I think I lost it.",
    "ooh.. I have not been here in a long time.",
    "Nothing happened.. Then it disappeared from the record...",
    "Washington, D.C..",                                  # an abbreviation's dot, then the stop
    "It was published in 2009..",
    "Here's the TL;DR and AT&T,Inc. stay.",               # capitals glued on purpose
    "The colours red,green,blue are listed.",             # a list written without spaces
    "pre- and post-war rules, short- or long-term loans",  # suspended compounds
    "missions mandated and -authorized by it",
    "(be careful -pdf)",                                  # a switch, not a word
    "The plan - which failed - was dropped.",             # a dash between words
    "The vote - sixty - passed.",
    "the most beautiful country in the world- Serbia; pay attention to it- they speak",  # dashes
    "If you want a fashion statement- you are in luck.",
    # a quotation that spaces both of its marks is a style: joining one would unmatch the pair
    "the nickname of “ bird fancier’s lung. ” But in cases",
])
def test_clean_text_is_left_alone(stage, text):
    assert stage.propose(text) == []


def test_currency_space_fix_is_local():
    # a space after a currency sign before a number is always damage in English prose
    text = "Prices: $ 5 and € 10."
    assert fix(NormalizeStage(), text) == "Prices: $5 and €10."


def test_idempotent(stage):
    text = ("Mojibake â€œquoteâ€\x9d , then $ 35 billion achievement . . Next ,, one . ” "
            "And ”We go. “\nSecond line ( x ) do n't .")
    once = fix(stage, text)
    assert stage.propose(once) == []


def test_parts_can_be_switched_off():
    text = "achievement . ”We"
    assert fix(NormalizeStage(punctuation=False), text) == "achievement . “We"
    assert fix(NormalizeStage(quotes=False), text) == "achievement. ”We"
    assert NormalizeStage(punctuation=False, quotes=False).propose(text) == []
    assert NormalizeStage(unicode=False).propose("cafÃ©") == []


def test_a_fix_that_exposes_more_damage_still_reaches_the_fixpoint(stage):
    # ftfy turns the C1 control \x80 into "€", which makes "Â€Ä" mojibake for a second pass
    text = "Â\x80Ä ."
    once = fix(stage, text)
    assert stage.propose(once) == []


def test_around_limits_the_lines_looked_at(stage):
    text = "first line ,\nsecond line ,\nthird line ,"
    join = text.index("second")
    assert fix(stage, text) == "first line,\nsecond line,\nthird line,"
    # the line holding the offset, and the one holding the character before it (here the first)
    assert apply_edits(text, stage.propose(text, around=[join])) == "first line,\nsecond line,\nthird line ,"
    assert apply_edits(text, stage.propose(text, around=[join + 3])) == "first line ,\nsecond line,\nthird line ,"


def test_a_list_of_label_value_lines_keeps_its_spaced_colons():
    stage = NormalizeStage()
    table = "Tickets\n\nVIP : 60,000₩\nR : 50,000₩\nS : 40,000₩\n\nInquiry"
    assert stage.propose(table) == []
    # one such line alone, or a sentence beside one, is damage as usual
    assert apply_edits("VIP : 60,000₩", stage.propose("VIP : 60,000₩")) == "VIP: 60,000₩"
    text = "Price : 10 dollars\nThe minister said : no ."
    assert apply_edits(text, stage.propose(text)) == "Price: 10 dollars\nThe minister said: no."
