"""Doubled and dropped words.

- a word or short phrase doubled (``assist`` -> ``assist, assist``; ``the the``);
- a word dropped, content or function; the span is anchored to the following word (or the
  preceding one at the end of a sentence), so neither side is empty.
"""

from __future__ import annotations

from random import Random
from typing import Optional

from .base import Context, decapitalize_initial, edit, first_free, match_case
from .labelled import DamageEdit

CATEGORY = "duplication"


class DuplicationNoise:
    """Double a word or phrase, or drop one."""

    category = CATEGORY

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        r = rng.random()
        if r < 0.4:
            result = self._double(ctx, rng)
        elif r < 0.55:
            result = self._double_phrase(ctx, rng)
        else:
            result = self._drop(ctx, rng)
        return result or self._drop(ctx, rng) or self._double(ctx, rng)

    def _double(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words if toks[i].text.isalpha()]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i].text
            listy = i + 1 < len(toks) and toks[i + 1].text in (",", "and")
            sep = ", " if listy or rng.random() < 0.3 else " "
            again = decapitalize_initial(t) if ctx.is_initial(i) else t
            return edit(ctx, i, i, f"{t}{sep}{again}", CATEGORY, "double.word")
        return first_free(ctx, rng, sites, make)

    def _double_phrase(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        n = 2 if rng.random() < 0.7 else 3
        sites = [i for i in ctx.words if i + n <= len(toks)
                 and all(toks[k].text.isalpha() for k in range(i, i + n))
                 and all(ctx.plain_gap(k) for k in range(i, i + n - 1))]

        def make(i: int) -> Optional[DamageEdit]:
            phrase = ctx.text[toks[i].start:toks[i + n - 1].end]
            first, rest = phrase.split(" ", 1)
            again = f"{decapitalize_initial(first)} {rest}" if ctx.is_initial(i) else phrase
            return edit(ctx, i, i + n - 1, f"{phrase} {again}", CATEGORY, "double.phrase")
        return first_free(ctx, rng, sites, make)

    def _drop(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        words = ctx.words
        if len(words) < 4:
            return None
        sites = [i for i in words if toks[i].text[0].isalpha()]

        def make(i: int) -> Optional[DamageEdit]:
            if i + 1 < len(toks) and toks[i + 1].text[0].isalnum() and ctx.plain_gap(i):
                nxt = toks[i + 1].text
                if ctx.is_initial(i) and nxt.islower():
                    nxt = match_case(toks[i].text, nxt)
                return edit(ctx, i, i + 1, nxt, CATEGORY, "drop.word")
            if i > 0 and toks[i - 1].text[0].isalnum() and ctx.plain_gap(i - 1) and not ctx.is_initial(i):
                return edit(ctx, i - 1, i, toks[i - 1].text, CATEGORY, "drop.word")
            return None
        return first_free(ctx, rng, sites, make)
