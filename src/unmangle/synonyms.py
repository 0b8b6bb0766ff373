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

Two decision rules. The *margins* rule (the default of :class:`SynonymRepair`) asks each judge's
gain and context gain to reach its own margin. The *learned decision* (:class:`SynonymDecision`,
shipped as ``unmangle/data/synonym_decision.json`` and used by the stage) weighs the same evidence
together with how common the old and new words are and how short the new word's thesaurus entry
is, in a logistic model fitted on training-side sets only (``benchmarks/synonyms.py``); an
option is taken when its score reaches the decision's threshold.

Options are judged against the unchanged sentence, so of two accepted options less than two
words apart only the one with more evidence is made.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .judges.base import Change, LanguageJudge, Word, sentence_words
from .resources import package_data
from .thesaurus import MOBY, WORDNET, analyses, default_index, is_content_word, reverse_candidates

#: Margins (nats) of the agreeing judges, chosen by ``benchmarks/synonyms.py --n 600`` on
#: training-side text (benchmarks/results/synonyms.md, held out: spinner recall 7.0% at precision
#: 0.875, generator damage 5.3% at 0.78, 0.2-0.5% of clean sentences changed; the learned decision
#: reaches 6.8% at 0.89 and 7.3% at 0.88 and changes fewer real news articles, so the stage uses it).
DEFAULT_MARGINS = {"broad": 0.0, "trigram": 17.0, "broad_context": 2.0, "trigram_context": -99.0}

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
    #: each judge's ln unigram probability of the old and the new word(s): (judge, old, new)
    unigrams: tuple[tuple[str, float, float], ...] = field(default=(), compare=False)

    def gain(self, judge: str) -> float:
        return dict(self.gains)[judge]

    def unigram(self, judge: str) -> tuple[float, float]:
        """(old, new) ln unigram probabilities under ``judge``."""
        for name, old, new in self.unigrams:
            if name == judge:
                return old, new
        raise KeyError(judge)

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
                 max_candidates: int | None = 80, decision: "SynonymDecision | None" = None) -> None:
        self.judges = list(judges)
        self.margins = {**DEFAULT_MARGINS, **(margins or {})}
        self.require = list(require) if require else [j.name for j in self.judges]
        self.sources = sources
        self.max_candidates = max_candidates
        self.decision = decision
        if decision is not None:
            missing = set(decision.judges) - {j.name for j in self.judges}
            if missing:
                raise ValueError(f"the synonym decision needs the judges {sorted(missing)}")

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
        unigrams: dict[str, dict[int, tuple[float, float]]] = {}
        alive = list(range(len(pending)))
        for judge in self.judges:
            changes = [Change(pending[i][0], pending[i][0] + 1, tuple(pending[i][1].split(" "))) for i in alive]
            g = judge.change_gains(texts, changes)
            uni_old: dict[int, float] = {}
            gj = dict(zip(alive, g))
            sj = {}
            uj = {}
            for i in alive:
                k, new = pending[i]
                if k not in uni_old:
                    uni_old[k] = judge.unigram_logprob(texts[k])
                words_new = new.split(" ")
                uni_new = sum(judge.unigram_logprob(w) for w in words_new) / len(words_new)
                sj[i] = max(0.0, uni_new - uni_old[k])
                uj[i] = (uni_old[k], uni_new)
            gains[judge.name], shifts[judge.name], unigrams[judge.name] = gj, sj, uj
            if prefilter and self.decision is None and judge.name in self.require:
                alive = [i for i in alive if self._passes(judge.name, gj[i], sj[i])]
        out = []
        for i in alive:
            k, new = pending[i]
            w = words[k]
            out.append(SynonymOption(
                w.start, w.end, w.text, new, k,
                tuple((j.name, gains[j.name][i]) for j in self.judges),
                tuple((j.name, shifts[j.name][i]) for j in self.judges),
                tuple((j.name, *unigrams[j.name][i]) for j in self.judges)))
        return out

    def _passes(self, name: str, gain: float, shift: float) -> bool:
        return (gain >= self.margins[name] and gain - shift >= self.margins[f"{name}_context"])

    def accepts(self, option: SynonymOption) -> bool:
        if self.decision is not None:
            return self.score(option) >= self.decision.threshold
        return all(self._passes(n, option.gain(n), dict(option.shifts)[n]) for n in self.require)

    def score(self, option: SynonymOption) -> float:
        """The ranking key: the learned decision's score, or the required judges' context gains."""
        if self.decision is not None:
            return float(self.decision.scores([option])[0])
        return sum(option.context_gain(n) for n in self.require)

    def decide(self, sentence: str) -> list[SynonymOption]:
        """The options to make in ``sentence`` (see :meth:`choose`)."""
        return self.choose(self.options(sentence))

    def choose(self, options: Sequence[SynonymOption]) -> list[SynonymOption]:
        """Of one sentence's options, those to make: accepted (by the learned decision, or by every
        required judge's margins), the best one per word, and of two less than two words apart the
        one that ranks higher."""
        if self.decision is not None:
            ranks = self.decision.scores(options).tolist()
            accepted = [r >= self.decision.threshold for r in ranks]
        else:
            ranks = [self.score(o) for o in options]
            accepted = [self.accepts(o) for o in options]
        best: dict[int, tuple[float, SynonymOption]] = {}
        for opt, rank, ok in zip(options, ranks, accepted):
            if ok and (opt.word_index not in best or rank > best[opt.word_index][0]):
                best[opt.word_index] = (rank, opt)
        chosen: list[SynonymOption] = []
        for _, opt in sorted(best.values(), key=lambda pair: pair[0], reverse=True):
            if all(abs(opt.word_index - c.word_index) >= 2 for c in chosen):
                chosen.append(opt)
        return sorted(chosen, key=lambda o: o.start)

    def confidence(self, option: SynonymOption) -> float:
        """How far past the bar the option is, as 1 - exp(-excess): the decision's score over its
        threshold, or the weakest required judge's context gain over its margin."""
        if self.decision is not None:
            excess = self.score(option) - self.decision.threshold
        else:
            excess = min(option.context_gain(n) - self.margins[f"{n}_context"] for n in self.require)
        return max(0.0, min(1.0, 1.0 - math.exp(-max(0.0, excess))))


