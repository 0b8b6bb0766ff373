"""Spacing and punctuation noise (category ``spacing``): character-level damage.

``$ 35 billion``, ``achievement .``, `` ,``, ``. .`` and ``,,``, a lost space after a comma,
reversed or straightened curly quotes, a space inside quotes, ``trillion - dollar``, ``Ma ’s``.
These spans may start or end inside a word: the damage is between characters.
"""

from __future__ import annotations

from random import Random
from typing import Optional

from .base import Context, choose, first_free
from .labelled import DamageEdit

CATEGORY = "spacing"

_CLOSERS = frozenset(".,;:!?")
_CURRENCY = frozenset("$€£¥")
_QUOTE_SWAP = {"“": ("”", '"', "“ "), "”": ("“", '"', " ”"), "‘": ("’", "'"), "’": ("‘", "'"),
               '"': ("“", "”")}


def _e(ctx: Context, s: int, e: int, new: str, op: str) -> Optional[DamageEdit]:
    if not ctx.free(s, e) or ctx.text[s:e] == new:
        return None
    return DamageEdit(s, e, new, CATEGORY, op)


class SpacingNoise:
    """One spacing or punctuation slip."""

    category = CATEGORY

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        ops = [self._space_before, self._currency, self._doubled, self._missing_space, self._quote,
               self._hyphen, self._apostrophe]
        weights = (0.3, 0.12, 0.15, 0.13, 0.12, 0.1, 0.08)
        first = rng.random() * sum(weights)
        k = 0
        while first > weights[k] and k < len(ops) - 1:
            first -= weights[k]
            k += 1
        for op in ops[k:] + ops[:k]:
            result = op(ctx, rng)
            if result is not None:
                return result
        return None

    def _space_before(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in range(1, len(toks)) if toks[i].text in _CLOSERS
                 and toks[i].start == toks[i - 1].end and toks[i - 1].text[-1].isalnum()]
        return first_free(ctx, rng, sites, lambda i: _e(
            ctx, toks[i].start, toks[i].end, " " + toks[i].text, "space.before_punct"))

    def _currency(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in range(len(toks) - 1) if toks[i].text in _CURRENCY
                 and toks[i + 1].start == toks[i].end and toks[i + 1].text[0].isdigit()]
        sites += [i for i in range(1, len(toks)) if toks[i].text == "%" and toks[i].start == toks[i - 1].end
                  and toks[i - 1].text[-1].isdigit()]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i]
            new = t.text + " " if t.text in _CURRENCY else " " + t.text
            return _e(ctx, t.start, t.end, new, "space.currency")
        return first_free(ctx, rng, sites, make)

    def _doubled(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in range(1, len(toks)) if toks[i].text in _CLOSERS and toks[i - 1].text[-1].isalnum()]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i]
            new = choose(rng, [t.text + " " + t.text, t.text + t.text]) if t.text == "." else t.text * 2
            if t.text == "." and i + 1 < len(toks) and toks[i + 1].text[0].isalnum():
                return None  # an abbreviation dot ("U.S. officials"): doubling reads as an ellipsis
            return _e(ctx, t.start, t.end, new, "punct.doubled")
        return first_free(ctx, rng, sites, make)

    def _missing_space(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in range(1, len(toks) - 1) if toks[i].text in (",", ";", ":")
                 and ctx.plain_gap(i) and toks[i + 1].text[0].isalpha()]
        return first_free(ctx, rng, sites, lambda i: _e(
            ctx, toks[i].start, toks[i + 1].start, toks[i].text, "space.missing"))

    def _quote(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in range(len(toks)) if toks[i].text in _QUOTE_SWAP]
        return first_free(ctx, rng, sites, lambda i: _e(
            ctx, toks[i].start, toks[i].end, choose(rng, list(_QUOTE_SWAP[toks[i].text])), "quote.damage"))

    def _hyphen(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words if "-" in toks[i].text]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i]
            k = t.text.index("-")
            return _e(ctx, t.start + k, t.start + k + 1, choose(rng, [" - ", " -", "- "]), "space.hyphen")
        return first_free(ctx, rng, sites, make)

    def _apostrophe(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words if toks[i].text.endswith(("’s", "'s")) and len(toks[i].text) > 3]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i]
            k = len(t.text) - 2
            return _e(ctx, t.start + k, t.start + k + 1, choose(rng, [" ’", " '", "’ "]), "space.apostrophe")
        return first_free(ctx, rng, sites, make)
