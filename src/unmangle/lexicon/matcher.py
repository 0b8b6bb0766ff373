"""The Lexicon: entries compiled into one Aho-Corasick automaton and matched in linear time.

Matching (see :meth:`Lexicon.find`):

1. the text is folded (lower case, same length; :func:`~unmangle.lexicon.casing.fold`) and run
   through the automaton once: every occurrence of every form, in time linear in the text plus
   the number of occurrences;
2. an occurrence counts only at word boundaries ("Tennessee" never matches inside "Tennesseean");
   a hyphen or apostrophe next to it is a boundary ("Ticketok-owned", "anti-Ticketok"), except a
   hyphen in front of a lower-case match ("foreign-exchange war" holds no "exchange war");
3. of the entries sharing a form, the first whose case and context rules pass is used;
4. overlapping candidates are resolved longest first (then leftmost).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

import ahocorasick

from .casing import adapt_case, fold, fold_form, is_word_char, keep_spacing
from .context import context_allows
from .entry import OWN_CASE_KINDS, LexiconEntry, LexiconError


_HYPHENS = frozenset("-\u2010\u2011")
#: Overlapping candidates resolved longest-first; larger clusters fall back to a linear pass.
_MAX_CLUSTER = 64


class Pattern(NamedTuple):
    """One form of one entry: the automaton ``key`` and the ``form`` as written."""

    key: str
    form: str
    entry: LexiconEntry


@dataclass(frozen=True)
class LexiconMatch:
    """An entry found at ``text[start:end]`` (``matched``), to be replaced by ``replacement``."""

    start: int
    end: int
    matched: str
    replacement: str
    form: str
    entry: LexiconEntry

    @property
    def reason(self) -> str:
        where = f" ({self.entry.source})" if self.entry.source else ""
        return (f'lexicon {self.entry.kind}: "{self.matched}" is a known corruption of '
                f'"{self.replacement}"{where}')


def _conflict(old: Pattern, new: Pattern) -> bool:
    """Two entries for one form conflict unless both demand context (which tells them apart)."""
    return not (old.entry.require and new.entry.require)


def _build_patterns(entries: Iterable[LexiconEntry]) -> list[Pattern]:
    by_key: dict[str, list[Pattern]] = {}
    patterns: list[Pattern] = []
    for entry in entries:
        if not isinstance(entry, LexiconEntry):
            raise TypeError(f"Lexicon takes LexiconEntry objects, got {type(entry).__name__}")
        for form in entry.forms:
            pattern = Pattern(fold_form(form), form, entry)
            same = by_key.setdefault(pattern.key, [])
            if any(p.entry is entry for p in same):
                continue  # one entry listing a form twice (in two casings)
            duplicate = False
            for old in same:
                if old.entry.replacement == entry.replacement and old.entry.require == entry.require \
                        and old.entry.forbid == entry.forbid:
                    duplicate = True  # the same entry written twice: keep the first
                    break
                if old.entry.replacement != entry.replacement and _conflict(old, pattern):
                    first = f" (first at {old.entry.source})" if old.entry.source else ""
                    raise LexiconError(
                        f'form "{form}" -> "{entry.replacement}" conflicts with "{old.form}" -> '
                        f'"{old.entry.replacement}"{first}; remove one, or give both a require= '
                        "context rule that tells them apart", entry.source or None)
            if not duplicate:
                same.append(pattern)
                patterns.append(pattern)
    return patterns


def _resolve_overlaps(candidates: Iterable[tuple[int, int, Pattern]]
                      ) -> list[tuple[int, int, Pattern]]:
    """Keep non-overlapping candidates, longest first (then leftmost), in text order.

    Candidates are grouped into clusters of mutually overlapping spans (one sweep in start
    order); the longest-first choice runs inside each cluster, which is tiny in practice (a cluster
    of more than 64 falls back to leftmost-longest), so the whole step is O(m log m).
    """
    ordered = sorted(candidates, key=lambda c: (c[0], -c[1]))
    kept: list[tuple[int, int, Pattern]] = []
    cluster: list[tuple[int, int, Pattern]] = []
    cluster_end = -1
    for cand in ordered + [(-1, -1, None)]:  # a sentinel flushes the last cluster
        if cluster and (cand[2] is None or cand[0] >= cluster_end):
            if len(cluster) == 1:
                kept.append(cluster[0])
            elif len(cluster) > _MAX_CLUSTER:
                # pathological runs ("x x x x ..." against a form "x x"): leftmost-longest in one
                # linear pass, so no input makes this step quadratic
                last_end = -1
                for c in cluster:  # in start order, the longest first at each start
                    if c[0] >= last_end:
                        kept.append(c)
                        last_end = c[1]
            else:
                taken: list[tuple[int, int, Pattern]] = []
                for c in sorted(cluster, key=lambda c: (c[0] - c[1], c[0])):
                    if all(c[1] <= t[0] or t[1] <= c[0] for t in taken):
                        taken.append(c)
                kept.extend(sorted(taken, key=lambda c: c[0]))
            cluster = []
        if cand[2] is None:
            break
        cluster.append(cand)
        cluster_end = max(cluster_end, cand[1]) if len(cluster) > 1 else cand[1]
    return kept


class Lexicon:
    """Known corruptions, matched all at once. Immutable: :meth:`extended` returns a new one.

    ``Lexicon(entries)`` checks the entries: two entries may share a form only when both carry a
    ``require`` rule (the first whose context matches wins); otherwise :class:`LexiconError`.
    """

    def __init__(self, entries: Iterable[LexiconEntry] = (), *,
                 _patterns: Sequence[Pattern] | None = None) -> None:
        self._patterns: tuple[Pattern, ...] = tuple(
            _patterns if _patterns is not None else _build_patterns(entries))
        self._automaton: ahocorasick.Automaton | None = None

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path) -> "Lexicon":
        """Read a lexicon file (TSV, or YAML by suffix); errors name the file and line."""
        from .fileformat import read_entries

        return cls(read_entries(path))

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> "Lexicon":
        """Several files as one lexicon; a later file overrides an earlier one's forms."""
        lexicon = cls([])
        for path in paths:
            lexicon = lexicon.extended(cls.from_file(path))
        return lexicon

    @classmethod
    def load_default(cls) -> "Lexicon":
        """The bundled seed lexicon: every lexicon file in the seed folder, in name order."""
        from ..resources import seed_lexicon_dir
        from .fileformat import lexicon_files

        folder = seed_lexicon_dir()
        if folder is None:
            return cls([])
        from .fileformat import read_entries

        entries: list[LexiconEntry] = []
        for path in lexicon_files(folder):
            entries.extend(read_entries(path))
        return cls(entries)

    def extended(self, other: "Lexicon") -> "Lexicon":
        """This lexicon plus ``other``; where both know a form, ``other``'s entries replace ours.

        So a user's file can correct a default entry, or switch it off by mapping the form to
        itself, without editing the bundled files.
        """
        if not isinstance(other, Lexicon):
            raise TypeError(f"extended() takes a Lexicon, got {type(other).__name__}")
        theirs = {p.key for p in other._patterns}
        kept = [p for p in self._patterns if p.key not in theirs]
        return Lexicon(_patterns=kept + list(other._patterns))

    def write(self, path: str | Path, comment: str = "") -> None:
        """Write the project's TSV format (YAML when ``path`` ends in .yaml/.yml), atomically.

        ``comment`` (several lines allowed) goes at the top as ``#`` lines.
        """
        from .fileformat import write_entries

        write_entries(path, self.entries_with_forms(), header_comment=comment)

    # -- inspection -----------------------------------------------------------------------------
    @property
    def entries(self) -> list[LexiconEntry]:
        """The entries, each once, in order (as far as their forms were not overridden)."""
        return [entry for entry, _ in self.entries_with_forms()]

    def entries_with_forms(self) -> list[tuple[LexiconEntry, tuple[str, ...]]]:
        """Each entry with the forms it still owns (others may have been overridden)."""
        order: dict[int, tuple[LexiconEntry, list[str]]] = {}
        for p in self._patterns:
            order.setdefault(id(p.entry), (p.entry, []))[1].append(p.form)
        return [(entry, tuple(forms)) for entry, forms in order.values()]

    @property
    def n_forms(self) -> int:
        return len(self._patterns)

    def __len__(self) -> int:
        return len({id(p.entry) for p in self._patterns})

    def __iter__(self) -> Iterator[LexiconEntry]:
        return iter(self.entries)

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} entries, {self.n_forms} forms)"

    # -- matching -------------------------------------------------------------------------------
    def _get_automaton(self) -> ahocorasick.Automaton | None:
        if self._automaton is None and self._patterns:
            grouped: dict[str, list[Pattern]] = {}
            for p in self._patterns:
                grouped.setdefault(p.key, []).append(p)
            automaton = ahocorasick.Automaton()
            for key, pats in grouped.items():
                automaton.add_word(key, (len(key), tuple(pats)))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def candidates(self, text: str) -> Iterator[tuple[int, int, Pattern]]:
        """Every occurrence that passes boundaries, case and context, before overlap resolution."""
        automaton = self._get_automaton()
        if automaton is None or not text:
            return
        folded = fold(text)
        n = len(text)
        for last, (length, pats) in automaton.iter(folded):
            start = last - length + 1
            end = last + 1
            if start > 0 and is_word_char(folded[start]):
                before = text[start - 1]
                if is_word_char(before):
                    continue
                # "foreign-exchange war" is not "exchange war": a lower-case match glued by a
                # hyphen to the word before belongs to that word; "anti-Ticketok" still matches
                if before in _HYPHENS and start > 1 and is_word_char(text[start - 2]) \
                        and not text[start].isupper():
                    continue
            if end < n and is_word_char(folded[last]) and is_word_char(text[end]):
                continue
            for p in pats:
                if p.entry.case_sensitive and " ".join(text[start:end].split()) != p.form:
                    continue
                if context_allows(p.entry, text, start, end):
                    yield start, end, p
                    break

    def find(self, text: str) -> list[LexiconMatch]:
        """Non-overlapping matches in ``text``, sorted by position; no-op replacements skipped."""
        chosen: list[LexiconMatch] = []
        for start, end, p in _resolve_overlaps(self.candidates(text)):
            matched = text[start:end]
            new = keep_spacing(matched, adapt_case(matched, p.form, p.entry.replacement,
                                                   p.entry.kind in OWN_CASE_KINDS))
            # an entry mapping a form to itself only claims the span (it switches an entry off)
            if new != matched and fold_form(p.entry.replacement) != p.key:
                chosen.append(LexiconMatch(start, end, matched, new, p.form, p.entry))
        return chosen

    def apply(self, text: str) -> str:
        """``text`` with every match replaced (what the lexicon stage alone would do)."""
        out: list[str] = []
        pos = 0
        for m in self.find(text):
            out.append(text[pos:m.start])
            out.append(m.replacement)
            pos = m.end
        out.append(text[pos:])
        return "".join(out)
