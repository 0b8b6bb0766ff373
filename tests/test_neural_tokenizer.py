"""The tokenizer must give back exactly what it was given: spaces, newlines, any script."""

from __future__ import annotations

import pytest

pytest.importorskip("sentencepiece")

from unmangle.neural.tokenizer import KEEP, MARKERS, SPAN_CLOSE, SPAN_OPEN
from unmangle.training.tokenizer import build_tokenizer, load_tokenizer

TRAIN_TEXT = [
    "Firms from Alibaba Group Holding Ltd. to Tencent Holdings Ltd. reported record profits.",
    "Lawmakers in Washington are debating a ban on investment in Alibaba and Tencent.",
    "The regulator’s grip on the sector over the last 12 months has grown much tighter.",
    "“Good founders must feel a duty to the country,” the minister said.",
] * 50

SAMPLES = [
    "Ant’s $ 35 billion public offering  (twice)\nnext line\ttab — “quoted” text.",
    "中文 and Ελληνικά and émigré naïve café 🙂",
    " leading space and trailing space ",
    "Line one\n\nLine three after a blank line\r\n",
    "",
]


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    out = tmp_path_factory.mktemp("tok")
    build_tokenizer(TRAIN_TEXT, out, vocab_size=400)
    return load_tokenizer(out)


@pytest.mark.parametrize("text", SAMPLES)
def test_round_trip(tokenizer, text):
    ids = tokenizer(text)["input_ids"]
    assert ids[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text


def test_round_trip_on_seed_article(tokenizer, seed_article):
    ids = tokenizer(seed_article)["input_ids"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == seed_article


def test_special_ids_and_markers(tokenizer):
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (0, 1, 2)
    ids = tokenizer(f"the{SPAN_OPEN} Tencent{SPAN_CLOSE} deal {KEEP}")["input_ids"]
    tokens = tokenizer.convert_ids_to_tokens(ids)
    for marker in MARKERS:
        assert tokens.count(marker) == 1, tokens
    assert len(tokenizer) > 250
