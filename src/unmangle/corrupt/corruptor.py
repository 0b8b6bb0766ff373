"""The Corruptor: clean English in, an aligned (corrupted, clean) pair with labelled spans out.

Determinism: a Corruptor owns one ``random.Random(seed)`` stream, so the same seed and the same
sequence of calls give the same pairs in any process. For sharded or parallel generation, pass a
``key`` (an item id or index): the item then uses its own stream derived from ``(seed, key)``, and
its output no longer depends on what was corrupted before it.
"""

from __future__ import annotations

import re
from pathlib import Path
from random import Random
from typing import Optional

from ..textspans import paragraphs, sentences
from .base import Context, Family, tokenize
from .clause import ClauseNoise
from .config import SENTENCE_CATEGORIES, CorruptionConfig
from .document import Para, document_edits
from .duplication import DuplicationNoise
from .entities import EntityNoise
from .function_words import FunctionWordNoise
from .lexical import SynonymNoise, load_pps
from .labelled import CorruptedPair, DamageEdit, build_pair
from .punctuation import SpacingNoise
from .word_order import WordOrderNoise

# Inner sentence end: closing punctuation followed by whitespace before the text's last characters.
_INNER_END = re.compile(r"[.!?][\"'”’)\]]*\s")


def _build_family(category: str, pps: Optional[list], thesaurus_share: float = 0.0) -> Family:
    if category == "entity":
        return EntityNoise()
    if category == "synonym":
        return SynonymNoise(extra=pps, thesaurus_share=thesaurus_share)
    if category == "function_word":
        return FunctionWordNoise()
    if category == "word_order":
        return WordOrderNoise()
    if category == "clause":
        return ClauseNoise()
    if category == "duplication":
        return DuplicationNoise()
    if category == "spacing":
        return SpacingNoise()
    raise KeyError(category)


def _check_text(text: object) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected str, got {type(text).__name__}; decode it first, e.g. data.decode('utf-8')")
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return text


class Corruptor:
    """Applies the noise families to clean text at the rates of a :class:`CorruptionConfig`."""

    def __init__(self, config: Optional[CorruptionConfig] = None, seed: int | str = 0,
                 pps: str | Path | None = None) -> None:
        self.config = config if config is not None else CorruptionConfig()
        self.seed = seed
        self._rng = Random(seed)
        extra = load_pps(pps) if pps else None
        rates = self.config.rates
        self._plan = [(c, float(rates[c])) for c in SENTENCE_CATEGORIES if rates[c] > 0]
        self._families = {c: _build_family(c, extra, self.config.thesaurus_share) for c, _ in self._plan}
        self._total = sum(r for _, r in self._plan)
        self._copier: Optional[Corruptor] = None

    # ---- public API ----------------------------------------------------------------------
    def rng_for(self, key: object) -> Random:
        """A stream for one item, the same in every process for the same ``(seed, key)``."""
        return Random(f"{self.seed}/{key}")

    def corrupt_sentence(self, text: str, key: object = None) -> CorruptedPair:
        """Sentence-level damage to a sentence (or a short passage: each sentence in it can be
        damaged, and two of them can lose the break between them)."""
        text = _check_text(text)
        rng = self._rng if key is None else self.rng_for(key)
        edits: list[DamageEdit] = []
        if self._plan and self.config.sentence_rate > 0 and text.strip():
            if "\n" not in text and _INNER_END.search(text) is None:
                start, end = _strip(text)
                self._corrupt_sentence_span(text, start, end, None, [], rng, edits)
            else:
                for p in paragraphs(text):
                    self._corrupt_paragraph(text, p.start, p.end, [], rng, edits)
        return build_pair(text, edits)

    def corrupt_document(self, text: str, key: object = None) -> CorruptedPair:
        """Sentence-level damage plus duplicated paragraphs, boilerplate and lost paragraph breaks."""
        text = _check_text(text)
        rng = self._rng if key is None else self.rng_for(key)
        paras = [Para(p.start, p.end) for p in paragraphs(text)]
        doc_edits = document_edits(text, paras, self.config.rates, rng, self._near_copy)
        taken: dict[int, list[tuple[int, int]]] = {}
        if doc_edits:
            starts = {p.start: k for k, p in enumerate(paras)}
            ends = {p.end: k for k, p in enumerate(paras)}
            for e in doc_edits:
                for pos in (e.start, e.end):
                    for k in (ends.get(pos), starts.get(pos)):
                        if k is not None:
                            taken.setdefault(k, []).append((e.start, e.end))
        edits = list(doc_edits)
        if self._plan and self.config.sentence_rate > 0:
            for k, p in enumerate(paras):
                self._corrupt_paragraph(text, p.start, p.end, taken.get(k, []), rng, edits)
        return build_pair(text, edits)

    def corrupt(self, text: str, level: str = "sentence", key: object = None) -> CorruptedPair:
        """``corrupt_sentence`` or ``corrupt_document`` by ``level``."""
        if level == "sentence":
            return self.corrupt_sentence(text, key)
        if level == "document":
            return self.corrupt_document(text, key)
        raise ValueError(f"level must be 'sentence' or 'document', got {level!r}")

    # ---- internals ------------------------------------------------------------------------
    def _corrupt_paragraph(self, text: str, start: int, end: int, taken: list, rng: Random,
                           edits: list[DamageEdit]) -> None:
        # split a slice: textspans.sentences looks back over the whole text it is given
        offset = start
        sents = [Para(x.start + offset, x.end + offset) for x in sentences(text[start:end])]
        for k, s in enumerate(sents):
            next_tok = None
            if k + 1 < len(sents):
                nxt = sents[k + 1]
                toks = tokenize(text, nxt.start, min(nxt.end, nxt.start + 80))
                next_tok = toks[0] if toks else None
            self._corrupt_sentence_span(text, s.start, s.end, next_tok, taken, rng, edits)

    def _corrupt_sentence_span(self, text: str, start: int, end: int, next_tok, taken: list,
                               rng: Random, edits: list[DamageEdit]) -> None:
        cfg = self.config
        if rng.random() >= cfg.sentence_rate:
            return
        plan: list[str] = []
        for cat, rate in self._plan:
            whole = int(rate)
            plan.extend([cat] * (whole + (1 if rng.random() < rate - whole else 0)))
        if not plan:
            plan.append(self._draw(rng))
        rng.shuffle(plan)
        cap = cfg.max_edits_per_sentence
        if cap <= 0:
            return
        ctx = Context(text, start, end, taken, next_tok)
        made = 0
        tried = 0
        while plan and made < cap:
            cat = plan.pop()
            tried += 1
            result = self._families[cat].propose(ctx, rng)
            if result is not None:
                edits.append(result)
                taken.append((result.start, result.end))
                made += 1
            elif made == 0 and not plan and tried < 4:
                plan.append(self._draw(rng))  # this category had nowhere to act: try another

    def _draw(self, rng: Random) -> str:
        r = rng.random() * self._total
        for cat, rate in self._plan:
            r -= rate
            if r < 0:
                return cat
        return self._plan[-1][0]

    def _near_copy(self, paragraph: str, rng: Random) -> str:
        """A paragraph with a few word-level changes, for near-duplicate paragraphs."""
        if self._copier is None:
            self._copier = Corruptor(CorruptionConfig.only(
                "synonym", "function_word", "duplication", "word_order", rate=0.4,
                sentence_rate=0.6, max_edits_per_sentence=2), seed=0)
        copier = self._copier
        saved = copier._rng
        copier._rng = rng
        try:
            return copier.corrupt_sentence(paragraph).source
        finally:
            copier._rng = saved


def _strip(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
