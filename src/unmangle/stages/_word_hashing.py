r"""Words, paragraph breaks and sentence ends of a text, found and hashed with numpy (for the
duplicates stage).

The duplicates stage's rough pass needs the tokens that
``\w+|\n[ \t]*(?:\n[ \t]*)*|[.!?](?=["'”’)\]]*(?:\s|$))`` finds in the lowercased text (words,
paragraph breaks, sentence ends) and a hash of each word; its exact pass needs each sentence's
hashed word 3-grams. ``re.findall`` plus ``hash`` over every token took about a third of the
stage's time on 4 MB of UN speeches (0.19 s of CPU); classifying code points with numpy and hashing
each word as a polynomial over its code points (prefix sums: no Python object per word) finds the
same tokens in 0.11 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..edits import Edit, apply_edits

#: Characters read at a time by the rough first pass (bounds its word lists).
CHUNK = 1 << 20

K_WORD, K_BREAK, _K_END = 0, 1, 2  # token kinds
_C_WORD, _C_SPACE, _C_NEWLINE, _C_BLANK, _C_END, _C_CLOSER = 1, 2, 4, 8, 16, 32  # character classes
_CLOSERS = "\"')]”’"
#: Odd multiplier of the word hash, and splitmix64's finaliser constants.
_BASE = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_ONE_WORD_CHAR, _ONE_SPACE = re.compile(r"\w"), re.compile(r"\s")


@lru_cache(maxsize=None)
def _char_class(c: str) -> int:
    """The classes of one character as the regex above sees it (Unicode ``\\w`` and ``\\s``)."""
    return ((_C_WORD if _ONE_WORD_CHAR.match(c) else 0) | (_C_SPACE if _ONE_SPACE.match(c) else 0)
            | (_C_NEWLINE if c == "\n" else 0) | (_C_BLANK if c in "\n \t" else 0)
            | (_C_END if c in ".!?" else 0) | (_C_CLOSER if c in _CLOSERS else 0))


_ASCII_CLASS = np.array([_char_class(chr(i)) for i in range(128)], dtype=np.uint8)


#: Word lengths whose powers of ``_BASE`` are kept (8 bytes each); longer words get their own.
_POWERS_KEPT = 1 << 12


@lru_cache(maxsize=1)
def _short_powers() -> np.ndarray:
    return _powers_of(_BASE, _POWERS_KEPT)


def _powers_of(base: int, n: int) -> np.ndarray:
    """``base ** i`` modulo 2**64 for i < n."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    np.cumprod(np.full(n - 1, base, dtype=np.uint64), out=out[1:])
    return out


@dataclass
class RoughTokens:
    """A chunk's tokens in order: kind (K_WORD, K_BREAK, _K_END) and hash (words; -1 and -2 for
    the others); where each word starts and each paragraph break ends (offsets in the chunk; no
    word starts where lowercasing changed the chunk's length)."""

    kind: np.ndarray
    hashes: np.ndarray
    word_starts: np.ndarray | None
    break_ends: np.ndarray


def rough_tokens(chunk: str) -> RoughTokens:
    """The rough pass's tokens of ``chunk.lower()``."""
    lowered = chunk.lower()
    cp = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = _classes(cp)
    w_start, w_end = _runs((cls & _C_WORD).astype(bool))
    b_start, b_end = _breaks(cls)
    ends = _sentence_ends(cls)
    hashes = _word_hashes(cp, w_start, w_end)
    word_starts: np.ndarray | None = w_start
    if len(lowered) != len(chunk):  # "İ" lowercases to two characters
        b_end = _original_offsets(chunk, b_end)
        word_starts = None
    order = np.argsort(np.concatenate([w_start, b_start, ends]), kind="stable")
    kind = np.concatenate([np.full(len(w_start), K_WORD, np.uint8),
                           np.full(len(b_start), K_BREAK, np.uint8),
                           np.full(len(ends), _K_END, np.uint8)])[order]
    hashes = np.concatenate([hashes, np.full(len(b_start), -1, np.int64),
                             np.full(len(ends), -2, np.int64)])[order]
    return RoughTokens(kind, hashes, word_starts, b_end)


