"""Reading and writing text for the CLI: UTF-8 only, clear errors, nothing half-written."""

from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import write_text_atomic
from . import CLIError


def read_bytes(path: str | None) -> tuple[bytes, str]:
    """The bytes of ``path`` or stdin (``-`` or None), and a name for messages."""
    if path in (None, "-"):
        return sys.stdin.buffer.read(), "standard input"
    p = Path(path)
    if not p.is_file():
        raise CLIError(f"{path}: no such file")
    return p.read_bytes(), str(path)


def decode_utf8(data: bytes, name: str) -> str:
    """``data`` as UTF-8; an error naming ``name`` and the first bad byte otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CLIError(
            f"{name} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 4]!r}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None


def read_text(path: str | None) -> str:
    """Read UTF-8 text from ``path`` or stdin (``-`` or None)."""
    return decode_utf8(*read_bytes(path))


def write_text(path: str | None, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file + rename), or to stdout."""
    if path in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_text_atomic(path, text)
