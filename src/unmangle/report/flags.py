"""Which flagged spans a reviewer still has to look at: those that repair left alone.

``detect()`` flags spans of the input; repair changes some of them. A flag that overlaps an edit is
already shown as that edit, so the report keeps only the flags that no edit touched, and merges
flags that overlap each other (the lexicon and the model can flag the same words) into one
highlight with the higher score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..edits import Edit


@dataclass(frozen=True)
class Flag:
    """A suspicious span of the input that no edit changed; ``sources`` says who flagged it."""

    start: int
    end: int
    text: str
    score: float
    sources: tuple[str, ...]


def _field(span: Any, name: str, default: Any = None) -> Any:
    if isinstance(span, Mapping):
        return span.get(name, default)
    return getattr(span, name, default)


def _touches(start: int, end: int, edit: Edit) -> bool:
    """Whether ``edit`` changes anything inside ``[start, end)``."""
    if edit.start == edit.end:  # an insertion changes a span only strictly inside it
        return start < edit.start < end
    return start < edit.end and edit.start < end


def unchanged_flags(original: str, edits: Sequence[Edit], flagged: Iterable[Any]) -> list[Flag]:
    """Flags (objects or mappings with start, end, score, source) that no edit touched, merged;
    whitespace at a flag's ends is left out of it.

    Spans outside ``original`` raise ``ValueError``: they were computed on another text.
    """
    kept: list[Flag] = []
    ordered_edits = sorted(edits, key=lambda e: e.start)
    for span in flagged:
        start, end = int(_field(span, "start")), int(_field(span, "end"))
        if not 0 <= start < end <= len(original):
            raise ValueError(f"flagged span [{start}, {end}) lies outside the text ({len(original)} chars)")
        if any(_touches(start, end, e) for e in ordered_edits):
            continue
        while start < end and original[start].isspace():  # " Would": highlight the word only
            start += 1
        while end > start and original[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        score = float(_field(span, "score", 0.0))
        kept.append(Flag(start, end, original[start:end], score, (str(_field(span, "source", "model")),)))
    kept.sort(key=lambda f: (f.start, f.end))
    merged: list[Flag] = []
    for flag in kept:
        if merged and flag.start < merged[-1].end:
            last = merged[-1]
            end = max(last.end, flag.end)
            sources = last.sources + tuple(s for s in flag.sources if s not in last.sources)
            merged[-1] = Flag(last.start, end, original[last.start:end], max(last.score, flag.score), sources)
        else:
            merged.append(flag)
    return merged