def _classes(cp: np.ndarray) -> np.ndarray:
    """The class bits of each code point (a table for ASCII, the cache for the others)."""
    cls = _ASCII_CLASS.take(cp, mode="clip")  # code points above 127 are fixed below
    high = cp >= 128
    if high.any():
        distinct, inverse = np.unique(cp[high], return_inverse=True)
        cls[high] = np.fromiter((_char_class(chr(c)) for c in distinct.tolist()), np.uint8,
                                len(distinct))[inverse]
    return cls


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True in ``mask``."""
    step = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(step == 1), np.flatnonzero(step == -1)


def _breaks(cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paragraph breaks: in each run of newlines, spaces and tabs holding a newline, from its first
    newline to the run's end."""
    newlines = np.flatnonzero((cls & _C_NEWLINE).astype(bool))
    run_start, run_end = _runs((cls & _C_BLANK).astype(bool))
    run = np.searchsorted(run_start, newlines, side="right") - 1
    first = np.ones(len(newlines), dtype=bool)
    first[1:] = run[1:] != run[:-1]
    return newlines[first], run_end[run[first]]


def _sentence_ends(cls: np.ndarray) -> np.ndarray:
    """Positions of ". ! ?" followed by closing quotes or brackets, then a space or the end."""
    ends = np.flatnonzero((cls & _C_END).astype(bool))
    if not len(ends):
        return ends
    after = ends + 1
    closer_start, closer_end = _runs((cls & _C_CLOSER).astype(bool))
    if len(closer_start):
        run = np.maximum(np.searchsorted(closer_start, after, side="right") - 1, 0)
        after = np.where(closer_start[run] == after, closer_end[run], after)
    space = np.append((cls & _C_SPACE).astype(bool), True)
    return ends[space[after]]


