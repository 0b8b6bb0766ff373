"""The neural stage: flag suspicious regions, propose replacements, keep only clear improvements.

Per sentence: the :class:`~unmangle.neural.detector.Detector` scores every chunk; runs of flagged
chunks become regions. For each region the options are the :class:`~unmangle.neural.rewriter.Rewriter`'s
own replacement and, when the model folder holds an n-gram model (``ngram.npz``), the rule-made
alternatives of :mod:`unmangle.alternatives` that most raise the n-gram score. Each option's evidence
(:mod:`unmangle.neural.choices`) adds the rewriter's preference for it over ``<keep>`` and how much it
raises the sentence's n-gram score (:meth:`unmangle.ngram.NgramLM.gains`) and, at the calibrated
``broad_weight``, how much it raises the broad general-English model's score
(:mod:`unmangle.judges.broad`): independent judges whose log-odds add up; calibrated shares of the
option's frequency shift and register shift are taken off. A change is accepted only
when its evidence reaches ``min_evidence`` and its n-gram gain alone reaches ``lm_min_gain``.
"Leave it alone" is always a candidate.

Settings are read, never written: thresholds given for one call (``detect(min_probability=...)``)
are arguments, so one stage can serve many threads.
"""

from __future__ import annotations

import copy
from contextlib import nullcontext
from dataclasses import replace

from ..alternatives import Alternative, alternatives
from ..edits import Edit
from ..model_folder import InferenceSettings, ModelFolder, check_precision
from ..ngram import ChangeScorer, NgramLM, lm_tokens
from .choices import Option, RegionChoice, choose_edits, register_shift
from .detector import Detector
from .regions import FlaggedSpan, Region, ScannedPiece
from .guards import allowed
from .rewriter import Rewriter
from .tokenizer import KEEP, InferenceTokenizer

__all__ = ["FlaggedSpan", "NeuralStage", "Option", "RegionChoice", "choose_edits"]


