"""The duplicates stage: near-duplicate sentences and paragraphs (spun copies, scraped repeats).

Units are sentences of at least ``min_words`` words (shorter ones, such as headlines or "Subscribe
now", are never removed here). Finding pairs must not be quadratic on a 50 MB input, so:

1. every unit becomes a set of hashed word 3-grams (shingles);
2. an inverted index, built by sorting (hash, unit) pairs with numpy, lists the units sharing each
   shingle; through one shingle a unit meets at most ``fanout`` earlier units, and only the first
   one when more than ``max_postings`` units share it (stock phrases), so the work per shingle
   stays linear (a sentence repeated hundreds of times is still caught: each copy meets the first);
3. unit pairs sharing enough shingles are candidates, and only candidates get the exact similarity:
   the share of the *shorter* unit's words that line up, in order and in runs of two or more words,
   with the other unit. A copy with a few words swapped still scores high; unrelated sentences that
   share scattered function words do not;
4. a similar pair is still not a duplicate when the facts differ: a number of the shorter unit is
   missing from the other, or a name is swapped for another name (in a substitution of at most
   three words) ("Shares of Alibaba fell 3%" vs
   "Shares of Tencent fell 3%" are parallel sentences, not copies), or two distant words change
   places and nothing else does (a chiasmus: "the black man … the white man" / "the white man …
   the black man"), or the only difference is one content word for a different thing, one that
   neither thesaurus lists under the other ("the world energy market" / "the world food market").
   Spun copies keep their numbers and mostly their names, and swap words for synonyms.

Sentence splitting (:func:`unmangle.textspans.sentences`) is the slow part, so steps 1-3 first run,
vectorised, on rough pieces (the text cut at every ". ! ?" before a space and at line breaks), and
only paragraphs holding a candidate piece are split into sentences and compared exactly.

Which repeats go: **only those that look like damage.** Spinning and scraping put a copy in the
same paragraph, in the next one or a few (:data:`MAX_GAP`) paragraphs on, repeat a whole block at
the end, or show a cut-off copy of a sentence on a line of its own (a related-story teaser).
Authors repeat on purpose: an interviewer's question, an FAQ's questions, headings and refrains
(short lines without closing punctuation), list items and quantities, a pull quote (one sentence of
a paragraph shown again on its own), a quoted post. Those stay unless the copy stands in the same or
the very next paragraph (see :class:`_Shapes`). A short headline doubled on the next line among the
first few lines goes too.

Which copy stays: **the first full version.** A later unit similar to an earlier one is removed,
unless it is clearly longer (more than ``length_ratio`` times the earlier one's words): then the
earlier is a truncated copy of it and the earlier one is removed instead. A paragraph whose every
sentence is removed goes as a whole, with one of its line breaks; otherwise single sentences go.
Every removal is an edit whose reason gives the similarity and the start of the copy that stays.

The same word hashes also show doubled words and phrases ("the the", "the plan the plan"): equal
hashes one to four words apart mark the paragraphs that :mod:`unmangle.stages.repeats` then checks
exactly (``repeated_words=False`` turns this off).
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Sequence

import numpy as np

from ..edits import Edit, apply_edits
from ..english import NOT_NAME_CAPITALS
from .base import BaseStage, StageSpec, register
from ..textspans import Span, paragraphs, sentences
from ._removal import Removal, removal_edits
from .repeats import MAX_PHRASE, repeated_word_edits
from ._word_hashing import (CHUNK, K_BREAK, K_WORD, VECTOR_SENTENCES, RoughTokens, rough_tokens,
                            sentence_shingles, without_copies)

_WORD = re.compile(r"\w+")
_SHINGLE = 3
# Paragraph breaks, the same as textspans.paragraphs'.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
#: The rough first pass asks for this share (times ``similarity``) of the smaller piece's shingles.
#: Spun copies such as the seed article's share 0.67-0.74 of their 3-grams; 0.5 * 0.8 = 0.4 keeps
#: them while sparing formulaic text (UN speeches) most of the exact comparisons.
_ROUGH_SHARE = 0.5
#: Two units are compared only when they share at least this many shingles.
_MIN_SHARED = 3
# Capitalised words that are not names (a garbled copy may capitalise "Has" or "Are" mid-sentence).
_FUNCTION_WORDS = NOT_NAME_CAPITALS


@dataclass
class _Unit:
    start: int
    end: int
    para: int
    n_words: int
    written: list[str] | None = None  # its words as written, read when compared
    words: list[str] | None = None  # lowercased


class DuplicatesStage(BaseStage):
    """Remove near-duplicate sentences and paragraphs, keeping the first full version."""

    name = "duplicates"
    removes_text = True  # see unmangle.stages.base

    def __init__(self, similarity: float = 0.8, *, min_words: int = 8, max_postings: int = 64,
                 fanout: int = 32, length_ratio: float = 1.2, repeated_words: bool = True) -> None:
        if not 0.0 < similarity <= 1.0:
            raise ValueError(f"similarity must lie in (0, 1], got {similarity}")
        if min_words < _SHINGLE:
            raise ValueError(f"min_words must be at least {_SHINGLE}, got {min_words}")
        self.similarity = similarity
        self.min_words = min_words
        self.max_postings = max_postings
        self.fanout = fanout
        self.length_ratio = length_ratio
        self.repeated_words = repeated_words

    # -- public ---------------------------------------------------------------------------------

    def propose(self, text: str) -> list[Edit]:
        paras = paragraphs(text)
        involved, doubled = self._scan(text, paras)
        # copies are judged on the text as this stage leaves it, doubled words undone: judged on the
        # input, "A the the B" and "A the B" differ, and a second repair would find the copy. Only
        # the paragraphs compared are read, so only their doubled words need undoing (and the
        # text copying: most often there are none).
        in_compared = set(involved)
        undo = [e for pi, e in doubled if pi in in_compared]
        if undo:
            undone = _Undone(text, paras, undo)
            removals = [undone.original_edit(e)
                        for e in self._removals(undone.text, undone.paras, involved)]
        else:
            removals = self._removals(text, paras, involved)
        taken = sorted((e.start, e.end) for e in removals)
        return removals + [e for _, e in doubled if not _inside(taken, e)]

    def _removals(self, text: str, paras, involved: list[int]) -> list[Edit]:
        headlines = self._doubled_headlines(paras)
        spans: list[tuple[int, int, int]] = []  # (start, end, paragraph) of each sentence
        for pi in involved:
            para = paras[pi]
            spans.extend((para.start + sent.start, para.start + sent.end, pi)
                         for sent in sentences(para.text))
        shingles = None if len(spans) < VECTOR_SENTENCES else sentence_shingles(text, spans)
        if shingles is None:
            shingles = self._sentence_shingles_one_by_one(text, spans)
        n_words, hashes, owners = shingles
        is_unit = n_words >= self.min_words
        uid = np.where(is_unit, np.cumsum(is_unit) - 1, -1).tolist()
        units = [_Unit(start, end, pi, n) for (start, end, pi), n in
                 zip(spans, n_words.tolist()) if n >= self.min_words]
        para_sentences: dict[int, list[tuple[int, int, int]]] = {pi: [] for pi in involved}
        for (start, end, pi), u in zip(spans, uid):
            para_sentences[pi].append((start, end, u))  # (start, end, unit or -1)
        if len(units) < 2:
            return removal_edits(text, headlines, self.name) if headlines else []
        keep = is_unit[owners]
        pairs = self.candidate_pairs(hashes[keep], np.asarray(uid, dtype=np.int32)[owners[keep]],
                                     n_units=len(units))
        removed = self._decide(text, units, pairs, para_sentences, len(paras))
        return self._edits(text, paras, para_sentences, removed, headlines)

    def _scan(self, text: str, paras) -> tuple[list[int], list[tuple[int, Edit]]]:
        """Paragraphs holding a rough sentence that has a candidate near-copy somewhere, and the
        edits undoing doubled words ("the the"), each with its paragraph.

        Proper sentence splitting is the slow part, so a first, vectorised pass cuts the text at
        every ``. ! ?`` before a space (over-splitting at abbreviations is harmless here) and at
        every paragraph break, and runs the same candidate search on those pieces; only paragraphs
        involved in a candidate pair are split properly and compared exactly. The text is read in
        chunks of about :data:`CHUNK` characters so word lists never exist for all of it at once.
        Two equal words in a row mark the paragraphs worth the exact doubled-word check; the copies
        it removes are left out of the pieces, so the pass sees the text as this stage leaves it.
        """
        shingle_parts, owner_parts, segment_parts = [], [], []
        words: list[tuple[int, Edit]] = []
        segments = _ParagraphSegments(paras)
        piece_base = 0
        for lo, hi in _chunks(text, CHUNK):
            tokens = rough_tokens(text[lo:hi])
            segments.add_chunk(lo, hi, tokens.break_ends)
            if self.repeated_words:
                found = self._doubled_words(paras, tokens, segments)
                if found:
                    words.extend(found)
                    tokens = without_copies(tokens, text, lo, hi, [e for _, e in found])
            breaks = tokens.kind == K_BREAK
            boundary = tokens.kind != K_WORD
            word = ~boundary
            piece = (np.cumsum(boundary, dtype=np.int64) + piece_base)[word]
            segment = (np.cumsum(breaks, dtype=np.int64) + segments.chunk_base)[word]
            piece_base += int(boundary.sum()) + 1  # pieces never span two chunks
            wh = tokens.hashes[word].astype(np.uint64)
            del tokens, breaks, boundary, word
            if len(wh) < _SHINGLE:
                continue
            first_piece = int(piece[0])
            counts = np.bincount(piece - first_piece)
            ok = (piece[:-2] == piece[2:]) & (counts[piece[:-2] - first_piece] >= self.min_words)
            with np.errstate(over="ignore"):
                shingle_parts.append((wh[:-2] * np.uint64(0x9E3779B97F4A7C15)
                                      + wh[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
                                      + wh[2:])[ok].view(np.int64))
            owner_parts.append(piece[:-2][ok].astype(np.int32))
            # the segment (paragraph) of each piece that has shingles
            segment_parts.append(np.stack([piece[:-2][ok], segment[:-2][ok]]))
        if not shingle_parts:
            return [], words
        shingles = np.concatenate(shingle_parts)
        owners = np.concatenate(owner_parts)
        del shingle_parts, owner_parts
        if len(shingles) == 0:
            return [], words
        sizes = np.bincount(owners, minlength=piece_base)  # with repeats: a rough pass
        pairs = self.candidate_pairs(shingles, owners, sizes, share=_ROUGH_SHARE)
        del shingles, owners, sizes
        if not pairs:
            return [], words
        piece_segment = np.zeros(piece_base, dtype=np.int64)
        for part in segment_parts:
            piece_segment[part[0]] = part[1]
        involved_segments = {int(piece_segment[p]) for pair in pairs for p in pair}
        return segments.paragraphs_in(involved_segments), words

    def _doubled_words(self, paras, tokens: "RoughTokens",
                       segments: "_ParagraphSegments") -> list[tuple[int, Edit]]:
        """(paragraph, edit) undoing each doubled word or phrase of the chunk's paragraphs that
        hold two equal words in a row or a run of k equal words k apart (k up to
        :data:`~unmangle.stages.repeats.MAX_PHRASE`; the exact check,
        :func:`repeated_word_edits`, runs on those paragraphs only)."""
        word = tokens.kind == K_WORD
        h = tokens.hashes
        n = len(h)
        doubled_at = np.zeros(n, dtype=bool)
        for k in range(1, MAX_PHRASE + 1):
            if n < 2 * k:
                break
            same = (h[k:] == h[:-k]) & word[k:] & word[:-k]  # word i equals word i + k
            run = same[:n - 2 * k + 1].copy()
            for d in range(1, k):
                run &= same[d:n - 2 * k + 1 + d]
            doubled_at[:len(run)] |= run
        if not doubled_at.any():
            return []
        segment = np.cumsum(tokens.kind == K_BREAK, dtype=np.int64) + segments.chunk_base
        edits = []
        for pi in segments.in_chunk(set(segment[doubled_at].tolist())):
            edits.extend((pi, e.shifted(paras[pi].start))
                         for e in repeated_word_edits(paras[pi].text, self.name))
        return edits

    # -- finding pairs --------------------------------------------------------------------------

    def _sentence_shingles_one_by_one(self, text: str, spans: list[tuple[int, int, int]]):
        """:func:`sentence_shingles` sentence by sentence, hashing 3-grams of words with Python's
        ``hash`` (the same pairs: only which shingles are equal matters)."""
        n_words, hashes, owners = [], [], []
        for k, (start, end, _) in enumerate(spans):
            written = _WORD.findall(text, start, end)
            n_words.append(len(written))
            words = " ".join(written).lower().split()
            shingles = list(map(hash, zip(words, words[1:], words[2:])))
            hashes.extend(shingles)
            owners.extend([k] * len(shingles))
        return (np.array(n_words, dtype=np.int64), np.array(hashes, dtype=np.int64),
                np.array(owners, dtype=np.int64))

    def candidate_pairs(self, hashes, owners, sizes=None, share: float = 0.4, *,
                        n_units: int | None = None) -> list[tuple[int, int]]:
        """(later, earlier) unit pairs sharing enough shingles, sorted; never all pairs.

        ``hashes`` and ``owners`` (arrays or numpy arrays) hold each unit's shingle hashes and the
        unit each belongs to, units in ascending order; ``sizes`` the number of shingles per unit,
        or None to count each unit's distinct ones (then ``n_units`` says how many units there
        are). A pair needs ``_MIN_SHARED`` distinct shingles in common and ``share * similarity``
        of the smaller unit's.
        """
        h = np.asarray(hashes, dtype=np.int64)
        u = np.asarray(owners, dtype=np.int32)
        if len(h) == 0:
            return []
        # units ascending inside each group of equal hashes
        order, h = _hash_order(h, u)
        u = u[order]
        del order
        distinct = np.ones(len(h), dtype=bool)
        distinct[1:] = (h[1:] != h[:-1]) | (u[1:] != u[:-1])
        h = h[distinct]
        u = u[distinct]
        del distinct
        if sizes is None:
            sizes = np.bincount(u, minlength=n_units)
        new_group = np.empty(len(h), dtype=bool)
        new_group[0] = True
        np.not_equal(h[1:], h[:-1], out=new_group[1:])
        del h
        group = np.cumsum(new_group, dtype=np.int32) - 1
        sizes_of_groups = np.bincount(group).astype(np.int32)
        group_size = sizes_of_groups[group]
        n_units = len(sizes)
        # stock shingles (in more than max_postings units): each unit meets only the first one
        big = (group_size > self.max_postings) & ~new_group
        small = (group_size >= 2) & (group_size <= self.max_postings)
        del group_size
        offsets = range(1, min(self.max_postings, self.fanout + 1))
        # count first, then fill one array: no list of arrays plus a concatenated copy
        su, sg = u[small], group[small]
        counts = _offset_counts(sizes_of_groups, self.max_postings, offsets)
        del sizes_of_groups
        n_big = int(np.count_nonzero(big))
        # a pair is later * n_units + earlier; 32 bits sort faster where they hold every pair
        key_type = np.uint32 if n_units * n_units <= 1 << 32 else np.int64
        all_keys = np.empty(n_big + sum(counts), dtype=key_type)
        if n_big:
            first_unit = u[new_group]
            all_keys[:n_big] = u[big].astype(key_type) * key_type(n_units) + first_unit[group[big]]
            del first_unit
        del u, group, big, small, new_group
        pos = n_big
        for k, n in zip(offsets, counts):
            same = sg[k:] == sg[:-k]
            later = su[k:][same].astype(key_type)
            all_keys[pos:pos + n] = later * key_type(n_units) + su[:-k][same]
            pos += n
        del su, sg
        if len(all_keys) < _MIN_SHARED:
            return []
        all_keys.sort()
        # a pair shares >= _MIN_SHARED shingles iff its run of equal keys is that long
        long_run = all_keys[_MIN_SHARED - 1:] == all_keys[:1 - _MIN_SHARED]
        pair_keys = _distinct_sorted(all_keys[:1 - _MIN_SHARED][long_run])
        del long_run
        shared = (np.searchsorted(all_keys, pair_keys, side="right")
                  - np.searchsorted(all_keys, pair_keys, side="left"))
        del all_keys
        later = pair_keys // n_units
        earlier = pair_keys % n_units
        size = np.asarray(sizes)
        smaller = np.minimum(size[later], size[earlier])
        # a generous bar: the exact test decides; 3-grams die around every changed word
        enough = shared >= np.maximum(_MIN_SHARED, share * self.similarity * smaller)
        return list(zip(later[enough].tolist(), earlier[enough].tolist()))

    def similarity_of(self, a: str, b: str) -> float:
        """Share of the shorter text's words aligned, in order, in runs of 2+ words, with the other.

        0.0 when the facts differ (a number of the shorter text missing from the other, or a name
        replaced by another name): such sentences are parallel, not copies.
        """
        oa, ob = _WORD.findall(a), _WORD.findall(b)
        return _similarity(oa, [w.lower() for w in oa], ob, [w.lower() for w in ob], 0.0)

    # -- deciding -------------------------------------------------------------------------------

    def _decide(self, text: str, units: list[_Unit], pairs: list[tuple[int, int]],
                para_sentences: dict[int, list[tuple[int, int, int]]],
                n_paras: int) -> dict[int, tuple[str, float]]:
        """Which units go: copies that look like damage (see :mod:`unmangle.stages.duplicates`)."""
        def words_of(uid: int) -> tuple[list[str], list[str]]:
            unit = units[uid]
            if unit.written is None:
                unit.written = _WORD.findall(text, unit.start, unit.end)
                unit.words = " ".join(unit.written).lower().split()
            return unit.written, unit.words

        # groups of copies: units joined by a similar pair (a stock sentence repeated hundreds of
        # times meets only its first copy, so pairs alone do not say which copy came just before)
        parent = list(range(len(units)))

        def root(u: int) -> int:
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        sims: dict[int, float] = {}
        similar_pairs: set[tuple[int, int]] = set()
        for later, earlier in pairs:
            sim = _similarity(*words_of(earlier), *words_of(later), self.similarity)
            if sim >= self.similarity:
                similar_pairs.add((later, earlier))
                a, b = root(later), root(earlier)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                sims[later] = max(sims.get(later, 0.0), sim)
                sims[earlier] = max(sims.get(earlier, 0.0), sim)
        groups: dict[int, list[int]] = {}
        for uid in sims:
            groups.setdefault(root(uid), []).append(uid)
        previous: dict[int, int] = {}  # a copy -> the copy just before it
        place: dict[int, tuple[list[int], int]] = {}  # a copy -> its group and place in it
        for members in groups.values():
            members.sort()
            for k, uid in enumerate(members):
                place[uid] = (members, k)
            for before, after in zip(members, members[1:]):
                previous[after] = before

        def similar(earlier: int, later: int) -> float:
            """The pair's similarity when it reaches the bar, else 0: a group is joined through
            chains of pairs, so two of its members need not be alike (three parallel sentences:
            "When the black man … / When the white man … / When the poor man …")."""
            if (later, earlier) in similar_pairs:
                return _similarity(*words_of(earlier), *words_of(later), 0.0) or sims[later]
            sim = _similarity(*words_of(earlier), *words_of(later), self.similarity)
            return sim if sim >= self.similarity else 0.0

        def copy_before(later: int, before: int) -> int | None:
            """``before`` when ``later`` is alike to it, else the nearest earlier member that is."""
            members, k = place[later]
            for earlier in reversed(members[max(0, k - _WALK_BACK):k]):
                if earlier <= before and similar(earlier, later):
                    return earlier
            return None

        shape = _Shapes(text, units, para_sentences)
        shape.copies = set(sims)
        at_end = shape.end_block(previous, n_paras)

        def decide_once(gone: set[int]) -> dict[int, tuple[str, float]]:
            """One pass over the copies; a refrain said again only by copies in ``gone``
            (removed in this repair) is not said again."""
            removed: dict[int, tuple[str, float]] = {}
            for later in sorted(previous):
                if later in removed:
                    continue
                before = previous[later]  # the copy just before: where damage shows
                while True:
                    kept = before
                    while kept in removed and kept in previous:
                        kept = previous[kept]  # the copy that stays, named in the reason
                    a, b = units[kept], units[later]
                    # the exact similarity only where it decides or is reported: most copies stay
                    if b.n_words <= self.length_ratio * a.n_words:
                        decided = ((later in at_end or shape.looks_like_damage(later, before))
                                   and not shape.echo(later, before))
                    else:
                        decided = (kept not in removed and shape.looks_like_damage(kept, later)
                                   and not shape.said_again(kept, later, place[later][0], gone)
                                   and not shape.echo(kept, later))
                    if not decided:
                        break
                    alike = copy_before(later, before)
                    if alike is None:
                        break
                    if alike != before:  # judge again against the copy it is alike to
                        before = alike
                        continue
                    sim = similar(kept, later) or similar(before, later)
                    if b.n_words <= self.length_ratio * a.n_words:
                        removed[later] = (
                            f"near-duplicate of an earlier sentence (similarity {sim:.2f}"
                            f"{', part of a block repeated at the end' if later in at_end else ''}): "
                            f"{_preview(text, a if similar(kept, later) else units[before])}", _confidence(sim))
                    elif sim >= max(self.similarity, _TRUNCATED_SIMILARITY):
                        removed[kept] = (
                            f"truncated copy of a later, fuller sentence (similarity {sim:.2f}): "
                            f"{_preview(text, b)}", _confidence(sim))
                    break
            return removed

        # a pass decides in text order, so a sentence kept as said again elsewhere may see that
        # other copy removed later in the same pass; the next repair would then find it a cut-off
        # copy. Deciding again with the removed copies left out settles it in this repair.
        removed = decide_once(set())
        for _ in range(_DECIDE_ROUNDS):
            if not shape.relied_on & removed.keys():
                break
            shape.relied_on.clear()
            again = decide_once(set(removed))
            if again == removed:
                break
            removed = again
        return removed

    def _doubled_headlines(self, paras) -> list[Removal]:
        """A short line without closing punctuation among the first few (a headline) repeated on the very next line,
        as scraped pages often show it; longer lines are the general rule's business. Short lines
        further down (refrains, list items) are never removed."""
        out: list[Removal] = []
        lines = [_canonical_line(p.text) for p in paras[:_HEADLINE_LINES + 1]]
        kept = 0  # the line the next one follows once removed lines are gone
        for k in range(1, len(lines)):
            line = lines[kept]
            # judged on the lines as this stage leaves them (doubled words undone, removed lines
            # gone), so a second repair finds nothing new
            if (_HEADLINE_MIN_WORDS <= len(_WORD.findall(line)) < self.min_words
                    and not _SENTENCE_END_MARK.search(line)  # headlines end without a full stop
                    and line == lines[k]):
                b = paras[k]
                out.append(Removal(b.start, b.end, "doubled headline: the line above says the same", 0.9))
            else:
                kept = k
        return out

    def _edits(self, text: str, paras, para_sentences, removed,
               headlines: list[Removal] = ()) -> list[Edit]:
        whole: list[Removal] = list(headlines)
        edits: list[Edit] = []
        gone_already = {r.start for r in headlines}
        for pi, row in para_sentences.items():
            if paras[pi].start in gone_already:
                continue
            gone = [(s, e, removed[uid]) for s, e, uid in row if uid in removed]
            if not gone:
                continue
            if len(gone) == len(row):
                reasons = list(dict.fromkeys(r for _, _, (r, _) in gone))
                whole.append(Removal(paras[pi].start, paras[pi].end, "; ".join(reasons),
                                     min(c for _, _, (_, c) in gone)))
            else:
                edits.extend(removal_edits(
                    text, [Removal(s, e, r, c) for s, e, (r, c) in gone], self.name,
                    paras[pi].start, paras[pi].end))
        return edits + removal_edits(text, whole, self.name)


#: Lines at the top of a text where a doubled short line is a scraped headline, and how many
#: words such a line needs.
_HEADLINE_LINES = 5
_HEADLINE_MIN_WORDS = 3
#: A shorter unit is a truncated copy of a longer one only if this share of it lines up with it
#: ("We do so to amplify the voices of …" / "We do so, because the voices of … are …" is rhetoric).
_TRUNCATED_SIMILARITY = 0.9
#: A copy further than this many paragraphs from the one before it is an author's repeat.
MAX_GAP = 3
#: How many earlier members of a group a copy is compared with when the one just before it is not
#: alike (the group was joined through other pairs); copies of one sentence are mostly neighbours.
_WALK_BACK = 8
#: How many times the copies are judged again once a refrain's other copy turned out removed
#: (each round leaves the removed copies out; one settles every case seen).
_DECIDE_ROUNDS = 3
#: A later sentence that is an earlier one with up to this many words and a colon or dash put
#: before it ("I repeat: the more equality …") restates it on purpose: spinners substitute words,
#: they do not announce a repeat. (A lead-in ending in a comma, "Later, the central bank …", may be
#: a spun connective, so it does not count.)
_LEAD_IN_WORDS = 4
_LEAD_IN_END = re.compile(r"\s*[:—–]")
#: A full sentence with fewer than this share of a longer similar sentence's words takes up one
#: of its points (see :meth:`_Shapes.echo`).
_ECHO_SHARE = 0.5
_FULL_STOP_END = re.compile(r"[.!?][\"'”’)\]»]*$")
#: A line without closing punctuation up to this long reads as a heading or refrain; a longer one
#: is a sentence cut off (as spun copies often are).
_HEADING_WORDS = 15
_QUESTION = re.compile(r"[?!][\"'”’)\]»]*$")
_SENTENCE_END_MARK = re.compile(r"[.!?…:;][\"'”’)\]»]*$")
_LIST_MARK = re.compile(r"(?:[-*•–·▪►✓]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s")
_SOCIAL = re.compile(r"(?:^|\s)[@#]\w|pic\.twitter\.com|twitter\.com/|\bt\.co/|x\.com/")
_NUMBER = re.compile(r"^\W*\d")


class _Shapes:
    """What kind of text a unit is, and where it sits: the evidence that tells damage from an
    author's deliberate repeat.

    Damage (spinning, scraping) puts a copy right after its sentence, in the next paragraph or
    a few paragraphs on, repeats a whole block at the end, or shows a cut-off copy of a sentence on
    a line of its own (a related-story teaser) anywhere. Authors repeat questions (an interview
    asks each guest the same thing; an FAQ lists its questions and answers them; a speaker's
    rhetorical questions and exclamations), headings and refrains (lines without closing
    punctuation, or a short sentence coming back inside different paragraphs), parallel phrasing
    (a short sentence repeated with a different ending), list items and
    quantities, pull quotes (one sentence of a paragraph shown again on its own), quoted posts,
    and a quotation shown again without its quotation marks (an embedded post beside the article
    quoting it). Those are kept unless the copy stands in the very next paragraph (pull quotes,
    posts and quotations even then).
    """

    def __init__(self, text: str, units: list[_Unit], para_sentences) -> None:
        self.text = text
        self.units = units
        self.para_size = {pi: len(row) for pi, row in para_sentences.items()}
        self.para_sentences = para_sentences
        # each unit's place among its paragraph's sentences
        self.position = {uid: k for row in para_sentences.values() for k, (_, _, uid) in enumerate(row)
                         if uid >= 0}
        self._social_paragraphs: dict[int, bool] = {}
        #: units with a near-copy somewhere (set by the caller once the pairs are judged)
        self.copies: set[int] = set()
        #: units that made another one "said again" (:meth:`said_again`)
        self.relied_on: set[int] = set()
        self._lowered: dict[int, list[str]] = {}

    def _unit_text(self, uid: int) -> str:
        u = self.units[uid]
        return self.text[u.start:u.end]

    def _words(self, uid: int) -> list[str]:
        """The unit's words, lower-cased (found once: a unit is compared with several others)."""
        words = self._lowered.get(uid)
        if words is None:
            words = self._lowered[uid] = _WORD.findall(self._unit_text(uid).lower())
        return words

    def _whole_paragraph(self, uid: int) -> bool:
        return self.para_size.get(self.units[uid].para, 0) == 1

    def authored(self, uid: int, other: int) -> str | None:
        """Why ``uid`` (a copy of ``other``) looks like a deliberate repeat, or None."""
        unit = self._unit_text(uid)
        if _QUESTION.search(unit):
            return "question or exclamation"
        if (not self._whole_paragraph(uid) and not self._whole_paragraph(other)
                and self.units[uid].n_words <= _HEADING_WORDS and self._verbatim(uid, other)
                and not self._copied_paragraph(uid)):
            # a short sentence coming back word for word inside different paragraphs (spun
            # copies vary; a speaker's refrain does not), unless most of its paragraph is a copy
            return "refrain"
        if self.units[uid].n_words <= _HEADING_WORDS and self._different_ending(uid, other):
            # "I come to speak on behalf of my country. I come to speak on behalf of my
            # compatriots.": parallel phrasing ends differently; a spun copy keeps the point
            return "parallel phrasing"
        if (self._whole_paragraph(uid) and self.units[uid].n_words <= _HEADING_WORDS
                and not _SENTENCE_END_MARK.search(unit)):
            return "heading or refrain"
        line_start = self.text.rfind("\n", 0, self.units[uid].start) + 1
        if _LIST_MARK.match(self.text, line_start):
            return "list item"
        tokens = unit.split()
        if sum(bool(_NUMBER.match(t)) for t in tokens) >= 0.2 * len(tokens):
            return "quantities"
        if self._social(uid) or self._social(other):
            return "quoted post"
        if self._whole_paragraph(uid) != self._whole_paragraph(other):
            return "pull quote"
        if self._quoted(uid) != self._quoted(other):
            return "quotation shown again"
        if self._restates(uid, other):
            return "restatement"
        return None

    def _restates(self, uid: int, other: int) -> bool:
        """Whether ``uid`` is its copy ``other`` with a short lead-in put before it, ending in a
        colon or dash ("I repeat: the more equality …" after "The more equality …")."""
        unit = self._unit_text(uid)
        words = list(_WORD.finditer(unit))
        said = self._words(other)
        extra = len(words) - len(said)
        if not said or not 1 <= extra <= _LEAD_IN_WORDS:
            return False
        return (words[extra].group().lower() == said[0]
                and bool(_LEAD_IN_END.match(unit, words[extra - 1].end())))

    def echo(self, uid: int, other: int) -> bool:
        """Whether ``uid``, a full sentence, takes up one point of a longer sentence ``other``
        ("… and, secondly, peace is not made only by those who sign the agreements." / later:
        "Furthermore, peace is not made only by those who sign the agreements."): it has less
        than half of ``other``'s words, or ``other`` ends with it. A speaker resuming a point; a
        copy made by damage is about as long as its original (a spun copy) or cut off at its end
        (no closing full stop, or an ellipsis: a teaser)."""
        unit = self._unit_text(uid).rstrip()
        if not _FULL_STOP_END.search(unit) or unit.endswith(("…", "...")) or self.teaser(uid, other):
            return False
        if self._copied_paragraph(uid):
            return False  # one sentence of a paragraph copied whole (its breaks lost in one copy)
        if self.units[uid].n_words < _ECHO_SHARE * self.units[other].n_words:
            return True
        # the longer sentence ends with this one, its first word aside ("That is why I dare to say
        # that increased cooperation should …" after "Increased cooperation should …"): a cut-off
        # copy keeps a sentence's start, not its end
        short = self._words(uid)[1:]
        longer = self._words(other)
        return len(longer) > len(short) + 1 and longer[-len(short):] == short

    def _copied_paragraph(self, uid: int) -> bool:
        """Whether most sentences of ``uid``'s paragraph (two at least) have copies elsewhere."""
        units = [u for _, _, u in self.para_sentences[self.units[uid].para] if u >= 0]
        copied = sum(u in self.copies for u in units)
        return copied >= 2 and 2 * copied >= len(units)

    def said_again(self, uid: int, other: int, members: list[int], gone: set[int] = frozenset()) -> bool:
        """Whether ``uid``, shorter than its copy ``other``, is said word for word elsewhere in the
        text too (not counting the units in ``gone``): a refrain ("Let us love one another the
        Lavalas way.") that a fuller sentence ends with, not a cut-off copy of that sentence. The
        units that make it so are noted in :attr:`relied_on`."""
        words = self._words(uid)
        found = [m for m in members
                 if m not in (uid, other) and m not in gone and self._words(m) == words]
        self.relied_on.update(found)
        return bool(found)

    def _different_ending(self, uid: int, other: int) -> bool:
        a, b = self._words(uid), self._words(other)
        return bool(a and b) and a[-1] != b[-1]

    def _verbatim(self, uid: int, other: int) -> bool:
        return self._words(uid) == self._words(other)

    def _paragraph_text(self, uid: int) -> str:
        row = self.para_sentences[self.units[uid].para]
        return self.text[row[0][0]:row[-1][1]]

    def _social(self, uid: int) -> bool:
        """Whether the unit's paragraph looks like a social-media post (searched once per
        paragraph: a long paragraph's copies are judged many times)."""
        para = self.units[uid].para
        if para not in self._social_paragraphs:
            self._social_paragraphs[para] = bool(_SOCIAL.search(self._paragraph_text(uid)))
        return self._social_paragraphs[para]

    def _quoted(self, uid: int) -> bool:
        """Whether the unit stands inside quotation marks (opened before it or at its start)."""
        u = self.units[uid]
        para_start = self.para_sentences[u.para][0][0]
        before = self.text[para_start:u.start + 1]
        return before.count("“") > before.count("”") or before.count('"') % 2 == 1

    def teaser(self, uid: int, other: int) -> bool:
        """A line of its own holding a cut-off copy of a sentence from a longer paragraph
        ("… Has been kept from | Reuters"): longer than a heading and without closing
        punctuation, or ending in an ellipsis."""
        unit = self._unit_text(uid).rstrip()
        if not self._whole_paragraph(uid) or self._whole_paragraph(other):
            return False
        return unit.endswith(("…", "...")) or (
            self.units[uid].n_words > _HEADING_WORDS and not _SENTENCE_END_MARK.search(unit))

    def looks_like_damage(self, uid: int, other: int) -> bool:
        """Whether removing ``uid``, a copy of ``other``, repairs damage."""
        gap = abs(self.units[uid].para - self.units[other].para)
        kind = self.authored(uid, other)
        if gap == 0:
            # the next sentence repeating the one before it; a sentence coming back later in its
            # paragraph, or a question or exclamation said twice, is rhetoric
            return (abs(self.position[uid] - self.position[other]) == 1
                    and kind not in ("question or exclamation", "refrain", "parallel phrasing", "restatement"))
        if self.teaser(uid, other):
            return True  # scraped related-story line: a cut-off copy on a line of its own
        if gap > MAX_GAP:
            return False
        if kind is None:
            return True
        if gap > 1 or kind in ("pull quote", "quoted post", "quotation shown again", "restatement"):
            return False
        # the very next paragraph: a line doubled as the next line (a question, a heading, a list
        # item) is damage; a question, exclamation or refrain coming back inside the next
        # paragraph is rhetoric
        if self._whole_paragraph(uid) and self._whole_paragraph(other):
            return True
        return kind not in ("question or exclamation", "refrain", "parallel phrasing")

    def end_block(self, previous: dict[int, int], n_paras: int) -> set[int]:
        """Units of a block repeated at the end: the trailing paragraphs whose every sentence
        copies earlier text, at least two paragraphs (or one of two or more sentences)."""
        block: list[int] = []
        paras = 0
        for pi in range(n_paras - 1, -1, -1):
            row = self.para_sentences.get(pi)
            if not row or any(uid < 0 or uid not in previous for _, _, uid in row):
                break
            block.extend(uid for _, _, uid in row)
            paras += 1
        if paras >= 2 or (paras == 1 and len(block) >= 2):
            return set(block)
        return set()


