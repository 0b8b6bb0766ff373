"""Fine-tuning, shown working: before/after numbers for ``unmangle finetune`` on two kinds of pairs.

Two demos, each trained through the real command (``unmangle finetune --train ... --eval ...
--out ...``, run in this process through :func:`unmangle.cli.main`) and scored beside the
leave-it-alone baseline (identity) and the deterministic stages alone:

1. **mlqe**: real machine-translated English with human post-edits. Training pairs: MLQE-PE
   *train* (``mt`` -> ``pe``, detokenised), less the last 200 lines of each language pair, which
   ``benchmarks/calibrate_model.py`` keeps aside for threshold calibration (the bundled model's
   training left them out too). Evaluation: a stratified random sample of MLQE-PE *dev* (the same
   number of lines from each of the five language pairs). Note that the bundled model was itself
   trained on MLQE-PE train, so this demo measures what *more* training on the same pairs at a
   fine-tuning learning rate gives.
2. **synthetic**: a made-up domain. UN General Debate sentences in which real names are replaced
   by invented ones (``PLANTED``: the World Bank becomes the company "Veltrona", António Guterres
   the person "Okonkwo Adeyemi", ...). The clean side keeps the invented name; the corrupted side
   has it *rendered* the same way every time ("Belt Throne", "Okon Kwo Adey Emi"), as one MT system
   would, and then gets the corruption generator's normal noise (preset ``news``) on top, so the
   model cannot learn the renderings alone. Training sentences come from speeches of 2015-2021,
   evaluation sentences from 2023-2024 (held out of every training run of the project); both are
   sampled per planted name, so every name is seen. No harm is measured on the clean side of the
   evaluation sentences (invented names in their right form, no noise).

The CLI's own before/after metrics are recorded as it reports them. The script then repairs the
evaluation inputs again with ``Repairer()`` and ``Repairer.load(OUT)`` and scores them with
:class:`unmangle.metrics.Scorer` (the scorer ``unmangle bench`` uses), per language pair and for
the planted names; its overall chrF and TER must equal the command's, or the script stops. A copy
of each fine-tuned model is also re-calibrated with ``benchmarks/calibrate_model.py --write`` and
scored (``--recalibrate auto``: only when the thresholds copied from the base model let the
fine-tuned one make no edit at all). ``--rescore`` scores the models already in ``work_data/``
again without training (the pairs are rebuilt from the same seeds, and the check above confirms
they are the ones the command scored).

torch runs on one thread (``--threads``): on a CPU shared with other jobs, two threads made both
training and repair many times slower here, as idle threads spin waiting for descheduled ones.

Results go to ``benchmarks/results/finetune.md`` and ``.json``. Those are committed while the
corpora are not, so an edit is shown only as a few words around it, never a whole sentence.
Temporary pair files go under ``work_data/finetune_demo/`` (git-ignored) and are deleted at the
end unless ``--keep-data``; the fine-tuned model folders stay in ``work_data/``.

    python benchmarks/finetune_demo.py                       # both demos, about 20 minutes on 2 cores
    python benchmarks/finetune_demo.py --demo synthetic --synthetic-steps 300 --time-budget 600
    python benchmarks/finetune_demo.py --rescore             # score again, no training
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from finetune_domain import (PLANTED, flagged_renderings, plant, planted_counts,  # noqa: E402
                             read_jsonl_gz, sample_by_name, un_sentences)
from finetune_report import render  # noqa: E402

ROOT = HERE.parent
DEFAULT_SHARED = Path(os.environ.get("UNMANGLE_SHARED", ROOT.parent / "shared"))
DEFAULT_WORK = ROOT / "work_data"
RESULTS = HERE / "results" / "finetune.md"
MLQE = Path("corpus/mlqe_pe_xx_en")
#: lines at the end of each MLQE-PE train language pair that calibration uses (never trained on)
CALIBRATION_TAIL = 200

def log(msg: str) -> None:
    print(f"[finetune_demo] {msg}", file=sys.stderr, flush=True)


def rel(path: Path) -> str:
    """``path`` relative to the repository when it is inside it (for commands shown in results)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def write_pairs(path: Path, pairs: Sequence[tuple[str, str]], extra: Sequence[dict] | None = None) -> Path:
    """``source``/``target`` JSONL, the format ``unmangle finetune`` reads by default."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for k, (source, target) in enumerate(pairs):
            row = {"source": source, "target": target, **(extra[k] if extra else {})}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# -- running the command ------------------------------------------------------------------------

def run_finetune(train: Path, eval_path: Path, out: Path, args: argparse.Namespace,
                 steps: int) -> tuple[dict, str, float]:
    """``unmangle finetune`` on the files, in this process; returns (its report, command, seconds)."""
    from unmangle.cli import main as cli_main

    report_path = out.with_name(out.name + ".report.json")
    argv = ["finetune", "--train", rel(train), "--eval", rel(eval_path), "--out", rel(out),
            "--steps", str(steps), "--batch-size", str(args.batch_size), "--lr", str(args.lr),
            "--device", "cpu", "--seed", str(args.seed), "--report", rel(report_path)]
    if args.time_budget:
        argv += ["--time-budget", str(args.time_budget)]
    command = "unmangle " + " ".join(argv)
    log(f"running: {command}")
    t0 = time.monotonic()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        rc = cli_main(argv)
    finally:
        os.chdir(cwd)
    seconds = time.monotonic() - t0
    if rc != 0:
        sys.exit(f"unmangle finetune failed with exit code {rc}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report_path.unlink()
    return report, command, seconds


def previous_run(name: str, out: Path, args: argparse.Namespace) -> tuple[dict, str, float]:
    """``--rescore``: the command's report from the results JSON, for the model already in ``out``.

    The evaluation pairs are rebuilt from the same seeds; :func:`check_same` then confirms they
    are the pairs the command scored.
    """
    old = args.previous.get(name)
    if not old or not out.exists():
        sys.exit(f"--rescore needs {rel(out)} and a '{name}' section in the results JSON: run without "
                 "--rescore first")
    report = {"before": old["cli_report"]["before"], "after": old["cli_report"]["after"],
              "training": old["training"], "train_pairs": old["train_pairs"],
              "eval_pairs": old["eval_pairs"]}
    return report, old["command"], old["wall_seconds"]


def check_same(mine: dict, theirs: dict, what: str) -> None:
    """The CLI's numbers and ours, computed on the same outputs, must agree."""
    for key in ("chrf", "ter"):
        if abs(mine[key] - theirs[key]) > 1e-6:
            sys.exit(f"{what}: {key} {mine[key]} here but {theirs[key]} in the command's report")


