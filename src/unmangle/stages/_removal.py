"""Edits that remove whole lines or sentences without leaving a pile-up of blank lines or spaces.

Both the boilerplate and the duplicates stage delete units of text. Deleting only the unit would
leave its separators behind ("A\\n\\n\\n\\nB"); deleting a separator on both sides would glue
its neighbours.
So consecutive removed units form a run, and the run takes exactly one of its two outer separators
with it: the shorter one (the following one on a tie), the following one at the start of the region
and the preceding one at its end, so a text's leading and trailing whitespace stays as it was.
Each unit still gets its own edit (with its own reason); the edits touch but never overlap.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from ..edits import Edit


class Removal(NamedTuple):
    """Remove ``text[start:end]`` (a unit without its surrounding whitespace) for ``reason``."""

    start: int
    end: int
    reason: str
    confidence: float


def removal_edits(text: str, removals: Sequence[Removal], stage: str,
                  lo: int = 0, hi: int | None = None) -> list[Edit]:
    """Edits deleting each removal plus one separator per run, inside the region ``text[lo:hi]``."""
    hi = len(text) if hi is None else hi
    items = sorted(removals)
    edits: list[Edit] = []
    i = 0
    while i < len(items):
        run = [items[i]]
        while i + 1 < len(items) and not text[run[-1].end:items[i + 1].start].strip():
            i += 1
            run.append(items[i])
        i += 1
        before = run[0].start
        while before > lo and text[before - 1].isspace():
            before -= 1
        after = run[-1].end
        while after < hi and text[after].isspace():
            after += 1
        at_start, at_end = before == lo, after == hi
        if at_start and at_end:
            take_following = None  # the whole region goes: leave its outer whitespace alone
        elif at_start:
            take_following = True
        elif at_end:
            take_following = False
        else:
            take_following = (after - run[-1].end) <= (run[0].start - before)
        for k, unit in enumerate(run):
            if take_following is None:
                start = unit.start if k == 0 else run[k - 1].end
                end = unit.end
            elif take_following:
                start = unit.start
                end = run[k + 1].start if k + 1 < len(run) else after
            else:
                start = before if k == 0 else run[k - 1].end
                end = unit.end
            edits.append(Edit(start, end, text[start:end], "", stage, unit.reason, unit.confidence))
    return edits
