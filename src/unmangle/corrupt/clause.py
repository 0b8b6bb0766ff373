"""Clause-level noise: displaced phrases, lost sentence breaks, stray capitals.

- a prepositional phrase moved earlier in the sentence, or a fronted one moved to the end
  (``Beijing moved in November to ...`` -> ``In November Beijing moved to ...``);
- a lost sentence break: the full stop between two sentences dropped, the second keeping its
  capital (``... the most widespread Are kept from``); the span runs from the last word of the first
  sentence to the first word of the second;
- a stray capital mid-sentence (``platforms Will have access``).

Spans cover the whole region whose order changed.
"""

from __future__ import annotations

from random import Random
from typing import Optional

from .base import Context, capitalize_first, decapitalize_initial, first_free
from .function_words import PREPOSITIONS
from .labelled import DamageEdit

CATEGORY = "clause"

_MOVABLE_PREPS = frozenset(set(PREPOSITIONS) - {"of"})
_DETERMINERS = frozenset("the a an this that these those its his her their our my your".split())
#: Farthest a phrase moves, in tokens.
MAX_MOVE = 10
_STRAY_CAP_WORDS = frozenset("""will has have are is was were can would should could may must been be
not also already from on in to by with for kept made said has""".split())


def _e(ctx: Context, s: int, e: int, new: str, op: str) -> Optional[DamageEdit]:
    if not ctx.free(s, e) or ctx.text[s:e] == new:
        return None
    return DamageEdit(s, e, new, CATEGORY, op)


def _first_word_lower(text: str) -> str:
    head, sep, rest = text.partition(" ")
    return decapitalize_initial(head) + sep + rest


class ClauseNoise:
    """Move a phrase, merge two sentences, or capitalise a word mid-sentence."""

    category = CATEGORY

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        r = rng.random()
        order = [self._lost_break, self._move_phrase, self._front_to_end, self._stray_cap]
        if r < 0.35:
            pass
        elif r < 0.7:
            order = order[1:3] + order[:1] + order[3:]
        elif r < 0.8:
            order = order[2:3] + order[:2] + order[3:]
        else:
            order = order[3:] + order[:3]
        for op in order:
            result = op(ctx, rng)
            if result is not None:
                return result
        return None

    def _lost_break(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        nxt = ctx.next_tok
        if nxt is None or len(toks) < 3 or toks[-1].text != "." or not nxt.text[0].isalpha():
            return None
        last = toks[-2]
        if not last.text[-1].isalnum() or last.end != toks[-1].start:
            return None
        sep = "" if rng.random() < 0.85 else ","
        return _e(ctx, last.start, nxt.end, f"{last.text}{sep} {nxt.text}", "sentence.merge")

    def _phrase_end(self, ctx: Context, i: int) -> Optional[int]:
        """Last token of the prepositional phrase starting at ``i`` if it ends at punctuation."""
        toks = ctx.tokens
        j = i
        while j + 1 < len(toks) and j - i < 5 and toks[j + 1].text[0].isalnum() and ctx.plain_gap(j):
            j += 1
        if j == i:
            return None
        if j + 1 < len(toks) and toks[j + 1].text not in (",", ".", ";", "!", "?"):
            return None
        return j

    def _move_phrase(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        if ctx.first_word < 0:
            return None
        sites = [i for i in ctx.words if i >= ctx.first_word + 2 and toks[i].text in _MOVABLE_PREPS
                 and (toks[i].text != "to" or (i + 1 < len(toks) and toks[i + 1].text in _DETERMINERS))]

        def make(i: int) -> Optional[DamageEdit]:
            j = self._phrase_end(ctx, i)
            if j is None or not toks[i - 1].text[0].isalnum():
                return None
            # move a short way only: a displaced phrase, not a rewritten sentence
            words_before = [k for k in ctx.words if ctx.first_word <= k < i - 1 and i - k <= MAX_MOVE]
            if not words_before:
                return None
            if i - ctx.first_word <= MAX_MOVE and rng.random() < 0.5:
                k = ctx.first_word
            else:
                k = words_before[rng.randrange(len(words_before))]
            head = ctx.text[toks[k].start:toks[i - 1].end]
            if any(q in head for q in "“”\"‘’()"):
                return None
            phrase = ctx.text[toks[i].start:toks[j].end]
            if k == ctx.first_word:
                new = f"{capitalize_first(phrase)} {_first_word_lower(head)}"
            else:
                new = f"{phrase} {head}"
            return _e(ctx, toks[k].start, toks[j].end, new, "phrase.move")
        return first_free(ctx, rng, sites, make)

    def _front_to_end(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        f = ctx.first_word
        if f < 0 or toks[f].text.lower() not in _MOVABLE_PREPS or len(toks) < f + 6 \
                or len(toks) - f > 2 * MAX_MOVE:
            return None
        comma = next((c for c in range(f + 1, min(f + 7, len(toks))) if toks[c].text == ","), None)
        if comma is None or toks[-1].text not in (".", "!", "?") or not toks[-2].text[0].isalnum():
            return None
        if comma + 1 >= len(toks) - 1 or not toks[comma + 1].text[0].isalnum():
            return None
        phrase = ctx.text[toks[f].start:toks[comma - 1].end]
        rest = ctx.text[toks[comma + 1].start:toks[-2].end]
        if any(q in rest for q in "“”\"‘’()"):
            return None
        new = f"{capitalize_first(rest)} {_first_word_lower(phrase)}"
        return _e(ctx, toks[f].start, toks[-2].end, new, "phrase.to_end")

    def _stray_cap(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words if toks[i].text.isalpha() and toks[i].text.islower()
                 and not ctx.is_initial(i)]
        preferred = [i for i in sites if toks[i].text in _STRAY_CAP_WORDS]
        pool = preferred if preferred and rng.random() < 0.7 else sites
        return first_free(ctx, rng, pool, lambda i: _e(
            ctx, toks[i].start, toks[i].end, capitalize_first(toks[i].text), "capital.stray"))
