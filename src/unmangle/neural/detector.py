"""The detector: per-chunk probabilities that a sentence's words are machine damage.

The encoder reads each sentence (long ones in windows of whole chunks) and a linear head scores
every token; a chunk's score is its highest token's. Runs of chunks at or above ``min_probability``
become :class:`Region` objects for the rewriter.
"""

from __future__ import annotations

import numpy as np

from ..model_folder import InferenceSettings
from ..textspans import chunks, sentences
from .batches import length_batches
from .regions import ChunkScores, Region, ScannedPiece
from .tokenizer import InferenceTokenizer

#: Longest piece of a sentence the detector reads at once (in chunks); longer ones are windowed.
DETECT_WINDOW = 60

class Detector:
    """Scores the chunks of sentences with the network's encoder and detector head."""

    def __init__(self, network, tokenizer: InferenceTokenizer, settings: InferenceSettings) -> None:
        self.network = network
        self.tokenizer = tokenizer
        self.settings = settings

    @staticmethod
    def windows(text: str) -> list[tuple[int, str]]:
        """(offset, piece) for each sentence, long sentences cut into windows of whole chunks."""
        out = []
        for sent in sentences(text):
            cs = chunks(sent.text)
            if len(cs) <= DETECT_WINDOW:
                out.append((sent.start, sent.text))
                continue
            for i in range(0, len(cs), DETECT_WINDOW):
                a = cs[i][0] if i else 0
                b = cs[min(i + DETECT_WINDOW, len(cs)) - 1][1]
                out.append((sent.start + a, sent.text[a:b]))
        return out

    def chunk_scores(self, pieces: list[str]) -> list[ChunkScores]:
        """For each piece, (start, end, probability) of each chunk."""
        results: list[ChunkScores] = [[] for _ in pieces]
        for idx in length_batches(pieces, self.settings.batch_size):
            enc = self.tokenizer.batch([pieces[i] for i in idx], offsets=True)
            hidden = self.network.encode(enc["input_ids"], enc["attention_mask"])
            with np.errstate(over="ignore"):  # exp overflows to inf for very low logits: probability 0
                probs = 1.0 / (1.0 + np.exp(-self.network.detect_logits(hidden)))
            for row, i in enumerate(idx):
                results[i] = _chunk_maxima(pieces[i], enc["offset_mapping"][row], probs[row].tolist())
        return results

    def scan(self, texts: list[str]) -> list[ScannedPiece]:
        """Every sentence window of ``texts`` with its chunk scores; all texts' sentences are
        scored in shared batches."""
        windows = [(k, offset, piece) for k, text in enumerate(texts) for offset, piece in self.windows(text)]
        scores = self.chunk_scores([w[2] for w in windows]) if windows else []
        return [ScannedPiece(k, offset, piece, scored) for (k, offset, piece), scored in zip(windows, scores)]

    def regions(self, scan: list[ScannedPiece], n_texts: int, min_probability: float) -> list[list[Region]]:
        """Runs of chunks at or above ``min_probability`` (at most ``max_span_words`` long), per text."""
        regions: list[list[Region]] = [[] for _ in range(n_texts)]
        for item in scan:
            run: ChunkScores = []
            for chunk in item.scores + [(0, 0, -1.0)]:
                if chunk[2] >= min_probability and len(run) < self.settings.max_span_words:
                    run.append(chunk)
                    continue
                if run:
                    regions[item.owner].append(
                        Region(item.offset, item.piece, run[0][0], run[-1][1], max(r[2] for r in run)))
                run = [chunk] if chunk[2] >= min_probability else []
        return regions


def _chunk_maxima(piece: str, offsets: list[tuple[int, int]], probs: list[float]) -> ChunkScores:
    """Each chunk of ``piece`` with the highest probability of the tokens inside it."""
    scored = []
    tok = 0
    for a, b in chunks(piece):
        best = 0.0
        while tok < len(offsets) and offsets[tok][1] <= a:
            tok += 1
        t = tok
        while t < len(offsets) and offsets[t][0] < b:
            if offsets[t][1] > offsets[t][0]:
                best = max(best, probs[t])
            t += 1
        scored.append((a, b, best))
    return scored
