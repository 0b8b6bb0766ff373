"""The training loop: detector and rewriter losses together, Adafactor, a wall-clock budget, resume.

The same loop trains the bundled model (CUDA, bf16, large batches), a small model on a CPU, and
fine-tunes a model on a user's pairs (``unmangle finetune``).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ..atomic import atomic_folder, replace_on_success
from .data import TokenisedExamples, length_batches, pad_batch
from ..model_folder import InferenceSettings, write_metadata
from .model import ModelSettings, UnmangleModel, make_t5_config


@dataclass
class TrainSettings:
    batch_size: int = 64
    lr: float = 1e-2
    # Adafactor's parameter scaling: steps proportional to each weight's RMS (T5's own recipe).
    # Without it, a from-scratch T5 collapsed to always answering <keep> (measured on an H200).
    scale_parameter: bool = True
    warmup_steps: int = 300
    max_steps: int | None = None
    time_budget: float | None = None  # seconds of training (data building not counted)
    det_weight: float = 1.0
    eval_every: int = 500
    eval_rows: int = 4000  # held-out rows per evaluation (each of detector and rewriter)
    checkpoint_every: float = 300.0  # seconds
    seed: int = 0
    device: str = "auto"


class TrainingOutOfMemory(RuntimeError):
    """The device ran out of memory; a checkpoint of the last completed step was saved first."""


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


class _Batches:
    """Endless length-bucketed batches over one list of rows (re-shuffled each epoch)."""

    def __init__(self, lengths: list[int], batch_size: int, rng: random.Random) -> None:
        self.lengths, self.batch_size, self.rng = lengths, batch_size, rng
        self.queue: list[list[int]] = []
        self.epoch = 0

    def next(self) -> list[int]:
        if not self.queue:
            self.queue = length_batches(self.lengths, self.batch_size, self.rng)
            self.epoch += 1
        return self.queue.pop()


def split_holdout(data: TokenisedExamples, share: float, seed: int) -> tuple[TokenisedExamples, TokenisedExamples]:
    """Hold out ``share`` of detector rows and of rewrite rows for evaluation during training."""
    rng = random.Random(seed)
    train, held = TokenisedExamples(), TokenisedExamples()
    for i in range(len(data.det_ids)):
        dst = held if rng.random() < share else train
        dst.det_ids.append(data.det_ids[i])
        dst.det_labels.append(data.det_labels[i])
    for i in range(len(data.rw_inputs)):
        dst = held if rng.random() < share else train
        dst.rw_inputs.append(data.rw_inputs[i])
        dst.rw_targets.append(data.rw_targets[i])
    return train, held


def _to(device, *arrays):
    return [torch.from_numpy(a).to(device, non_blocking=True) for a in arrays]


def _det_batch(data: TokenisedExamples, idx: list[int], device):
    ids = pad_batch([data.det_ids[i] for i in idx], 0)
    labels = pad_batch([data.det_labels[i].astype(np.int64) for i in idx], -100)
    ids_t, labels_t = _to(device, ids, labels)
    return ids_t, (ids_t != 0).long(), labels_t


def _rw_batch(data: TokenisedExamples, idx: list[int], device):
    ids = pad_batch([data.rw_inputs[i] for i in idx], 0)
    tgt = pad_batch([data.rw_targets[i] for i in idx], -100)
    ids_t, tgt_t = _to(device, ids, tgt)
    return ids_t, (ids_t != 0).long(), tgt_t


def detector_loss(model: UnmangleModel, ids, mask, labels) -> torch.Tensor:
    logits = model.detect_logits(ids, mask)
    valid = labels != -100
    return F.binary_cross_entropy_with_logits(logits[valid].float(), labels[valid].float())


@torch.no_grad()
def evaluate(model: UnmangleModel, held: TokenisedExamples, device, batch_size: int = 128,
             autocast=None, max_rows: int = 4000) -> dict:
    """Detector precision/recall at 0.5 and rewriter token accuracy on held-out rows."""
    model.eval()
    tp = fp = fn = 0
    correct = total = exact = rows = 0
    ctx = autocast or torch.autocast("cpu", enabled=False)
    with ctx:
        n_det = min(len(held.det_ids), max_rows)
        for start in range(0, n_det, batch_size):
            idx = list(range(start, min(start + batch_size, n_det)))
            ids, mask, labels = _det_batch(held, idx, device)
            pred = model.detect_logits(ids, mask) > 0
            valid = labels != -100
            gold = labels == 1
            tp += int((pred & gold & valid).sum())
            fp += int((pred & ~gold & valid).sum())
            fn += int((~pred & gold & valid).sum())
        n_rw = min(len(held.rw_inputs), max_rows)
        for start in range(0, n_rw, batch_size):
            idx = list(range(start, min(start + batch_size, n_rw)))
            ids, mask, tgt = _rw_batch(held, idx, device)
            logits = model.t5(input_ids=ids, attention_mask=mask, labels=tgt).logits
            pred = logits.argmax(-1)
            valid = tgt != -100
            correct += int(((pred == tgt) & valid).sum())
            total += int(valid.sum())
            exact += int(((pred == tgt) | ~valid).all(-1).sum())
            rows += len(idx)
    model.train()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"det_precision": round(p, 4), "det_recall": round(r, 4),
            "rw_token_acc": round(correct / max(total, 1), 4), "rw_exact": round(exact / max(rows, 1), 4)}


def train(model: UnmangleModel, data: TokenisedExamples, settings: TrainSettings, work_dir: str | Path,
          *, held: TokenisedExamples | None = None, resume: bool = False, log=print) -> dict:
    """Train ``model`` in place; checkpoints go to ``work_dir/checkpoint.pt``. Returns a summary."""
    from transformers.optimization import Adafactor

    device = pick_device(settings.device)
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    model.to(device).train()
    opt = Adafactor(model.parameters(), lr=settings.lr, relative_step=False,
                    scale_parameter=settings.scale_parameter,
                    warmup_init=False, clip_threshold=1.0)
    work_dir = Path(work_dir)
    ckpt_path = work_dir / "checkpoint.pt"
    step, elapsed_before = 0, 0.0
    history: list[dict] = []

    def save_checkpoint(step: int, elapsed: float) -> None:
        atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step,
                     "elapsed": elapsed, "rng": rng.getstate(), "history": history}, ckpt_path)
    if resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, elapsed_before, history = state["step"], state["elapsed"], state.get("history", [])
        rng.setstate(state["rng"])
        log(f"resumed from {ckpt_path} at step {step} ({elapsed_before:.0f}s trained)")
    use_bf16 = device.type == "cuda"
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if use_bf16 else torch.autocast("cpu", enabled=False)
    det_batches = _Batches([len(x) for x in data.det_ids], settings.batch_size, rng)
    rw_batches = _Batches([len(x) for x in data.rw_inputs], settings.batch_size, rng)
    if not data.det_ids or not data.rw_inputs:
        raise ValueError("no training examples: the corpora gave no usable sentences")
    start = time.monotonic()
    last_ckpt = start
    eval_seconds = 0.0  # evaluations do not count against the time budget
    budget = settings.time_budget
    from tqdm import tqdm

    bar = tqdm(total=settings.max_steps, initial=step, desc="training", unit="step")
    while True:
        elapsed = elapsed_before + time.monotonic() - start - eval_seconds
        if settings.max_steps is not None and step >= settings.max_steps:
            break
        if budget is not None and elapsed >= budget:
            break
        frac = min(1.0, elapsed / budget) if budget else (
            step / settings.max_steps if settings.max_steps else 0.0)
        lr = settings.lr * min(1.0, (step + 1) / settings.warmup_steps) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for group in opt.param_groups:
            group["lr"] = lr
        d_ids, d_mask, d_labels = _det_batch(data, det_batches.next(), device)
        r_ids, r_mask, r_tgt = _rw_batch(data, rw_batches.next(), device)
        try:
            with autocast:
                loss_det = detector_loss(model, d_ids, d_mask, d_labels)
                loss_rw = model.rewrite_loss(r_ids, r_mask, r_tgt)
                loss = loss_rw + settings.det_weight * loss_det
            loss.backward()
        except torch.OutOfMemoryError:
            # the weights are those after the last full step: keep them, then say what to change
            del d_ids, d_mask, d_labels, r_ids, r_mask, r_tgt
            opt.zero_grad(set_to_none=True)
            if device.type == "cuda":
                torch.cuda.empty_cache()
            save_checkpoint(step, elapsed)
            raise TrainingOutOfMemory(
                f"out of {device.type} memory at step {step} with batch size {settings.batch_size}; "
                f"the weights after step {step} are saved in {ckpt_path}: continue with --resume "
                f"and a smaller --batch-size") from None
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        bar.update()
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}", det=f"{loss_det.item():.3f}",
                            rw=f"{loss_rw.item():.3f}", lr=f"{lr:.1e}")
        if held is not None and step % settings.eval_every == 0:
            t_eval = time.monotonic()
            metrics = evaluate(model, held, device, autocast=autocast, max_rows=settings.eval_rows)
            eval_seconds += time.monotonic() - t_eval
            metrics.update(step=step, seconds=round(elapsed, 1), loss=round(loss.item(), 4),
                           examples_seen=step * settings.batch_size)
            history.append(metrics)
            log(json.dumps(metrics))
        if time.monotonic() - last_ckpt > settings.checkpoint_every:
            save_checkpoint(step, elapsed)
            last_ckpt = time.monotonic()
    bar.close()
    elapsed = elapsed_before + time.monotonic() - start - eval_seconds
    save_checkpoint(step, elapsed)
    final = evaluate(model, held, device, autocast=autocast, max_rows=settings.eval_rows) if held is not None else {}
    return {"steps": step, "seconds": round(elapsed, 1), "examples_seen": step * settings.batch_size,
            "pairs_per_second": round(step * settings.batch_size / max(elapsed, 1e-9), 1),
            "final_eval": final, "history": history, "device": str(device),
            "device_name": torch.cuda.get_device_name() if device.type == "cuda" else "cpu"}


def atomic_save(obj, path: str | Path) -> None:
    """``torch.save`` to a temp file, then rename: a crash mid-write keeps the previous file."""
    with replace_on_success(path) as tmp:
        torch.save(obj, tmp)


def export_model(model: UnmangleModel, tokenizer_dir: str | Path, out_dir: str | Path,
                 inference: InferenceSettings, training_info: dict, *,
                 extra_files: Sequence[str | Path] = ()) -> Path:
    """Write a complete model folder atomically: weights (bf16), config, tokenizer, metadata, and
    ``extra_files`` copied in by name (the n-gram model)."""
    with atomic_folder(out_dir) as tmp:
        model.to("cpu").save(tmp)
        shutil.copy(Path(tokenizer_dir) / "tokenizer.json", tmp / "tokenizer.json")
        for path in extra_files:
            shutil.copy(path, tmp / Path(path).name)
        write_metadata(tmp, inference, training_info)
    return Path(out_dir)


def new_model(settings: ModelSettings, vocab_size: int) -> UnmangleModel:
    return UnmangleModel(make_t5_config(settings, vocab_size))


def settings_dict(*objs) -> dict:
    return {type(o).__name__: asdict(o) for o in objs}
