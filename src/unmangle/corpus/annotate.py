"""Per-document annotations beside the repair: the document's language and its suspicion score.

The language is :func:`unmangle.language.document_language`'s code; the score is the calibrated
probability of :func:`unmangle.detection.document_score`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


def _language(text: str) -> str:
    from ..language import document_language

    return document_language(text)[0]


def _score(text: str) -> float:
    from ..detection import document_score

    return document_score(text).probability


@dataclass(frozen=True)
class Annotators:
    """The annotation functions this build offers (``None`` where it offers none)."""

    language: Optional[Callable[[str], object]] = None
    score: Optional[Callable[[str], object]] = None

    @classmethod
    def available(cls) -> "Annotators":
        return cls(language=_language, score=_score)

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
    """A score result as a float (accepts a number or an object with ``.score``)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    got = getattr(value, "score", None)
    if isinstance(got, (int, float)):
        return float(got)
    raise TypeError(f"document_score returned {type(value).__name__}, not a number")
