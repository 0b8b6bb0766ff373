"""Word-level alignment of two texts, the basis of every edit-level metric.

Texts are split into *lossless* tokens: each token is a word (letters/digits with inner hyphens and
apostrophes) or one other non-space character, together with the whitespace before it; whitespace at
the very end of a text is a token of its own. Joining the tokens gives the text back exactly, so a
change of spacing ("achievement ." -> "achievement.") is a change of a token, and token offsets are
character offsets.

Two token lists are aligned with :class:`difflib.SequenceMatcher` (``autojunk`` off, so frequent
tokens still align); adjacent non-equal opcodes are merged, so one *block* is one contiguous change.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from difflib import SequenceMatcher
from itertools import accumulate
from typing import NamedTuple, Sequence

_TOKEN = re.compile(r"\s*(?:\w+(?:['’\-]\w+)*|[^\w\s])|\s+\Z")
_WORDLIKE = re.compile(r"\w")


def tokenize(text: str) -> list[str]:
    """Lossless tokens: ``"".join(tokenize(t)) == t`` for every ``t``."""
    return _TOKEN.findall(text)


def is_word(token: str) -> bool:
    """Whether a token holds a word (not only punctuation or whitespace)."""
    return _WORDLIKE.search(token) is not None


def offsets(tokens: Sequence[str]) -> list[int]:
    """Character offset of each token's start, plus the text length at the end (``n + 1`` items)."""
    return [0, *accumulate(len(t) for t in tokens)]


class Block(NamedTuple):
    """A change: ``a[i1:i2]`` became ``b[j1:j2]`` (token indices; one side may be empty)."""

    i1: int
    i2: int
    j1: int
    j2: int


def align(a: Sequence[str], b: Sequence[str]) -> list[Block]:
    """The changes turning token list ``a`` into ``b``, adjacent changes merged into one block."""
    if list(a) == list(b):
        return []
    blocks: list[Block] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if blocks and blocks[-1].i2 == i1 and blocks[-1].j2 == j1:
            last = blocks.pop()
            blocks.append(Block(last.i1, i2, last.j1, j2))
        else:
            blocks.append(Block(i1, i2, j1, j2))
    return blocks


class CharBlock(NamedTuple):
    """A change in character offsets: ``a[a1:a2]`` became ``b[b1:b2]``."""

    a1: int
    a2: int
    b1: int
    b2: int

    @property
    def delta(self) -> int:
        return (self.b2 - self.b1) - (self.a2 - self.a1)


def char_blocks(blocks: Sequence[Block], a_offsets: Sequence[int],
                b_offsets: Sequence[int]) -> list[CharBlock]:
    """Token blocks turned into character blocks, given both texts' token offsets."""
    return [CharBlock(a_offsets[b.i1], a_offsets[b.i2], b_offsets[b.j1], b_offsets[b.j2])
            for b in blocks]


def widen(start: int, end: int, *block_lists: Sequence[CharBlock]) -> tuple[int, int]:
    """Grow ``[start, end)`` of text ``a`` until no block of any list overlaps or touches only part of it.

    A block is taken in when it overlaps the range or touches it (shares a boundary); repeated until
    nothing changes. The result's ends lie strictly outside every block not inside the range.
    """
    ends = [[blk.a2 for blk in blocks] for blocks in block_lists]
    changed = True
    while changed:
        changed = False
        for blocks, block_ends in zip(block_lists, ends):
            # blocks are sorted and do not overlap, so the candidates are contiguous
            k = bisect_left(block_ends, start)
            while k < len(blocks) and blocks[k].a1 <= end:
                blk = blocks[k]
                if blk.a1 < start or blk.a2 > end:
                    start, end = min(start, blk.a1), max(end, blk.a2)
                    changed = True
                k += 1
    return start, end


def map_range(start: int, end: int, blocks: Sequence[CharBlock]) -> tuple[int, int]:
    """Where ``a[start:end]`` (already widened over ``blocks``) lies in text ``b``."""
    shift_start = sum(blk.delta for blk in blocks if blk.a2 < start)
    shift_end = sum(blk.delta for blk in blocks if blk.a2 <= end)
    return start + shift_start, end + shift_end


def describe_changes(a: str, b: str, width: int = 30) -> list[str]:
    """Each change from ``a`` to ``b`` as one line: ``...before[old => new]after...``."""
    ta, tb = tokenize(a), tokenize(b)
    lines = []
    for blk in char_blocks(align(ta, tb), offsets(ta), offsets(tb)):
        before = a[max(0, blk.a1 - width):blk.a1]
        after = a[blk.a2:blk.a2 + width]
        lines.append(f"{before}[{a[blk.a1:blk.a2]} => {b[blk.b1:blk.b2]}]{after}".replace("\n", "⏎"))
    return lines
