"""Cheap, inspectable signs of machine damage, counted per paragraph and summed per document.

Every feature is a rate (a share of words or tokens, or a mean log-score), so a paragraph and a
whole document are described alike and a reader can check any value by hand:

- language-model surprise under the model folder's word trigram model (``ngram.npz``, counted from
  clean text): mean ln score per token, the share of very surprising tokens, and how often the
  model never saw a trigram or bigram of the text (translation and spinning make word sequences
  clean writers do not);
- words outside a frequency list (wordfreq) and outside the trigram model's vocabulary;
- what the deterministic stages would do: lexicon and tortured-phrase hits, spacing/punctuation
  fixes (normalize), boilerplate lines, duplicated sentences and doubled words;
- the broad general-English model's view (pocketsphinx's ``en-us.lm.bin`` through
  :mod:`unmangle.judges.broad`; see :mod:`unmangle.scoring.broad`): mean ln probability, context
  gain (rarity removed), unseen word pairs, and (only when asked for: slow) the density of synonym
  suspects (content words a reverse-thesaurus candidate fits clearly better);
- the neural detector's view (when a model folder is at hand): the share of words in chunks it
  flags at the model's calibrated cut-off, its mean chunk probability and the share of chunks at
  or above 0.5; it reads every sentence with the model's encoder (scoring with it: about 3,500
  words/s on two cores, against 22,000 without).

Counts are kept as sums (:class:`Counts`) so paragraphs add up to the document exactly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..textspans import Span, paragraphs, sentences

#: Features that need nothing beyond the core install (trigram model, wordfreq, the fast stages).
FAST_FEATURES: tuple[str, ...] = (
    "lm_mean", "lm_surprising", "context_gain", "context_loss", "trigram_unseen", "bigram_unseen", "bigram_anomaly",
    "bigram_anomaly_strong", "trigram_anomaly", "lm_oov", "wordfreq_oov",
    "wordfreq_rare", "lexicon_hits", "normalize_edits", "boilerplate_share", "duplicate_share",
    "doubled_words", "log_words",
)
#: Read the broad general-English model (pocketsphinx's, a core dependency; see
#: :mod:`unmangle.scoring.broad`).
GENERAL_FEATURES: tuple[str, ...] = (
    "general_mean", "general_oov", "general_gain", "general_loss", "general_low", "general_unseen",
)
#: The broad model and the reverse thesaurus (a few look-ups per content word).
SYNONYM_FEATURES: tuple[str, ...] = ("synonym_suspects",)
#: Need the neural detector (the model's encoder over every sentence).
NEURAL_FEATURES: tuple[str, ...] = ("flagged_share", "detector_mean", "detector_high")
#: A chunk at or above this detector probability counts toward ``detector_high``.
DETECTOR_HIGH = 0.5
ALL_FEATURES = FAST_FEATURES + GENERAL_FEATURES + SYNONYM_FEATURES + NEURAL_FEATURES

#: A token this surprising (ln score) counts as "surprising": below what a word seen once in the
#: training text gets after one backoff, i.e. the model has no context support at all for it.
SURPRISING_LN = -9.0
#: Zipf frequency below which a word counts as rare (3 = once per million words).
RARE_ZIPF = 3.0
_ALPHA_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass
class Counts:
    """Raw sums for one unit of text; :meth:`features` turns them into rates."""

    words: int = 0            # alphabetic words
    chars: int = 0
    tokens: int = 0           # trigram-model tokens (words, punctuation, sentence ends)
    lm_sum: float = 0.0       # sum of ln scores of those tokens
    lm_surprising: int = 0
    context_gain_sum: float = 0.0  # sum over tokens of ln score - ln unigram probability
    context_loss: int = 0          # tokens whose context makes them less likely than alone
    trigram_positions: int = 0
    trigram_unseen: int = 0
    bigram_positions: int = 0
    bigram_unseen: int = 0
    bigram_anomaly: int = 0         # unseen bigrams of two known words expected >= 2 times
    bigram_anomaly_strong: int = 0  # ... expected >= 10 times
    trigram_anomaly: int = 0        # unseen trigrams whose two bigrams predict >= 2 occurrences
    lm_oov: int = 0
    wordfreq_oov: int = 0
    wordfreq_rare: int = 0
    lexicon_hits: int = 0
    normalize_edits: int = 0
    boilerplate_chars: int = 0
    duplicate_chars: int = 0
    doubled_words: int = 0
    general_words: int = 0          # broad-model tokens scored
    general_sum: float = 0.0        # their ln scores
    general_oov: int = 0            # ... unknown to the model (not names or numbers)
    general_known: int = 0          # known tokens with a known history
    general_gain_sum: float = 0.0   # their ln P(w | context) - ln P(w)
    general_loss: int = 0           # ... below their unigram score
    general_low: int = 0            # ... below broad.LOW_LN
    general_pairs: int = 0          # word pairs of known tokens
    general_unseen: int = 0         # ... never seen together
    synonym_checked: int = 0        # content words with reverse-thesaurus candidates
    synonym_suspects: int = 0       # ... one of which fits clearly better
    flagged_words: int = 0          # words in chunks the detector flags at the model's cut-off
    detector_chunks: int = 0        # chunks the detector scored
    detector_sum: float = 0.0       # ... the sum of their probabilities
    detector_high: int = 0          # ... at or above DETECTOR_HIGH
    has_general: bool = False
    has_synonyms: bool = False
    has_neural: bool = False

    def __add__(self, other: "Counts") -> "Counts":
        out = Counts()
        for f in fields(Counts):
            a, b = getattr(self, f.name), getattr(other, f.name)
            setattr(out, f.name, (a and b) if isinstance(a, bool) else a + b)
        return out

    def features(self) -> dict[str, float]:
        """Rates for every feature this unit has counts for (general/neural only when computed)."""
        w = max(self.words, 1)
        t = max(self.tokens, 1)
        c = max(self.chars, 1)
        out = {
            "lm_mean": self.lm_sum / t,
            "lm_surprising": self.lm_surprising / t,
            "context_gain": self.context_gain_sum / t,
            "context_loss": self.context_loss / t,
            "trigram_unseen": self.trigram_unseen / max(self.trigram_positions, 1),
            "bigram_unseen": self.bigram_unseen / max(self.bigram_positions, 1),
            "bigram_anomaly": self.bigram_anomaly / max(self.bigram_positions, 1),
            "bigram_anomaly_strong": self.bigram_anomaly_strong / max(self.bigram_positions, 1),
            "trigram_anomaly": self.trigram_anomaly / max(self.trigram_positions, 1),
            "lm_oov": self.lm_oov / w,
            "wordfreq_oov": self.wordfreq_oov / w,
            "wordfreq_rare": self.wordfreq_rare / w,
            "lexicon_hits": 100.0 * self.lexicon_hits / w,
            "normalize_edits": 100.0 * self.normalize_edits / w,
            "boilerplate_share": min(self.boilerplate_chars / c, 1.0),
            "duplicate_share": min(self.duplicate_chars / c, 1.0),
            "doubled_words": 100.0 * self.doubled_words / w,
            "log_words": math.log1p(self.words),
        }
        if self.has_general:
            k = max(self.general_known, 1)
            out["general_mean"] = self.general_sum / max(self.general_words, 1)
            out["general_oov"] = self.general_oov / max(self.general_words, 1)
            out["general_gain"] = self.general_gain_sum / k
            out["general_loss"] = self.general_loss / k
            out["general_low"] = self.general_low / k
            out["general_unseen"] = self.general_unseen / max(self.general_pairs, 1)
        if self.has_synonyms:
            out["synonym_suspects"] = self.synonym_suspects / max(self.synonym_checked, 1)
        if self.has_neural:
            out["flagged_share"] = self.flagged_words / w
            out["detector_mean"] = self.detector_sum / max(self.detector_chunks, 1)
            out["detector_high"] = self.detector_high / max(self.detector_chunks, 1)
        return out


@dataclass
class TextFeatures:
    """Counts of each paragraph (with its span) and of the whole text."""

    paragraphs: list[tuple[Span, Counts]] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        has = bool(self.paragraphs)
        out = Counts(has_general=has, has_synonyms=has, has_neural=has)
        for _, c in self.paragraphs:
            out = out + c
        return out


# --- resources (loaded once) ------------------------------------------------------------------
@lru_cache(maxsize=4)
def _ngram(path: str):
    from ..ngram import load_cached

    return load_cached(path)


def default_ngram_path() -> Path:
    """The bundled model folder's trigram model (the one the repair pipeline uses)."""
    from ..resources import bundled_model_dir

    folder = bundled_model_dir()
    if folder is None or not (folder / "ngram.npz").exists():
        raise FileNotFoundError("no bundled trigram model (models/unmangle-base/ngram.npz): "
                                "pass ngram_path= to score documents")
    return folder / "ngram.npz"


