"""The Repairer: ordered stages over one document, text and edits out.

Data flow: ``text -> Document -> stage.propose(doc.text) -> doc.apply(edits) -> ... -> RepairResult``.
Every stage sees the text as the stages before it left it; every edit is reported against the
caller's original input. Which stages run, and in what order, comes from the stage registry
(:mod:`unmangle.stages.base`); what they are built with comes from one frozen
:class:`~unmangle.settings.RepairSettings`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .document import Document
from .edits import Edit, apply_edits
from .language import protect
from .line_endings import LineEndings
from .model_folder import engine_for
from .settings import RepairSettings
from .stages.base import Stage, as_stage, stage_specs

log = logging.getLogger(__name__)

#: How many times a removal stage looks again at a text it removed something from
#: (:meth:`Repairer._settle`); on text not made of repeats the first look finds nothing.
SETTLE_ROUNDS = 4

#: Deprecated name of :class:`RepairSettings`.
RepairerConfig = RepairSettings


def _default_order() -> tuple[str, ...]:
    return tuple(s.name for s in stage_specs() if s.default)


def __getattr__(name: str) -> Any:
    # DEFAULT_ORDER / DETERMINISTIC_STAGES come from the registry, read when first asked for
    if name == "DEFAULT_ORDER":
        return _default_order()
    if name == "DETERMINISTIC_STAGES":
        return tuple(s.name for s in stage_specs() if s.default and not s.needs_model)
    raise AttributeError(name)


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

    def to_html(self, flagged=None, **options) -> str:
        """A self-contained HTML review page of this result; ``flagged``: spans from ``detect()``
        on ``original``. Options (title, language, score): :func:`unmangle.report.render_report`."""
        from .report import render_report

        return render_report(self, flagged, **options)


def check_text(text: object) -> str:
    """Reject non-text input with an error that says what to do."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"repair() takes str, got {type(text).__name__}; decode it first, e.g. data.decode('utf-8')"
        )
    if isinstance(text, (list, tuple)):
        raise TypeError(f"repair() takes one str, got a {type(text).__name__}; use repair_many(texts)")
    if not isinstance(text, str):
        raise TypeError(f"repair() takes str, got {type(text).__name__}")
    return text


class Repairer:
    """Runs stages in order over a document.

    ``Repairer()`` gives the bundled defaults. Options (see :class:`RepairSettings`):
    ``disable=("duplicates",)`` switches stages off, ``enable=(...)`` adds opt-in stages,
    ``lexicons=[path]`` adds lexicon files, ``fast=True`` skips the model's stages, ``model=DIR``
    uses a fine-tuned model (``None``: no model), ``min_evidence=`` sets the neural stage's margin,
    ``precision="int8"`` runs the model faster on torch, ``model_engine="auto"`` or ``"torch"``
    runs large calls or all calls on torch instead of NumPy (faster batches; a text's result then
    depends on its call to rounding). ``stages=[...]`` replaces the pipeline with your own
    stage objects. A Repairer holds no per-call state: one instance serves many threads.
    """

    def __init__(self, settings: RepairSettings | None = None, *, stages: Sequence[Stage] | None = None,
                 **options: Any) -> None:
        self.settings = RepairSettings.from_options(settings, **options)
        self.folder = None
        if stages is not None:
            self.stages: list[Stage] = [as_stage(s) for s in stages]
        else:
            self.stages = self._build_stages()

    @property
    def config(self) -> RepairSettings:
        """Deprecated name of :attr:`settings`."""
        return self.settings

    @classmethod
    def load(cls, model_dir: str | Path, **options: Any) -> "Repairer":
        """A Repairer using the model in ``model_dir`` (for example one written by ``finetune``)."""
        return cls(model=Path(model_dir), **options)

    def _build_stages(self) -> list[Stage]:
        settings = self.settings
        specs = stage_specs()
        known = {s.name for s in specs}
        unknown = (set(settings.disable) | set(settings.enable)) - known
        if unknown:
            raise ValueError(f"unknown stage(s) {sorted(unknown)}; stages are {', '.join(s.name for s in specs)}")
        wanted = [s for s in specs if s.name in settings.enable and s.name not in settings.disable]
        if settings.fast and any(s.needs_model for s in wanted):
            raise ValueError(f"stage(s) {[s.name for s in wanted if s.needs_model]} need the model folder, "
                             "which fast=True leaves out")
        chosen = [s for s in specs if (s.default or s.name in settings.enable) and s.name not in settings.disable
                  and not (settings.fast and s.needs_model)]
        if any(s.needs_model for s in chosen):
            from .model_folder import resolve

            self.folder = resolve(settings.model)
        stages = []
        for spec in chosen:
            if spec.needs_model and self.folder is None:
                if spec.name in settings.enable:
                    raise ValueError(f"stage {spec.name!r} needs a model folder, and none is in use (model=None "
                                     "or none bundled)")
                continue
            stage = spec.build(settings, self.folder)
            if stage is not None:
                stages.append(as_stage(stage))
            elif spec.name in settings.enable:
                raise ValueError(f"stage {spec.name!r} cannot be built from the model folder "
                                 f"{getattr(self.folder, 'path', self.folder)} (it needs an n-gram model, ngram.npz)")
        return stages

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def signature(self) -> str:
        """Everything that decides this Repairer's output, as one line (like sacrebleu's
        signatures): version, stages, model and its fingerprint, every threshold, lexicons.
        Benchmark result files store it, so two results can be checked to come from one setup."""
        return "|".join(f"{k}:{v}" for k, v in self.signature_fields().items())

    def signature_fields(self) -> dict[str, str]:
        from . import __version__

        s = self.settings
        fields = {"unmangle": __version__, "stages": "+".join(self.stage_names) or "none"}
        neural = next((st for st in self.stages if st.name == "neural"), None)
        if self.folder is not None:
            fields["model"] = f"{self.folder.name}@{self.folder.fingerprint()}"
            used = getattr(neural, "settings", None) or self.folder.settings
            for key, value in used.thresholds().items():
                fields[key] = f"{value:g}"
            fields["precision"] = s.precision
            fields["model_engine"] = engine_for(s.precision, s.model_engine)
        if "lexicon" in self.stage_names:
            files = [str(p) for p in s.lexicons]
            tag = "default" if s.use_default_lexicon else "none"
            if files:
                digest = hashlib.sha256()
                for p in files:
                    digest.update(Path(p).read_bytes() if Path(p).is_file() else p.encode())
                tag += f"+{len(files)}@{digest.hexdigest()[:8]}"
            fields["lexicons"] = tag
        if "duplicates" in self.stage_names:
            fields["duplicate_similarity"] = f"{s.duplicate_similarity:g}"
        return fields

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
        tidy: Stage | None = None  # the tidying stage (normalize) once it has run
        for stage in self.stages:
            proposals = stage.propose_many([docs[i].text for i in active])
            for i, edits in zip(active, proposals):
                edits = protect(edits, docs[i].text)  # non-English lines: Unicode repair only
                docs[i].apply(edits)
                if edits and tidy is not None and stage.removes_text:
                    self._settle(stage, tidy, docs[i], edits)
            if stage.tidies:
                tidy = stage
        results = []
        for t, e, d in zip(texts, endings, docs):
            edits = e.edits(d.edits)
            results.append(RepairResult(t, apply_edits(t, edits) if e.changed else d.text, edits))
        return results

    def repair(self, text: str) -> str:
        return self.repair_document(text).text

    @staticmethod
    def _settle(stage: Stage, tidy: Stage, doc: Document, removed: list[Edit]) -> None:
        """Tidy where ``stage``'s removals joined their neighbours, then let ``stage`` look again,
        until it removes nothing more (at most :data:`SETTLE_ROUNDS` times).

        A removal can change what the stage saw: tidying re-spaces the join ("sharply .\nThe" ->
        "sharply.\nThe", now a word-for-word copy of a sentence that differed), and a removed
        paragraph brings copies that stood too far apart to count as scraping damage closer. A
        second repair would remove those; looking again here keeps "repairing the output changes
        nothing". It looks again only when tidying changed the text or a removal took a line break
        with it, so text with no removals, or only removals inside a line, pays nothing (on a 4 MB
        text, looking again after every removal cost a third of the deterministic stages' speed).
        """
        for looked in range(SETTLE_ROUNDS + 1):
            tidied = protect(tidy.tidy(doc.text, _joins(removed)), doc.text)
            doc.apply(tidied)
            if looked == SETTLE_ROUNDS or not (tidied or any("\n" in e.old for e in removed)):
                return
            removed = protect(stage.propose(doc.text), doc.text)
            if not removed:
                return
            doc.apply(removed)

    def __repr__(self) -> str:
        return f"Repairer(stages={self.stage_names})"


