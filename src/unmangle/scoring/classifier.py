"""A small, inspectable classifier: logistic regression on standardised features, then calibration.

Everything that decides a score is in one JSON file (feature names, means, scales, weights, the
calibration map and a description of the training data), so a reader can recompute any
probability by hand: ``z = bias + sum(w_i * (x_i - mean_i) / scale_i)``, then ``p = sigmoid(a*z + b)``
(Platt scaling fitted on out-of-fold scores). Derived feature names: ``"x*y"`` is the product of
two features (evidence that grows with a document's length: ``lm_mean*log_words``), ``"any:x"`` is
1 when ``x`` is above 0 (a rate that is almost always 0 in clean text), ``"log:x"`` is
``ln(x + 0.001)`` (rates whose effect is multiplicative).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

FORMAT_VERSION = 1


class ClassifierFormatError(ValueError):
    """A classifier file that is missing parts or was written by an incompatible version."""


#: Added before the logarithm in ``log:`` features, so a rate of 0 has a finite value.
LOG_OFFSET = 1e-3


def base_features(name: str) -> list[str]:
    """The extracted features a (possibly derived) feature name reads."""
    return [part.split(":", 1)[-1] for part in name.split("*")]


def feature_value(features: Mapping[str, float], name: str) -> float:
    """One (possibly derived) feature from a unit's rates."""
    if name.startswith("any:"):
        return float(features[name[4:]] > 0)
    if name.startswith("log:"):
        return math.log(features[name[4:]] + LOG_OFFSET)
    if "*" in name:
        value = 1.0
        for part in name.split("*"):
            value *= features[part]
        return value
    return features[name]


