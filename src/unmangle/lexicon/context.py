"""Context rules: do the words around a match allow the entry to fire?

Words here are runs of letters and digits ("short-video" is two words, "S&P" two), so a context
term and the text are split alike. Only words outside the match count: an entry's own form never
satisfies its ``require`` list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Sequence

from ..textspans import sentences
from .entry import SENTENCE, LexiconEntry

_TOKEN = re.compile(r"[^\W_]+")
# Characters read on each side per word of window: generous, so a window is rarely cut short.
_CHARS_PER_WORD = 40
# How far a sentence window looks for the sentence's ends.
_SENTENCE_REACH = 3000


class Term(NamedTuple):
    """A compiled context term: its words, whether it matches case, whether its end is open."""

    words: tuple[str, ...]
    case_sensitive: bool
    prefix: bool


@lru_cache(maxsize=65536)
def compile_term(term: str) -> Term:
    """'US' -> case-sensitive (an acronym); 'smartphone*' -> prefix; others ignore case."""
    prefix = term.endswith("*")
    body = term[:-1] if prefix else term
    letters = [c for c in body if c.isalpha()]
    case_sensitive = len(letters) >= 2 and all(c.isupper() for c in letters)
    words = tuple(_TOKEN.findall(body if case_sensitive else body.lower()))
    return Term(words, case_sensitive, prefix)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(t, t.lower()) for t in _TOKEN.findall(text)]


def _left_words(text: str, start: int, n: int) -> list[tuple[str, str]]:
    lo = max(0, start - n * _CHARS_PER_WORD)
    region = text[lo:start]
    if lo > 0 and region[:1].isalnum() and text[lo - 1].isalnum():
        region = _TOKEN.sub("", region, count=1)  # drop a word cut in half
    return _tokens(region)[-n:]


def _right_words(text: str, end: int, n: int) -> list[tuple[str, str]]:
    hi = min(len(text), end + n * _CHARS_PER_WORD)
    region = text[end:hi]
    if hi < len(text) and region[-1:].isalnum() and text[hi].isalnum():
        region = region[:len(region) - len(re.search(r"[^\W_]+$", region).group())]
    return _tokens(region)[:n]


def _sentence_words(text: str, start: int, end: int) -> tuple[list, list]:
    lo = text.rfind("\n", max(0, start - _SENTENCE_REACH), start) + 1
    lo = max(lo, start - _SENTENCE_REACH, 0)
    hi = text.find("\n", end, end + _SENTENCE_REACH)
    hi = min(len(text), end + _SENTENCE_REACH) if hi < 0 else hi
    s_start, s_end = start, end
    for span in sentences(text, lo, hi):
        if span.end > start and span.start < end:
            s_start = min(s_start, span.start)
            s_end = max(s_end, span.end)
    return _tokens(text[s_start:start]), _tokens(text[end:s_end])


def _occurs(term: Term, words: Sequence[tuple[str, str]]) -> bool:
    n = len(term.words)
    if n == 0 or n > len(words):
        return False
    idx = 0 if term.case_sensitive else 1
    last = n - 1
    for i in range(len(words) - last):
        for j in range(n):
            word = words[i + j][idx]
            want = term.words[j]
            if j == last and term.prefix:
                if not word.startswith(want):
                    break
            elif word != want:
                break
        else:
            return True
    return False


def context_allows(entry: LexiconEntry, text: str, start: int, end: int) -> bool:
    """Whether ``entry``'s rule lets it replace ``text[start:end]``."""
    if not entry.require and not entry.forbid:
        return True
    if entry.window == SENTENCE:
        left, right = _sentence_words(text, start, end)
    else:
        left = _left_words(text, start, entry.window)
        right = _right_words(text, end, entry.window)
    if entry.forbid:
        for raw in entry.forbid:
            term = compile_term(raw)
            if _occurs(term, left) or _occurs(term, right):
                return False
    if entry.require:
        return any(_occurs(compile_term(raw), left) or _occurs(compile_term(raw), right)
                   for raw in entry.require)
    return True
