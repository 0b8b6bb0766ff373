"""The model's tokenizer at repair time, and the rewriter's input format.

A model folder's ``tokenizer.json`` (built by :mod:`unmangle.training.tokenizer`: a Unigram
vocabulary with byte fallback, so ``decode(encode(x)) == x`` for any text) is read through the
``tokenizers`` library alone: no transformers import at repair time. :func:`mark` writes the
rewriter's input, the same at training and at repair time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..textspans import chunks

#: T5 convention: pad 0, end of sequence 1, unknown 2.
PAD, EOS, UNK = "<pad>", "</s>", "<unk>"
#: Markers around the span to rewrite, and the "leave it alone" answer.
SPAN_OPEN, SPAN_CLOSE, KEEP = "<span>", "</span>", "<keep>"
MARKERS = (SPAN_OPEN, SPAN_CLOSE, KEEP)


class InferenceTokenizer:
    """A model folder's ``tokenizer.json`` through the ``tokenizers`` library alone.

    Repair needs only batch encoding (padded, with character offsets) and decoding; doing that
    without transformers saves half a second of import time. Ids and offsets equal those of
    :func:`load_tokenizer` (tested).
    """

    def __init__(self, model_dir: str | Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        ids = {name: self._tok.token_to_id(name) for name in (PAD, EOS, UNK, *MARKERS)}
        missing = [name for name, i in ids.items() if i is None]
        if missing:
            raise ValueError(f"{Path(model_dir) / 'tokenizer.json'} lacks the tokens {missing}")
        self.pad_token_id, self.eos_token_id = ids[PAD], ids[EOS]
        self._ids = ids

    def token_id(self, token: str) -> int:
        return self._ids[token] if token in self._ids else self._tok.token_to_id(token)

    def __len__(self) -> int:
        return self._tok.get_vocab_size()

    def batch(self, texts: list[str], *, offsets: bool = False) -> dict:
        """input_ids and attention_mask (right-padded int64 arrays), and offset lists if asked."""
        encodings = self._tok.encode_batch(texts)
        width = max((len(e.ids) for e in encodings), default=0)
        ids = np.full((len(texts), width), self.pad_token_id, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = 1
        out = {"input_ids": ids, "attention_mask": mask}
        if offsets:
            out["offset_mapping"] = [list(e.offsets) for e in encodings]
        return out

    def decode(self, ids: list[int]) -> str:
        return self._tok.decode(ids, skip_special_tokens=False)


def mark(text: str, start: int, end: int, context_chunks: int = 40) -> str:
    """The rewriter's input: ``text`` around ``[start, end)`` with the region between markers.

    At most ``context_chunks`` chunks of context on each side, so long sentences are never cut off
    the model's input and nothing of the document is lost (only the model's view is windowed).
    """
    left = text[:start]
    right = text[end:]
    if context_chunks is not None:
        lc = chunks(left)
        if len(lc) > context_chunks:
            left = left[lc[-context_chunks][0]:]
        rc = chunks(right)
        if len(rc) > context_chunks:
            right = right[:rc[context_chunks - 1][1]]
    return f"{left}{SPAN_OPEN}{text[start:end]}{SPAN_CLOSE}{right}"
