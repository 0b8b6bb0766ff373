"""From (corrupted, clean) pairs to what the model learns: detector labels and span rewrites.

Both training and repair cut text into *chunks*: a word or a punctuation mark together with the
whitespace before it (``" Tennessee"``, ``" ."``). A region is a run of chunks; replacing a region's
text with the rewriter's output is always well-formed, deletions included (``" the"`` -> ``""``).
Regions come from a word-level diff of source and target, so any pair corpus (synthetic or real
post-edits) yields training data in the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..textspans import chunks
from ..neural.guards import FUNCTION_WORDS
from ..neural.tokenizer import KEEP, mark



@dataclass(frozen=True)
class Region:
    """``source[src_start:src_end]`` should become ``target[tgt_start:tgt_end]``."""

    src_start: int
    src_end: int
    tgt_start: int
    tgt_end: int


def diff_regions(source: str, target: str, max_gap: int = 0) -> list[Region]:
    """Regions where ``source`` and ``target`` differ, on chunk boundaries.

    A pure insertion is anchored to the chunk after it (or before it at the end), so every region
    covers some source text for the detector to flag.
    """
    sc, tc = chunks(source), chunks(target)
    s_tok = [source[a:b] for a, b in sc]
    t_tok = [target[a:b] for a, b in tc]
    ops = [op for op in SequenceMatcher(None, s_tok, t_tok, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    merged: list[list[int]] = []
    for _, i1, i2, j1, j2 in ops:
        if merged and i1 - merged[-1][1] <= max_gap and j1 - merged[-1][3] <= max_gap:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    anchored: list[list[int]] = []
    bare: list[Region] = []
    for i1, i2, j1, j2 in merged:
        if i1 == i2:  # insertion: take a neighbouring chunk along
            if i2 < len(sc) and j2 < len(tc):
                i2, j2 = i2 + 1, j2 + 1
            elif i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            else:  # nothing to anchor to (empty source): a bare insertion
                bare.append(Region(len(source), len(source), tc[j1][0], tc[j2 - 1][1]))
                continue
        if anchored and (i1 < anchored[-1][1] or j1 < anchored[-1][3]):
            anchored[-1][1] = max(anchored[-1][1], i2)
            anchored[-1][3] = max(anchored[-1][3], j2)
        else:
            anchored.append([i1, i2, j1, j2])
    regions = list(bare)
    for i1, i2, j1, j2 in anchored:
        src_a, src_b = sc[i1][0], sc[i2 - 1][1]
        if j1 < j2:
            tgt_a, tgt_b = tc[j1][0], tc[j2 - 1][1]
        else:  # deletion: the target side is empty, placed where the next chunk starts
            tgt_a = tgt_b = tc[j1][0] if j1 < len(tc) else len(target)
        regions.append(Region(src_a, src_b, tgt_a, tgt_b))
    return regions


@dataclass
class SentenceExamples:
    """Training material from one pair: the corrupted text, its flagged regions, rewrite pairs."""

    source: str
    bad_regions: list[tuple[int, int]]
    rewrites: list[tuple[str, str]]  # (marked input, target text or KEEP)


def is_content_word(chunk: str) -> bool:
    """A word of four or more letters that is not a function word ("females", not "with")."""
    word = chunk.strip()
    return len(word) >= 4 and word.isalpha() and word.lower() not in FUNCTION_WORDS


def build_examples(source: str, target: str, rng: random.Random, *, max_src_chunks: int = 8,
                   max_tgt_chunks: int = 12, jitter: float = 0.3, negatives: int = 1,
                   context_chunks: int = 40, content_weight: float = 1.0) -> SentenceExamples:
    """Detector regions and rewrite examples (with jittered boundaries and <keep> negatives).

    ``<keep>`` negatives fall on untouched chunks, each with weight 1, or ``content_weight`` for a
    content word (letters, four or more, not a function word): the rewriter's false repairs on
    clean text are rare content words swapped for common ones ("females" -> "women"), which
    uniform negatives, mostly short common words, seldom show it. 1.0 draws uniformly, as the
    bundled model was trained.
    """
    regions = diff_regions(source, target)
    sc = chunks(source)
    starts = {a: i for i, (a, _) in enumerate(sc)}
    ends = {b: i for i, (_, b) in enumerate(sc)}
    bad = [(r.src_start, r.src_end) for r in regions]
    covered = set()
    rewrites: list[tuple[str, str]] = []
    for r in regions:
        i1 = starts.get(r.src_start)
        i2 = ends.get(r.src_end)
        if i1 is None or i2 is None:
            continue
        covered.update(range(i1, i2 + 1))
        if i2 - i1 + 1 > max_src_chunks or len(chunks(target[r.tgt_start:r.tgt_end])) > max_tgt_chunks:
            continue
        a, b, ta, tb = r.src_start, r.src_end, r.tgt_start, r.tgt_end
        # widen by one untouched chunk on either side now and then: the detector's regions at
        # repair time do not fall exactly on the corruption
        if rng.random() < jitter and i1 > 0 and (i1 - 1) not in covered:
            width = sc[i1][0] - sc[i1 - 1][0]
            a, ta = sc[i1 - 1][0], ta - width
        if rng.random() < jitter and i2 + 1 < len(sc) and all(
                (rr.src_start >= sc[i2 + 1][1] or rr.src_end <= sc[i2 + 1][0]) for rr in regions):
            width = sc[i2 + 1][1] - sc[i2][1]
            b, tb = sc[i2 + 1][1], tb + width
        if source[a:r.src_start] != target[ta:r.tgt_start] or source[r.src_end:b] != target[r.tgt_end:tb]:
            a, b, ta, tb = r.src_start, r.src_end, r.tgt_start, r.tgt_end
        rewrites.append((mark(source, a, b, context_chunks), target[ta:tb]))
    free = [i for i in range(len(sc)) if i not in covered]
    weights = None
    if content_weight != 1.0 and free:
        weights = [content_weight if is_content_word(source[sc[i][0]:sc[i][1]]) else 1.0 for i in free]
    for _ in range(negatives):
        if not free:
            break
        i = rng.choice(free) if weights is None else rng.choices(free, weights)[0]
        j = i + 1 if rng.random() < 0.4 and i + 1 < len(sc) and (i + 1) not in covered else i
        rewrites.append((mark(source, sc[i][0], sc[j][1], context_chunks), KEEP))
    return SentenceExamples(source, bad, rewrites)


def token_labels(offsets: list[tuple[int, int]], bad: list[tuple[int, int]]) -> list[int]:
    """1 for tokens overlapping a bad region, 0 otherwise, -100 for special tokens."""
    labels = []
    for a, b in offsets:
        if a == b:
            labels.append(-100)
            continue
        labels.append(int(any(a < rb and b > ra for ra, rb in bad)))
    return labels
