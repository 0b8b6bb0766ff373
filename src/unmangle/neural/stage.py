"""The neural stage: flag suspicious regions, propose replacements, keep only clear improvements.

Per sentence: the detector scores every token; runs of flagged chunks become regions. For each region
the options are the rewriter's own replacement and, when the model folder holds an n-gram model
(``ngram.npz``), the rule-made alternatives of :mod:`unmangle.candidates` that most raise the n-gram
score. Each option's evidence is the rewriter's preference for it over ``<keep>`` (nats) plus, with an
n-gram model, how much it raises the sentence's n-gram score (:meth:`unmangle.ngram.NgramLM.gains`):
two independent judges whose log-odds add up. A change is accepted only when its evidence reaches
``rewrite_margin`` and its n-gram gain alone reaches ``lm_min_gain``. "Leave it alone" is always a
candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from ..candidates import Alternative, alternatives
from ..edits import Edit
from ..ngram import ChangeScorer, NgramLM, lm_tokens, load_cached
from ..textspans import sentences
from .examples import chunks, mark
from .guards import allowed
from .lean_t5 import LeanT5
from .model import NGRAM_FILE, InferenceSettings, read_metadata
from .model_dir import ModelFolderError, check_model_dir
from .tokenizer import KEEP, InferenceTokenizer

#: Longest piece of a sentence the detector reads at once (in chunks); longer ones are windowed.
_DETECT_WINDOW = 60


@dataclass(frozen=True)
class FlaggedSpan:
    """A region the detector finds suspicious; offsets index the text passed to ``detect``."""

    start: int
    end: int
    text: str
    score: float
    source: str = "model"


@dataclass
class _Region:
    sent_start: int  # offset of the sentence (or window) in the document
    sentence: str
    start: int  # region offsets inside ``sentence``
    end: int
    score: float


class NeuralStage:
    """Detector + rewriter over each sentence of a document."""

    name = "neural"

    def __init__(self, model: LeanT5, tokenizer: InferenceTokenizer, inference: InferenceSettings,
                 *, threshold: float | None = None, precision: str = "bf16",
                 lm: NgramLM | None = None) -> None:
        self.inference = inference
        self.lm = lm
        if threshold is not None:
            self.inference.rewrite_margin = threshold
        self.tokenizer = tokenizer
        self.keep_id = tokenizer.token_id(KEEP)
        self.precision = precision
        self.model = model.for_inference(precision)
        self._warm_up()

    def _warm_up(self) -> None:
        """Run each path once: the first call of the CPU kernels costs seconds, later ones do not."""
        sentence = "The committee met on Monday to discuss the new budget."
        regions = [_Region(0, sentence, 13, 23, 1.0)]
        self._chunk_scores([sentence])
        self._options(regions)

    @classmethod
    def from_dir(cls, model_dir: str | Path, *, threshold: float | None = None,
                 precision: str = "bf16") -> "NeuralStage":
        model_dir = check_model_dir(model_dir)
        try:
            inference, _ = read_metadata(model_dir)
            model = LeanT5.load(model_dir)
            tokenizer = InferenceTokenizer(model_dir)
            lm = load_cached(model_dir / NGRAM_FILE) if (model_dir / NGRAM_FILE).exists() else None
        except ValueError as exc:
            raise ModelFolderError(f"model folder {model_dir} is damaged: {exc}") from None
        except Exception as exc:  # tokenizer.json parse errors come as several types
            raise ModelFolderError(f"model folder {model_dir} is damaged: {type(exc).__name__}: {exc}") from None
        return cls(model, tokenizer, inference, threshold=threshold, precision=precision, lm=lm)

    # --- detection -------------------------------------------------------------------------
    def _windows(self, text: str) -> list[tuple[int, str]]:
        """(offset, piece) for each sentence, long sentences cut into windows of whole chunks."""
        out = []
        for sent in sentences(text):
            cs = chunks(sent.text)
            if len(cs) <= _DETECT_WINDOW:
                out.append((sent.start, sent.text))
                continue
            for i in range(0, len(cs), _DETECT_WINDOW):
                a = cs[i][0] if i else 0
                b = cs[min(i + _DETECT_WINDOW, len(cs)) - 1][1]
                out.append((sent.start + a, sent.text[a:b]))
        return out

    @torch.inference_mode()
    def _chunk_scores(self, pieces: list[str]) -> list[list[tuple[int, int, float]]]:
        """For each piece, (start, end, probability) of each chunk."""
        results: list[list[tuple[int, int, float]]] = [[] for _ in pieces]
        for idx in _length_batches(pieces, self.inference.batch_size):
            enc = self.tokenizer.batch([pieces[i] for i in idx], offsets=True)
            hidden = self.model.encode(enc["input_ids"], enc["attention_mask"])
            probs = torch.sigmoid(self.model.detect_logits(hidden))
            for row, i in enumerate(idx):
                offsets = enc["offset_mapping"][row]
                p = probs[row].tolist()
                scored = []
                tok = 0
                for a, b in chunks(pieces[i]):
                    best = 0.0
                    while tok < len(offsets) and offsets[tok][1] <= a:
                        tok += 1
                    t = tok
                    while t < len(offsets) and offsets[t][0] < b:
                        if offsets[t][1] > offsets[t][0]:
                            best = max(best, p[t])
                        t += 1
                    scored.append((a, b, best))
                results[i] = scored
        return results

    def _scan(self, texts: list[str]) -> list[tuple[int, int, str, list[tuple[int, int, float]]]]:
        """(owner text, offset, piece, chunk scores) for every sentence window of ``texts``;
        all texts' sentences are scored in shared batches."""
        windows = [(k, offset, piece) for k, text in enumerate(texts) for offset, piece in self._windows(text)]
        scores = self._chunk_scores([w[2] for w in windows]) if windows else []
        return [(k, offset, piece, scored) for (k, offset, piece), scored in zip(windows, scores)]

    def _regions_of(self, scan, n_texts: int) -> list[list[_Region]]:
        """Runs of chunks at or above the detect threshold (at most ``max_span_words`` long)."""
        threshold = self.inference.detect_threshold
        regions: list[list[_Region]] = [[] for _ in range(n_texts)]
        for owner, offset, piece, scored in scan:
            run: list[tuple[int, int, float]] = []
            for item in scored + [(0, 0, -1.0)]:
                if item[2] >= threshold and len(run) < self.inference.max_span_words:
                    run.append(item)
                    continue
                if run:
                    regions[owner].append(_Region(offset, piece, run[0][0], run[-1][1], max(r[2] for r in run)))
                run = [item] if item[2] >= threshold else []
        return regions

    def _regions_many(self, texts: list[str]) -> list[list[_Region]]:
        return self._regions_of(self._scan(texts), len(texts))

    def _regions(self, text: str) -> list[_Region]:
        return self._regions_many([text])[0]

    def detect(self, text: str) -> list[FlaggedSpan]:
        """Regions whose detector probability reaches the threshold, with that probability."""
        return [FlaggedSpan(r.sent_start + r.start, r.sent_start + r.end,
                            r.sentence[r.start:r.end], round(r.score, 4))
                for r in self._regions(text)]

    # --- rewriting ---------------------------------------------------------------------------
    def _encode(self, marked: list[str]):
        """Tokenise and encode rewriter inputs once; generation and scoring reuse the result."""
        enc = self.tokenizer.batch(marked)
        return self.model.encode(enc["input_ids"], enc["attention_mask"]), enc["attention_mask"]

    @torch.inference_mode()
    def _beam(self, regions: list[_Region]) -> list[list[tuple[str, float]]]:
        """The rewriter's own proposals for each region: (text, margin over keeping, in nats).

        Greedy decoding may not produce <keep>, so the decoder always offers its best *change*;
        the change then has to beat <keep>.
        """
        out: list[list[tuple[str, float]]] = [[] for _ in regions]
        tok = self.tokenizer
        marked = [mark(r.sentence, r.start, r.end, self.inference.context_words) for r in regions]
        for idx in _length_batches(marked, self.inference.batch_size):
            hidden, mask = self._encode([marked[i] for i in idx])
            cands, scores = self.model.greedy(hidden, mask, self.inference.max_new_tokens, tok.eos_token_id,
                                              tok.pad_token_id, banned=self.keep_id)
            keep = torch.tensor([[self.keep_id, tok.eos_token_id]] * len(idx))
            margins = scores - self._sequence_logprob(hidden, mask, keep)
            for row, i in enumerate(idx):
                ids = [t for t in cands[row].tolist() if t != tok.pad_token_id]
                if tok.eos_token_id not in ids:
                    continue  # ran out of length: not a finished answer
                text = tok.decode(ids[:ids.index(tok.eos_token_id)])
                region = regions[i]
                if text != region.sentence[region.start:region.end]:
                    out[i] = [(text, float(margins[row]))]
        return out

    @torch.inference_mode()
    def _margins(self, items: list[tuple[str, int, int, str]]) -> list[float]:
        """The rewriter's margin (ln P(text) - ln P(<keep>)) for replacing ``sentence[start:end]``."""
        tok = self.tokenizer
        out = [0.0] * len(items)
        marked = [mark(sent, a, b, self.inference.context_words) for sent, a, b, _ in items]
        for idx in _length_batches(marked, self.inference.batch_size):
            hidden, mask = self._encode([marked[i] for i in idx])
            labels = tok.batch([items[i][3] for i in idx])["input_ids"]
            keep = torch.tensor([[self.keep_id, tok.eos_token_id]] * len(idx))
            margins = self._sequence_logprob(hidden, mask, labels) - self._sequence_logprob(hidden, mask, keep)
            for i, margin in zip(idx, margins.tolist()):
                out[i] = margin
        return out

    def _options(self, regions: list[_Region]) -> list[list[Option]]:
        """The rewriter's proposals for each region, with their n-gram gains when there is a model."""
        options: list[list[Option]] = []
        for region, proposals in zip(regions, self._beam(regions)):
            found = [Option(region.start, region.end, text, margin, None, "rewriter") for text, margin in proposals]
            if self.lm is not None:
                for o, gain in zip(found, self._lm_gains(region.sentence, [(o.start, o.end, o.text) for o in found])):
                    o.gain = gain
                    o.frequency_shift = self.lm.frequency_shift(region.sentence[o.start:o.end], o.text)
            options.append(found)
        return options

    def _lm_gains(self, sentence: str, changes: list[tuple[int, int, str]]) -> list[float]:
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

    def _sequence_logprob(self, hidden: torch.Tensor, mask: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Sum of log-probabilities of ``labels`` (up to their first end-of-sequence) given encoder
        states ``hidden``."""
        labels = labels.clone()
        eos = self.tokenizer.eos_token_id
        # everything after the first end-of-sequence is padding
        after = (labels == eos).long().cumsum(-1) - (labels == eos).long() > 0
        labels[after | (labels == self.tokenizer.pad_token_id)] = -100
        logits = self.model.decoder_logits(hidden, mask, self.model.shift_right(labels, self.tokenizer.pad_token_id))
        logp = torch.log_softmax(logits.float(), -1)
        valid = labels != -100
        picked = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        return (picked * valid).sum(-1)

    def choices_many(self, texts: list[str]) -> list[list[RegionChoice]]:
        """For each text, every permitted option found, whatever its scores.

        Two sources: the detector's regions with the rewriter's proposals, and (with an n-gram
        model) the rule-made alternatives of every sentence that most raise its n-gram score.
        Thresholds are applied afterwards (:func:`choose_edits`), so calibration can try many
        settings on one model pass.
        """
        scan = self._scan(texts)
        per_text = self._regions_of(scan, len(texts))
        flat = [(k, region) for k, regions in enumerate(per_text) for region in regions]
        found: list[list[RegionChoice]] = [[] for _ in texts]
        options = self._options([r for _, r in flat]) if flat else []
        for (k, region), opts in zip(flat, options):
            kept = [o for o in opts if self._permitted(region.sentence, o)]
            if kept:
                found[k].append(RegionChoice(region.sent_start, region.sentence, region.score, kept))
        if self.lm is not None:
            for k, choice in self._rule_choices(scan):
                found[k].append(choice)
        return found

    @staticmethod
    def _permitted(sentence: str, o: Option) -> bool:
        old = sentence[o.start:o.end]
        if o.text == old or any(m in o.text for m in (KEEP, "<span>", "</span>")):
            return False
        return allowed(old, o.text, sentence[:o.start], sentence[o.end:])

    def _rule_choices(self, scan) -> list[tuple[int, RegionChoice]]:
        """The best rule-made alternatives of each sentence by n-gram gain, judged by the rewriter.

        Only alternatives whose gain reaches ``lm_min_gain`` can ever be accepted, so only those
        are passed to the rewriter (most sentences have none: the costly part is skipped).
        """
        floor = max(self.inference.lm_min_gain, 0.0)
        wanted: list[tuple[int, Alternative, float]] = []
        for w, (_, _, piece, _) in enumerate(scan):
            alts = [a for a in alternatives(piece)
                    if self._permitted(piece, Option(a.start, a.end, a.text, 0.0, None, a.kind))]
            gains = self._lm_gains(piece, [(a.start, a.end, a.text) for a in alts])
            ranked = sorted(zip(gains, range(len(alts))), reverse=True)[:self.inference.lm_alternatives]
            wanted.extend((w, alts[i], gain) for gain, i in ranked if gain > 0 and gain >= floor)
        margins = self._margins([(scan[w][2], a.start, a.end, a.text) for w, a, _ in wanted])
        out = []
        for (w, alt, gain), margin in zip(wanted, margins):
            owner, offset, piece, scored = scan[w]
            score = max([p for a, b, p in scored if a < alt.end and b > alt.start] or [0.0])
            shift = self.lm.frequency_shift(piece[alt.start:alt.end], alt.text)
            out.append((owner, RegionChoice(offset, piece, score,
                                            [Option(alt.start, alt.end, alt.text, margin, gain, alt.kind, shift)])))
        return out

    def propose_many(self, texts: list[str]) -> list[list[Edit]]:
        """``propose`` for many texts at once (one batched pass: much faster for short texts)."""
        inf = self.inference
        return [choose_edits(choices, inf.rewrite_margin, inf.lm_min_gain, self.name,
                             detector_weight=inf.detector_weight, frequency_weight=inf.frequency_weight)
                for choices in self.choices_many(texts)]

    def propose(self, text: str) -> list[Edit]:
        return self.propose_many([text])[0]


def _length_batches(texts: list[str], batch_size: int) -> list[list[int]]:
    """Indices of ``texts`` in batches of similar length (less padding to compute)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]


