"""Entity noise: names turned into look-alike or literally translated words.

Two sources, weighted toward the table:

- ``data/entities.tsv``: known names with the renderings machine translation and spinners give them
  (``Tencent -> Tennessee``, ``Xiaomi -> millet``, ``TikTok -> Ticketok``). A model can learn these.
- a procedural generator for any other capitalised name mid-sentence: one small phonetic or
  transliteration change (``Zh -> J``, ``ei -> ay``, a doubled or dropped letter, a vowel confusion,
  a split into two English-looking words). Kept to small edit distances so the original is still
  guessable from the damaged form; a model cannot restore a name it cannot guess.
"""

from __future__ import annotations

from functools import lru_cache
from random import Random
from typing import Optional

from .base import (Context, PhraseTable, build_phrase_table, choose, data_text, edit, first_free,
                   match_phrases, read_tsv, word_list)
from .labelled import DamageEdit

CATEGORY = "entity"

#: Share of entity edits drawn from the table when a sentence holds both kinds of site.
TABLE_WEIGHT = 0.8
#: Chance of a look-alike rendering in a sentence with no table name (then another category is tried).
PROCEDURAL_RATE = 0.5


@lru_cache(maxsize=None)
def entity_table() -> PhraseTable:
    rows = read_tsv(data_text("entities.tsv"), "entities.tsv", min_fields=2)
    return build_phrase_table([(f[0], f[1].split("|")) for _, f in rows], lower=False)


# ---- procedural renderings -------------------------------------------------------------------

#: (from, to) letter-group confusions of transliteration and hearing; applied at one occurrence.
_TRANSLIT: tuple[tuple[str, str], ...] = (
    ("zh", "j"), ("Zh", "J"), ("x", "sh"), ("X", "Sh"), ("q", "ch"), ("Q", "Ch"), ("ei", "ay"),
    ("ai", "ay"), ("ou", "o"), ("ao", "ow"), ("c", "k"), ("k", "c"), ("ph", "f"), ("f", "ph"),
    ("v", "w"), ("w", "v"), ("ie", "y"), ("y", "i"), ("i", "y"), ("ck", "k"), ("s", "z"),
    ("z", "s"), ("th", "t"), ("oo", "u"), ("ee", "i"), ("ch", "tch"), ("sch", "sh"), ("g", "gh"),
    ("j", "zh"), ("J", "Zh"), ("u", "oo"), ("er", "ar"), ("or", "er"), ("an", "en"), ("en", "an"),
)
_VOWEL_SWAP = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o", "y": "i"}
_VOWELS = frozenset("aeiouy")


def _translit(name: str, rng: Random) -> Optional[str]:
    options = []
    for src, dst in _TRANSLIT:
        pos = name.find(src, 1 if src[0].islower() else 0)
        while pos != -1:
            options.append((pos, src, dst))
            pos = name.find(src, pos + 1)
    if not options:
        return None
    pos, src, dst = choose(rng, options)
    return name[:pos] + dst + name[pos + len(src):]


def _vowel(name: str, rng: Random) -> Optional[str]:
    spots = [i for i in range(1, len(name)) if name[i] in _VOWEL_SWAP]
    if not spots:
        return None
    i = choose(rng, spots)
    return name[:i] + _VOWEL_SWAP[name[i]] + name[i + 1:]


def _double(name: str, rng: Random) -> Optional[str]:
    """Double a consonant after a vowel, or undouble a doubled letter."""
    doubled = [i for i in range(1, len(name)) if name[i] == name[i - 1]]
    if doubled and rng.random() < 0.6:
        i = choose(rng, doubled)
        return name[:i] + name[i + 1:]
    spots = [i for i in range(2, len(name)) if name[i].isalpha() and name[i] not in _VOWELS
             and name[i - 1] in _VOWELS]
    if not spots:
        return None
    i = choose(rng, spots)
    return name[:i] + name[i] + name[i:]


