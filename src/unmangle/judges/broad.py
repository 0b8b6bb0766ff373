"""A broad-coverage general-English trigram model as a judge: the one pocketsphinx ships.

The ``pocketsphinx`` package (BSD-2) carries ``model/en-us/en-us.lm.bin``, a trigram model of
general American English (about 72k words, 2.05M bigrams, 1.67M trigrams) built for speech
recognition. It knows everyday words the project's UN-speech model has never seen, so it is a
second opinion on word choice. It is read through ``pocketsphinx.NGramModel`` (exporting it to
ARPA is broken); ``prob([w, prev1, prev2])`` returns log base 1.0001.

Mapping from surface words (explicit, because the model was trained on spoken-style text):

- case: lower-cased (the model has lower-case words only);
- punctuation: ``.``, ``!`` and ``?`` end a sentence (``</s>`` then ``<s>``); every other mark is
  dropped, as it would be in speech;
- digits: a word with a digit is the number class ``<num>`` (the model spells numbers out);
- hyphens: a hyphenated word the model knows stays whole (``well-known``), else its parts;
- clitics: a known form stays (``don't``, ``it's``, ``obama's``); else it splits into the word
  and ``'s`` / ``not`` / ``are`` / ``have`` / ``will`` / ``would`` / ``am``;
- names: a capitalised word the model does not know, not at a sentence start, is ``<name>``;
  any other unknown word is ``<unk>``.

The three class tokens are unknown to the model: as a target each scores :data:`UNKNOWN_LOGPROB`
(the model's own value for an unknown word is a huge sentinel that would swamp every sum), and as
history each cuts the context, so the next word is scored with what stands after it only. The
floor is the same on both sides of a change, so it only matters when a change adds or removes an
unknown word.

The model loads lazily on first use (about 0.1 s, 27 MB file); one instance is shared per process
(:func:`default_broad_judge`). Calls into the C model are made under a lock, so one judge may be
used from several threads.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from pathlib import Path
from typing import Sequence

from .base import Change, cautious_gain

LN_BASE = math.log(1.0001)
#: ln score given to a word the model does not know (its rarest known words score about -16).
UNKNOWN_LOGPROB = -20.0
_SENTINEL = -10_000_000  # raw scores below this are the model's "unknown word" value

NUM, NAME, UNK = "<num>", "<name>", "<unk>"
CLASSES = frozenset({NUM, NAME, UNK})
BOS, EOS = "<s>", "</s>"
_SENTENCE_END = frozenset(".!?")
_CLITIC = re.compile(r"^(.+?)(n't|'s|'re|'ve|'ll|'d|'m|')$")
_EXPAND = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}


def default_model_path() -> Path:
    """Where the installed pocketsphinx keeps its general English trigram model."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us.lm.bin"