def repair_all(repairer, texts: Sequence[str], desc: str) -> list[str]:
    """Repair all texts in one ``repair_many`` call, exactly as ``unmangle finetune`` scores: with
    int8 dynamic quantisation a sentence's scores depend a little on the batch it is in (the
    activation scale is per batch), so one-at-a-time repair can differ from the command's by an
    edit near the threshold."""
    start = time.perf_counter()
    out = [r.text for r in repairer.repair_many(list(texts))]
    log(f"{desc}: {len(texts)} texts in {time.perf_counter() - start:.0f} s")
    return out


def recalibrate(model_dir: Path, shared: Path, args: argparse.Namespace) -> tuple[Path, str, dict]:
    """A copy of ``model_dir`` with thresholds chosen by benchmarks/calibrate_model.py --write."""
    target = model_dir.with_name(model_dir.name + "_recal")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(model_dir, target)
    cmd = [sys.executable, rel(HERE / "calibrate_model.py"), rel(target)]
    cmd += ["--synthetic", str(args.cal_synthetic), "--per-group", str(args.cal_mlqe_per_pair),
            "--clean", "300", "--min-probability", args.cal_detect, f"--min-evidence={args.cal_margins}",
            "--gains", "0,2,4", "--detector-weights", "0,0.5,1", "--frequency-weights", "0,0.5,1",
            "--write", "--no-progress"]
    shown = "python " + " ".join(cmd[1:])
    log(f"running: {shown}")
    t0 = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True,
                          env={**os.environ, "UNMANGLE_SHARED": str(shared)})
    if done.returncode != 0:
        sys.exit(f"calibration failed:\n{done.stderr[-3000:]}")
    meta = json.loads((target / "unmangle.json").read_text(encoding="utf-8"))["inference"]
    chosen = meta["extra"]["calibration"]["chosen"]
    return target, shown, {"seconds": round(time.monotonic() - t0, 1),
                           "min_probability": meta["min_probability"],
                           "min_evidence": meta["min_evidence"],
                           "found": chosen is not None}