def _canonical_line(line: str) -> str:
    """A line as compared for doubling: doubled words undone (as this stage will undo them, so
    a second repair finds nothing new), spacing and case ignored."""
    edits = repeated_word_edits(line, "duplicates")
    if edits:
        line = apply_edits(line, edits)
    return " ".join(line.split()).casefold()


class _ParagraphSegments:
    """Which paragraph lies in which segment (segment k follows the k-th paragraph break), filled
    in chunk by chunk."""

    def __init__(self, paras) -> None:
        self.starts = np.fromiter((p.start for p in paras), dtype=np.int64, count=len(paras))
        self.segment = np.zeros(len(paras), dtype=np.int64)
        self.chunk_base = 0  # segments before the current chunk
        self._next_base = 0
        self._chunk = (0, 0)  # the current chunk's paragraphs

    def add_chunk(self, lo: int, hi: int, break_ends: np.ndarray) -> None:
        """Segments of the paragraphs starting in ``text[lo:hi]``, whose breaks end at
        ``break_ends`` (offsets in the chunk)."""
        self.chunk_base = self._next_base
        a, b = (int(k) for k in np.searchsorted(self.starts, [lo, hi]))
        self.segment[a:b] = self.chunk_base + np.searchsorted(break_ends, self.starts[a:b] - lo,
                                                              side="right")
        self._next_base = self.chunk_base + len(break_ends)
        self._chunk = (a, b)

    def in_chunk(self, segments: set[int]) -> list[int]:
        """The current chunk's paragraphs lying in ``segments``, in text order."""
        a, b = self._chunk
        return [a + k for k in _members(self.segment[a:b], segments)]

    def paragraphs_in(self, segments: set[int]) -> list[int]:
        """The paragraphs lying in ``segments``, in text order."""
        return _members(self.segment, segments)