class NeuralStage:
    """Detector + rewriter over each sentence of a document."""

    name = "neural"
    removes_text = False
    tidies = False

    def __init__(self, network, tokenizer: InferenceTokenizer, settings: InferenceSettings, *,
                 precision: str = "bf16", lm: NgramLM | None = None) -> None:
        self.settings = settings
        self.lm = lm
        self.tokenizer = tokenizer
        self.precision = precision
        self.detector = Detector(network, tokenizer, settings)
        self.rewriter = Rewriter(network, tokenizer, settings)
        self._warm_up()

    def with_settings(self, **changes) -> "NeuralStage":
        """A stage over the same network with some settings changed (e.g. ``min_probability=0``
        to rewrite every region); this one is left as it is."""
        new = copy.copy(self)
        new.settings = replace(self.settings, **changes)
        new.detector = Detector(self.detector.network, self.tokenizer, new.settings)
        new.rewriter = Rewriter(self.rewriter.network, self.tokenizer, new.settings)
        return new

    @property
    def inference(self) -> InferenceSettings:
        """Deprecated name of :attr:`settings`."""
        return self.settings

    def _warm_up(self) -> None:
        """Run each path once: the first call of the CPU kernels costs seconds, later ones do not."""
        sentence = "The committee met on Monday to discuss the new budget."
        self.detector.chunk_scores([sentence])
        self._options([Region(0, sentence, 13, 23, 1.0)])

    @classmethod
    def from_folder(cls, folder: ModelFolder, *, min_evidence: float | None = None,
                    precision: str = "bf16", engine: str = "numpy") -> "NeuralStage":
        """The stage over an open model folder; ``min_evidence`` overrides its calibrated value;
        ``engine``: see :mod:`unmangle.neural.engine`."""
        check_precision(precision)
        settings = folder.settings if min_evidence is None else replace(folder.settings, min_evidence=min_evidence)
        return cls(folder.network(precision, engine), folder.tokenizer(), settings, precision=precision,
                   lm=folder.ngram())

    @classmethod
    def from_dir(cls, model_dir, *, min_evidence: float | None = None, precision: str = "bf16",
                 threshold: float | None = None, engine: str = "numpy") -> "NeuralStage":
        """The stage over the model folder at ``model_dir`` (``threshold``: deprecated name of
        ``min_evidence``)."""
        if threshold is not None and min_evidence is None:
            min_evidence = threshold
        return cls.from_folder(ModelFolder.open(model_dir), min_evidence=min_evidence, precision=precision,
                               engine=engine)

    def _sized(self, texts: list[str]):
        """The block in which the model runs on the engine for this call's size
        (:mod:`unmangle.neural.engine`; a network without a choice runs as it is)."""
        sized = getattr(self.detector.network, "sized", None)
        return sized(sum(len(t.split()) for t in texts)) if sized is not None else nullcontext()

    # --- detection -------------------------------------------------------------------------
    def regions_many(self, texts: list[str], min_probability: float | None = None) -> list[list[Region]]:
        threshold = self.settings.min_probability if min_probability is None else min_probability
        with self._sized(texts):
            return self.detector.regions(self.detector.scan(texts), len(texts), threshold)

    def chunk_probabilities(self, text: str) -> list[tuple[int, int, float]]:
        """(start, end, probability) of every chunk of ``text`` the detector reads."""
        with self._sized([text]):
            scan = self.detector.scan([text])
        return [(item.offset + a, item.offset + b, p) for item in scan for a, b, p in item.scores]

    def detect(self, text: str, min_probability: float | None = None) -> list[FlaggedSpan]:
        """Regions whose detector probability reaches ``min_probability`` (default: the folder's),
        with that probability."""
        return [FlaggedSpan(r.sent_start + r.start, r.sent_start + r.end,
                            r.sentence[r.start:r.end], round(r.score, 4))
                for r in self.regions_many([text], min_probability)[0]]

    # --- options -----------------------------------------------------------------------------
    def _options(self, regions: list[Region]) -> list[list[Option]]:
        """The rewriter's proposals for each region, with their n-gram gains when there is a model."""
        options: list[list[Option]] = []
        for region, proposals in zip(regions, self.rewriter.propose(regions)):
            found = [Option(region.start, region.end, text, margin, None, "rewriter") for text, margin in proposals]
            if self.lm is not None:
                for o, gain in zip(found, self.lm_gains(region.sentence, [(o.start, o.end, o.text) for o in found])):
                    o.gain = gain
                    o.frequency_shift = self.lm.frequency_shift(region.sentence[o.start:o.end], o.text)
            options.append(found)
        return options

    def lm_gains(self, sentence: str, changes: list[tuple[int, int, str]]) -> list[float]:
        """How much each change raises the n-gram score of ``sentence`` (nats).

        A word the n-gram model never saw scores as badly as possible, so removing it from the
        sentence looks like a big gain; the model cannot judge such words, so those gains count 0.
        """
        if not changes:
            return []
        scorer = ChangeScorer(self.lm, sentence)
        gains = scorer.gains(changes)
        for k, change in enumerate(changes):
            unknown = {w for w in lm_tokens(sentence[change[0]:change[1]]) if not self.lm.knows(w)}
            if any(not scorer.keeps_word(change, w) for w in unknown):
                gains[k] = min(gains[k], 0.0)
        return gains

    def broad_gains(self, sentence: str, options: list[Option]) -> None:
        """Set each option's ``broad_gain``: how much it raises ``sentence``'s score under the broad
        English model, asked through the judge seam (local, cautious gains of the words each
        option changes: :meth:`~unmangle.judges.base.LanguageJudge.change_gains`), and its
        ``register_shift`` (:func:`~unmangle.neural.choices.register_shift`)."""
        from ..judges.base import frequency_shift, sentence_words, text_change
        from ..judges.broad import default_broad_judge

        judge = default_broad_judge()
        words = sentence_words(sentence)
        changes = [text_change(sentence, words, o.start, o.end, o.text) for o in options]
        gains = judge.change_gains([w.text for w in words], changes)
        for o, gain in zip(options, gains):
            o.broad_gain = gain
            general = frequency_shift(judge, lm_tokens(sentence[o.start:o.end]), lm_tokens(o.text))
            o.register_shift = register_shift(o.frequency_shift, general)

    def choices_many(self, texts: list[str], *, min_probability: float | None = None,
                     min_gain: float | None = None, min_evidence: float | None = None,
                     broad: bool | None = None) -> list[list[RegionChoice]]:
        """For each text, every permitted option found, whatever its scores.

        Two sources: the detector's regions (at ``min_probability``) with the rewriter's proposals,
        and (with an n-gram model) the rule-made alternatives of every sentence that most raise its
        n-gram score (at least ``min_gain``). Thresholds on evidence are applied afterwards
        (:func:`choose_edits`), so calibration can try many settings on one model pass.
        ``min_evidence`` (with this stage's judge weights): rule-made alternatives that cannot
        reach it, or only with a rewriter margin above ``rule_margin_cap``, are left out unscored,
        which repair uses and calibration must not. ``broad``: whether options get the broad
        model's gain and register shift (default: when this stage's weights use them).
        """
        with self._sized(texts):
            return self._choices_many(texts, min_probability, min_gain, min_evidence, broad)

    def _choices_many(self, texts: list[str], min_probability: float | None, min_gain: float | None,
                      min_evidence: float | None, broad: bool | None) -> list[list[RegionChoice]]:
        s = self.settings
        want_broad = (s.broad_weight != 0 or s.register_weight != 0) if broad is None else broad
        threshold = s.min_probability if min_probability is None else min_probability
        scan = self.detector.scan(texts)
        per_text = self.detector.regions(scan, len(texts), threshold)
        flat = [(k, region) for k, regions in enumerate(per_text) for region in regions]
        found: list[list[RegionChoice]] = [[] for _ in texts]
        options = self._options([r for _, r in flat]) if flat else []
        for (k, region), opts in zip(flat, options):
            kept = [o for o in opts if self._permitted(region.sentence, o)]
            if kept:
                if want_broad:
                    self.broad_gains(region.sentence, kept)
                found[k].append(RegionChoice(region.sent_start, region.sentence, region.score, kept))
        if self.lm is not None:
            floor = self.settings.lm_min_gain if min_gain is None else min_gain
            for k, choice in self._rule_choices(scan, floor, min_evidence, want_broad):
                found[k].append(choice)
        return found

    @staticmethod
    def _permitted(sentence: str, o: Option) -> bool:
        old = sentence[o.start:o.end]
        if o.text == old or any(m in o.text for m in (KEEP, "<span>", "</span>")):
            return False
        return allowed(old, o.text, sentence[:o.start], sentence[o.end:])

    def _rule_choices(self, scan: list[ScannedPiece], min_gain: float, min_evidence: float | None = None,
                      broad: bool = False) -> list[tuple[int, RegionChoice]]:
        """The best rule-made alternatives of each sentence by n-gram gain, judged by the rewriter.

        Only alternatives whose gain reaches ``min_gain`` can ever be accepted, so only those
        are passed to the rewriter (most sentences have none: the costly part is skipped). With
        ``min_evidence``, each alternative's floor for the rewriter's margin is what the other
        judges leave to reach it: alternatives whose floor is above ``rule_margin_cap`` are not
        scored, and the rewriter skips those that its keep-pass rules out
        (:meth:`~unmangle.neural.rewriter.Rewriter.margins`).
        """
        floor = max(min_gain, 0.0)
        wanted: list[tuple[int, Alternative, float]] = []
        for w, item in enumerate(scan):
            piece = item.piece
            alts = alternatives(piece)
            gains = self.lm_gains(piece, [(a.start, a.end, a.text) for a in alts])
            # the best permitted ones by gain: the guards, dearer than the gains, see only the head
            taken = 0
            for gain, i in sorted(zip(gains, range(len(alts))), reverse=True):
                if taken == self.settings.lm_alternatives or gain <= 0 or gain < floor:
                    break  # nothing further down can be taken
                a = alts[i]
                if self._permitted(piece, Option(a.start, a.end, a.text, 0.0, None, a.kind)):
                    taken += 1
                    wanted.append((w, a, gain))
        found = []
        for w, alt, gain in wanted:
            item = scan[w]
            score = max([p for a, b, p in item.scores if a < alt.end and b > alt.start] or [0.0])
            shift = self.lm.frequency_shift(item.piece[alt.start:alt.end], alt.text)
            choice = RegionChoice(item.offset, item.piece, score,
                                  [Option(alt.start, alt.end, alt.text, 0.0, gain, alt.kind, shift)])
            found.append((item.owner, choice))
        if broad:  # one reading of each sentence for all of its alternatives
            by_piece: dict[int, list[Option]] = {}
            for (w, _, _), (_, choice) in zip(wanted, found):
                by_piece.setdefault(w, []).extend(choice.options)
            for w, options in by_piece.items():
                self.broad_gains(scan[w].piece, options)
        floors = None
        if min_evidence is not None:
            s = self.settings
            # with a margin of 0 the evidence is the other judges' part; the margin must make up the rest
            needed = [min_evidence - choice.evidence(choice.options[0], s.detector_weight, s.frequency_weight,
                                                     s.broad_weight, s.register_weight)
                      for _, choice in found]
            found = [f for f, need in zip(found, needed) if need <= s.rule_margin_cap]
            floors = [need for need in needed if need <= s.rule_margin_cap]
        margins = self.rewriter.margins([(c.sentence, c.options[0].start, c.options[0].end, c.options[0].text)
                                         for _, c in found], floors)
        out = []
        for (owner, choice), margin in zip(found, margins):
            if margin is not None:
                choice.options[0].margin = margin
                out.append((owner, choice))
        return out

    # --- the Stage contract ------------------------------------------------------------------
    def propose_many(self, texts: list[str]) -> list[list[Edit]]:
        """``propose`` for many texts at once (one batched pass: much faster for short texts)."""
        s = self.settings
        return [choose_edits(choices, s.min_evidence, s.lm_min_gain, self.name,
                             detector_weight=s.detector_weight, frequency_weight=s.frequency_weight,
                             broad_weight=s.broad_weight, register_weight=s.register_weight,
                             proposal_min_margin=s.proposal_min_margin)
                for choices in self.choices_many(texts, min_evidence=s.min_evidence)]

    def propose(self, text: str) -> list[Edit]:
        return self.propose_many([text])[0]

    def tidy(self, text: str, around) -> list[Edit]:
        return []
