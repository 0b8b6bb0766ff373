"""What every noise family works on: one sentence's tokens, the edits already taken, case helpers.

A family looks at a :class:`Context` (a sentence of the text being corrupted, tokenised with absolute
offsets) and proposes at most one :class:`~unmangle.corrupt.pairs.DamageEdit` of the clean text. Edits must
cover whole tokens (word-level families) and must not touch an edit already taken: a gap of at least
one character keeps two spans from fusing into something that cuts a word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from random import Random
from typing import Callable, NamedTuple, Optional, Protocol

from .labelled import DamageEdit

#: Words (letters/digits with inner hyphens, apostrophes and dots) and single punctuation marks.
TOKEN_RE = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


class Tok(NamedTuple):
    start: int
    end: int
    text: str


def tokenize(text: str, start: int = 0, end: Optional[int] = None) -> list[Tok]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Tok(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text, start, end)]


def is_word(tok: Tok) -> bool:
    return tok.text[0].isalnum() or tok.text[0] == "_"


def is_alpha_word(tok: Tok) -> bool:
    return tok.text.isalpha()


_OPENERS = frozenset("\"'“‘([{«—–-:;")


class Context:
    """One sentence (``text[start:end]``) being corrupted and the edits taken around it."""

    __slots__ = ("text", "start", "end", "tokens", "taken", "next_tok", "first_word", "_words")

    def __init__(self, text: str, start: int, end: int, taken: list[tuple[int, int]],
                 next_tok: Optional[Tok] = None) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.tokens = tokenize(text, start, end)
        self.taken = taken
        self.next_tok = next_tok  # first token of the following sentence in the same paragraph
        self.first_word = next((i for i, t in enumerate(self.tokens) if is_word(t)), -1)
        self._words: Optional[list[int]] = None

    @property
    def words(self) -> list[int]:
        """Indices of word tokens."""
        if self._words is None:
            self._words = [i for i, t in enumerate(self.tokens) if is_word(t)]
        return self._words

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` keeps at least one character away from every taken edit."""
        for s, e in self.taken:
            if start <= e and s <= end:
                return False
        return True

    def is_initial(self, i: int) -> bool:
        """Whether token ``i`` opens the sentence or a quotation/clause inside it (capitalised anyway)."""
        if i <= self.first_word:
            return True
        prev = self.tokens[i - 1].text
        return prev in _OPENERS or prev in (".", "!", "?")

    def gap(self, i: int, j: int) -> str:
        """The text between tokens ``i`` and ``j`` (j > i)."""
        return self.text[self.tokens[i].end:self.tokens[j].start]

    def plain_gap(self, i: int) -> bool:
        """Whether tokens ``i`` and ``i + 1`` are separated by exactly one space."""
        return i + 1 < len(self.tokens) and self.tokens[i + 1].start - self.tokens[i].end == 1 \
            and self.text[self.tokens[i].end] == " "


class Family(Protocol):
    """A noise family: proposes one edit for a sentence, or None when it has nowhere to act."""

    category: str

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]: ...


def choose(rng: Random, items: list):
    return items[rng.randrange(len(items))] if items else None


def match_case(model: str, word: str) -> str:
    """``word`` cased like ``model``: UPPER, Capitalised or as given."""
    if not word:
        return word
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def capitalize_first(word: str) -> str:
    return word[:1].upper() + word[1:]


#: Words that start a sentence only because they are the first word: safe to lowercase when moved.
SENTENCE_CASE_WORDS = frozenset(
    """a an the this that these those it its he she they we i you his her their our my your there
    here in on at of for to with from by as but and or so if when while after before since although
    though because however also many most some several all both each every no not one two three
    four five more less much such what which who whom whose where why how than then now only even
    still already just yet recently today last next new other another first second""".split()
)


def decapitalize_initial(word: str) -> str:
    """Lowercase a sentence-initial common word (``The`` -> ``the``); leave names alone."""
    if word[:1].isupper() and word.lower() in SENTENCE_CASE_WORDS and not (len(word) > 1 and word.isupper()):
        return word[:1].lower() + word[1:] if word != "I" else word
    return word


