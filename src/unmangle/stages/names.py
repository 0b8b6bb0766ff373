"""The names stage: near misses of real names ("Tencnet", "Byte Dance", "Tengxun") repaired.

Candidates come from two paths (``unmangle.names``): the document's own spellings (a name it
writes right elsewhere: strong evidence, ``consistency``) and the gazetteer (names nobody listed in
the lexicon: an open search, held to stricter rules). Only words the language models do not know
are ever candidates, so a name spelled right, and a right but rare one that is not close to a
listed name, stays. Among several names a near miss may stand for, the word trigram model decides
in context, and only with a clear margin.

Opt-in: ``Repairer(enable=["names"])`` (it uses the model folder's n-gram model), or measure it
with ``benchmarks/names.py``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from ..edits import Edit
from ..names.candidates import NameCandidate, NearMissFinder
from ..names.consistency import consistency_candidates
from ..names.gazetteer import Gazetteer
from ..names.judge import GeneralEnglish, WordJudge
from ..ngram import NgramLM
from ..textspans import sentences
from .base import BaseStage, StageSpec, register

#: How much better (nats of trigram gain) the best of several names must score than the next.
CHOICE_MARGIN = 2.0
#: The trigram model may dislike an accepted change by at most this much (nats).
MAX_LOSS = 2.0
#: A name counted this often by the trigram model is judged on its gain in context.
COMMON_COUNT = 100
#: A name with at least this wordfreq Zipf frequency (about 1 in 10 million words) is well known.
WELL_KNOWN_ZIPF = 2.0
#: A place whose population (log10) reaches this counts as well known without the models.
WELL_KNOWN_PLACE = 5.7

_CONFIDENCE = {"consistency": 0.9, "split": 0.8, "variant": 0.8, "spelling": 0.7, "sound": 0.65}


class NamesStage(BaseStage):
    """Repair near misses of real names (see the module's description)."""

    name = "names"

    def __init__(self, gazetteer: Gazetteer, lm: NgramLM | None = None,
                 general: GeneralEnglish | None = None, *, open_search: bool = True,
                 consistency: bool = True) -> None:
        self.gazetteer = gazetteer
        self.lm = lm
        self.judge = WordJudge(lm, general)
        self.finder = NearMissFinder(gazetteer, self.judge)
        self.open_search = open_search
        self.consistency = consistency

    @classmethod
    def default(cls, lm: NgramLM | str | Path | None = None, **kwargs) -> "NamesStage":
        """The shipped gazetteer, ``lm`` (an NgramLM or the path of a model folder's
        ``ngram.npz``) and the general English model when pocketsphinx is installed."""
        if isinstance(lm, (str, Path)):
            from ..ngram import load_cached

            lm = load_cached(lm)
        return cls(Gazetteer.load_default(), lm, GeneralEnglish.load_default(), **kwargs)

    # --- proposing ---------------------------------------------------------------------------
    def candidates(self, text: str) -> list[NameCandidate]:
        out: list[NameCandidate] = []
        if self.consistency:
            out.extend(consistency_candidates(text, self.gazetteer, self.judge))
        if self.open_search:
            out.extend(self.finder.find(text))
        return [c for c in out if c.new != c.old]

    def propose(self, text: str) -> list[Edit]:
        groups: dict[tuple[int, int], list[NameCandidate]] = defaultdict(list)
        for c in self.candidates(text):
            groups[(c.start, c.end)].append(c)
        if not groups:
            return []
        gains = self._gains(text, groups)
        decisions = []
        for span, cands in groups.items():
            decision = self.decide(cands, gains)
            if decision is not None:
                decisions.append(decision)
        # overlapping decisions: the document's evidence first, then the longer span
        decisions.sort(key=lambda d: (not d[0].how.startswith("consistency"), -(d[0].end - d[0].start), d[0].start))
        taken: list[tuple[int, int]] = []
        edits = []
        for cand, gain in decisions:
            if any(cand.start < b and a < cand.end for a, b in taken):
                continue
            taken.append((cand.start, cand.end))
            family = cand.how.split(":")[0]
            reason = (f"near miss of the name {cand.new!r} ({cand.how.replace(':', ', ')}"
                      + (f", {cand.distance} edit{'s' * (cand.distance != 1)}" if cand.distance else "")
                      + f"; n-gram gain {gain:+.1f})")
            edits.append(Edit(cand.start, cand.end, cand.old, cand.new, self.name, reason,
                              _CONFIDENCE.get(family, 0.7)))
        return sorted(edits, key=lambda e: e.start)

    def decide(self, cands: list[NameCandidate], gains: dict[NameCandidate, float]
               ) -> tuple[NameCandidate, float] | None:
        """The candidate to accept for one span, with its gain, or None to leave the span alone."""
        consistent = [c for c in cands if c.how.startswith("consistency")]
        pool = consistent or [c for c in cands if self._plausible(c)]
        if not pool:
            return None
        best_distance = min(c.distance for c in pool)
        pool = [c for c in pool if c.distance == best_distance]
        by_new: dict[str, NameCandidate] = {}
        for c in pool:
            if c.new not in by_new or gains[c] > gains[by_new[c.new]]:
                by_new[c.new] = c
        ranked = sorted(by_new.values(), key=lambda c: -gains[c])
        best = ranked[0]
        if len(ranked) > 1 and gains[best] - gains[ranked[1]] < CHOICE_MARGIN:
            return None
        # the trigram model maps every word it never saw to one "unknown" token with rich counts,
        # so against a rare name it favours the misspelling: only a common name's loss counts
        if gains[best] < -MAX_LOSS and self.judge.count(best.new) >= COMMON_COUNT:
            return None
        return best, gains[best]

    def _plausible(self, c: NameCandidate) -> bool:
        """Open-search candidates need a well-known target: one a model knows, a big place, or a
        company; and a word near miss of two edits needs a long word and a known target."""
        entry = c.name
        known = (self.judge.count(c.new) > 0 or self.judge.zipf(c.new) >= WELL_KNOWN_ZIPF
                 or (entry.kind == "place" and entry.weight >= WELL_KNOWN_PLACE))
        if c.how in ("split", "variant"):
            return True
        if not (known or entry.kind == "org"):
            return False
        return c.distance <= 1 or (known and len(c.old) >= 8)

    def _gains(self, text: str, groups: dict[tuple[int, int], list[NameCandidate]]) -> dict[NameCandidate, float]:
        gains: dict[NameCandidate, float] = {}
        if self.lm is None:
            return {c: 0.0 for cands in groups.values() for c in cands}
        spans = sentences(text)
        by_sentence: dict[int, list[NameCandidate]] = defaultdict(list)
        for cands in groups.values():
            for c in cands:
                k = next((i for i, s in enumerate(spans) if s.start <= c.start and c.end <= s.end), -1)
                by_sentence[k].append(c)
        for k, cands in by_sentence.items():
            if k < 0:
                for c in cands:
                    gains[c] = 0.0
                continue
            s = spans[k]
            changes = [(c.start - s.start, c.end - s.start, c.new) for c in cands]
            for c, g in zip(cands, self.lm.change_gains(s.text, changes)):
                gains[c] = float(g) if math.isfinite(g) else 0.0
        return gains


def build_names_stage(settings, folder) -> NamesStage:
    return NamesStage.default(folder.ngram() if folder is not None else None)


SPEC = register(StageSpec("names", order=45, build=build_names_stage, needs_model=True, default=False,
                          summary="near misses of real names (gazetteer, document consistency)"))
