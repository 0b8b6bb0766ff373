"""Function-word noise: the small-word slips of machine translation.

- articles dropped, inserted or swapped (``the`` <-> ``a``/``an``, ``a`` <-> ``an``);
- prepositions swapped for a confusable one (``in`` -> ``on``/``at``/``of``);
- pronouns and possessives swapped (``his`` -> ``its``, ``they`` -> ``it``);
- auxiliaries and tense (``has become`` -> ``has became``, ``is`` <-> ``are``, ``will`` -> ``would``);
- number agreement (``two companies`` -> ``two company``, ``a company`` -> ``a companies``).

Dropped and inserted words are anchored to the following word (see :mod:`unmangle.corrupt.pairs`).
"""

from __future__ import annotations

from random import Random
from typing import Optional

from .base import Context, choose, edit, first_free, match_case
from .labelled import DamageEdit

CATEGORY = "function_word"

ARTICLES = frozenset({"a", "an", "the"})
PREPOSITIONS: dict[str, tuple[str, ...]] = {
    "in": ("on", "at", "of", "into"), "on": ("in", "at", "about", "to"), "at": ("in", "on", "to"),
    "of": ("for", "from", "in", "to"), "for": ("to", "of", "on"), "to": ("for", "into", "at"),
    "with": ("by", "to", "of"), "from": ("of", "by", "since"), "by": ("with", "from", "through"),
    "about": ("on", "of", "for"), "into": ("in", "to", "onto"), "over": ("in", "on", "above"),
    "under": ("below", "in", "beneath"), "during": ("in", "at", "for"), "since": ("from", "for"),
    "towards": ("to", "for"), "toward": ("to", "for"), "against": ("to", "with"),
    "among": ("between", "in"), "between": ("among", "in"), "within": ("in", "inside"),
}
PRONOUNS: dict[str, tuple[str, ...]] = {
    "his": ("its", "their", "her"), "its": ("his", "their", "it"), "their": ("its", "his", "there"),
    "her": ("his", "its", "their"), "he": ("it", "they", "she"), "she": ("he", "it", "they"),
    "it": ("he", "they", "this"), "they": ("it", "he", "we"), "them": ("it", "him", "they"),
    "him": ("it", "them", "his"), "this": ("these", "that", "it"), "these": ("this", "those", "they"),
    "that": ("which", "who", "what"), "which": ("that", "what", "who"), "who": ("which", "that", "whom"),
    "our": ("their", "its", "we"), "we": ("they", "us", "our"), "us": ("we", "them"),
}
AUXILIARIES: dict[str, tuple[str, ...]] = {
    "is": ("are", "was", "be"), "are": ("is", "were", "be"), "was": ("were", "is", "has been"),
    "were": ("was", "are", "have been"), "has": ("have", "had", "is"), "have": ("has", "had", "are"),
    "had": ("has", "have"), "does": ("do", "did"), "do": ("does", "did"), "did": ("does", "do"),
    "will": ("would", "shall", "can"), "would": ("will", "should"), "can": ("could", "may", "will"),
    "could": ("can", "would"), "should": ("shall", "would", "must"), "must": ("should", "need"),
    "may": ("might", "can"), "been": ("be", "being"), "being": ("been", "be"),
}
#: participle -> simple past (and back): "has become" -> "has became".
PARTICIPLES: dict[str, str] = {
    "become": "became", "come": "came", "run": "ran", "begun": "began", "given": "gave",
    "taken": "took", "gone": "went", "done": "did", "seen": "saw", "written": "wrote",
    "grown": "grew", "known": "knew", "risen": "rose", "fallen": "fell", "chosen": "chose",
    "shown": "showed", "spoken": "spoke", "driven": "drove", "broken": "broke", "eaten": "ate",
    "forgotten": "forgot", "hidden": "hid", "stolen": "stole", "woken": "woke", "drawn": "drew",
    "flown": "flew", "thrown": "threw", "worn": "wore", "torn": "tore", "sworn": "swore",
    "frozen": "froze", "ridden": "rode", "beaten": "beat", "bitten": "bit", "shaken": "shook",
}
_PAST_TO_PART = {v: k for k, v in PARTICIPLES.items()}
_HAVE = frozenset({"has", "have", "had", "having"})
QUANTIFIERS = frozenset("""two three four five six seven eight nine ten many several these those both
few various numerous all multiple dozens hundreds thousands millions""".split())
SINGULAR_DETERMINERS = frozenset({"a", "an", "one", "each", "every", "this", "that", "another"})
#: Words never treated as nouns for agreement or article insertion.
FUNCTION_WORDS = frozenset(set(ARTICLES) | set(PREPOSITIONS) | set(PRONOUNS) | set(AUXILIARIES) | set(
    """and or but not no nor so yet also as than then very more most less least such only just even
    still already there here when while where why how what whose whom if because although though
    unless until after before since into onto upon per via its it's some any all each every both
    either neither other another same own much many few several""".split()))
_BAD_PLURAL_ENDINGS = ("ss", "us", "is", "ous", "ics", "news", "series", "species")
_VOWEL_SOUND = frozenset("aeiou")


def _singular(word: str) -> Optional[str]:
    low = word.lower()
    if len(low) < 4 or not low.isalpha() or not low.endswith("s") or low.endswith(_BAD_PLURAL_ENDINGS):
        return None
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


def _plural(word: str) -> Optional[str]:
    low = word.lower()
    if len(low) < 3 or not low.isalpha() or low.endswith("s") or low in FUNCTION_WORDS:
        return None
    if low.endswith("y") and low[-2] not in _VOWEL_SOUND:
        return word[:-1] + "ies"
    if low.endswith(("ch", "sh", "x")):
        return word + "es"
    return word + "s"


