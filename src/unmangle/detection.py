"""``detect(text)``: suspicious spans with scores from the lexicon and the neural detector.

Lexicon hits are known corruptions (score = the entry's confidence); model spans carry the
detector's probability. Nothing is changed: this is the look-before-you-leap API.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .neural.model_dir import resolve_model_dir
from .pipeline import check_text


@lru_cache(maxsize=1)
def _default_lexicon():
    from .lexicon import Lexicon

    return Lexicon.load_default()


@lru_cache(maxsize=4)
def _neural(model_dir: Path):
    from .neural.stage import NeuralStage

    return NeuralStage.from_dir(model_dir)


def detect(text: str, *, model: str | Path | None = "default", threshold: float | None = None,
           lexicons: Iterable[str | Path] = ()) -> list:
    """Flagged spans (``FlaggedSpan``: start, end, text, score, source), sorted by position."""
    from .lexicon import Lexicon
    from .neural.stage import FlaggedSpan
    from .stages.lexicon import LexiconStage

    check_text(text)
    if not text.strip():
        return []
    lexicon = _default_lexicon()
    for path in lexicons:
        lexicon = lexicon.extended(Lexicon.from_file(path))
    spans = [FlaggedSpan(e.start, e.end, e.old, e.confidence, "lexicon")
             for e in LexiconStage(lexicon).propose(text)]
    model_dir = resolve_model_dir(model)
    if model_dir is not None:
        stage = _neural(model_dir)
        saved = stage.inference.detect_threshold
        try:
            if threshold is not None:
                stage.inference.detect_threshold = threshold
            spans += stage.detect(text)
        finally:
            stage.inference.detect_threshold = saved
    from .language import outside_protected

    # English is the only language judged: nothing in a non-English line is flagged
    return sorted(outside_protected(text, spans), key=lambda s: (s.start, s.end))
