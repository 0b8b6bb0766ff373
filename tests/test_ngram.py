"""The trigram model: exact counts, stupid-backoff scores, vectorised scoring, file format."""

from __future__ import annotations

import math

import numpy as np
import pytest

from unmangle.ngram import NgramFormatError, NgramLM, lm_tokens

CORPUS = [
    "The talks were held in Geneva.",
    "The talks were held in New York.",
    "The meeting was held in Geneva.",
    "We are committed to peace in the region.",
    "We are committed to the rule of law.",
] * 3


@pytest.fixture(scope="module")
def lm() -> NgramLM:
    return NgramLM.build(CORPUS, min_count=2, min_word_count=2)


def test_tokens_are_lowercased_with_digits_folded():
    assert lm_tokens("In 2021, Tencent’s shares rose 35%.") == [
        "in", "0000", ",", "tencent's", "shares", "rose", "00", "%", "."]


def test_scores_follow_stupid_backoff(lm):
    scores = lm.token_scores(lm_tokens("The talks were held in Geneva."))
    # "the" after <s>: bigram (<s>, the) 9 times out of 15 sentences
    assert scores[0] == pytest.approx(math.log(9 / 15))
    # "talks" after (<s>, the): trigram seen 6 times, context (<s>, the) 9 times
    assert scores[1] == pytest.approx(math.log(6 / 9))


def test_unseen_word_gets_the_floor_score(lm):
    scores = lm.token_scores(["zebra"])
    assert scores[0] == pytest.approx(2 * math.log(0.4) + math.log(0.5 / lm.total))


def test_fluent_beats_garbled(lm):
    assert lm.score("The talks were held in Geneva.") > lm.score("The talks were held on Geneva.")
    assert lm.score("We are committed to peace.") > lm.score("We are are committed to peace.")


def test_score_many_matches_one_by_one(lm):
    texts = ["The talks were held in Geneva.", "", "Geneva", "We are committed to the region ."]
    assert np.allclose(lm.score_many(texts), [lm.score(t) for t in texts])


def test_gains_take_the_more_cautious_of_total_and_per_token_readings(lm):
    sentence = "We are committed to peace in the region."
    variants = [sentence, "We are committed to peace in region.",
                "We are committed to the rule of law in the region.", "We are committed to peace on the region."]
    n = len(lm_tokens(sentence)) + 1  # tokens and the sentence end
    for variant, gain in zip(variants, lm.gains(sentence, variants)):
        total = lm.score(variant) - lm.score(sentence)
        per_token = (lm.score(variant) / (len(lm_tokens(variant)) + 1) - lm.score(sentence) / n) * n
        assert gain == pytest.approx(min(total, per_token))
    assert lm.gains(sentence, [sentence])[0] == pytest.approx(0.0)


@pytest.mark.parametrize("sentence", [
    "We are committed to peace in the region.",
    "The talks  were held in Geneva , we are committed.",
    "Geneva",
    "",
    "Talks in İstanbul, don’t the 1990s talks.",
])
def test_change_gains_equal_gains_of_whole_variants(lm, sentence):
    """Scoring only the words a change touches must give what rescoring the whole variant gives."""
    import random

    rng = random.Random(len(sentence))
    changes = [(0, 0, "The "), (len(sentence), len(sentence), " in Geneva"), (0, len(sentence), "")]
    for _ in range(60):
        a = rng.randint(0, len(sentence))
        b = rng.randint(a, min(len(sentence), a + 15))
        changes.append((a, b, rng.choice(["", " the", "talks ", "X", " were held in ", "peace", "don't"])))
    variants = [sentence[:a] + text + sentence[b:] for a, b, text in changes]
    assert lm.change_gains(sentence, changes) == pytest.approx(lm.gains(sentence, variants), abs=1e-9)
    assert lm.change_gains(sentence, []) == []