def summary(scores: dict, inputs: Sequence[str], outputs: Sequence[str]) -> dict:
    """The numbers a results table shows for one system."""
    prf = scores["edit_prf"]
    return {"chrf": scores["chrf"], "ter": scores["ter"], "bleu": scores.get("bleu"),
            "precision": prf["precision"], "recall": prf["recall"], "f0.5": prf["f0.5"],
            "tp": prf["tp"], "fp": prf["fp"], "fn": prf["fn"],
            "no_harm": scores["no_harm"],
            "changed": sum(o != i for i, o in zip(inputs, outputs))}


def neural_examples(before: Sequence[str], after: Sequence[str], refs: Sequence[str], ids: Sequence[str],
                    limit: int = 6) -> list[dict]:
    """What the neural stage changed (``before``: deterministic stages only), in a few words each,
    and whether the reference makes the same change (same span, same new text)."""
    from unmangle.bench.excerpt import change_spans, excerpt

    shown = []
    for b, a, r, name in zip(before, after, refs, ids):
        if a == b:
            continue
        wanted = set(change_spans(b, r))
        for start, end, new in change_spans(b, a):
            shown.append({"id": name, "edit": excerpt(b, start, end, new, words=3),
                          "reference_edit": (start, end, new) in wanted})
        if len(shown) >= limit:
            break
    return shown[:limit]


def score_systems(inputs: list[str], refs: list[str], systems: dict[str, list[str]],
                  groups: dict[str, list[int]] | None = None) -> tuple[dict, dict]:
    """Overall summaries per system and, when ``groups`` is given, TER per group and system."""
    from unmangle.metrics import Scorer

    scorer = Scorer(inputs, refs)
    overall = {name: summary(scorer.score(outs), inputs, outs) for name, outs in systems.items()}
    per_group: dict = {}
    for group, idx in (groups or {}).items():
        per_group[group] = {name: {"ter": scorer.score(outs, idx)["ter"],
                                   "changed": sum(outs[i] != inputs[i] for i in idx)}
                            for name, outs in systems.items()}
        per_group[group]["n"] = len(idx)
    return overall, per_group


