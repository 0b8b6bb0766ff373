"""Case-insensitive matching that keeps offsets, and replacements that keep the text's casing.

Matching runs on a *folded* copy of the text that has exactly the same length as the text, so a
match's offsets index the original: ``str.lower`` keeps the length for every character but a few
(U+0130 'İ' becomes two), and those few are left as they are. Typographic apostrophes and hyphens
and every kind of whitespace fold to their ASCII forms, one character for one.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RUN = re.compile(r"\s+")

_FOLD_MAP = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-",
    "\t": " ", "\n": " ", "\r": " ", "\x0b": " ", "\x0c": " ", "\xa0": " ", "\u2007": " ",
    "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ", "\u3000": " ",
    "\x85": " ", "\u2028": " ", "\u2029": " ",
}
_FOLD_PAIRS = tuple(_FOLD_MAP.items())

#: Small words a title-cased phrase leaves in lower case ("Department of Justice").
SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or per the to up via vs with".split()
)


def fold(text: str) -> str:
    """``text`` lower-cased for matching, with exactly the same length (offsets carry over)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)
    # str.translate looks every character up in Python; a few C-speed replace() calls for the
    # characters actually present are ~20x faster on ordinary text
    for char, repl in _FOLD_PAIRS:
        if char in lowered:
            lowered = lowered.replace(char, repl)
    return lowered


def fold_form(form: str) -> str:
    """The automaton key of a lexicon form: folded, single spaces."""
    return " ".join(fold(form).split())


def is_word_char(ch: str) -> bool:
    """Letters, digits, underscore and combining marks continue a word; anything else ends it."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def is_all_caps(text: str) -> bool:
    letters = _letters(text)
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalpha() for c in w)]


def is_title(text: str) -> bool:
    """Two or more words, each capitalised except small words ("Joined Together States")."""
    words = _words(text)
    if len(words) < 2:
        return False
    for i, word in enumerate(words):
        first = next(c for c in word if c.isalpha())
        if not first.isupper() and (i == 0 or word.lower() not in SMALL_WORDS):
            return False
    return True


def title_case(text: str) -> str:
    """Capitalise each word's first letter (small words after the first stay), keep the rest."""
    out = []
    for i, word in enumerate(text.split(" ")):
        if i > 0 and word.lower() in SMALL_WORDS:
            out.append(word)
        else:
            out.append(capitalise_first(word))
    return " ".join(out)


def capitalise_first(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text


def starts_upper(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper()


def adapt_case(matched: str, form: str, replacement: str, own_case: bool) -> str:
    """The replacement cased like ``matched`` (the text found), given the ``form`` as written.

    - text exactly as the form is written: the replacement as written;
    - ALL CAPS text (of a form not written so): ALL CAPS replacement;
    - entities (``own_case``): otherwise the replacement's own casing ("ticketok" -> "TikTok");
    - Title Case text of a form not written so: Title Case replacement;
    - a capital first letter (sentence start) on a lower-case form: the replacement capitalised;
    - otherwise the replacement as written (it may hold names: "chinese hawkers" -> "China hawks").
    """
    if " ".join(matched.split()) == form:
        return replacement
    if is_all_caps(matched) and not is_all_caps(form):
        return replacement.upper()
    if own_case:
        return replacement
    if is_title(matched) and not is_title(form):
        return title_case(replacement)
    if starts_upper(matched) and not starts_upper(form):
        return capitalise_first(replacement)
    return replacement


def keep_spacing(matched: str, replacement: str) -> str:
    """Keep the line breaks of a match that spans lines, when the word counts allow.

    "bogus\nnews" -> "fake\nnews" rather than "fake news"; with unequal word counts the
    replacement keeps its own single spaces.
    """
    gaps = _SPACE_RUN.findall(matched)
    if not gaps or all(g == " " for g in gaps):
        return replacement
    words = replacement.split(" ")
    if len(words) != len(gaps) + 1:
        return replacement
    out = [words[0]]
    for gap, word in zip(gaps, words[1:]):
        out.append(gap)
        out.append(word)
    return "".join(out)
