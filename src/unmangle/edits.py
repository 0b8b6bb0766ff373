"""Edits: the unit every stage proposes and every result reports.

An edit replaces ``text[start:end]`` (``old``) with ``new``. Stages propose edits against the text
they were given; the :class:`~unmangle.document.Document` maps them back to the original input so a
user always sees spans in the text they passed in. Applying a result's edits to the input gives the
result's text exactly (see :func:`apply_edits`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Edit:
    """One replacement of ``old`` (at ``[start, end)``) by ``new``, with who made it and why."""

    start: int
    end: int
    old: str
    new: str
    stage: str
    reason: str
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad edit span [{self.start}, {self.end})")
        if len(self.old) != self.end - self.start:
            raise ValueError(
                f"edit old text {self.old!r} has length {len(self.old)}, span is {self.end - self.start}"
            )
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must lie in [0, 1], got {self.confidence}")

    def shifted(self, offset: int) -> "Edit":
        """The same edit, moved by ``offset`` characters (for stages that work on slices)."""
        return Edit(self.start + offset, self.end + offset, self.old, self.new, self.stage,
                    self.reason, self.confidence)

    def to_dict(self) -> dict:
        return asdict(self)


def check_edits(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """Sort ``edits`` and check they fit ``text``: ``old`` matches and no two overlap.

    Two insertions at one point, or an insertion inside a replaced span, are overlaps too: their
    order would be ambiguous.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    last_end = -1
    last_start = -1
    for edit in ordered:
        if edit.end > len(text):
            raise ValueError(f"edit {edit} runs past the end of the text ({len(text)} chars)")
        if text[edit.start:edit.end] != edit.old:
            raise ValueError(
                f"edit says {edit.old!r} at [{edit.start}, {edit.end}) but the text has "
                f"{text[edit.start:edit.end]!r}"
            )
        if edit.start < last_end or (edit.start == last_start and edit.start == edit.end):
            raise ValueError(f"edit {edit} overlaps an earlier edit")
        last_end = max(last_end, edit.end)
        last_start = edit.start
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping ``edits`` (spans in ``text``) and return the new text."""
    ordered = check_edits(text, list(edits))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        out.append(text[pos:edit.start])
        out.append(edit.new)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def revert_edits(new_text: str, edits: Sequence[Edit]) -> str:
    """Undo ``edits`` (spans in the *original* text) on the text they produced.

    ftfy-style reversibility: ``revert_edits(apply_edits(x, e), e) == x``.
    """
    out: list[str] = []
    pos_new = 0
    pos_old = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        gap = edit.start - pos_old
        out.append(new_text[pos_new:pos_new + gap])
        pos_new += gap
        if new_text[pos_new:pos_new + len(edit.new)] != edit.new:
            raise ValueError(f"text does not hold {edit.new!r} where edit {edit} put it")
        out.append(edit.old)
        pos_new += len(edit.new)
        pos_old = edit.end
    out.append(new_text[pos_new:])
    return "".join(out)
