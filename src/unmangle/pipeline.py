"""The Repairer: ordered stages over one document, text and edits out.

Data flow: ``text -> Document -> stage.propose(doc.text) -> doc.apply(edits) -> ... -> RepairResult``.
Every stage sees the text as the stages before it left it; every edit is reported against the
caller's original input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .document import Document
from .edits import Edit, apply_edits
from .language import protect
from .line_endings import LineEndings
from .stages.base import Stage

log = logging.getLogger(__name__)

#: Stage names in the order they run. ``neural`` and ``capitals`` run only when a model folder is
#: available (``capitals`` needs its n-gram model); ``capitals`` comes last so the neural stage sees
#: the text its thresholds were calibrated on.
DEFAULT_ORDER: tuple[str, ...] = ("normalize", "boilerplate", "duplicates", "lexicon", "neural", "capitals")
#: Stages that need no model: what ``fast=True`` runs.
DETERMINISTIC_STAGES: tuple[str, ...] = ("normalize", "boilerplate", "duplicates", "lexicon")


@dataclass
class RepairResult:
    """The repaired ``text`` and the ``edits`` (spans in ``original``) that turned one into the other."""

    original: str
    text: str
    edits: list[Edit] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def to_dict(self) -> dict:
        return {"text": self.text, "edits": [e.to_dict() for e in self.edits]}


def check_text(text: object) -> str:
    """Reject non-text input with an error that says what to do."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"repair() takes str, got {type(text).__name__}; decode it first, e.g. data.decode('utf-8')"
        )
    if not isinstance(text, str):
        raise TypeError(f"repair() takes str, got {type(text).__name__}")
    return text


@dataclass
class RepairerConfig:
    """What a Repairer runs. Every field has a default that suits news text."""

    disable: tuple[str, ...] = ()
    lexicons: tuple[str | Path, ...] = ()
    use_default_lexicon: bool = True
    model: str | Path | None = "default"
    fast: bool = False
    threshold: float | None = None
    duplicate_similarity: float = 0.8
    #: how the neural stage runs its model: "bf16" (default: a text's result never depends on
    #: what else is in its batch), "int8" (faster; edits at the threshold can depend on the
    #: batch) or "fp32"
    precision: str = "bf16"


def _build_normalize(config: RepairerConfig) -> Stage:
    from .stages.normalize import NormalizeStage

    return NormalizeStage()


def _build_boilerplate(config: RepairerConfig) -> Stage:
    from .stages.boilerplate import BoilerplateStage

    return BoilerplateStage()


def _build_duplicates(config: RepairerConfig) -> Stage:
    from .stages.duplicates import DuplicatesStage

    return DuplicatesStage(similarity=config.duplicate_similarity)


def _build_lexicon(config: RepairerConfig) -> Stage:
    from .lexicon import Lexicon
    from .stages.lexicon import LexiconStage

    lexicon = Lexicon.load_default() if config.use_default_lexicon else Lexicon([])
    for path in config.lexicons:
        lexicon = lexicon.extended(Lexicon.from_file(path))
    return LexiconStage(lexicon)


def _build_neural(config: RepairerConfig) -> Stage | None:
    from .neural.model_dir import resolve_model_dir

    model_dir = resolve_model_dir(config.model)
    if model_dir is None:
        return None
    from .neural.stage import NeuralStage

    return NeuralStage.from_dir(model_dir, threshold=config.threshold, precision=config.precision)


def _build_capitals(config: RepairerConfig) -> Stage | None:
    from .neural.model_dir import resolve_model_dir

    model_dir = resolve_model_dir(config.model)
    if model_dir is None:
        return None
    from .neural.model import NGRAM_FILE, read_metadata
    from .neural.model_dir import ModelFolderError
    from .ngram import load_cached
    from .stages.capitals import CapitalsStage

    if not (Path(model_dir) / NGRAM_FILE).exists():
        return None
    try:
        inference, _ = read_metadata(model_dir)
        lm = load_cached(Path(model_dir) / NGRAM_FILE)
    except ValueError as exc:
        raise ModelFolderError(f"model folder {model_dir} is damaged: {exc}") from None
    return CapitalsStage(lm, break_min_gain=inference.break_min_gain, lower_max_gain=inference.lower_max_gain)


STAGE_BUILDERS: dict[str, Callable[[RepairerConfig], Stage | None]] = {
    "normalize": _build_normalize,
    "boilerplate": _build_boilerplate,
    "duplicates": _build_duplicates,
    "lexicon": _build_lexicon,
    "neural": _build_neural,
    "capitals": _build_capitals,
}


