"""The capitals stage: a capitalised small word in mid-sentence, a lost sentence break or a stray capital.

Translation and spinners drop full stops and leave the next sentence's capital behind
(``... affiliates globally Such actions often cite``), or capitalise a word for no reason
(``platforms Will have access``). Both leave the same trace: a closed-class word (an article,
auxiliary, pronoun, conjunction, preposition or common adverb), which is capitalised only at a
sentence start, capitalised after a lower-case word in the middle of a sentence.

Which of the two fixes is right is a question for the n-gram model: the stage compares the
sentence's score with the score of the two sentences a restored break would make. A clear gain
restores the break (``globally. Such``); a clear loss, when the n-gram model has also seen the
word after the one before it (or, where that pair was never counted, before the word that
follows), means the word belongs where it is, and it is lower-cased; anything else is left alone.
Guards keep names and titles out of reach: the word's neighbours must not be capitalised (``The
Hague``, ``Gone With the Wind``), and lines that look like headlines (many capitalised words) are
skipped.

The thresholds are the model folder's (``break_min_gain``, ``lower_max_gain`` in ``unmangle.json``),
chosen by ``benchmarks/calibrate_capitals.py`` on training-side data.
"""

from __future__ import annotations

import math
import re
from ..english import SENTENCE_START_WORDS
from dataclasses import dataclass

from ..edits import Edit
from ..ngram import NgramLM, lm_tokens
from ..textspans import sentences
from .base import BaseStage, StageSpec, register

#: Words that are capitalised only at a sentence start. Left out on purpose: words that are also
#: names, months or titles when capitalised (May, March, Bill, Mark, US, Even...). Will and Can
#: are in: as names they come before another capitalised word (``Will Smith``), which the guards skip.
CLOSED_CLASS = SENTENCE_START_WORDS

#: ln(observed / expected) a word pair needs for a lower-cased word to "fit" after its
#: neighbour: -3 is 20 times rarer than chance (seen pairs of two common words run from about
#: -1 to +4 in the UN speeches; "to are" is -5.6, "the of" -8.9).
MIN_ASSOCIATION = -3.0
#: ln(observed / expected) the lower-cased word and the word after it need when the pair before
#: was never counted: 0 is "as often as chance"; "will have" is +1.9, "already on" -0.4.
MIN_NEXT_ASSOCIATION = 0.0

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
#: A headline or title: at least this share of its words capitalised.
_TITLE_SHARE = 0.5


@dataclass(frozen=True)
class CapitalSite:
    """A capitalised closed-class word at ``[start, end)`` of a sentence, after ``prev_end``."""

    prev_start: int
    prev_end: int
    start: int
    end: int


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def capital_sites(sentence: str) -> list[CapitalSite]:
    """Mid-sentence capitalised closed-class words whose neighbours are lower-case words."""
    words = list(_WORD.finditer(sentence))
    if len(words) < 4:
        return []
    caps = sum(1 for w in words if w.group()[:1].isupper())
    if caps / len(words) >= _TITLE_SHARE:
        return []
    out = []
    for i in range(1, len(words)):
        w = words[i]
        text = w.group()
        if len(text) < 2 or not _is_capitalised(text) or text.lower() not in CLOSED_CLASS:
            continue
        prev = words[i - 1]
        # only "lowercase-word SPACE Word": no punctuation between (a colon or quote may start a sentence)
        if sentence[prev.end():w.start()] != " " or not prev.group()[:1].islower():
            continue
        if i + 1 < len(words):
            nxt = words[i + 1].group()
            if nxt[:1].isupper() and nxt != "I":
                continue
        out.append(CapitalSite(prev.start(), prev.end(), w.start(), w.end()))
    return out


def break_gain(lm: NgramLM, sentence: str, site: CapitalSite) -> float:
    """Log-score gain of ending the sentence before the site's word (two sentences) over one."""
    left = sentence[:site.prev_end] + "."
    right = sentence[site.start:]
    return lm.score(left) + lm.score(right) - lm.score(sentence)


