"""Single-word synonym repair: undo a spinner's word swap when two language models agree.

A synonym spinner replaces a word by one its thesaurus lists under it (``killed`` -> ``slew``).
The reverse look-up (:func:`unmangle.thesaurus.reverse_candidates`) lists the words that could
have been there; each is judged in context by two language models behind the judge seam
(:mod:`unmangle.judges`): the broad general-English model and the project's trigram model. An
option is kept only when both prefer it by their margins, because each alone is fooled in its
own way (the trigram model by the words UN speeches overuse, the broad model by spoken English).

Guards, from what clean text showed:

- **frequency alone is not evidence**: a rare but right word (``quake``, ``reprisal``) scores
  lower than a commoner synonym in any context. Each judge's gain is therefore also read with the
  frequency part taken off (the rise in the word's unigram log-probability, when it rises), and
  that *context gain* must reach its own margin too;
- **names, numbers and quotations stay**: a capitalised word that is not the first of its
  sentence, a word of a run of capitalised words, a word with a digit, and any word inside
  quotation marks is never a target; neither is a closed-class word (:data:`STOP_WORDS`).

Options are judged against the unchanged sentence, so of two accepted options less than two
words apart only the one with more evidence is made.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from .judges.base import Change, LanguageJudge, Word, sentence_words
from .thesaurus import MOBY, WORDNET, is_content_word, reverse_candidates

#: Margins (nats) of the agreeing judges, chosen by benchmarks/synonyms.py on training-side text
#: (benchmarks/results/synonyms.md: held-out recall 5%, precision 0.83, 0-0.2% clean changed).
DEFAULT_MARGINS = {"broad": 0.0, "trigram": 17.0, "broad_context": 6.0, "trigram_context": 10.0}

_QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ('"', '"'), ("«", "»"))
_CAPITALISED = re.compile(r"^[A-Z][a-z]")


@dataclass(frozen=True)
class SynonymOption:
    """Replace ``old`` at ``[start, end)`` of the sentence by ``new``, with both judges' evidence.

    ``gains`` are each judge's conservative gain (nats) for the change in context; ``shifts``
    how much commoner the new word is than the old for that judge (unigram ln-probability, 0
    when it is not commoner); the context gain is the gain less the shift."""

    start: int
    end: int
    old: str
    new: str
    word_index: int
    gains: tuple[tuple[str, float], ...]
    shifts: tuple[tuple[str, float], ...]

    def gain(self, judge: str) -> float:
        return dict(self.gains)[judge]

    def context_gain(self, judge: str) -> float:
        return dict(self.gains)[judge] - dict(self.shifts)[judge]

    def evidence(self) -> float:
        """Sum of the context gains: the ranking key among accepted options."""
        return sum(self.context_gain(j) for j, _ in self.gains)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside paired quotation marks (an unpaired mark quotes nothing)."""
    spans = []
    for open_, close in _QUOTE_PAIRS:
        pos = 0
        while True:
            a = text.find(open_, pos)
            if a < 0:
                break
            # an apostrophe inside a word is not a quotation mark
            if open_ in "‘\"" and a > 0 and text[a - 1].isalnum() and open_ != '"':
                pos = a + 1
                continue
            b = text.find(close, a + 1)
            while open_ == "‘" and 0 < b < len(text) - 1 and text[b + 1].isalnum():
                b = text.find(close, b + 1)  # skip apostrophes (don’t) inside the quotation
            if b < 0:
                break
            spans.append((a, b + 1))
            pos = b + 1
    return spans


def targets(words: Sequence[Word], text: str) -> list[int]:
    """Indices of the words a synonym repair may replace (see the module's guards)."""
    quoted = quoted_spans(text)
    out = []
    first = next((k for k, w in enumerate(words) if w.text[:1].isalnum()), 0)
    for k, w in enumerate(words):
        t = w.text
        if not is_content_word(t) or "'" in t or "’" in t or "-" in t:
            continue
        if any(a <= w.start < b for a, b in quoted):
            continue
        if t[:1].isupper():
            if k != first or not _CAPITALISED.match(t) and len(t) > 1:
                continue  # a name, an acronym or a title word
            nxt = words[k + 1].text if k + 1 < len(words) else ""
            if nxt[:1].isupper():
                continue  # a run of capitalised words: a name
        out.append(k)
    return out