@dataclass
class Option:
    """One way to change a region: replace ``sentence[start:end]`` with ``text``.

    ``margin``: the rewriter's preference for it over keeping (nats); ``gain``: how much it raises
    the sentence's n-gram score (nats; None without an n-gram model); ``kind``: where it came from;
    ``frequency_shift``: how much commoner its words are than the old ones
    (:meth:`unmangle.ngram.NgramLM.frequency_shift`; 0 without an n-gram model).
    """

    start: int
    end: int
    text: str
    margin: float
    gain: float | None
    kind: str
    frequency_shift: float = 0.0

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

    def evidence(self, o: Option, detector_weight: float = 0.0, frequency_weight: float = 0.0) -> float:
        """The option's evidence, plus ``detector_weight`` times the detector's log-odds that the
        region is damaged (a third judge, weighted by calibration), less ``frequency_weight`` times
        the option's frequency shift (the part of the judges' preference that only says the new
        words are commoner: a rare word is not wrong for being rare)."""
        evidence = o.evidence - frequency_weight * max(o.frequency_shift, 0.0)
        if not detector_weight:
            return evidence
        p = min(max(self.score, 1e-4), 1 - 1e-4)
        return evidence + detector_weight * math.log(p / (1 - p))

    def pick(self, min_margin: float, min_gain: float, detector_weight: float = 0.0,
             frequency_weight: float = 0.0) -> Option | None:
        """The option with the most evidence, if it has enough; else None (leave it alone).

        Evidence is the rewriter's margin plus the n-gram gain: both are log-odds of the change
        against keeping the text, so adding them multiplies two independent judges' odds. It must
        reach ``min_margin``, and the n-gram gain alone must reach ``min_gain``.
        """
        def evidence(o: Option) -> float:
            return self.evidence(o, detector_weight, frequency_weight)

        good = [o for o in self.options if evidence(o) >= min_margin and (o.gain is None or o.gain >= min_gain)]
        return max(good, key=evidence, default=None)

    def make_edit(self, o: Option, stage: str = "neural", detector_weight: float = 0.0,
                  frequency_weight: float = 0.0) -> Edit:
        start = self.sent_start + o.start
        old = self.sentence[o.start:o.end]
        confidence = 1.0 / (1.0 + math.exp(-self.evidence(o, detector_weight, frequency_weight)))
        gain = "" if o.gain is None else f", n-gram score +{o.gain:.1f} nats"
        if frequency_weight and o.frequency_shift > 0:
            gain += (f", new words commoner by {o.frequency_shift:.1f} nats "
                     f"(taken off at weight {frequency_weight:g})")
        return Edit(start, start + len(old), old, o.text, stage,
                    f"neural: {o.kind} (detector p={self.score:.2f}); rewriter prefers it to keeping by "
                    f"{o.margin:.1f} nats{gain}", round(min(1.0, confidence), 4))


def choose_edits(choices: list[RegionChoice], min_margin: float, min_gain: float,
                 stage: str = "neural", *, detector_weight: float = 0.0,
                 frequency_weight: float = 0.0) -> list[Edit]:
    """The edits made at these thresholds, strongest evidence first.

    Each option was judged alone against the unchanged sentence, so two changes that touch or sit
    within one word of each other may not both be made ("in the the new" must not lose both "the"s):
    the weaker one gives way, as does any overlapping one.
    """
    picked = []
    for choice in choices:
        option = choice.pick(min_margin, min_gain, detector_weight, frequency_weight)
        if option is not None:
            picked.append((choice.evidence(option, detector_weight, frequency_weight), choice, option))
    kept: list[tuple[Edit, RegionChoice, Option]] = []
    for _, choice, option in sorted(picked, key=lambda x: -x[0]):
        edit = choice.make_edit(option, stage, detector_weight, frequency_weight)
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