def choose_fix(gain: float, fits_in_place: bool, break_min_gain: float, lower_max_gain: float) -> str | None:
    """"break", "lower" or None for a site whose break gain is ``gain``; ``fits_in_place`` says
    whether the lower-cased word is usual where it stands (``CapitalsStage.fits_in_place``). The stage
    and its threshold calibration both decide here."""
    if gain >= break_min_gain:
        return "break"
    if gain <= lower_max_gain and fits_in_place:
        return "lower"
    return None


class CapitalsStage(BaseStage):
    """Restore lost sentence breaks and lower-case stray capitals, judged by an n-gram model."""

    name = "capitals"

    def __init__(self, lm: NgramLM, *, break_min_gain: float = 4.0, lower_max_gain: float = -4.0) -> None:
        if lower_max_gain > break_min_gain:
            raise ValueError("lower_max_gain must not exceed break_min_gain")
        self.lm = lm
        self.break_min_gain = break_min_gain
        self.lower_max_gain = lower_max_gain

    def decide(self, sentence: str, site: CapitalSite) -> tuple[str, float] | None:
        """("break" or "lower", gain) for a site, or None to leave it."""
        gain = break_gain(self.lm, sentence, site)
        fits = gain <= self.lower_max_gain and self.fits_in_place(sentence, site)  # a lookup only when it matters
        kind = choose_fix(gain, fits, self.break_min_gain, self.lower_max_gain)
        return None if kind is None else (kind, gain)

    def fits_in_place(self, sentence: str, site: CapitalSite) -> bool:
        """Whether the lower-cased word belongs where it stands: a break that scores badly is no
        proof of that ("kept from Already on").

        The first witness is the word before: the pair must be usual. Seen is not enough: a
        pair counted far less often than chance predicts ("to are": 8 times in 13M words) is
        noise, and there the capital is more likely a name ("turns to Are for advice"). A pair
        never counted says nothing either way (news pairs such as "platforms will" are missing
        from the UN speeches); then the word after must vouch for it, at least as often together
        as chance predicts ("will have", "are kept"; not "already on")."""
        prev = lm_tokens(sentence[site.prev_start:site.prev_end])
        word = lm_tokens(sentence[site.start:site.end])
        if not (prev and word):
            return False
        before = self.lm.association(prev[-1], word[0])
        if before != float("-inf"):
            return before >= MIN_ASSOCIATION
        after = lm_tokens(sentence[site.end:])
        return bool(after) and self.lm.association(word[0], after[0]) >= MIN_NEXT_ASSOCIATION

    def propose(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        for sent in sentences(text):
            for site in capital_sites(sent.text):
                decision = self.decide(sent.text, site)
                if decision is None:
                    continue
                kind, gain = decision
                word = sent.text[site.start:site.end]
                prev = sent.text[site.prev_start:site.prev_end]
                start, end = sent.start + site.prev_start, sent.start + site.end
                old = text[start:end]
                if kind == "break":
                    new, reason = f"{prev}. {word}", "lost sentence break: a sentence-initial word in mid-sentence"
                    margin = gain - self.break_min_gain
                else:
                    new, reason = f"{prev} {word.lower()}", "stray capital on a word capitalised only at a sentence start"
                    margin = self.lower_max_gain - gain
                confidence = 1.0 / (1.0 + math.exp(-margin))
                edits.append(Edit(start, end, old, new, self.name,
                                  f"{reason} (n-gram gain of a break {gain:+.1f})", round(0.5 + confidence / 2, 3)))
        # edits never overlap: a site's word is capitalised, so it cannot be the next site's
        # (lower-case) previous word
        return edits


def build_capitals_stage(settings, folder) -> CapitalsStage | None:
    """Needs the model folder's n-gram model; None when the folder has none."""
    lm = folder.ngram()
    if lm is None:
        return None
    return CapitalsStage(lm, break_min_gain=folder.settings.break_min_gain,
                         lower_max_gain=folder.settings.lower_max_gain)


# last, so the neural stage sees the text its thresholds were calibrated on
SPEC = register(StageSpec("capitals", order=60, build=build_capitals_stage, needs_model=True,
                          summary="lost sentence breaks and stray capitals, judged by the n-gram model"))
