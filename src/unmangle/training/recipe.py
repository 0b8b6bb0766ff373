"""Recipes: train a model from corpora, or fine-tune one on a user's pairs. CLI and API share these."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from .data import (ExampleSettings, TokenisedExamples, build_training_examples, clean_sentences,
                   read_clean_texts, read_pairs_simple, tokenise_pairs)
from ..model_folder import NGRAM_FILE, InferenceSettings, read_metadata
from .model import ModelSettings, UnmangleModel
from .train import TrainSettings, export_model, new_model, split_holdout, train


@dataclass
class CorpusSpec:
    """Where training text comes from. Evaluation splits are refused by name."""

    clean: list[str] = field(default_factory=list)
    clean_field: str = "text"
    clean_where: str | None = None
    pairs: list[str] = field(default_factory=list)
    source_field: str = "source"
    target_field: str = "target"
    detokenize: bool = False
    max_paragraphs: int = 100_000
    pair_repeat: int = 1


def _log(msg: str) -> None:
    print(msg, flush=True)


def load_corpora(spec: CorpusSpec) -> tuple[list[str], list[tuple[str, str]]]:
    clean: list[str] = []
    for path in spec.clean:
        clean.extend(itertools.islice(
            read_clean_texts(path, text_field=spec.clean_field, where=spec.clean_where),
            spec.max_paragraphs - len(clean)))
    pairs: list[tuple[str, str]] = []
    for path in spec.pairs:
        pairs.extend(read_pairs_simple(path, source_field=spec.source_field,
                                       target_field=spec.target_field, detokenize=spec.detokenize))
    pairs = pairs * max(1, spec.pair_repeat)
    return clean, pairs


def build_ngram(clean: Iterable[str], pairs: Iterable[tuple[str, str]], out_file: str | Path, *,
                log: Callable = _log) -> Path:
    """The n-gram model of a model folder: every clean sentence and every pair's clean side."""
    from ..ngram import NgramLM

    t0 = time.monotonic()
    texts = list(clean_sentences(clean, min_words=1, max_words=10_000))
    texts.extend(dict.fromkeys(t for _, t in pairs))
    lm = NgramLM.build(texts)
    lm.save(out_file)
    log(f"n-gram model: {len(texts):,} sentences, {lm.meta['tokens']:,} tokens, {len(lm):,} n-grams "
        f"({time.monotonic() - t0:.0f}s)")
    return Path(out_file)


