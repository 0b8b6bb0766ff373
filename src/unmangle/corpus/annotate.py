"""Per-document annotations beside the repair: the document's language and its suspicion score.

The language is :func:`unmangle.language.document_language`'s code; the score is the calibrated
probability of :func:`unmangle.detection.document_score`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


def _language_code(found: Callable[[str], tuple]) -> Callable[[str], str]:
    return lambda text: found(text)[0]


@dataclass(frozen=True)
class Annotators:
    """The annotation functions this build offers (``None`` where it offers none)."""

    language: Optional[Callable[[str], object]] = None
    score: Optional[Callable[[str], object]] = None

    @classmethod
    def available(cls) -> "Annotators":
        """The functions as this build (and a test that replaces one) offers them now: a build
        without one writes no such column and refuses a filter on it."""
        from .. import detection, language

        found_language = getattr(language, "document_language", None)
        return cls(language=_language_code(found_language) if found_language is not None else None,
                   score=getattr(detection, "document_score", None))

    @property
    def has_language(self) -> bool:
        return self.language is not None

    @property
    def has_score(self) -> bool:
        return self.score is not None


def as_language(value: object) -> Optional[str]:
    """A language result as a string code (accepts a string or an object with ``.code``/``.language``)."""
    if value is None or isinstance(value, str):
        return value
    for attr in ("code", "language", "lang"):
        got = getattr(value, attr, None)
        if isinstance(got, str):
            return got
    return str(value)


def as_score(value: object) -> Optional[float]:
    """A score result as a float (a number, or an object with ``.probability`` or ``.score``)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    for attr in ("probability", "score"):
        got = getattr(value, attr, None)
        if isinstance(got, (int, float)):
            return float(got)
    raise TypeError(f"document_score returned {type(value).__name__}, not a number")


def score_wanted(score: bool, min_score: Optional[float], max_score: Optional[float],
                 found: Annotators) -> bool:
    """Whether rows get the document score: asked for, or needed by a score filter. The score is
    opt-in because it costs about seven times the fast repair's time (measured on UN speeches:
    71,000 against 529,000 words/s), which would make a ``--fast`` corpus run several times slower."""
    wanted = score or min_score is not None or max_score is not None
    if wanted and not found.has_score:
        raise ValueError("the document score (and --min-score/--max-score) need "
                         "unmangle.detection.document_score, which this build does not have")
    return wanted
