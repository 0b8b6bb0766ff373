"""Reading and writing text for the CLI: UTF-8 only, clear errors, nothing half-written."""

from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import write_text_atomic
from . import CLIError


def read_text(path: str | None) -> str:
    """Read UTF-8 text from ``path`` or stdin (``-`` or None)."""
    if path in (None, "-"):
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        p = Path(path)
        if not p.is_file():
            raise CLIError(f"{path}: no such file")
        data = p.read_bytes()
        name = str(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CLIError(
            f"{name} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 4]!r}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None


def write_text(path: str | None, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file + rename), or to stdout."""
    if path in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_text_atomic(path, text)
