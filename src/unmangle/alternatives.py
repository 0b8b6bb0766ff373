"""Rule-made alternatives: the small-word slips a language model can judge.

Machine translation and spinners leave the same few kinds of local damage again and again: the
wrong article or preposition, a verb that disagrees with its subject, a doubled word, two words
in the wrong order. The neural detector barely sees these (a single small word looks ordinary on
its own), so the neural stage lists these rewrites for every sentence, ranks them with the n-gram
model and lets the rewriter judge the best few. Nothing here decides; it only proposes.

Each alternative is *minimal*: it replaces the fewest whole chunks (see
:func:`unmangle.textspans.chunks`) that express the change, the same way training data marks
a region: a deletion covers the deleted chunks, an insertion takes the chunk after it along
(``" cat"`` -> ``" the cat"``), a swap covers both words. So the rewriter scores each one on the kind
of input it was trained on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .textspans import chunks


ARTICLES = ("a", "an", "the")
#: Prepositions that machine translation confuses with each other; any may stand for any.
PREPOSITIONS = ("in", "on", "at", "of", "for", "to", "with", "from", "by", "about", "into",
                "over", "under", "during", "since", "through", "towards", "against", "among",
                "between", "within", "across", "upon")
#: Agreement, tense and reference partners: one form is often put for another.
FORM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("is", "are", "was", "were"), ("has", "have", "had"), ("does", "do", "did"),
    ("will", "would"), ("can", "could"), ("this", "these"), ("that", "those"),
    ("its", "their", "his", "her"), ("it", "they"), ("which", "who"),
)
PARTNERS: dict[str, tuple[str, ...]] = {}
for _group in (ARTICLES, PREPOSITIONS, *FORM_GROUPS):
    for _w in _group:
        PARTNERS[_w] = tuple(dict.fromkeys(PARTNERS.get(_w, ()) + tuple(x for x in _group if x != _w)))
#: Words whose removal is a plausible fix (what translation inserts by mistake).
DELETABLE = frozenset(ARTICLES + PREPOSITIONS + ("is", "are", "was", "were", "has", "have", "had",
                                                  "be", "been", "will", "would", "that", "which",
                                                  "it", "there", "also", "and", "more", "most"))
_WORDLIKE = re.compile(r"\w")


@dataclass(frozen=True)
class Alternative:
    """Replace ``sentence[start:end]`` (whole chunks) with ``text``; ``kind`` says which rule."""

    start: int
    end: int
    text: str
    kind: str


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _match_case(model: str, word: str) -> str:
    return _cap(word) if model[:1].isupper() else word


def alternatives(sentence: str, start: int = 0, end: int | None = None) -> list[Alternative]:
    """Rule-made rewrites touching the words of ``sentence[start:end]`` (all words by default).

    Rules: swap a word for a confusable partner (prepositions, articles, agreement forms); delete
    a word translation tends to insert; remove a doubled word or phrase; put an article before a
    word; swap two neighbouring words. A sentence-initial capital stays at the sentence start.
    """
    end = len(sentence) if end is None else end
    spans = chunks(sentence)
    toks = [sentence[a:b].lstrip() for a, b in spans]
    gaps = [sentence[a:b][:len(sentence[a:b]) - len(t)] for (a, b), t in zip(spans, toks)]
    is_word = [bool(_WORDLIKE.match(t)) for t in toks]
    first_word = next((i for i, w in enumerate(is_word) if w), -1)
    out: dict[tuple[int, int, str], str] = {}

    def emit(i1: int, i2: int, text: str, kind: str) -> None:
        a, b = spans[i1][0], spans[i2 - 1][1]
        if text != sentence[a:b]:
            out.setdefault((a, b, text), kind)

    def initial(k: int, word: str) -> str:
        """``word`` as it must read at chunk ``k`` (capitalised at the sentence start)."""
        return _cap(word) if k == first_word else word

    def demoted(k: int) -> str:
        """Word ``k`` moved away from the sentence start: lower-case it if it is a small word."""
        w = toks[k]
        if k == first_word and (w.lower() in PARTNERS or w.lower() in DELETABLE):
            return w.lower()
        return w

    for k, (a, b) in enumerate(spans):
        if not is_word[k] or b <= start or a >= end:
            continue
        word, low = toks[k], toks[k].lower()
        for partner in PARTNERS.get(low, ()):
            emit(k, k + 1, gaps[k] + _match_case(word, partner), "substitute")
        if low in DELETABLE and k + 1 < len(spans):
            if k == first_word:  # the next word takes over the capital: rewrite it too
                if is_word[k + 1]:
                    emit(k, k + 2, gaps[k] + _cap(toks[k + 1]), "delete")
            else:
                emit(k, k + 1, "", "delete")
        # a doubled word or phrase, with or without a comma between: "assist, assist", "did did"
        for n in (1, 2, 3):
            if k + 2 * n > len(toks) or not all(is_word[k:k + n]):
                continue
            phrase = [t.lower() for t in toks[k:k + n]]
            if [t.lower() for t in toks[k + n:k + 2 * n]] == phrase:
                emit(k + n, k + 2 * n, "", "undouble")
            elif toks[k + n] == "," and [t.lower() for t in toks[k + n + 1:k + 2 * n + 1]] == phrase:
                emit(k + n, k + 2 * n + 1, "", "undouble")
        if low not in PARTNERS and (k == 0 or toks[k - 1].lower() not in ARTICLES):
            rest = demoted(k)
            for art in ("the", "an" if low[:1] in "aeiou" else "a"):
                emit(k, k + 1, f"{gaps[k]}{initial(k, art)} {rest}", "insert")
        if k + 1 < len(spans) and is_word[k + 1] and gaps[k + 1] == " ":
            emit(k, k + 2, f"{gaps[k]}{initial(k, toks[k + 1])} {demoted(k)}", "swap")
    return [Alternative(a, b, text, kind) for (a, b, text), kind in out.items()]


def apply_alternative(sentence: str, alt: Alternative) -> str:
    return sentence[:alt.start] + alt.text + sentence[alt.end:]
