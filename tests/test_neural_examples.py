"""Regions and examples: what the model is taught must reproduce the clean text exactly."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from unmangle.neural.tokenizer import KEEP, mark
from unmangle.training.examples import build_examples, diff_regions, token_labels
from unmangle.textspans import chunks

WORDS = ["the", "a", "Tencent", "Tennessee", "said", ",", ".", "billion", "$", "35", "of", "“", "”"]


def _apply(source, target, regions):
    out, pos = [], 0
    for r in regions:
        out.append(source[pos:r.src_start])
        out.append(target[r.tgt_start:r.tgt_end])
        pos = r.src_end
    out.append(source[pos:])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.lists(st.sampled_from(WORDS), max_size=12),
       st.sampled_from([" ", "  ", ""]))
def test_regions_rebuild_target(src_words, tgt_words, sep):
    source = " ".join(src_words)
    target = sep.join(tgt_words) if sep else " ".join(tgt_words)
    regions = diff_regions(source, target)
    assert _apply(source, target, regions) == target
    for a, b in zip(regions, regions[1:]):
        assert a.src_end <= b.src_start and a.tgt_end <= b.tgt_start


def test_deletion_region_takes_its_space():
    s, t = "acquired the the billions", "acquired the billions"
    (r,) = diff_regions(s, t)
    assert s[r.src_start:r.src_end] == " the" and t[r.tgt_start:r.tgt_end] == ""


def test_examples_mark_the_corruption_and_include_keep_negatives():
    s = "Companies from Alibaba to Tennessee Holdings acquired billions ."
    t = "Companies from Alibaba to Tencent Holdings acquired billions."
    ex = build_examples(s, t, random.Random(0), jitter=0.0, negatives=1)
    assert ("Companies from Alibaba to<span> Tennessee</span> Holdings acquired billions .", " Tencent") in ex.rewrites
    assert any(tgt == KEEP for _, tgt in ex.rewrites)
    assert (s.index(" Tennessee"), s.index(" Holdings")) in ex.bad_regions


def test_mark_windows_long_context_but_keeps_the_span():
    text = " ".join(f"w{i}" for i in range(200))
    start = text.index(" w100")
    marked = mark(text, start, start + 5, context_chunks=10)
    assert "<span> w100</span>" in marked
    assert marked.startswith("w90") or marked.startswith(" w90")
    assert marked.count(" ") <= 22


def test_token_labels():
    assert token_labels([(0, 3), (3, 8), (8, 12), (0, 0)], [(3, 8)]) == [0, 1, 0, -100]
    assert chunks("a ,b") == [(0, 1), (1, 3), (3, 4)]


def _keep_spans(source, target, seed, **kw):
    ex = build_examples(source, target, random.Random(seed), jitter=0.0, negatives=1, **kw)
    return [m[m.index("<span>") + 6:m.index("</span>")] for m, tgt in ex.rewrites if tgt == KEEP]


def test_keep_negatives_can_favour_content_words():
    from unmangle.training.examples import is_content_word

    s = t = "The females of the herd stay with it in the dry season of the year."
    uniform = [w for seed in range(300) for w in _keep_spans(s, t, seed)]
    biased = [w for seed in range(300) for w in _keep_spans(s, t, seed, content_weight=20.0)]
    share = lambda spans: sum(is_content_word(w.split()[0]) for w in spans) / len(spans)
    assert share(biased) > 0.8 > share(uniform) + 0.3
    # weight 1 draws exactly as before the option existed (the bundled model's recipe)
    assert _keep_spans(s, t, 7) == _keep_spans(s, t, 7, content_weight=1.0)
    assert is_content_word(" females") and not is_content_word(" with") and not is_content_word(" 35")
