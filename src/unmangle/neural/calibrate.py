"""Choose the neural stage's thresholds on held-out pairs: precision first, no harm to clean text.

For each detector threshold the model's candidate rewrites are collected once, with their margins;
every rewrite margin on the grid is then scored without running the model again. The chosen
setting maximises edit-level F0.5 on the damaged pairs among those that leave at least
``min_no_harm`` of the already-correct inputs unchanged and do not raise TER above leaving the text
alone on any calibration set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..edits import apply_edits
from .stage import NeuralStage


@dataclass
class CalibrationRow:
    detect_threshold: float
    rewrite_margin: float
    scores: dict  # per calibration set: metrics dict

    def ok(self, min_no_harm: float) -> bool:
        for s in self.scores.values():
            harm = s.get("no_harm") or {}
            if harm.get("n") and harm["share"] < min_no_harm:
                return False
            if s["ter"] > s["ter_identity"] + 1e-9:
                return False
        return True

    def f05(self) -> float:
        vals = [s["edit_prf"]["f0.5"] for s in self.scores.values()]
        return sum(vals) / len(vals)


def calibrate(stage: NeuralStage, sets: dict[str, list[tuple[str, str]]], *,
              detect_thresholds: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
              margins: Sequence[float] = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0),
              min_no_harm: float = 0.99, prepare=None, progress: bool = True) -> tuple[CalibrationRow | None, list[CalibrationRow]]:
    """Grid-search (detect_threshold, rewrite_margin); returns (best row or None, all rows).

    ``prepare`` maps each source before the neural stage sees it (e.g. the deterministic stages).
    """
    from tqdm import tqdm

    from ..metrics import corpus_scores

    prepared = {name: [(prepare(s) if prepare else s, t) for s, t in pairs] for name, pairs in sets.items()}
    identity = {name: corpus_scores([s for s, _ in p], [s for s, _ in p], [t for _, t in p])
                for name, p in prepared.items()}
    rows: list[CalibrationRow] = []
    saved = stage.inference.detect_threshold
    try:
        for det in detect_thresholds:
            stage.inference.detect_threshold = det
            cands = {name: [stage.candidates(s) for s, _ in tqdm(p, desc=f"detect>={det}", disable=not progress)]
                     for name, p in prepared.items()}
            for margin in margins:
                scores = {}
                for name, p in prepared.items():
                    outputs = [apply_edits(s, [e for e, m in c if m >= margin]) for (s, _), c in zip(p, cands[name])]
                    sc = corpus_scores([s for s, _ in p], outputs, [t for _, t in p])
                    sc["ter_identity"] = identity[name]["ter"]
                    scores[name] = sc
                rows.append(CalibrationRow(det, margin, scores))
    finally:
        stage.inference.detect_threshold = saved
    good = [r for r in rows if r.ok(min_no_harm)]
    best = max(good, key=lambda r: (r.f05(), r.rewrite_margin)) if good else None
    return best, rows
