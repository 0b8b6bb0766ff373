"""Synonym noise: wrong-sense synonyms and tortured phrases, as synonym spinners produce them.

The table (``data/synonyms.tsv``) maps clean words and phrases to substitutes that are wrong in
sense or register (``shares -> offers``, ``big data -> huge information``). Optionally a user's
tortured-phrase list (``expected -> tortured``, e.g. the public PPS list) is added at run time with
:func:`load_pps`; it is never required.

Only lowercase occurrences are replaced (or a capitalised one at the start of a sentence): a
capitalised word mid-sentence is probably part of a name, which is the entity family's business.

With ``thesaurus_share`` > 0 (``CorruptionConfig(thesaurus_share=...)``), that share of the
family's edits instead replaces a content word by a thesaurus synonym (Moby and WordNet, through
:func:`unmangle.thesaurus.reverse_candidates`, among its :data:`THESAURUS_TOP` commonest), so a
model trained on the output does not learn one hand-written table only. That path needs numpy
and lemminflect and is imported only when used; at the default 0 no random draw changes, so
every existing preset's output stays as it was.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Iterable, Optional

from .base import (Context, DataError, PhraseTable, build_phrase_table, choose, data_text,
                   first_free, match_case, match_phrases, read_tsv)
from .labelled import DamageEdit

CATEGORY = "synonym"
#: A thesaurus substitute is drawn among this many commonest candidates (rarer ones are mostly
#: senses no spinner would pick, and would make the task artificially easy).
THESAURUS_TOP = 25


def _merge(entries: Iterable[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    merged: dict[str, list[str]] = {}
    for key, subs in entries:
        lst = merged.setdefault(key.lower(), [])
        for s in subs:
            if s and s not in lst and s.lower() != key.lower():
                lst.append(s)
    return [(k, v) for k, v in merged.items() if v]


@lru_cache(maxsize=None)
def synonym_entries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = read_tsv(data_text("synonyms.tsv"), "synonyms.tsv", min_fields=2)
    return tuple((k, tuple(v)) for k, v in _merge((f[0], f[1].split("|")) for _, f in rows))


@lru_cache(maxsize=None)
def synonym_table() -> PhraseTable:
    return build_phrase_table([(k, list(v)) for k, v in synonym_entries()], lower=True)


_PPS_OPERATORS = re.compile(r"\b(?:AND|OR|NOT)\b.*$|~\d+|[\"“”]")


def load_pps(path: str | Path) -> list[tuple[str, list[str]]]:
    """Read a tortured-phrase list and reverse it: ``expected -> [tortured, ...]``.

    Accepts the JSON form (``{"phrases": [{"tortured": .., "correct": ..}]}``) or the CSV export
    (``tortured_phrase,expected_phrase,...``). Drops uncertain entries (``?`` in the expected phrase)
    and entries whose tortured form contains the expected one (they would rewrite correct text into
    longer correct text).
    """
    path = Path(path)
    pairs: list[tuple[str, str]] = []
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from None
        items = data.get("phrases", []) if isinstance(data, dict) else data
        for k, item in enumerate(items):
            if not isinstance(item, dict) or "tortured" not in item or "correct" not in item:
                raise DataError(f"{path}: phrase {k} lacks 'tortured'/'correct'")
            pairs.append((str(item["tortured"]), str(item["correct"])))
    else:
        reader = csv.reader(raw.splitlines())
        for lineno, row in enumerate(reader, 1):
            if lineno == 1 and row and row[0].strip().lower().startswith("tortured"):
                continue
            if len(row) < 2:
                raise DataError(f"{path}, line {lineno}: expected 'tortured,expected', got {row!r}")
            pairs.append((_PPS_OPERATORS.sub("", row[0]).strip(), row[1]))
    entries = []
    for tortured, correct in pairs:
        tortured, correct = tortured.strip().lower(), correct.strip().lower()
        if not tortured or not correct or "?" in correct or "[" in correct or correct in tortured:
            continue
        entries.append((correct, [tortured]))
    return _merge(entries)


def _allow(ctx: Context, i: int) -> bool:
    t = ctx.tokens[i].text
    return t[0].islower() or ctx.is_initial(i)


class SynonymNoise:
    """Replace a table word or phrase by a wrong-sense or register-wrong substitute."""

    category = CATEGORY

    def __init__(self, extra: Optional[list[tuple[str, list[str]]]] = None,
                 thesaurus_share: float = 0.0) -> None:
        if extra:
            base = [(k, list(v)) for k, v in synonym_entries()]
            self.table = build_phrase_table(_merge(base + list(extra)), lower=True)
        else:
            self.table = synonym_table()
        self.thesaurus_share = float(thesaurus_share)

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        if self.thesaurus_share > 0 and rng.random() < self.thesaurus_share:
            edit = self._thesaurus_edit(ctx, rng)
            if edit is not None:
                return edit
        hits = match_phrases(ctx, self.table, lower=True, allow=_allow)
        return first_free(ctx, rng, hits, lambda h: self._make(ctx, rng, h))

    def _make(self, ctx: Context, rng: Random, hit) -> Optional[DamageEdit]:
        i, _j, end, subs = hit
        s = ctx.tokens[i].start
        if not ctx.free(s, end):
            return None
        first = ctx.tokens[i].text
        sub = choose(rng, subs)
        return DamageEdit(s, end, match_case(first, sub), CATEGORY, "synonym.table")

    def _thesaurus_edit(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        from ..thesaurus import is_content_word, reverse_candidates

        sites = [i for i in ctx.words
                 if _allow(ctx, i) and ctx.tokens[i].text.isalpha() and len(ctx.tokens[i].text) >= 3
                 and is_content_word(ctx.tokens[i].text)]

        def make(i: int) -> Optional[DamageEdit]:
            tok = ctx.tokens[i]
            if not ctx.free(tok.start, tok.end):
                return None
            subs = reverse_candidates(tok.text)[:THESAURUS_TOP]
            sub = choose(rng, subs)
            if sub is None:
                return None
            return DamageEdit(tok.start, tok.end, match_case(tok.text, sub), CATEGORY, "synonym.thesaurus")

        return first_free(ctx, rng, sites, make)