def evaluate_demo(name: str, inputs: list[str], refs: list[str], ids: list[str], train: Path,
                  eval_path: Path, out: Path, steps: int, args: argparse.Namespace,
                  groups: dict[str, list[int]] | None = None) -> tuple[dict, dict]:
    """Fine-tune through the CLI and score identity, deterministic, base, fine-tuned (+ recalibrated).

    Returns (results, outputs by system) so a demo can add its own measures.
    """
    from unmangle import Repairer

    if args.rescore:
        report, command, seconds = previous_run(name, out, args)
    else:
        report, command, seconds = run_finetune(train, eval_path, out, args, steps)
    # the command reports overall numbers only: repair again here (cheap next to training) to
    # score per language pair and count planted names; the overall numbers must agree with it
    fast = repair_all(Repairer(fast=True), inputs, f"{name}: deterministic stages")
    base_out = repair_all(Repairer(), inputs, f"{name}: base model")
    tuned_out = repair_all(Repairer.load(out), inputs, f"{name}: fine-tuned model")
    systems = {"leave alone (identity)": list(inputs), "deterministic stages only": fast,
               "base model (before)": base_out, "fine-tuned (after)": tuned_out}
    recal = None
    neural_silent = tuned_out == fast
    recal_dir = out.with_name(out.name + "_recal")
    if args.rescore and (args.previous.get(name) or {}).get("recalibration") and recal_dir.exists():
        recal = args.previous[name]["recalibration"]
    elif args.recalibrate == "always" or (args.recalibrate == "auto" and neural_silent):
        recal_dir, recal_cmd, recal = recalibrate(out, args.shared, args)
        recal["command"] = recal_cmd
        recal["reason"] = ("the copied thresholds let the fine-tuned model make no edit" if neural_silent
                           else "--recalibrate always")
    if recal:
        systems["fine-tuned, re-calibrated"] = repair_all(Repairer.load(recal_dir), inputs,
                                                          f"{name}: re-calibrated model")
    overall, per_group = score_systems(inputs, refs, systems, groups)
    check_same(overall["base model (before)"], report["before"], f"{name} before")
    check_same(overall["fine-tuned (after)"], report["after"], f"{name} after")
    training = dict(report["training"])
    # the command's report leaves out the held-out evaluations during training; the folder keeps them
    meta = json.loads((out / "unmangle.json").read_text(encoding="utf-8"))
    training["history"] = [{k: h[k] for k in ("step", "seconds", "det_precision", "det_recall",
                                               "rw_token_acc")} for h in meta["training"].get("history", [])]
    if args.rescore:
        steps = args.previous[name]["steps_requested"]
        budget = args.previous[name]["time_budget"]
    else:
        budget = args.time_budget
    result = {
        "command": command, "wall_seconds": round(seconds, 1), "train_pairs": report["train_pairs"],
        "eval_pairs": report["eval_pairs"], "steps_requested": steps, "time_budget": budget,
        "training": training, "cli_report": {
            k: report[k] for k in ("before", "after")},
        "systems": overall, "per_group": per_group, "recalibration": recal,
        "neural_made_no_edit": neural_silent,
        "examples": neural_examples(fast, tuned_out, refs, ids),
    }
    if recal:
        result["examples_recalibrated"] = neural_examples(fast, systems["fine-tuned, re-calibrated"],
                                                          refs, ids)
    return result, systems


# -- demo 1: MLQE-PE ---------------------------------------------------------------------------

def mlqe_demo(args: argparse.Namespace, data_dir: Path) -> dict:
    from unmangle.detok import detokenize

    folder = args.shared / MLQE
    by_pair: dict[str, list[dict]] = defaultdict(list)
    for row in read_jsonl_gz(folder / "mlqe_pe_xx_en.train.jsonl.gz"):
        by_pair[row["pair"]].append(row)
    train_rows = [r for rows in by_pair.values() for r in rows[:-CALIBRATION_TAIL]]
    random.Random(args.seed).shuffle(train_rows)
    if args.limit:
        train_rows = train_rows[:args.limit]
    train = write_pairs(data_dir / "mlqe_train.jsonl",
                        [(detokenize(r["mt"]), detokenize(r["pe"])) for r in train_rows])
    dev: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for line, row in enumerate(read_jsonl_gz(folder / "mlqe_pe_xx_en.dev.jsonl.gz"), 1):
        dev[row["pair"]].append((line, row))
    rng = random.Random(args.seed)
    picked = []
    for pair in sorted(dev):
        picked += sorted(rng.sample(dev[pair], min(args.mlqe_eval_per_pair, len(dev[pair]))),
                         key=lambda x: x[0])
    inputs = [detokenize(r["mt"]) for _, r in picked]
    refs = [detokenize(r["pe"]) for _, r in picked]
    ids = [f"mlqe_pe_xx_en.dev:{line}" for line, _ in picked]
    eval_path = write_pairs(data_dir / "mlqe_eval.jsonl", list(zip(inputs, refs)),
                            [{"pair": r["pair"]} for _, r in picked])
    groups: dict[str, list[int]] = defaultdict(list)
    for i, (_, r) in enumerate(picked):
        groups[r["pair"]].append(i)
    log(f"MLQE-PE: {len(train_rows)} training pairs, {len(inputs)} dev pairs")
    result, _ = evaluate_demo("mlqe", inputs, refs, ids, train, eval_path, args.work / "ft_mlqe",
                              args.steps or args.mlqe_steps, args, dict(groups))
    result["data"] = {
        "train": f"MLQE-PE train (mt -> pe, detokenised), all five language pairs less the last "
                 f"{CALIBRATION_TAIL} lines of each (kept for calibration), shuffled (seed {args.seed})"
                 + (f", first {args.limit}" if args.limit else ""),
        "eval": f"MLQE-PE dev, {args.mlqe_eval_per_pair} random lines per language pair (seed {args.seed})",
    }
    return result


