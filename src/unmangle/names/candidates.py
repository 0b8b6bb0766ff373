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
from .similarity import edit_distance, phonetic_key

#: A capitalised word: a capital, then letters (CamelCase allowed), not glued to other word characters.
CAP_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]*(?:[A-Z]?[a-z]+)*(?![\w])")
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


def matches_word(old: str, target: str) -> tuple[str, int] | None:
    """("spelling" or "sound", distance) when ``old`` is a near miss of ``target`` (lower case)."""
    d = edit_distance(old, target, 2)
    if d <= max_edits(old):
        return "spelling", d
    if d <= 2 and phonetic_key(old) == phonetic_key(target):
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
            how = matches_word(old.lower(), target)
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
        if self.gazetteer.is_name(phrase):
            return []
        out = []
        if 2 <= len(run) <= 3:
            joined = "".join(w.group() for w in run).lower()
            for entry in self.gazetteer.by_joined.get(joined, []):
                if len(joined) >= 6:
                    out.append(NameCandidate(start, end, phrase, entry.name, "split", 0, entry))
        if len(run) > 1 or self.suspicious(phrase):
            for entry in self.gazetteer.by_variant.get(fold(phrase.replace("-", " ")), []):
                out.append(NameCandidate(start, end, phrase, entry.name, "variant", 0, entry))
        return out


def _fits(entry: GazetteerName, i: int, run: list[re.Match], k: int) -> bool:
    """Whether the name's other words stand around word ``k`` of the run as they should."""
    words = entry.words
    if k - i < 0 or k + (len(words) - i) > len(run):
        return False
    for j, word in enumerate(words):
        if j != i and run[k - i + j].group().lower() != word.lower():
            return False
    return True