def _match_case(old: str, new: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


class SynonymRepair:
    """Candidate source and decision rule for single-word synonym damage.

    ``require``: which judges must agree ("both", or one judge's name for measuring it alone).
    ``max_candidates``: at most this many thesaurus candidates per word (commonest first);
    None keeps all.
    """

    def __init__(self, judges: Sequence[LanguageJudge], *, margins: dict[str, float] | None = None,
                 require: Sequence[str] | None = None, sources: int = MOBY | WORDNET,
                 max_candidates: int | None = 80) -> None:
        self.judges = list(judges)
        self.margins = {**DEFAULT_MARGINS, **(margins or {})}
        self.require = list(require) if require else [j.name for j in self.judges]
        self.sources = sources
        self.max_candidates = max_candidates

    def candidates(self, word: str) -> list[str]:
        """Thesaurus candidates for ``word`` that every judge knows, in ``word``'s case."""
        cands = reverse_candidates(word, self.sources)
        if self.max_candidates is not None:
            cands = cands[:self.max_candidates]
        return [_match_case(word, c) for c in cands
                if all(j.knows(part) for j in self.judges for part in c.split(" "))]

    def options(self, sentence: str, *, prefilter: bool = True) -> list[SynonymOption]:
        """Every candidate change of ``sentence`` with its evidence.

        With ``prefilter``, a judge whose agreement is required drops the options it alone
        already rejects before the next judge scores them (the result of :meth:`decide` is the
        same; it saves most of the scoring)."""
        words = sentence_words(sentence)
        texts = [w.text for w in words]
        pending: list[tuple[int, str]] = []
        for k in targets(words, sentence):
            pending.extend((k, c) for c in self.candidates(texts[k]))
        if not pending:
            return []
        gains: dict[str, list[float]] = {}
        shifts: dict[str, list[float]] = {}
        alive = list(range(len(pending)))
        for judge in self.judges:
            changes = [Change(pending[i][0], pending[i][0] + 1, tuple(pending[i][1].split(" "))) for i in alive]
            g = judge.change_gains(texts, changes)
            uni_old: dict[int, float] = {}
            gj = dict(zip(alive, g))
            sj = {}
            for i in alive:
                k, new = pending[i]
                if k not in uni_old:
                    uni_old[k] = judge.unigram_logprob(texts[k])
                words_new = new.split(" ")
                uni_new = sum(judge.unigram_logprob(w) for w in words_new) / len(words_new)
                sj[i] = max(0.0, uni_new - uni_old[k])
            gains[judge.name], shifts[judge.name] = gj, sj
            if prefilter and judge.name in self.require:
                alive = [i for i in alive if self._passes(judge.name, gj[i], sj[i])]
        out = []
        for i in alive:
            k, new = pending[i]
            w = words[k]
            out.append(SynonymOption(
                w.start, w.end, w.text, new, k,
                tuple((j.name, gains[j.name][i]) for j in self.judges),
                tuple((j.name, shifts[j.name][i]) for j in self.judges)))
        return out

    def _passes(self, name: str, gain: float, shift: float) -> bool:
        return (gain >= self.margins[name] and gain - shift >= self.margins[f"{name}_context"])

    def accepts(self, option: SynonymOption) -> bool:
        return all(self._passes(n, option.gain(n), dict(option.shifts)[n]) for n in self.require)

    def decide(self, sentence: str) -> list[SynonymOption]:
        """The options to make in ``sentence`` (see :meth:`choose`)."""
        return self.choose(self.options(sentence))

    def choose(self, options: Sequence[SynonymOption]) -> list[SynonymOption]:
        """Of one sentence's options, those to make: accepted by every required judge, the best
        one per word, and of two less than two words apart the one with more evidence."""
        best: dict[int, SynonymOption] = {}
        for opt in options:
            if self.accepts(opt) and (opt.word_index not in best or
                                      self._rank(opt) > self._rank(best[opt.word_index])):
                best[opt.word_index] = opt
        chosen: list[SynonymOption] = []
        for opt in sorted(best.values(), key=self._rank, reverse=True):
            if all(abs(opt.word_index - c.word_index) >= 2 for c in chosen):
                chosen.append(opt)
        return sorted(chosen, key=lambda o: o.start)

    def _rank(self, opt: SynonymOption) -> float:
        return sum(opt.context_gain(n) for n in self.require)

    def confidence(self, option: SynonymOption) -> float:
        """How far past its margins the weakest required judge is, as 1 - exp(-excess)."""
        excess = min(option.context_gain(n) - self.margins[f"{n}_context"] for n in self.require)
        return max(0.0, min(1.0, 1.0 - math.exp(-max(0.0, excess))))
