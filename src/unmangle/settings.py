"""What a Repairer runs: one frozen record, passed to every stage builder and never changed.

One name per quantity: ``min_evidence`` is the neural stage's margin (nats of log-odds for a change
over keeping the text); the detector's cut-off, a probability, is ``min_probability`` (used by
``detect``). ``threshold=`` is the deprecated name of ``min_evidence``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .model_folder import check_engine, check_precision

#: Old option names, kept for one release.
DEPRECATED_OPTIONS = {"threshold": "min_evidence"}


@dataclass(frozen=True)
class RepairSettings:
    """Every option of a :class:`~unmangle.pipeline.Repairer`, with defaults that suit news text."""

    #: stages to leave out
    disable: tuple[str, ...] = ()
    #: opt-in stages to add (stages whose spec is not part of the default pipeline)
    enable: tuple[str, ...] = ()
    #: lexicon files added to the bundled one
    lexicons: tuple[str | Path, ...] = ()
    use_default_lexicon: bool = True
    #: "default" (the bundled model), None (no model) or a model folder
    model: Any = "default"
    #: the deterministic stages only (no model)
    fast: bool = False
    #: the evidence a neural edit needs (nats); None: the model folder's calibrated value
    min_evidence: float | None = None
    #: the model's arithmetic: "bf16" (default: Linear layers in bfloat16), "int8" (on torch;
    #: faster on some CPUs; edits at the threshold can depend on the batch) or "fp32"
    precision: str = "bf16"
    #: which arithmetic runs the model: "numpy" (default: a text's result never depends on what
    #: else is in its call; no torch needed), "auto" (torch for calls over 60 words: faster on
    #: batches, results equal to rounding) or "torch" (see unmangle.neural.engine)
    model_engine: str = "numpy"
    duplicate_similarity: float = 0.8

    def __post_init__(self) -> None:
        for name in ("disable", "enable", "lexicons"):
            value = getattr(self, name)
            if isinstance(value, (str, Path)):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
        check_precision(self.precision)
        check_engine(self.model_engine)
        if self.min_evidence is not None and not isinstance(self.min_evidence, (int, float)):
            raise TypeError(f"min_evidence must be a number, got {type(self.min_evidence).__name__}")

    @classmethod
    def from_options(cls, base: "RepairSettings | None" = None, **options: Any) -> "RepairSettings":
        """``base`` (or the defaults) with ``options`` changed; deprecated names are mapped with a
        warning and unknown names are a ``TypeError`` listing the valid ones."""
        for old, new in DEPRECATED_OPTIONS.items():
            if old in options:
                value = options.pop(old)
                if value is not None:
                    warnings.warn(f"'{old}=' is deprecated; use '{new}='", DeprecationWarning, stacklevel=4)
                    options.setdefault(new, value)
        valid = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - valid)
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(unknown)}; options are {', '.join(sorted(valid))}")
        return replace(base or cls(), **options)
