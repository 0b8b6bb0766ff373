"""How close two spellings are: by letters (edit distance) and by sound (a simple phonetic key)."""

from __future__ import annotations

import re


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
    neighbouring letters each cost 1 (a lost, doubled, wrong or swapped letter). Returns
    ``limit + 1`` as soon as the distance is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def deletes(word: str) -> set[str]:
    """The word and every spelling with one letter removed: two words within one edit (or a swap)
    of each other share at least one of these (the symmetric-delete trick)."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


#: Spellings of one sound, replaced left to right in one pass (the longest first).
_SOUNDS = {"ph": "f", "ck": "k", "q": "k", "ce": "se", "ci": "si", "cy": "si", "c": "k", "x": "ks",
           "z": "s", "dg": "j", "gh": "g", "th": "t", "kh": "k", "y": "i", "v": "f"}
_SOUND = re.compile("|".join(sorted(_SOUNDS, key=len, reverse=True)))
_SILENT = re.compile(r"[wh](?![aeiouy])")
_NOT_LETTER = re.compile(r"[^a-z]")
_VOWELS = str.maketrans("", "", "aeiou")
_DOUBLE = re.compile(r"(.)\1+")


def phonetic_key(word: str) -> str:
    """A rough sound key: the first letter, then consonants with similar sounds merged, vowels
    dropped and doubles collapsed ("Zelenskyy", "Zelensky" and "Selenski" share "slnsk").
    Simpler than Metaphone on purpose: it only gathers candidates, the edit distance and the
    language models decide."""
    w = _NOT_LETTER.sub("", word.lower())
    if not w:
        return ""
    w = _SOUND.sub(lambda m: _SOUNDS[m.group()], _SILENT.sub("", w)) or w[0]
    return _DOUBLE.sub(r"\1", w[0] + w[1:].translate(_VOWELS))


def edit_kind(old: str, target: str) -> str | None:
    """What one edit turned ``target`` into ``old`` (both lower case): "doubled" (a letter written
    twice), "lost" (a letter left out), "swapped" (two neighbours exchanged), "added" (another
    letter put in), "substituted"; None when they are not one edit apart."""
    if len(old) == len(target) + 1:
        for i in range(len(old)):
            if old[:i] + old[i + 1:] == target:
                return "doubled" if (i > 0 and old[i - 1] == old[i]) or (i + 1 < len(old) and old[i + 1] == old[i]) else "added"
        return None
    if len(old) + 1 == len(target):
        return "lost" if edit_kind(target, old) in ("doubled", "added") else None
    if len(old) == len(target):
        diff = [i for i in range(len(old)) if old[i] != target[i]]
        if len(diff) == 1:
            return "substituted"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and old[diff[0]] == target[diff[1]] and old[diff[1]] == target[diff[0]]:
            return "swapped"
    return None
