"""Entity consistency in one document: a name spelled right in one place and a near miss of it
elsewhere.

A document that writes "Tencent" three times and "Tencnet" once has told us which spelling it
means; so has one that writes "Xiaomi" in one paragraph and "Millet Corp" in another. This path
looks only for near misses of names the document itself spells right (gazetteer names it writes
exactly), which makes it more precise than the open search: it may accept any one-letter edit,
split spellings, variants and literal renderings written in capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .candidates import CAP_WORD, LONG_WORD, NameCandidate, _runs, is_short_form, matches_word
from .gazetteer import MIN_FUZZY_LENGTH, Gazetteer, GazetteerName
from .judge import WordJudge

#: Longest literal rendering or variant looked for, in words.
MAX_PHRASE_WORDS = 4


@dataclass(frozen=True)
class DocumentName:
    """A name the document spells right: its words and, when listed, its gazetteer entry."""

    text: str
    entry: GazetteerName | None


def document_names(text: str, gazetteer: Gazetteer, judge: WordJudge) -> list[DocumentName]:
    """Names the document spells right: listed names it writes exactly, with their capitals.
    (Capitalised words that are not listed are left out: "Edition" twice does not make
    "Editino" a name's near miss.)"""
    words = list(CAP_WORD.finditer(text))
    found: dict[str, DocumentName] = {}
    for run in _runs(words, text):
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + 4) + 1):
                phrase = text[run[i].start():run[j - 1].end()]
                for entry in gazetteer.by_form.get(phrase.lower(), []):
                    if entry.name == phrase:
                        found.setdefault(phrase, DocumentName(phrase, entry))
    return list(found.values())


def consistency_candidates(text: str, gazetteer: Gazetteer, judge: WordJudge) -> list[NameCandidate]:
    """Near misses of the names :func:`document_names` finds in ``text``."""
    names = document_names(text, gazetteer, judge)
    if not names:
        return []
    right = {n.text for n in names}
    name_words: dict[str, tuple[str, GazetteerName | None]] = {}
    joined: dict[str, DocumentName] = {}
    phrases: dict[str, tuple[str, GazetteerName]] = {}
    for n in names:
        for w in n.text.split():
            if len(w) >= MIN_FUZZY_LENGTH:
                name_words.setdefault(w.lower(), (w, n.entry))
        if " " not in n.text:
            joined[n.text.lower()] = n
        if n.entry is not None:
            for form in (*n.entry.variants, *n.entry.renderings):
                phrases.setdefault(form.lower(), (n.entry.name, n.entry))
    placeholder = GazetteerName("", "other")
    out: list[NameCandidate] = []
    words = list(CAP_WORD.finditer(text))
    for run in _runs(words, text):
        for w in run:
            old = w.group()
            if old in right or len(old) < MIN_FUZZY_LENGTH or old.isupper() or judge.knows(old):
                continue
            if gazetteer.is_name(old):
                continue
            for low, (target, entry) in name_words.items():
                if abs(len(low) - len(old)) > 2 or low[0] != old[0].lower() and low[-1] != old[-1].lower():
                    continue
                how = matches_word(old.lower(), low)
                if how is not None and (how[1] == 1 or len(old) >= LONG_WORD):
                    out.append(NameCandidate(w.start(), w.end(), old, target, "consistency:" + how[0],
                                             how[1], entry or placeholder))
        # split spellings, variants and renderings: sub-runs of the run
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + MAX_PHRASE_WORDS) + 1):
                start, end = run[i].start(), run[j - 1].end()
                phrase = text[start:end]
                if phrase in right:
                    continue
                key = phrase.lower()
                if j - i >= 2 and key.replace(" ", "").replace("-", "") in joined:
                    n = joined[key.replace(" ", "").replace("-", "")]
                    out.append(NameCandidate(start, end, phrase, n.text, "consistency:split", 0,
                                             n.entry or placeholder))
                if key in phrases and not is_short_form(phrase, phrases[key][0]) and (j - i >= 2 or not judge.knows(phrase) or _title_mid_sentence(text, start)):
                    target, entry = phrases[key]
                    how = "consistency:rendering" if key in {r.lower() for r in entry.renderings} else "consistency:variant"
                    out.append(NameCandidate(start, end, phrase, target, how, 0, entry))
    return out


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”'‘’(\[]\s*|\n\s*)$")


def _title_mid_sentence(text: str, start: int) -> bool:
    """Whether a capitalised word at ``start`` stands in mid-sentence (so its capital is a name's)."""
    return not _SENTENCE_START.search(text[max(0, start - 3):start])