@lru_cache(maxsize=1)
def _fast_stages():
    from ..lexicon import Lexicon
    from ..stages.boilerplate import BoilerplateStage
    from ..stages.duplicates import DuplicatesStage
    from ..stages.lexicon import LexiconStage
    from ..stages.normalize import NormalizeStage

    return (NormalizeStage(), BoilerplateStage(), DuplicatesStage(), LexiconStage(Lexicon.load_default()))


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=1)
def _broad_judge():
    """The shared broad-model judge, or None when pocketsphinx or its model is missing."""
    try:
        from ..judges.broad import default_broad_judge, default_model_path

        if not default_model_path().exists():
            return None
    except ImportError:
        return None
    return default_broad_judge()


def general_model_available() -> bool:
    return _broad_judge() is not None


def _broad_counts(judge, sentence_texts: Iterable[str], counts: Counts, synonyms: bool) -> None:
    from ..judges.base import sentence_words
    from . import broad

    for text in sentence_texts:
        sent = broad.read_sentence(judge, [w.text for w in sentence_words(text)])
        c = broad.context_counts(judge, sent)
        counts.general_words += c.scored
        counts.general_sum += c.lp_sum
        counts.general_oov += c.unknown
        counts.general_known += c.known
        counts.general_gain_sum += c.gain_sum
        counts.general_loss += c.loss
        counts.general_low += c.low
        counts.general_pairs += c.pairs
        counts.general_unseen += c.unseen
        if synonyms:
            checked, suspects = broad.synonym_counts(judge, sent)
            counts.synonym_checked += checked
            counts.synonym_suspects += suspects