# -- demo 2: synthetic domain with planted renderings -------------------------------------------

def synthetic_demo(args: argparse.Namespace, data_dir: Path) -> dict:
    from unmangle import Repairer
    from unmangle.corrupt import CorruptionConfig, Corruptor

    rng = random.Random(args.seed)
    named, other = un_sentences(args.shared, 2015, 2021)
    n_named = round(args.synthetic_train * 0.75)
    train_real = sample_by_name(named, max(1, n_named // len(PLANTED)), rng)
    train_real += rng.sample(other, args.synthetic_train - len(train_real))
    rng.shuffle(train_real)
    if args.limit:
        train_real = train_real[:args.limit]
    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=args.seed + 1)
    train_pairs = [plant(s, corruptor, k) for k, s in enumerate(train_real)]
    train = write_pairs(data_dir / "synthetic_train.jsonl", train_pairs)

    named, other = un_sentences(args.shared, 2023, 2024)
    n_named = round(args.synthetic_eval * 0.8)
    eval_real = sample_by_name(named, max(1, n_named // len(PLANTED)), rng)
    eval_real += rng.sample(other, args.synthetic_eval - len(eval_real))
    corruptor = Corruptor(CorruptionConfig.preset("news"), seed=args.seed + 2)
    eval_pairs = [plant(s, corruptor, k) for k, s in enumerate(eval_real)]
    inputs, refs = [s for s, _ in eval_pairs], [t for _, t in eval_pairs]
    ids = [f"synthetic-eval:{k + 1}" for k in range(len(inputs))]
    eval_path = write_pairs(data_dir / "synthetic_eval.jsonl", eval_pairs)
    log(f"synthetic: {len(train_pairs)} training pairs, {len(eval_pairs)} evaluation pairs")

    out = args.work / "ft_synthetic"
    result, systems = evaluate_demo("synthetic", inputs, refs, ids, train, eval_path, out,
                                    args.steps or args.synthetic_steps, args)
    result["planted"] = {name: planted_counts(inputs, outs, refs) for name, outs in systems.items()}
    from unmangle.model_folder import resolve_model_dir

    neural_models = {"base model (before)": Path(resolve_model_dir("default")), "fine-tuned (after)": out}
    if "fine-tuned, re-calibrated" in systems:
        neural_models["fine-tuned, re-calibrated"] = out.with_name(out.name + "_recal")
    seen = systems["deterministic stages only"]
    result["flagged"] = {name: flagged_renderings(seen, d) for name, d in neural_models.items()}
    # no harm on clean held-out sentences (invented names in their right form, no noise)
    clean = refs[:args.clean_eval]
    models = {"leave alone (identity)": None, "deterministic stages only": Repairer(fast=True),
              "base model (before)": Repairer(), "fine-tuned (after)": Repairer.load(out)}
    if "fine-tuned, re-calibrated" in systems:
        models["fine-tuned, re-calibrated"] = Repairer.load(out.with_name(out.name + "_recal"))
    no_harm = {}
    for name, repairer in models.items():
        outs = clean if repairer is None else repair_all(repairer, clean, f"clean: {name}")
        changed = [(t, o) for t, o in zip(clean, outs) if o != t]
        no_harm[name] = {"n": len(clean), "unchanged": len(clean) - len(changed),
                         "share": 1 - len(changed) / len(clean) if clean else None}
    result["clean_no_harm"] = no_harm
    result["data"] = {
        "planted": [{"replaces": reals.replace("|", " / "), "clean": c, "rendered": r}
                    for reals, c, r in PLANTED],
        "train": f"{len(train_pairs)} UN General Debate sentences of 2015-2021 (40-300 characters): up "
                 f"to {round(args.synthetic_train * 0.75) // len(PLANTED)} per planted name, the rest "
                 f"naming none; news-preset noise (seed {args.seed + 1})",
        "eval": f"{len(eval_pairs)} sentences of 2023-2024: up to "
                f"{round(args.synthetic_eval * 0.8) // len(PLANTED)} per planted name, the rest naming "
                f"none; news-preset noise (seed {args.seed + 2})",
        "clean": f"the clean side of the first {len(clean)} evaluation sentences",
    }
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK,
                    help="where the fine-tuned models and temporary pair files go (git-ignored)")
    ap.add_argument("--demo", choices=["mlqe", "synthetic", "both"], default="both")
    ap.add_argument("--steps", type=int, help="training steps of each demo (overrides the two below)")
    ap.add_argument("--mlqe-steps", type=int, default=150, help="training steps of the MLQE-PE demo")
    ap.add_argument("--synthetic-steps", type=int, default=200, help="training steps of the synthetic demo")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4, help="peak learning rate (the CLI's default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, help="use at most this many training pairs in each demo")
    ap.add_argument("--mlqe-eval-per-pair", type=int, default=200,
                    help="MLQE-PE dev lines per language pair to evaluate on")
    ap.add_argument("--synthetic-train", type=int, default=4000, help="synthetic training sentences")
    ap.add_argument("--synthetic-eval", type=int, default=500, help="synthetic evaluation sentences")
    ap.add_argument("--clean-eval", type=int, default=500, help="clean sentences for the no-harm check")
    ap.add_argument("--recalibrate", choices=["auto", "always", "never"], default="always",
                    help="re-calibrate the fine-tuned model's thresholds: auto = only when the copied "
                    "ones let it make no edit")
    ap.add_argument("--cal-synthetic", type=int, default=300, help="calibration: synthetic sentences")
    ap.add_argument("--cal-mlqe-per-pair", type=int, default=40, help="calibration: MLQE-PE lines per pair")
    ap.add_argument("--cal-detect", default="0.7,0.85", help="calibration: detect thresholds to try "
                    "(the bundled model's own calibration grid)")
    ap.add_argument("--cal-margins", default="8,10,12,14,16,18,20,24",
                    help="calibration: rewrite margins to try (nats)")
    ap.add_argument("--time-budget", type=float, default=330.0, metavar="SECONDS",
                    help="stop each demo's training after this long even before --steps (0: no limit)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; on a CPU shared with other jobs one thread is far faster "
                    "than two (idle threads spin waiting for descheduled ones)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="Markdown results (JSON beside it)")
    ap.add_argument("--keep-data", action="store_true", help="keep the temporary pair files")
    ap.add_argument("--rescore", action="store_true",
                    help="do not train: score the models already in --work again (the data are "
                    "rebuilt from the same seeds; training figures come from the results JSON)")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpora under {args.shared} (set UNMANGLE_SHARED or pass --shared)")
    import torch

    from unmangle.bench.environment import environment

    torch.set_num_threads(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # for the calibration subprocess

    args.work = args.work.resolve()
    data_dir = args.work / "finetune_demo"
    json_path = args.out.with_suffix(".json")
    results = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    args.previous = {k: results.get(k) for k in ("mlqe", "synthetic")}
    results["environment"] = env = environment()
    env["torch_threads"] = args.threads
    command = "python benchmarks/finetune_demo.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if (args.demo == "both" and not args.rescore) or "command" not in results:
        results["command"] = command.strip()
    try:
        for name, demo in (("mlqe", mlqe_demo), ("synthetic", synthetic_demo)):
            if args.demo in (name, "both"):
                results[name] = demo(args, data_dir)
                results[name]["batch_size"] = args.batch_size
                if args.rescore and args.previous.get(name):
                    results[name]["run"] = dict(args.previous[name]["run"],
                                                rescored={"command": command.strip(), "date": env["date"]})
                else:
                    results[name]["run"] = {"command": command.strip(), "date": env["date"]}
    finally:
        if not args.keep_data:
            shutil.rmtree(data_dir, ignore_errors=True)
        for work in args.work.glob("ft_*.work"):
            shutil.rmtree(work, ignore_errors=True)  # checkpoints: only needed to resume
    if args.rescore:  # the command that trained what was scored
        results["command"] = next(results[n]["run"]["command"] for n in ("mlqe", "synthetic") if n in results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
