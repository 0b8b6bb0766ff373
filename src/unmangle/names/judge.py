"""What the language models think of a word: known or not, and how likely.

Two judges: the model folder's word trigram model (``unmangle.ngram.NgramLM``: UN speeches,
formal and international) and the general English trigram model that ships with ``pocketsphinx``
(broad everyday English). A word neither knows is a candidate for a near miss.

The pocketsphinx accessor here is private and small on purpose (log base 1.0001, lower-case words,
the unknown-word sentinel floored); a shared judge class can replace it.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from ..ngram import NgramLM

#: pocketsphinx's log base: scores are log_1.0001(p).
_PS_LOG_BASE = math.log(1.0001)
#: pocketsphinx returns this (or less) for a word it does not know.
_PS_UNKNOWN = -536870912
#: the ln probability an unknown word gets from the general model (floored sentinel).
UNKNOWN_LOGPROB = -25.0


class GeneralEnglish:
    """The pocketsphinx en-us trigram model: ``logprob(word, prev1, prev2)`` in nats."""

    def __init__(self, path: str | Path) -> None:
        import pocketsphinx

        self._lm = pocketsphinx.NGramModel.readfile(str(path))

    @classmethod
    def load_default(cls) -> "GeneralEnglish | None":
        """The model that ships with pocketsphinx, or None when pocketsphinx is not installed."""
        return _general_default()

    @functools.lru_cache(maxsize=65536)
    def logprob(self, word: str, prev1: str = "", prev2: str = "") -> float:
        history = [w.lower() for w in (prev1, prev2) if w]
        if len(history) == 1 and not prev1:
            history = []
        value = self._lm.prob([word.lower(), *history])
        if value <= _PS_UNKNOWN:
            return UNKNOWN_LOGPROB
        return max(UNKNOWN_LOGPROB, value * _PS_LOG_BASE)

    def knows(self, word: str) -> bool:
        return self.logprob(word) > UNKNOWN_LOGPROB


@functools.lru_cache(maxsize=1)
def _general_default() -> GeneralEnglish | None:
    try:
        from pocketsphinx import get_model_path
    except ImportError:
        return None
    path = Path(get_model_path()) / "en-us" / "en-us.lm.bin"
    return GeneralEnglish(path) if path.exists() else None


def _wordfreq_zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a core dependency
        return 0.0
    return zipf_frequency(word, "en")


class WordJudge:
    """The models' opinion of single words (lower-cased): the trigram model, the general English
    model, and ``wordfreq``'s word list (web, news, subtitles: it holds many rare names, and a
    misspelling that no one writes has frequency 0 there)."""

    def __init__(self, lm: NgramLM | None, general: GeneralEnglish | None, *, use_wordfreq: bool = True) -> None:
        self.lm = lm
        self.general = general
        self.use_wordfreq = use_wordfreq

    @functools.lru_cache(maxsize=65536)
    def zipf(self, word: str) -> float:
        """wordfreq's Zipf frequency of ``word`` (0 when unknown or not used)."""
        return _wordfreq_zipf(word) if self.use_wordfreq else 0.0

    def count(self, word: str) -> int:
        """How often the trigram model counted ``word`` (0 when unknown or no model)."""
        if self.lm is None:
            return 0
        i = self.lm.index.get(word.lower())
        return 0 if i is None else int(self.lm.unigram_counts[i])

    def knows(self, word: str) -> bool:
        """Whether either model has the word in its vocabulary."""
        if self.count(word) > 0 or self.zipf(word) > 0:
            return True
        return self.general is not None and self.general.knows(word)

    def familiarity(self, word: str) -> float:
        """How well known a word is (nats, higher is commoner): the better of the two models'
        unigram log-probabilities; ``UNKNOWN_LOGPROB`` when neither knows it."""
        best = UNKNOWN_LOGPROB
        if self.lm is not None:
            c = self.count(word)
            if c:
                best = max(best, math.log(c / self.lm.total))
        if self.general is not None:
            best = max(best, self.general.logprob(word))
        return best
