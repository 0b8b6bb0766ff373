"""Near misses of gazetteer names in a text: what might be a damaged name, and which name.

A candidate is a capitalised token or short phrase that the language models do not know and that
lies close to a listed name:

* ``spelling``: one letter lost, doubled, wrong or two swapped (two for long words) in a name word;
* ``sound``: the same rough sound key and at most two edits ("Zelenskiy" / "Zelensky");
* ``split``: a one-word name written as two or three capitalised words ("Byte Dance");
* ``variant``: a listed variant spelling, such as toneless pinyin ("Tengxun" for Tencent).

A name word of several words counts only where the name's other words stand around it ("Xi
Jinpng" is a near miss of Xi Jinping, "Jinpng" alone is not). Finding is cheap and generous; the
stage decides which candidates to accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import MIN_FUZZY_LENGTH, Gazetteer, GazetteerName, fold
from .judge import WordJudge
from .similarity import edit_distance, edit_kind, phonetic_key

#: A capitalised word: a capital, then letters (CamelCase allowed), not glued to other word characters.
CAP_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]*(?:[A-Z]?[a-z]+)*(?![\w])")
#: A word pair the trigram model counted this often is an established spelling ("Viet Nam").
ESTABLISHED_PAIR = 5
#: The most edits a near miss of a word this long may show (shorter words: 1).
LONG_WORD = 8


@dataclass(frozen=True)
class NameCandidate:
    """Replace ``old`` at ``[start, end)`` by ``new`` (a name, or a word of one) because of ``how``."""

    start: int
    end: int
    old: str
    new: str
    how: str
    distance: int
    name: GazetteerName


def max_edits(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


#: One-edit damage the open search accepts: what translation and spinning do to a name inside it.
OPEN_EDITS = frozenset({"doubled", "lost", "swapped"})


def matches_word(old: str, target: str, *, strict: bool = False) -> tuple[str, int] | None:
    """("spelling" or "sound", distance) when ``old`` is a near miss of ``target`` (lower case).

    Never when the first letters differ (damage inside a name keeps its first letter; "Preece" and
    "Greece" are two names) or ``old`` is ``target`` with an ending ("Bidens", "Europas").
    ``strict`` (the open search) also wants a doubled, lost or swapped letter inside the word, or
    for long words the same sound key."""
    if old[:1] != target[:1] or (old.startswith(target) and len(old) > len(target)):
        return None
    d = edit_distance(old, target, 2)
    if d == 1:
        kind = edit_kind(old, target)
        if not strict or (kind in OPEN_EDITS and old[-1] == target[-1]):
            return "spelling", d
    elif d == 2 and len(old) >= LONG_WORD and (not strict or phonetic_key(old) == phonetic_key(target)):
        return ("sound" if phonetic_key(old) == phonetic_key(target) else "spelling"), d
    if not strict and d <= 2 and phonetic_key(old) == phonetic_key(target):
        return "sound", d
    return None


def _cap_words(text: str) -> list[re.Match]:
    return list(CAP_WORD.finditer(text))


def _runs(words: list[re.Match], text: str) -> list[list[re.Match]]:
    """Maximal runs of capitalised words separated by one space (or a hyphen)."""
    runs: list[list[re.Match]] = []
    for w in words:
        if runs and text[runs[-1][-1].end():w.start()] in (" ", "-"):
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


class NearMissFinder:
    """Candidates for near misses of gazetteer names (see the module's description)."""

    def __init__(self, gazetteer: Gazetteer, judge: WordJudge) -> None:
        self.gazetteer = gazetteer
        self.judge = judge

    def suspicious(self, word: str) -> bool:
        """A word worth a near-miss search: long enough, not a listed name, unknown to both models."""
        return (len(word) >= MIN_FUZZY_LENGTH and not word.isupper()
                and not self.gazetteer.is_name(word) and not self.judge.knows(word))

    def find(self, text: str) -> list[NameCandidate]:
        words = _cap_words(text)
        out: list[NameCandidate] = []
        for run in _runs(words, text):
            out.extend(self._phrases(run, text))
            for k, w in enumerate(run):
                if self.suspicious(w.group()):
                    out.extend(self._word(run, k, text))
        return out

    def _word(self, run: list[re.Match], k: int, text: str) -> list[NameCandidate]:
        w = run[k]
        old = w.group()
        out = []
        for target in self.gazetteer.near_words(old):
            how = matches_word(old.lower(), target, strict=True)
            if how is None:
                continue
            for entry, i in self.gazetteer.by_word[target]:
                if not _fits(entry, i, run, k):
                    continue
                new = entry.words[i]
                out.append(NameCandidate(w.start(), w.end(), old, new, how[0], how[1], entry))
        return out

    def _phrases(self, run: list[re.Match], text: str) -> list[NameCandidate]:
        """Split spellings and listed variants: the whole run, so that a longer name is never cut."""
        if not run:
            return []
        start, end = run[0].start(), run[-1].end()
        phrase = text[start:end]
        if self.gazetteer.is_name(phrase) or self._established(run):
            return []
        out = []
        if 2 <= len(run) <= 3:
            joined = "".join(w.group() for w in run).lower()
            # a spell checker splits a brand into real words ("Byte Dance"); unknown pieces
            # ("Subulus Salam") are more likely a name of their own
            pieces_known = all(self.judge.knows(w.group()) for w in run)
            for entry in self.gazetteer.by_joined.get(joined, []):
                if len(joined) >= 6 and pieces_known:
                    out.append(NameCandidate(start, end, phrase, entry.name, "split", 0, entry))
        if len(run) > 1 or self.suspicious(phrase):
            for entry in self.gazetteer.by_variant.get(fold(phrase.replace("-", " ")), []):
                if is_short_form(phrase, entry.name):
                    continue
                out.append(NameCandidate(start, end, phrase, entry.name, "variant", 0, entry))
        return out


    def _established(self, run: list[re.Match]) -> bool:
        """Whether the run's first two words are a pair the trigram model counted several times
        ("Viet Nam"): an established spelling, not a split name."""
        lm = self.judge.lm
        if lm is None or len(run) < 2:
            return False
        return lm.bigram_count(run[0].group().lower(), run[1].group().lower()) >= ESTABLISHED_PAIR


def is_short_form(phrase: str, name: str) -> bool:
    """Whether ``phrase`` is made of some of ``name``'s words ("Tianshun" of "Tianshun Emperor")."""
    words = {w.lower() for w in name.split()}
    return all(w.lower() in words for w in phrase.replace("-", " ").split())


def _fits(entry: GazetteerName, i: int, run: list[re.Match], k: int) -> bool:
    """Whether the name's other words stand around word ``k`` of the run as they should."""
    words = entry.words
    if k - i < 0 or k + (len(words) - i) > len(run):
        return False
    for j, word in enumerate(words):
        if j != i and run[k - i + j].group().lower() != word.lower():
            return False
    return True
