"""``detect(text)``: suspicious spans with scores from the lexicon and the neural detector.

Lexicon hits are known corruptions (score = the entry's confidence); model spans carry the
detector's probability. Nothing is changed: this is the look-before-you-leap API. The threshold is
an argument of each call, never written into the shared stage, so threads can ask with different
ones at once.
"""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .pipeline import check_text


@lru_cache(maxsize=1)
def _default_lexicon():
    from .lexicon import Lexicon

    return Lexicon.load_default()


_neural_stages: dict = {}
_lock = threading.Lock()


def neural_stage(folder):
    """One neural stage per model folder, built on first use and shared (it is only read)."""
    with _lock:
        stage = _neural_stages.get(folder.path)
        if stage is None:
            from .neural.stage import NeuralStage

            stage = _neural_stages[folder.path] = NeuralStage.from_folder(folder)
        return stage


def detect(text: str, *, model: str | Path | None = "default", min_probability: float | None = None,
           lexicons: Iterable[str | Path] = (), threshold: float | None = None) -> list:
    """Flagged spans (``FlaggedSpan``: start, end, text, score, source), sorted by position.

    ``min_probability``: the detector's cut-off (default: the model folder's calibrated value);
    ``threshold`` is its deprecated name. ``model=None`` uses the lexicon alone.
    """
    from .lexicon import Lexicon
    from .model_folder import resolve
    from .neural.regions import FlaggedSpan
    from .stages.lexicon import LexiconStage

    if threshold is not None:
        warnings.warn("detect(threshold=) is deprecated; use min_probability=", DeprecationWarning, stacklevel=2)
        if min_probability is None:
            min_probability = threshold
    check_text(text)
    if not text.strip():
        return []
    lexicon = _default_lexicon()
    for path in lexicons:
        lexicon = lexicon.extended(Lexicon.from_file(path))
    spans = [FlaggedSpan(e.start, e.end, e.old, e.confidence, "lexicon")
             for e in LexiconStage(lexicon).propose(text)]
    folder = resolve(model)
    if folder is not None:
        spans += neural_stage(folder).detect(text, min_probability)
    from .language import outside_protected

    # English is the only language judged: nothing in a non-English line is flagged
    return sorted(outside_protected(text, spans), key=lambda s: (s.start, s.end))


def document_score(text: str, *, neural: bool = False):
    """The calibrated probability that ``text`` is machine-mangled, with its evidence
    (:func:`unmangle.scoring.score_document`; ``neural``: read the neural detector too): what the
    corpus command and reports show."""
    from .scoring import score_document

    check_text(text)
    return score_document(text, neural=neural)
