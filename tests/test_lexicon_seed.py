"""The bundled seed lexicon: well-formed, every entry fires, and it leaves clean text alone."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path

import pytest

from unmangle.lexicon import Lexicon, LexiconEntry
from unmangle.lexicon.context import compile_term


@pytest.fixture(scope="module")
def default() -> Lexicon:
    return Lexicon.load_default()


def _context_for(entry: LexiconEntry) -> str:
    """A context that satisfies the entry's require rule (an acronym term written as it is)."""
    if not entry.require:
        return ""
    term = entry.require[0].rstrip("*")
    return term if compile_term(entry.require[0]).case_sensitive else term.lower()


def test_seed_lexicon_size_and_notes(default: Lexicon) -> None:
    assert 150 <= len(default) <= 300
    missing = [e.source for e in default.entries if not e.note.strip()]
    assert not missing, f"entries without a note: {missing}"


def test_common_single_words_carry_a_context_rule(default: Lexicon) -> None:
    """A form that is itself an English word ("Tennessee", "millet") must demand context."""
    wordfreq = pytest.importorskip("wordfreq")
    unsafe = []
    for entry, forms in default.entries_with_forms():
        for form in forms:
            if " " in form or "-" in form or entry.has_context_rule or entry.case_sensitive:
                continue
            if wordfreq.zipf_frequency(form.lower(), "en") >= 2.0:
                unsafe.append(f"{entry.source}: {form!r}")
    assert not unsafe, "common words without a require/forbid rule: " + "; ".join(unsafe)


def test_every_form_fires_in_its_context(default: Lexicon) -> None:
    """No entry is dead: each form, given its required context, is replaced."""
    dead = []
    for entry, forms in default.entries_with_forms():
        for form in forms:
            text = f"{form} {_context_for(entry)}".strip()
            matches = default.find(text)
            if not matches or matches[0].start != 0:
                dead.append(f"{entry.source}: {text!r}")
    assert not dead, "forms that never fire: " + "; ".join(dead)


def test_replacements_are_stable(default: Lexicon) -> None:
    """Idempotence: no replacement is itself rewritten, even in its entry's context."""
    unstable = []
    for entry in default.entries:
        text = f"{entry.replacement} {_context_for(entry)}".strip()
        if default.apply(text) != text:
            unstable.append(f"{entry.source}: {text!r} -> {default.apply(text)!r}")
    assert not unstable, "; ".join(unstable)


SEED_FIXES = {
    "Tennessee Holdings": "Tencent Holdings",
    "anti-Semitism practices": "anti-monopoly practices",
    "Ticketok": "TikTok",
    "assist, assist and cooperate": "support, assist and cooperate",
    "Chinese hawkers": "China hawks",
    "dual-proliferation": "dual circulation",
}


@pytest.mark.shared
def test_seed_article_entities_and_phrases(default: Lexicon, seed_article: str) -> None:
    found = {m.matched: m.replacement for m in default.find(seed_article)}
    assert found == SEED_FIXES  # every known corruption, and nothing else
    fixed = default.apply(seed_article)
    assert "Tencent Holdings Ltd." in fixed
    assert "“dual circulation” economic planning" in fixed
    # correct mentions are left alone
    assert fixed.count("Tencent") == seed_article.count("Tencent") + 1


def _ntrex_sentences(shared: Path) -> list[str]:
    path = shared / "corpus" / "ntrex128_en_zh_de" / "ntrex128_newstest2019_en_zh_de.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["en"] for line in fh]


def _un_paragraphs(shared: Path, limit: int = 20_000) -> list[str]:
    """~20k paragraphs from every third speech (so many years and countries are covered)."""
    path = shared / "corpus" / "ungdc_en_1992_2024" / "ungdc_en_1992_2024.jsonl.gz"
    out: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, 0, None, 3):
            out.extend(p for p in json.loads(line)["text"].split("\n") if p.strip())
            if len(out) >= limit:
                break
    return out[:limit]


def _mlqe_post_edits(shared: Path) -> list[str]:
    path = shared / "corpus" / "mlqe_pe_xx_en" / "mlqe_pe_xx_en.dev.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["pe"] for line in fh]


@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["ntrex", "un", "mlqe_pe"])
def test_default_lexicon_leaves_clean_text_alone(default: Lexicon, shared_dir: Path,
                                                 corpus: str) -> None:
    loaders = {"ntrex": _ntrex_sentences, "un": _un_paragraphs, "mlqe_pe": _mlqe_post_edits}
    try:
        texts = loaders[corpus](shared_dir)
    except FileNotFoundError as exc:
        pytest.skip(f"corpus missing: {exc}")
    assert len(texts) > 900
    hits = []
    for text in texts:
        for m in default.find(text):
            hits.append(f"{m.matched!r} -> {m.replacement!r} ({m.entry.source}) in "
                        f"...{text[max(0, m.start - 60):m.end + 60]}...")
    # at most a handful of changes to clean text; list each so the entry can be fixed
    assert len(hits) <= 2, f"{len(hits)} changes to clean {corpus} text:\n" + "\n".join(hits[:50])
