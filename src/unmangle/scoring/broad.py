"""Document-score evidence from the broad general-English model (pocketsphinx's trigram model).

The project's own trigram model knows English from UN speeches and post-edited MT only, so much
of what it finds surprising in news is just news. The broad model (:mod:`unmangle.judges.broad`)
knows everyday English; read through the same word mapping the repair judges use, it gives:

- **context gain**: mean over known words of ln P(w | two words before) - ln P(w). Rarity cancels
  out; what is left is how well each word fits the words before it. Back-translated and spun
  text strings words together that do not usually go together.
- **unseen bigrams**: the share of word pairs (both known to the model) the model never saw
  together, found by comparing each conditional score with the history's back-off value.
- **synonym suspects**: the share of content words for which a word a thesaurus lists them under
  (:func:`unmangle.thesaurus.reverse_candidates`: the word a spinner may have replaced) raises
  the model's local score (the word and the two after it) by a clear margin. One such word in a
  clean text means little; spinners replace many words per document, so the density separates
  where one word cannot.

Only local look-ups are made (a few per candidate), through the shared judge's cache. The shipped
classifier reads the first two (and the mean and low-score shares); synonym suspects run only for
a classifier that asks for them, since on the training documents they added nothing the others
had not already found, at five times the scoring time (scripts/train_document_score.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..judges.broad import BOS, CLASSES, EOS, UNK, BroadJudge
from ..thesaurus import is_content_word, reverse_candidates

#: Reverse-thesaurus candidates tried per content word, commonest first.
SYNONYM_CANDIDATES = 10
#: A candidate must raise the local ln score by this much to make its word a suspect. Measured
#: on UN 2022 excerpts through the synonym family: 82% of replaced words reach 2, and 34% of
#: untouched content words do (at 6: 41% and 7%); margins 1-6 gave the same cross-validated AUC
#: within 0.002, 2 the best by a hair.
SYNONYM_MARGIN = 2.0
#: A known word scoring below this ln probability in its context counts as "low" (-8 separated
#: heavy damage from clean text better than -12 on the training documents: AUC 0.69 vs 0.66).
LOW_LN = -8.0
#: Two rare probe words: a history's back-off weight is read off their scores (a probe that
#: does follow the history scores above the back-off, so the smaller value is taken).
_PROBES = ("xylophone", "aardvark")
#: Two scores this close are the same back-off value: the model's scores are integers in log
#: base 1.0001, so a back-off weight plus a unigram score can be off by a rounding unit (1e-4).
_BACKOFF_TOLERANCE = 1e-3


@dataclass
class BroadSentence:
    """One sentence read by the broad judge: its token stream, and where each surface word's
    tokens start (``offsets[i]:offsets[i + 1]``)."""

    words: list[str]
    stream: list[str]
    offsets: list[int]


def read_sentence(judge: BroadJudge, words: Sequence[str]) -> BroadSentence:
    """Map surface words to the judge's tokens (``<s>`` ... ``</s>``), keeping word offsets."""
    stream, offsets = judge.read(words)
    return BroadSentence(list(words), stream, offsets)


def _context(stream: Sequence[str], j: int) -> tuple[str | None, str | None]:
    """The two tokens before position ``j`` as the judge conditions on them (none past ``<s>``)."""
    p1 = stream[j - 1] if j >= 1 else None
    p2 = stream[j - 2] if j >= 2 and p1 != BOS else None
    return p1, p2


@lru_cache(maxsize=1 << 16)
def _backoff(judge: BroadJudge, history: str) -> float:
    """ln back-off weight of a one-word history: what an unseen pair ``history w`` adds to ln P(w)."""
    return min(judge.logprob(z, history) - judge.logprob(z) for z in _PROBES)


