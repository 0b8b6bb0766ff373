"""A word-level diff for the terminal, built from a repair's edits.

A unified diff of whole paragraphs hides the one changed word in a 300-character line. This shows
only the lines an edit touched, with each change inline: ``[-old-]{+new+}`` as plain text, or in
colour (old red and struck through, new green and underlined) on a terminal. Edits inside a word
widen to the whole word ("don[-â€™-]t" reads as "[-donâ€™t-]{+don’t+}"), and a change of spacing
alone shows its neighbouring words ("[-teenagers .-]{+teenagers.+}"), so every change is legible.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from ..edits import Edit, check_edits

OLD_OPEN, OLD_CLOSE = "[-", "-]"
NEW_OPEN, NEW_CLOSE = "{+", "+}"
RED_STRIKE, GREEN_UNDERLINE, CYAN, RESET = "\x1b[31;9m", "\x1b[32;4m", "\x1b[36m", "\x1b[0m"


@dataclass
class _Chunk:
    start: int
    end: int
    edits: list[Edit]

    def new_text(self, original: str) -> str:
        out, pos = [], self.start
        for e in self.edits:
            out.append(original[pos:e.start])
            out.append(e.new)
            pos = e.end
        out.append(original[pos:self.end])
        return "".join(out)


def _widen(original: str, edit: Edit) -> tuple[int, int]:
    """The span of ``edit`` grown to the whole words it cuts into (see the module docstring)."""
    start, end = edit.start, edit.end
    changed = edit.old or edit.new
    spacing_only = not changed.strip() and "\n" not in edit.old + edit.new
    grow_left = spacing_only or (changed[:1] != "" and not changed[0].isspace())
    grow_right = spacing_only or (changed[-1:] != "" and not changed[-1].isspace())
    if grow_left:
        while start > 0 and not original[start - 1].isspace():
            start -= 1
    if grow_right:
        while end < len(original) and not original[end].isspace():
            end += 1
    return start, end


def _chunks(original: str, edits: Sequence[Edit]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    for edit in check_edits(original, list(edits)):
        start, end = _widen(original, edit)
        if chunks and start <= chunks[-1].end:
            chunks[-1].end = max(chunks[-1].end, end)
            chunks[-1].edits.append(edit)
        else:
            chunks.append(_Chunk(start, end, [edit]))
    return chunks


def _paint(text: str, code: str) -> str:
    """Colour ``text`` line by line, so a terminal never carries colour over a line break."""
    return "\n".join(f"{code}{line}{RESET}" if line else "" for line in text.split("\n"))


def _change(old: str, new: str, color: bool) -> str:
    if color:
        return (_paint(old, RED_STRIKE) if old else "") + (_paint(new, GREEN_UNDERLINE) if new else "")
    return (f"{OLD_OPEN}{old}{OLD_CLOSE}" if old else "") + (f"{NEW_OPEN}{new}{NEW_CLOSE}" if new else "")


def word_diff(original: str, edits: Sequence[Edit], *, color: bool = False) -> str:
    """The lines of ``original`` that ``edits`` change, each change marked inline; "" if none.

    Each group of touched lines is headed ``@@ line N @@`` (``@@ lines N-M @@``), numbered in
    ``original`` from 1.
    """
    chunks = _chunks(original, edits)
    if not chunks:
        return ""
    line_starts = [0] + [i + 1 for i, c in enumerate(original) if c == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(line_starts, pos) - 1

    def line_end(line: int) -> int:
        nxt = line_starts[line + 1] - 1 if line + 1 < len(line_starts) else len(original)
        return nxt

    hunks: list[tuple[int, int, list[_Chunk]]] = []  # first line, last line, chunks
    for chunk in chunks:
        first = line_of(chunk.start)
        last = line_of(max(chunk.start, chunk.end - 1))
        if hunks and first <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], max(hunks[-1][1], last), hunks[-1][2] + [chunk])
        else:
            hunks.append((first, last, [chunk]))

    out: list[str] = []
    for first, last, group in hunks:
        where = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
        header = f"@@ {where} @@"
        out.append(f"{CYAN}{header}{RESET}" if color else header)
        pos = line_starts[first]
        end = max(line_end(last), group[-1].end)
        parts = []
        for chunk in group:
            parts.append(original[pos:chunk.start])
            parts.append(_change(original[chunk.start:chunk.end], chunk.new_text(original), color))
            pos = chunk.end
        parts.append(original[pos:end])
        out.append("".join(parts).rstrip("\n"))
    return "\n".join(out) + "\n"