def _word_hashes(cp: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """An int64 hash of each word ``cp[start:end]``: equal words hash equal, different words collide
    about as rarely as with Python's ``hash`` (both 64 bits).

    The polynomial ``sum((code + 1) * _BASE ** offset)`` over each word (offset: the place in
    the word), from prefix sums over all characters; characters outside words get a junk offset
    that no word's sum includes.
    """
    n = len(cp)
    longest = int((end - start).max()) if len(start) else 0
    powers = _short_powers() if longest < _POWERS_KEPT else _powers_of(_BASE, longest + 1)
    index = np.int32 if n < 1 << 31 else np.int64  # 4-byte offsets: fewer bytes per character
    offset = np.zeros(n, dtype=index)
    offset[start] = start
    np.maximum.accumulate(offset, out=offset)  # where the word (or the last one) starts
    np.subtract(np.arange(n, dtype=index), offset, out=offset)
    np.minimum(offset, len(powers) - 1, out=offset)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    terms = prefix[1:]  # filled in place: no further 8-byte-per-character arrays
    np.take(powers, offset, out=terms)
    del offset
    np.multiply(terms, cp + np.uint32(1), out=terms)
    np.cumsum(terms, out=terms)
    return _mix((prefix[end] - prefix[start]) ^ (end - start).astype(np.uint64)).view(np.int64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole hash."""
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def _original_offsets(chunk: str, offsets: np.ndarray) -> np.ndarray:
    """Offsets into ``chunk.lower()`` (at character boundaries of ``chunk``) as ones into ``chunk``."""
    cp = np.frombuffer(chunk.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    widths = np.ones(len(cp), dtype=np.int64)
    high = cp >= 128
    distinct, inverse = np.unique(cp[high], return_inverse=True)
    widths[high] = np.fromiter((len(chr(c).lower()) for c in distinct.tolist()), np.int64,
                               len(distinct))[inverse]
    return np.searchsorted(np.cumsum(widths), offsets, side="right")


#: From this many sentences on, the exact pass hashes their words with numpy in one go; below it,
#: one sentence at a time is quicker (measured: about 50 µs of fixed cost, even at 12-16 sentences).
VECTOR_SENTENCES = 16


def sentence_shingles(text: str, spans: list[tuple[int, int, int]]):
    """Each sentence's word count, and its shingles (hashed 3-grams of lowercased words) with
    the sentence each belongs to; None where lowercasing would split or join words (then the
    words must be lowercased one by one, as written).

    Finding and hashing every word of every sentence in Python took a fifth of this stage's time;
    this reads them all at once, as the rough pass does, in batches of about :data:`CHUNK`
    characters (as many word arrays as the rough pass holds at a time).
    """
    pieces = [text[start:end] for start, end, _ in spans]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    batch_of = np.cumsum(lengths + 1) // CHUNK
    cuts = [0, *np.flatnonzero(batch_of[1:] != batch_of[:-1]) + 1, len(pieces)]
    parts = [_batch_shingles(pieces[a:b], lengths[a:b], a) for a, b in zip(cuts, cuts[1:])]
    if any(part is None for part in parts):
        return None
    return tuple(np.concatenate(column) for column in zip(*parts))


def _batch_shingles(pieces: list[str], lengths: np.ndarray, first: int):
    """:func:`sentence_shingles` for the sentences ``pieces`` (numbered from ``first``)."""
    joined = "\n".join(pieces)
    if not _lowercase_keeps_words(joined):
        return None
    cp = np.frombuffer(joined.lower().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    w_start, w_end = _runs((_classes(cp) & _C_WORD).astype(bool))
    wh = _word_hashes(cp, w_start, w_end).view(np.uint64)
    piece_start = np.cumsum(lengths + 1) - lengths - 1
    sentence = np.searchsorted(piece_start, w_start, side="right") - 1
    n_words = np.bincount(sentence, minlength=len(pieces))
    same = sentence[:-2] == sentence[2:]
    with np.errstate(over="ignore"):
        hashes = (wh[:-2] * np.uint64(0x9E3779B97F4A7C15) + wh[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
                  + wh[2:])[same].view(np.int64)
    return n_words, hashes, sentence[:-2][same] + first


def _lowercase_keeps_words(text: str) -> bool:
    """Whether lowercasing ``text`` as a whole gives the same words as lowercasing each of its
    words: true unless a character changes length or word-ness, or is a capital sigma (whose
    lowercase depends on what follows)."""
    return text.isascii() or all(map(_lower_keeps_word, {c for c in set(text) if c > "\x7f"}))


@lru_cache(maxsize=None)
def _lower_keeps_word(c: str) -> bool:
    low = c.lower()
    same_kind = bool(_ONE_WORD_CHAR.match(c)) == bool(_ONE_WORD_CHAR.match(low))
    return len(low) == 1 and c != "Σ" and same_kind


def without_copies(tokens: RoughTokens, text: str, lo: int, hi: int,
                    edits: list[Edit]) -> RoughTokens:
    """The chunk ``text[lo:hi]``'s tokens once ``edits`` (doubled words undone) are made: the
    copies they remove dropped, or, where offsets shifted in lowercasing, the chunk re-read."""
    if tokens.word_starts is None:
        return rough_tokens(apply_edits(text[lo:hi], [e.shifted(-lo) for e in edits]))
    drop = np.zeros(len(tokens.word_starts), dtype=bool)
    for e in edits:  # the copies after the first: text[start + len(new):end]
        a, b = np.searchsorted(tokens.word_starts, [e.start - lo + len(e.new), e.end - lo])
        drop[a:b] = True
    keep = np.ones(len(tokens.kind), dtype=bool)
    keep[np.flatnonzero(tokens.kind == K_WORD)[drop]] = False
    return RoughTokens(tokens.kind[keep], tokens.hashes[keep], tokens.word_starts[~drop],
                        tokens.break_ends)