def edit(ctx: Context, i: int, j: int, replacement: str, category: str, op: str) -> Optional[DamageEdit]:
    """An edit replacing tokens ``i..j`` (inclusive), or None if that region is taken or unchanged."""
    s, e = ctx.tokens[i].start, ctx.tokens[j].end
    if not ctx.free(s, e) or ctx.text[s:e] == replacement:
        return None
    return DamageEdit(s, e, replacement, category, op)


def first_free(ctx: Context, rng: Random, candidates: list, make: Callable) -> Optional[DamageEdit]:
    """Try candidates in random order; return the first edit ``make(candidate)`` that fits."""
    if not candidates:
        return None
    order = list(range(len(candidates)))
    rng.shuffle(order)
    for k in order[:8]:
        result = make(candidates[k])
        if result is not None:
            return result
    return None


# ---- data files ------------------------------------------------------------------------------

class DataError(ValueError):
    """A malformed data file (the message names the file and line)."""


def data_text(name: str) -> str:
    """A data file shipped in ``unmangle/corrupt/data``."""
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


def read_tsv(text: str, name: str, min_fields: int = 2) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated data file (``#`` comments and blank lines skipped), with line numbers."""
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < min_fields or not all(fields[:min_fields]):
            raise DataError(f"{name}, line {lineno}: expected at least {min_fields} tab-separated "
                            f"fields, got {line!r}")
        rows.append((lineno, fields))
    return rows


class PhraseTable(NamedTuple):
    """Phrases keyed by their first word: ``first -> [(words, renderings), ...]``, longest first."""

    by_first: dict
    size: int


def build_phrase_table(entries: list[tuple[str, list[str]]], lower: bool) -> PhraseTable:
    """Index ``(phrase, renderings)`` pairs for token-wise longest-match lookup."""
    by_first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
    for phrase, renderings in entries:
        words = tuple(t.text for t in tokenize(phrase.lower() if lower else phrase))
        if not words:
            continue
        renderings = [r for r in renderings if r and r != phrase]
        if renderings:
            by_first.setdefault(words[0], []).append((words, renderings))
    for lst in by_first.values():
        lst.sort(key=lambda item: -len(item[0]))
    return PhraseTable(by_first, len(entries))


_POSSESSIVE = ("'s", "’s", "'", "’")


def match_phrases(ctx: Context, table: PhraseTable, lower: bool,
                  allow: Callable[[Context, int], bool]) -> list[tuple[int, int, int, list[str]]]:
    """Every table phrase in the sentence: ``(first token, last token, end offset, renderings)``.

    The last word may carry a possessive (``Jinping's``); the end offset stops before it, so the
    possessive stays outside the edit.
    """
    toks = ctx.tokens
    found = []
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        key = tok.text.lower() if lower else tok.text
        cands = table.by_first.get(key)
        if cands is None and not lower:
            for suf in _POSSESSIVE:
                if key.endswith(suf):
                    cands = table.by_first.get(key[: -len(suf)])
                    break
        hit = None
        if cands and allow(ctx, i):
            for words, renderings in cands:
                j = i + len(words) - 1
                if j >= n:
                    continue
                ok = True
                for k in range(1, len(words) - 1):
                    t = toks[i + k].text
                    if (t.lower() if lower else t) != words[k]:
                        ok = False
                        break
                if not ok:
                    continue
                last = toks[j].text.lower() if lower else toks[j].text
                end = toks[j].end
                if last != words[-1]:
                    suffix = last[len(words[-1]):]
                    if not (last.startswith(words[-1]) and suffix in _POSSESSIVE):
                        continue
                    end = toks[j].end - len(suffix)
                hit = (i, j, end, renderings)
                break
        if hit:
            found.append(hit)
            i = hit[1] + 1
        else:
            i += 1
    return found


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset:
    """A whitespace-separated word list from the data folder."""
    return frozenset(w for line in data_text(name).splitlines() if not line.startswith("#")
                     for w in line.split())