def _split(name: str, rng: Random) -> Optional[str]:
    """Two English-looking words: ``Natkin -> Nat Kin``, ``Zhengfei -> Zheng Fei``."""
    spots = [i for i in range(3, len(name) - 2)
             if name[i - 1] not in _VOWELS and name[i] not in _VOWELS and name[i - 2] in _VOWELS
             and name[i].isalpha() and name[i - 1].isalpha() and not name[i - 1:i + 1] in ("ch", "sh", "th", "ng", "ck", "ph", "zh")]
    if not spots:
        return None
    i = choose(rng, spots)
    return name[:i] + " " + name[i].upper() + name[i + 1:]


def _literal(name: str, rng: Random) -> Optional[str]:
    """Read the name as common words when it is made of them: ``Blackstone -> black stone``."""
    common = word_list("common_words.txt")
    low = name.lower()
    spots = [i for i in range(3, len(low) - 2) if low[:i] in common and low[i:] in common]
    if not spots:
        return None
    i = choose(rng, spots)
    return low[:i] + " " + low[i:]


def _lower(name: str, rng: Random) -> Optional[str]:
    """A name written in lowercase, as MT does with names it reads as words (``potsdam``)."""
    return name.lower() if rng.random() < 0.5 else None


_RULES = (_translit, _translit, _vowel, _double, _split, _literal, _lower)


def mangle_name(name: str, rng: Random) -> Optional[str]:
    """A guessable look-alike of ``name`` (one change, sometimes two), or None."""
    order = list(range(len(_RULES)))
    rng.shuffle(order)
    for k in order:
        out = _RULES[k](name, rng)
        if out and out != name and (out.lower() != name.lower() or out == name.lower()):
            if rng.random() < 0.2 and " " not in out:
                again = _translit(out, rng) or out
                out = again if again.lower() != name.lower() else out
            return out
    return None


@lru_cache(maxsize=None)
def _not_names() -> frozenset:
    """Capitalised words that are not names: a stop list plus every common lowercase word
    (``High`` in "High Commissioner"; see :mod:`unmangle.corrupt.build_data`)."""
    return word_list("capitalised_common.txt") | {w.capitalize() for w in word_list("lowercase_words.txt")}


def _name_tokens(ctx: Context) -> list[int]:
    """Capitalised alphabetic tokens mid-sentence that look like names."""
    out = []
    stop = _not_names()
    toks = ctx.tokens
    for i in ctx.words:
        t = toks[i].text
        if len(t) >= 4 and t[0].isupper() and not t.isupper() and t.isalpha() \
                and t not in stop and not ctx.is_initial(i):
            out.append(i)
    return out


class EntityNoise:
    """Rename known names from the table; otherwise give an unknown name a look-alike spelling."""

    category = CATEGORY

    def __init__(self, table: Optional[PhraseTable] = None, table_weight: float = TABLE_WEIGHT,
                 procedural_rate: float = PROCEDURAL_RATE) -> None:
        self.table = table or entity_table()
        self.table_weight = table_weight
        self.procedural_rate = procedural_rate

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        hits = match_phrases(ctx, self.table, lower=False, allow=_any)
        if hits and rng.random() < self.table_weight:
            result = first_free(ctx, rng, hits, lambda h: self._from_table(ctx, rng, h))
            if result is not None:
                return result
        result = None
        if hits or rng.random() < self.procedural_rate:
            in_table = {k for h in hits for k in range(h[0], h[1] + 1)}
            sites = [i for i in _name_tokens(ctx) if i not in in_table]
            result = first_free(ctx, rng, sites, lambda i: self._procedural(ctx, rng, i))
        if result is None and hits:
            result = first_free(ctx, rng, hits, lambda h: self._from_table(ctx, rng, h))
        return result

    def _from_table(self, ctx: Context, rng: Random, hit) -> Optional[DamageEdit]:
        i, _j, end, renderings = hit
        s = ctx.tokens[i].start
        if not ctx.free(s, end):
            return None
        return DamageEdit(s, end, choose(rng, renderings), CATEGORY, "entity.table")

    def _procedural(self, ctx: Context, rng: Random, i: int) -> Optional[DamageEdit]:
        out = mangle_name(ctx.tokens[i].text, rng)
        return edit(ctx, i, i, out, CATEGORY, "entity.lookalike") if out else None


def _any(ctx: Context, i: int) -> bool:
    return True
