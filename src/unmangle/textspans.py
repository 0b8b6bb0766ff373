"""Paragraph, sentence and word spans: offsets into the text, never copies that lose position.

Every stage that works on units of text (duplicates, the neural stages, the corruption generator)
splits with these functions, so all of them agree on where a sentence begins and ends.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
_CHUNK = re.compile(r"\s*(?:\w+(?:['’]\w+)*|[^\w\s])", re.UNICODE)

# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt no nos vs etc inc ltd co corp plc llc jan feb mar apr jun jul
    aug sep sept oct nov dec gen gov sen rep rev lt col capt sgt maj adm fig eq approx dept univ
    e.g i.e u.s u.k u.n a.m p.m""".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")
# Initials such as "J" or "J.R" (their last full stop is the match): no sentence end.
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


class Span(NamedTuple):
    """``text[start:end]``, kept with its offsets."""

    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines/paragraphs: text between newlines, without surrounding whitespace."""
    spans = []
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _append_stripped(spans, text, pos, match.start())
        pos = match.end()
    _append_stripped(spans, text, pos, len(text))
    return spans


def _append_stripped(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(Span(start, end, text[start:end]))


def _ends_sentence(text: str, match: re.Match) -> bool:
    """Whether the punctuation in ``match`` closes a sentence (not 'U.S.' or 'Ltd.' mid-sentence)."""
    if "." not in match.group() or match.group().startswith(("!", "?")):
        return True
    end = match.start()
    begin = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end), text.rfind("\t", 0, end)) + 1
    token = text[begin:end].lower().strip("\"'“‘(")
    if token in _ABBREVIATIONS or len(token) <= 3 and _INITIALS.fullmatch(token):
        # an abbreviation or an initial: a sentence break only if a capitalised word follows a
        # lowercase-looking abbreviation would be guessing, so keep the sentence together
        return False
    nxt = text[match.end():match.end() + 3].lstrip()
    return not nxt[:1].islower() if nxt else True


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences inside ``text[start:end]`` (each paragraph split on closing punctuation)."""
    end = len(text) if end is None else end
    out: list[Span] = []
    for para in paragraphs(text[start:end]):
        p_start = start + para.start
        pos = p_start
        p_end = start + para.end
        for match in _SENTENCE_END.finditer(text, p_start, p_end):
            if _ends_sentence(text, match):
                _append_stripped(out, text, pos, match.end())
                pos = match.end()
        _append_stripped(out, text, pos, p_end)
    return out


def words(text: str) -> Iterator[Span]:
    """Word tokens (letters/digits with inner hyphens and apostrophes)."""
    for match in _WORD.finditer(text):
        yield Span(match.start(), match.end(), match.group())


def chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each chunk: leading whitespace plus one word or punctuation mark.

    The unit the neural stage flags and rewrites (``" Tennessee"``, ``" ."``): replacing a run of
    chunks with any text, or with nothing, always leaves well-formed spacing.
    """
    return [m.span() for m in _CHUNK.finditer(text)]
