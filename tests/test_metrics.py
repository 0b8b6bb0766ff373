"""Metrics on tiny hand-checked examples: perfect output, identity, a wrong edit, a partial fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmangle.metrics import MisalignedError, Scorer, align, corpus_gleu, corpus_scores, prf, tokenize
from unmangle.metrics.scorer import canonical_edit

# "Tennessee" (entity) and "$ 35" (spacing) are damaged; the second pair is already correct.
INPUTS = ["Tennessee Holdings raised $ 35 billion.", "The board met on Monday."]
REFS = ["Tencent Holdings raised $35 billion.", "The board met on Monday."]
SPANS = [[{"source_start": 0, "source_end": 9, "category": "entity"},
          {"source_start": 26, "source_end": 27, "category": "spacing"}], None]


@given(st.text())
def test_tokens_are_lossless(text):
    assert "".join(tokenize(text)) == text


def test_tokens_keep_the_whitespace_before_them():
    assert tokenize("Ant's $ 35 billion .\n") == ["Ant's", " $", " 35", " billion", " .", "\n"]


def test_perfect_output():
    s = corpus_scores(INPUTS, REFS, REFS, SPANS)
    assert s["chrf"] == pytest.approx(100.0) and s["ter"] == 0.0 and s["exact"] == 1.0
    assert s["edit_prf"] == {"tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f0.5": 1.0}
    assert s["no_harm"] == {"n": 1, "unchanged": 1, "share": 1.0}
    assert s["spans"] == {"n": 2, "fixed": 2, "recall": 1.0}
    assert s["gleu"] == pytest.approx(100.0)


def test_identity():
    s = corpus_scores(INPUTS, INPUTS, REFS, SPANS)
    # precision is 1 by convention when nothing is proposed; recall 0; F0.5 0
    assert s["edit_prf"] == {"tp": 0, "fp": 0, "fn": 2, "precision": 1.0, "recall": 0.0, "f0.5": 0.0}
    assert s["categories"] == {"entity": {"n": 1, "fixed": 0, "recall": 0.0},
                               "spacing": {"n": 1, "fixed": 0, "recall": 0.0}}
    assert s["no_harm"]["share"] == 1.0 and s["exact"] == 0.5
    assert s["changes"]["edits"] == 0 and s["changes"]["changed_share"] == 0.0
    # TER (whitespace words): Tennessee->Tencent, "$"->"$35", delete "35": 3 edits; the references
    # have 5 + 5 words
    assert s["ter"] == pytest.approx(100 * 3 / 10)


def test_wrong_edit_is_a_false_positive_and_harms():
    outputs = ["Tennessee Holdings raised $ 35 billion.", "The board met in Monday."]
    s = corpus_scores(INPUTS, outputs, REFS, SPANS)
    assert s["edit_prf"]["tp"] == 0 and s["edit_prf"]["fp"] == 1 and s["edit_prf"]["fn"] == 2
    assert s["edit_prf"]["precision"] == 0.0 and s["edit_prf"]["f0.5"] == 0.0
    assert s["no_harm"] == {"n": 1, "unchanged": 0, "share": 0.0}
    assert s["spans"]["fixed"] == 0


def test_partial_fix():
    outputs = ["Tencent Holdings raised $ 35 billion.", "The board met on Monday."]
    s = corpus_scores(INPUTS, outputs, REFS, SPANS)
    assert s["edit_prf"]["tp"] == 1 and s["edit_prf"]["fp"] == 0 and s["edit_prf"]["fn"] == 1
    p, r = 1.0, 0.5
    assert s["edit_prf"]["f0.5"] == pytest.approx(1.25 * p * r / (0.25 * p + r))
    assert s["categories"]["entity"]["fixed"] == 1 and s["categories"]["spacing"]["fixed"] == 0
    assert s["no_harm"]["share"] == 1.0


def test_wrong_fix_of_a_labelled_span_is_not_fixed():
    outputs = ["Tenement Holdings raised $35 billion.", "The board met on Monday."]
    s = corpus_scores(INPUTS, outputs, REFS, SPANS)
    assert s["categories"]["entity"]["fixed"] == 0 and s["categories"]["spacing"]["fixed"] == 1
    assert s["edit_prf"]["tp"] == 1 and s["edit_prf"]["fp"] == 1


def test_dropped_article_span_anchored_on_its_word():
    # the generator anchors a dropped "the" on the next word: source "money", target "the money"
    src, ref = "He said money ran out.", "He said the money ran out."
    spans = [[{"source_start": 8, "source_end": 13, "target_start": 8, "target_end": 17,
               "category": "function_word"}]]
    assert corpus_scores([src], [src], [ref], spans)["spans"]["fixed"] == 0
    assert corpus_scores([src], [ref], [ref], spans)["spans"]["fixed"] == 1
    assert corpus_scores([src], ["He said a money ran out."], [ref], spans)["spans"]["fixed"] == 0


def test_doubled_word_either_copy_deleted_is_the_same_edit():
    src, ref = ["He went to to the shop."], ["He went to the shop."]
    assert corpus_scores(src, ref, ref)["edit_prf"]["tp"] == 1
    a = tokenize(src[0])
    # deleting the first or the second " to" gives the same text and the same canonical edit
    assert canonical_edit(a, 2, 3, ()) == canonical_edit(a, 3, 4, ())


def test_canonical_edit_keeps_the_result():
    import random

    rng = random.Random(7)
    for _ in range(3000):
        a = [rng.choice("xy") for _ in range(rng.randint(0, 6))]
        i1 = rng.randint(0, len(a))
        i2 = rng.randint(i1, len(a))
        new = tuple(rng.choice("xyz") for _ in range(rng.randint(0, 3)))
        c1, c2, cnew = canonical_edit(a, i1, i2, new)
        assert a[:i1] + list(new) + a[i2:] == a[:c1] + list(cnew) + a[c2:]


def test_changes_without_references():
    s = corpus_scores(["one two three four", "five six"], ["one 2 three four", "five six"])
    assert "chrf" not in s and "edit_prf" not in s
    c = s["changes"]
    assert c["edits"] == 1 and c["edits_per_1000_words"] == pytest.approx(1000 / 6)
    assert c["changed_word_share"] == pytest.approx(1 / 6) and c["changed_share"] == 0.5


def test_align_merges_adjacent_changes():
    blocks = align(tokenize("a b c d"), tokenize("a x y d"))
    assert len(blocks) == 1 and (blocks[0].i1, blocks[0].i2) == (1, 3)


def test_prf_conventions():
    assert prf(0, 0, 0)["f0.5"] == 1.0
    assert prf(1, 1, 0)["precision"] == 0.5
    assert prf(2, 0, 2)["f0.5"] == pytest.approx(1.25 * 0.5 / (0.25 + 0.5))


def test_gleu_rewards_fixing_over_copying():
    src, ref = ["the cat sat on on the mat today"], ["the cat sat on the mat today"]
    assert corpus_gleu(src, ref, ref) == pytest.approx(100.0)
    assert corpus_gleu(src, src, ref) < corpus_gleu(src, ref, ref)


def test_misaligned_and_bad_outputs():
    with pytest.raises(MisalignedError, match="2 inputs but 1 references"):
        Scorer(["a", "b"], ["a"])
    scorer = Scorer(["a", "b"], ["a", "b"])
    with pytest.raises(MisalignedError, match="2 inputs but 3 outputs"):
        scorer.score(["a", "b", "c"])
    with pytest.raises(TypeError, match="output 1 is NoneType"):
        scorer.score(["a", None])


def test_scores_per_subset():
    scorer = Scorer(INPUTS, REFS, SPANS)
    sub = scorer.score(REFS, indices=[1])
    assert sub["n"] == 1 and sub["no_harm"]["n"] == 1 and "categories" not in sub


def test_labelled_spans_give_the_reference_alignment():
    # the damaged original paragraph comes first, a cleaner near copy after it; difflib would align
    # the copy with the reference paragraph, the spans say the copy is the inserted block
    target = "The cat sat on the mat.\nDogs bark."
    source = "The cat sat in the mat.\nThe cat sat on the mat.\nDogs bark."
    spans = [[
        {"source_start": 12, "source_end": 14, "target_start": 12, "target_end": 14,
         "category": "function_word"},
        {"source_start": 23, "source_end": 47, "target_start": 23, "target_end": 23,
         "category": "paragraph_duplicate"},
    ]]
    assert source[12:14] == "in" and source[23:47] == "\nThe cat sat on the mat."
    copy_removed = "The cat sat in the mat.\nDogs bark."
    cats = corpus_scores([source], [copy_removed], [target], spans)["categories"]
    assert cats["paragraph_duplicate"]["fixed"] == 1 and cats["function_word"]["fixed"] == 0
    cats = corpus_scores([source], [source], [target], spans)["categories"]
    assert cats["paragraph_duplicate"]["fixed"] == 0 and cats["function_word"]["fixed"] == 0


def test_cached_sacrebleu_scores_equal_sacrebleu():
    from unmangle.metrics.sacre import SacreScorer, sacrebleu_scores, ter_chunks

    refs = ["the cat sat on the mat", "a dog ran in the park today", "it rained"]
    hyps = ["the cat sat in the mat", "a dog ran in the park today", "it rained hard"]
    scorer = SacreScorer()
    assert scorer.scores(hyps, refs) == sacrebleu_scores(hyps, refs)
    assert scorer.scores(hyps[:2], refs[:2]) == sacrebleu_scores(hyps[:2], refs[:2])
    long_ref = " ".join(f"w{k}" for k in range(300))
    long_hyp = long_ref.replace("w150", "x150")
    chunks = ter_chunks(long_hyp, long_ref)
    assert len(chunks) > 1 and " ".join(h for h, _ in chunks) == long_hyp
    assert SacreScorer().scores([long_hyp], [long_ref])["ter"] == pytest.approx(100 / 300)
