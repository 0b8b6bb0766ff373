"""Repair a long text block by block, so memory follows the block size, not the text's length.

A 50 MB file repaired as one document held about 20 times its size in memory (piece tables,
word lists, shingle arrays). Cut at paragraph breaks into blocks of about :data:`BLOCK_CHARS`
characters, the same stages need memory for one block at a time plus the input and output text.

What a block cannot see: a copy in another block. The duplicates stage removes copies only in the
same or a nearby paragraph, at the end of the document or as cut-off teaser lines, so the
difference is confined to copies that straddle a cut (cuts fall on blank lines where the text
has them) and to a block's last paragraphs repeating text earlier in the same block, which the
stage takes for a block repeated at the end. The CLI streams only inputs longer than
:data:`STREAM_CHARS` and only for plain-text output (``--json`` and ``--diff`` need one document).
"""

from __future__ import annotations

import re
from typing import Iterator

#: Inputs longer than this (characters) are repaired block by block by ``unmangle repair``.
STREAM_CHARS = 8_000_000
#: Aimed-for block length in characters; a block ends at the first paragraph break after it.
BLOCK_CHARS = 1_000_000

_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_LINE_BREAK = re.compile(r"\n")


def block_bounds(text: str, size: int = BLOCK_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive blocks covering ``text``: each ends just after a blank line
    found after ``size`` characters (else after a line break; a single line longer than that
    stays whole)."""
    if size < 1:
        raise ValueError(f"block size must be positive, got {size}")
    start, n = 0, len(text)
    while start < n:
        if n - start <= size:
            yield start, n
            return
        m = _BLANK_LINE.search(text, start + size, min(n, start + 4 * size)) \
            or _LINE_BREAK.search(text, start + size)
        end = m.end() if m else n
        yield start, end
        start = end


def repair_in_blocks(repairer, text: str, size: int = BLOCK_CHARS) -> Iterator[str]:
    """The repaired text of each block of ``text`` in turn (joined: the repaired text)."""
    for start, end in block_bounds(text, size):
        yield repairer.repair(text[start:end])
