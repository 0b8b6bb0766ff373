"""The lexicon stage: replace known corruptions (entities, phrases) listed in lexicon files."""

from __future__ import annotations

from ..edits import Edit
from ..lexicon import Lexicon


class LexiconStage:
    """Proposes one edit per lexicon match; the reason names the entry's file and line."""

    name = "lexicon"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = Lexicon.load_default() if lexicon is None else lexicon

    def propose(self, text: str) -> list[Edit]:
        return [Edit(m.start, m.end, m.matched, m.replacement, self.name, m.reason,
                     m.entry.confidence)
                for m in self.lexicon.find(text)]

    def __repr__(self) -> str:
        return f"LexiconStage({self.lexicon!r})"