def test_change_scorer_knows_which_words_a_change_removes(lm):
    from unmangle.ngram import ChangeScorer

    sentence = "The talks were held in Geneva and the talks ended."
    scorer = ChangeScorer(lm, sentence)
    first_talks = (4, 9, "meeting")
    assert scorer.keeps_word(first_talks, "talks")  # a second "talks" remains
    assert not scorer.keeps_word((23, 29, "Paris"), "geneva")
    assert scorer.keeps_word((23, 29, "Geneva"), "geneva")
    assert not scorer.keeps_word((23, 29, "Genevan"), "geneva")


def test_save_and_load_round_trip(lm, tmp_path):
    path = tmp_path / "lm.npz"
    lm.save(path)
    again = NgramLM.load(path)
    assert again.vocab == lm.vocab
    assert again.meta == lm.meta
    for text in CORPUS[:5] + ["unknown words here"]:
        assert again.score(text) == pytest.approx(lm.score(text))


def test_damaged_file_is_reported(lm, tmp_path):
    path = tmp_path / "lm.npz"
    np.savez(path, header=np.frombuffer(b'{"format_version": 99}', dtype=np.uint8))
    with pytest.raises(NgramFormatError, match="format 99"):
        NgramLM.load(path)
    np.savez(path, header=np.frombuffer(b'{"format_version": 1}', dtype=np.uint8))
    with pytest.raises(NgramFormatError, match="lacks"):
        NgramLM.load(path)
    path.write_text("not an archive\n")
    with pytest.raises(NgramFormatError, match="lm.npz is not an n-gram file"):
        NgramLM.load(path)


def test_tiny_or_empty_corpora():
    lm = NgramLM.build(["One short sentence."], min_count=5)  # no bigram or trigram seen 5 times
    assert len(lm) == 0
    assert np.isfinite(lm.score("One short sentence.")) and np.isfinite(lm.score_many(["x y z"])).all()
    with pytest.raises(ValueError, match="no words"):
        NgramLM.build(["", "   "])


def test_bigram_count():
    from unmangle.ngram import NgramLM

    lm = NgramLM.build(["the council met", "the council adjourned", "a council met"])
    assert lm.bigram_count("the", "council") == 2
    assert lm.bigram_count("council", "the") == 0
    assert lm.bigram_count("unknown", "council") == 0


def test_association_compares_a_pair_with_chance():
    from unmangle.ngram import NgramLM

    corpus = ["the council met"] * 20 + ["we met the council"] * 20 + ["the the"] + ["council"] * 30
    lm = NgramLM.build(corpus, min_count=1, min_word_count=1)
    assert lm.association("the", "council") > 0  # together more often than chance
    assert lm.association("the", "the") < lm.association("the", "council")
    assert lm.association("council", "we") == float("-inf")  # never counted
    assert lm.association("unknown", "council") == float("-inf")


def test_frequency_shift_says_how_much_commoner_the_new_words_are():
    from unmangle.ngram import NgramLM

    corpus = ["the women met"] * 30 + ["the females met"] * 3 + ["mary sofa"] * 2
    lm = NgramLM.build(corpus, min_count=1, min_word_count=1)
    assert lm.frequency_shift(" females", " women") == pytest.approx(math.log(30 / 3))
    assert lm.frequency_shift(" women", " females") == pytest.approx(-math.log(30 / 3))
    assert lm.frequency_shift(" women", " women") == 0.0
    # an unseen word counts as seen half a time
    assert lm.frequency_shift(" zorblax", " women") == pytest.approx(math.log(30 / 0.5))
    # length does not count: insertions and deletions have no shift, and writing two words as
    # one (rarer) word is a move to rarer words, though the sum of log-probabilities rises
    assert lm.frequency_shift(" the", "") == lm.frequency_shift("", " the") == 0.0
    assert lm.frequency_shift(" mary sofa", " marisova") == pytest.approx(math.log(0.5 / 2))
    assert lm.frequency_shift(" the females", " women") == pytest.approx(
        math.log(30 / lm.total) - (math.log(lm.unigram_counts[lm.index["the"]] / lm.total) + math.log(3 / lm.total)) / 2)
