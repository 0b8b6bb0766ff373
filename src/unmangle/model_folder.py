"""A model folder, opened once: its settings, n-gram model, tokenizer and weights, loaded lazily.

A model folder (written by ``unmangle train`` / ``finetune``, or the bundled ``unmangle-base``) holds:

=====================  =========================================================================
``config.json``        the T5 architecture (transformers' format)
``model.safetensors``  the weights (bf16), detector head included
``tokenizer.json``     the Unigram tokenizer with byte fallback (``tokenizers`` format)
``unmangle.json``      ``format_version``, the repair-time ``inference`` settings
                       (:class:`InferenceSettings`, tuned by ``unmangle calibrate``) and a
                       record of ``training``
``ngram.npz``          optional: the word trigram model (:mod:`unmangle.ngram`); the capitals
                       stage and the neural stage's rule-made alternatives need it
=====================  =========================================================================

Nothing here imports torch: the deterministic stages and the capitals stage read settings and the
n-gram model without it. :meth:`ModelFolder.network` loads the inference network on first use (on
NumPy; torch only for ``int8`` or when an engine other than ``numpy`` asks for it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .resources import bundled_model_dir

if TYPE_CHECKING:  # pragma: no cover
    from .neural.tokenizer import InferenceTokenizer
    from .ngram import NgramLM

log = logging.getLogger(__name__)

#: How the neural stage can run its model (:mod:`unmangle.neural.engine`).
PRECISIONS = ("bf16", "int8", "fp32")
#: Files a model folder must hold.
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json", "unmangle.json")
#: The optional n-gram model of a model folder (see :mod:`unmangle.ngram`).
NGRAM_FILE = "ngram.npz"
SETTINGS_FILE = "unmangle.json"
#: Bumped when the folder layout or the meaning of unmangle.json changes. Version 1 named
#: ``min_evidence`` "rewrite_margin" and ``min_probability`` "detect_threshold"; both are read.
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_RENAMED_KEYS = {"rewrite_margin": "min_evidence", "detect_threshold": "min_probability"}


#: Which arithmetic runs the model (:mod:`unmangle.neural.engine`): NumPy always (the default: a
#: text's result never depends on what else is in its call), NumPy for small calls and torch for
#: large ones, or torch always.
ENGINES = ("numpy", "auto", "torch")


class TorchUnavailable(ImportError):
    """Torch was asked for (``precision="int8"``, ``model_engine="torch"``) but cannot be imported."""


def check_engine(engine: str) -> None:
    """Raise ``ValueError`` naming the choices unless ``engine`` is one of :data:`ENGINES`."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")


def engine_for(precision: str, engine: str) -> str:
    """The engine that actually runs ``engine`` at ``precision``: ``int8`` runs on torch whatever
    was asked (NumPy has no fast int8 products)."""
    return "torch" if precision == "int8" else engine


