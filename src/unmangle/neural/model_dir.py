"""Find and check a model folder before anything heavy is imported."""

from __future__ import annotations

import logging
from pathlib import Path

from ..resources import bundled_model_dir

log = logging.getLogger(__name__)

#: How the neural stage can run its model (:meth:`unmangle.neural.lean_t5.LeanT5.for_inference`).
PRECISIONS = ("bf16", "int8", "fp32")

def check_precision(precision: str) -> None:
    """Raise ``ValueError`` naming the choices unless ``precision`` is one of :data:`PRECISIONS`."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose from {', '.join(PRECISIONS)}")


#: Files a model folder must hold.
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json", "unmangle.json")


class ModelFolderError(ValueError):
    """A model folder is missing or incomplete; the message names what is wrong."""


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
