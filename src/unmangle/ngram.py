"""A compact word trigram language model: the fluency judge for candidate rewrites.

Why an n-gram model beside the neural rewriter: choosing among a handful of alternatives for a
short span ("in"/"on"/"at", "has"/"have", "assist, assist"/"assist") is what count-based language
models do well from little data (Bryant & Briscoe, 2018, used the same idea for grammatical error
correction without annotated data), and counts over 13 M words train in a minute on a CPU where
the neural model needs GPU-hours.

Scores use *stupid backoff* (Brants et al., 2007): ``c(uvw)/c(uv)``, else ``0.4 * c(vw)/c(v)``, else
``0.16 * c(w)/N``. The scores are not normalised probabilities, which is fine for comparing two
versions of the same sentence. Words are lower-cased and digits mapped to ``0``; n-grams seen
fewer than ``min_count`` times are dropped; keys are exact (word ids packed into 64 bits), so there
are no hash collisions. Loading needs numpy only.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

FORMAT_VERSION = 1
_ID_BITS = 20  # word ids < 2**20; a trigram key packs three ids into 60 bits
_MAX_VOCAB = (1 << _ID_BITS) - 1
_BACKOFF = math.log(0.4)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_DIGIT = re.compile(r"\d")

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


class NgramFormatError(ValueError):
    """An n-gram file that is missing parts or was written by an incompatible version."""


def lm_tokens(text: str) -> list[str]:
    """The words the model counts: lower-cased, digits as ``0``, apostrophes straightened."""
    return _TOKEN.findall(_DIGIT.sub("0", text.lower().replace("’", "'")))


def _pack(ids: np.ndarray, n: int) -> np.ndarray:
    """Keys of all n-grams in a 1-D id array (``len(ids) - n + 1`` of them)."""
    key = np.zeros(len(ids) - n + 1, dtype=np.uint64)
    for k in range(n):
        key = (key << np.uint64(_ID_BITS)) | ids[k:len(ids) - n + 1 + k].astype(np.uint64)
    return key


class NgramLM:
    """Trigram counts with stupid-backoff scoring; build with :meth:`build`, keep with :meth:`save`."""

    def __init__(self, vocab: Sequence[str], unigram_counts: np.ndarray, bigram_keys: np.ndarray,
                 bigram_counts: np.ndarray, trigram_keys: np.ndarray, trigram_counts: np.ndarray,
                 meta: dict | None = None) -> None:
        self.vocab = list(vocab)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.unk = self.index[UNK]
        self.bos = self.index[BOS]
        self.eos = self.index[EOS]
        self.unigram_counts = unigram_counts.astype(np.int64)
        self.total = int(self.unigram_counts.sum())
        self.bigram_keys, self.bigram_counts = bigram_keys, bigram_counts.astype(np.int64)
        self.trigram_keys, self.trigram_counts = trigram_keys, trigram_counts.astype(np.int64)
        self.meta = dict(meta or {})
        # ln of the score of a word never seen: as rare as a word seen once, after two backoffs
        self._unseen = 2 * _BACKOFF + math.log(0.5 / self.total)

    # --- building ----------------------------------------------------------------------------
    @classmethod
    def build(cls, sentences: Iterable[str], *, min_count: int = 2, min_word_count: int = 2,
              meta: dict | None = None) -> "NgramLM":
        """Count unigrams, bigrams and trigrams of ``sentences`` (one sentence per item)."""
        tokenised = [lm_tokens(s) for s in sentences]
        if not any(tokenised):
            raise ValueError("no words to count: the n-gram model needs some clean text")
        words = Counter(w for sent in tokenised for w in sent)
        kept = [w for w, c in words.most_common() if c >= min_word_count][:_MAX_VOCAB - 3]
        vocab = [UNK, BOS, EOS] + kept
        index = {w: i for i, w in enumerate(vocab)}
        stream: list[int] = []
        for sent in tokenised:
            if sent:
                stream.append(1)
                stream.extend(index.get(w, 0) for w in sent)
                stream.append(2)
        ids = np.asarray(stream, dtype=np.int64)
        unigram = np.bincount(ids, minlength=len(vocab))
        tables = []
        for n in (2, 3):
            keys = _pack(ids, n)
            # drop n-grams that cross a sentence end (an end marker anywhere but last position)
            crossing = np.zeros(len(keys), dtype=bool)
            for k in range(n - 1):
                crossing |= ids[k:len(ids) - n + 1 + k] == 2
            keys, counts = np.unique(keys[~crossing], return_counts=True)
            keep = counts >= min_count
            tables.append((keys[keep], counts[keep].astype(np.uint32)))
        info = {"sentences": len(tokenised), "tokens": int(len(ids)), "min_count": min_count,
                "min_word_count": min_word_count, **(meta or {})}
        return cls(vocab, unigram, tables[0][0], tables[0][1], tables[1][0], tables[1][1], info)

    # --- persistence -------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """One ``.npz`` file: counts, keys, vocabulary and a JSON header."""
        header = {"format_version": FORMAT_VERSION, "meta": self.meta}
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
                vocab=np.frombuffer("\n".join(self.vocab).encode("utf-8"), dtype=np.uint8),
                unigram_counts=self.unigram_counts.astype(np.uint32),
                bigram_keys=self.bigram_keys, bigram_counts=self.bigram_counts.astype(np.uint32),
                trigram_keys=self.trigram_keys,
                trigram_counts=np.minimum(self.trigram_counts, 65535).astype(np.uint16))

    @classmethod
    def load(cls, path: str | Path) -> "NgramLM":
        try:
            with np.load(path) as data:
                header = json.loads(bytes(data["header"]).decode())
                if header.get("format_version") != FORMAT_VERSION:
                    raise NgramFormatError(f"{path}: n-gram format {header.get('format_version')}, "
                                           f"this unmangle reads {FORMAT_VERSION}")
                vocab = bytes(data["vocab"]).decode("utf-8").split("\n")
                return cls(vocab, data["unigram_counts"], data["bigram_keys"], data["bigram_counts"],
                           data["trigram_keys"], data["trigram_counts"], header.get("meta"))
        except NgramFormatError:
            raise
        except KeyError as exc:
            raise NgramFormatError(f"{path}: n-gram file lacks {exc}") from None
        except (ValueError, OSError, EOFError) as exc:
            raise NgramFormatError(f"{path} is not an n-gram file unmangle wrote: {exc}") from None

    # --- scoring -----------------------------------------------------------------------------
    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        return np.asarray([self.index.get(t, self.unk) for t in tokens], dtype=np.int64)

    @staticmethod
    def _lookup(keys: np.ndarray, counts: np.ndarray, query: np.ndarray) -> np.ndarray:
        if len(keys) == 0:
            return np.zeros(len(query), dtype=np.int64)
        pos = np.searchsorted(keys, query)
        pos = np.minimum(pos, len(keys) - 1)
        found = keys[pos] == query
        return np.where(found, counts[pos], 0)

    def _scores(self, prev2: np.ndarray, prev1: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """ln score of each ``targets[i]`` after ``prev2[i] prev1[i]`` (``prev2`` -1: none)."""
        shift = np.uint64(_ID_BITS)
        t = targets.astype(np.uint64)
        p1 = prev1.astype(np.uint64)
        has2 = prev2 >= 0
        p2 = np.where(has2, prev2, 0).astype(np.uint64)
        tri = self._lookup(self.trigram_keys, self.trigram_counts, (((p2 << shift) | p1) << shift) | t)
        tri = np.where(has2, tri, 0)
        ctx2 = self._lookup(self.bigram_keys, self.bigram_counts, (p2 << shift) | p1)
        bi = self._lookup(self.bigram_keys, self.bigram_counts, (p1 << shift) | t)
        ctx1 = self.unigram_counts[prev1]
        uni = self.unigram_counts[targets]
        with np.errstate(divide="ignore", invalid="ignore"):
            s_tri = np.log(np.maximum(tri, 1) / np.maximum(ctx2, 1))
            # with no second context word (sentence start) the bigram is the top order: no penalty
            s_bi = np.where(has2, _BACKOFF, 0.0) + np.log(np.maximum(bi, 1) / np.maximum(ctx1, 1))
            s_uni = np.where(has2, 2 * _BACKOFF, _BACKOFF) + np.log(np.maximum(uni, 1) / self.total)
        scores = np.where(tri > 0, s_tri, np.where(bi > 0, s_bi, s_uni))
        return np.where((targets == self.unk) | (uni == 0), self._unseen, scores)

    def token_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """ln score of each token, then of the sentence end, reading ``tokens`` as one sentence."""
        return self.id_scores(self.ids(tokens))

    def id_scores(self, ids: np.ndarray) -> np.ndarray:
        """:meth:`token_scores` of tokens already turned into ids (:meth:`ids`)."""
        full = np.concatenate([[self.bos], ids, [self.eos]]).astype(np.int64)
        prev2 = np.concatenate([[-1], full[:-2]])
        return self._scores(prev2, full[:-1], full[1:])

    def score_many(self, texts: Sequence[str]) -> np.ndarray:
        """Total ln score of each text read as one sentence, in one vectorised pass."""
        return self.score_and_length_many(texts)[0]

    def score_and_length_many(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(total ln score, number of scored tokens incl. the sentence end) of each text."""
        if not texts:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        seqs = [np.concatenate([[self.bos], self.ids(lm_tokens(t)), [self.eos]]).astype(np.int64)
                for t in texts]
        full = np.concatenate(seqs)
        lengths = np.fromiter((len(q) for q in seqs), dtype=np.int64, count=len(seqs))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        prev1 = np.concatenate([[-1], full[:-1]])
        prev2 = np.concatenate([[-1, -1], full[:-2]])
        prev2[np.minimum(starts + 1, len(full) - 1)] = -1  # the first word has only <s> before it
        targets_at = np.ones(len(full), dtype=bool)
        targets_at[starts] = False  # <s> itself is not scored
        scores = np.zeros(len(full))
        scores[targets_at] = self._scores(prev2[targets_at], prev1[targets_at], full[targets_at])
        return np.add.reduceat(scores, starts), lengths - 1

    def score(self, text: str) -> float:
        """Total ln score of ``text`` read as one sentence."""
        return float(self.token_scores(lm_tokens(text)).sum())

    def gains(self, sentence: str, variants: Sequence[str]) -> list[float]:
        """How much each variant improves on ``sentence`` (nats), conservatively.

        Sentence scores depend on length: a total favours every deletion, a mean per token favours
        padding with easy words ("network" -> "the international community"). A gain is therefore
        the smaller of the two readings: the change in total score, and the change in mean score
        per token times the sentence's length. Equal lengths make them the same.
        """
        scores, lengths = self.score_and_length_many([sentence, *variants])
        return [_cautious_gain(float(scores[0]), int(lengths[0]), float(s), int(n))
                for s, n in zip(scores[1:], lengths[1:])]

    def change_gains(self, sentence: str, changes: Sequence[tuple[int, int, str]]) -> list[float]:
        """:meth:`gains` of the variants ``sentence[:a] + text + sentence[b:]`` of one sentence.

        A trigram score depends on two words of context, so a change alters only the scores of
        its own words and the two after them. This scores just those, for every change in one
        vectorised pass (the same numbers as :meth:`gains` to rounding; tested), which on long
        sentences with many candidate changes is most of the n-gram work saved.
        """
        return ChangeScorer(self, sentence).gains(changes)

    def bigram_count(self, first: str, second: str) -> int:
        """How often ``first second`` (tokens as :func:`lm_tokens` writes them) was counted; 0 when
        either word is unknown or the pair was pruned."""
        if first not in self.index or second not in self.index:
            return 0
        key = np.asarray([(self.index[first] << _ID_BITS) | self.index[second]], dtype=np.uint64)
        return int(self._lookup(self.bigram_keys, self.bigram_counts, key)[0])

    def association(self, first: str, second: str) -> float:
        """How much more often ``first second`` was counted than chance predicts (ln of observed
        over expected, pointwise mutual information); -inf when the pair was never counted."""
        count = self.bigram_count(first, second)
        if count == 0:
            return float("-inf")
        c1 = int(self.unigram_counts[self.index[first]])
        c2 = int(self.unigram_counts[self.index[second]])
        return math.log(count * self.total / max(1, c1 * c2))

    def unigram_logprobs(self, text: str) -> np.ndarray:
        """ln unigram probability of each word of ``text`` (how common it is, context ignored); a
        word never seen counts as seen half a time."""
        ids = self.ids(lm_tokens(text))
        counts = self.unigram_counts[ids].astype(np.float64)
        counts[(ids == self.unk) | (counts == 0)] = 0.5
        return np.log(counts / self.total)

    def frequency_shift(self, old: str, new: str) -> float:
        """How much commoner the words of ``new`` are than those of ``old`` (nats).

        Both judges of a change, n-gram and rewriter, prefer common words: swapping a rare right
        word for a common near-synonym ("females" -> "women") raises the sentence's score though
        nothing was wrong. This is the part of such a gain that frequency alone explains: the
        change in the words' mean ln unigram probability, times the shorter side's word count.
        Counting means, not sums, keeps length out of it (a sum rises whenever a word is removed:
        writing a split name together is not a move to commoner words); a pure insertion or
        deletion has no shift.
        """
        before, after = self.unigram_logprobs(old), self.unigram_logprobs(new)
        if not len(before) or not len(after):
            return 0.0
        return float(min(len(before), len(after)) * (after.mean() - before.mean()))

    def knows(self, word: str) -> bool:
        """Whether ``word`` (as :func:`lm_tokens` writes it) is in the vocabulary."""
        return word in self.index

    def __len__(self) -> int:
        return len(self.bigram_keys) + len(self.trigram_keys)