def check_precision(precision: str) -> None:
    """Raise ``ValueError`` naming the choices unless ``precision`` is one of :data:`PRECISIONS`."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose from {', '.join(PRECISIONS)}")


class ModelFolderError(ValueError):
    """A model folder is missing, incomplete or damaged; the message names the file."""


@dataclass(frozen=True)
class InferenceSettings:
    """How a model is used at repair time (``unmangle.json``; tuned by ``unmangle calibrate``).

    Frozen: a caller that wants other thresholds makes a copy (:func:`dataclasses.replace`), so a
    shared stage is never changed under another thread.
    """

    #: The detector's probability at or above which a chunk is flagged.
    min_probability: float = 0.5
    #: The evidence (nats of log-odds for a change over keeping the text) a neural edit needs.
    min_evidence: float = 2.0
    max_span_words: int = 5
    context_words: int = 40
    max_new_tokens: int = 16
    batch_size: int = 32
    #: With an n-gram model the n-gram gain alone must also reach ``lm_min_gain``, and this many
    #: rule-made alternatives per sentence (the n-gram model's favourites) are judged by the rewriter.
    lm_min_gain: float = 2.0
    lm_alternatives: int = 3
    #: Repair scores a rule-made alternative with the rewriter only when the margin it needs (what
    #: the other judges leave to reach ``min_evidence``) is at most this many nats. Measured on the
    #: calibration sets (``benchmarks/rule_margin_cap.py``): no alternative the bundled model
    #: accepted needed more than 8.3 nats; at 10, 86% are not scored and none accepted is lost.
    rule_margin_cap: float = 10.0
    #: Weight of the detector's log-odds for the region in an option's evidence (0: not used).
    detector_weight: float = 0.0
    #: Weight of the broad general-English model's gain for an option in its evidence (0: the
    #: model is not asked; :mod:`unmangle.judges.broad`).
    broad_weight: float = 0.0
    #: Weight of an option's frequency shift (how much commoner its words are than the ones they
    #: replace: ``NgramLM.frequency_shift``) taken off its evidence when positive (0: not used).
    frequency_weight: float = 0.0
    #: Weight of an option's register shift (the part of its frequency shift that general English,
    #: by the broad model's unigrams, does not share: ``neural.choices.register_shift``) taken off
    #: its evidence (0: not used).
    register_weight: float = 0.0
    #: The margin (nats) by which the rewriter must itself prefer a change of content words it
    #: proposed (``neural.choices.floor_met``; -1e9: no floor). Changes among function words and
    #: rule-made alternatives are not held to it.
    proposal_min_margin: float = -1e9
    # the capitals stage (lost sentence breaks, stray capitals), judged by the n-gram model:
    # restore a break when it raises the n-gram score by this much, lower-case the word when a
    # break would lower it by at least -lower_max_gain (benchmarks/calibrate_capitals.py)
    break_min_gain: float = 1e9
    lower_max_gain: float = -1e9
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def thresholds(self) -> dict[str, float]:
        """The settings that decide which edits are made (for signatures and reports)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("extra", "batch_size", "max_new_tokens")}