def _sigmoid(z: np.ndarray | float):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class Classifier:
    """Standardised logistic regression plus a Platt map from its log-odds to a probability."""

    feature_names: list[str]
    means: np.ndarray
    scales: np.ndarray
    weights: np.ndarray
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    training: dict = field(default_factory=dict)

    # --- scoring ---------------------------------------------------------------------------
    def matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        return np.array([[feature_value(r, n) for n in self.feature_names] for r in rows], dtype=float)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Uncalibrated log-odds of each row of the raw feature matrix."""
        return self.bias + ((x - self.means) / self.scales) @ self.weights

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return _sigmoid(self.platt_a * self.logits(x) + self.platt_b)

    def explain(self, features: Mapping[str, float]) -> tuple[float, dict[str, float]]:
        """(calibrated probability, each feature's contribution to the calibrated log-odds).

        A contribution is ``a * w_i * (x_i - mean_i) / scale_i``: how far this feature moves the
        log-odds from where the training data's average value would put it.
        """
        x = self.matrix([features])[0]
        parts = self.platt_a * self.weights * (x - self.means) / self.scales
        p = float(_sigmoid(self.platt_a * self.bias + self.platt_b + parts.sum()))
        return p, {n: round(float(v), 4) for n, v in zip(self.feature_names, parts)}

    # --- fitting ---------------------------------------------------------------------------
    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, feature_names: Sequence[str], *, l2: float = 1.0,
            sample_weight: np.ndarray | None = None, folds: int = 5, seed: int = 0,
            training: dict | None = None) -> "Classifier":
        """Fit the weights on all rows and the Platt map on out-of-fold log-odds (``folds``-fold),
        so the calibration is judged on rows the weights did not see."""
        y = np.asarray(y, dtype=float)
        sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        means = x.mean(axis=0)
        scales = x.std(axis=0)
        scales[scales < 1e-9] = 1.0
        z = (x - means) / scales
        order = np.random.default_rng(seed).permutation(len(y))
        oof = np.zeros(len(y))
        for k in range(folds):
            test = order[k::folds]
            train = np.setdiff1d(order, test)
            w, b = _fit_logistic(z[train], y[train], sw[train], l2)
            oof[test] = b + z[test] @ w
        a, c = _fit_platt(oof, y, sw)
        w, b = _fit_logistic(z, y, sw, l2)
        return cls(list(feature_names), means, scales, w, float(b), a, c, dict(training or {}))

    # --- persistence -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "model": "logistic regression on standardised features; Platt-scaled",
            "features": [{"name": n, "mean": float(m), "scale": float(s), "weight": float(w)}
                         for n, m, s, w in zip(self.feature_names, self.means, self.scales, self.weights)],
            "bias": self.bias,
            "calibration": {"method": "platt", "a": self.platt_a, "b": self.platt_b,
                            "formula": "p = 1 / (1 + exp(-(a * z + b))), z = bias + sum(weight * (x - mean) / scale)"},
            "training": self.training,
        }

    @classmethod
    def from_dict(cls, data: dict, source: str = "classifier") -> "Classifier":
        if data.get("format_version") != FORMAT_VERSION:
            raise ClassifierFormatError(f"{source}: classifier format {data.get('format_version')}, "
                                        f"this unmangle reads {FORMAT_VERSION}")
        try:
            feats = data["features"]
            cal = data["calibration"]
            if cal.get("method") != "platt":
                raise ClassifierFormatError(f"{source}: unknown calibration {cal.get('method')!r}")
            return cls([f["name"] for f in feats], np.array([f["mean"] for f in feats], dtype=float),
                       np.array([f["scale"] for f in feats], dtype=float),
                       np.array([f["weight"] for f in feats], dtype=float), float(data["bias"]),
                       float(cal["a"]), float(cal["b"]), dict(data.get("training", {})))
        except (KeyError, TypeError) as exc:
            raise ClassifierFormatError(f"{source}: classifier lacks {exc}") from None

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "Classifier":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ClassifierFormatError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from None
        return cls.from_dict(data, str(path))


def _fit_logistic(z: np.ndarray, y: np.ndarray, sw: np.ndarray, l2: float,
                  iterations: int = 50) -> tuple[np.ndarray, float]:
    """Weighted L2-regularised logistic regression by Newton's method (few features: exact, fast)."""
    n, d = z.shape
    xb = np.hstack([z, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0  # the bias is not shrunk
    total = sw.sum()
    for _ in range(iterations):
        p = _sigmoid(xb @ theta)
        grad = xb.T @ (sw * (p - y)) / total + reg * theta / total
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb / total + np.diag(reg) / total
        step = np.linalg.solve(hess + 1e-9 * np.eye(d + 1), grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def _fit_platt(scores: np.ndarray, y: np.ndarray, sw: np.ndarray) -> tuple[float, float]:
    """Platt scaling p = sigmoid(a*s + b), with Platt's smoothed targets against overconfidence."""
    pos = sw[y == 1].sum()
    neg = sw[y == 0].sum()
    t = np.where(y == 1, (pos + 1) / (pos + 2), 1 / (neg + 2))
    w, b = _fit_logistic(scores[:, None], t, sw, 0.0)
    return float(w[0]), float(b)


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[list[dict], float]:
    """Reliability table (equal-width bins) and expected calibration error (|mean p - rate|,
    weighted by the share of rows in each bin)."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    rows, ece = [], 0.0
    for k in range(bins):
        lo, hi = edges[k], edges[k + 1]
        sel = (p >= lo) & ((p < hi) if k < bins - 1 else (p <= hi))
        if not sel.any():
            continue
        mean_p, rate = float(p[sel].mean()), float(y[sel].mean())
        ece += sel.sum() / len(p) * abs(mean_p - rate)
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(sel.sum()), "mean_probability": round(mean_p, 4),
                     "positive_rate": round(rate, 4)})
    return rows, float(ece)


def roc_auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic, ties counted half)."""
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at_recall(scores: np.ndarray, y: np.ndarray, recall: float = 0.9) -> float:
    """Precision at the highest threshold whose recall reaches ``recall``."""
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y).astype(bool)
    if not y.any():
        return float("nan")
    order = np.argsort(-scores, kind="mergesort")
    tp = np.cumsum(y[order])
    k = int(np.searchsorted(tp, math.ceil(recall * y.sum())))
    return float(tp[k] / (k + 1))
