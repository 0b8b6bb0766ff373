"""Doubled words ("the the", "assist assist"): found by the duplicates stage, judged here.

Spinners and careless machine translation double words; edited English almost never does, with a
few well-known exceptions that are kept: ``had had``, ``that that``, emphatic doubles
(``very very``, ``bye bye``), a particle followed by the same preposition (``came in in 2010``),
and doubled names (``Walla Walla``, ``Duran Duran``: the second copy capitalised in mid-sentence).
Only copies separated by plain spaces count: ``very, very`` is left alone.

The second copy goes (and a third: ``the the the`` -> ``the``); a sentence-initial capital stays
with the first (``The the`` -> ``The``).
Doubled *phrases* (``the plan the plan``) are left to the neural stage, which lists undoubling
among its rule-made alternatives.

Why the duplicates stage runs this: a scan of the whole text for doubled words (a regex at about
30 MB/s) cost a sixth of the deterministic pipeline's time, while the duplicates stage already
hashes every word of the text for its shingles; adjacent equal hashes point at the few paragraphs
worth the exact check below, which costs next to nothing.
"""

from __future__ import annotations

import re

from ..edits import Edit

#: Words whose doubling is grammatical or idiomatic often enough to leave alone.
LEGIT_DOUBLES = frozenset("""
had that do is bye so very no yes ha well now far more many long again knock chop
in on up out off down over by about through around along back away
""".split())

#: A word, then spaces and the same word once or more (ignoring case; a tripled word goes in one
#: edit, so a second repair finds nothing left); possessive quantifiers on the word and the
#: spaces keep the scan linear.
_DOUBLE = re.compile(r"\b([^\W\d_]++)(?: ++(\1)\b)+(?!['’-]\w)", re.IGNORECASE)


def _keep_double(first: str, second: str) -> bool:
    word = first.lower()
    return (word in LEGIT_DOUBLES or (len(word) == 1 and word != "a")
            or second[:1].isupper())  # a capitalised second copy: a name (Walla Walla) or a heading


def repeated_word_edits(text: str, stage: str) -> list[Edit]:
    """An edit removing the second (and any further) copy of each doubled word in ``text`` (spans
    index ``text``)."""
    edits = []
    for m in _DOUBLE.finditer(text):
        first, second = m.group(1), m.group(2)
        if m.start() > 0 and text[m.start() - 1] in "'’-" or _keep_double(first, second):
            continue
        edits.append(Edit(m.start(), m.end(), m.group(), first, stage, "repeated word", 0.9))
    return edits
