"""The neural stage: flag suspicious regions, propose replacements, keep only clear improvements.

Per sentence: the detector scores every token; runs of flagged chunks become regions; for each region
the rewriter generates a replacement and the change is accepted only when the model prefers it over
``<keep>`` by at least ``rewrite_margin`` nats. "Leave it alone" is always a candidate.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from ..edits import Edit
from ..textspans import sentences
from .examples import chunks, mark
from .guards import allowed
from .model import InferenceSettings, UnmangleModel, fuse_for_inference, read_metadata
from .model_dir import ModelFolderError, check_model_dir
from .tokenizer import KEEP, load_tokenizer

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

    def __init__(self, model: UnmangleModel, tokenizer, inference: InferenceSettings,
                 *, threshold: float | None = None, quantize: bool = True) -> None:
        self.inference = inference
        if threshold is not None:
            self.inference.rewrite_margin = threshold
        self.tokenizer = tokenizer
        self.keep_id = tokenizer.convert_tokens_to_ids(KEEP)
        model = fuse_for_inference(model.float().eval())
        if quantize and not torch.cuda.is_available():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # quantize_dynamic's deprecation notice
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self._warm_up()

    def _warm_up(self) -> None:
        """Run each path once: the first call of the CPU kernels costs seconds, later ones do not."""
        sentence = "The committee met on Monday to discuss the new budget."
        regions = [_Region(0, sentence, 13, 23, 1.0)]
        self._chunk_scores([sentence])
        self._rewrite(regions)

    @classmethod
    def from_dir(cls, model_dir: str | Path, *, threshold: float | None = None,
                 quantize: bool = True) -> "NeuralStage":
        model_dir = check_model_dir(model_dir)
        try:
            inference, _ = read_metadata(model_dir)
            model = UnmangleModel.load(model_dir)
            tokenizer = load_tokenizer(model_dir)
        except ValueError as exc:
            raise ModelFolderError(f"model folder {model_dir} is damaged: {exc}") from None
        except Exception as exc:  # tokenizer.json parse errors come as several types
            raise ModelFolderError(f"model folder {model_dir} is damaged: {type(exc).__name__}: {exc}") from None
        return cls(model, tokenizer, inference, threshold=threshold, quantize=quantize)

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
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        bs = self.inference.batch_size
        for k in range(0, len(order), bs):
            idx = order[k:k + bs]
            enc = self.tokenizer([pieces[i] for i in idx], return_offsets_mapping=True, padding=True,
                                 return_tensors="pt")
            probs = torch.sigmoid(self.model.detect_logits(enc["input_ids"], enc["attention_mask"]))
            for row, i in enumerate(idx):
                offsets = enc["offset_mapping"][row].tolist()
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

    def _regions_many(self, texts: list[str]) -> list[list[_Region]]:
        """Flagged regions of each text; all texts' sentences are scored in shared batches."""
        threshold = self.inference.detect_threshold
        owners: list[int] = []
        windows: list[tuple[int, str]] = []
        for k, text in enumerate(texts):
            for window in self._windows(text):
                owners.append(k)
                windows.append(window)
        regions: list[list[_Region]] = [[] for _ in texts]
        scores = self._chunk_scores([w[1] for w in windows]) if windows else []
        for owner, (offset, piece), scored in zip(owners, windows, scores):
            run: list[tuple[int, int, float]] = []
            for item in scored + [(0, 0, -1.0)]:
                if item[2] >= threshold and len(run) < self.inference.max_span_words:
                    run.append(item)
                    continue
                if run:
                    regions[owner].append(_Region(offset, piece, run[0][0], run[-1][1], max(r[2] for r in run)))
                run = [item] if item[2] >= threshold else []
        return regions

    def _regions(self, text: str) -> list[_Region]:
        return self._regions_many([text])[0]

    def detect(self, text: str) -> list[FlaggedSpan]:
        """Regions whose detector probability reaches the threshold, with that probability."""
        return [FlaggedSpan(r.sent_start + r.start, r.sent_start + r.end,
                            r.sentence[r.start:r.end], round(r.score, 4))
                for r in self._regions(text)]

    # --- rewriting ---------------------------------------------------------------------------
    @torch.inference_mode()
    def _rewrite(self, regions: list[_Region]) -> list[tuple[str, float]]:
        """(best replacement or KEEP, its margin over keeping in nats) for each region.

        Generation may not start with <keep>, so the decoder always offers its best *change*; the
        change then has to beat <keep> by the margin. With ``num_candidates`` > 1, beam search
        offers several and the one with the largest margin is taken.
        """
        out: list[tuple[str, float]] = []
        n = max(1, int(self.inference.extra.get("num_candidates", 1)))
        bs = self.inference.batch_size
        tok = self.tokenizer
        for k in range(0, len(regions), bs):
            batch = regions[k:k + bs]
            marked = [mark(r.sentence, r.start, r.end, self.inference.context_words) for r in batch]
            enc = tok(marked, padding=True, return_tensors="pt")
            gen = self.model.t5.generate(
                input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                max_new_tokens=self.inference.max_new_tokens, num_beams=n, num_return_sequences=n,
                do_sample=False, bad_words_ids=[[self.keep_id]])
            cands = gen[:, 1:]  # drop the decoder start token
            rep = {key: value.repeat_interleave(n, dim=0) for key, value in enc.items()}
            keep = torch.tensor([[self.keep_id, tok.eos_token_id]] * len(batch))
            lp_cand = self._sequence_logprob(rep, cands)
            lp_keep = self._sequence_logprob(enc, keep).repeat_interleave(n)
            for row, region in enumerate(batch):
                old = region.sentence[region.start:region.end]
                best: tuple[str, float] = (KEEP, float("-inf"))
                for j in range(row * n, row * n + n):
                    ids = [i for i in cands[j].tolist() if i != tok.pad_token_id]
                    if tok.eos_token_id not in ids:
                        continue  # ran out of length: not a finished answer
                    text = tok.decode(ids[:ids.index(tok.eos_token_id)], skip_special_tokens=False)
                    margin = float(lp_cand[j] - lp_keep[j])
                    if text != old and margin > best[1]:
                        best = (text, margin)
                out.append(best if best[0] != KEEP else (KEEP, 0.0))
        return out

    def _sequence_logprob(self, enc, labels: torch.Tensor) -> torch.Tensor:
        labels = labels.clone()
        eos = self.tokenizer.eos_token_id
        # everything after the first end-of-sequence is padding
        after = (labels == eos).long().cumsum(-1) - (labels == eos).long() > 0
        labels[after | (labels == self.tokenizer.pad_token_id)] = -100
        logits = self.model.t5(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                               labels=labels).logits
        logp = torch.log_softmax(logits.float(), -1)
        mask = labels != -100
        picked = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        return (picked * mask).sum(-1)

    def candidates_many(self, texts: list[str]) -> list[list[tuple[Edit, float]]]:
        """Every rewrite the model would make in each text, whatever its margin, with that margin."""
        per_text = self._regions_many(texts)
        flat = [(k, region) for k, regions in enumerate(per_text) for region in regions]
        found: list[list[tuple[Edit, float]]] = [[] for _ in texts]
        if not flat:
            return found
        for (k, region), (cand, margin) in zip(flat, self._rewrite([r for _, r in flat])):
            old = region.sentence[region.start:region.end]
            if cand == KEEP or cand == old or any(m in cand for m in (KEEP, "<span>", "</span>")):
                continue
            if not allowed(old, cand, region.sentence[:region.start]):
                continue
            start = region.sent_start + region.start
            confidence = region.score / (1.0 + math.exp(-margin))
            found[k].append((Edit(start, start + len(old), old, cand, self.name,
                                  f"neural: detector p={region.score:.2f}; rewrite preferred over "
                                  f"keeping by {margin:.1f} nats", round(min(1.0, confidence), 4)), margin))
        return found

    def candidates(self, text: str) -> list[tuple[Edit, float]]:
        return self.candidates_many([text])[0]

    def propose_many(self, texts: list[str]) -> list[list[Edit]]:
        """``propose`` for many texts at once (one batched pass: much faster for short texts)."""
        margin = self.inference.rewrite_margin
        return [[edit for edit, m in found if m >= margin] for found in self.candidates_many(texts)]

    def propose(self, text: str) -> list[Edit]:
        return self.propose_many([text])[0]
