"""Aligned (corrupted, clean) pairs with labelled spans: the generator's output format.

A :class:`CorruptedPair` holds ``source`` (the damaged text), ``target`` (the clean text it came from)
and ``spans``: every place the two differ, with the category of damage. Outside the spans the two
texts are identical, so replacing each source span by its target text rebuilds ``target`` exactly.

Span rules (what training and benchmarks can rely on):

- Word-level insertions and deletions are anchored to a neighbouring word so that neither side is
  empty, which tells a detector *where* to look and a rewriter *what* to write:
  a dropped word takes the following word (``the cat`` -> ``cat``), or the preceding one when it
  was the last word of its sentence (``cat sat`` -> ``cat``); an inserted article takes the word it
  precedes (``cat`` -> ``the cat``); a doubled word covers both copies (``assist`` -> ``assist, assist``).
- Only whole inserted blocks (boilerplate lines and tags, duplicated paragraphs) have an empty
  target range; their source range includes the separator that introduces them.
- Spans never touch each other (at least one unchanged character between two spans).
- Spans of word-level categories start and end at word boundaries in both texts; only ``spacing``
  spans may fall between two letters (``Ma ’s``, ``trillion - dollar``).
- A moved phrase or a merged sentence pair is one span covering the whole reordered region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

_WORD_CHAR = re.compile(r"\w")

#: Categories whose spans may start or end inside a word (they damage characters, not words).
CHAR_LEVEL_CATEGORIES = frozenset({"spacing"})


class Span(NamedTuple):
    """``source[source_start:source_end]`` is damage; ``target[target_start:target_end]`` is the fix."""

    source_start: int
    source_end: int
    target_start: int
    target_end: int
    category: str
    op: str = ""

    def to_dict(self) -> dict:
        return {"source_start": self.source_start, "source_end": self.source_end,
                "target_start": self.target_start, "target_end": self.target_end,
                "category": self.category, "op": self.op}


class PairError(ValueError):
    """A pair whose spans do not describe its two texts."""


@dataclass
class CorruptedPair:
    """Corrupted ``source``, clean ``target`` and the labelled ``spans`` that align them."""

    source: str
    target: str
    spans: list[Span] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.spans)

    @property
    def categories(self) -> list[str]:
        """The category of each span, in order (repeats kept)."""
        return [s.category for s in self.spans]

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target,
                "spans": [s.to_dict() for s in self.spans]}

    @classmethod
    def from_dict(cls, data: dict, check: bool = True) -> "CorruptedPair":
        """Rebuild a pair from :meth:`to_dict` output; ``check`` verifies the alignment."""
        try:
            spans = [Span(int(s["source_start"]), int(s["source_end"]), int(s["target_start"]),
                          int(s["target_end"]), str(s["category"]), str(s.get("op", "")))
                     for s in data.get("spans", [])]
            pair = cls(str(data["source"]), str(data["target"]), spans)
        except (KeyError, TypeError, ValueError) as exc:
            raise PairError(f"not a corrupted pair: {exc!r}") from None
        if check:
            pair.check()
        return pair

    def reconstruct(self) -> str:
        """Replace each source span by its target text: equals ``target`` for a valid pair."""
        out = []
        pos = 0
        for s in self.spans:
            out.append(self.source[pos:s.source_start])
            out.append(self.target[s.target_start:s.target_end])
            pos = s.source_end
        out.append(self.source[pos:])
        return "".join(out)

    def check(self, word_boundaries: bool = True) -> None:
        """Raise :class:`PairError` unless the spans are sorted, disjoint and rebuild ``target``.

        With ``word_boundaries``, spans of word-level categories must not cut a word in two.
        """
        prev_s = prev_t = 0
        for s in self.spans:
            if not (prev_s <= s.source_start <= s.source_end <= len(self.source)):
                raise PairError(f"source range of {s} is out of order or out of bounds")
            if not (prev_t <= s.target_start <= s.target_end <= len(self.target)):
                raise PairError(f"target range of {s} is out of order or out of bounds")
            if self.source[prev_s:s.source_start] != self.target[prev_t:s.target_start]:
                raise PairError(f"text before {s} differs between source and target")
            if self.source[s.source_start:s.source_end] == self.target[s.target_start:s.target_end]:
                raise PairError(f"span {s} changes nothing")
            if word_boundaries and s.category not in CHAR_LEVEL_CATEGORIES:
                for text, pos in ((self.source, s.source_start), (self.source, s.source_end),
                                  (self.target, s.target_start), (self.target, s.target_end)):
                    if inside_word(text, pos):
                        raise PairError(f"span {s} cuts a word at {pos}: {text[max(0, pos - 10):pos + 10]!r}")
            prev_s, prev_t = s.source_end, s.target_end
        if self.source[prev_s:] != self.target[prev_t:]:
            raise PairError("text after the last span differs between source and target")


def inside_word(text: str, pos: int) -> bool:
    """Whether ``pos`` falls between two word characters of ``text``."""
    return 0 < pos < len(text) and bool(_WORD_CHAR.match(text[pos - 1])) and bool(_WORD_CHAR.match(text[pos]))


class DamageEdit(NamedTuple):
    """A proposed change of the clean text: ``target[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str
    category: str
    op: str


def build_pair(target: str, edits: Iterable[DamageEdit]) -> CorruptedPair:
    """Apply non-overlapping ``edits`` to ``target`` and return the aligned pair."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    src_len = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            raise PairError(f"overlapping edits at {e.start}")
        if target[e.start:e.end] == e.replacement:
            continue
        kept = target[pos:e.start]
        out.append(kept)
        src_len += len(kept)
        out.append(e.replacement)
        spans.append(Span(src_len, src_len + len(e.replacement), e.start, e.end, e.category, e.op))
        src_len += len(e.replacement)
        pos = e.end
    out.append(target[pos:])
    return CorruptedPair("".join(out), target, spans)
