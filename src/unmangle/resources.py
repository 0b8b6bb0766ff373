"""Where bundled data lives: inside the installed package, or in the source checkout.

A wheel carries the seed lexicon and the default model under ``unmangle/_bundled/``; an editable
install reads them from the repository's ``seeds/`` and ``models/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent.parent

DEFAULT_MODEL_NAME = "unmangle-base"


def _first_existing(*candidates: Path) -> Path | None:
    for path in candidates:
        if path.exists():
            return path
    return None


def seed_lexicon_dir() -> Path | None:
    """The folder of bundled lexicon files (``seeds/lexicon`` in the repository)."""
    return _first_existing(_PACKAGE_DIR / "_bundled" / "lexicon", _REPO_DIR / "seeds" / "lexicon")


def bundled_model_dir() -> Path | None:
    """The folder of the bundled default model, or None when this install has none.

    A folder counts once it holds a model file; a half-present one is then reported as damaged by
    :func:`unmangle.neural.model_dir.check_model_dir` rather than silently skipped.
    """
    for folder in (_PACKAGE_DIR / "_bundled" / "models" / DEFAULT_MODEL_NAME,
                   _REPO_DIR / "models" / DEFAULT_MODEL_NAME):
        if folder.is_dir() and any((folder / name).exists()
                                   for name in ("config.json", "model.safetensors", "unmangle.json")):
            return folder
    return None


def package_data(name: str) -> Path:
    """A data file shipped inside the package (``src/unmangle/data``)."""
    return _PACKAGE_DIR / "data" / name
