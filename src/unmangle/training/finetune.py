"""Fine-tune the repair model on a user's (corrupted, clean) pairs and show what it changed.

Reads any pair format :func:`unmangle.pairs.read_pairs` knows, scores ``--eval`` pairs with the
bundled-or-base model before training and with the new model after (same metrics as
``unmangle bench``), and writes the new model folder atomically.
"""

from __future__ import annotations

from pathlib import Path

from ..model_folder import ModelFolderError, resolve_model_dir


class FinetuneError(ValueError):
    """Bad input for fine-tuning (file, fields, model folder); the message says which."""


def _load_pairs(path: str, *, fmt: str | None, source_field: str, target_field: str) -> list[tuple[str, str]]:
    from ..pairs import PairFormatError, read_pairs

    try:
        return [(p.source, p.target) for p in read_pairs(path, source_field=source_field,
                                                          target_field=target_field, fmt=fmt)]
    except PairFormatError as exc:
        raise FinetuneError(str(exc)) from None


def score_model(model_dir: str | Path | None, pairs: list[tuple[str, str]]) -> dict:
    """Benchmark metrics of the full pipeline with ``model_dir`` on ``pairs``."""
    from ..metrics import corpus_scores
    from ..pipeline import Repairer

    repairer = Repairer(model=model_dir) if model_dir is not None else Repairer(model=None)
    inputs = [s for s, _ in pairs]
    outputs = [result.text for result in repairer.repair_many(inputs)]
    scores = corpus_scores(inputs, outputs, [t for _, t in pairs])
    return {k: scores[k] for k in scores if k in ("chrf", "bleu", "ter", "edit_prf", "no_harm", "exact")}


def finetune_from_files(*, train: str, out: str, eval_path: str | None = None, base: str | None = None,
                        work_dir: str | None = None, fmt: str | None = None, source_field: str = "source",
                        target_field: str = "target", steps: int = 500, batch_size: int = 32,
                        lr: float = 5e-4, time_budget: float | None = None, device: str = "auto",
                        seed: int = 0, resume: bool = False) -> dict:
    """The ``unmangle finetune`` command as a function. Returns the before/after report."""
    from .recipe import finetune
    from .train import TrainSettings

    try:
        base_dir = resolve_model_dir(base if base else "default")
    except ModelFolderError as exc:
        raise FinetuneError(str(exc)) from None
    if base_dir is None:
        raise FinetuneError("no base model: this install has no bundled model; pass --base DIR")
    train_pairs = _load_pairs(train, fmt=fmt, source_field=source_field, target_field=target_field)
    eval_pairs = (_load_pairs(eval_path, fmt=fmt, source_field=source_field, target_field=target_field)
                  if eval_path else [])
    report: dict = {"base": str(base_dir), "train_pairs": len(train_pairs), "eval_pairs": len(eval_pairs)}
    if eval_pairs:
        report["before"] = score_model(base_dir, eval_pairs)
    settings = TrainSettings(batch_size=batch_size, lr=lr, warmup_steps=min(50, max(1, steps // 10)),
                             max_steps=steps, time_budget=time_budget, eval_every=max(10, steps // 5), eval_rows=512,
                             seed=seed, device=device, checkpoint_every=60.0)
    try:
        info = finetune(base_dir, train_pairs, out, work_dir=work_dir or f"{out}.work",
                        train_settings=settings, resume=resume)
    except ValueError as exc:
        raise FinetuneError(str(exc)) from None
    report["training"] = {k: info[k] for k in ("steps", "seconds", "examples_seen", "device_name",
                                                "final_eval")}
    if eval_pairs:
        report["after"] = score_model(out, eval_pairs)
    return report
