"""The lexicon stage: replace known corruptions (entities, phrases) listed in lexicon files."""

from __future__ import annotations

from ..edits import Edit
from ..lexicon import Lexicon
from .base import BaseStage, StageSpec, register


class LexiconStage(BaseStage):
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


def build_lexicon_stage(settings, folder) -> LexiconStage:
    """The bundled lexicon (unless ``use_default_lexicon`` is off) extended by the settings' files."""
    lexicon = Lexicon.load_default() if settings.use_default_lexicon else Lexicon([])
    for path in settings.lexicons:
        lexicon = lexicon.extended(Lexicon.from_file(path))
    return LexiconStage(lexicon)


SPEC = register(StageSpec("lexicon", order=40, build=build_lexicon_stage,
                          summary="known corruptions listed in lexicon files"))