def _article_for(word: str) -> str:
    return "an" if word[:1].lower() in _VOWEL_SOUND else "a"


def _content(ctx: Context, i: int) -> bool:
    t = ctx.tokens[i].text
    return t.isalpha() and t.islower() and t not in FUNCTION_WORDS


class FunctionWordNoise:
    """Drop, insert or swap articles; swap prepositions, pronouns, auxiliaries; break agreement."""

    category = CATEGORY

    def propose(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        ops = [self._article, self._preposition, self._pronoun, self._auxiliary, self._agreement]
        weights = [0.35, 0.25, 0.12, 0.14, 0.14]
        order = []
        pool = list(range(len(ops)))
        w = list(weights)
        while pool:  # weighted order without replacement
            r = rng.random() * sum(w)
            for k in range(len(pool)):
                r -= w[k]
                if r <= 0 or k == len(pool) - 1:
                    order.append(pool.pop(k))
                    w.pop(k)
                    break
        for k in order:
            result = ops[k](ctx, rng)
            if result is not None:
                return result
        return None

    # -- articles ---------------------------------------------------------------------------
    def _article(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words[:-1] if toks[i].text.lower() in ARTICLES and ctx.plain_gap(i)]
        r = rng.random()
        if sites and r < 0.45:
            return first_free(ctx, rng, sites, lambda i: self._drop_article(ctx, i))
        if sites and r < 0.75:
            return first_free(ctx, rng, sites, lambda i: self._swap_article(ctx, rng, i))
        return self._insert_article(ctx, rng)

    def _drop_article(self, ctx: Context, i: int) -> Optional[DamageEdit]:
        art, nxt = ctx.tokens[i].text, ctx.tokens[i + 1].text
        if not nxt[0].isalnum():
            return None
        if art[0].isupper():
            nxt = match_case(art, nxt) if nxt.islower() else nxt
        return edit(ctx, i, i + 1, nxt, CATEGORY, "article.drop")

    def _swap_article(self, ctx: Context, rng: Random, i: int) -> Optional[DamageEdit]:
        art = ctx.tokens[i].text
        nxt = ctx.tokens[i + 1].text
        low = art.lower()
        if low == "the":
            new = _article_for(nxt) if rng.random() < 0.8 else ("an" if _article_for(nxt) == "a" else "a")
        elif rng.random() < 0.75:
            new = "the"
        else:
            new = "an" if low == "a" else "a"
        return edit(ctx, i, i, match_case(art, new), CATEGORY, "article.swap")

    def _insert_article(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = []
        for i in ctx.words[1:]:
            prev = toks[i - 1].text.lower()
            if (prev in PREPOSITIONS or prev in ("is", "are", "was", "were", "of")) and _content(ctx, i) \
                    and ctx.plain_gap(i - 1):
                sites.append(i)
        word = "the" if rng.random() < 0.8 else None

        def make(i: int) -> Optional[DamageEdit]:
            art = word or _article_for(toks[i].text)
            return edit(ctx, i, i, f"{art} {toks[i].text}", CATEGORY, "article.insert")
        return first_free(ctx, rng, sites, make)

    # -- prepositions, pronouns, auxiliaries ---------------------------------------------------
    def _swap_from(self, ctx: Context, rng: Random, table: dict, op: str) -> Optional[DamageEdit]:
        toks = ctx.tokens
        sites = [i for i in ctx.words if toks[i].text.lower() in table]

        def make(i: int) -> Optional[DamageEdit]:
            t = toks[i].text
            return edit(ctx, i, i, match_case(t, choose(rng, list(table[t.lower()]))), CATEGORY, op)
        return first_free(ctx, rng, sites, make)

    def _preposition(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        return self._swap_from(ctx, rng, PREPOSITIONS, "preposition.swap")

    def _pronoun(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        return self._swap_from(ctx, rng, PRONOUNS, "pronoun.swap")

    def _auxiliary(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        tense = [i for i in ctx.words[1:] if toks[i - 1].text.lower() in _HAVE
                 and (toks[i].text in PARTICIPLES or toks[i].text in _PAST_TO_PART)]
        if tense and rng.random() < 0.6:
            def make(i: int) -> Optional[DamageEdit]:
                t = toks[i].text
                return edit(ctx, i, i, PARTICIPLES.get(t) or _PAST_TO_PART[t], CATEGORY, "tense.participle")
            result = first_free(ctx, rng, tense, make)
            if result is not None:
                return result
        return self._swap_from(ctx, rng, AUXILIARIES, "auxiliary.swap")

    # -- agreement ---------------------------------------------------------------------------
    def _agreement(self, ctx: Context, rng: Random) -> Optional[DamageEdit]:
        toks = ctx.tokens
        plural_sites, singular_sites = [], []
        for i in ctx.words[1:]:
            prev = toks[i - 1].text.lower()
            if prev in QUANTIFIERS or prev.isdigit():
                if _content(ctx, i) and _singular(toks[i].text):
                    plural_sites.append(i)
            elif prev in SINGULAR_DETERMINERS and _content(ctx, i) and _plural(toks[i].text):
                singular_sites.append(i)

        def to_singular(i: int) -> Optional[DamageEdit]:
            return edit(ctx, i, i, _singular(toks[i].text) or toks[i].text, CATEGORY, "agreement.singular")

        def to_plural(i: int) -> Optional[DamageEdit]:
            return edit(ctx, i, i, _plural(toks[i].text) or toks[i].text, CATEGORY, "agreement.plural")
        if plural_sites and (not singular_sites or rng.random() < 0.6):
            return first_free(ctx, rng, plural_sites, to_singular)
        return first_free(ctx, rng, singular_sites, to_plural)

