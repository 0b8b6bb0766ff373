"""A document under repair: the original input, the current text, and how they map.

Stages see only the current text and propose edits against it. The document keeps a piece table
(runs of untouched original text and changed runs) so every accepted edit can be reported as a span
of the *original* input, even after later stages edit text an earlier stage produced. Changed runs
that touch are merged into one reported edit; a run changed back to its original text is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .edits import Edit, check_edits


@dataclass
class _Piece:
    orig_start: int
    orig_end: int
    text: str
    # (stage, reason, confidence) of every edit that shaped this run; empty for untouched text.
    history: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.history)


class Document:
    """Original text plus the edits accepted so far; ``text`` is the current state."""

    def __init__(self, original: str) -> None:
        self.original = original
        self._pieces: list[_Piece] = [_Piece(0, len(original), original)] if original else []
        self._text: str | None = original

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(p.text for p in self._pieces)
        return self._text

    def apply(self, edits: Sequence[Edit]) -> int:
        """Accept ``edits`` (spans in the current text). Returns how many were applied."""
        if not edits:
            return 0
        current = self.text
        ordered = check_edits(current, edits)
        pieces = self._split_at(sorted({e.start for e in ordered} | {e.end for e in ordered}))
        out: list[_Piece] = []
        i = 0
        pos = 0  # current-text offset of pieces[i]
        n = len(pieces)
        # edits falling in the same pieces (several inside one earlier change) are merged together
        group: list[_Piece] = []
        group_pos = 0
        group_edits: list[Edit] = []
        for edit in ordered:
            if group_edits and edit.start < pos:
                group_edits.append(edit)  # inside a piece the group already holds
            else:
                if group_edits:
                    out.append(self._merge(group, group_pos, group_edits, out))
                # pieces that end at or before the edit stay as they are
                while i < n and pos + len(pieces[i].text) <= edit.start:
                    out.append(pieces[i])
                    pos += len(pieces[i].text)
                    i += 1
                group, group_pos, group_edits = [], pos, [edit]
            # the rest that start before the edit's end are taken into it; untouched pieces were
            # split at the edit's bounds, so only an earlier change can stick out on either side
            while i < n and pos < edit.end:
                group.append(pieces[i])
                pos += len(pieces[i].text)
                i += 1
        out.append(self._merge(group, group_pos, group_edits, out))
        out.extend(pieces[i:])
        self._pieces = self._coalesce(out)
        self._text = None
        return len(ordered)

    def _merge(self, group: list[_Piece], group_pos: int, edits: list[Edit], before: list[_Piece]) -> _Piece:
        """One changed piece for ``edits`` (in order, not overlapping) and the pieces they absorbed."""
        marks = [(e.stage, e.reason, e.confidence) for e in edits]
        if not group:
            orig = before[-1].orig_end if before else 0
            return _Piece(orig, orig, "".join(e.new for e in edits), marks)
        text = "".join(p.text for p in group)
        for e in reversed(edits):
            text = text[:e.start - group_pos] + e.new + text[e.end - group_pos:]
        history = [h for p in group for h in p.history] + marks
        return _Piece(group[0].orig_start, group[-1].orig_end, text, history)

    def _split_at(self, cuts: list[int]) -> list[_Piece]:
        """Split untouched pieces at the given current-text offsets."""
        out: list[_Piece] = []
        pos = 0
        k = 0
        for piece in self._pieces:
            p0, p1 = pos, pos + len(piece.text)
            while k < len(cuts) and cuts[k] <= p0:
                k += 1
            if piece.changed:
                out.append(piece)
            else:
                start = p0
                while k < len(cuts) and cuts[k] < p1:
                    cut = cuts[k]
                    o = piece.orig_start + (start - p0)
                    out.append(_Piece(o, o + (cut - start), piece.text[start - p0:cut - p0]))
                    start = cut
                    k += 1
                o = piece.orig_start + (start - p0)
                out.append(_Piece(o, piece.orig_end, piece.text[start - p0:]))
            pos = p1
        return out

    def _coalesce(self, pieces: list[_Piece]) -> list[_Piece]:
        """Merge touching changed pieces and drop changes that restored the original."""
        merged: list[_Piece] = []
        for piece in pieces:
            if merged and merged[-1].changed and piece.changed:
                last = merged[-1]
                merged[-1] = _Piece(last.orig_start, piece.orig_end, last.text + piece.text,
                                    last.history + piece.history)
            elif piece.text == "" and not piece.changed:
                continue
            else:
                merged.append(piece)
        out: list[_Piece] = []
        for piece in merged:
            out.extend(self._trim(piece) if piece.changed else (piece,))
        return out

    def _trim(self, piece: _Piece) -> list[_Piece]:
        """Split whole words that a change left as they were off its ends (none if nothing changed)."""
        old = self.original[piece.orig_start:piece.orig_end]
        new = piece.text
        if old == new:
            return [_Piece(piece.orig_start, piece.orig_end, new)]
        limit = min(len(old), len(new))
        pre = 0
        while pre < limit and old[pre] == new[pre]:
            pre += 1
        pre = max((i + 1 for i in range(pre) if old[i].isspace()), default=0)
        suf = 0
        while suf < limit - pre and old[-1 - suf] == new[-1 - suf]:
            suf += 1
        common = old[len(old) - suf:]
        cut = next((i for i, ch in enumerate(common) if ch.isspace()), len(common))
        suf = len(common) - cut
        a, b = piece.orig_start, piece.orig_end
        parts = []
        if pre:
            parts.append(_Piece(a, a + pre, old[:pre]))
        parts.append(_Piece(a + pre, b - suf, new[pre:len(new) - suf], piece.history))
        if suf:
            parts.append(_Piece(b - suf, b, old[len(old) - suf:]))
        return parts

    @property
    def edits(self) -> list[Edit]:
        """Accepted changes as edits on the original input, in order."""
        result = []
        for piece in self._pieces:
            if not piece.changed:
                continue
            stages: list[str] = []
            reasons: list[str] = []
            for stage, reason, _ in piece.history:
                if stage not in stages:
                    stages.append(stage)
                if reason not in reasons:
                    reasons.append(reason)
            result.append(Edit(
                piece.orig_start, piece.orig_end,
                self.original[piece.orig_start:piece.orig_end], piece.text,
                "+".join(stages), "; ".join(reasons), min(h[2] for h in piece.history),
            ))
        return result
