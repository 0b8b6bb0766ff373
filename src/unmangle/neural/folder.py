"""Write a model folder all at once: a failed run never leaves a half-written folder behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..atomic import replace_on_success


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a scratch folder beside ``target``; on success it replaces ``target`` in one rename.

    On an exception the scratch folder is removed and ``target`` (if it existed) is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield scratch
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    os.chmod(scratch, 0o755)
    for path in scratch.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(scratch, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_save(obj, path: str | Path) -> None:
    """``torch.save`` to a temp file, then rename: a crash mid-write keeps the previous file."""
    import torch

    with replace_on_success(path) as tmp:
        torch.save(obj, tmp)