def _members(values: np.ndarray, wanted: set[int]) -> list[int]:
    if not wanted:
        return []
    return np.flatnonzero(np.isin(values, np.fromiter(wanted, np.int64, len(wanted)))).tolist()


class _Undone:
    """The text with the doubled-word edits made (``edits``: sorted, apart), its paragraphs, and
    the way back to the original's offsets."""

    def __init__(self, original: str, paras, edits: list[Edit]) -> None:
        self.original = original
        self.text = apply_edits(original, edits)
        shrink = list(accumulate((len(e.old) - len(e.new) for e in edits), initial=0))
        self._old_ends = [e.end for e in edits]
        self._new_ends = [e.start - shrink[k] + len(e.new) for k, e in enumerate(edits)]
        self._shrink = shrink
        self.paras = _UndoneParagraphs(self, paras)

    def span(self, start: int, end: int) -> Span:
        """A span of the original (never inside an edit) in the undone text."""
        start -= self._shrink[bisect.bisect_right(self._old_ends, start)]
        end -= self._shrink[bisect.bisect_right(self._old_ends, end)]
        return Span(start, end, self.text[start:end])

    def original_offset(self, pos: int) -> int:
        """Where offset ``pos`` of the undone text lies in the original (after a removed copy when
        ``pos`` ends the word it followed)."""
        return pos + self._shrink[bisect.bisect_right(self._new_ends, pos)]

    def original_edit(self, e: Edit) -> Edit:
        start, end = self.original_offset(e.start), self.original_offset(e.end)
        return Edit(start, end, self.original[start:end], e.new, e.stage, e.reason, e.confidence)