class BroadJudge:
    """Judge backed by a pocketsphinx trigram model file (``.lm.bin``)."""

    name = "broad"

    def __init__(self, path: str | Path | None = None, cache_size: int = 1 << 18) -> None:
        self._path = Path(path) if path is not None else None
        self._model = None
        self._lock = threading.Lock()
        self._cache_size = cache_size
        self.load_s: float | None = None

    # --- model access ------------------------------------------------------------------------
    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import time

                    import pocketsphinx

                    path = self._path or default_model_path()
                    if not path.exists():
                        raise FileNotFoundError(f"{path}: pocketsphinx's English language model is missing")
                    t0 = time.perf_counter()
                    model = pocketsphinx.NGramModel.readfile(str(path))
                    lock = self._lock

                    @functools.lru_cache(maxsize=self._cache_size)
                    def raw(key: tuple[str, ...]) -> int:
                        with lock:
                            return model.prob(list(key))

                    self._raw = raw
                    self._model = model
                    self.load_s = time.perf_counter() - t0
        return self._model

    def logprob(self, word: str, prev1: str | None = None, prev2: str | None = None) -> float:
        """ln P(word | prev2 prev1) in the model's own tokens; :data:`UNKNOWN_LOGPROB` when the
        model does not know ``word``. A ``None`` or class-token history word cuts the context."""
        self._load()
        if word in CLASSES:
            return UNKNOWN_LOGPROB
        if prev1 is None or prev1 in CLASSES:
            key: tuple[str, ...] = (word,)
        elif prev2 is None or prev2 in CLASSES or prev1 == BOS:
            key = (word, prev1)
        else:
            key = (word, prev1, prev2)
        raw = self._raw(key)
        return UNKNOWN_LOGPROB if raw < _SENTINEL else raw * LN_BASE

    def known_token(self, token: str) -> bool:
        """Whether the model has ``token`` (already lower-case) in its vocabulary."""
        self._load()
        return token not in CLASSES and self._raw((token,)) >= _SENTINEL

    # --- mapping -----------------------------------------------------------------------------
    def map_word(self, word: str, initial: bool = False) -> list[str]:
        """The model's tokens for one surface word (see the module docstring); ``initial``: the
        word starts a sentence (a capital there does not mark a name)."""
        if word in _SENTENCE_END:
            return [EOS, BOS]
        if not any(ch.isalnum() for ch in word):
            return []
        if any(ch.isdigit() for ch in word):
            return [NUM]
        low = word.replace("’", "'").lower()
        if self.known_token(low):
            return [low]
        if "-" in low:
            parts = [p for p in low.split("-") if p]
            if len(parts) > 1:
                surface = [p for p in word.split("-") if p]
                if len(surface) != len(parts):
                    surface = parts
                return [t for k, p in enumerate(surface) for t in self.map_word(p, initial and k == 0)]
        m = _CLITIC.match(low)
        if m and m.group(1):
            surface = word.replace("’", "'")
            stem = surface[:len(m.group(1))] if len(surface) == len(low) else m.group(1)
            base = self.map_word(stem, initial)
            clitic = m.group(2)
            if clitic == "'s":
                return base + ["'s"]
            return base + ([_EXPAND[clitic]] if clitic in _EXPAND else [])
        if word[0].isupper() and not initial:
            return [NAME]
        return [UNK]

    def read(self, words: Sequence[str]) -> tuple[list[str], list[int]]:
        """The judge's token stream for ``words`` (``<s>`` ... ``</s>``) and where each word's
        tokens begin in it (``offsets[i]:offsets[i + 1]``; one more offset than words)."""
        stream, offsets = [BOS], []
        initial = True
        for w in words:
            offsets.append(len(stream))
            toks = self.map_word(w, initial)
            stream.extend(toks)
            if toks:
                initial = toks[-1] == BOS
        offsets.append(len(stream))
        stream.append(EOS)
        return stream, offsets

    def tokens(self, words: Sequence[str]) -> list[str]:
        return self.read(words)[0]

    # --- scoring -----------------------------------------------------------------------------
    def _span_score(self, stream: Sequence[str], lo: int, hi: int) -> tuple[float, int]:
        """(sum of ln scores, number of scored tokens) of stream positions ``[lo, hi)``.

        ``<s>`` is not scored, nor a ``</s>`` right after ``<s>`` (an empty sentence); context
        never reaches back past ``<s>``."""
        total, count = 0.0, 0
        for j in range(max(lo, 1), min(hi, len(stream))):
            tok = stream[j]
            p1 = stream[j - 1]
            if tok == BOS or (tok == EOS and p1 == BOS):
                continue
            p2 = stream[j - 2] if j >= 2 and p1 != BOS else None
            total += self.logprob(tok, p1, p2)
            count += 1
        return total, count

    def score(self, words: Sequence[str]) -> float:
        stream = self.read(words)[0]
        return self._span_score(stream, 0, len(stream))[0]

    def change_gains(self, words: Sequence[str], changes: Sequence[Change]) -> list[float]:
        if not changes:
            return []
        stream, offsets = self.read(words)
        base, base_n = self._span_score(stream, 0, len(stream))
        n = len(words)
        gains = []
        for c in changes:
            if not 0 <= c.start <= c.end <= n:
                raise ValueError(f"change {c} outside a sentence of {n} words")
            p, q = offsets[c.start], offsets[c.end]
            initial = stream[p - 1] == BOS
            middle: list[str] = []
            for w in c.new:
                toks = self.map_word(w, initial)
                middle.extend(toks)
                if toks:
                    initial = toks[-1] == BOS
            variant = stream[:p] + middle + stream[q:]
            # positions from p to two past the new tokens have new contexts; the rest are as before
            hi_new = min(len(variant), p + len(middle) + 2)
            hi_old = min(len(stream), q + 2)
            new_s, new_n = self._span_score(variant, p, hi_new)
            old_s, old_n = self._span_score(stream, p, hi_old)
            score = base - old_s + new_s
            gains.append(cautious_gain(base, base_n, score, base_n - old_n + new_n))
        return gains

    # --- vocabulary --------------------------------------------------------------------------
    def knows(self, word: str) -> bool:
        toks = self.map_word(word, initial=True)
        return bool(toks) and not any(t in CLASSES for t in toks)

    def unigram_logprob(self, word: str) -> float:
        toks = [t for t in self.map_word(word, initial=True) if t not in (BOS, EOS)]
        return sum(self.logprob(t) for t in toks) if toks else UNKNOWN_LOGPROB


_DEFAULT: BroadJudge | None = None
_DEFAULT_LOCK = threading.Lock()


def default_broad_judge() -> BroadJudge:
    """One shared :class:`BroadJudge` on pocketsphinx's model (loaded on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = BroadJudge()
    return _DEFAULT
