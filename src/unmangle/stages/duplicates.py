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
   "Shares of Tencent fell 3%" are parallel sentences, not copies). Spun copies keep their numbers
   and mostly their names.

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

The same word hashes also show doubled words ("the the"): adjacent equal hashes mark the paragraphs
that :mod:`unmangle.stages.repeats` then checks exactly (``repeated_words=False`` turns this off).
"""

from __future__ import annotations

import bisect
import difflib
import re
from ..english import NOT_NAME_CAPITALS
from array import array
from dataclasses import dataclass

import numpy as np

from ..edits import Edit
from .base import BaseStage, StageSpec, register
from ..textspans import paragraphs, sentences
from ._removal import Removal, removal_edits
from .repeats import repeated_word_edits

_WORD = re.compile(r"\w+")
_SHINGLE = 3
# Words, rough sentence ends and paragraph breaks (the same breaks as textspans.paragraphs).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
_TOKEN = re.compile(r"\w+|\n[ \t]*(?:\n[ \t]*)*|[.!?](?=[\"'”’)\]]*(?:\s|$))")
#: Characters read at a time by the rough first pass (bounds its word lists).
_CHUNK = 1 << 20
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
        involved, doubled = self._paragraphs_sharing_text(text, paras)
        removals = self._removals(text, paras, involved)
        if not (self.repeated_words and doubled):
            return removals
        taken = sorted((e.start, e.end) for e in removals)
        words = []
        for pi in doubled:
            for e in repeated_word_edits(paras[pi].text, self.name):
                e = e.shifted(paras[pi].start)
                k = bisect.bisect_left(taken, (e.end, e.end))
                if k and taken[k - 1][1] > e.start:
                    continue  # inside a removed sentence
                words.append(e)
        return removals + words

    def _removals(self, text: str, paras, involved: list[int]) -> list[Edit]:
        headlines = self._doubled_headlines(paras)
        units: list[_Unit] = []
        para_sentences: dict[int, list[tuple[int, int, int]]] = {}  # (start, end, unit or -1)
        hashes, owners, sizes = array("q"), array("i"), array("i")
        for pi in involved:
            para = paras[pi]
            row = []
            for sent in sentences(para.text):
                start, end = para.start + sent.start, para.start + sent.end
                written = _WORD.findall(sent.text)
                if len(written) < self.min_words:
                    row.append((start, end, -1))
                    continue
                words = " ".join(written).lower().split()
                shingles = {hash(s) for s in zip(words, words[1:], words[2:])}
                uid = len(units)
                units.append(_Unit(start, end, pi, len(written)))
                hashes.extend(shingles)
                owners.extend([uid] * len(shingles))
                sizes.append(len(shingles))
                row.append((start, end, uid))
            para_sentences[pi] = row
        if len(units) < 2:
            return removal_edits(text, headlines, self.name) if headlines else []
        pairs = self.candidate_pairs(hashes, owners, sizes)
        removed = self._decide(text, units, pairs, para_sentences, len(paras))
        return self._edits(text, paras, para_sentences, removed, headlines)

    def _paragraphs_sharing_text(self, text: str, paras) -> tuple[list[int], list[int]]:
        """Paragraphs holding a rough sentence that has a candidate near-copy somewhere, and
        paragraphs holding two equal words in a row (candidate doubled words).

        Proper sentence splitting is the slow part, so a first, vectorised pass cuts the text at
        every ``. ! ?`` before a space (over-splitting at abbreviations is harmless here) and at
        every paragraph break, and runs the same candidate search on those pieces; only paragraphs
        involved in a candidate pair are split properly and compared exactly. The text is read in
        chunks of about :data:`_CHUNK` characters so word lists never exist for all of it at once.
        """
        shingle_parts, owner_parts, segment_parts = [], [], []
        doubled_segments: set[int] = set()
        piece_base = 0
        segment_base = 0
        enders = [hash(c) for c in ".!?"]
        for lo, hi in _chunks(text, _CHUNK):
            chunk = text[lo:hi].lower()
            tokens = _TOKEN.findall(chunk)
            h = np.fromiter(map(hash, tokens), dtype=np.int64, count=len(tokens))
            del tokens
            breaks = np.isin(h, [hash(b) for b in set(_PARAGRAPH_BREAK.findall(chunk))])
            del chunk
            boundary = breaks | np.isin(h, enders)
            word = ~boundary
            piece = (np.cumsum(boundary, dtype=np.int64) + piece_base)[word]
            all_segments = np.cumsum(breaks, dtype=np.int64) + segment_base
            segment = all_segments[word]
            if self.repeated_words:
                doubled_at = (h[1:] == h[:-1]) & word[1:] & word[:-1]
                doubled_segments.update(all_segments[1:][doubled_at].tolist())
            del all_segments
            piece_base += int(boundary.sum()) + 1  # pieces never span two chunks
            segment_base += int(breaks.sum())
            wh = h[word].astype(np.uint64)
            del h, breaks, boundary, word
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
        doubled = self._paragraphs_in(text, paras, doubled_segments)
        if not shingle_parts:
            return [], doubled
        shingles = np.concatenate(shingle_parts)
        owners = np.concatenate(owner_parts)
        del shingle_parts, owner_parts
        if len(shingles) == 0:
            return [], doubled
        sizes = np.bincount(owners, minlength=piece_base)  # with repeats: a rough pass
        pairs = self.candidate_pairs(shingles, owners, sizes, share=_ROUGH_SHARE)
        del shingles, owners, sizes
        if not pairs:
            return [], doubled
        piece_segment = np.zeros(piece_base, dtype=np.int64)
        for part in segment_parts:
            piece_segment[part[0]] = part[1]
        involved_segments = {int(piece_segment[p]) for pair in pairs for p in pair}
        return self._paragraphs_in(text, paras, involved_segments), doubled

    @staticmethod
    def _paragraphs_in(text: str, paras, segments: set[int]) -> list[int]:
        """The paragraphs of ``segments`` (segment k lies after the k-th paragraph break)."""
        if not segments:
            return []
        break_ends = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
        return [pi for pi, para in enumerate(paras)
                if bisect.bisect_right(break_ends, para.start) in segments]

    # -- finding pairs --------------------------------------------------------------------------

    def candidate_pairs(self, hashes, owners, sizes, share: float = 0.4) -> list[tuple[int, int]]:
        """(later, earlier) unit pairs sharing enough shingles, sorted; never all pairs.

        ``hashes`` and ``owners`` (arrays or numpy arrays) hold each unit's shingle hashes and the
        unit each belongs to, units in ascending order; ``sizes`` the number of shingles per unit.
        A pair needs ``_MIN_SHARED`` distinct shingles in common and ``share * similarity`` of the
        smaller unit's.
        """
        h = np.asarray(hashes, dtype=np.int64)
        u = np.asarray(owners, dtype=np.int32)
        if len(h) == 0:
            return []
        # a stable sort by hash keeps units ascending inside each group of equal hashes
        order = np.argsort(h, kind="stable") if np.all(u[1:] >= u[:-1]) else np.lexsort((u, h))
        h = h[order]
        u = u[order]
        del order
        distinct = np.ones(len(h), dtype=bool)
        distinct[1:] = (h[1:] != h[:-1]) | (u[1:] != u[:-1])
        h = h[distinct]
        u = u[distinct]
        del distinct
        new_group = np.empty(len(h), dtype=bool)
        new_group[0] = True
        np.not_equal(h[1:], h[:-1], out=new_group[1:])
        del h
        group = np.cumsum(new_group, dtype=np.int32) - 1
        group_size = np.bincount(group).astype(np.int32)[group]
        n_units = len(sizes)
        # stock shingles (in more than max_postings units): each unit meets only the first one
        big = (group_size > self.max_postings) & ~new_group
        small = (group_size >= 2) & (group_size <= self.max_postings)
        del group_size
        offsets = range(1, min(self.max_postings, self.fanout + 1))
        # count first, then fill one array: no list of arrays plus a concatenated copy
        su, sg = u[small], group[small]
        counts = []
        for k in offsets:
            n = int(np.count_nonzero(sg[k:] == sg[:-k])) if k < len(sg) else 0
            if n == 0:
                break
            counts.append(n)
        n_big = int(np.count_nonzero(big))
        all_keys = np.empty(n_big + sum(counts), dtype=np.int64)
        if n_big:
            first_unit = u[new_group]
            all_keys[:n_big] = u[big].astype(np.int64) * n_units + first_unit[group[big]]
            del first_unit
        del u, group, big, small, new_group
        pos = n_big
        for k, n in zip(offsets, counts):
            same = sg[k:] == sg[:-k]
            all_keys[pos:pos + n] = su[k:][same].astype(np.int64) * n_units + su[:-k][same]
            pos += n
        del su, sg
        if len(all_keys) < _MIN_SHARED:
            return []
        all_keys.sort()
        # a pair shares >= _MIN_SHARED shingles iff its run of equal keys is that long
        long_run = all_keys[_MIN_SHARED - 1:] == all_keys[:1 - _MIN_SHARED]
        pair_keys = np.unique(all_keys[:1 - _MIN_SHARED][long_run])
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
        words: dict[int, tuple[list[str], list[str]]] = {}  # unit -> (as written, lowercased)

        def words_of(uid: int) -> tuple[list[str], list[str]]:
            if uid not in words:
                written = _WORD.findall(text, units[uid].start, units[uid].end)
                words[uid] = (written, " ".join(written).lower().split())
            return words[uid]

        # groups of copies: units joined by a similar pair (a stock sentence repeated hundreds of
        # times meets only its first copy, so pairs alone do not say which copy came just before)
        parent = list(range(len(units)))

        def root(u: int) -> int:
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        sims: dict[int, float] = {}
        for later, earlier in pairs:
            sim = _similarity(*words_of(earlier), *words_of(later), self.similarity)
            if sim >= self.similarity:
                a, b = root(later), root(earlier)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                sims[later] = max(sims.get(later, 0.0), sim)
                sims[earlier] = max(sims.get(earlier, 0.0), sim)
        groups: dict[int, list[int]] = {}
        for uid in sims:
            groups.setdefault(root(uid), []).append(uid)
        previous: dict[int, int] = {}  # a copy -> the copy just before it
        for members in groups.values():
            members.sort()
            for before, after in zip(members, members[1:]):
                previous[after] = before
        shape = _Shapes(text, units, para_sentences)
        at_end = shape.end_block(previous, n_paras)
        removed: dict[int, tuple[str, float]] = {}
        for later in sorted(previous):
            if later in removed:
                continue
            before = previous[later]  # the copy just before: where damage shows
            kept = before
            while kept in removed and kept in previous:
                kept = previous[kept]  # the copy that stays, named in the reason
            a, b = units[kept], units[later]
            sim = _similarity(*words_of(kept), *words_of(later), 0.0) or sims[later]
            if b.n_words <= self.length_ratio * a.n_words:
                if later in at_end or shape.looks_like_damage(later, before):
                    removed[later] = (
                        f"near-duplicate of an earlier sentence (similarity {sim:.2f}"
                        f"{', part of a block repeated at the end' if later in at_end else ''}): "
                        f"{_preview(text, a)}", _confidence(sim))
            elif (kept not in removed and sim >= max(self.similarity, _TRUNCATED_SIMILARITY)
                  and shape.looks_like_damage(kept, later)):
                removed[kept] = (
                    f"truncated copy of a later, fuller sentence (similarity {sim:.2f}): "
                    f"{_preview(text, b)}", _confidence(sim))
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

    def _unit_text(self, uid: int) -> str:
        u = self.units[uid]
        return self.text[u.start:u.end]

    def _whole_paragraph(self, uid: int) -> bool:
        return self.para_size.get(self.units[uid].para, 0) == 1

    def authored(self, uid: int, other: int) -> str | None:
        """Why ``uid`` (a copy of ``other``) looks like a deliberate repeat, or None."""
        unit = self._unit_text(uid)
        if _QUESTION.search(unit):
            return "question or exclamation"
        if (not self._whole_paragraph(uid) and not self._whole_paragraph(other)
                and self.units[uid].n_words <= _HEADING_WORDS and self._verbatim(uid, other)):
            # a short sentence coming back word for word inside different paragraphs (spun
            # copies vary; a speaker's refrain does not)
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
        if _SOCIAL.search(self._paragraph_text(uid)) or _SOCIAL.search(self._paragraph_text(other)):
            return "quoted post"
        if self._whole_paragraph(uid) != self._whole_paragraph(other):
            return "pull quote"
        if self._quoted(uid) != self._quoted(other):
            return "quotation shown again"
        return None

    def _different_ending(self, uid: int, other: int) -> bool:
        words = [_WORD.findall(self._unit_text(u).lower()) for u in (uid, other)]
        return bool(words[0] and words[1]) and words[0][-1] != words[1][-1]

    def _verbatim(self, uid: int, other: int) -> bool:
        words = [_WORD.findall(self._unit_text(u).lower()) for u in (uid, other)]
        return words[0] == words[1]

    def _paragraph_text(self, uid: int) -> str:
        row = self.para_sentences[self.units[uid].para]
        return self.text[row[0][0]:row[-1][1]]

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
                    and kind not in ("question or exclamation", "refrain", "parallel phrasing"))
        if self.teaser(uid, other):
            return True  # scraped related-story line: a cut-off copy on a line of its own
        if gap > MAX_GAP:
            return False
        if kind is None:
            return True
        if gap > 1 or kind in ("pull quote", "quoted post", "quotation shown again"):
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
        from ..edits import apply_edits

        line = apply_edits(line, edits)
    return " ".join(line.split()).casefold()


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
    present = sum(w in vocabulary for w in short)
    if present < at_least * len(short):
        return 0.0  # aligned words are a subset of the shared ones: cannot reach the bar
    if not {w for w in short if w[0].isdigit()} <= vocabulary:
        return 0.0
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # a name swapped for a name is a local substitution; a long rewritten or cut-off stretch
        # that happens to hold capitals on both sides is not
        if (tag == "replace" and i2 - i1 <= 3 and j2 - j1 <= 3
                and _has_name(oa, i1, i2) and _has_name(ob, j1, j2)):
            return 0.0
    aligned = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
    return aligned / len(short)


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
