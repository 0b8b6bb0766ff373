"""Options for changing a flagged region, their evidence, and the choice of edits at given thresholds.

An option's *evidence* is the log-odds of the change over keeping the text, from independent judges:
the rewriter's margin, the n-gram model's gain, and (weighted by calibration) the detector's log-odds
for the region and the broad general-English model's gain (:mod:`unmangle.judges.broad`); a
calibrated share of the option's frequency shift is taken off, and of its register shift (the part
of that shift the general-English model does not share). Thresholds are
applied here, after every option is scored, so calibration can try a whole grid on one model pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..edits import Edit
from ..english import FUNCTION_WORDS
from ..textspans import chunks
from .guards import words


#: "No floor" for :attr:`~unmangle.model_folder.InferenceSettings.proposal_min_margin` (finite, so
#: settings files stay plain JSON).
NO_FLOOR = -1e9


def changes_content(old: str, new: str) -> bool:
    """Whether replacing ``old`` by ``new`` takes out or brings in a word outside the closed class
    of :data:`~unmangle.english.FUNCTION_WORDS` (case aside): "woodlands" -> "woods" does,
    "an" -> "the", "Is" -> "It is" and "Must" -> "must" do not."""
    before = {w.lower() for w in words(old)}
    after = {w.lower() for w in words(new)}
    return any(w not in FUNCTION_WORDS for w in before ^ after)


def floor_met(o: "Option", old: str, proposal_min_margin: float) -> bool:
    """Whether an option passes the rewriter's own floor (``old``: the text it replaces).

    The rewriter's proposals are open-vocabulary: any word may become any other, and the n-gram
    judges, which learnt English from UN speeches, give a large gain to replacing a word they seldom
    saw there ("woodlands" -> "woods", "household" -> "family" on Wikipedia sentences, rewriter
    margins 3.2 and 3.6). Such a change of content words is made only when the rewriter, the one
    judge that reads the whole sentence, itself prefers it by ``proposal_min_margin``. Changes
    among function words ("an" -> "the", "Is" -> "It is") are a closed set, as are the rule-made
    options (word order, function words: :mod:`unmangle.alternatives`), and are not held to it:
    the rewriter often dislikes a right word-order swap ("to time" -> "time to", margin -5.8).
    """
    return o.kind != "rewriter" or o.margin >= proposal_min_margin or not changes_content(old, o.text)


@dataclass
class Option:
    """One way to change a region: replace ``sentence[start:end]`` with ``text``.

    ``margin``: the rewriter's preference for it over keeping (nats); ``gain``: how much it raises
    the sentence's n-gram score (nats; None without an n-gram model); ``kind``: where it came from;
    ``frequency_shift``: how much commoner its words are than the old ones
    (:meth:`unmangle.ngram.NgramLM.frequency_shift`; 0 without an n-gram model); ``broad_gain``:
    how much it raises the sentence's score under the broad English model (None: not asked);
    ``register_shift``: the part of ``frequency_shift`` that general English does not share
    (:func:`register_shift`; 0 when the broad model was not asked).
    """

    start: int
    end: int
    text: str
    margin: float
    gain: float | None
    kind: str
    frequency_shift: float = 0.0
    broad_gain: float | None = None
    register_shift: float = 0.0

    @property
    def evidence(self) -> float:
        """Log-odds for the change over keeping: the rewriter's margin plus the n-gram gain."""
        return self.margin + (self.gain or 0.0)