# --- extraction -------------------------------------------------------------------------------
def _lm_counts(lm, sentence_texts: Iterable[str], counts: Counts) -> None:
    from ..ngram import lm_tokens

    shift = np.uint64(20)
    for text in sentence_texts:
        toks = lm_tokens(text)
        if not toks:
            continue
        ids = lm.ids(toks)
        scores = lm.id_scores(ids)
        counts.tokens += len(scores)
        counts.lm_sum += float(scores.sum())
        counts.lm_surprising += int((scores < SURPRISING_LN).sum())
        counts.lm_oov += int((ids == lm.unk).sum())
        # how much the two words before help: a word that fits its context scores far above its
        # unigram probability; a substituted or misplaced word does not (independent of rarity)
        targets = np.concatenate([ids, [lm.eos]])
        unigram = np.log(np.maximum(lm.unigram_counts[targets], 1) / lm.total)
        gain = np.where(targets == lm.unk, 0.0, scores - unigram)
        counts.context_gain_sum += float(gain.sum())
        counts.context_loss += int((gain < 0).sum())
        full = np.concatenate([[lm.bos], ids, [lm.eos]]).astype(np.uint64)
        if len(full) >= 3:  # bigrams and trigrams ending at a real word or the sentence end
            bi = (full[1:-1] << shift) | full[2:]
            tri = (((full[:-2] << shift) | full[1:-1]) << shift) | full[2:]
            bi_seen = _member(lm.bigram_keys, bi)
            tri_seen = _member(lm.trigram_keys, tri)
            counts.bigram_positions += len(bi)
            counts.bigram_unseen += int((~bi_seen).sum())
            counts.trigram_positions += len(tri)
            counts.trigram_unseen += int((~tri_seen).sum())
            # Absence as evidence: two common words that never met in the clean text, though
            # chance alone predicts they would (expected count c(u)c(v)/N), are a telling sign of
            # a substituted or misplaced word; rare words and names (unknown) are left out.
            u, v = full[1:-1].astype(np.int64), full[2:].astype(np.int64)
            known = (u != lm.unk) & (v != lm.unk)
            expected = lm.unigram_counts[u] * lm.unigram_counts[v] / lm.total
            counts.bigram_anomaly += int((known & ~bi_seen & (expected >= 2)).sum())
            counts.bigram_anomaly_strong += int((known & ~bi_seen & (expected >= 10)).sum())
            # trigram: both of its bigrams seen, the middle word common, yet never together
            first = _counts_of(lm.bigram_keys, lm.bigram_counts, (full[:-2] << shift) | full[1:-1])
            second = _counts_of(lm.bigram_keys, lm.bigram_counts, bi)
            middle = np.maximum(lm.unigram_counts[u], 1)
            expected3 = first * second / middle
            counts.trigram_anomaly += int((~tri_seen & (expected3 >= 2)).sum())