def _joins(edits: Sequence[Edit]) -> list[int]:
    """Where each edit's replacement ends in the text after all of ``edits`` are applied (for a
    removal: where its neighbours now meet)."""
    joins, shift = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        joins.append(e.start + shift + len(e.new))
        shift += len(e.new) - len(e.old)
    return joins


_shared: dict[tuple, Repairer] = {}
_shared_lock = threading.Lock()


def shared_repairer(*, fast: bool = False, model: Any = "default") -> Repairer:
    """One Repairer per (fast, model folder), built on first use and kept: what :func:`repair` and
    :func:`unmangle.detection.detect` use, so a loop of calls loads the model once."""
    key = (fast, model if isinstance(model, str) or model is None else str(Path(model).resolve()))
    with _shared_lock:
        repairer = _shared.get(key)
        if repairer is None:
            repairer = _shared[key] = Repairer(fast=fast, model=model)
        return repairer


def repair(text: str, *, fast: bool = False, model: str | Path | None = "default") -> str:
    """Repair machine-mangled English with the bundled defaults. ``fast`` skips the model's stages.

    ``model``: ``"default"`` (the bundled model), a model folder (e.g. from ``unmangle finetune``),
    or None (no model: the same as ``fast``). The Repairer built for it is kept for later calls.
    """
    check_text(text)
    return shared_repairer(fast=fast, model=model).repair(text)


def repair_many(texts: Sequence[str], *, fast: bool = False, model: str | Path | None = "default",
                batch_size: int = 64) -> list[str]:
    """:func:`repair` for many texts: the model works on ``batch_size`` texts at a time,
    faster than one call per text (2.5x on MLQE-PE dev sentences: ``benchmarks/results/latency.md``).
    The output is what :func:`repair` gives each text (on all 5,000 MLQE-PE dev rows; the model's
    scores agree to rounding, so an edit exactly at the threshold could differ). Use it for a column
    of a table or a list of sentences; for files and large corpora, ``unmangle repair-corpus``.
    """
    if isinstance(texts, str):
        raise TypeError("repair_many() takes a sequence of texts, not one string; use repair(text)")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    texts = list(texts)
    for text in texts:
        check_text(text)
    repairer = shared_repairer(fast=fast, model=model)
    out: list[str] = []
    for i in range(0, len(texts), batch_size):
        out.extend(r.text for r in repairer.repair_many(texts[i:i + batch_size]))
    return out