@dataclass
class RegionChoice:
    """A flagged region of a document and its options; ``pick`` applies the thresholds."""

    sent_start: int
    sentence: str
    score: float
    options: list[Option]

    def evidence(self, o: Option, detector_weight: float = 0.0, frequency_weight: float = 0.0,
                 broad_weight: float = 0.0, register_weight: float = 0.0) -> float:
        """The option's evidence, plus ``detector_weight`` times the detector's log-odds that the
        region is damaged (a third judge, weighted by calibration) and ``broad_weight`` times the
        broad English model's gain (a fourth), less ``frequency_weight`` times the option's
        frequency shift (the part of the judges' preference that only says the new words are
        commoner: a rare word is not wrong for being rare) and ``register_weight`` times its
        register shift (the part of that which comes from the speeches the project's judges learnt
        from: "folks" is rare in UN debates, not in news)."""
        evidence = (o.evidence - frequency_weight * max(o.frequency_shift, 0.0)
                    - register_weight * o.register_shift)
        if broad_weight and o.broad_gain is not None:
            evidence += broad_weight * o.broad_gain
        if not detector_weight:
            return evidence
        p = min(max(self.score, 1e-4), 1 - 1e-4)
        return evidence + detector_weight * math.log(p / (1 - p))

    def pick(self, min_evidence: float, min_gain: float, detector_weight: float = 0.0,
             frequency_weight: float = 0.0, broad_weight: float = 0.0,
             register_weight: float = 0.0, proposal_min_margin: float = NO_FLOOR) -> Option | None:
        """The option with the most evidence, if it has enough; else None (leave it alone).

        Evidence is the rewriter's margin plus the n-gram gain: both are log-odds of the change
        against keeping the text, so adding them multiplies two independent judges' odds. It must
        reach ``min_evidence``, and the n-gram gain alone must reach ``min_gain``; an option the
        rewriter proposed itself that changes content words must also have its margin reach
        ``proposal_min_margin`` (:func:`floor_met`).
        """
        def evidence(o: Option) -> float:
            return self.evidence(o, detector_weight, frequency_weight, broad_weight, register_weight)

        good = [o for o in self.options if evidence(o) >= min_evidence and (o.gain is None or o.gain >= min_gain)
                and floor_met(o, self.sentence[o.start:o.end], proposal_min_margin)]
        return max(good, key=evidence, default=None)

    def make_edit(self, o: Option, stage: str = "neural", detector_weight: float = 0.0,
                  frequency_weight: float = 0.0, broad_weight: float = 0.0,
                  register_weight: float = 0.0) -> Edit:
        start = self.sent_start + o.start
        old = self.sentence[o.start:o.end]
        evidence = self.evidence(o, detector_weight, frequency_weight, broad_weight, register_weight)
        confidence = 1.0 / (1.0 + math.exp(-evidence))
        gain = "" if o.gain is None else f", n-gram score +{o.gain:.1f} nats"
        if broad_weight and o.broad_gain is not None:
            gain += f", broad English model {o.broad_gain:+.1f} nats (weight {broad_weight:g})"
        if frequency_weight and o.frequency_shift > 0:
            gain += (f", new words commoner by {o.frequency_shift:.1f} nats "
                     f"(taken off at weight {frequency_weight:g})")
        if register_weight and o.register_shift > 0:
            gain += (f", {o.register_shift:.1f} nats of that only in the training speeches' register "
                     f"(taken off at weight {register_weight:g})")
        return Edit(start, start + len(old), old, o.text, stage,
                    f"neural: {o.kind} (detector p={self.score:.2f}); rewriter prefers it to keeping by "
                    f"{o.margin:.1f} nats{gain}", round(min(1.0, confidence), 4))


def choose_edits(choices: list[RegionChoice], min_evidence: float, min_gain: float,
                 stage: str = "neural", *, detector_weight: float = 0.0,
                 frequency_weight: float = 0.0, broad_weight: float = 0.0,
                 register_weight: float = 0.0, proposal_min_margin: float = NO_FLOOR) -> list[Edit]:
    """The edits made at these thresholds, strongest evidence first.

    Each option was judged alone against the unchanged sentence, so two changes that touch or sit
    within one word of each other may not both be made ("in the the new" must not lose both "the"s):
    the weaker one gives way, as does any overlapping one.
    """
    weights = (detector_weight, frequency_weight, broad_weight, register_weight)
    picked = []
    for choice in choices:
        option = choice.pick(min_evidence, min_gain, *weights, proposal_min_margin)
        if option is not None:
            picked.append((choice.evidence(option, *weights), choice, option))
    kept: list[tuple[Edit, RegionChoice, Option]] = []
    for _, choice, option in sorted(picked, key=lambda x: -x[0]):
        edit = choice.make_edit(option, stage, *weights)
        if not any(_conflict(choice, option, other, o) for _, other, o in kept):
            kept.append((edit, choice, option))
    return sorted((e for e, _, _ in kept), key=lambda e: e.start)


def _conflict(a: RegionChoice, oa: Option, b: RegionChoice, ob: Option) -> bool:
    """Whether two options overlap, or (in one sentence) have less than two words between them."""
    a0, a1 = a.sent_start + oa.start, a.sent_start + oa.end
    b0, b1 = b.sent_start + ob.start, b.sent_start + ob.end
    if a0 < b1 and b0 < a1:
        return True
    if a.sent_start != b.sent_start or a.sentence != b.sentence:
        return a0 == b1 or b0 == a1
    gap = a.sentence[min(oa.end, ob.end):max(oa.start, ob.start)]
    return len(chunks(gap)) < 2


def register_shift(frequency_shift: float, general_shift: float) -> float:
    """How much of an option's frequency shift (under the project's n-gram model, counted from UN
    speeches and post-edits) general English does not share (``general_shift``: the same shift
    under the broad model's unigrams), between 0 and the frequency shift itself.

    The rewriter and the n-gram model learnt English from the same speeches, so both prefer the
    words of that register: "kids" -> "children" is 5.7 nats commoner there and no commoner in
    general English; a spinner's rare substitute is rare in both, and its repair keeps its gain.
    """
    return min(max(frequency_shift, 0.0), max(frequency_shift - general_shift, 0.0))
