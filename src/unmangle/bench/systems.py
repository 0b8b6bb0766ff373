"""Systems a benchmark compares: anything that turns a batch of texts into repaired texts.

A system is a callable ``list[str] -> list[str]`` or a :class:`~unmangle.Repairer` (called text by
text through ``repair_document``, so its edits can be listed). :func:`build_system` makes the
standard ones by name:

``identity``  leave the text alone (output = input): the baseline every report carries.
``fast``      ``Repairer(fast=True)``: the deterministic stages.
``full``      ``Repairer()``: every stage, the neural one when a bundled model exists. Without a model
              it runs the same stages as ``fast``, and the report says "neural stage: not available".
``model:DIR`` ``Repairer(model=DIR)``: a model folder, e.g. one written by ``unmangle finetune``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

STANDARD_SYSTEMS = ("identity", "fast", "full")
NEURAL_MISSING = "not available"


@dataclass
class System:
    """A named system with what it is (``description``, ``info``) and how long it took to build."""

    name: str
    run_batch: Callable[[list[str]], list[str]]
    description: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    load_s: float = 0.0
    repairer: Any = None
    #: False for systems that do nothing (identity): their "speed" would only time a list copy.
    report_speed: bool = True

    def run(self, batch: list[str], with_edits: bool = False
            ) -> tuple[list[str], list[list[dict]] | None]:
        """Outputs for ``batch``, and each output's edits when asked and the system is a Repairer."""
        if with_edits and self.repairer is not None:
            results = [self.repairer.repair_document(text) for text in batch]
            return [r.text for r in results], [[e.to_dict() for e in r.edits] for r in results]
        return self._checked(batch, self.run_batch(batch)), None

    def _checked(self, batch: list[str], outputs: Any) -> list[str]:
        if not isinstance(outputs, (list, tuple)):
            raise TypeError(f"system {self.name!r} returned {type(outputs).__name__}, not a list")
        if len(outputs) != len(batch):
            raise ValueError(f"system {self.name!r} returned {len(outputs)} outputs for "
                             f"{len(batch)} inputs: outputs would be misaligned")
        return list(outputs)


def _identity(batch: list[str]) -> list[str]:
    return list(batch)


def _repairer_info(repairer: Any) -> dict:
    """Stages a Repairer runs, and whether its neural stage runs, is off by choice or is missing."""
    stages = list(getattr(repairer, "stage_names", []))
    config = getattr(repairer, "config", None)
    info: dict[str, Any] = {"stages": stages}
    if "neural" in stages:
        info["neural"] = True
    elif getattr(config, "fast", False) or "neural" in getattr(config, "disable", ()):
        info["neural"] = "off"
    else:
        info["neural"] = NEURAL_MISSING
    if config is not None and is_dataclass(config):
        info["config"] = {k: (str(v) if isinstance(v, Path) else
                              [str(x) for x in v] if isinstance(v, tuple) else v)
                          for k, v in asdict(config).items()}
    if hasattr(repairer, "signature"):
        info["signature"] = repairer.signature()
    if info["neural"] is True:
        try:
            from ..model_folder import resolve_model_dir

            info["model_dir"] = str(resolve_model_dir(config.model))
        except Exception:  # informative only; the stage itself loaded fine
            pass
    return info


def from_repairer(name: str, repairer: Any, description: str = "", load_s: float = 0.0) -> System:
    """Wrap a Repairer (anything with ``repair_document``) as a System."""

    def run(batch: list[str]) -> list[str]:
        if hasattr(repairer, "repair_many"):  # one batched pass for the neural stage
            return [result.text for result in repairer.repair_many(batch)]
        return [repairer.repair(text) for text in batch]

    return System(name, run, description, _repairer_info(repairer), load_s, repairer)


def as_system(name: str, obj: Any) -> System:
    """A System from a System, a Repairer, a batch callable or a standard name (``"fast"``)."""
    if isinstance(obj, System):
        return obj
    if isinstance(obj, str):
        system = build_system(obj)
        system.name = name
        return system
    if hasattr(obj, "repair_document"):
        return from_repairer(name, obj, description=type(obj).__name__)
    if callable(obj):
        return System(name, obj, description=getattr(obj, "__doc__", None) or "callable")
    raise TypeError(f"system {name!r} is {type(obj).__name__}: give a callable list[str] -> "
                    "list[str] or a Repairer")


def split_system_name(name: str) -> tuple[str, list[str]]:
    """``"full+synonyms+names"`` -> ``("full", ["synonyms", "names"])``: a standard system with
    opt-in stages switched on."""
    base, *extra = name.split("+")
    return base, [e for e in extra if e]


def build_system(name: str) -> System:
    """A standard system by name: ``identity``, ``fast``, ``full`` or ``model:DIR``; ``full+STAGE``
    (or ``fast+STAGE``) adds opt-in stages (``full+synonyms``)."""
    if name == "identity":
        return System("identity", _identity, "leave it alone: output = input", {"stages": []},
                      report_speed=False)
    from ..pipeline import Repairer

    started = time.perf_counter()
    base, enable = split_system_name(name)
    if enable and base not in ("fast", "full"):
        raise ValueError(f"system {name!r}: only fast and full take opt-in stages (fast+STAGE, full+STAGE)")
    if base == "fast":
        repairer = Repairer(fast=True, enable=enable)
        desc = "deterministic stages: Repairer(fast=True)" if not enable else \
            f"Repairer(fast=True, enable={enable!r})"
    elif base == "full":
        repairer = Repairer(enable=enable)
        desc = "full pipeline: Repairer()" if not enable else f"full pipeline with opt-in stages: Repairer(enable={enable!r})"
    elif name.startswith("model:"):
        folder = Path(name.split(":", 1)[1])
        repairer = Repairer(model=folder)
        desc = f"Repairer(model={str(folder)!r})"
    else:
        raise ValueError(f"unknown system {name!r}: choose from {', '.join(STANDARD_SYSTEMS)} "
                         "or model:DIR")
    system = from_repairer(name, repairer, desc, time.perf_counter() - started)
    if base == "full" and system.info.get("neural") == NEURAL_MISSING:
        system.description += " (neural stage: not available, so the same stages as fast)"
    return system


def build_systems(names: Sequence[str], models: Sequence[str | Path] = ()) -> dict[str, System]:
    """Standard systems by name plus one ``model:DIR`` system per model folder; identity always first."""
    ordered = ["identity"] + [n for n in names if n != "identity"]
    ordered += [f"model:{m}" for m in models]
    return {name: build_system(name) for name in dict.fromkeys(ordered)}