def train_from_corpora(spec: CorpusSpec, out_dir: str | Path, *, work_dir: str | Path,
                       model_size: str = "small", vocab_size: int = 16000,
                       train_settings: TrainSettings | None = None,
                       example_settings: ExampleSettings | None = None, workers: int = 1,
                       preset: str = "news", resume: bool = False, ngram: bool = True,
                       init_from: str | Path | None = None, log: Callable = _log) -> dict:
    """Build a tokenizer and examples from corpora, train, and export a model folder (with the
    corpora's n-gram model unless ``ngram`` is false).

    ``init_from`` names a model folder to continue training from (its weights, architecture and
    tokenizer; new corruptions of the corpora, a fresh optimiser): the way to add GPU time to a
    model whose work directory (and checkpoint) is gone."""
    if init_from is not None and resume:
        raise ValueError("give either resume (continue the work directory's checkpoint) or init_from "
                         "(start from a model folder), not both")
    from .tokenizer import build_tokenizer, load_tokenizer

    ts = train_settings or TrainSettings()
    es = example_settings or ExampleSettings()
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    clean, pairs = load_corpora(spec)
    log(f"corpora: {len(clean)} clean paragraphs, {len(pairs)} pairs ({time.monotonic() - t0:.0f}s)")
    # the n-gram model first: it takes seconds, and a problem with it must not cost a training run
    extra = [build_ngram(clean, pairs, work_dir / NGRAM_FILE, log=log)] if ngram else []
    tok_dir = work_dir / "tokenizer"
    base_info: dict = {}
    if init_from is not None:
        _, base_info = read_metadata(init_from)  # also a clear error for a folder that is no model
        tok_dir = Path(init_from)
        tokenizer = load_tokenizer(tok_dir)
        log(f"tokenizer: from {tok_dir} ({len(tokenizer)} tokens)")
    elif (tok_dir / "tokenizer.json").exists():
        tokenizer = load_tokenizer(tok_dir)
        log(f"tokenizer: reused {tok_dir} ({len(tokenizer)} tokens)")
    else:
        sample = list(itertools.islice(clean_sentences(clean), 300_000))
        sample += [t for _, t in pairs[:50_000]] + [s for s, _ in pairs[:50_000]]
        tokenizer = build_tokenizer(sample, tok_dir, vocab_size=vocab_size)
        log(f"tokenizer: trained {len(tokenizer)} tokens ({time.monotonic() - t0:.0f}s)")
    t1 = time.monotonic()
    data = build_training_examples(clean, pairs, tokenizer_file=tok_dir / "tokenizer.json", settings=es,
                                   seed=ts.seed, workers=workers, preset=preset)
    data_seconds = time.monotonic() - t1
    log(f"examples: {len(data.det_ids)} detector rows, {len(data.rw_inputs)} rewrite rows "
        f"in {data_seconds:.0f}s")
    train_rows, held = split_holdout(data, 0.01, ts.seed)
    settings_path = work_dir / "model_settings.json"
    if init_from is not None:
        model = UnmangleModel.load(init_from)
        if len(tokenizer) > model.t5.config.vocab_size:
            raise ValueError(f"{init_from}: tokenizer has {len(tokenizer)} tokens, the model "
                             f"{model.t5.config.vocab_size}")
        ms = ModelSettings(**base_info["model_settings"]) if "model_settings" in base_info else None
        model_size = base_info.get("model_size", "from " + str(init_from))
    else:
        if resume and settings_path.exists():
            ms = ModelSettings(**json.loads(settings_path.read_text()))
        else:
            ms = ModelSettings.preset(model_size)
            settings_path.write_text(json.dumps(asdict(ms)))
        model = new_model(ms, len(tokenizer))
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"model: {model_size} {n_params / 1e6:.1f}M parameters"
        + (f", initialised from {init_from}" if init_from is not None else ""))
    summary = train(model, train_rows, ts, work_dir, held=held, resume=resume, log=log)
    info = {
        "model_size": model_size, "parameters": n_params,
        "model_settings": asdict(ms) if ms is not None else None,
        "train_settings": asdict(ts), "example_settings": asdict(es), "corpora": asdict(spec),
        "clean_paragraphs": len(clean), "pairs": len(pairs), "detector_rows": len(data.det_ids),
        "rewrite_rows": len(data.rw_inputs), "data_seconds": round(data_seconds, 1),
        "corruption_preset": preset, **summary,
    }
    if init_from is not None:
        # what the starting model had already been through, so totals can be stated
        info["initialised_from"] = {"path": str(init_from), **{
            k: base_info.get(k) for k in ("steps", "seconds", "examples_seen", "device_name",
                                          "initialised_from") if k in base_info}}
    export_model(model, tok_dir, out_dir, InferenceSettings(), info, extra_files=extra)
    log(f"wrote {out_dir}")
    return info


def finetune(base_dir: str | Path, train_pairs: Iterable[tuple[str, str]], out_dir: str | Path, *,
             work_dir: str | Path, train_settings: TrainSettings | None = None,
             example_settings: ExampleSettings | None = None, resume: bool = False,
             log: Callable = _log) -> dict:
    """Continue training the model in ``base_dir`` on (corrupted, clean) pairs; export atomically."""
    from .tokenizer import load_tokenizer

    ts = train_settings or TrainSettings(lr=5e-4, warmup_steps=50, max_steps=500, eval_every=100)
    es = example_settings or ExampleSettings()
    inference, base_info = read_metadata(base_dir)
    tokenizer = load_tokenizer(base_dir)
    pairs = list(train_pairs)
    if not pairs:
        raise ValueError("no training pairs")
    data = TokenisedExamples()
    rng_seed = ts.seed
    for k in range(0, len(pairs), 2000):
        data.extend(tokenise_pairs(pairs[k:k + 2000], rng_seed + k, es, tokenizer=tokenizer.backend_tokenizer))
    if not data.rw_inputs:
        raise ValueError("the pairs gave no usable training examples (all too long, or empty)")
    train_rows, held = split_holdout(data, 0.05 if len(pairs) >= 200 else 0.0, ts.seed)
    if not held.rw_inputs:
        held = None
    model = UnmangleModel.load(base_dir)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    summary = train(model, train_rows, ts, work_dir, held=held, resume=resume, log=log)
    info = {"base_model": str(base_dir), "base_training": {k: base_info.get(k) for k in
                                                           ("model_size", "parameters", "device_name")},
            "finetune_pairs": len(pairs), "train_settings": asdict(ts), **summary}
    # the base model's thresholds are kept, but they were calibrated for the base model
    extra = dict(inference.extra)
    calibration = extra.pop("calibration", None)
    extra["thresholds_from"] = {
        "base_model": str(base_dir), "calibrated_for_base": calibration is not None,
        "recalibrate_with": "unmangle calibrate DIR --clean-corpus FILE --pairs FILE --write"}
    tok_dir = Path(base_dir)
    inference = replace(inference, extra=extra)
    extra_files = [p for p in [Path(base_dir) / NGRAM_FILE] if p.exists()]
    export_model(model, tok_dir, out_dir, inference, info, extra_files=extra_files)
    log(f"wrote {out_dir}")
    return info
