"""Changes the neural stage never makes, whatever the model's score.

The rewriter learned deletions from doubled words and inserted function words, and names from a
few hundred renderings. Outside those it can be confidently wrong in ways that destroy meaning:
deleting a content word, or turning a name into a common word ("Nottingham" -> "not"). These checks
keep such candidates out; everything they let through still has to beat ``<keep>``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

#: Words whose deletion or swap is a grammatical repair, not a change of content.
FUNCTION_WORDS = frozenset("""
a an the this that these those some any no each every
of in on at to for from by with about into onto over under between among through during
against without within upon across along around toward towards after before since until
and or but nor so yet as than if whether because while although though
is are was were be been being am has have had do does did will would shall should can could
may might must it its it's he him his she her hers they them their theirs we us our ours you
your yours i me my mine who whom whose which what there here not also very more most
""".split())

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_function_only(text: str) -> bool:
    words = _words(text)
    return all(w.lower() in FUNCTION_WORDS for w in words)


def allowed(old: str, new: str, left: str) -> bool:
    """Whether replacing ``old`` (preceded by ``left`` in its sentence) with ``new`` may be proposed.

    - Removing words: only function words, or words that repeat the text just before them.
    - Replacing content words by function words only is a removal in disguise ("puja" -> "the").
    - A capitalised word inside a sentence that is not a function word is taken for a name: its
      replacement must start with a capital too.
    - No name out of nowhere: a capitalised word the replacement brings in must look like a word
      it replaces (a rendering undone: "Ticketok" -> "TikTok", "Ali Baba" -> "Alibaba") or stand
      earlier in the sentence. Renderings that share no letters with the name ("millet" ->
      "Xiaomi") are the lexicon's job, where context rules keep them safe.
    """
    old_words = [w.lower() for w in _words(old)]
    new_words = [w.lower() for w in _words(new)]
    removed = list(old_words)
    for w in new_words:
        if w in removed:
            removed.remove(w)
    nearby = set(new_words) | {w.lower() for w in _words(left)[-3:]}
    for w in removed:
        if w not in FUNCTION_WORDS and w not in nearby and len(new_words) < len(old_words):
            return False  # a content word would vanish that is not a repeat
    if removed and new_words and all(w in FUNCTION_WORDS for w in new_words) and any(
            w not in FUNCTION_WORDS and w not in nearby for w in removed):
        return False  # content words would give way to function words only
    first = _words(old)[:1]
    mid_sentence = bool(left.strip())
    if first and mid_sentence and first[0][:1].isupper() and first[0].lower() not in FUNCTION_WORDS:
        new_first = _words(new)[:1]
        if not new_first or not new_first[0][:1].isupper():
            return False
    return not _brings_in_unrelated_name(old, new, left)


def _looks_like(a: str, b: str) -> bool:
    return a[:3] == b[:3] or SequenceMatcher(None, a, b).ratio() >= 0.5


def _brings_in_unrelated_name(old: str, new: str, left: str) -> bool:
    mid_sentence = bool(left.strip())
    names = [w.lower() for k, w in enumerate(_words(new))
             if w[:1].isupper() and w.lower() not in FUNCTION_WORDS and (k > 0 or mid_sentence)]
    if not names:
        return False
    old_words = [w.lower() for w in _words(old)]
    forms = old_words + ["".join(old_words)]
    earlier = {w.lower() for w in _words(left)}
    return any(n not in earlier and not any(_looks_like(o, n) for o in forms if o) for n in names)
