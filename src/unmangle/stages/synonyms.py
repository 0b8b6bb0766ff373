"""The synonyms stage: undo single-word synonym-spinner swaps (see :mod:`unmangle.synonyms`).

Opt-in (``Repairer(enable=["synonyms"])``): measured below its targets (benchmarks/results/synonyms.md).
It needs the trigram model of a model folder (``ngram.npz``) beside the broad model that
pocketsphinx ships; both load on first use. It decides with the learned decision shipped in the
package (:class:`unmangle.synonyms.SynonymDecision`); ``margins=`` selects the per-judge margins
rule instead.
"""

from __future__ import annotations

from pathlib import Path

from ..edits import Edit
from ..judges.base import LanguageJudge
from ..judges.broad import default_broad_judge
from ..judges.trigram import TrigramJudge
from ..synonyms import SynonymDecision, SynonymRepair
from ..textspans import sentences
from .base import BaseStage, StageSpec, register


class SynonymsStage(BaseStage):
    """Proposes ``word -> synonym`` edits that the learned decision (or both judges' margins) accept."""

    name = "synonyms"

    def __init__(self, ngram_path: str | Path | None = None, *, judges: list[LanguageJudge] | None = None,
                 margins: dict[str, float] | None = None, max_candidates: int | None = 80,
                 decision: SynonymDecision | str | Path | None = "shipped") -> None:
        """``decision``: the learned decision (``"shipped"``: the package's; a path: that file;
        None: the margins rule). Giving ``margins`` selects the margins rule."""
        if judges is None:
            if ngram_path is None:
                from ..resources import bundled_model_dir

                folder = bundled_model_dir()
                if folder is None or not (folder / "ngram.npz").exists():
                    raise FileNotFoundError("the synonyms stage needs a trigram model (ngram.npz); "
                                            "none is bundled with this install")
                ngram_path = folder / "ngram.npz"
            # the trigram judge first: it scores all options in one vectorised pass and its
            # rejections spare the broad judge most of its look-ups
            judges = [TrigramJudge(path=ngram_path), default_broad_judge()]
        if margins is not None or decision is None:
            chosen = None
        elif isinstance(decision, SynonymDecision):
            chosen = decision
        else:
            chosen = SynonymDecision.load(None if decision == "shipped" else decision)
        self.repair = SynonymRepair(judges, margins=margins, max_candidates=max_candidates, decision=chosen)

    def propose(self, text: str) -> list[Edit]:
        edits = []
        for sent in sentences(text):
            for opt in self.repair.decide(sent.text):
                evidence = ", ".join(f"{n} {g:+.1f}" for n, g in opt.gains)
                edits.append(Edit(sent.start + opt.start, sent.start + opt.end, opt.old, opt.new,
                                  self.name, f"thesaurus synonym preferred in context ({evidence} nats"
                                  + (f"; decision score {self.repair.score(opt):+.1f})" if self.repair.decision else ")"),
                                  self.repair.confidence(opt)))
        return edits


def build_synonyms_stage(settings, folder) -> SynonymsStage | None:
    if folder is None or not folder.has_ngram:
        return None
    return SynonymsStage(folder.path / "ngram.npz")


SPEC = register(StageSpec("synonyms", order=47, build=build_synonyms_stage, needs_model=True, default=False,
                          summary="single-word spinner synonyms undone: thesaurus candidates, both language models, a learned decision"))