class _UndoneParagraphs(Sequence):
    """The original's paragraphs in the undone text, each mapped when asked for (the stage reads
    only the few involved in a candidate pair)."""

    def __init__(self, undone: _Undone, paras) -> None:
        self._undone = undone
        self._paras = paras

    def __len__(self) -> int:
        return len(self._paras)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        p = self._paras[k]
        return self._undone.span(p.start, p.end)


def _inside(spans: list[tuple[int, int]], e: Edit) -> bool:
    """Whether ``e`` lies inside one of the sorted, disjoint ``spans``."""
    k = bisect.bisect_left(spans, (e.end, e.end))
    return bool(k) and spans[k - 1][1] > e.start


def _offset_counts(group_sizes: np.ndarray, max_postings: int, offsets: range) -> list[int]:
    """For each offset k (until one gives none), how many members of the small groups (two to
    ``max_postings`` members, stored one group after another) have a member k places on in
    their group: ``sum(size - k)`` over groups larger than k, from a histogram of group sizes."""
    small = group_sizes[(group_sizes >= 2) & (group_sizes <= max_postings)]
    histogram = np.bincount(small, minlength=max_postings + 1).astype(np.int64)
    size = np.arange(len(histogram), dtype=np.int64)
    counts = []
    for k in offsets:
        n = int(((size[k + 1:] - k) * histogram[k + 1:]).sum())
        if n == 0:
            break
        counts.append(n)
    return counts


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an array already sorted, without sorting it again."""
    if len(values) == 0:
        return values
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def _hash_order(h: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order sorting shingles by (hash, unit), and the hashes in that order.

    Where units already ascend (as both passes give them), that is a stable sort by hash; sorting
    plain integers is about twice as fast as numpy's stable argsort, so each key is the hash with
    its lowest bits replaced by the shingle's index. Two different hashes that agree in all other
    bits would then be ordered by index, not hash; that is checked, and then the argsort decides.
    """
    if not np.all(u[1:] >= u[:-1]):
        order = np.lexsort((u, h))
        return order, h[order]
    bits = max(1, (len(h) - 1).bit_length())
    if bits > 40:  # too few hash bits left to tell hashes apart
        order = np.argsort(h, kind="stable")
        return order, h[order]
    low = np.int64((1 << bits) - 1)
    key = h & ~low
    key |= np.arange(len(h), dtype=np.int64)
    key.sort()
    order = key & low
    sorted_h = h[order]
    top = key.view(np.uint64)
    same_top = (top[1:] ^ top[:-1]) <= np.uint64(low)  # neighbours differing in low bits only
    del key, top
    if np.any(same_top & (sorted_h[1:] != sorted_h[:-1])):
        order = np.argsort(h, kind="stable")
        return order, h[order]
    return order, sorted_h