def write_metadata(out_dir: str | Path, inference: InferenceSettings, training: dict) -> None:
    """Write ``unmangle.json`` (the one writer of the format; :func:`read_metadata` reads it)."""
    meta = {"format_version": FORMAT_VERSION, "inference": asdict(inference), "training": training}
    (Path(out_dir) / SETTINGS_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def read_metadata(model_dir: str | Path) -> tuple[InferenceSettings, dict]:
    """``(inference settings, training record)`` from ``unmangle.json``; ``ValueError`` naming the
    file when it is unreadable or of an unknown version."""
    path = Path(model_dir) / SETTINGS_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} cannot be read: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(meta).__name__}")
    if meta.get("format_version") not in _READABLE_VERSIONS:
        raise ValueError(f"{path}: format_version {meta.get('format_version')!r}, expected one of "
                         f"{', '.join(map(str, _READABLE_VERSIONS))}")
    raw = meta.get("inference", {})
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: 'inference' must be an object")
    known = {f.name: f for f in fields(InferenceSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        key = _RENAMED_KEYS.get(key, key)
        if key not in known:
            continue
        if key == "extra":
            if not isinstance(value, dict):
                raise ValueError(f"{path}: inference.extra must be an object")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{path}: inference.{key} must be a number, found {value!r}")
        values[key] = value
    training = meta.get("training", {})
    return InferenceSettings(**values), training if isinstance(training, dict) else {}


def check_model_dir(path: str | Path) -> Path:
    """Return ``path`` if it holds a usable model, else raise :class:`ModelFolderError`."""
    path = Path(path)
    if not path.exists():
        raise ModelFolderError(f"model folder {path} does not exist")
    if not path.is_dir():
        raise ModelFolderError(f"model path {path} is not a folder")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelFolderError(
            f"model folder {path} lacks {', '.join(missing)}; a model folder needs "
            f"{', '.join(REQUIRED_FILES)} (as written by 'unmangle train' or 'unmangle finetune')"
        )
    return path


class ModelFolder:
    """One model folder: settings parsed once, heavy parts loaded on first use and kept.

    Open it with :meth:`open` (cached per path, so every Repairer, ``repair(model=...)`` and
    ``detect`` call over one folder shares it) or :func:`resolve`. All loaders are thread-safe.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = check_model_dir(path)
        try:
            self.settings, self.training = read_metadata(self.path)
        except ValueError as exc:
            raise ModelFolderError(f"model folder {self.path} is damaged: {exc}") from None
        self._lock = threading.RLock()
        self._ngram: NgramLM | None = None
        self._tokenizer: InferenceTokenizer | None = None
        self._networks: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, path: str | Path) -> "ModelFolder":
        """The folder at ``path``, shared with every other caller that opened it (until its
        ``unmangle.json`` changes)."""
        path = check_model_dir(path).resolve()
        return _open_cached(str(path), (path / SETTINGS_FILE).stat().st_mtime_ns)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def has_ngram(self) -> bool:
        return (self.path / NGRAM_FILE).is_file()

    def ngram(self) -> NgramLM | None:
        """The folder's word trigram model, or None when it has none."""
        if not self.has_ngram:
            return None
        with self._lock:
            if self._ngram is None:
                from .ngram import load_cached

                self._ngram = self._guard(lambda: load_cached(self.path / NGRAM_FILE))
            return self._ngram

    def tokenizer(self) -> InferenceTokenizer:
        with self._lock:
            if self._tokenizer is None:
                from .neural.tokenizer import InferenceTokenizer

                self._tokenizer = self._guard(lambda: InferenceTokenizer(self.path))
            return self._tokenizer

    def network(self, precision: str = "bf16", engine: str = "numpy"):
        """The inference network at ``precision`` on ``engine``
        (:func:`unmangle.neural.engine.load_network`)."""
        check_precision(precision)
        check_engine(engine)
        engine = engine_for(precision, engine)
        with self._lock:
            key = (precision, engine)
            if key not in self._networks:
                from .neural.engine import load_network

                self._networks[key] = self._guard(lambda: load_network(self.path, precision, engine))
            return self._networks[key]

    def fingerprint(self) -> str:
        """A short hash of the weights and settings: which model a result came from."""
        digest = hashlib.sha256()
        for name in ("model.safetensors", SETTINGS_FILE, NGRAM_FILE):
            file = self.path / name
            if file.is_file():
                digest.update(name.encode())
                digest.update(_file_digest(str(file), file.stat().st_mtime_ns))
        return digest.hexdigest()[:12]

    def _guard(self, load):
        try:
            return load()
        except (ModelFolderError, ImportError):
            raise
        except Exception as exc:  # tokenizer.json and safetensors parse errors come as many types
            detail = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            raise ModelFolderError(f"model folder {self.path} is damaged: {detail}") from None

    def __repr__(self) -> str:
        return f"ModelFolder({str(self.path)!r})"


@lru_cache(maxsize=8)
def _open_cached(path: str, mtime_ns: int) -> ModelFolder:
    return ModelFolder(path)


@lru_cache(maxsize=16)
def _file_digest(path: str, mtime_ns: int) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def resolve_model_dir(model: str | Path | None) -> Path | None:
    """``"default"`` -> the bundled model if installed (else None); None -> None; a path -> checked."""
    if model is None:
        return None
    if isinstance(model, str) and model == "default":
        path = bundled_model_dir()
        if path is None:
            log.info("no bundled model found; running the deterministic stages only")
            return None
        return check_model_dir(path)
    return check_model_dir(model)


def resolve(model: "str | Path | ModelFolder | None") -> ModelFolder | None:
    """The :class:`ModelFolder` a ``model=`` argument names: ``"default"`` (the bundled model, or
    None when this install has none), None (no model), a path, or a folder already open."""
    if isinstance(model, ModelFolder):
        return model
    path = resolve_model_dir(model)
    return None if path is None else ModelFolder.open(path)
