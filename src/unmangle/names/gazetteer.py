"""The gazetteer: real entity names with their variants and literal renderings, and lookups on them.

The shipped file (``unmangle/data/gazetteer.tsv.gz``, built by ``scripts/build_gazetteer.py`` from
CC-CEDICT and GeoNames; licences in ``seeds/README.md``) is gzip'd TSV: ``name kind weight variants
renderings source``, the list columns ``|``-separated. Loading reads it once and builds the
indexes a near-miss search needs; :meth:`Gazetteer.load_default` caches the result.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from pathlib import Path

from ..resources import package_data
from .similarity import deletes, phonetic_key

GAZETTEER_FILE = "gazetteer.tsv.gz"
#: Name words shorter than this are never fuzzy targets: too many real words lie one letter away.
MIN_FUZZY_LENGTH = 5


class GazetteerError(ValueError):
    """A gazetteer file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class GazetteerName:
    """One real name: its usual English form, what it names, a weight (log10 population for
    places, 0 when unknown), known variant spellings (toneless pinyin, split or joined) and
    literal renderings (what translating its characters gives: "millet" for Xiaomi)."""

    name: str
    kind: str
    weight: float = 0.0
    variants: tuple[str, ...] = ()
    renderings: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def __hash__(self) -> int:
        return hash(self.name)


def fold(text: str) -> str:
    """The comparison key of a spelling: lower case, one space between words."""
    return " ".join(text.lower().split())


class Gazetteer:
    """Names and the indexes that find them: exact forms, variants, renderings, and each name
    word under its one-letter deletions and its sound key (for near misses)."""

    def __init__(self, names: list[GazetteerName]) -> None:
        self.names = names
        self.by_form: dict[str, list[GazetteerName]] = {}
        self.by_variant: dict[str, list[GazetteerName]] = {}
        self.by_rendering: dict[str, list[GazetteerName]] = {}
        self.by_joined: dict[str, list[GazetteerName]] = {}
        self.by_word: dict[str, list[tuple[GazetteerName, int]]] = {}
        for entry in names:
            self.by_form.setdefault(entry.name.lower(), []).append(entry)
            if " " not in entry.name:
                self.by_joined.setdefault(entry.name.lower().replace("-", ""), []).append(entry)
            for v in entry.variants:
                self.by_variant.setdefault(v.lower(), []).append(entry)
            for r in entry.renderings:
                self.by_rendering.setdefault(r.lower(), []).append(entry)
            for i, word in enumerate(entry.words):
                self.by_word.setdefault(word.lower(), []).append((entry, i))
        self.word_deletes: dict[str, list[str]] = {}
        self.word_sounds: dict[str, list[str]] = {}
        for low in self.by_word:
            if len(low) >= MIN_FUZZY_LENGTH and low.isalpha():
                for d in deletes(low):
                    self.word_deletes.setdefault(d, []).append(low)
                self.word_sounds.setdefault(phonetic_key(low), []).append(low)

    def __len__(self) -> int:
        return len(self.names)

    def is_name(self, text: str) -> bool:
        """Whether ``text`` is a listed name, or a word of one (any case)."""
        key = fold(text)
        return key in self.by_form or key in self.by_word

    def near_words(self, word: str) -> set[str]:
        """Name words that may lie within two edits of ``word`` or sound like it (to be checked
        with :func:`~unmangle.names.similarity.edit_distance`)."""
        low = word.lower()
        out: set[str] = set()
        for d in deletes(low):
            out.update(self.word_deletes.get(d, ()))
        out.update(self.word_sounds.get(phonetic_key(low), ()))
        out.discard(low)
        return out

    # --- loading -----------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path) -> "Gazetteer":
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        names = []
        header_seen = False
        try:
            with opener(path, "rt", encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.startswith("#") or not line.strip():
                        continue
                    if not header_seen:
                        header_seen = True
                        if not line.startswith("name\t"):
                            raise GazetteerError(f"{path}:{lineno}: expected the header line 'name\\tkind\\t...'")
                        continue
                    cols = line.rstrip("\n").split("\t")
                    if len(cols) < 5:
                        raise GazetteerError(f"{path}:{lineno}: expected at least 5 TAB-separated columns, "
                                             f"got {len(cols)}")
                    try:
                        weight = float(cols[2] or 0)
                    except ValueError:
                        raise GazetteerError(f"{path}:{lineno}: weight {cols[2]!r} is not a number") from None
                    names.append(GazetteerName(cols[0], cols[1], weight,
                                               tuple(v for v in cols[3].split("|") if v),
                                               tuple(r for r in cols[4].split("|") if r)))
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise GazetteerError(f"{path}: cannot read the gazetteer: {exc}") from None
        return cls(names)

    @classmethod
    def load_default(cls) -> "Gazetteer":
        """The shipped gazetteer, read once per process."""
        return _load_default()


@functools.lru_cache(maxsize=1)
def _load_default() -> Gazetteer:
    return Gazetteer.from_file(package_data(GAZETTEER_FILE))
