"""Windows (CRLF) and old Mac (lone CR) line endings: stages see "\\n", the caller keeps theirs.

Every stage's rules are written for "\\n" (paragraph splitting, line-anchored regexes, the model's
tokenisation), and a "\\r" left before each "\\n" silently defeated them: "Line one .\\r\\n" was
never repaired. Rather than teach every rule about "\\r", the Repairer hands the stages the text
with every line break as "\\n" and maps their edits back onto the caller's input, so edits index
the caller's text, ``apply_edits(original, edits)`` gives the result, and every line break outside
an edit stays exactly as it was. A line break that an edit writes takes the style of a break it
replaces, or else the style most common in the text.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from .edits import Edit

_BREAK = re.compile(r"\r\n?")
_ANY_BREAK = re.compile(r"\r\n?|\n")


class LineEndings:
    """``original`` with its line breaks as "\\n" (``text``), and the map back."""

    def __init__(self, original: str) -> None:
        self.original = original
        if "\r" not in original:
            self.text = original
            self._crlf: list[int] = []
            self._default = "\n"
            return
        crlf: list[int] = []
        counts = {"\n": 0, "\r\n": 0, "\r": 0}
        removed = 0  # characters dropped before this point (one per CRLF)
        for m in _BREAK.finditer(original):
            if m.group() == "\r\n":
                crlf.append(m.start() - removed)  # where its "\n" lands in ``text``
                removed += 1
            counts[m.group()] += 1
        counts["\n"] = original.count("\n") - counts["\r\n"]
        self.text = _BREAK.sub("\n", original)
        self._crlf = crlf
        self._default = max(counts, key=counts.__getitem__)

    @property
    def changed(self) -> bool:
        return self.text is not self.original

    def position(self, pos: int) -> int:
        """The offset in ``original`` of offset ``pos`` in ``text`` (never inside a CRLF)."""
        return pos + bisect.bisect_left(self._crlf, pos)

    def edits(self, edits: Sequence[Edit]) -> list[Edit]:
        """``edits`` (spans in ``text``) as spans in ``original``, line breaks in the caller's style."""
        if not self.changed:
            return list(edits)
        out = []
        for e in edits:
            start, end = self.position(e.start), self.position(e.end)
            old = self.original[start:end]
            new = e.new
            if "\n" in new:
                found = _ANY_BREAK.search(old)
                new = new.replace("\n", found.group() if found else self._default)
            out.append(Edit(start, end, old, new, e.stage, e.reason, e.confidence))
        return out
