"""Document-level noise: near-duplicate paragraphs, injected web chrome, lost paragraph breaks.

All of it happens between paragraphs, so it never fights with sentence-level damage:

- ``paragraph_duplicate``: a paragraph is followed by a near-copy of itself (a few words changed, as
  in the seed article, where a scraped related-story line repeats the lead with edits). The span is
  the inserted copy with its separator; its target range is empty.
- ``boilerplate``: a trailing block of chrome ("Subscribe now", "Leave a Reply"), a chrome line
  between paragraphs, or a wire tag (``  |  Reuters``) appended to a paragraph. Target range empty.
- lost paragraph break (category ``spacing``): the break between two paragraphs becomes a space.
"""

from __future__ import annotations

from functools import lru_cache
from random import Random
from typing import Callable, NamedTuple, Optional

from .base import DataError, choose, data_text
from .labelled import DamageEdit

#: Share of ``rates["spacing"]`` used per paragraph break for lost breaks.
LOST_BREAK_FACTOR = 0.2


class Chrome(NamedTuple):
    blocks: tuple[tuple[str, ...], ...]
    lines: tuple[str, ...]
    tags: tuple[str, ...]


@lru_cache(maxsize=None)
def chrome() -> Chrome:
    """Parse ``data/boilerplate.txt`` into blocks, lines and tags."""
    sections: dict[str, list[str]] = {}
    current: Optional[list[str]] = None
    for lineno, line in enumerate(data_text("boilerplate.txt").splitlines(), 1):
        if line.startswith("#"):
            continue
        if line.startswith("== ") and line.endswith(" =="):
            current = sections.setdefault(line[3:-3].strip(), [])
            continue
        if current is None:
            if line.strip():
                raise DataError(f"boilerplate.txt, line {lineno}: text before the first '== section =='")
            continue
        current.append(line)
    for name in ("blocks", "lines", "tags"):
        if name not in sections:
            raise DataError(f"boilerplate.txt: missing section '== {name} =='")
    blocks: list[tuple[str, ...]] = []
    cur: list[str] = []
    for line in sections["blocks"] + [""]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            blocks.append(tuple(cur))
            cur = []
    return Chrome(tuple(blocks), tuple(l.strip() for l in sections["lines"] if l.strip()),
                  tuple(l for l in sections["tags"] if l.strip()))


class Para(NamedTuple):
    start: int
    end: int


def _separator(text: str, paras: list, g: int) -> str:
    """The whitespace after paragraph ``g`` (a blank line when it is the last one)."""
    if g + 1 < len(paras):
        return text[paras[g].end:paras[g + 1].start]
    return "\n\n"


def document_edits(text: str, paras: list, rates: dict, rng: Random,
                   near_copy: Callable[[str, Random], str]) -> list[DamageEdit]:
    """Edits between and around paragraphs; at most one per paragraph break."""
    edits: list[DamageEdit] = []
    used: set[int] = set()  # paragraph breaks (index of the paragraph before) already edited
    n = len(paras)
    if n == 0:
        return edits

    rate = rates.get("paragraph_duplicate", 0.0)
    if rate > 0:
        for g, p in enumerate(paras):
            if rng.random() < rate and g not in used:
                para_text = text[p.start:p.end]
                if len(para_text) < 20:
                    continue
                copy = near_copy(para_text, rng)
                sep = _separator(text, paras, g)
                if "\n" not in sep:
                    sep = "\n\n"
                edits.append(DamageEdit(p.end, p.end, sep + copy, "paragraph_duplicate", "paragraph.near_copy"))
                used.add(g)

    rate = rates.get("boilerplate", 0.0)
    if rate > 0:
        ch = chrome()
        events = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
        for _ in range(events):
            r = rng.random()
            if r < 0.55 and (n - 1) not in used:
                block = choose(rng, list(ch.blocks))
                joiner = "\n\n" if rng.random() < 0.6 else "\n"
                edits.append(DamageEdit(paras[-1].end, paras[-1].end, "\n\n" + joiner.join(block),
                                  "boilerplate", "boilerplate.trailing"))
                used.add(n - 1)
            elif r < 0.85 and n > 1:
                free = [g for g in range(n - 1) if g not in used]
                if free:
                    g = choose(rng, free)
                    sep = _separator(text, paras, g)
                    edits.append(DamageEdit(paras[g].end, paras[g].end, sep + choose(rng, list(ch.lines)),
                                      "boilerplate", "boilerplate.line"))
                    used.add(g)
            else:
                free = [g for g in range(n) if g not in used]
                if free:
                    g = choose(rng, free)
                    tag = choose(rng, list(ch.tags)).format(sep=choose(rng, [" ", "  "]))
                    edits.append(DamageEdit(paras[g].end, paras[g].end, tag, "boilerplate", "boilerplate.tag"))
                    used.add(g)

    rate = rates.get("spacing", 0.0) * LOST_BREAK_FACTOR
    if rate > 0:
        for g in range(n - 1):
            if g not in used and rng.random() < rate:
                edits.append(DamageEdit(paras[g].end, paras[g + 1].start, " ", "spacing", "paragraph.lost_break"))
                used.add(g)
    return edits
