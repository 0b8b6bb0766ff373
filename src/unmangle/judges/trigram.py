"""The project's own trigram model (:class:`unmangle.ngram.NgramLM`) as a judge.

Mapping: the surface words are joined with spaces and read exactly as the model reads any text
(:func:`unmangle.ngram.lm_tokens`: lower-cased, digits as ``0``, apostrophes straightened,
punctuation as tokens, hyphenated words split at the hyphen). Scores and gains are the model's
own (stupid backoff, :meth:`NgramLM.change_gains`); this adapter only translates word-index
changes into character changes of the joined sentence. Unknown words score the model's
"unseen" value, the same on both sides of a change.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from ..ngram import NgramLM, lm_tokens, load_cached
from .base import Change


def _joined(words: Sequence[str]) -> tuple[str, list[int]]:
    """``words`` joined by single spaces, and the start offset of each word (plus the end)."""
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    starts.append(max(0, pos - 1))
    return " ".join(words), starts


class TrigramJudge:
    """Adapter from word lists to :class:`NgramLM`; the model is loaded on first use."""

    name = "trigram"

    def __init__(self, lm: NgramLM | None = None, path: str | Path | None = None) -> None:
        if lm is None and path is None:
            raise ValueError("TrigramJudge needs an NgramLM or the path of an ngram.npz")
        self._lm = lm
        self._path = Path(path) if path is not None else None
        self._lock = threading.Lock()

    @property
    def lm(self) -> NgramLM:
        if self._lm is None:
            with self._lock:
                if self._lm is None:
                    self._lm = load_cached(self._path)  # type: ignore[arg-type]
        return self._lm

    def tokens(self, words: Sequence[str]) -> list[str]:
        return lm_tokens(" ".join(words))

    def score(self, words: Sequence[str]) -> float:
        return self.lm.score(" ".join(words))

    def change_gains(self, words: Sequence[str], changes: Sequence[Change]) -> list[float]:
        if not changes:
            return []
        text, starts = _joined(words)
        n = len(words)
        char_changes = []
        for c in changes:
            if not 0 <= c.start <= c.end <= n:
                raise ValueError(f"change {c} outside a sentence of {n} words")
            new = " ".join(c.new)
            if c.start == c.end:  # insertion before word c.start (or at the end)
                a = b = starts[c.start] if c.start < n else len(text)
                new = f" {new} "
            else:
                a = starts[c.start]
                b = starts[c.end - 1] + len(words[c.end - 1])
            char_changes.append((a, b, new))
        return self.lm.change_gains(text, char_changes)

    def knows(self, word: str) -> bool:
        toks = lm_tokens(word)
        return bool(toks) and all(self.lm.knows(t) for t in toks)

    def unigram_logprob(self, word: str) -> float:
        lp = self.lm.unigram_logprobs(word)
        return float(np.sum(lp)) if len(lp) else 0.0
