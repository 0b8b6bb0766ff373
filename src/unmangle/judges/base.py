"""The judge seam: what the repair stages ask of a language model, whichever model answers.

A *judge* reads a sentence as a list of surface words (see :func:`sentence_words`) and says how
natural it is, how much a local change would improve it, and what it knows about single words.
Each judge maps the surface words to its own vocabulary (lower-casing, digits, punctuation,
hyphens, clitics, names) and says so in its module; callers never see that mapping, so two judges
with different vocabularies can be asked the same question and their answers compared.

Why a seam: the project's own trigram model knows English only from UN speeches and post-edited
MT; a broad general-English model knows everyday words the first has never seen. A change is more
trustworthy when both prefer it (see :mod:`unmangle.synonyms`), and more judges can be added
without touching the stages that ask.

All scores are natural logarithms. A *gain* is conservative: the smaller of the change in the
sentence's total score and the change in its mean score per token times its length, so neither
deleting words nor padding with easy ones looks good by length alone (the rule of
:meth:`unmangle.ngram.NgramLM.gains`).
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol, Sequence, runtime_checkable

#: A surface word: letters/digits with inner apostrophes and hyphens (``don't``, ``well-known``,
#: ``Obama's``), or one punctuation character.
_WORD = re.compile(r"\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)*['’]?|[^\w\s]", re.UNICODE)
_POSSESSIVE_PLURAL = re.compile(r"\w+s['’]$")


class Word(NamedTuple):
    """One surface word of a sentence and its character span."""

    start: int
    end: int
    text: str


class Change(NamedTuple):
    """Replace words ``[start, end)`` of a sentence by ``new`` (an insertion when start == end)."""

    start: int
    end: int
    new: tuple[str, ...]


def sentence_words(text: str) -> list[Word]:
    """The surface words of ``text`` with their spans; whitespace is never part of a word.

    A trailing apostrophe is kept only on a plural possessive (``countries'``); elsewhere it is
    a closing quote and stands alone.
    """
    out: list[Word] = []
    for m in _WORD.finditer(text):
        token = m.group()
        if token[-1] in "'’" and len(token) > 1 and not _POSSESSIVE_PLURAL.match(token):
            out.append(Word(m.start(), m.end() - 1, token[:-1]))
            out.append(Word(m.end() - 1, m.end(), token[-1]))
        else:
            out.append(Word(m.start(), m.end(), token))
    return out


def cautious_gain(base: float, base_length: int, score: float, length: int) -> float:
    """The smaller of the change in total score and the change in mean score per token times
    the original length (equal when the lengths are equal)."""
    if length <= 0 or base_length <= 0:
        return score - base
    return min(score - base, (score / length - base / base_length) * base_length)


@runtime_checkable
class LanguageJudge(Protocol):
    """A language model asked about sentences given as surface words."""

    #: short name used in evidence records ("trigram", "broad")
    name: str

    def tokens(self, words: Sequence[str]) -> list[str]:
        """The judge's own reading of ``words`` (its tokens, boundary markers included)."""
        ...

    def score(self, words: Sequence[str]) -> float:
        """ln score of ``words`` read as one sentence (sentence end included)."""
        ...

    def change_gains(self, words: Sequence[str], changes: Sequence[Change]) -> list[float]:
        """Conservative gain (nats) of each change over the unchanged sentence, in context."""
        ...

    def knows(self, word: str) -> bool:
        """Whether the judge has seen ``word`` (a surface word; case and apostrophes are the
        judge's business)."""
        ...

    def unigram_logprob(self, word: str) -> float:
        """ln probability of ``word`` out of context (how common it is); a floor when unknown."""
        ...


def change_gain(judge: LanguageJudge, words: Sequence[str], start: int, end: int,
                new: Sequence[str]) -> float:
    """Gain of one change: replacing ``words[start:end]`` by ``new``."""
    return judge.change_gains(words, [Change(start, end, tuple(new))])[0]


def text_change(sentence: str, words: Sequence[Word], start: int, end: int, text: str) -> Change:
    """The word-level :class:`Change` that replacing ``sentence[start:end]`` by ``text`` makes.

    ``words`` are ``sentence_words(sentence)``. The changed sentence is read again and compared
    with the old words: the change is what lies between their common beginning and end. A span that
    cuts into a word or joins two (``" .which"`` -> ``". which"``, ``"a" + "b"``) is thereby
    covered whole, and ``apply_change`` of the result always gives the changed sentence's words.
    """
    old = [w.text for w in words]
    new = [w.text for w in sentence_words(sentence[:start] + text + sentence[end:])]
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head] and words[head].end <= start:
        head += 1
    tail = 0
    while (tail < limit - head and old[-1 - tail] == new[-1 - tail]
           and words[len(old) - 1 - tail].start >= end):
        tail += 1
    return Change(head, len(old) - tail, tuple(new[head:len(new) - tail]))


def frequency_shift(judge: LanguageJudge, old: Sequence[str], new: Sequence[str]) -> float:
    """How much commoner the words ``new`` are than ``old`` under ``judge`` (nats): the change in
    their mean ln unigram probability times the shorter side's length, the rule of
    :meth:`unmangle.ngram.NgramLM.frequency_shift`; 0 for a pure insertion or deletion."""
    if not old or not new:
        return 0.0
    before = sum(judge.unigram_logprob(w) for w in old) / len(old)
    after = sum(judge.unigram_logprob(w) for w in new) / len(new)
    return min(len(old), len(new)) * (after - before)


def apply_change(words: Sequence[str], change: Change) -> list[str]:
    """The word list with ``change`` made."""
    return [*words[:change.start], *change.new, *words[change.end:]]
