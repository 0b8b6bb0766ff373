"""The judge seam: word mapping of the broad model, gains that equal whole-sentence score changes,
unknown words floored, both judges interchangeable behind the protocol."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmangle.judges.base import (Change, LanguageJudge, apply_change, cautious_gain, sentence_words,
                                  text_change)
from unmangle.judges.broad import NAME, NUM, UNK, UNKNOWN_LOGPROB, BroadJudge, default_broad_judge
from unmangle.judges.trigram import TrigramJudge
from unmangle.ngram import NgramLM

CORPUS = [
    "The talks were held in Geneva.",
    "The talks were held in New York.",
    "The meeting was held in Geneva.",
    "We are committed to peace in the region.",
    "We are committed to the rule of law.",
] * 3


@pytest.fixture(scope="module")
def broad() -> BroadJudge:
    return default_broad_judge()


@pytest.fixture(scope="module")
def trigram() -> TrigramJudge:
    return TrigramJudge(NgramLM.build(CORPUS, min_count=2, min_word_count=2))


def words(text: str) -> list[str]:
    return [w.text for w in sentence_words(text)]


def scored_length(judge, ws: list[str]) -> int:
    """How many tokens a judge scores in ``ws`` (the length its conservative gain uses)."""
    toks = judge.tokens(ws)
    if judge.name == "trigram":
        return len(toks) + 1
    return sum(1 for k, t in enumerate(toks) if t != "<s>" and not (t == "</s>" and toks[k - 1] == "<s>"))


def test_sentence_words_keep_hyphens_and_clitics_and_spans():
    text = "It wasn't well-known, the countries' “plan” 'work'."
    ws = sentence_words(text)
    assert [w.text for w in ws] == ["It", "wasn't", "well-known", ",", "the", "countries'", "“", "plan",
                                    "”", "'", "work", "'", "."]
    assert all(text[w.start:w.end] == w.text for w in ws)


def test_broad_mapping_is_explicit(broad):
    toks = broad.tokens(words("The quake killed 300 people in Zyxwvu, Zyxwvu said. It wasn't co-operation."))
    assert toks == ["<s>", "the", "quake", "killed", NUM, "people", "in", NAME, NAME, "said", "</s>",
                    "<s>", "it", "wasn't", "co", "operation", "</s>", "<s>", "</s>"]
    # a capital at a sentence start is not a name; an unknown lower-case word is <unk>
    assert broad.map_word("Zyxwvu", initial=True) == [UNK]
    assert broad.map_word("zyxwvu") == [UNK]
    # clitics the model lacks split into word + 's / expansion
    assert broad.map_word("zyxwvu's") == [UNK, "'s"]
    assert broad.map_word("Zyxwvun't") == [NAME, "not"]
    assert broad.map_word("they'll") in (["they'll"], ["they", "will"])
    assert broad.map_word("well-known") == ["well-known"]


def test_broad_unknown_word_is_floored_not_sentinel(broad):
    assert broad.logprob("zyxwvu") == UNKNOWN_LOGPROB
    assert broad.logprob(UNK, "the") == UNKNOWN_LOGPROB
    assert -20 < broad.logprob("house", "the") < 0
    # a class token in history cuts the context to the unigram
    assert broad.logprob("house", NUM, "the") == broad.logprob("house")
    assert not broad.knows("zyxwvu") and broad.knows("Earthquake") and not broad.knows("1990")


def test_broad_prefers_the_right_word(broad):
    w = words("The government announced new measures to fight inflation.")
    right, wrong = broad.change_gains(w, [Change(4, 5, ("measures",)), Change(4, 5, ("gauges",))])
    assert right == 0.0
    assert wrong < -2.0


@pytest.mark.parametrize("judge_name", ["broad", "trigram"])
def test_judges_satisfy_the_protocol(judge_name, broad, trigram):
    judge = broad if judge_name == "broad" else trigram
    assert isinstance(judge, LanguageJudge)
    assert judge.unigram_logprob("the") > judge.unigram_logprob("geneva")


VOCAB = ["the", "talks", "were", "held", "in", "Geneva", "we", "are", "committed", "to", "peace",
         ".", ",", "2021", "well-known", "don't", "Zyxwvu", "region", "law", "house"]


@settings(max_examples=60, deadline=None)
@given(sent=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12), data=st.data())
def test_change_gains_equal_whole_sentence_scores(broad, trigram, sent, data):
    """A change's gain, scored on the local window only, is the conservative gain of the whole
    sentences' scores: the window the judges rescore is the whole effect of the change."""
    a = data.draw(st.integers(0, len(sent)))
    b = data.draw(st.integers(a, min(len(sent), a + 3)))
    new = tuple(data.draw(st.lists(st.sampled_from(VOCAB), max_size=3)))
    change = Change(a, b, new)
    variant = apply_change(sent, change)
    for judge in (broad, trigram):
        gain = judge.change_gains(sent, [change])[0]
        expected = cautious_gain(judge.score(sent), scored_length(judge, sent),
                                 judge.score(variant), scored_length(judge, variant))
        assert gain == pytest.approx(expected, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(sent=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=10), data=st.data())
def test_length_changing_gain_is_conservative(broad, sent, data):
    a = data.draw(st.integers(0, len(sent)))
    b = data.draw(st.integers(a, len(sent)))
    new = tuple(data.draw(st.lists(st.sampled_from(VOCAB), max_size=3)))
    gain = broad.change_gains(sent, [Change(a, b, new)])[0]
    assert gain <= broad.score(apply_change(sent, Change(a, b, new))) - broad.score(sent) + 1e-9


def test_broad_reads_are_thread_safe():
    judge = BroadJudge(cache_size=16)  # a tiny cache: most reads go to the C model
    sents = [words(s) for s in ["The cat sat on the mat.", "Prices rose sharply in March.",
                                "He declined to comment on the report."]] * 20
    expected = [judge.score(s) for s in sents]
    results: list[list[float]] = []

    def work():
        results.append([judge.score(s) for s in sents])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


@pytest.mark.parametrize("sentence, old, new, expected", [
    ("a group of folks this year.", "folks", "people", Change(3, 4, ("people",))),
    ("efficiency and also accountability.", " also", "", Change(2, 3, ())),
    # a span that cuts into words covers the whole words it touches
    ("The vote .which surprised many.", " .which", ". which", Change(2, 4, (".", "which"))),
    ("the the plan", "the ", "", Change(0, 1, ())),
    ("in  region", "  ", " the ", Change(1, 1, ("the",))),
])
def test_text_change_maps_characters_to_words(sentence, old, new, expected):
    i = sentence.index(old)
    ws = sentence_words(sentence)
    change = text_change(sentence, ws, i, i + len(old), new)
    assert change == expected
    assert apply_change([w.text for w in ws], change) == words(sentence[:i] + new + sentence[i + len(old):])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .,'-", max_size=20), st.data())
def test_text_change_agrees_with_rereading_the_changed_text(sentence, data):
    start = data.draw(st.integers(0, len(sentence)))
    end = data.draw(st.integers(start, len(sentence)))
    new = data.draw(st.text(alphabet="ab .,'-", max_size=6))
    ws = sentence_words(sentence)
    change = text_change(sentence, ws, start, end, new)
    changed = sentence[:start] + new + sentence[end:]
    assert apply_change([w.text for w in ws], change) == words(changed)
