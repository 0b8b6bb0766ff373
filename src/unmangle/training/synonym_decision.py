"""Fit the synonyms stage's learned decision (:class:`unmangle.synonyms.SynonymDecision`).

Training data are sentences scored by :meth:`SynonymRepair.options` (every candidate, no
prefilter): damaged ones whose one wrong word is known (a thesaurus spinner's, the corruption
generator's) and clean ones, where every option is wrong. A weighted logistic model over
:func:`unmangle.synonyms.decision_features` learns which options put the right word back
(positives weighted up to the negatives' total, since one option in thousands is right); the
threshold is then the one that makes the most right repairs on the damaged training sentences
with precision at least ``min_precision`` there and at most ``max_clean`` of the clean training
sentences changed — the same rule the margins are chosen by. Only training-side sentences may
be given; the caller says which in ``provenance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..scoring.classifier import _fit_logistic
from ..synonyms import MOBY, WORDNET, SynonymDecision, SynonymOption, decision_features, feature_names


@dataclass
class ScoredSet:
    """One training set: each sentence's options and, for damaged sentences, where the wrong
    word stands and what is right there (``{"start": int, "right": str}``); None for clean text."""

    name: str
    options: list[list[SynonymOption]]
    items: list[dict] | None = None

    def labels(self) -> list[list[bool]]:
        if self.items is None:
            return [[False] * len(opts) for opts in self.options]
        return [[o.start == it["start"] and o.new.lower() == it["right"].lower() for o in opts]
                for opts, it in zip(self.options, self.items)]


def _features(scored: ScoredSet, judges: Sequence[str], sources: int) -> list[np.ndarray]:
    """Each sentence's option features (rows in :func:`feature_names` order)."""
    width = len(feature_names(judges))
    return [np.asarray([decision_features(o, judges, sources) for o in opts], dtype=float).reshape(len(opts), width)
            for opts in scored.options]


class _WordBests:
    """Each sentence's best option per word under one set of scores (acceptance is a threshold on
    the same score, so a word's best accepted option is its best option when that is accepted):
    every threshold is then evaluated without scoring again, by the rule of
    :meth:`SynonymRepair.choose`."""

    def __init__(self, scored: ScoredSet, scores: list[np.ndarray]) -> None:
        self.sentences: list[list[tuple[float, int, bool]]] = []
        for opts, labs, sc in zip(scored.options, scored.labels(), scores):
            best: dict[int, tuple[float, int, bool]] = {}
            for o, ok, v in zip(opts, labs, sc.tolist()):
                if o.word_index not in best or v > best[o.word_index][0]:
                    best[o.word_index] = (v, o.word_index, ok)
            self.sentences.append(sorted(best.values(), reverse=True))

    def outcome(self, threshold: float) -> dict:
        right = edits = changed = 0
        for words in self.sentences:
            chosen: list[int] = []
            for v, k, ok in words:
                if v < threshold:
                    break
                if all(abs(k - c) >= 2 for c in chosen):
                    chosen.append(k)
                    edits += 1
                    right += ok
            changed += bool(chosen)
        n = len(self.sentences)
        return {"sentences": n, "right": right, "edits": edits, "changed_share": changed / n if n else 0.0,
                "precision": right / edits if edits else None}


def outcome(decision: SynonymDecision, scored: ScoredSet) -> dict:
    """Right repairs, edits and sentences changed when ``decision`` chooses in ``scored``."""
    return _WordBests(scored, [decision.scores(opts) for opts in scored.options]).outcome(decision.threshold)


def fit_decision(damaged: Sequence[ScoredSet], clean: Sequence[ScoredSet], judges, *,
                 threshold_set: str | None = None, min_precision: float = 0.85, max_clean: float = 0.01,
                 l2: float = 1.0, sources: int = MOBY | WORDNET, provenance: dict | None = None,
                 thresholds: Sequence[float] | None = None) -> SynonymDecision:
    """Fit weights on ``damaged`` + ``clean``; choose the threshold on ``threshold_set`` (the
    damaged set of that name; default the first) and every clean set (see the module docstring).
    ``judges``: the judge objects whose names the decision reads (their order is kept)."""
    names = tuple(j.name for j in judges)
    # each option's features are found once: for the fit and again for choosing the threshold
    features = {s.name: _features(s, names, sources) for s in [*damaged, *clean]}
    x = np.vstack([f for s in [*damaged, *clean] for f in features[s.name]])
    y = np.asarray([ok for s in [*damaged, *clean] for labs in s.labels() for ok in labs], dtype=float)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("fitting a synonym decision needs both right and wrong options")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    weight = np.where(y == 1, (y == 0).sum() / y.sum(), 1.0)
    w, b = _fit_logistic((x - mean) / scale, y, weight, l2, iterations=100)
    chooser = next((d for d in damaged if d.name == threshold_set), damaged[0])
    bests = {s.name: _WordBests(s, [((f - mean) / scale) @ w + b for f in features[s.name]])
             for s in [chooser, *clean]}
    best: tuple | None = None
    for t in (thresholds if thresholds is not None else np.arange(-5.0, 15.0001, 0.05)):
        got = bests[chooser.name].outcome(float(t))
        changed = max(bests[c.name].outcome(float(t))["changed_share"] for c in clean) if clean else 0.0
        precision = got["precision"] if got["precision"] is not None else 1.0
        meets = precision >= min_precision and changed <= max_clean
        key = (meets, got["right"] if meets else -changed, precision, -float(t))
        if best is None or key > best[0]:
            best = (key, round(float(t), 4), got, changed)
    assert best is not None
    _, threshold, got, changed = best
    record = {**(provenance or {}), "threshold_rule": f"most right repairs on {chooser.name} with precision >= "
              f"{min_precision} there and <= {max_clean:.0%} of clean training sentences changed",
              "meets_rule": bool(best[0][0]), "on_training_side": {chooser.name: got, "clean_changed_max": changed},
              "l2": l2}
    return SynonymDecision(names, tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, w)),
                           float(b), threshold, sources, record)