def _chunks(text: str, size: int):
    """(start, end) of consecutive pieces of ``text``, about ``size`` long, each ending just after a
    paragraph break (or at the end of the text), so no word, piece or break is cut."""
    start = 0
    n = len(text)
    while start < n:
        end = start + size
        if end >= n:
            yield start, n
            return
        m = _PARAGRAPH_BREAK.search(text, end)
        end = m.end() if m else n
        yield start, end
        start = end


def _similarity(oa: list[str], wa: list[str], ob: list[str], wb: list[str],
                at_least: float) -> float:
    """See :meth:`DuplicatesStage.similarity_of` (``o*`` words as written, ``w*`` lowercased);
    returns 0.0 early when ``at_least`` is out of reach."""
    if not wa or not wb:
        return 0.0
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    vocabulary = set(long_)
    present = sum(map(vocabulary.__contains__, short))
    if present < at_least * len(short):
        return 0.0  # aligned words are a subset of the shared ones: cannot reach the bar
    if at_least and _paired_words(short, long_) / len(short) < at_least:
        return 0.0  # nor can it with only the words in a pair that the other text has too
    if not {w for w in short if w[0].isdigit()} <= vocabulary:
        return 0.0
    if _chiasmus(wa, wb):
        return 0.0
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    for tag, i1, i2, j1, j2 in changes:
        # a name swapped for a name is a local substitution; a long rewritten or cut-off stretch
        # that happens to hold capitals on both sides is not
        if (tag == "replace" and i2 - i1 <= 3 and j2 - j1 <= 3
                and _has_name(oa, i1, i2) and _has_name(ob, j1, j2)):
            return 0.0
    if len(changes) == 1 and changes[0][0] == "replace":
        _, i1, i2, j1, j2 = changes[0]
        if i2 - i1 == 1 and j2 - j1 == 1 and _different_things(wa[i1], wb[j1]):
            return 0.0
    aligned = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
    return aligned / len(short)


