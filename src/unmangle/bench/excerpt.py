"""Edits shown in a few words: ``…four words before[old => new]four words after…``.

Benchmark results are committed to the repository, but the text they are measured on is not ours
to copy: NTREX is evaluation-only, the seed article is third-party text, and no corpus from the
shared data folder may be committed at all. So a result never holds a whole input sentence: each
edit is shown with at most :data:`CONTEXT_WORDS` words on each side, its old and new text are cut
to :data:`SPAN_WORDS` words, quoted passages in a stage's reason are cut the same way, and the
input is named by an id (corpus and line) instead of its text. Character offsets stay exact, so
whoever holds the corpus can look the full text up.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

#: words of context shown on each side of an edit
CONTEXT_WORDS = 4
#: words of an edit's old or new text shown before it is cut to ``first … last``
SPAN_WORDS = 3
#: characters looked at on each side for the context words (enough for four words of news)
_WINDOW = 300
_PIECES = re.compile(r"\S+|\s+")
_QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"")


def clip(text: str, max_words: int = SPAN_WORDS) -> str:
    """``text`` unchanged when it has at most ``max_words`` words, else ``first words … last word``
    (leading and trailing whitespace kept, so spacing edits stay visible)."""
    words = text.split()
    if len(words) <= max(2, max_words):
        return text
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{' '.join(words[:max(2, max_words) - 1])} … {words[-1]}{trail}"


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "⏎")


def left_context(text: str, start: int, words: int = CONTEXT_WORDS) -> str:
    """At most ``words`` words of ``text`` before ``start`` (with the spacing between them),
    led by ``…`` when there is more text before them."""
    window = text[max(0, start - _WINDOW):start]
    pieces = _PIECES.findall(window)
    kept: list[str] = []
    seen = 0
    for piece in reversed(pieces):
        if not piece.isspace():
            if seen == words:
                break
            seen += 1
        kept.append(piece)
    shown = "".join(reversed(kept))
    if text[:start - len(shown)].strip():
        return "…" + shown.lstrip()
    return shown


def right_context(text: str, end: int, words: int = CONTEXT_WORDS) -> str:
    """At most ``words`` words of ``text`` after ``end``, followed by ``…`` when there is more."""
    window = text[end:end + _WINDOW]
    kept: list[str] = []
    seen = 0
    for piece in _PIECES.findall(window):
        if not piece.isspace():
            if seen == words:
                break
            seen += 1
        kept.append(piece)
    shown = "".join(kept)
    if text[end + len(shown):].strip():
        return shown.rstrip() + "…"
    return shown


def excerpt(text: str, start: int, end: int, new: str, words: int = CONTEXT_WORDS) -> str:
    """One line: ``…before[old => new]after…``, old and new cut by :func:`clip`."""
    return _one_line(f"{left_context(text, start, words)}[{clip(text[start:end])} => {clip(new)}]"
                     f"{right_context(text, end, words)}")


def clip_quotes(reason: str, max_words: int = CONTEXT_WORDS) -> str:
    """A stage's reason with every quoted passage (“…” or "…") cut to ``max_words`` words."""
    def cut(match: re.Match) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        pieces = inner.split()
        if len(pieces) <= max_words:
            return match.group(0)
        short = " ".join(pieces[:max_words]).rstrip("…") + "…"
        return f"“{short}”" if match.group(1) is not None else f'"{short}"'
    return _QUOTED.sub(cut, reason)


def edit_excerpt(text: str, edit: Mapping[str, Any], words: int = CONTEXT_WORDS) -> dict:
    """An edit (``Edit.to_dict()`` form, spans in ``text``) fit to be stored in a result: old and
    new cut by :func:`clip` (``old_words``/``new_words`` give their full length when cut), quoted
    passages of the reason cut, and a one-line ``context``."""
    old, new = edit["old"], edit["new"]
    out = {**edit, "old": clip(old), "new": clip(new),
           "reason": clip_quotes(edit.get("reason", "")),
           "context": excerpt(text, edit["start"], edit["end"], new, words)}
    if out["old"] != old:
        out["old_words"] = len(old.split())
    if out["new"] != new:
        out["new_words"] = len(new.split())
    return out


def change_spans(a: str, b: str) -> list[tuple[int, int, str]]:
    """Each change from ``a`` to ``b`` (word-level alignment) as ``(start, end, new)``: ``a[start:end]``
    became ``new``."""
    from ..metrics.align import align, char_blocks, offsets, tokenize

    ta, tb = tokenize(a), tokenize(b)
    return [(blk.a1, blk.a2, b[blk.b1:blk.b2])
            for blk in char_blocks(align(ta, tb), offsets(ta), offsets(tb))]


def changes(a: str, b: str, words: int = CONTEXT_WORDS) -> list[str]:
    """Each change from ``a`` to ``b`` as one :func:`excerpt` line."""
    return [excerpt(a, start, end, new, words) for start, end, new in change_spans(a, b)]
