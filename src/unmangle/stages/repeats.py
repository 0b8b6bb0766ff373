"""Doubled words and phrases ("the the", "doubt the doubt the"): found by the duplicates stage,
judged here.

Spinners and careless machine translation double words and short phrases; edited English almost
never does, with a few well-known exceptions that are kept:

- words: ``had had``, ``that that``, emphatic doubles (``very very``, ``bye bye``), a particle
  followed by the same preposition (``came in in 2010``), and doubled names (``Walla Walla``,
  ``Duran Duran``: the second copy capitalised in mid-sentence);
- phrases of two to four words: idioms built on a link word (``shoulder to shoulder to``,
  ``more and more and more``, ``year after year after year``, read from either end: ``and more
  and more``, ``to day to day``, but not ``on the on the``), a longer run of the same period
  (``step by step by step``), a clause that names its own subject (``what will be will be``,
  ``whatever is understood is understood``), ``a spade a spade``, words all alike (``ha ha ha ha``),
  and a capitalised second copy (a name or a title).

Only copies separated by plain spaces count: ``very, very`` is left alone. How often the phrase
rule bites clean text, measured on training-side corpora: in the 539k words of MLQE-PE *train*
post-edits it removes 2 doubled phrases, both slips the editors kept ("his wife his wife", "on the
on the"), against 76 in the machine translations they corrected; in 1.28M words of UN speeches
(every tenth of 1992-2022) one, a slip too ("on Climate Change on Climate Change").

The second copy goes (and any further one: ``the the the`` -> ``the``); a sentence-initial
capital stays with the first (``The the`` -> ``The``). Copies are found in one left-to-right pass
that drops a copy as soon as it completes, so what is left has no doubled word or phrase (a
second repair finds nothing): ``doubt the the doubt the`` -> ``doubt the``.

Why the duplicates stage runs this: a scan of the whole text for doubled words (a regex at about
30 MB/s) cost a sixth of the deterministic pipeline's time, while the duplicates stage already
hashes every word of the text for its shingles; equal hashes one to four words apart point at the
few paragraphs worth the exact check below (profiled on 2 MB of UN speeches: an eighth of the
duplicates stage's time, most of it the quick test that spares paragraphs holding only a doubled
name such as "Boutros Boutros-Ghali").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..edits import Edit
from ..english import CORE_CLOSED_CLASS

#: Words whose doubling is grammatical or idiomatic often enough to leave alone.
LEGIT_DOUBLES = frozenset("""
had that do is bye so very no yes ha well now far more many long again knock chop
in on up out off down over by about through around along back away
""".split())

#: The longest doubled phrase looked for, in words.
MAX_PHRASE = 4

#: Link words of idioms that repeat a word around them ("shoulder to shoulder", "more and more",
#: "year after year", "word for word", "hand in hand"): a two-word unit ending in one is kept.
LINK_WORDS = frozenset("to after by and or upon for in on against versus than over".split())

#: Words that open a clause naming its own subject: "what will be will be".
_CLAUSE_OPENERS = frozenset("""
what whatever who whoever which whichever where wherever when whenever how however
""".split())

#: Two-word phrases whose doubling is an idiom.
LEGIT_PHRASES = frozenset({("a", "spade"), ("tick", "tock"), ("ding", "dong")})

_WORD = re.compile(r"[^\W\d_]+")
_PLAIN_SPACES = re.compile(r" +")


class _Word(NamedTuple):
    start: int
    end: int
    key: str  # lowercased


def _words(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def _may_hold_copies(text: str) -> bool:
    """A quick test that passes every text where :func:`repeated_word_edits` finds a copy: k
    words (k up to :data:`MAX_PHRASE`) equal to the k before them, the copy starting with a small
    letter. Most paragraphs the duplicates stage asks about hold only a doubled name ("Boutros
    Boutros-Ghali") or a phrase said again later, and this spares them the exact pass."""
    written = _WORD.findall(text)
    keys = [w.lower() for w in written]
    for k in range(1, MAX_PHRASE + 1):
        same = [a == b for a, b in zip(keys[k:], keys)]  # same[j]: word j + k equals word j
        for j in (j for j, hit in enumerate(same) if hit):
            if all(same[j:j + k]) and len(same[j:j + k]) == k and not written[j + k][0].isupper():
                return True
    return False


def _spaced(text: str, before: _Word, word: _Word) -> bool:
    """Whether only plain spaces stand between two words next to each other in the text."""
    return _PLAIN_SPACES.fullmatch(text, before.end, word.start) is not None


#: What glues a word to the text before it (a digit, "_", a hyphen or an apostrophe: "3the",
#: "re-re") or after it ("the3", "don't-care").
_GLUED_BEFORE = re.compile(r"[\w'’-]")
_GLUED_AFTER = re.compile(r"\w|['’-]\w")


def _attached(text: str, word: _Word) -> bool:
    """Whether a word is part of a longer token (a hyphenated or elided word, letters glued to
    digits): such a word is no copy of its own."""
    return (word.start > 0 and _GLUED_BEFORE.match(text, word.start - 1) is not None
            or _GLUED_AFTER.match(text, word.end) is not None)


def _is_copy(kept: list[int], words: list[_Word], text: str, k: int) -> bool:
    """Whether the last ``k`` kept words repeat the ``k`` before them, as damage."""
    if len(kept) < 2 * k:
        return False
    run = [words[i] for i in kept[-2 * k:]]
    first, second = run[:k], run[k:]
    if any(a.key != b.key for a, b in zip(first, second)):
        return False
    # each word after the first follows its neighbour in the text (a removed copy may stand
    # between two kept words) across plain spaces only
    if not all(j > 0 and _spaced(text, words[j - 1], words[j]) for j in kept[-2 * k + 1:]):
        return False
    if _attached(text, run[0]) or _attached(text, run[-1]):
        return False
    if text[second[0].start].isupper():
        return False  # a capitalised second copy: a name (Walla Walla) or a heading
    unit = tuple(w.key for w in first)
    if k == 1:
        word = unit[0]
        return word not in LEGIT_DOUBLES and (len(word) > 1 or word == "a")
    if len(set(unit)) == 1 or unit in LEGIT_PHRASES:
        return False
    if k == 2 and (unit[1] in LINK_WORDS
                   or (unit[0] in LINK_WORDS and unit[1] not in CORE_CLOSED_CLASS)):
        return False  # "shoulder to shoulder to", "more and more and", "(due) to day to day"
    if len(kept) > 2 * k:
        before = words[kept[-2 * k - 1]]
        if before.key == unit[-1] or before.key in _CLAUSE_OPENERS:
            return False  # a longer run of the period ("step by step by step"), "what will be will be"
    return True


def repeated_word_edits(text: str, stage: str) -> list[Edit]:
    """Edits removing the second (and any further) copy of each doubled word or phrase in
    ``text`` (spans index ``text``). Each edit spans the first copy and the copies removed after
    it and is replaced by the first copy, so ``text[e.start + len(e.new):e.end]`` is what goes."""
    if not _may_hold_copies(text):
        return []
    words = _words(text)
    kept: list[int] = []
    removed_by: dict[int, int] = {}  # removed word -> size of the unit it repeated
    for i in range(len(words)):
        kept.append(i)
        key = words[i].key
        for k in range(1, MAX_PHRASE + 1):
            # cheap test first: a copy of k words ends with the word k before it
            if len(kept) > k and words[kept[-1 - k]].key == key and _is_copy(kept, words, text, k):
                for j in kept[-k:]:
                    removed_by[j] = k
                del kept[-k:]
                break
    edits: list[Edit] = []
    i = 0
    while i < len(words):
        if i not in removed_by:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and j + 1 in removed_by:
            j += 1
        k = removed_by[i]
        # the edit starts at the first copy where it lies whole before the removal (a readable
        # "doubt the doubt the" -> "doubt the"), else at the kept word just before it
        s = i - k if i >= k and all(x not in removed_by for x in range(i - k, i)) else i - 1
        start, keep_end, end = words[s].start, words[i - 1].end, words[j].end
        phrase = any(removed_by[x] > 1 for x in range(i, j + 1))
        edits.append(Edit(start, end, text[start:end], text[start:keep_end], stage,
                          "repeated phrase" if phrase else "repeated word", 0.9))
        i = j + 1
    return edits
