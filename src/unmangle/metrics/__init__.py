"""Metrics for repaired text, one obvious API in the manner of sacrebleu.

>>> from unmangle.metrics import corpus_scores
>>> scores = corpus_scores(inputs, outputs, references)         # doctest: +SKIP
>>> scores["chrf"], scores["ter"], scores["edit_prf"]["f0.5"]    # doctest: +SKIP

:class:`Scorer` scores several systems on one corpus without realigning the references;
:mod:`unmangle.metrics.scorer` defines every number precisely.
"""

from __future__ import annotations

from .align import align, tokenize
from .gleu import corpus_gleu
from .sacre import sacrebleu_scores, signatures
from .scorer import MisalignedError, Scorer, corpus_scores, prf

__all__ = ["MisalignedError", "Scorer", "align", "corpus_gleu", "corpus_scores", "prf",
           "sacrebleu_scores", "signatures", "tokenize"]
