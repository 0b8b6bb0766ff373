"""Each noise family on its own makes the kind of change it claims, with a correct span."""

from __future__ import annotations

import re

import pytest

from unmangle.corrupt import CorruptionConfig, Corruptor
from unmangle.corrupt.base import tokenize
from unmangle.corrupt.document import chrome
from unmangle.corrupt.entities import entity_table, mangle_name
from unmangle.corrupt.function_words import ARTICLES, AUXILIARIES, PARTICIPLES, PREPOSITIONS, PRONOUNS
from unmangle.corrupt.lexical import load_pps, synonym_entries

# Invented news sentences, dense in table words, names, commas and money for every family to act on.
SENTENCES = [
    "Officials in Washington are debating a ban on investment in Alibaba and Tencent shares, people "
    "familiar with the plan said, a dramatic setback for both companies.",
    "After blocking Ant’s $35 billion public offering last year, Beijing has moved to break up the "
    "trillion-dollar payments empire of the entrepreneur.",
    "The government also launched an inquiry into pricing at the company, and the founder has become "
    "a warning for investors.",
    "At a rare meeting with the business sector in May, Xi Jinping called on officials to support the "
    "economic recovery.",
    "Many leaders of tech firms also belong to the party, said Mark Natkin of Marbridge Consulting.",
]
PASSAGE = " ".join(SENTENCES)


