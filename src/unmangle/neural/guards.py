"""Changes the neural stage never makes, whatever the model's score.

The rewriter learned deletions from doubled words and inserted function words, and names from a
few hundred renderings. Outside those it can be confidently wrong in ways that destroy meaning:
deleting a content word, or turning a name into a common word ("Nottingham" -> "not"). These checks
keep such candidates out; everything they let through still has to beat ``<keep>``.

Three more kinds of change are refused because the model's training text makes it confidently
wrong there: a switch of spelling convention (the UN speeches it learned from write
"organization", so it "repairs" British "organisations"), a word cut short ("meningitis" ->
"men": generation stopped after the word's first piece), and a number that is not in the text it
replaces (copied from the sentence: "the assembled szlachta" -> "1669, which ..."). And one because
word-order damage is repaired by reordering while questions invert on purpose: a question is not
put in statement order ("Has it improved ...?" -> "It has improved ...").
"""

from __future__ import annotations

import re
from ..english import FUNCTION_WORDS
from ..stages.repeats import repeated_word_edits
from difflib import SequenceMatcher


_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text`` (letters first; digits and punctuation are not words here)."""
    return _WORD.findall(text)


def is_function_only(text: str) -> bool:
    return all(w.lower() in FUNCTION_WORDS for w in words(text))


def allowed(old: str, new: str, left: str, right: str = "") -> bool:
    """Whether replacing ``old`` (between ``left`` and ``right`` in its sentence) with ``new`` may
    be proposed.

    - Removing words: only function words, or words that repeat the text just before them, unless
      the words are written together anew (a split name merged: "Ali Baba" -> "Alibaba").
    - Replacing content words by function words only is a removal in disguise ("puja" -> "the"),
      judged on the words that change, whatever the span keeps.
    - A capitalised word inside a sentence that is not a function word is taken for a name: where
      one is replaced, a capitalised word must come in with the replacement. A capitalised "The"
      before such a word is part of the name ("like The Bahamas") and keeps its capital.
    - No name out of nowhere: a capitalised word the replacement brings in must look like a word
      it replaces (a rendering undone: "Ticketok" -> "TikTok", "Ali Baba" -> "Alibaba") or stand
      earlier in the sentence. Renderings that share no letters with the name ("millet" ->
      "Xiaomi") are the lexicon's job, where context rules keep them safe.
    - No switch of spelling convention, no word cut short, no number out of nowhere (module
      docstring).
    - No question turned into a statement: in a sentence that ends with "?", the words of an
      inverted auxiliary ("Has it improved ...?") are not put back in statement order.
    - No word written twice in a row that was not so before ("the The"): the next repair would
      take it back.
    """
    old_words = [w.lower() for w in words(old)]
    new_words = [w.lower() for w in words(new)]
    removed, added = _difference(old_words, new_words), _difference(new_words, old_words)
    nearby = set(new_words) | {w.lower() for w in words(left)[-3:]}
    if len(new_words) < len(old_words) and not respelled_whole(old_words, new_words):
        for w in removed:
            if w not in FUNCTION_WORDS and w not in nearby:
                return False  # a content word would vanish that is not a repeat
    # judged on what changes, not on the whole span: "Seeing Acharya's" -> "Seeing the" and
    # "customer feedback" -> "the customer" put function words in content words' place too
    if removed and added and all(w in FUNCTION_WORDS for w in added) and any(
            w not in FUNCTION_WORDS and w not in nearby for w in removed):
        return False  # content words would give way to function words only
    if _loses_a_name(old, new, left) or _unnames_an_article(old, new, left, right):
        return False
    if _brings_in_unrelated_name(old, new, left) or _unasks_question(old, new, right):
        return False
    if _doubles_a_word(old, new, left, right):
        return False
    return not (spelling_variant(old, new) or _cut_short(old, new) or _number_out_of_nowhere(old, new))


def _adjacent_repeats(words: list[str]) -> int:
    return sum(a == b for a, b in zip(words, words[1:]))


#: Characters of context on each side read for a doubled phrase (up to four words each side).
_REPEAT_CONTEXT = 60


def _doubles_a_word(old: str, new: str, left: str, right: str) -> bool:
    """Whether the change writes a word twice in a row ("the" inserted before "The") or doubles a
    phrase ("on the" before "on the"): the duplicates stage undoes both, so such an edit would be
    taken back by the next repair."""
    edge_left, edge_right = [w.lower() for w in words(left)[-1:]], [w.lower() for w in words(right)[:1]]
    before = edge_left + [w.lower() for w in words(old)] + edge_right
    after = edge_left + [w.lower() for w in words(new)] + edge_right
    if _adjacent_repeats(after) > _adjacent_repeats(before):
        return True
    head, tail = left[-_REPEAT_CONTEXT:], right[:_REPEAT_CONTEXT]
    return _repeated_share(head + new + tail) > _repeated_share(head + old + tail)


def _repeated_share(text: str) -> int:
    """Characters the duplicates stage would remove from ``text`` as doubled words or phrases."""
    return sum(len(e.old) - len(e.new) for e in repeated_word_edits(text, "guard"))


def _difference(words: list[str], minus: list[str]) -> list[str]:
    """``words`` less one copy of each word of ``minus`` (a multiset difference, order kept)."""
    left = list(words)
    for w in minus:
        if w in left:
            left.remove(w)
    return left


def _loses_a_name(old: str, new: str, left: str) -> bool:
    """Whether a capitalised word inside the sentence (a name, unless it is a function word) is
    replaced without any capitalised word taking its place. The span's first word at the very
    start of the sentence is capitalised anyway and proves nothing."""
    old_words, new_words = words(old), words(new)
    added = _difference(new_words, old_words)
    for i, w in enumerate(old_words):
        at_sentence_start = i == 0 and not left.strip()
        if at_sentence_start or not w[:1].isupper() or w.lower() in FUNCTION_WORDS or w in new_words:
            continue
        if not any(a[:1].isupper() for a in added):
            return True
    return False


def _unnames_an_article(old: str, new: str, left: str, right: str) -> bool:
    """Whether a capitalised "The" inside the sentence, before a capitalised word that is not a
    function word, would lose its capital: it is part of a name there ("Countries like The
    Bahamas", "The Hague", "The New York Times"), however the training speeches wrote it."""
    old_words, new_words = words(old), words(new)
    following = old_words + words(right)[:1]
    for i, w in enumerate(old_words):
        if w != "The" or (i == 0 and not left.strip()) or "The" in new_words:
            continue
        after = following[i + 1] if i + 1 < len(following) else ""
        if after[:1].isupper() and after.lower() not in FUNCTION_WORDS:
            return True
    return False


#: Word endings that differ between British and American spelling, as (pattern, common form).
_CONVENTIONS = [
    (re.compile(r"([a-z]{3,})is(e|es|ed|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"([a-z]{2,})ys(e|es|ed|ing|er|ers)$"), r"\1yz\2"),
    (re.compile(r"([a-z]{2,})our(s|ed|ing|ite|ites|able|ful|less|er|ers)?$"), r"\1or\2"),
    (re.compile(r"([a-z]{2,})([bt])re(s|d)?$"), r"\1\2er\3"),
    (re.compile(r"([a-z]{3,})ogue(s)?$"), r"\1og\2"),
    (re.compile(r"([a-z]{2,})ence(s)?$"), r"\1ense\2"),
    (re.compile(r"([a-z]{3,}[aeiou])ll(ed|ing|er|ers|or|ors)$"), r"\1l\2"),
    (re.compile(r"([a-z]{2,})amme(s)?$"), r"\1am\2"),
]
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe)(?=[a-z])")
_VARIANT_WORDS = {"grey": "gray", "tyre": "tire", "tyres": "tires", "cheque": "check",
                  "cheques": "checks", "aluminium": "aluminum", "practise": "practice",
                  "practised": "practiced", "practising": "practicing", "storey": "story",
                  "storeys": "stories", "plough": "plow", "ploughs": "plows", "kerb": "curb"}


def _common_spelling(word: str) -> str:
    """One spelling for a word's British and American forms (both map here; used to compare)."""
    w = _VARIANT_WORDS.get(word.lower(), word.lower())
    if len(w) < 6:
        return w
    if len(w) >= 7:
        w = _DIGRAPHS.sub("e", w)
    for pattern, repl in _CONVENTIONS:
        if pattern.search(w):
            return pattern.sub(repl, w)
    return w


def spelling_variant(old: str, new: str) -> bool:
    """Whether ``new`` differs from ``old`` by spelling convention (British/American), perhaps
    with a plural turned singular or back: "organisations" -> "organization". Both spellings are
    English; a change between them is no repair."""
    old_words, new_words = words(old), words(new)
    if len(old_words) != len(new_words):
        return False
    switched = False
    for o, n in zip(old_words, new_words):
        if o.lower() == n.lower():
            continue  # same word (a capital fixed is no change of convention)
        co, cn = _common_spelling(o), _common_spelling(n)
        if co == cn or (co.rstrip("s") == cn.rstrip("s") and (co != o.lower() or cn != n.lower())
                        and o.lower().rstrip("s") != n.lower().rstrip("s")):
            switched = True
        else:
            return False
    return switched


#: Endings a word may lose in a real repair (number, tense, degree), so not a word cut short.
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "ly", "er", "est", "'s", "’s")


def _cut_short(old: str, new: str) -> bool:
    """A content word replaced by its own beginning: "meningitis" -> "men" (not "into" -> "in")."""
    o, n = old.strip(), new.strip()
    if o.lower() in FUNCTION_WORDS or not n or " " in o or " " in n or len(n) >= len(o):
        return False
    if not o.lower().startswith(n.lower()):
        return False
    return o[len(n):].lower() not in _INFLECTIONS


#: Auxiliaries and modals that come before their subject in a question.
_AUXILIARIES = frozenset("""
is are was were am be has have had do does did will would can could shall should may might must
""".split())
_SENTENCE_END = re.compile(r"[.?!]")


def _unasks_question(old: str, new: str, right: str) -> bool:
    """The same words reordered where an auxiliary leads them, in a question ("Has it improved the
    situation?" -> "It has improved ..."): questions invert on purpose."""
    end = _SENTENCE_END.search(right)
    if end is None or end.group() != "?":
        return False
    old_words, new_words = words(old), words(new)
    if not old_words or old_words[0].lower() not in _AUXILIARIES:
        return False
    return sorted(w.lower() for w in old_words) == sorted(w.lower() for w in new_words) and \
        [w.lower() for w in old_words] != [w.lower() for w in new_words]


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _number_out_of_nowhere(old: str, new: str) -> bool:
    """A number in the replacement that the replaced text does not hold."""
    have = _NUMBER.findall(old)
    for number in _NUMBER.findall(new):
        if number in have:
            have.remove(number)
        else:
            return True
    return False


#: Share of the old words' letters a respelling keeps: name merges in the training renderings keep
#: most ("Okon Kwo Adey Emi" -> "Okonkwo Adeyemi" 1.0, "Drive Anya" -> "Drevania" 0.67).
RESPELLED_LETTERS_KEPT = 0.6


def respelled_whole(old_words: list[str], new_words: list[str]) -> bool:
    """Whether fewer words are the same words written together, not some of them dropped: no word
    kept as it was, and the letters alike ("Okon Kwo Adey Emi" -> "Okonkwo Adeyemi", "Drive Anya"
    -> "Drevania"; not "economic development" -> "development", nor "streamed gaming" -> "stream")."""
    if not new_words or set(new_words) & set(old_words):
        return False
    joined, written = "".join(old_words), "".join(new_words)
    matcher = SequenceMatcher(None, joined, written)
    # most of the old letters must come back: "cloud-streamed gaming" -> "cloud-stream" matches
    # all of "stream" but drops a word (0.43 of the letters kept)
    kept = sum(b.size for b in matcher.get_matching_blocks()) / len(joined)
    return matcher.ratio() >= 0.6 and kept >= RESPELLED_LETTERS_KEPT


def _looks_like(a: str, b: str) -> bool:
    return a[:3] == b[:3] or SequenceMatcher(None, a, b).ratio() >= 0.5


def _brings_in_unrelated_name(old: str, new: str, left: str) -> bool:
    mid_sentence = bool(left.strip())
    names = [w.lower() for k, w in enumerate(words(new))
             if w[:1].isupper() and w.lower() not in FUNCTION_WORDS and (k > 0 or mid_sentence)]
    if not names:
        return False
    old_words = [w.lower() for w in words(old)]
    forms = old_words + ["".join(old_words)]
    earlier = {w.lower() for w in words(left)}
    return any(n not in earlier and not any(_looks_like(o, n) for o in forms if o) for n in names)
