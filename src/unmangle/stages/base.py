"""The contract every stage keeps, and the registry that builds the pipeline from stage modules.

A stage is an object with a ``name`` and a ``propose(text)`` method returning non-overlapping
:class:`~unmangle.edits.Edit` objects whose spans index ``text``. A stage never mutates anything:
the :class:`~unmangle.pipeline.Repairer` decides whether to apply what it proposes, so any stage can
be switched off, reordered or run alone to see what it would do.

The rest of the contract (:class:`Stage`) has defaults in :class:`BaseStage`:

- ``propose_many(texts)``: the same for many texts; a stage that batches (the neural one) overrides it.
- ``removes_text``: the stage deletes whole units (boilerplate, duplicates), and what stood around a
  unit then meets: "years. " and ". Next" make "years. . Next".
- ``tidies`` and ``tidy(text, around)``: the stage fixes such joins (normalize). After a removal the
  Repairer runs ``tidy`` on the lines where the removal joined its neighbours, so one repair reaches
  the fixpoint and repairing the output again finds nothing more to do.

Each stage module registers a :class:`StageSpec` (name, order, whether it needs a model folder,
whether it runs by default, and a builder), so adding a stage touches one file.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, Sequence, runtime_checkable

from ..edits import Edit

if TYPE_CHECKING:  # pragma: no cover
    from ..model_folder import ModelFolder
    from ..settings import RepairSettings


@runtime_checkable
class Stage(Protocol):
    """Something that looks at a text and proposes edits to it."""

    name: str
    #: deletes whole units; the tidying stage then runs again where neighbours meet
    removes_text: bool
    #: can re-tidy the lines around given offsets (:meth:`tidy`)
    tidies: bool

    def propose(self, text: str) -> list[Edit]:
        """Edits for ``text``: spans index ``text``, sorted or not, never overlapping."""
        ...

    def propose_many(self, texts: Sequence[str]) -> list[list[Edit]]:
        """``propose`` for each of ``texts`` (a stage may batch the work)."""
        ...

    def tidy(self, text: str, around: Iterable[int]) -> list[Edit]:
        """Edits on the lines of ``text`` holding the ``around`` offsets only."""
        ...


class BaseStage:
    """Defaults for the optional parts of :class:`Stage`; built-in stages derive from it."""

    name: str = ""
    removes_text: bool = False
    tidies: bool = False

    def propose(self, text: str) -> list[Edit]:  # pragma: no cover - every stage defines it
        raise NotImplementedError

    def propose_many(self, texts: Sequence[str]) -> list[list[Edit]]:
        return [self.propose(t) for t in texts]

    def tidy(self, text: str, around: Iterable[int]) -> list[Edit]:
        return []


class _AdaptedStage(BaseStage):
    """A user's object with only ``name`` and ``propose``, given the rest of the contract."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.removes_text = bool(getattr(inner, "removes_text", False))
        self.tidies = False

    def propose(self, text: str) -> list[Edit]:
        return self.inner.propose(text)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{self.inner!r}"


def as_stage(obj: object) -> Stage:
    """``obj`` as a full :class:`Stage`: a stage already, or wrapped when it has only ``name`` and
    ``propose``. Anything else is a ``TypeError`` naming what is missing."""
    if isinstance(obj, Stage):
        return obj
    if not isinstance(getattr(obj, "name", None), str) or not callable(getattr(obj, "propose", None)):
        raise TypeError(f"{obj!r} is not a stage: a stage needs a 'name' (str) and a "
                        f"'propose(text) -> list[Edit]' method")
    return _AdaptedStage(obj)


@dataclass(frozen=True)
class StageSpec:
    """What a stage module declares: how the Repairer builds and orders its stage."""

    name: str
    #: position in the pipeline (lower runs first)
    order: int
    #: builds the stage from the Repairer's settings and model folder (None: folder not usable
    #: for this stage, which is then left out)
    build: Callable[["RepairSettings", "ModelFolder | None"], Stage | None]
    #: runs only with a model folder, and not with ``fast=True``
    needs_model: bool = False
    #: part of the default pipeline (else only when named in ``enable=``)
    default: bool = True
    summary: str = ""


_REGISTRY: dict[str, StageSpec] = {}
_LOADED = False
_LOCK = threading.Lock()


def register(spec: StageSpec) -> StageSpec:
    """Add a stage to the registry (called at import time by each stage module)."""
    old = _REGISTRY.get(spec.name)
    if old is not None and old.build is not spec.build:
        raise ValueError(f"two stages are named {spec.name!r}")
    _REGISTRY[spec.name] = spec
    return spec


def stage_specs() -> list[StageSpec]:
    """Every registered stage, in pipeline order (imports the stage modules once)."""
    global _LOADED
    with _LOCK:
        if not _LOADED:
            from .. import stages

            for info in pkgutil.iter_modules(stages.__path__):
                if not info.name.startswith("_") and info.name != "base":
                    importlib.import_module(f"{stages.__name__}.{info.name}")
            _LOADED = True
    return sorted(_REGISTRY.values(), key=lambda s: s.order)


def stage_names(*, default_only: bool = False) -> list[str]:
    return [s.name for s in stage_specs() if s.default or not default_only]
