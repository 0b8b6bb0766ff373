"""Which arithmetic runs the model: NumPy (the default), torch, or NumPy for small calls and torch
for large ones.

Both engines compute the same network (:mod:`unmangle.neural.numpy_t5`,
:mod:`unmangle.neural.lean_t5`) with the same rounding at ``bf16`` (they sum in different
orders, so a value now and then rounds to the neighbouring bfloat16: on the shipped example the
rewriter's margins differ by 0.015 nats on average and 0.13 at most, the detector's probabilities
by 0.003 at most, ``benchmarks/results/engine_crossover.md``; at ``fp32`` they agree to 1e-5), and both take and give NumPy arrays, so the detector and the rewriter
do not know which one ran. They differ in cost:

- NumPy needs no torch import (1.2 s of a ready Repairer's 1.9 s, measured) and has less overhead
  per product, so a call over one sentence is faster.
- torch computes bfloat16 products natively (AVX-512 BF16), up to twice NumPy's float32 rate on
  large batches.

Measured (2-core AMD EPYC, ``benchmarks/results/engine_crossover.md``, NumPy's time over torch's):
encoding one sentence of 28 tokens 0.81, two 1.00, three 1.22, four 1.30, 8 to 32 sentences 1.96
to 2.04; the decoder over 1 to 16 rows 0.90 to 1.06, 32 rows of 6 tokens 1.69.

``engine="numpy"`` (the default; ``Repairer(model_engine=...)``, ``--model-engine``) runs every
call on NumPy, whose arithmetic is made batch-independent (:mod:`unmangle.neural.numpy_t5`: small
products padded to a row count where BLAS keeps one summation order, attention summed in float64,
layers whose shape the installed BLAS does not keep row by row summed in float64), so a text's
result does not depend on what else is in its call (one call per row and one batched call gave
the same output on all of 5,000 MLQE-PE dev rows, ``benchmarks/results/latency.md``;
across the two engines, 2 of 5,000 rows differed, an edit at the threshold each); no torch is
needed, and the process holds half the memory. ``engine="torch"`` runs every call on
torch. ``engine="auto"`` chooses once per stage call, by the words it repairs: a call of at most
:data:`SMALL_CALL_WORDS` words runs on NumPy, a larger one on torch (imported the first time one
is needed; without torch installed, everything runs on NumPy): the fastest for batches and single
sentences alike, with results equal only to rounding between the two. Not per model call: switching
engines model call by model call made a paragraph's repair slower than either engine alone
(measured: 127 ms a paragraph against NumPy's 87 and torch's 74), as NumPy's BLAS threads and
torch's take turns waiting on the same two cores. ``int8`` runs on torch alone (NumPy has no
fast int8 products).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from ..model_folder import TorchUnavailable, engine_for
from .numpy_t5 import NumpyT5, greedy_decode, shift_right

log = logging.getLogger(__name__)

#: Largest stage call (words of all its texts) that runs on NumPy: about two sentences of news,
#: where NumPy's encoder and decoder calls stop being faster (see the module docstring).
SMALL_CALL_WORDS = 60


class TorchNetwork:
    """:class:`unmangle.neural.lean_t5.LeanT5` behind the NumPy interface (arrays in and out)."""

    def __init__(self, model) -> None:
        import torch

        self._torch = torch
        self.model = model
        self.start_id = model.start_id

    def _t(self, array: np.ndarray):
        return self._torch.from_numpy(np.ascontiguousarray(array))

    def encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with self._torch.inference_mode():
            return self.model.encode(self._t(input_ids), self._t(attention_mask)).numpy()

    def detect_logits(self, hidden: np.ndarray) -> np.ndarray:
        with self._torch.inference_mode():
            return self.model.detect_logits(self._t(hidden)).numpy()

    def cross_keys_values(self, hidden: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        with self._torch.inference_mode():
            return [(k.numpy(), v.numpy()) for k, v in self.model.cross_keys_values(self._t(hidden))]

    def decoder_logits(self, hidden: np.ndarray, attention_mask: np.ndarray, decoder_input_ids: np.ndarray, *,
                       cross_kv=None, last_only: bool = False) -> np.ndarray:
        if cross_kv is not None:
            cross_kv = [(self._t(k), self._t(v)) for k, v in cross_kv]
        with self._torch.inference_mode():
            return self.model.decoder_logits(self._t(hidden), self._t(attention_mask), self._t(decoder_input_ids),
                                             cross_kv=cross_kv, last_only=last_only).numpy()

    def shift_right(self, labels: np.ndarray, pad_id: int) -> np.ndarray:
        return shift_right(labels, self.start_id, pad_id)

    def greedy(self, hidden, attention_mask, max_new_tokens, eos_id, pad_id, banned=None):
        return greedy_decode(self, hidden, attention_mask, max_new_tokens, eos_id, pad_id, banned)


class RoutedNetwork:
    """The model on NumPy, or on torch inside a :meth:`sized` call of more than
    ``max_small_words`` words.

    ``large`` is a function that builds the torch engine; it runs on the first large call (and
    its import error, if torch is missing, leaves NumPy running everything).
    """

    def __init__(self, small: NumpyT5, large, max_small_words: int | None = None) -> None:
        self.small = small
        self.start_id = small.start_id
        self.max_small_words = SMALL_CALL_WORDS if max_small_words is None else max_small_words
        self._load_large = large
        self._large = None
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def sized(self, words: int) -> Iterator[None]:
        """Run the model calls of this block (in this thread) on the engine for ``words`` words."""
        previous = getattr(self._local, "engine", None)
        self._local.engine = self.small if words <= self.max_small_words else self._large_engine()
        try:
            yield
        finally:
            self._local.engine = previous

    def _large_engine(self):
        if self._large is None:
            with self._lock:
                if self._large is None and self._load_large is not None:
                    try:
                        self._large = self._load_large()
                    except ImportError as exc:
                        log.info("torch is not installed (%s): the model runs on NumPy alone", exc)
                        self._load_large = None
        return self._large if self._large is not None else self.small

    @property
    def _engine(self):
        return getattr(self._local, "engine", None) or self.small

    def encode(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self._engine.encode(input_ids, attention_mask)

    def detect_logits(self, hidden: np.ndarray) -> np.ndarray:
        return self.small.detect_logits(hidden)  # one dot product per token: no engine is faster

    def cross_keys_values(self, hidden: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        return self._engine.cross_keys_values(hidden)

    def decoder_logits(self, hidden: np.ndarray, attention_mask: np.ndarray, decoder_input_ids: np.ndarray, *,
                       cross_kv=None, last_only: bool = False) -> np.ndarray:
        return self._engine.decoder_logits(hidden, attention_mask, decoder_input_ids,
                                           cross_kv=cross_kv, last_only=last_only)

    def shift_right(self, labels: np.ndarray, pad_id: int) -> np.ndarray:
        return shift_right(labels, self.start_id, pad_id)

    def greedy(self, hidden, attention_mask, max_new_tokens, eos_id, pad_id, banned=None):
        return greedy_decode(self, hidden, attention_mask, max_new_tokens, eos_id, pad_id, banned)


def torch_network(model_dir: Path, precision: str) -> TorchNetwork:
    """The torch engine over a model folder (imports torch)."""
    from .lean_t5 import LeanT5

    return TorchNetwork(LeanT5.load(model_dir).for_inference(precision))


def load_network(model_dir: Path, precision: str = "bf16", engine: str = "numpy",
                 max_small_words: int | None = None):
    """The inference network of a model folder at ``precision`` on ``engine`` (see the module
    docstring; ``int8`` runs on torch whatever the engine)."""
    engine = engine_for(precision, engine)
    if engine == "numpy":
        return NumpyT5.load(model_dir, precision)
    if engine == "torch":
        try:
            return torch_network(model_dir, precision)
        except ImportError as exc:
            asked = "precision 'int8' runs" if precision == "int8" else "engine 'torch' runs"
            instead = "precision 'bf16'" if precision == "int8" else "engine 'numpy' (the default)"
            raise TorchUnavailable(f"{asked} the model on torch, which cannot be imported ({exc}); "
                                   f"install it (pip install torch) or use {instead}") from None
    return RoutedNetwork(NumpyT5.load(model_dir, precision), lambda: torch_network(model_dir, precision),
                         max_small_words)
