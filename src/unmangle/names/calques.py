"""Lexicon entries from the gazetteer's literal renderings ("Millet" for Xiaomi), for review.

A literal rendering is ordinary English ("millet", "tiny letter"), so every entry carries a
``require=`` rule: the name itself, its pinyin, or words of its kind (company words for a company)
must stand near it. Renderings that are a single very common word, and names whose renderings the
shipped lexicon already handles, are left out.
"""

from __future__ import annotations

from ..lexicon.entry import LexiconEntry
from .gazetteer import Gazetteer

#: Context words for a rendering of a company's or app's name.
ORG_CONTEXT = ("company", "Corp", "Inc", "Group", "shares", "app", "apps", "users", "platform",
               "brand", "smartphone*", "e-commerce", "chairman", "CEO", "founder", "listed")
PLACE_CONTEXT = ("province", "city", "county", "district", "China", "Chinese")


def calque_entries(gazetteer: Gazetteer, *, kinds: tuple[str, ...] = ("org",),
                   exclude_forms: set[str] = frozenset(), confidence: float = 0.6) -> list[LexiconEntry]:
    """One entry per (rendering, name) of the given kinds, with a context rule."""
    entries = []
    seen: set[str] = set()
    for name in gazetteer.names:
        if name.kind not in kinds or not name.renderings:
            continue
        forms = []
        for r in name.renderings:
            key = r.lower()
            if key in seen or key in exclude_forms or len(gazetteer.by_rendering.get(key, [])) > 1:
                continue  # one form, one name: a rendering shared by two names says neither
            if len(r) < 4 or key in name.name.lower() or name.name.lower() in key:
                continue
            seen.add(key)
            forms.append(" ".join(w[:1].upper() + w[1:] for w in r.split()))
        if not forms:
            continue
        context = (name.name, *name.variants[:2], *(ORG_CONTEXT if name.kind == "org" else PLACE_CONTEXT))
        entries.append(LexiconEntry(tuple(forms), name.name, "entity", require=context,
                                    window=12, case_sensitive=True, confidence=confidence,
                                    note=f"literal rendering of {name.name} (gazetteer, CC-CEDICT): review before use"))
    return entries