def _cautious_gain(base: float, base_length: int, score: float, length: int) -> float:
    """The smaller of two readings of a variant's gain over its sentence: the change in total
    score, and the change in mean score per token times the sentence's length (see
    :meth:`NgramLM.gains`)."""
    return min(score - base, (score / length - base / base_length) * base_length)


_SEGMENT = re.compile(r"\S+")


class ChangeScorer:
    """One sentence, tokenised once, and the n-gram effect of local changes to it.

    Tokens never cross whitespace, so a change is re-tokenised together with the whitespace-free
    segments it touches, and the rest of the sentence keeps its tokens.
    """

    def __init__(self, lm: NgramLM, sentence: str) -> None:
        self.lm = lm
        self.sentence = sentence
        self.segments = [(m.start(), m.end()) for m in _SEGMENT.finditer(sentence)]
        self._starts = [a for a, _ in self.segments]
        self._ends = [b for _, b in self.segments]
        tokens: list[str] = []
        self.first_token: list[int] = []  # index of each segment's first token
        for a, b in self.segments:
            self.first_token.append(len(tokens))
            tokens.extend(lm_tokens(sentence[a:b]))
        self.first_token.append(len(tokens))
        self.tokens = tokens
        self.counts = Counter(tokens)
        self.ids = lm.ids(tokens)
        self.n_scored = len(tokens) + 1  # the words and the sentence end
        self.total = float(lm.id_scores(self.ids).sum())

    def _window(self, a: int, b: int) -> tuple[int, int, int, int]:
        """(A, B, first, last): the text ``sentence[A:B]`` re-tokenised with a change to
        ``[a, b)``, and the tokens ``[first, last)`` it replaces."""
        i0 = bisect.bisect_left(self._ends, a)  # first segment ending at or after a
        i1 = bisect.bisect_right(self._starts, b) - 1  # last segment starting at or before b
        lo = min(a, self.segments[i0][0]) if i0 < len(self.segments) else a
        hi = max(b, self.segments[i1][1]) if i1 >= 0 else b
        first = self.first_token[i0] if i0 < len(self.segments) else len(self.tokens)
        last = self.first_token[i1 + 1] if i1 >= 0 else 0
        return lo, hi, first, max(first, last)

    def variant_tokens(self, change: tuple[int, int, str]) -> tuple[list[str], list[str], int, int]:
        """(old window tokens, new window tokens, first, last) of one change."""
        a, b, text = change
        lo, hi, first, last = self._window(a, b)
        new = lm_tokens(self.sentence[lo:a] + text + self.sentence[b:hi])
        return self.tokens[first:last], new, first, last

    def keeps_word(self, change: tuple[int, int, str], word: str) -> bool:
        """Whether ``word`` (as :func:`lm_tokens` writes it) is still in the sentence after the change."""
        old, new, _, _ = self.variant_tokens(change)
        return self.counts[word] - old.count(word) + new.count(word) > 0

    def gains(self, changes: Sequence[tuple[int, int, str]]) -> list[float]:
        """:meth:`NgramLM.gains` of each change (see :meth:`NgramLM.change_gains`)."""
        if not changes:
            return []
        lm = self.lm
        full = [lm.bos, *self.ids.tolist(), lm.eos]
        prev2s: list[int] = []
        prev1s: list[int] = []
        targets: list[int] = []
        owners: list[int] = []
        sizes = []
        for k, change in enumerate(changes):
            _, new, first, last = self.variant_tokens(change)
            # in ``full`` the window's tokens sit at first+1 .. last (index 0 is <s>)
            context = full[max(0, first - 1):first + 1]
            after = full[last + 1:last + 3]
            for side, window in ((0, full[first + 1:last + 1]), (1, lm.ids(new).tolist())):
                seq = context + window + after
                # the first word of a sentence has only <s> before it: no second context word
                padded = [-1] + seq if len(context) == 1 else seq
                for i in range(len(context), len(seq)):
                    targets.append(seq[i])
                    prev1s.append(seq[i - 1])
                    prev2s.append(padded[i - 2 + len(padded) - len(seq)])
                owners.extend([2 * k + side] * (len(seq) - len(context)))
            sizes.append(len(new) - (last - first))
        scores = lm._scores(np.asarray(prev2s, dtype=np.int64), np.asarray(prev1s, dtype=np.int64),
                            np.asarray(targets, dtype=np.int64))
        sums = np.bincount(np.asarray(owners, dtype=np.int64), weights=scores, minlength=2 * len(changes))
        return [_cautious_gain(self.total, self.n_scored, self.total + float(sums[2 * k + 1] - sums[2 * k]),
                               self.n_scored + grow)
                for k, grow in enumerate(sizes)]


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> "NgramLM":
    return NgramLM.load(path)


def load_cached(path: str | Path) -> NgramLM:
    """:meth:`NgramLM.load`, shared by the stages that use the same file (it is only read)."""
    path = Path(path)
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns)