def _chiasmus(wa: list[str], wb: list[str]) -> bool:
    """Whether two sentences are the same words with two distant ones exchanged ("When the black
    man does not live in peace, the white man …" / "When the white man …, the black man …"): a
    figure of speech, written on purpose. Spinners swap words for synonyms and word-order damage
    swaps neighbours; neither exchanges two words far apart and keeps every other one."""
    if len(wa) != len(wb):
        return False
    differ = [k for k, (a, b) in enumerate(zip(wa, wb)) if a != b]
    if len(differ) != 2:
        return False
    i, j = differ
    return j - i >= 2 and wa[i] == wb[j] and wa[j] == wb[i]


def _paired_words(short: list[str], long_: list[str]) -> int:
    """How many words of ``short`` stand in a pair of neighbours that ``long_`` has too: a bound
    on the words aligned in runs of two or more, cheaper than the alignment (on 4 MB of UN
    speeches it spares 54 of the 643 alignments that the shared-word test lets through)."""
    pairs = set(zip(long_, long_[1:]))
    shared = [pair in pairs for pair in zip(short, short[1:])]
    return sum(map(bool.__or__, [False, *shared], [*shared, False]))


def _different_things(a: str, b: str) -> bool:
    """Whether two content words that are the only difference between two sentences name
    different things ("the world energy market" / "the world food market"): a parallel sentence,
    not a spun copy, since a spinner swaps a word for one its thesaurus lists. Two words are the
    same thing when either thesaurus (Moby, WordNet) lists one under the other."""
    if len(a) < 3 or len(b) < 3 or not (a.isalpha() and b.isalpha()):
        return False
    if a in _FUNCTION_WORDS or b in _FUNCTION_WORDS:
        return False
    if _word_forms(a, b):
        return False
    from ..thesaurus import is_content_word, reverse_candidates

    if not (is_content_word(a) and is_content_word(b)):
        return False
    return b not in reverse_candidates(a) and a not in reverse_candidates(b)