def spans_of(category: str, seeds: int = 30, text: str = PASSAGE, level: str = "sentence"):
    """(source piece, target piece, span, pair) for every span made with only ``category`` on."""
    out = []
    for seed in range(seeds):
        pair = Corruptor(CorruptionConfig.only(category, max_edits_per_sentence=2), seed=seed).corrupt(text, level)
        pair.check()
        for s in pair.spans:
            out.append((pair.source[s.source_start:s.source_end], pair.target[s.target_start:s.target_end], s, pair))
    assert out, f"{category} made no change in {seeds} tries"
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+(?:[-'’.]\w+)*", text)


def test_entity_uses_table_renderings_or_small_lookalikes():
    table = {" ".join(w): r for lst in entity_table().by_first.values() for w, r in lst}
    ops = set()
    text = PASSAGE + " The envoy Oyelaran Kazembe visited Tegucigalpa and Marrakesh last week."
    for src, tgt, span, _ in spans_of("entity", text=text):
        assert span.category == "entity"
        assert tgt[0].isupper(), tgt
        ops.add(span.op)
        if span.op == "entity.table":
            assert src in table[" ".join(t.text for t in tokenize(tgt))]
        else:
            assert span.op == "entity.lookalike"
            assert src.replace(" ", "").lower() != tgt.lower() or " " in src or src == tgt.lower()
            assert abs(len(src) - len(tgt)) <= 3
    assert ops == {"entity.table", "entity.lookalike"}
    renders = set()
    for seed in range(40):
        pair = Corruptor(CorruptionConfig.only("entity"), seed=seed).corrupt_sentence("They sold Tencent stock.")
        renders |= {pair.source[x.source_start:x.source_end] for x in pair.spans}
    assert "Tennessee" in renders and renders <= set(table["Tencent"])


def test_entity_possessive_stays_outside_the_span():
    for seed in range(20):
        pair = Corruptor(CorruptionConfig.only("entity"), seed=seed).corrupt_sentence(
            "They praised Xi Jinping’s speech.")
        pair.check()
        for s in pair.spans:
            assert pair.target[s.target_start:s.target_end] in ("Xi Jinping", "Xi")
            assert pair.source[s.source_end:].startswith("’s speech")


def test_mangle_name_is_small_and_deterministic():
    from random import Random
    outs = {mangle_name("Zhengfei", Random(k)) for k in range(30)}
    assert len(outs) > 3
    assert all(o and o != "Zhengfei" and abs(len(o) - 8) <= 3 for o in outs)
    assert "zhengfei" in outs  # names written in lowercase, as MT does with names it reads as words
    assert mangle_name("Zhengfei", Random(4)) == mangle_name("Zhengfei", Random(4))


def test_synonym_replaces_table_words_with_their_substitutes():
    table = {k: [s.lower() for s in v] for k, v in synonym_entries()}
    for src, tgt, span, _ in spans_of("synonym"):
        assert span.op == "synonym.table"
        assert src.lower() in table[tgt.lower()], (tgt, src)


def test_synonym_leaves_capitalised_names_alone():
    for seed in range(20):
        pair = Corruptor(CorruptionConfig.only("synonym"), seed=seed).corrupt_sentence(
            "He met Market Street officials.")
        assert all(pair.target[s.target_start:s.target_end] != "Market" for s in pair.spans)


def test_function_word_changes_only_function_words_or_agreement():
    small = set(ARTICLES) | set(PREPOSITIONS) | set(PRONOUNS) | set(AUXILIARIES) | set(PARTICIPLES) \
        | set(PARTICIPLES.values()) | {w for table in (PREPOSITIONS, PRONOUNS, AUXILIARIES)
                                       for values in table.values() for v in values for w in v.split()}
    ops = set()
    for src, tgt, span, _ in spans_of("function_word"):
        ops.add(span.op.split(".")[0])
        a, b = [w.lower() for w in words(src)], [w.lower() for w in words(tgt)]
        if span.op.startswith("agreement"):
            assert len(a) == len(b) == 1 and a[0].rstrip("s") [:3] == b[0][:3]
        else:
            diff = [w for w in a if w not in b] + [w for w in b if w not in a]
            assert diff and all(w in small for w in diff), (src, tgt, span.op)
        assert src and tgt  # dropped/inserted articles are anchored to the next word
    assert {"article", "preposition", "auxiliary"} <= ops


def test_article_drop_is_anchored_to_the_next_word():
    pair = None
    for seed in range(50):
        pair = Corruptor(CorruptionConfig.only("function_word"), seed=seed).corrupt_sentence(
            "He saw the cat.")
        if pair.spans and pair.spans[0].op == "article.drop":
            break
    s = pair.spans[0]
    assert pair.target[s.target_start:s.target_end] == "the cat"
    assert pair.source[s.source_start:s.source_end] == "cat"


def test_word_order_permutes_words():
    for src, tgt, _span, _ in spans_of("word_order"):
        assert sorted(w.lower() for w in words(src)) == sorted(w.lower() for w in words(tgt))
        assert src != tgt


def test_clause_moves_merges_or_capitalises():
    ops = set()
    for src, tgt, span, _pair in spans_of("clause", seeds=60):
        ops.add(span.op)
        if span.op == "sentence.merge":
            assert tgt.count(".") == 1 and "." not in src.replace(",", "")
            assert words(src) == words(tgt)
        else:
            assert sorted(w.lower() for w in words(src)) == sorted(w.lower() for w in words(tgt))
    assert {"sentence.merge", "phrase.move", "capital.stray"} <= ops


def test_duplication_doubles_or_drops_one_piece():
    ops = set()
    for src, tgt, span, _ in spans_of("duplication"):
        ops.add(span.op)
        a, b = words(src), words(tgt)
        if span.op.startswith("double"):
            assert len(a) == 2 * len(b) and [w.lower() for w in a[len(b):]] == [w.lower() for w in b]
        else:
            assert span.op == "drop.word" and len(b) == 2 and len(a) == 1 and a[0].lower() in [w.lower() for w in b]
    assert {"double.word", "drop.word"} <= ops


def test_spacing_changes_only_spaces_and_punctuation():
    ops = set()
    for src, tgt, span, _ in spans_of("spacing", seeds=60):
        ops.add(span.op)
        assert re.sub(r"\W", "", src) == re.sub(r"\W", "", tgt), (src, tgt)
    assert {"space.before_punct", "space.currency", "punct.doubled"} <= ops


def test_paragraph_duplicate_inserts_a_near_copy():
    doc = "\n\n".join(SENTENCES)
    found = 0
    for src, tgt, span, _pair in spans_of("paragraph_duplicate", seeds=10, text=doc, level="document"):
        assert span.target_start == span.target_end and tgt == ""
        copy = src.strip()
        best = max(SENTENCES, key=lambda p: len(set(words(p)) & set(words(copy))))
        assert len(set(words(best)) & set(words(copy))) >= 0.7 * len(set(words(best)))
        found += 1
    assert found


def test_boilerplate_inserts_web_chrome():
    ch = chrome()
    known = set(ch.lines) | {line for block in ch.blocks for line in block}
    doc = "\n\n".join(SENTENCES)
    for src, tgt, span, _ in spans_of("boilerplate", seeds=20, text=doc, level="document"):
        assert tgt == ""
        if span.op == "boilerplate.tag":
            assert "|" in src or "-" in src
        else:
            assert all(line in known for line in src.split("\n") if line)


def test_lost_paragraph_break_is_spacing():
    doc = "\n\n".join(SENTENCES)
    seen = False
    for seed in range(40):
        pair = Corruptor(CorruptionConfig.only("spacing", rate=3.0, sentence_rate=0.0), seed=seed).corrupt_document(doc)
        pair.check()
        for s in pair.spans:
            assert s.op == "paragraph.lost_break"
            assert pair.source[s.source_start:s.source_end] == " " and pair.target[s.target_start:s.target_end] == "\n\n"
            seen = True
    assert seen


def test_pps_list_adds_tortured_phrases(tmp_path):
    path = tmp_path / "pps.json"
    path.write_text('{"phrases": [{"tortured": "bogus news", "correct": "fake news"},'
                    ' {"tortured": "rythm", "correct": "???"},'
                    ' {"tortured": "neural network layer", "correct": "neural network"}]}', encoding="utf-8")
    entries = dict(load_pps(path))
    assert entries == {"fake news": ["bogus news"]}
    csv_path = tmp_path / "pps.csv"
    csv_path.write_text('tortured_phrase,expected_phrase,num_papers\n"""bogus news"" AND ""x""",fake news,3\n',
                        encoding="utf-8")
    assert dict(load_pps(csv_path)) == {"fake news": ["bogus news"]}
    hits = 0
    for seed in range(20):
        pair = Corruptor(CorruptionConfig.only("synonym"), seed=seed, pps=path).corrupt_sentence(
            "They spread fake news online.")
        hits += "bogus news" in pair.source
    assert hits


@pytest.mark.parametrize("preset", ["light", "news", "heavy"])
def test_presets_damage_more_as_they_grow(preset):
    c = Corruptor(CorruptionConfig.preset(preset), seed=0)
    share = sum(c.corrupt_sentence(s).changed for s in SENTENCES * 40) / (len(SENTENCES) * 40)
    expected = {"light": 0.3, "news": 0.6, "heavy": 0.85}[preset]
    assert abs(share - expected) < 0.1