# --- the learned decision ----------------------------------------------------------------------
DECISION_FILE = "synonym_decision.json"
DECISION_FORMAT = 1
#: Gains are clipped to this many nats before they are weighed: beyond it a judge's gain says
#: more about an unknown word than about fit.
_CLIP = 30.0


def _entry_size(word: str, sources: int) -> int:
    """How many words the thesaurus entry of ``word`` (or, for an inflected form, its lemma's)
    lists."""
    index = default_index()
    low = word.lower()
    size = index.entry_size(low, sources)
    if size == 0:
        size = max((index.entry_size(lemma, sources) for lemma, _ in analyses(low)), default=0)
    return size


def decision_features(option: SynonymOption, judges: Sequence[str], sources: int = MOBY | WORDNET) -> list[float]:
    """The evidence a :class:`SynonymDecision` weighs, in the order of :func:`feature_names`.

    Per judge: its gain and context gain (clipped), and the old and new words' ln unigram
    probabilities; across judges: the smaller gain and the smaller context gain (agreement); and
    ln(1 + the size of the new word's thesaurus entry)."""
    gains = [max(-_CLIP, min(_CLIP, option.gain(j))) for j in judges]
    context = [max(-_CLIP, min(_CLIP, option.context_gain(j))) for j in judges]
    unigrams = [v for j in judges for v in option.unigram(j)]
    return [*gains, *context, min(gains), min(context), *unigrams,
            math.log1p(_entry_size(option.new, sources))]


def feature_names(judges: Sequence[str]) -> list[str]:
    return ([f"{j}_gain" for j in judges] + [f"{j}_context_gain" for j in judges]
            + ["least_gain", "least_context_gain"]
            + [f"{j}_unigram_{side}" for j in judges for side in ("old", "new")] + ["ln_entry_size"])


class DecisionFormatError(ValueError):
    """A synonym decision file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class SynonymDecision:
    """A logistic score over :func:`decision_features` and the threshold an option must reach.

    ``mean`` and ``scale`` standardise the features as in fitting; ``provenance`` records the
    training-side sets, the rule that chose the threshold and what it reached there."""

    judges: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    sources: int = MOBY | WORDNET
    provenance: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        n = len(feature_names(self.judges))
        if not (len(self.mean) == len(self.scale) == len(self.weights) == n):
            raise DecisionFormatError(f"a decision over {list(self.judges)} needs {n} values per feature list")

    def features(self, options: Sequence[SynonymOption]) -> np.ndarray:
        rows = [decision_features(o, self.judges, self.sources) for o in options]
        return np.asarray(rows, dtype=float).reshape(len(rows), len(self.weights))

    def scores(self, options: Sequence[SynonymOption]) -> np.ndarray:
        """The decision's score (log-odds) of each option."""
        if not options:
            return np.zeros(0)
        z = (self.features(options) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.bias

    def to_dict(self) -> dict:
        return {"format_version": DECISION_FORMAT, "judges": list(self.judges),
                "features": feature_names(self.judges), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias, "threshold": self.threshold,
                "sources": self.sources, "provenance": self.provenance}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "SynonymDecision":
        """Read a decision file (default: the one shipped with the package)."""
        path = Path(path) if path is not None else package_data(DECISION_FILE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no synonym decision file") from None
        except json.JSONDecodeError as exc:
            raise DecisionFormatError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from None
        if data.get("format_version") != DECISION_FORMAT:
            raise DecisionFormatError(f"{path}: format {data.get('format_version')!r}, this unmangle reads "
                                      f"{DECISION_FORMAT}")
        judges = tuple(data.get("judges", ()))
        if data.get("features") != feature_names(judges):
            raise DecisionFormatError(f"{path}: its features {data.get('features')} are not the ones this "
                                      f"unmangle computes ({feature_names(judges)})")
        try:
            return cls(judges, tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                       tuple(map(float, data["weights"])), float(data["bias"]), float(data["threshold"]),
                       int(data.get("sources", MOBY | WORDNET)), dict(data.get("provenance", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise DecisionFormatError(f"{path}: {exc}") from None
