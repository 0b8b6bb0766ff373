"""Word-order noise: local swaps that literal translation leaves behind.

- two adjacent words swapped (``the most widely`` -> ``most the widely``, adjective and noun);
- an adverb moved past its neighbour (``also said`` -> ``said also``, ``has long claimed`` ->
  ``has claimed long``);
- two adjacent two-word chunks swapped (``for two of the companies`` -> ``of the for two companies``).

The span covers the words that moved; a sentence-initial capital moves with the position, not the word.
"""

from __future__ import annotations

from random import Random
from typing import Optional

from .base import Context, decapitalize_initial, edit, first_free
from .labelled import DamageEdit

CATEGORY = "word_order"

ADVERBS = frozenset("""also still already only just even now often never always recently long widely
currently really actually usually again soon quickly finally further directly clearly largely
mostly nearly almost simply""".split())


def _reorder(ctx: Context, i: int, parts: list[int]) -> str:
    """Join tokens ``parts`` (a permutation of a run starting at ``i``) with single spaces,
    moving the sentence-initial capital to the new first word."""
    words = [ctx.tokens[k].text for k in parts]
    if ctx.is_initial(i) and words[0] != ctx.tokens[i].text:
        old_first = ctx.tokens[i].text
        words = [w if w != old_first else decapitalize_initial(w) for w in words]
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _plain_run(ctx: Context, i: int, n: int) -> bool:
    """Tokens ``i .. i+n-1`` are words separated by single spaces."""
    if i + n > len(ctx.tokens):
        return False
    for k in range(i, i + n):
        t = ctx.tokens[k].text
        if not t[0].isalnum():
            return False
        if k < i + n - 1 and not ctx.plain_gap(k):
            return False
    return True


class WordOrderNoise:
    """Swap adjacent words, move an adverb, or swap two short chunks."""

    category = CATEGORY

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        r = rng.random()
        toks = ctx.tokens
        if r < 0.35:
            adverbs = [i for i in ctx.words if toks[i].text.lower() in ADVERBS and _plain_run(ctx, i, 2)]
            result = first_free(ctx, rng, adverbs, lambda i: edit(
                ctx, i, i + 1, _reorder(ctx, i, [i + 1, i]), CATEGORY, "adverb.move"))
            if result is not None:
                return result
        if r < 0.85:
            pairs = [i for i in ctx.words if _plain_run(ctx, i, 2)]
            result = first_free(ctx, rng, pairs, lambda i: edit(
                ctx, i, i + 1, _reorder(ctx, i, [i + 1, i]), CATEGORY, "swap.adjacent"))
            if result is not None:
                return result
        chunks = [i for i in ctx.words if _plain_run(ctx, i, 4)]
        return first_free(ctx, rng, chunks, lambda i: edit(
            ctx, i, i + 3, _reorder(ctx, i, [i + 2, i + 3, i, i + 1]), CATEGORY, "swap.chunks"))