@dataclass
class ContextCounts:
    """Sums over one sentence's tokens under the broad model."""

    scored: int = 0        # tokens scored (words, sentence ends; class tokens at the floor)
    lp_sum: float = 0.0    # their ln scores
    unknown: int = 0       # ``<unk>`` tokens (not names or numbers)
    known: int = 0         # known tokens after a known history: the context-gain positions
    gain_sum: float = 0.0  # sum of ln P(w | context) - ln P(w) over those
    loss: int = 0          # ... where the context makes the word less likely than alone
    low: int = 0           # ... where ln P(w | context) < LOW_LN
    pairs: int = 0         # word pairs of known tokens (no sentence boundary)
    unseen: int = 0        # ... the model never saw together


def context_counts(judge: BroadJudge, sent: BroadSentence) -> ContextCounts:
    """The broad model's view of one sentence (see :class:`ContextCounts`)."""
    out = ContextCounts()
    s = sent.stream
    for j in range(1, len(s)):
        tok = s[j]
        p1, p2 = _context(s, j)
        if tok == BOS or (tok == EOS and p1 == BOS):
            continue
        full = judge.logprob(tok, p1, p2)
        out.scored += 1
        out.lp_sum += full
        out.unknown += tok == UNK
        if tok in CLASSES or p1 in CLASSES:
            continue
        uni = judge.logprob(tok)
        out.known += 1
        out.gain_sum += full - uni
        out.loss += full < uni
        out.low += full < LOW_LN
        if p1 != BOS and tok != EOS:
            out.pairs += 1
            out.unseen += abs(judge.logprob(tok, p1) - uni - _backoff(judge, p1)) < _BACKOFF_TOLERANCE
    return out


@lru_cache(maxsize=1 << 17)
def _candidate_tokens(judge: BroadJudge, word: str) -> tuple[tuple[str, ...], ...]:
    """The judge's tokens of the commonest reverse-thesaurus candidates of ``word`` (those with
    a word the model does not know are left out: they would score at its floor)."""
    out = []
    for cand in reverse_candidates(word)[:SYNONYM_CANDIDATES]:
        toks = tuple(t for w in cand.split(" ") for t in judge.map_word(w))
        if toks and not any(t in CLASSES for t in toks):
            out.append(toks)
    return tuple(out)


def _local_score(judge: BroadJudge, head: Sequence[str | None], toks: Sequence[str],
                 tail: Sequence[str]) -> float:
    """ln score of ``toks`` and the (up to two) ``tail`` tokens after them, given the two
    ``head`` tokens before (``None`` where the sentence has none)."""
    seq = [*head, *toks, *tail]
    total = 0.0
    for j in range(2, len(seq)):
        tok, p1 = seq[j], seq[j - 1]
        if tok == BOS:
            continue
        total += judge.logprob(tok, p1, None if p1 == BOS else seq[j - 2])
    return total


def best_candidate_gain(judge: BroadJudge, sent: BroadSentence, i: int) -> float | None:
    """How much the best reverse-thesaurus candidate for word ``i`` raises the local ln score
    (its own tokens and the two after them); None when the word is not checked (not a single
    known lower-case content word, or no candidates)."""
    word = sent.words[i]
    p, q = sent.offsets[i], sent.offsets[i + 1]
    s = sent.stream
    if q != p + 1 or s[p] in CLASSES or not is_content_word(word):
        return None
    if not (word.islower() or (s[p - 1] == BOS and word[1:].islower())):
        return None  # a capital mid-sentence is a name's business, not a spinner's
    cands = _candidate_tokens(judge, word.lower())
    if not cands:
        return None
    head = (s[p - 2] if p >= 2 else None, s[p - 1])
    tail = s[q:q + 2]
    old = _local_score(judge, head, (s[p],), tail)
    return max(_local_score(judge, head, toks, tail) for toks in cands) - old


def synonym_counts(judge: BroadJudge, sent: BroadSentence,
                   margin: float = SYNONYM_MARGIN) -> tuple[int, int]:
    """(content words checked, words a candidate beats by ``margin``) of one sentence."""
    checked = suspects = 0
    for i in range(len(sent.words)):
        gain = best_candidate_gain(judge, sent, i)
        if gain is None:
            continue
        checked += 1
        suspects += gain >= margin
    return checked, suspects
