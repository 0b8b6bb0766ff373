"""The rewriter: for a marked region, the decoder writes a replacement or ``<keep>``.

Its judgement of an option is a *margin*: ln P(option) - ln P(<keep>) in nats, the log-odds the
rewriter gives the change over leaving the region alone.
"""

from __future__ import annotations

import numpy as np

from ..model_folder import InferenceSettings
from .batches import length_batches
from .numpy_t5 import log_softmax
from .regions import Region
from .tokenizer import KEEP, InferenceTokenizer, mark

#: (sentence, start, end, replacement): replace ``sentence[start:end]`` by ``replacement``
Change = tuple[str, int, int, str]
#: A change is scored when its keep-pass bound comes within this many nats of its floor: room for
#: the float rounding between batches of different sizes, far below any threshold's resolution.
_FLOOR_SLACK = 1e-3


class Rewriter:
    """Proposes and scores replacements for regions of sentences."""

    def __init__(self, network, tokenizer: InferenceTokenizer, settings: InferenceSettings) -> None:
        self.network = network
        self.tokenizer = tokenizer
        self.settings = settings
        self.keep_id = tokenizer.token_id(KEEP)

    def encode(self, marked: list[str]):
        """Tokenise and encode rewriter inputs once; generation and scoring reuse the result."""
        enc = self.tokenizer.batch(marked)
        return self.network.encode(enc["input_ids"], enc["attention_mask"]), enc["attention_mask"]

    def _mark(self, sentence: str, start: int, end: int) -> str:
        return mark(sentence, start, end, self.settings.context_words)

    def _keep_labels(self, rows: int) -> np.ndarray:
        return np.array([[self.keep_id, self.tokenizer.eos_token_id]] * rows, dtype=np.int64)

    def propose(self, regions: list[Region]) -> list[list[tuple[str, float]]]:
        """The rewriter's own proposal for each region: (text, margin over keeping, in nats).

        Greedy decoding may not produce <keep>, so the decoder always offers its best *change*;
        the change then has to beat <keep>.
        """
        out: list[list[tuple[str, float]]] = [[] for _ in regions]
        tok = self.tokenizer
        marked = [self._mark(r.sentence, r.start, r.end) for r in regions]
        for idx in length_batches(marked, self.settings.batch_size):
            hidden, mask = self.encode([marked[i] for i in idx])
            cands, scores = self.network.greedy(hidden, mask, self.settings.max_new_tokens, tok.eos_token_id,
                                                tok.pad_token_id, banned=self.keep_id)
            margins = scores - self.sequence_logprob(hidden, mask, self._keep_labels(len(idx)))
            for row, i in enumerate(idx):
                ids = [t for t in cands[row].tolist() if t != tok.pad_token_id]
                if tok.eos_token_id not in ids:
                    continue  # ran out of length: not a finished answer
                text = tok.decode(ids[:ids.index(tok.eos_token_id)])
                region = regions[i]
                if text != region.sentence[region.start:region.end]:
                    out[i] = [(text, float(margins[row]))]
        return out

    def margins(self, changes: list[Change], floors: list[float] | None = None) -> list[float | None]:
        """The rewriter's margin (ln P(text) - ln P(<keep>)) for each change.

        ``floors``: for each change, the margin it needs to matter. A margin is at most
        -ln P(<keep>) (ln P(text) cannot exceed 0), so a change whose keep-pass already rules it
        out is not scored: its margin is None. The keep-pass is two tokens long; skipping the
        replacement's pass is exact, not an approximation.
        """
        out: list[float | None] = [None] * len(changes)
        marked = [self._mark(sent, a, b) for sent, a, b, _ in changes]
        for idx in length_batches(marked, self.settings.batch_size):
            hidden, mask = self.encode([marked[i] for i in idx])
            cross_kv = self.network.cross_keys_values(hidden)
            keep = self.sequence_logprob(hidden, mask, self._keep_labels(len(idx)), cross_kv=cross_kv)
            rows = list(range(len(idx)))
            if floors is not None:
                rows = [r for r in rows if -float(keep[r]) >= floors[idx[r]] - _FLOOR_SLACK]
                if not rows:
                    continue
            pick = np.array(rows)
            if len(rows) < len(idx):
                hidden, mask = hidden[pick], mask[pick]
                cross_kv = [(k[pick], v[pick]) for k, v in cross_kv]
            labels = self.tokenizer.batch([changes[idx[r]][3] for r in rows])["input_ids"]
            scored = self.sequence_logprob(hidden, mask, labels, cross_kv=cross_kv) - keep[pick]
            for r, margin in zip(rows, scored.tolist()):
                out[idx[r]] = margin
        return out

    def sequence_logprob(self, hidden: np.ndarray, mask: np.ndarray, labels: np.ndarray,
                         cross_kv=None) -> np.ndarray:
        """Sum of log-probabilities of ``labels`` (up to their first end-of-sequence) given encoder
        states ``hidden`` (``cross_kv``: the decoder's keys and values of them, when already made)."""
        labels = np.array(labels, dtype=np.int64)
        eos = (labels == self.tokenizer.eos_token_id).astype(np.int64)
        # everything after the first end-of-sequence is padding
        after = eos.cumsum(-1) - eos > 0
        labels[after | (labels == self.tokenizer.pad_token_id)] = -100
        logits = self.network.decoder_logits(hidden, mask, self.network.shift_right(labels, self.tokenizer.pad_token_id),
                                             cross_kv=cross_kv)
        logp = log_softmax(logits)
        valid = labels != -100
        picked = np.take_along_axis(logp, np.maximum(labels, 0)[..., None], axis=-1)[..., 0]
        # summed in float64: the number of padded positions (exact zeros) depends on the batch,
        # and a float32 sum's order on the number of positions
        return (picked.astype(np.float64) * valid).sum(-1)
