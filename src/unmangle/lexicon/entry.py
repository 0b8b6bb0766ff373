"""One lexicon entry: corrupted forms, what they stand for, and when it is safe to say so.

An entry is data, not code: literal forms (never regular expressions), a replacement, a kind, and
an optional context rule. The context rule exists because many corrupted forms are also correct
English elsewhere ("Tennessee", "anti-Semitism"): ``require`` names words of which at least one must
occur within ``window`` words of the match, ``forbid`` words none of which may.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Union

#: What an entry repairs. ``entity`` replacements (names of companies, apps, people, places,
#: institutions) carry their own casing; the others take the casing of the text they replace.
KINDS: tuple[str, ...] = ("entity", "phrase", "term", "tortured-phrase")
#: Kinds whose replacement keeps its own casing (except that ALL CAPS text stays ALL CAPS).
OWN_CASE_KINDS = frozenset({"entity"})
#: ``window`` value meaning "the whole sentence around the match".
SENTENCE = "sentence"
DEFAULT_WINDOW = 12
DEFAULT_CONFIDENCE = 0.9

Window = Union[int, str]

# Characters that only make sense in a regular expression: forms are literal text.
_REGEX_SYNTAX = re.compile(r"[\\*^$\[\]{}]|\(\?|\.\*|\.\+")
_HAS_WORD = re.compile(r"[^\W_]")


class LexiconError(ValueError):
    """A malformed lexicon file or entry. ``where`` (``FILE:LINE``) says where, when known."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.reason = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class LexiconEntry:
    """Corrupted ``forms`` that stand for ``replacement``, with the context needed to say so.

    ``require``: context words or phrases of which at least one must occur within ``window`` words
    before or after the match (``window="sentence"``: in the same sentence). ``forbid``: none of them
    may. A context term written in capitals ("US", "QQ") matches only in capitals; other terms ignore
    case; a trailing ``*`` matches any ending ("smartphone*"). ``case_sensitive``: the form must
    appear exactly as written. ``source``: where the entry came from ("seed.tsv:12"), for reasons.
    """

    forms: tuple[str, ...]
    replacement: str
    kind: str = "phrase"
    require: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    window: Window = DEFAULT_WINDOW
    case_sensitive: bool = False
    confidence: float = DEFAULT_CONFIDENCE
    note: str = ""
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        forms = (self.forms,) if isinstance(self.forms, str) else tuple(self.forms)
        forms = tuple(_clean_space(f) for f in forms)
        object.__setattr__(self, "forms", forms)
        for name in ("require", "forbid"):
            value = getattr(self, name)
            terms = (value,) if isinstance(value, str) else tuple(value)
            object.__setattr__(self, name, tuple(_clean_space(t) for t in terms))
        object.__setattr__(self, "replacement", _clean_space(self.replacement))
        self._validate()

    def _validate(self) -> None:
        if not self.forms:
            raise ValueError("an entry needs at least one corrupted form")
        for form in self.forms:
            check_form(form)
        if not self.replacement:
            raise ValueError("empty replacement")
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; kinds are {', '.join(KINDS)}")
        for term in self.require + self.forbid:
            if not _HAS_WORD.search(term.rstrip("*")):
                raise ValueError(f"context term {term!r} holds no word")
            if "*" in term[:-1]:
                raise ValueError(f"context term {term!r}: '*' may only end a term")
        if self.window != SENTENCE:
            if isinstance(self.window, bool) or not isinstance(self.window, int) or self.window < 1:
                raise ValueError(f"window must be a positive number of words or {SENTENCE!r}, "
                                 f"got {self.window!r}")
        if (isinstance(self.confidence, bool) or not isinstance(self.confidence, (int, float))
                or math.isnan(self.confidence) or not 0.0 < self.confidence <= 1.0):
            raise ValueError(f"confidence must lie in (0, 1], got {self.confidence!r}")

    @property
    def has_context_rule(self) -> bool:
        return bool(self.require or self.forbid)

    def rules_text(self) -> str:
        """The rule column of the TSV format (``-`` when the entry has none)."""
        parts = []
        if self.require:
            parts.append("require=" + "|".join(self.require))
        if self.forbid:
            parts.append("forbid=" + "|".join(self.forbid))
        if self.has_context_rule and self.window != DEFAULT_WINDOW:
            parts.append(f"window={self.window}")
        if self.case_sensitive:
            parts.append("case=sensitive")
        return "; ".join(parts) if parts else "-"


def check_form(form: str) -> None:
    """Reject forms that cannot be matched as literal text."""
    if not form:
        raise ValueError("empty corrupted form")
    if not _HAS_WORD.search(form):
        raise ValueError(f"form {form!r} holds no letter or digit")
    if _REGEX_SYNTAX.search(form):
        raise ValueError(f"form {form!r} looks like a regular expression; forms are literal text "
                         "(list each variant as its own form, separated by ' | ')")


def _clean_space(text: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"expected text, got {type(text).__name__}")
    return " ".join(text.split())
