"""Training data: read corpora, corrupt clean text, cut examples, pre-tokenise into arrays.

Everything the accelerator needs is tokenised up front (in worker processes) and kept as flat
integer arrays, so the training loop only slices and pads.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ..clean_text import read_paragraphs
from ..textspans import sentences
from .examples import build_examples, token_labels

#: File names that look like evaluation splits; training refuses them.
_EVAL_NAME = re.compile(r"(^|[._-])(dev|test|valid|eval)([._-]|$)", re.IGNORECASE)


class EvalDataError(ValueError):
    """Training was pointed at a file that looks like evaluation data."""


def refuse_eval_file(path: str | Path) -> None:
    if _EVAL_NAME.search(Path(path).name):
        raise EvalDataError(
            f"{path} looks like an evaluation split (dev/test/valid in its name); training never "
            "reads evaluation data. Rename it if it really is training data.")


def read_clean_texts(path: str | Path, *, text_field: str = "text",
                     where: str | None = None) -> Iterator[str]:
    """Paragraphs of clean training text (:func:`unmangle.clean_text.read_paragraphs`); refuses
    files named like evaluation splits.

    Sentence splitting happens later, in the worker processes, where it runs in parallel.
    """
    refuse_eval_file(path)
    return read_paragraphs(path, field=text_field, where=where)


def clean_sentences(paragraphs: Iterable[str], min_words: int = 4, max_words: int = 70) -> Iterator[str]:
    """Sentences of a usable length from paragraphs."""
    for para in paragraphs:
        for span in sentences(para):
            n = span.text.count(" ") + 1
            if min_words <= n <= max_words:
                yield span.text


def read_pairs_simple(path: str | Path, *, source_field: str = "source", target_field: str = "target",
                      detokenize: bool = False) -> Iterator[tuple[str, str]]:
    """(corrupted, clean) pairs through :func:`unmangle.pairs.read_pairs` (any format it reads);
    ``detokenize`` for Moses-tokenised corpora (MLQE-PE)."""
    from ..pairs import read_pairs

    refuse_eval_file(path)
    detok = None
    if detokenize:
        from ..detok import detokenize as detok
    for pair in read_pairs(path, source_field=source_field, target_field=target_field,
                           labels_field=None, allow_empty=True):
        src, tgt = pair.source, pair.target
        if detok is not None:
            src, tgt = detok(src), detok(tgt)
        yield src, tgt


@dataclass
class TokenisedExamples:
    """Flat token arrays with offsets: detector rows and rewrite rows."""

    det_ids: list[np.ndarray] = field(default_factory=list)
    det_labels: list[np.ndarray] = field(default_factory=list)
    rw_inputs: list[np.ndarray] = field(default_factory=list)
    rw_targets: list[np.ndarray] = field(default_factory=list)

    def extend(self, other: "TokenisedExamples") -> None:
        self.det_ids += other.det_ids
        self.det_labels += other.det_labels
        self.rw_inputs += other.rw_inputs
        self.rw_targets += other.rw_targets


@dataclass
class ExampleSettings:
    max_input_tokens: int = 96
    max_target_tokens: int = 24
    negatives: int = 1
    jitter: float = 0.3
    #: weight of a content word when a <keep> negative is drawn (1.0: uniform; see build_examples)
    negative_content_weight: float = 1.0


_worker_state: dict = {}


def _init_worker(tokenizer_file: str, preset: str | None) -> None:
    from tokenizers import Tokenizer

    _worker_state["tok"] = Tokenizer.from_file(tokenizer_file)
    _worker_state["preset"] = preset


def tokenise_pairs(pairs: list[tuple[str, str]], seed: int, settings: ExampleSettings,
                   tokenizer=None) -> TokenisedExamples:
    """Cut examples from pairs and tokenise them (in a worker, or here with ``tokenizer``)."""
    tok = tokenizer or _worker_state["tok"]
    rng = random.Random(seed)
    out = TokenisedExamples()
    sources, bads, rw_in, rw_out = [], [], [], []
    for source, target in pairs:
        ex = build_examples(source, target, rng, negatives=settings.negatives, jitter=settings.jitter,
                            content_weight=settings.negative_content_weight)
        sources.append(source)
        bads.append(ex.bad_regions)
        for marked, tgt in ex.rewrites:
            rw_in.append(marked)
            rw_out.append(tgt)
    if sources:
        for enc, bad in zip(tok.encode_batch(sources), bads):
            if len(enc.ids) > settings.max_input_tokens:
                continue
            out.det_ids.append(np.asarray(enc.ids, dtype=np.int32))
            out.det_labels.append(np.asarray(token_labels(enc.offsets, bad), dtype=np.int8))
    if rw_in:
        for enc_in, enc_out in zip(tok.encode_batch(rw_in), tok.encode_batch(rw_out)):
            if len(enc_in.ids) > settings.max_input_tokens or len(enc_out.ids) > settings.max_target_tokens:
                continue
            out.rw_inputs.append(np.asarray(enc_in.ids, dtype=np.int32))
            out.rw_targets.append(np.asarray(enc_out.ids, dtype=np.int32))
    return out


def _corrupt_and_tokenise(job: tuple[list[str], list[tuple[str, str]], int, ExampleSettings]) -> TokenisedExamples:
    clean, real_pairs, seed, settings = job
    pairs = []
    if clean:
        from ..corrupt import CorruptionConfig, Corruptor

        preset = _worker_state.get("preset") or "news"
        corruptor = Corruptor(CorruptionConfig.preset(preset), seed=seed)
        for sentence in clean_sentences(clean):
            pair = corruptor.corrupt_sentence(sentence)
            pairs.append((pair.source, pair.target))
    pairs.extend(real_pairs)
    return tokenise_pairs(pairs, seed, settings)


def build_training_examples(clean_paragraphs: Iterable[str], real_pairs: Iterable[tuple[str, str]], *,
                            tokenizer_file: str | Path, settings: ExampleSettings, seed: int = 0,
                            workers: int = 1, shard_size: int = 2000, preset: str = "news",
                            progress: bool = True) -> TokenisedExamples:
    """Corrupt clean paragraphs' sentences, mix in real pairs, tokenise, in ``workers`` processes."""
    from tqdm import tqdm

    clean = list(clean_paragraphs)
    real = list(real_pairs)
    rng = random.Random(seed)
    rng.shuffle(clean)
    rng.shuffle(real)
    n_shards = max(1, (len(clean) + len(real) + shard_size - 1) // shard_size)
    jobs = []
    for k in range(n_shards):
        c = clean[k * len(clean) // n_shards:(k + 1) * len(clean) // n_shards]
        r = real[k * len(real) // n_shards:(k + 1) * len(real) // n_shards]
        jobs.append((c, r, seed * 100_003 + k, settings))
    out = TokenisedExamples()
    bar = tqdm(total=len(jobs), desc="building examples", unit="shard", disable=not progress)
    if workers <= 1:
        _init_worker(str(tokenizer_file), preset)
        for job in jobs:
            out.extend(_corrupt_and_tokenise(job))
            bar.update()
    else:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(str(tokenizer_file), preset)) as pool:
            for part in pool.imap(_corrupt_and_tokenise, jobs):
                out.extend(part)
                bar.update()
    bar.close()
    return out


def pad_batch(rows: list[np.ndarray], pad: int) -> np.ndarray:
    width = max(len(r) for r in rows)
    batch = np.full((len(rows), width), pad, dtype=np.int64)
    for i, row in enumerate(rows):
        batch[i, :len(row)] = row
    return batch


def length_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches
