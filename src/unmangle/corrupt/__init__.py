"""``unmangle.corrupt``: a noise model of back-translation and spinner damage, for training and benchmarks.

>>> from unmangle.corrupt import Corruptor, CorruptionConfig
>>> c = Corruptor(CorruptionConfig.only("entity"), seed=1)
>>> pair = c.corrupt_sentence("Investors sold shares of Tencent on Monday.")
>>> pair.target
'Investors sold shares of Tencent on Monday.'
>>> pair.reconstruct() == pair.target
True

Needs only the Python standard library and the data files in ``unmangle/corrupt/data`` (it runs in
many processes on bare training machines). Everything is deterministic given the seed.

Families (one module each): ``entities`` (entity), ``lexical`` (synonym), ``function_words``
(function_word), ``word_order``, ``clause``, ``duplication``, ``punctuation`` (spacing) and
``document`` (paragraph_duplicate, boilerplate, lost paragraph breaks). Rates: see
:mod:`unmangle.corrupt.config`; span rules: see :mod:`unmangle.corrupt.pairs`.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional

from .config import (CATEGORIES, DOCUMENT_CATEGORIES, PRESETS, SENTENCE_CATEGORIES, ConfigError,
                     CorruptionConfig)
from .corruptor import Corruptor
from .labelled import CorruptedPair, PairError, Span

__all__ = [
    "CATEGORIES", "DOCUMENT_CATEGORIES", "PRESETS", "SENTENCE_CATEGORIES", "ConfigError",
    "CorruptedPair", "CorruptionConfig", "Corruptor", "PairError", "Span", "iter_training_pairs",
]


def iter_training_pairs(texts: Iterable[str], seed: int | str = 0,
                        config: Optional[CorruptionConfig] = None, level: str = "sentence",
                        start: int = 0, pps: Optional[str] = None,
                        with_keys: bool = False) -> Iterator:
    """Stream corrupted pairs from clean ``texts``.

    ``level="sentence"`` splits every text into sentences and yields one pair per sentence;
    ``"paragraph"`` yields one pair per paragraph (sentence-level damage, including lost sentence
    breaks); ``"document"`` one pair per text with document-level damage too.

    Each unit gets its own random stream keyed by ``(seed, text index, unit index)``, so output does
    not depend on sharding: a worker given the contiguous slice ``texts[a:b]`` with ``start=a``
    produces exactly the pairs the whole run produces for those texts. With ``with_keys``, yields
    ``(key, pair)`` where key is ``"TEXT_INDEX"`` (documents) or ``"TEXT_INDEX.UNIT"``.
    """
    from ..textspans import paragraphs, sentences

    corruptor = Corruptor(config, seed=seed, pps=pps)
    if level not in ("sentence", "paragraph", "document"):
        raise ValueError(f"level must be 'sentence', 'paragraph' or 'document', got {level!r}")
    for idx, text in enumerate(texts, start):
        if level == "document":
            units = [(str(idx), text)]
        elif level == "paragraph":
            units = [(f"{idx}.{k}", p.text) for k, p in enumerate(paragraphs(text))]
        else:  # sentences paragraph by paragraph: splitting a long text at once is slow
            pieces = [s.text for p in paragraphs(text) for s in sentences(p.text)]
            units = [(f"{idx}.{k}", s) for k, s in enumerate(pieces)]
        for key, unit in units:
            pair = (corruptor.corrupt_document(unit, key=key) if level == "document"
                    else corruptor.corrupt_sentence(unit, key=key))
            yield (key, pair) if with_keys else pair