def _member(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    if len(keys) == 0:
        return np.zeros(len(query), dtype=bool)
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return keys[pos] == query


def _counts_of(keys: np.ndarray, counts: np.ndarray, query: np.ndarray) -> np.ndarray:
    if len(keys) == 0:
        return np.zeros(len(query))
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[pos] == query, counts[pos], 0).astype(float)


def _paragraph_of(spans: list[Span], starts: list[int], offset: int) -> int:
    import bisect

    return max(bisect.bisect_right(starts, offset) - 1, 0)


#: What a detector says of a text: (start, end, probability, flagged) for each chunk it scored.
ChunkScorer = Callable[[str], list[tuple[int, int, float, bool]]]


def extract(text: str, *, ngram_path: str | Path | None = None, general: bool = False,
            synonyms: bool = False, detector: ChunkScorer | None = None) -> TextFeatures:
    """Counts per paragraph of ``text``.

    ``general``: also read it with the broad general-English model (ignored when pocketsphinx's
    model is absent); ``synonyms``: also count synonym suspects (needs ``general``).
    ``detector``: a function giving every chunk a detector scored in ``text`` (for instance
    :func:`neural_detector`); the words of the chunks it flags count as flagged.
    """
    lm = _ngram(str(ngram_path or default_ngram_path()))
    judge = _broad_judge() if general else None
    paras = paragraphs(text)
    out = TextFeatures([(p, Counts(chars=len(p.text), has_general=judge is not None,
                                   has_synonyms=judge is not None and synonyms,
                                   has_neural=detector is not None)) for p in paras])
    if not paras:
        return out
    starts = [p.start for p in paras]
    for p, counts in out.paragraphs:
        words = _ALPHA_WORD.findall(p.text)
        counts.words = len(words)
        for w in words:
            z = _zipf(w.lower())
            counts.wordfreq_oov += z == 0.0
            counts.wordfreq_rare += z < RARE_ZIPF
        sents = [s.text for s in sentences(p.text)]
        _lm_counts(lm, sents, counts)
        if judge is not None:
            _broad_counts(judge, sents, counts, synonyms)
    normalize, boilerplate, duplicates, lexicon = _fast_stages()
    for stage, add in ((normalize, _add_normalize), (boilerplate, _add_boilerplate),
                       (duplicates, _add_duplicates), (lexicon, _add_lexicon)):
        for e in stage.propose(text):
            add(out.paragraphs[_paragraph_of(paras, starts, e.start)][1], e)
    if detector is not None:
        for a, b, probability, flagged in detector(text):
            c = out.paragraphs[_paragraph_of(paras, starts, a)][1]
            c.detector_chunks += 1
            c.detector_sum += probability
            c.detector_high += probability >= DETECTOR_HIGH
            if flagged:
                c.flagged_words += max(len(_ALPHA_WORD.findall(text[a:b])), 1)
    return out


def _add_normalize(c: Counts, e) -> None:
    c.normalize_edits += 1


def _add_boilerplate(c: Counts, e) -> None:
    c.boilerplate_chars += len(e.old.strip())


def _add_duplicates(c: Counts, e) -> None:
    if len(e.old.split()) >= 4:
        c.duplicate_chars += len(e.old.strip())
    else:
        c.doubled_words += 1


def _add_lexicon(c: Counts, e) -> None:
    c.lexicon_hits += 1


def neural_detector(model: str | Path | None = "default") -> ChunkScorer | None:
    """Every chunk's probability from a model folder's neural detector (flagged at the folder's
    calibrated cut-off), or None when there is no model."""
    from ..detection import neural_stage
    from ..model_folder import resolve

    folder = resolve(model)
    if folder is None:
        return None
    stage = neural_stage(folder)
    cut = stage.settings.min_probability

    def scored(text: str) -> list[tuple[int, int, float, bool]]:
        return [(a, b, p, p >= cut) for a, b, p in stage.chunk_probabilities(text)]

    return scored