#: Two words are forms of one word when they share all but this many letters at the end.
_FORM_ENDING = 3


def _word_forms(a: str, b: str) -> bool:
    """Whether two words are forms of one word or one misspelt ("promising" / "promisings",
    "country" / "countries"): a spun or damaged copy, not a parallel sentence about another thing."""
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) <= _FORM_ENDING and long_.startswith(short[:max(4, len(long_) - _FORM_ENDING)])


def _has_name(words: list[str], i: int, j: int) -> bool:
    """Whether ``words[i:j]`` holds a capitalised word that is not a function word.

    Sentence-initial words count too ("Brazil welcomes …" vs "Benin welcomes …"): a capitalised
    ordinary word swapped for another at the start ("Moreover" / "Furthermore") then also keeps
    both sentences, which errs on the side of leaving text alone.
    """
    return any(words[k][:1].isupper() and words[k].lower() not in _FUNCTION_WORDS
               for k in range(i, j))


def _preview(text: str, unit: _Unit, n_words: int = 8) -> str:
    words = text[unit.start:unit.end].split()
    more = "…" if len(words) > n_words else ""
    return "“" + " ".join(words[:n_words]) + more + "”"


def _confidence(sim: float) -> float:
    return round(min(1.0, 0.5 + 0.5 * sim), 3)


SPEC = register(StageSpec(
    "duplicates", order=30,
    build=lambda settings, folder: DuplicatesStage(similarity=settings.duplicate_similarity),
    summary="near-duplicate sentences and paragraphs, doubled words"))
