"""The names of the columns unmangle adds, chosen so that they never overwrite a user's column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

DEFAULT_PREFIX = "unmangle_"


@dataclass(frozen=True)
class FieldColumns:
    """The columns added for one text field."""

    field: str
    text: str
    edits: str
    language: str | None
    score: str | None

    def names(self) -> list[str]:
        return [n for n in (self.text, self.edits, self.language, self.score) if n is not None]


@dataclass(frozen=True)
class OutputColumns:
    """Added columns for every text field, in output order."""

    fields: tuple[FieldColumns, ...]
    #: the row's error message, a column only where there is no errors file (``repair_dataset``)
    error: str | None = None

    def names(self) -> list[str]:
        return [n for f in self.fields for n in f.names()] + ([self.error] if self.error else [])

    def to_dict(self) -> dict:
        return {"fields": [vars(f) for f in self.fields], "error": self.error}


def _columns_for(prefix: str, fields: Sequence[str], language: bool, score: bool,
                 error: bool) -> OutputColumns:
    out = []
    for field in fields:
        base = f"{prefix}{field}"
        out.append(FieldColumns(field, base, f"{base}_edits", f"{base}_language" if language else None,
                                f"{base}_score" if score else None))
    return OutputColumns(tuple(out), f"{prefix}error" if error else None)


def choose_columns(existing: Iterable[str], fields: Sequence[str], *, language: bool, score: bool,
                   prefix: str = DEFAULT_PREFIX, error: bool = False) -> OutputColumns:
    """Columns named ``{prefix}{field}`` (repaired text), ``..._edits``, ``..._language``, ``..._score``.

    When any of them is already a user column, the prefix gets a number (``unmangle2_``,
    ``unmangle3_``, ...) until none clashes: the user's data is never overwritten. ``error`` adds
    ``{prefix}error``, the reason a row was passed through unrepaired.
    """
    taken = set(existing)
    stem = prefix.rstrip("_")
    for n in range(1, 1000):
        candidate = prefix if n == 1 else f"{stem}{n}_"
        cols = _columns_for(candidate, fields, language, score, error)
        if not taken.intersection(cols.names()):
            return cols
    raise ValueError("no free column prefix found")  # pragma: no cover - needs 1000 clashing prefixes
