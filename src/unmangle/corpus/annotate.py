"""Per-document annotations beside the repair: the document's language and its suspicion score.

Both come from modules other parts of the project provide: ``unmangle.language.document_language``
and ``unmangle.detection.document_score``. They are looked up with ``getattr`` so this package works
with builds that do not have them yet; a missing one means its column is left out of the output
(and ``--min-score``/``--max-score`` refuse to run, since there is nothing to filter on).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Optional


def _find(module: str, name: str) -> Optional[Callable[[str], object]]:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    # getattr on purpose: the function may not exist in this build (see the module docstring)
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


@dataclass(frozen=True)
class Annotators:
    """The annotation functions this build offers (``None`` where it offers none)."""

    language: Optional[Callable[[str], object]] = None
    score: Optional[Callable[[str], object]] = None

    @classmethod
    def available(cls) -> "Annotators":
        return cls(language=_find("unmangle.language", "document_language"),
                   score=_find("unmangle.detection", "document_score"))

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
