"""The corruption generator's contract: aligned spans, determinism, zero rates, stdlib-only import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmangle.corrupt import (CATEGORIES, ConfigError, CorruptedPair, CorruptionConfig, Corruptor,
                              PairError, Span, iter_training_pairs)
from unmangle.corrupt.labelled import inside_word

# Invented news text with names, curly quotes, money and hyphenated words for every family to act on.
NEWS = (
    "European regulators are now weighing whether to fine Alibaba and Tencent over data transfers, "
    "according to people briefed on the talks, a heavy blow for two of the companies. The commission "
    "also opened an inquiry into the suppliers of Huawei’s Ren Zhengfei.\n\n"
    "After halting Ant’s $35 billion share sale last autumn, Beijing has moved to rein in "
    "Ma’s trillion-dollar payments business. “We will protect the savings of ordinary families,” said "
    "Wilbur Ross, the Commerce Secretary.\n\n"
    "In a speech to factory owners in March, Xi urged officials to back private firms. "
    "Many company founders are also party members, including Lenovo founder Liu Chuanzhi."
)

# Words that give every family something to act on, plus awkward characters.
_VOCAB = [
    "the", "a", "an", "The", "in", "on", "of", "his", "its", "has", "become", "is", "are", "two",
    "companies", "company", "shares", "big", "data", "support", "also", "said", "Tencent", "Xi",
    "Jinping", "Beijing’s", "Natkin", "Marbridge", "trillion-dollar", "U.S.", "3.5", "$", "35", "%",
    ",", ".", ". ", "“", "”", "'s", "’", "(", ")", "—", "e.g.", "https://x.org/a", "café", "naïve",
    "北京", "😀", "\t", "  ", "\n", "\n\n", "In", "November", "Subscribe", "now",
]
texts = st.one_of(
    st.lists(st.sampled_from(_VOCAB), max_size=40).map(" ".join),
    st.lists(st.sampled_from(_VOCAB), max_size=40).map("".join),
    st.text(max_size=200),
)
rates = st.fixed_dictionaries({c: st.sampled_from([0.0, 0.3, 1.0, 2.5]) for c in CATEGORIES})


def check_pair(pair: CorruptedPair, original: str) -> None:
    assert pair.target == original
    pair.check()  # sorted, disjoint, outside text identical, no cut words for word-level spans
    assert pair.reconstruct() == original
    for a, b in zip(pair.spans, pair.spans[1:]):  # spans never touch
        assert a.source_end < b.source_start and a.target_end < b.target_start
    for s in pair.spans:
        assert s.category in CATEGORIES
        if s.category != "spacing":
            for text, pos in ((pair.source, s.source_start), (pair.source, s.source_end),
                              (pair.target, s.target_start), (pair.target, s.target_end)):
                assert not inside_word(text, pos)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, rates=rates, seed=st.integers(0, 2**32), level=st.sampled_from(["sentence", "document"]),
       sentence_rate=st.sampled_from([0.0, 0.5, 1.0]), max_edits=st.integers(0, 6))
def test_spans_align_source_and_target(text, rates, seed, level, sentence_rate, max_edits):
    cfg = CorruptionConfig(rates=rates, sentence_rate=sentence_rate, max_edits_per_sentence=max_edits)
    pair = Corruptor(cfg, seed=seed).corrupt(text, level=level)
    check_pair(pair, text)
    again = CorruptedPair.from_dict(json.loads(json.dumps(pair.to_dict())))
    assert again == pair


@settings(max_examples=60, deadline=None)
@given(text=texts, seed=st.integers(0, 2**32), level=st.sampled_from(["sentence", "document"]))
def test_zero_rates_change_nothing(text, seed, level):
    pair = Corruptor(CorruptionConfig.zero(), seed=seed).corrupt(text, level=level)
    assert pair.source == text and pair.target == text and pair.spans == []


def test_news_text_keeps_invariants_over_many_seeds():
    damaged = 0
    for seed in range(60):
        for level in ("sentence", "document"):
            pair = Corruptor(CorruptionConfig.preset("heavy"), seed=seed).corrupt(NEWS, level=level)
            check_pair(pair, NEWS)
            damaged += pair.changed
    assert damaged == 120


def test_same_seed_same_output_and_keys_are_order_independent():
    cfg = CorruptionConfig.preset("news")
    a = [Corruptor(cfg, seed=7).corrupt_document(NEWS).to_dict() for _ in range(2)]
    assert a[0] == a[1]
    c1 = Corruptor(cfg, seed=7)
    c2 = Corruptor(cfg, seed=7)
    x = c1.corrupt_sentence(NEWS, key="doc-3")
    c2.corrupt_sentence("something else first")
    assert c2.corrupt_sentence(NEWS, key="doc-3") == x
    outputs = {Corruptor(cfg, seed=s).corrupt_document(NEWS).source for s in range(5)}
    assert len(outputs) > 1


def test_output_is_the_same_in_another_process():
    code = textwrap.dedent("""
        import json, sys
        from unmangle.corrupt import Corruptor, CorruptionConfig
        text = sys.stdin.read()
        c = Corruptor(CorruptionConfig.preset("heavy"), seed=11)
        print(json.dumps([c.corrupt_document(text).to_dict(), c.corrupt_sentence(text, key=5).to_dict()]))
    """)
    runs = []
    for hashseed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        out = subprocess.run([sys.executable, "-c", code], input=NEWS, capture_output=True, text=True,
                             env=env, check=True)
        runs.append(out.stdout)
    assert runs[0] == runs[1]
    c = Corruptor(CorruptionConfig.preset("heavy"), seed=11)
    here = [c.corrupt_document(NEWS).to_dict(), c.corrupt_sentence(NEWS, key=5).to_dict()]
    assert json.loads(runs[0]) == here


def test_import_needs_only_the_standard_library():
    code = textwrap.dedent("""
        import sys
        class Block:
            BLOCKED = {"numpy", "ftfy", "wordfreq", "torch", "transformers", "tqdm", "yaml",
                       "ahocorasick", "sacrebleu", "datasets", "regex", "tokenizers", "safetensors"}
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in self.BLOCKED:
                    raise ImportError(f"blocked {name}")
                return None
        sys.meta_path.insert(0, Block())
        from unmangle.corrupt import Corruptor, CorruptionConfig
        pair = Corruptor(CorruptionConfig.preset("heavy"), seed=1).corrupt_document(sys.stdin.read())
        pair.check()
        print("ok", len(pair.spans))
    """)
    out = subprocess.run([sys.executable, "-c", code], input=NEWS, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_sentence_rate_controls_share_of_damaged_sentences():
    sentences = [s for s in NEWS.replace("\n", " ").split(". ") if s]
    sentences = sentences * 40
    for rate in (0.3, 0.8):
        c = Corruptor(CorruptionConfig.preset("news", sentence_rate=rate), seed=3)
        share = sum(c.corrupt_sentence(s).changed for s in sentences) / len(sentences)
        assert abs(share - rate) < 0.1, (rate, share)


def test_config_errors():
    with pytest.raises(ConfigError, match="unknown corruption category nope"):
        CorruptionConfig(rates={"nope": 1})
    with pytest.raises(ConfigError, match="must lie in"):
        CorruptionConfig(rates={"entity": -1})
    with pytest.raises(ConfigError, match="unknown preset"):
        CorruptionConfig.preset("extreme")
    assert CorruptionConfig(rates={"entity": 0.9}).rates["synonym"] > 0  # merged over news defaults
    assert CorruptionConfig.only("entity").rates["synonym"] == 0


def test_bad_input_types():
    c = Corruptor(seed=0)
    with pytest.raises(TypeError, match="decode"):
        c.corrupt_sentence(b"bytes")
    with pytest.raises(TypeError, match="int"):
        c.corrupt_document(3)
    assert c.corrupt_document("").source == ""
    assert c.corrupt_sentence("   \n ").source == "   \n "


def test_pair_check_rejects_broken_spans():
    good = CorruptedPair("Face book rose", "Facebook rose", [Span(0, 9, 0, 8, "entity")])
    good.check()
    with pytest.raises(PairError):
        CorruptedPair("Face book rose", "Facebook rose", []).check()
    with pytest.raises(PairError, match="cuts a word"):
        CorruptedPair("Facx book rose", "Facebook rose", [Span(3, 4, 3, 4, "entity")]).check()
    CorruptedPair("Facx book rose", "Face book rose", [Span(3, 4, 3, 4, "spacing")]).check()
    with pytest.raises(PairError):
        CorruptedPair.from_dict({"source": "x"})


def test_iter_training_pairs_is_shard_independent():
    docs = [NEWS, "Tencent shares rose. Xiaomi fell.", NEWS.upper()]
    whole = list(iter_training_pairs(docs, seed=5, with_keys=True))
    tail = list(iter_training_pairs(docs[1:], seed=5, start=1, with_keys=True))
    assert whole[-len(tail):] == tail
    assert all(k.count(".") == 1 for k, _ in whole)
    for _, pair in whole:
        pair.check()
    paras = list(iter_training_pairs(docs, seed=5, level="paragraph"))
    assert len(paras) == 3 + 1 + 3
    docs_out = list(iter_training_pairs(docs, seed=5, level="document"))
    assert [p.target for p in docs_out] == docs
    with pytest.raises(ValueError):
        list(iter_training_pairs(docs, level="word"))