class Repairer:
    """Runs stages in order over a document.

    ``Repairer()`` gives the bundled defaults. ``disable=("duplicates",)`` switches stages off,
    ``lexicons=[path]`` adds lexicon files, ``fast=True`` skips the neural stage, ``model=DIR`` uses a
    fine-tuned model, ``precision="int8"`` runs the model faster (see :class:`RepairerConfig`), and
    ``stages=[...]`` replaces the pipeline with your own stage objects.
    """

    def __init__(
        self,
        *,
        disable: Iterable[str] = (),
        lexicons: Iterable[str | Path] = (),
        use_default_lexicon: bool = True,
        model: str | Path | None = "default",
        fast: bool = False,
        threshold: float | None = None,
        precision: str = "bf16",
        stages: Sequence[Stage] | None = None,
    ) -> None:
        self.config = RepairerConfig(
            disable=tuple(disable), lexicons=tuple(lexicons), use_default_lexicon=use_default_lexicon,
            model=model, fast=fast, threshold=threshold, precision=precision,
        )
        from .neural.model_dir import check_precision

        check_precision(precision)
        unknown = set(self.config.disable) - set(STAGE_BUILDERS)
        if unknown:
            raise ValueError(
                f"unknown stage(s) {sorted(unknown)}; stages are {', '.join(DEFAULT_ORDER)}"
            )
        if stages is not None:
            self.stages: list[Stage] = list(stages)
        else:
            self.stages = self._build_stages(self.config)

    @classmethod
    def load(cls, model_dir: str | Path, **kwargs) -> "Repairer":
        """A Repairer using the model in ``model_dir`` (for example one written by ``finetune``)."""
        return cls(model=Path(model_dir), **kwargs)

    @staticmethod
    def _build_stages(config: RepairerConfig) -> list[Stage]:
        names = DETERMINISTIC_STAGES if config.fast else DEFAULT_ORDER
        stages = []
        for name in names:
            if name in config.disable:
                continue
            stage = STAGE_BUILDERS[name](config)
            if stage is not None:
                stages.append(stage)
        return stages

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def repair_document(self, text: str) -> RepairResult:
        """Repair ``text``; the result holds the new text and every edit, spans in ``text``."""
        return self.repair_many([text])[0]

    def repair_many(self, texts: Sequence[str]) -> list[RepairResult]:
        """Repair several texts; stages that can (the neural one) work on all of them in one batch."""
        for text in texts:
            check_text(text)
        endings = [LineEndings(t) for t in texts]  # stages see "\n" line breaks only
        docs = [Document(e.text) for e in endings]
        active = [i for i, t in enumerate(texts) if t.strip()]
        tidy = None  # the tidying stage (normalize) once it has run: removals that follow re-run it
        for stage in self.stages:
            many = getattr(stage, "propose_many", None)
            if many is not None:
                proposals = many([docs[i].text for i in active])
            else:
                proposals = [stage.propose(docs[i].text) for i in active]
            for i, edits in zip(active, proposals):
                edits = protect(edits, docs[i].text)  # non-English lines: Unicode repair only
                docs[i].apply(edits)
                if edits and tidy is not None and getattr(stage, "removes_text", False):
                    docs[i].apply(protect(tidy.propose(docs[i].text, around=_joins(edits)), docs[i].text))
            if getattr(stage, "tidies", False):
                tidy = stage
        results = []
        for t, e, d in zip(texts, endings, docs):
            edits = e.edits(d.edits)
            results.append(RepairResult(t, apply_edits(t, edits) if e.changed else d.text, edits))
        return results

    def repair(self, text: str) -> str:
        return self.repair_document(text).text


def _joins(edits: Sequence[Edit]) -> list[int]:
    """Where each edit's replacement ends in the text after all of ``edits`` are applied (for a
    removal: where its neighbours now meet)."""
    joins, shift = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        joins.append(e.start + shift + len(e.new))
        shift += len(e.new) - len(e.old)
    return joins


_default_repairers: dict[bool, Repairer] = {}


def repair(text: str, *, fast: bool = False, model: str | Path | None = None) -> str:
    """Repair machine-mangled English with the bundled defaults. ``fast`` skips the neural stage.

    Pass ``model=DIR`` to use a fine-tuned model folder instead of the bundled one.
    """
    check_text(text)
    if model is not None:
        return Repairer(model=model, fast=fast).repair(text)
    if fast not in _default_repairers:
        _default_repairers[fast] = Repairer(fast=fast)
    return _default_repairers[fast].repair(text)
